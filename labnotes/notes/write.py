"""The one way labnotes writes a note: atomic, locked, refusing rather than overwriting.

Every writer (toggle, annotate, new, the TUI's edits) comes here:

- `write_if_unchanged(snap, data)` replaces a note with new bytes, but only while it still holds
  exactly the bytes of `snap`. From that comparison to the rename the writer holds an exclusive
  lock (`flock`) on the note, so two labnotes writers never both pass the comparison and lose one
  change: the second sees the first's bytes and refuses (`NoteChanged`).
- The new bytes go to an unnamed file in the note's own folder (Linux `O_TMPFILE`; a hidden,
  named one elsewhere), fsynced, given the note's mode, and renamed over the note. A writer killed
  while writing leaves nothing behind: an unnamed file has no name to leave. Only between linking
  it to a name and the rename (two system calls) can a kill leave a hidden `.NAME.labnotes-…tmp`;
  the next write in that folder removes those of processes that are gone.
- A note with more than one hard link is refused: a rename would give it a new inode and leave
  the other names holding the old text, and writing in place is not atomic.
- `create_new(path, data)` never replaces an existing file (the unnamed file is linked to the new
  name, which fails if the name exists) and creates the note with the umask's mode, as an editor
  would (0644 under the usual umask 022).
- Given `vault=`, a write whose real target (after symlinks, as the opened descriptor says) lies
  outside the vault is refused. Every note is opened through `labnotes.fs.guard`, the one
  guarded open, as the index reads them.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from labnotes.fs.guard import UnsafeFile, open_regular, read_regular


class EditError(Exception):
    """An edit that cannot be made; the message is one line for the user."""


class NoteChanged(EditError):
    """The file on disk is no longer the one that was read."""


class NotWritable(EditError):
    """labnotes will not write this file (outside the vault, not a regular file, hard-linked)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: Path
    data: bytes
    mtime_ns: int
    size: int


def read_snapshot(path: str | os.PathLike[str], *, vault: str | os.PathLike[str] | None = None) -> Snapshot:
    """The note's bytes and the stat they were read under, through the guarded open (a FIFO or a
    device is refused, not waited on; with `vault`, so is a file outside it). Raises OSError
    (`labnotes.fs.guard.UnsafeFile` for a refusal) as open() does."""
    p = Path(path)
    data, st = read_regular(p, inside=os.path.realpath(vault) if vault is not None else None)
    return Snapshot(p, data, st.st_mtime_ns, len(data))


# -- where a write may go --------------------------------------------------------------------------


def real_target(path: str | os.PathLike[str], vault: str | os.PathLike[str] | None = None) -> Path:
    """The file a write to `path` really changes: a symlink is written through, not replaced.

    With `vault`, a target outside the vault (after every symlink) is refused: the index does
    not read such a file, and no edit may reach it either.
    """
    target = Path(os.path.realpath(path))
    if vault is not None:
        root = Path(os.path.realpath(vault))
        if not target.is_relative_to(root):
            raise NotWritable(f"{path}: leads outside the vault {root} (to {target}); not written")
    return target


# -- the lock ----------------------------------------------------------------------------------


