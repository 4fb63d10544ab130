"""Where things live: the vault in use, the bundled sample vault and its experiments, a vault's
experiments folder, the cache and state folders."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Callable

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout that holds labnotes/, vault/ and experiments/ (an editable install points here).
REPO_ROOT = PACKAGE_DIR.parent
# An installed wheel carries the sample vault and its experiments as package data here; a
# checkout keeps them at the repository root (see pyproject.toml and setup.py).
_BUNDLED = PACKAGE_DIR / "sample"
SAMPLE_VAULT = _BUNDLED / "vault" if (_BUNDLED / "vault").is_dir() else REPO_ROOT / "vault"
# The sample vault's experiments (its .labnotes.yaml names them as ../experiments).
EXPERIMENTS_DIR = SAMPLE_VAULT.parent / "experiments"
# `--vault sample` (or LABNOTES_VAULT=sample) names the bundled sample vault.
SAMPLE_NAME = "sample"
EXPERIMENTS_ENV = "LABNOTES_EXPERIMENTS"


class VaultNotFound(Exception):
    pass


def is_vault(folder: Path) -> bool:
    return (folder / ".obsidian").is_dir() or (folder / ".labnotes.yaml").is_file()


def is_sample(folder: Path) -> bool:
    try:
        return folder.resolve() == SAMPLE_VAULT.resolve()
    except OSError:
        return False


def resolve_vault(
    option: str | os.PathLike[str] | None = None,
    cwd: Path | None = None,
    *,
    notice: Callable[[str], None] | None = None,
) -> Path:
    """The vault: --vault DIR, else $LABNOTES_VAULT, else the current folder when it holds
    `.obsidian/` or `.labnotes.yaml`, else the bundled sample vault (with a notice, since a user
    who is not in a vault should know whose notes they are looking at).

    `--vault sample` names the bundled sample vault, unless a folder called `sample` is there.
    """
    here = (cwd or Path.cwd()).resolve()
    for given in (option, os.environ.get("LABNOTES_VAULT") or None):
        if given:
            path = Path(given).expanduser()
            if not path.is_absolute():
                path = here / path
            if os.fspath(given) == SAMPLE_NAME and not path.is_dir() and SAMPLE_VAULT.is_dir():
                return SAMPLE_VAULT.resolve()
            if not path.is_dir():
                raise VaultNotFound(f"vault folder not found: {path}")
            return path.resolve()
    if is_vault(here):
        return here
    if SAMPLE_VAULT.is_dir():
        if notice is not None:
            notice(
                f"no vault here: showing the bundled sample vault (pass --vault DIR or set "
                f"LABNOTES_VAULT for yours; --vault {SAMPLE_NAME} to say you mean it)"
            )
        return SAMPLE_VAULT.resolve()
    raise VaultNotFound("no vault: pass --vault DIR, set LABNOTES_VAULT, or run labnotes inside a vault")


def vault_holding(path: Path) -> Path | None:
    """The nearest folder above `path` that is a vault (holds `.labnotes.yaml` or `.obsidian/`)."""
    for folder in path.resolve().parents:
        if is_vault(folder):
            return folder
    return None


def experiments_dir(vault: Path, setting: str | None) -> Path | None:
    """The vault's experiments folder: `$LABNOTES_EXPERIMENTS`, else the `experiments:` setting
    (relative to the vault, or absolute), else none. Not checked for a manifest here."""
    given = os.environ.get(EXPERIMENTS_ENV) or setting
    if not given:
        return None
    path = Path(given).expanduser()
    if not path.is_absolute():
        path = Path(vault) / path
    return path.resolve()


def cache_dir() -> Path:
    given = os.environ.get("LABNOTES_CACHE_DIR")
    return Path(given) if given else Path(platformdirs.user_cache_dir("labnotes"))


def state_dir() -> Path:
    given = os.environ.get("LABNOTES_STATE_DIR")
    return Path(given) if given else Path(platformdirs.user_state_dir("labnotes"))


def runs_dir(experiments: Path) -> Path:
    """The state folder of one experiments folder: its runs are kept apart from other folders'.

    Named after the folder's own name and a hash of its full path, so two projects' `experiments/`
    folders never share a run log and the name still says whose it is.
    """
    resolved = str(Path(experiments).resolve())
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(resolved).parent.name + "-" + Path(resolved).name)[:60]
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return state_dir() / "experiments" / f"{name}-{digest}"


class OutsideVault(Exception):
    """A path from the settings that leads out of the vault (through `..` or a symlink)."""


def inside_vault(vault: Path, rel: str | os.PathLike[str], what: str) -> Path:
    """`vault / rel` with symlinks resolved, when it stays inside the vault; else OutsideVault.

    For paths the settings name (the template, the daily folder): a vault whose settings or
    links point elsewhere must not make labnotes read or write there. The part of the path that
    does not exist yet is judged by the part that does.
    """
    root = Path(vault).resolve()
    path = (root / rel).resolve()
    if path != root and not path.is_relative_to(root):
        raise OutsideVault(f"{what} {os.fspath(rel)!r} leads outside the vault (to {path})")
    return path
