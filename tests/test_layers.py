"""The layers of labnotes: what each folder may import (see docs/internals.md, "Layers").

Every `import` in the package is read from the source (function-level ones too, since labnotes
imports heavy modules lazily), so a forbidden import fails here even when no test runs it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "labnotes"

UI = ("rich", "typer", "textual")
HEAVY = ("torch", "git", "networkx")

# layer -> the labnotes layers and third-party packages it must never import.
# `tasks` (what a task is across notes) sits on settings and parse only; `history` (the vault's git
# history) sits above queries, and nothing in the core imports it.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # The guarded open: below every layer, so that settings, parse and the writers can use it.
    "fs": ("settings", "parse", "tasks", "vault", "queries", "history", "notes", "lab", "cli", "tui", *UI, *HEAVY),
    "settings": ("parse", "tasks", "vault", "queries", "history", "notes", "lab", "cli", "tui", *UI, "torch", "git"),
    "parse": ("tasks", "vault", "queries", "history", "notes", "lab", "cli", "tui", *UI, *HEAVY),
    "tasks": ("vault", "queries", "history", "notes", "lab", "cli", "tui", *UI, *HEAVY),
    "vault": ("queries", "history", "notes", "lab", "cli", "tui", *UI, "torch", "git"),
    "queries": ("history", "notes", "lab", "cli", "tui", *UI, "torch", "git"),
    "history": ("notes", "lab", "cli", "tui", *UI, "torch", "networkx"),
    "notes": ("history", "lab", "cli", "tui", *UI, "torch", "git"),
    "lab": ("history", "cli", "tui", *UI, "torch"),
    # labnotes/workspace.py: the vault, its experiments and runs, opened for the front ends.
    "workspace": ("history", "cli", "tui", *UI, "torch"),
    "tui": ("cli",),
}

# Imports that break the rules and are being removed; nothing may be added here.
KNOWN: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def violations(layer: str, path: Path) -> list[str]:
    bad = []
    for name in imported_modules(path):
        parts = name.split(".")
        top, sub = parts[0], parts[1] if len(parts) > 1 else ""
        hit = (top == "labnotes" and sub in FORBIDDEN[layer]) or (top != "labnotes" and top in FORBIDDEN[layer])
        rel = path.relative_to(PACKAGE).as_posix()
        if hit and (rel, name) not in KNOWN:
            bad.append(f"{rel} imports {name}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    module = PACKAGE / f"{layer}.py"
    files = [module] if module.is_file() else sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no labnotes/{layer}/"
    assert [v for f in files for v in violations(layer, f)] == []


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    sneaky = PACKAGE / "parse" / "_sneaky_for_test.py"
    sneaky.write_text("def f():\n    from labnotes.tui.app import make_app\n    import rich\n", encoding="utf-8")
    try:
        assert violations("parse", sneaky) == [
            "parse/_sneaky_for_test.py imports labnotes.tui.app",
            "parse/_sneaky_for_test.py imports rich",
        ]
    finally:
        sneaky.unlink()


CORE = ["labnotes.fs.guard", "labnotes.settings.config", "labnotes.parse", "labnotes.parse.note", "labnotes.tasks", "labnotes.vault",
        "labnotes.queries.tasks", "labnotes.queries.timeline", "labnotes.queries.check", "labnotes.notes.newnote", "labnotes.notes.edit",
        "labnotes.notes.annotate", "labnotes.lab.rerun", "labnotes.lab.records", "labnotes.workspace"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_loads_no_ui_torch_or_git(module: str) -> None:
    code = (
        "import importlib, sys; importlib.import_module(sys.argv[1]);"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'typer', 'torch', 'git'}))"
    )
    out = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


VIEWS = ("tasks", "timeline", "notes", "experiments", "metrics")


@pytest.mark.parametrize("view", VIEWS)
def test_a_tui_view_imports_no_other_view(view: str) -> None:
    """Views talk through `tui/messages.py` and the app, so one can change without the others."""
    others = {f"labnotes.tui.{v}" for v in VIEWS if v != view}
    imported = imported_modules(PACKAGE / "tui" / f"{view}.py")
    assert sorted(set(imported) & others) == []


def test_no_tui_widget_replaces_a_private_textual_method() -> None:
    """A private method of Textual's that a widget defines again is called by Textual with
    Textual's arguments (NotesView once had its own `_scroll_to(line)`)."""
    pytest.importorskip("textual")
    import importlib
    import inspect

    from textual.dom import DOMNode

    clashes = []
    for path in sorted((PACKAGE / "tui").glob("*.py")):
        module = importlib.import_module(f"labnotes.tui.{path.stem}")
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == module.__name__):
                continue
            for name, value in vars(cls).items():
                if not name.startswith("_") or name.startswith("__") or not inspect.isfunction(value):
                    continue
                textual_owner = next((base for base in cls.__mro__[1:] if name in vars(base)
                                      and base.__module__.startswith("textual")), None)
                if textual_owner is not None:
                    clashes.append(f"{cls.__name__}.{name} (Textual's {textual_owner.__name__}.{name})")
    assert clashes == []
