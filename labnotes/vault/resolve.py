"""Link resolution as Obsidian does it, over the files the scan found (the disk is never read).

A link path is matched, in order:
1. as a path inside the vault — from the vault root, or from the note's folder when it starts
   with `./` or `../`; `.md` may be left off;
2. by file name, case-insensitively (`[[Note]]` is `Note.md`, `[[pic.png]]` is an attachment);
   a path like `[[2024/Note]]` keeps the names whose path ends so. When names repeat, a file in
   the linking note's own folder wins, then the shortest path (Obsidian's rule);
3. by a front-matter alias.
Anything else is unresolved, with the reason; nothing is guessed. A path that climbs out of the
vault (`[[../../etc/passwd]]`) resolves to nothing, since only scanned files can match.

`#Heading` matches a heading after Obsidian's normalisation (punctuation to spaces, spaces
collapsed, case ignored); `#A#B` is heading B under heading A; `#^id` is a block id. On an
attachment the subpath is not checked, as Obsidian ignores it (`![[pic.png#icon]]`) or reads it
as a Bases view name (`![[Movies.base#Favorites]]`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol
from urllib.parse import unquote

from labnotes.parse.urls import SCHEME

NOTE_SUFFIX = ".md"


class LinkLike(Protocol):
    target: str
    heading: str | None
    block: str | None
    kind: str


class Anchors(Protocol):
    """What resolution needs of a note besides its path: its aliases, headings and block ids."""

    aliases: tuple[str, ...]
    headings: tuple[tuple[int, int, str], ...]
    blocks: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    rel: str | None  # the note or attachment the link reaches; None when it reaches nothing
    heading_line: int | None = None
    block_line: int | None = None
    ok: bool = False
    reason: str | None = None  # why not ok, in words
    via: str | None = None  # "path", "name", "alias" or "self"


# Obsidian's stripHeading: these characters count as spaces when a heading is matched.
_HEADING_PUNCT = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\]+")
_SPACES = re.compile(r"\s+")


def heading_key(text: str) -> str:
    return _SPACES.sub(" ", _HEADING_PUNCT.sub(" ", text)).strip().casefold()


class Resolver:
    def __init__(
        self,
        notes: Mapping[str, Anchors],
        attachments: Iterable[str],
        aliases: Iterable[tuple[str, str]] | None = None,
    ) -> None:
        """`notes` maps each note to its anchors (read only for the notes links reach);
        `aliases` gives (note, alias) pairs, else they are read from every note's anchors."""
        self._anchors = notes
        self._by_path: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_alias: dict[str, list[str]] = {}
        for rel in list(notes) + list(attachments):
            self._by_path.setdefault(rel.casefold(), rel)
            name = rel.rsplit("/", 1)[-1].casefold()
            self._by_name.setdefault(name, []).append(rel)
            if name.endswith(NOTE_SUFFIX):
                self._by_name.setdefault(name[: -len(NOTE_SUFFIX)], []).append(rel)
        if aliases is None:
            aliases = ((rel, alias) for rel, anchors in notes.items() for alias in anchors.aliases)
        for rel, alias in aliases:
            self._by_alias.setdefault(alias.casefold(), []).append(rel)
        # Many links repeat (the same note, the same heading): each is worked out once.
        self._files: dict[tuple[str, str], tuple[str | None, str | None, str]] = {}
        self._headings: dict[str, list[tuple[int, int, str]]] = {}
        self._resolved: dict[tuple, Resolution] = {}

    # -- the file --------------------------------------------------------------------------

    def find_file(self, linkpath: str, from_rel: str) -> tuple[str | None, str | None, str]:
        """(rel, how, reason): the file `linkpath` names, seen from note `from_rel`."""
        path = linkpath.strip().replace("\\", "/")
        if not path:
            return from_rel, "self", ""
        key = (path, posixpath.dirname(from_rel))
        found = self._files.get(key)
        if found is None:
            found = self._files[key] = self._find_file(path, linkpath, key[1])
        return found

    def _find_file(self, path: str, linkpath: str, folder: str) -> tuple[str | None, str | None, str]:
        if re.match(r"^[A-Za-z]:/", path) or path.startswith("//") or path.startswith("~"):
            return None, None, f"absolute path {linkpath!r} is outside the vault"
        if path.startswith("./") or path.startswith("../"):
            joined = posixpath.normpath(posixpath.join(folder, path))
            if joined == ".." or joined.startswith("../"):
                return None, None, f"{linkpath!r} points outside the vault"
            hit = self._exact(joined)
            return (hit, "path", "") if hit else (None, None, f"no file at {joined!r}")
        path = path.lstrip("/")
        if ".." in path.split("/"):
            joined = posixpath.normpath(path)
            if joined == ".." or joined.startswith("../"):
                return None, None, f"{linkpath!r} points outside the vault"
            path = joined
        hit = self._exact(path)
        if hit:
            return hit, "path", ""
        hit = self._by_file_name(path, folder)
        if hit:
            return hit, "name", ""
        if "/" not in path:
            owners = self._by_alias.get(path.casefold())
            if owners:
                return _closest(owners, folder), "alias", ""
        return None, None, f"no note or attachment named {linkpath!r}"

    def _exact(self, path: str) -> str | None:
        key = path.casefold()
        return self._by_path.get(key) or self._by_path.get(key + NOTE_SUFFIX)

    def _by_file_name(self, path: str, folder: str) -> str | None:
        key = path.casefold()
        name = key.rsplit("/", 1)[-1]
        candidates = self._by_name.get(name)
        if not candidates:
            return None
        if "/" in key:
            tail = "/" + key
            candidates = [
                c for c in candidates
                if c.casefold().endswith(tail) or c.casefold().endswith(tail + NOTE_SUFFIX)
            ]  # fmt: skip
            if not candidates:
                return None
        return _closest(candidates, folder)

    # -- the place in it ---------------------------------------------------------------------

    def resolve(self, link: LinkLike, from_rel: str) -> Resolution:
        target = link.target or ""
        # A link means the same from every note of a folder (a bare #heading: of its own note).
        key = (link.kind, target, link.heading, link.block, from_rel if not target.strip() else posixpath.dirname(from_rel))
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(link, target, from_rel)
        return found

    def _resolve(self, link: LinkLike, target: str, from_rel: str) -> Resolution:
        if is_external(link):
            return Resolution(None, ok=False, reason="external URL")
        if is_placeholder(link):
            return Resolution(None, ok=False, reason="template placeholder")
        heading, block = link.heading, link.block
        if link.kind == "markdown" and "%" in target:
            target = unquote(target)
        rel, how, reason = self.find_file(target, from_rel)
        if rel is None:
            return Resolution(None, ok=False, reason=reason)
        if not heading and not block:
            return Resolution(rel, ok=True, via=how)
        anchors = self._anchors.get(rel)
        if anchors is None:
            # Obsidian ignores a subpath on an attachment (`![[icon.svg#icon]]`, a PDF's `#page=3`)
            # and reads one on a Bases file as a view's name (`![[Movies.base#Favorites]]`): the
            # file is what must exist.
            return Resolution(rel, ok=True, via=how)
        if block:
            block_key = block.lstrip("^").strip().casefold()
            for block_line, bid in anchors.blocks:
                if bid.casefold() == block_key:
                    return Resolution(rel, block_line=block_line, ok=True, via=how)
            return Resolution(rel, ok=False, via=how, reason=f"no block ^{block_key} in {rel}")
        heading = heading or ""  # set: a link with neither heading nor block returned above
        text = unquote(heading) if link.kind == "markdown" and "%" in heading else heading
        keyed = self._headings.get(rel)
        if keyed is None:
            keyed = self._headings[rel] = [(line, level, heading_key(t)) for line, level, t in anchors.headings]
        line = find_heading(keyed, text, slug=link.kind == "markdown", keyed=True)
        if line is None:
            return Resolution(rel, ok=False, via=how, reason=f"no heading {text!r} in {rel}")
        return Resolution(rel, heading_line=line, ok=True, via=how)


