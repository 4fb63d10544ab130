"""Reading a note file: size, encoding and binary checks before the parser sees its text."""

from __future__ import annotations

import os
from pathlib import Path

from labnotes.fs.guard import UnsafeFile, read_regular
from labnotes.settings.config import VaultConfig
from labnotes.parse.model import Note
from labnotes.parse.note import parse_note

# Past this a "note" is almost certainly not one; parsing it would take minutes.
MAX_BYTES = 64 * 1024 * 1024


class NoteError(Exception):
    """A file that cannot be read as a note; the message names the file."""


def read_text(path: str | os.PathLike[str], *, inside: str | None = None) -> str:
    """The text of a note file, read through the guarded open (a regular file, `inside` that
    real folder when given, never over MAX_BYTES); NoteError names the file and why not."""
    p = Path(path)
    try:
        data, _ = read_regular(p, inside=inside, max_bytes=MAX_BYTES)
    except UnsafeFile as exc:
        raise NoteError(f"{p}: {exc.reason}") from None
    except IsADirectoryError:
        raise NoteError(f"{p}: is a folder, not a note") from None
    except FileNotFoundError:
        raise NoteError(f"{p}: no such file") from None
    except OSError as exc:
        raise NoteError(f"{p}: cannot read: {exc.strerror or exc}") from None
    return decode_text(data, str(p))


def decode_text(data: bytes, name: str) -> str:
    """A note's bytes as text: UTF-8 (a BOM dropped), never a binary file; NoteError names `name`."""
    if b"\x00" in data[:8192]:
        raise NoteError(f"{name}: binary file, not a Markdown note")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteError(f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def read_note(path: str | os.PathLike[str], *, config: VaultConfig | None = None, display: str | None = None) -> Note:
    """Read and parse a note file; `display` is the path recorded in the Note (default: as given)."""
    return parse_note(read_text(path), display if display is not None else str(path), config=config)
