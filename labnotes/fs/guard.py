"""One guarded open for every file labnotes reads or writes inside a vault.

A file's name is only a hint of what it is: a symlink can be re-pointed, a note can be a FIFO.
So nothing is checked by name and then opened; the file is opened first and the opened
descriptor is checked:

1. opened non-blocking and never as a controlling terminal, so a FIFO opens at once instead
   of waiting for a writer (a device is not even opened: its name is looked at first);
2. `fstat` of the descriptor: a regular file, else refused (FIFO, device, socket, folder);
3. the descriptor's real path (`/proc/self/fd` on Linux, `F_GETPATH` on macOS; elsewhere the
   resolved name, accepted only when it is the very file the descriptor holds) lies inside the vault;
4. its size is under the limit before a byte is read, and no more than the limit is ever read.

    files = VaultFiles(vault)
    data, st = files.read("Diary/2024-12-01.md", max_bytes=64 << 20)    # UnsafeFile, or OSError
    with files.open("Diary/2024-12-01.md") as opened:                    # for a lock, a compare …
        fcntl.flock(opened.fd, fcntl.LOCK_EX)
    folder_fd = files.folder("Diary/2024")                               # create and rename there

Every refusal is an `UnsafeFile` (an `OSError`) whose message names the file and says why.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from types import TracebackType

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class UnsafeFile(OSError):
    """A file labnotes will not open. `kind`: not-regular, outside, too-large or changed."""

    def __init__(self, path: str | os.PathLike[str], reason: str, kind: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason
        self.kind = kind


def is_inside(path: str, root: str) -> bool:
    """True when the real path `path` lies in the real folder `root` (or is it)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def what_it_is(mode: int) -> str:
    """A file that is not a note, in a user's words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def real_path_of(fd: int) -> str | None:
    """Where the opened file really is, from the descriptor; None where the system cannot say."""
    if sys.platform.startswith("linux"):
        try:
            real = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return None
        # A file unlinked after it was opened keeps its last name with this suffix.
        return real.removesuffix(" (deleted)") if real.startswith("/") else None
    if sys.platform == "darwin":
        import fcntl

        try:
            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024))  # type: ignore[attr-defined]
        except OSError:
            return None
        return os.fsdecode(raw.split(b"\0", 1)[0]) or None
    return None


@dataclass(slots=True)
class Opened:
    """A regular file opened and checked: read it, lock it, compare it; then close it."""

    fd: int
    stat: os.stat_result
    real: str  # its real path, as checked
    path: str  # the name it was opened by (for messages)
    max_bytes: int | None = None

    def read(self) -> bytes:
        """The whole file, never more than `max_bytes` (a file that grew past it is refused)."""
        limit = self.max_bytes
        parts: list[bytes] = []
        total = 0
        while True:
            want = _CHUNK if limit is None else min(_CHUNK, limit + 1 - total)
            chunk = os.read(self.fd, max(want, 1))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise UnsafeFile(self.path, _too_large(total, limit, grew=True), "too-large")
        return b"".join(parts)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "Opened":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _too_large(size: int, limit: int, grew: bool = False) -> str:
    what = "grew past" if grew else f"is {size / 1e6:.1f} MB, over"
    return f"{what} the {limit / 2**20:g} MiB limit for a note; not read"


def open_regular(
    path: str | os.PathLike[str], *, inside: str | None = None, max_bytes: int | None = None
) -> Opened:
    """Open `path` for reading as checked above; `inside` is the real path of the vault (or None
    for a file named on the command line, which must still be a regular file).

    Raises UnsafeFile for a refusal, OSError (FileNotFoundError, PermissionError …) as open() does.
    """
    name = os.fspath(path)
    # Looked at by name first only so that a device is never opened (opening some acts on
    # them); what decides is the check of the descriptor below.
    st = os.stat(name)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(name, f"is {what_it_is(st.st_mode)}, not a regular file; not read", "not-regular")
    fd = os.open(name, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(name, f"is {what_it_is(st.st_mode)}, not a regular file; not read", "not-regular")
        real = real_path_of(fd)
        if real is None:
            # No way to ask the descriptor: the resolved name counts only if it is this very file.
            real = os.path.realpath(name)
            try:
                now = os.stat(real)
            except OSError:
                now = None
            if now is None or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise UnsafeFile(name, "changed while it was being opened; not read", "changed")
        if inside is not None and not is_inside(real, inside):
            raise UnsafeFile(name, "leads outside the vault; not read", "outside")
        if max_bytes is not None and st.st_size > max_bytes:
            raise UnsafeFile(name, _too_large(st.st_size, max_bytes), "too-large")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return Opened(fd, st, real, name, max_bytes)


def read_regular(
    path: str | os.PathLike[str], *, inside: str | None = None, max_bytes: int | None = None
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and the stat they were read under (see `open_regular`)."""
    with open_regular(path, inside=inside, max_bytes=max_bytes) as opened:
        return opened.read(), opened.stat


class VaultFiles:
    """The files of one vault, opened only through the checks above."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.path.realpath(root)

    def path(self, rel: str) -> str:
        """The file system path of vault path `rel` (not checked: open it to check it)."""
        return os.path.join(self.root, rel)

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Whether `path`, symlinks resolved, lies in the vault (a hint: the opens check again)."""
        return is_inside(os.path.realpath(path), self.root)

    def open(self, rel: str, *, max_bytes: int | None = None) -> Opened:
        return open_regular(self.path(rel), inside=self.root, max_bytes=max_bytes)

    def read(self, rel: str, *, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
        return read_regular(self.path(rel), inside=self.root, max_bytes=max_bytes)

    def folder(self, rel: str) -> int:
        """A descriptor of the vault folder `rel` ("" for the root), checked to be inside the vault.

        Create and rename files relative to it (`os.open(name, …, dir_fd=fd)`,
        `os.replace(a, b, src_dir_fd=fd, dst_dir_fd=fd)`), so no symlink swapped later can move
        the write elsewhere. The caller closes it.
        """
        name = self.path(rel) if rel else self.root
        fd = os.open(name, _DIR_FLAGS)
        try:
            st = os.fstat(fd)
            if not stat.S_ISDIR(st.st_mode):
                raise UnsafeFile(name, f"is {what_it_is(st.st_mode)}, not a folder", "not-regular")
            real = real_path_of(fd) or os.path.realpath(name)
            if not is_inside(real, self.root):
                raise UnsafeFile(name, "leads outside the vault; not written", "outside")
        except BaseException:
            os.close(fd)
            raise
        return fd