def name_key(path: str) -> str:
    """The key a link finds a file by: its file name, case folded, without `.md` for a note."""
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].casefold()
    return name[: -len(NOTE_SUFFIX)] if name.endswith(NOTE_SUFFIX) else name


def link_key(link: LinkLike) -> str | None:
    """The name key of the file a link could reach (an alias is a name too); None when it can
    reach no file of the vault, or only its own note. A link is resolved again only when a file
    or alias of its key comes or goes, or the note it reached changes."""
    if not is_checked(link):
        return None
    target = (link.target or "").strip()
    if link.kind == "markdown" and "%" in target:
        target = unquote(target)
    return name_key(target) if target else None


def is_external(link: LinkLike) -> bool:
    """A URL (`https://…`, `mailto:…`, `obsidian://…`), not a file of the vault.

    In a wiki link only `scheme://` counts: `[[Meeting: notes]]` is a (broken) note name.
    """
    target = link.target or ""
    if link.kind == "url":
        return True
    if link.kind == "wiki":
        return "://" in target and bool(SCHEME.match(target))
    return bool(SCHEME.match(target))


def is_placeholder(link: LinkLike) -> bool:
    """`[[{{yesterday}}]]` in a template: filled in when a note is made from it, not a link yet."""
    return "{{" in (link.target or "")


def is_checked(link: LinkLike) -> bool:
    """A link into the vault, one that must resolve: not a URL, not a template placeholder."""
    return not is_external(link) and not is_placeholder(link)


def find_heading(
    headings: Iterable[tuple[int, int, str]], subpath: str, *, slug: bool = False, keyed: bool = False
) -> int | None:
    """The line of the heading `subpath` names (`A#B`: B under A), first match in the note.

    `headings` are (line, level, text), or (line, level, heading_key(text)) when `keyed`.
    """
    parts = [heading_key(p) for p in subpath.split("#") if p.strip()]
    if not parts:
        return None
    wanted = parts[-1]
    wanted_slug = wanted.replace(" ", "-")
    chain: list[tuple[int, str]] = []  # open headings above the current one: (level, key)
    for line, level, text in headings:
        while chain and chain[-1][0] >= level:
            chain.pop()
        key = text if keyed else heading_key(text)
        if key == wanted or (slug and key.replace(" ", "-") == wanted_slug):
            if _in_order(parts[:-1], [k for _, k in chain]):
                return line
        chain.append((level, key))
    return None


def _in_order(wanted: list[str], above: list[str]) -> bool:
    # Obsidian's `#A#B` needs A somewhere above B, not necessarily its direct parent.
    it = iter(above)
    return all(any(w == a for a in it) for w in wanted)


def _closest(candidates: list[str], folder: str) -> str:
    here = [c for c in candidates if posixpath.dirname(c) == folder]
    return min(here or candidates, key=lambda c: (len(c), c))