@contextmanager
def locked(target: Path, shown: str | os.PathLike[str] | None = None, *,
           vault: str | os.PathLike[str] | None = None) -> Iterator[int]:
    """An exclusive lock on the regular file `target` names now; yields its open descriptor.

    Opened through the one guarded open (`labnotes.fs.guard`): non-blocking (a FIFO put in the
    note's place cannot hang the writer), a regular file, and with `vault` inside it as the
    descriptor says (not the name). A rename by another writer gives the name a new inode while we
    wait for the old one's lock: then we let go and lock the new one, so the holder always holds
    the note as it is. Raises NoteChanged when the name leads to no file (any more), NotWritable
    for a FIFO, device, folder or a file outside the vault.
    """
    shown = shown or target
    inside = os.path.realpath(vault) if vault is not None else None
    while True:
        try:
            opened = open_regular(target, inside=inside)
        except FileNotFoundError:
            raise NoteChanged(f"{shown}: the file was removed since it was read; nothing written") from None
        except UnsafeFile as exc:
            if exc.kind == "changed":
                raise NoteChanged(f"{shown}: the file changed since it was read; nothing written") from None
            where = "leads outside the vault" if exc.kind == "outside" else exc.reason.split(";")[0]
            raise NotWritable(f"{shown}: {where}; not written") from None
        fd = opened.fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(target, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield fd
    finally:
        os.close(fd)  # closing lets go of the lock


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, max(size - offset, 0) + 65536, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


# -- temporary files ----------------------------------------------------------------------------

_TEMP_TAG = "labnotes"


def _temp_name(name: str) -> str:
    # Hidden, so Obsidian's file watcher does not index it; host and pid say whose it is.
    return f".{name}.{_TEMP_TAG}-{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _sweep_stale(folder: Path, name: str) -> None:
    """Remove our temp files for `name` left by processes of this host that are gone (killed)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.{_TEMP_TAG}-{re.escape(socket.gethostname())}-(\d+)-[0-9a-f]+\.tmp\Z")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if m and not _alive(int(m[1])):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _unnamed_file(folder: Path, data: bytes, mode: int | None) -> int | None:
    """An open descriptor of a file in `folder` that has no name yet, holding `data`; None where
    the system cannot make one. The umask applies to mode 0o666, unless `mode` is given."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        fd = os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # the file system cannot; a named temp file will do
        raise
    _fill(fd, data, mode)
    return fd


def _fill(fd: int, data: bytes, mode: int | None) -> None:
    """Write `data` to a new file's descriptor and give it `mode`; the descriptor is closed on any error."""
    try:
        _write_all(fd, data)
        if mode is not None:
            os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        raise


def _name_it(fd: int, dest: Path) -> None:
    """Give the unnamed file behind `fd` the name `dest`; FileExistsError when that name is taken."""
    # A folder descriptor makes Python call linkat(AT_SYMLINK_FOLLOW): link() would link the
    # /proc entry itself (and fail across file systems) instead of the file it stands for.
    folder = os.open(dest.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{fd}", dest.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _named_temp(folder: Path, name: str, data: bytes, mode: int | None) -> Path:
    """A hidden temp file holding `data` (where no unnamed file can be made), removed on any error."""
    tmp = folder / _temp_name(name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        _fill(fd, data, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- the two writes -----------------------------------------------------------------------------


def write_if_unchanged(snap: Snapshot, new_data: bytes, *, vault: str | os.PathLike[str] | None = None) -> None:
    """Replace the note with `new_data` atomically, unless it changed since `snap` was read
    (then NoteChanged, and the file is left as it is). Raises NotWritable, NoteChanged, OSError."""
    target = real_target(snap.path, vault)
    with locked(target, snap.path, vault=vault) as fd:
        _replace_locked(snap, target, fd, new_data)


def _replace_locked(snap: Snapshot, target: Path, fd: int, new_data: bytes) -> None:
    st = os.fstat(fd)
    if st.st_nlink > 1:
        raise NotWritable(f"{snap.path}: has {st.st_nlink} hard links; labnotes replaces a note as a whole, "
                          "which would leave the other links with the old text, so it is not written")
    # The bytes decide, not the mtime: a coarse clock or a `touch` must not cause a false alarm,
    # and a same-size edit within one clock tick must not slip through.
    if _read_all(fd) != snap.data:
        raise NoteChanged(f"{snap.path}: the file changed since it was read; nothing written")
    folder, mode = target.parent, stat.S_IMODE(st.st_mode)
    _sweep_stale(folder, target.name)
    tmp_fd = _unnamed_file(folder, new_data, mode)
    tmp = folder / _temp_name(target.name) if tmp_fd is not None else _named_temp(folder, target.name, new_data, mode)
    try:
        if tmp_fd is not None:
            _name_it(tmp_fd, tmp)
        # One last look, as close to the swap as possible: a program that takes no lock (an editor).
        if _read_all(fd) != snap.data:
            raise NoteChanged(f"{snap.path}: the file changed since it was read; nothing written")
        os.replace(tmp, target)
    finally:
        if tmp_fd is not None:
            os.close(tmp_fd)
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)


def create_new(path: str | os.PathLike[str], data: bytes, *, vault: str | os.PathLike[str] | None = None) -> None:
    """Write a new file atomically; FileExistsError when it exists (it is never overwritten).
    Missing folders are created; the file gets the mode the umask gives (as an editor's would)."""
    p = Path(path)
    if vault is not None:
        real_target(p, vault)  # before any folder is made: `daily_folder: ../x` must make none
    p.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(os.path.realpath(p.parent))
    if vault is not None:
        real_target(folder, vault)  # a folder made through a symlink that leads out
    dest = folder / p.name
    if os.path.lexists(dest):
        raise FileExistsError(str(p))
    tmp_fd = _unnamed_file(folder, data, None)
    if tmp_fd is not None:
        try:
            _name_it(tmp_fd, dest)  # link() fails when the name exists: a note made meanwhile stays
        finally:
            os.close(tmp_fd)
        _fsync_dir(folder)
        return
    tmp = _named_temp(folder, p.name, data, None)
    try:
        try:
            os.link(tmp, dest)
        except FileExistsError:
            raise
        except OSError:
            # File systems without hard links: a plain rename after the check above.
            if os.path.lexists(dest):
                raise FileExistsError(str(p)) from None
            os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)
