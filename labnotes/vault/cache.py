"""The persistent index cache: one file per vault, replaced atomically, read lazily.

Layout: MAGIC, an 8-byte header length, a `marshal`-ed header, then the pickled notes back to back.
The header holds, per note, its size, mtime, content digest, facts (see facts.py) and where its
pickled `Note` lies, so a warm start reads only the header; a note is unpickled when asked for.

Two processes may write at once: each writes a temp file beside the cache and `os.replace`s it, so a
reader sees one whole file or the other, and keeps the file it opened even if it is replaced.
The cache sits in the user's own cache folder; anyone who can write there can already run code as
the user, so pickle's trust in its input is no new exposure.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from labnotes.settings.locations import cache_dir

MAGIC = b"labnotes-index\n"
FORMAT = 3
_LEN = struct.Struct("<Q")


@dataclass(slots=True)
class Record:
    stamp: tuple[int, int, int, int]  # scan.Stamp: size, mtime, ctime, inode
    digest: bytes
    facts: tuple  # NoteFacts.to_tuple()
    offset: int = -1  # where the pickled Note lies in the blob area; -1 when not yet written
    length: int = 0


class CacheError(Exception):
    """The cache file is unusable; the message says why, in the user's words."""


def cache_file(vault: Path) -> Path:
    key = hashlib.sha256(str(vault).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return cache_dir() / f"vault-{key}.idx"


class CacheFile:
    """An opened cache: its records, and the blobs behind them read on demand."""

    def __init__(self, handle: BinaryIO, blob_start: int, records: dict[str, Record], config_key: str) -> None:
        self._handle = handle
        self._blob_start = blob_start
        self.records = records
        # The notes were parsed under this .labnotes.yaml; under another they must be parsed again.
        self.config_key = config_key

    def blob(self, rec: Record) -> bytes:
        # pread, not seek + read: the TUI reads notes from worker threads at the same time.
        data = os.pread(self._handle.fileno(), rec.length, self._blob_start + rec.offset)
        if len(data) != rec.length:
            raise CacheError("cache file ends early")
        return data

    def close(self) -> None:
        self._handle.close()


def load(path: Path, fingerprint: str) -> CacheFile | None:
    """The cache at `path`, or None when there is none yet; CacheError when it is unusable."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CacheError(f"cannot read the index cache {path}: {exc.strerror or exc}") from None
    try:
        records, blob_start, config_key = _read_header(handle, path, fingerprint)
    except CacheError:
        handle.close()
        raise
    return CacheFile(handle, blob_start, records, config_key)


def _read_header(handle: BinaryIO, path: Path, fingerprint: str) -> tuple[dict[str, Record], int, str]:
    head = handle.read(len(MAGIC) + _LEN.size)
    if len(head) < len(MAGIC) + _LEN.size or not head.startswith(MAGIC):
        raise CacheError(f"the index cache {path} is not a labnotes cache (corrupt or partial)")
    (size,) = _LEN.unpack_from(head, len(MAGIC))
    # A damaged length must not become a read of exabytes (MemoryError, OverflowError).
    if size > os.fstat(handle.fileno()).st_size - len(head):
        raise CacheError(f"the index cache {path} is cut short or corrupt")
    raw = handle.read(size)
    if len(raw) != size:
        raise CacheError(f"the index cache {path} is cut short (partial write)")
    try:
        header = marshal.loads(raw)
        if header["format"] != FORMAT or header["fingerprint"] != fingerprint:
            raise CacheError(f"the index cache {path} was made by another labnotes version")
        blob_total = header["blob_total"]
        config_key = header["config"]
        records = {rel: Record(tuple(stamp), *rest) for rel, (stamp, *rest) in header["notes"].items()}
    except CacheError:
        raise
    except Exception:
        raise CacheError(f"the index cache {path} is corrupt") from None
    blob_start = len(head) + size
    handle.seek(0, os.SEEK_END)
    if handle.tell() != blob_start + blob_total:
        raise CacheError(f"the index cache {path} is cut short (partial write)")
    return records, blob_start, config_key


def save(
    path: Path,
    fingerprint: str,
    config_key: str,
    records: dict[str, Record],
    blob_of: Callable[[str, Record], bytes],
) -> None:
    """Write every record with its blob (`blob_of(rel, rec)`) to a temp file, then swap it in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    blobs: list[bytes] = []
    notes: dict[str, tuple] = {}
    offset = 0
    for rel, rec in records.items():
        data = blob_of(rel, rec)
        blobs.append(data)
        notes[rel] = (tuple(rec.stamp), rec.digest, rec.facts, offset, len(data))
        offset += len(data)
    header = marshal.dumps(
        {"format": FORMAT, "fingerprint": fingerprint, "config": config_key, "blob_total": offset, "notes": notes}
    )
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + _LEN.pack(len(header)))
            out.write(header)
            out.writelines(blobs)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
