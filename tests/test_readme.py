"""The README's two opening commands are what CI and a new user run."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(python3 -m venv .venv[^\n]*)\n```", text)[:2]


def test_readme_opens_with_a_run_command_and_a_test_command():
    run, test = _readme_commands()
    assert "labnotes" in run.split("&&")[-1]
    assert "pytest" in test.split("&&")[-1]


def test_ci_runs_the_readmes_test_command():
    _, test = _readme_commands()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
