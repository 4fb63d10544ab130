"""Open a vault's git history (GitPython, imported here and only here) and read a note's versions.

One `git log` names the commits that touched the notes asked for; their blobs come through
GitPython's persistent `cat-file` process, and each version is parsed for its task lines. What was
read is cached in the cache folder, keyed by HEAD: a second call on an unchanged repository runs
no git at all beyond reading HEAD.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from labnotes.history.statuses import NoteHistory, TaskLine, Version
from labnotes.settings.config import VaultConfig

FORMAT = 1
_SEP = "\x1f"


class HistoryUnavailable(Exception):
    """No history to read; the message says why in one line (no GitPython, no git, no commits)."""


class NoRepository(HistoryUnavailable):
    """The vault is in no git work tree: nothing to say, labnotes works as before."""


def _in_work_tree(path: Path) -> bool:
    # Looked up without git, so a vault outside any repository never needs GitPython.
    return any((p / ".git").exists() for p in (path, *path.parents))


class VaultHistory:
    def __init__(self, vault: Path, repo: Any, head: str, config: VaultConfig, cache_path: Path | None) -> None:
        self.vault = vault
        self._repo = repo
        self.head = head
        self._config = config
        self._cache_path = cache_path
        self._notes: dict[str, NoteHistory] = {}
        self._dirty = False
        root = Path(repo.working_tree_dir).resolve()
        self._prefix = vault.relative_to(root).as_posix() if vault != root else ""
        self._load_cache()

    # -- reading -------------------------------------------------------------------------------

    def note(self, rel: str) -> NoteHistory:
        return self.notes([rel])[rel]

    def notes(self, rels: Iterable[str]) -> dict[str, NoteHistory]:
        """The committed versions of each note (oldest first), reading only what the cache lacks."""
        wanted = list(dict.fromkeys(rels))
        missing = [rel for rel in wanted if rel not in self._notes]
        if missing:
            try:
                self._read(missing)
            except HistoryUnavailable:
                raise
            except Exception as exc:  # git failing (a damaged or shallow repository) costs the history only
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise HistoryUnavailable(f"cannot read the git history: {first}") from None
        return {rel: self._notes[rel] for rel in wanted}

    def _path(self, rel: str) -> str:
        return f"{self._prefix}/{rel}" if self._prefix else rel

    def _read(self, rels: list[str]) -> None:
        from labnotes.parse import parse_note
        from labnotes.tasks.text import task_key

        by_path = {self._path(rel): rel for rel in rels}
        commits: dict[str, list[tuple[str, str, str]]] = {rel: [] for rel in rels}
        # One log for all of them: the commits (oldest first) and the files each one touched.
        pathspec = [self._prefix or "."] if len(rels) > 20 else list(by_path)
        out = self._repo.git.log(
            "--reverse", "--no-renames", "--name-only", f"--format=%x00%H{_SEP}%aI{_SEP}%an", "--", *pathspec
        )
        for block in out.split("\x00")[1:]:
            head, _, names = block.partition("\n")
            sha, date, author = head.split(_SEP, 2)
            for name in names.splitlines():
                rel = by_path.get(name.strip())
                if rel is not None:
                    commits[rel].append((sha, date, author))
        for rel, touched in commits.items():
            versions = []
            for sha, date, author in touched:
                text = self._blob(sha, self._path(rel))
                if text is None:  # deleted in that commit
                    versions.append(Version(sha, date, author, ()))
                    continue
                note = parse_note(text, rel, config=self._config)
                tasks = tuple(
                    TaskLine(i.line, i.task, task_key(i.text), tuple(i.section)) for i in note.list_items if i.task is not None
                )
                versions.append(Version(sha, date, author, tasks))
            self._notes[rel] = NoteHistory(rel, versions)
        self._dirty = True

    def _blob(self, sha: str, path: str) -> str | None:
        try:
            blob = self._repo.commit(sha).tree / path
            data = blob.data_stream.read()
        except KeyError:
            return None
        return data.decode("utf-8-sig", errors="replace")

    # -- the cache -----------------------------------------------------------------------------

    def _load_cache(self) -> None:
        if self._cache_path is None:
            return
        try:
            data = json.loads(self._cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("head") != self.head:
            return
        if data.get("key") != _cache_key(self._config):
            return
        try:
            self._notes = {rel: NoteHistory(rel, [Version.from_json(v) for v in vs]) for rel, vs in data["notes"].items()}
        except (KeyError, TypeError, ValueError):
            self._notes = {}

    def save(self) -> None:
        """Write what was read to the cache (atomically); a cache that cannot be written is skipped."""
        if self._cache_path is None or not self._dirty:
            return
        data = {
            "format": FORMAT,
            "head": self.head,
            "key": _cache_key(self._config),
            "notes": {rel: [v.to_json() for v in h.versions] for rel, h in self._notes.items()},
        }
        try:
            self._cache_path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._cache_path.parent, prefix=".history-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, self._cache_path)
            self._dirty = False
        except OSError:
            pass

    def close(self) -> None:
        self.save()
        self._repo.close()


def _cache_key(config: VaultConfig) -> str:
    """What the cached task lines depend on besides the commits: labnotes and the vault's settings."""
    import labnotes

    return hashlib.sha256(f"{labnotes.__version__}\n{config!r}".encode()).hexdigest()[:16]


def open_history(vault: Path, config: VaultConfig, *, cache_dir: Path | None = None) -> VaultHistory:
    """The history of the git work tree that holds `vault`: NoRepository when there is none,
    HistoryUnavailable when GitPython or git is missing or the repository has no commits."""
    vault = Path(vault).resolve()
    if not _in_work_tree(vault):
        raise NoRepository(f"{vault} is not in a git repository")
    try:
        import git
    except ImportError as exc:  # GitPython missing, or it found no git executable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HistoryUnavailable(f"no git history: {first} (pip install 'labnotes[git]', and git itself)") from None
    try:
        repo = git.Repo(vault, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise NoRepository(f"{vault} is not in a git repository") from None
    # Names as they are (`Diary/日记.md`), not octal-quoted, in `git log --name-only`.
    repo.git.set_persistent_git_options(c="core.quotepath=off")
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        raise HistoryUnavailable(f"{vault} is in a bare git repository")
    try:
        head = repo.head.commit.hexsha
    except (ValueError, TypeError):
        repo.close()
        raise HistoryUnavailable(f"{repo.working_tree_dir} has no commits yet") from None
    cache_path = None
    if cache_dir is not None:
        digest = hashlib.sha256(str(vault).encode()).hexdigest()[:20]
        cache_path = Path(cache_dir) / f"history-{digest}.json"
    return VaultHistory(vault, repo, head, config, cache_path)


def vault_history(vault: Path, config: VaultConfig, *, cache_dir: Path | None = None) -> tuple[VaultHistory | None, str | None]:
    """(history, notice) for a CLI or the TUI: (None, None) outside git, (None, one line) when the
    history cannot be read, (history, None) otherwise. Close the history when done (it saves the cache)."""
    try:
        return open_history(vault, config, cache_dir=cache_dir), None
    except NoRepository:
        return None, None
    except HistoryUnavailable as exc:
        return None, str(exc)


__all__ = ["FORMAT", "HistoryUnavailable", "NoRepository", "VaultHistory", "open_history", "vault_history"]
