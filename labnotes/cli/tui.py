"""`labnotes tui`: the terminal UI (Textual, imported only when the command runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from labnotes.cli.app import VaultOption, app, fail, vault_path


@app.command("tui")
def tui(vault: Optional[Path] = VaultOption) -> None:
    """Browse tasks and debugging timelines, read notes, follow links, rerun experiments."""
    folder = vault_path(vault)
    try:
        from labnotes.tui.app import make_app
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "textual":
            fail("the terminal UI needs textual: pip install 'labnotes[tui]'")
        raise
    make_app(folder).run()
