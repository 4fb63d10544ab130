"""Find the vault's files: Markdown notes (with their stamp) and attachments.

Folders whose name starts with a dot (`.obsidian/`, `.trash/`, `.git/`) are skipped, as Obsidian
does. Symlinks are followed only while they stay inside the vault, and each real folder is walked
once, so a symlink loop or a link leading out of the vault is reported, never followed. A FIFO,
a device or a socket (or a symlink to one) is reported and never opened. The scan only names
files: what is read is checked again when it is opened (labnotes.fs.guard).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import NamedTuple

from labnotes.fs.guard import is_inside, what_it_is

NOTE_SUFFIX = ".md"


class Stamp(NamedTuple):
    """What tells a note changed without reading it. mtime alone misses a same-size edit whose
    mtime was put back (`cp -p`, `rsync -t`, sync tools); ctime and the inode do not."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> "Stamp":
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(slots=True)
class ScanProblem:
    rel: str
    message: str


@dataclass(slots=True)
class Scan:
    # rel POSIX path -> its stamp, for each note.
    notes: dict[str, Stamp] = field(default_factory=dict)
    # rel POSIX paths of every other file (images, PDFs, canvases …): link targets, never read.
    attachments: list[str] = field(default_factory=list)
    problems: list[ScanProblem] = field(default_factory=list)


def scan_vault(vault: str | os.PathLike[str]) -> Scan:
    root = os.path.realpath(vault)
    scan = Scan()
    seen_dirs: set[str] = {root}
    # Explicit stack rather than recursion: a deep vault cannot hit the recursion limit.
    stack: list[tuple[str, str]] = [(root, "")]
    # Symlinks wait until the real tree is walked, so a folder is indexed under its own name
    # and a symlink to it is the duplicate that gets skipped, whatever the walk order.
    symlinks: list[tuple[str, str]] = []
    while stack or symlinks:
        if not stack:
            path, rel = symlinks.pop()
            _follow_symlink(path, rel, root, seen_dirs, stack, scan)
            continue
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            scan.problems.append(ScanProblem(prefix or ".", f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = prefix + name
            try:
                if entry.is_symlink():
                    symlinks.append((entry.path, rel))
                elif entry.is_dir(follow_symlinks=False):
                    seen_dirs.add(entry.path)
                    stack.append((entry.path, rel + "/"))
                else:
                    _add_file(rel, entry.stat(follow_symlinks=False), scan)
            except OSError as exc:
                scan.problems.append(ScanProblem(rel, f"cannot read: {exc.strerror or exc}"))
    return scan


def _add_file(rel: str, st: os.stat_result, scan: Scan) -> None:
    if not stat.S_ISREG(st.st_mode):
        scan.problems.append(ScanProblem(rel, f"is {what_it_is(st.st_mode)}, not a file; skipped"))
    elif rel.lower().endswith(NOTE_SUFFIX):
        scan.notes[rel] = Stamp.of(st)
    else:
        scan.attachments.append(rel)


def _follow_symlink(
    path: str, rel: str, root: str, seen_dirs: set[str], stack: list[tuple[str, str]], scan: Scan
) -> None:
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        # realpath(strict=True) raises for a dangling link and for a loop of links.
        scan.problems.append(ScanProblem(rel, "broken or looping symlink; skipped"))
        return
    if not is_inside(real, root):
        scan.problems.append(ScanProblem(rel, "symlink leads outside the vault; skipped"))
        return
    if os.path.isdir(real):
        if real in seen_dirs or is_inside(root, real):
            scan.problems.append(ScanProblem(rel, "symlink loop (folder already indexed); skipped"))
            return
        seen_dirs.add(real)
        stack.append((real, rel + "/"))
        return
    try:
        st = os.stat(real)
    except OSError as exc:
        scan.problems.append(ScanProblem(rel, f"cannot read: {exc.strerror or exc}"))
        return
    _add_file(rel, st, scan)
