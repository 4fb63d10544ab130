"""The experiments' code as it was: a clean worktree of one commit, made for a run and removed after.

`--at REV` names the commit (any git revision); `--as-of-entry` takes the last commit of the
experiments' repository before the entry's stamp. The worktree lives in the state folder
(`worktrees/`), never in the user's work tree, which is not touched; it is removed after the
run, also when the run fails or is interrupted.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from labnotes.settings.locations import state_dir


class CheckoutError(Exception):
    """The commit or the repository cannot be used; the message is one line."""


@dataclass(frozen=True, slots=True)
class Checkout:
    commit: str  # the full hash that was checked out
    root: Path  # the worktree's top folder
    experiments_root: Path  # where `python -m experiments.<id>` runs inside it


def _git(repo: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CheckoutError("git is not installed: --at and --as-of-entry need it") from None
    except subprocess.TimeoutExpired:
        raise CheckoutError(f"git {args[0]} took over two minutes in {repo}") from None
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise CheckoutError(f"git {args[0]} in {repo}: {reason}")
    return proc.stdout.strip()


def repository_of(folder: Path) -> Path:
    """The top folder of the git repository that holds `folder`."""
    return Path(_git(folder, "rev-parse", "--show-toplevel"))


def resolve(repo: Path, rev: str) -> str:
    """A revision the user typed (a hash, a branch, `HEAD~3`, a tag) -> the commit's full hash."""
    if not rev or rev.startswith("-"):  # an option, not a revision
        raise CheckoutError(f"not a git revision: {rev!r}")
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except CheckoutError:
        raise CheckoutError(f"no commit {rev!r} in {repo}") from None


def commit_before(repo: Path, moment: dt.datetime) -> str:
    """The last commit (on the checked-out branch) made before `moment`, local time when naive."""
    when = moment if moment.tzinfo else moment.astimezone()
    found = _git(repo, "rev-list", "-1", f"--before={when.isoformat()}", "HEAD")
    if not found:
        raise CheckoutError(f"no commit in {repo} before {moment:%Y-%m-%d %H:%M}")
    return found


def subject(repo: Path, commit: str) -> str:
    """A commit's one-line message."""
    return _git(repo, "log", "-1", "--format=%s", commit)


@contextmanager
def checkout(experiments_root: Path, commit: str, exp_id: str | None = None) -> Iterator[Checkout]:
    """A detached worktree of `commit`; yields where the experiments run inside it; removed after.

    `experiments_root` is the folder that holds `experiments/` in the user's tree; the same
    folder inside the worktree is where the run happens. With `exp_id`, an experiment that did
    not exist at that commit is a CheckoutError (before anything runs).
    """
    repo = repository_of(experiments_root)
    inside = Path(experiments_root).resolve().relative_to(repo.resolve())
    folder = state_dir() / "worktrees"
    folder.mkdir(parents=True, exist_ok=True)
    root = folder / f"{commit[:12]}-{secrets.token_hex(3)}"
    _git(repo, "worktree", "add", "--detach", "--quiet", str(root), commit)
    try:
        where = root / inside
        if exp_id is not None and not (where / "experiments" / f"{exp_id}.py").is_file():
            raise CheckoutError(f"experiment {exp_id} did not exist at {commit[:12]} "
                                f"(no {(inside / 'experiments' / f'{exp_id}.py').as_posix()} there)")
        yield Checkout(commit, root, where)
    finally:
        try:
            _git(repo, "worktree", "remove", "--force", str(root))
        except CheckoutError:
            shutil.rmtree(root, ignore_errors=True)
            subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True, check=False)
