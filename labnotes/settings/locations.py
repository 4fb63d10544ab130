"""Where things live: the vault in use, the repository, its experiments, cache and state folders."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout that holds labnotes/, vault/ and experiments/ (an editable install points here).
REPO_ROOT = PACKAGE_DIR.parent
SAMPLE_VAULT = REPO_ROOT / "vault"
EXPERIMENTS_DIR = REPO_ROOT / "experiments"


class VaultNotFound(Exception):
    pass


def resolve_vault(option: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The vault: --vault DIR, else $LABNOTES_VAULT, else the current folder when it holds
    `.obsidian/` or `.labnotes.yaml`, else the bundled sample vault."""
    for given in (option, os.environ.get("LABNOTES_VAULT") or None):
        if given:
            path = Path(given).expanduser()
            if not path.is_dir():
                raise VaultNotFound(f"vault folder not found: {path}")
            return path.resolve()
    here = (cwd or Path.cwd()).resolve()
    if (here / ".obsidian").is_dir() or (here / ".labnotes.yaml").is_file():
        return here
    if SAMPLE_VAULT.is_dir():
        return SAMPLE_VAULT
    raise VaultNotFound("no vault: pass --vault DIR or set LABNOTES_VAULT")


def vault_holding(path: Path) -> Path | None:
    """The nearest folder above `path` that is a vault (holds `.labnotes.yaml` or `.obsidian/`)."""
    for folder in path.resolve().parents:
        if (folder / ".labnotes.yaml").is_file() or (folder / ".obsidian").is_dir():
            return folder
    return None


def cache_dir() -> Path:
    given = os.environ.get("LABNOTES_CACHE_DIR")
    return Path(given) if given else Path(platformdirs.user_cache_dir("labnotes"))


def state_dir() -> Path:
    given = os.environ.get("LABNOTES_STATE_DIR")
    return Path(given) if given else Path(platformdirs.user_state_dir("labnotes"))
