"""What reaches the terminal: a note's control characters are shown, never obeyed; JSON stays exact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from labnotes.cli.app import app
from labnotes.printable import printable
from tests.clikit import runner


# What an attack on the first version put in notes: window title, clear screen, a hyperlink that
# points elsewhere, the clipboard through OSC 52, a bidi override, a C1 CSI.
TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[H"
LINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
BIDI = "\u202etxt.exe"
CSI = "\x9b31m"
NASTY = TITLE + CLEAR + LINK + CLIPBOARD + BIDI + CSI


def _raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if c in "\x1b\x07\x9b\u202e" or ord(c) < 0x20 and c not in "\t\n"})


def test_printable_shows_every_control_as_an_escape_and_keeps_the_rest():
    shown = printable("修 PartialOct\t" + NASTY + "\n中文")
    assert _raw_controls(shown) == []
    assert "\\u001b]0;pwned\\u0007" in shown and "\\u202etxt.exe" in shown and "\\u009b31m" in shown
    assert shown.startswith("修 PartialOct\t") and shown.endswith("\n中文")
    assert printable("a\tb\nc", one_line=True) == "a\\u0009b\\u000ac"


def test_a_file_names_undecodable_byte_is_shown_not_a_crash():
    name = os.fsdecode(b"caf\xe9.md")  # surrogateescape: '\udce9'
    assert printable(name) == "caf\\udce9.md"
    printable(name).encode("utf-8")  # strict: no UnicodeEncodeError


def _vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "2024-12-01.md").write_text(f"# 今日计划\n1. [ ] 修 {NASTY}\n\t1. 2024-12-05-17:36 周四：发现{TITLE}问题\n", encoding="utf-8")
    return vault


def test_cli_listings_send_no_control_character_to_the_terminal(tmp_path):
    vault = _vault(tmp_path)
    for command in (["tasks"], ["timeline"], ["parse", str(vault / "2024-12-01.md")], ["graph", "--format", "mermaid"]):
        result = runner.invoke(app, [*command, "--vault", str(vault)] if command[0] != "parse" else command)
        assert result.exit_code == 0, (command, result.stderr)
        assert "pwned" in result.stdout, command  # the text is shown …
        assert _raw_controls(result.stdout + result.stderr) == [], command  # … and nothing obeyed


def test_json_output_is_exact_and_safe_to_print(tmp_path):
    vault = _vault(tmp_path)
    result = runner.invoke(app, ["tasks", "--vault", str(vault), "--json"])
    assert result.exit_code == 0
    assert _raw_controls(result.stdout) == []
    [task] = json.loads(result.stdout)
    assert task["text"] == f"修 {NASTY}"  # the very characters of the note


def test_a_warning_naming_a_hostile_file_is_shown_escaped(tmp_path):
    vault = _vault(tmp_path)
    (vault / f"bad{TITLE}.md").write_bytes(b"---\nx: [\n---\n\xff\xfe")
    result = runner.invoke(app, ["tasks", "--vault", str(vault)])
    assert _raw_controls(result.stderr) == []


def test_a_non_utf8_file_name_prints_on_a_strict_utf8_locale(tmp_path):
    vault = _vault(tmp_path)
    (vault / os.fsdecode(b"caf\xe9.md")).write_text("- [ ] latin-1 name\n", encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    for command in (["tasks"], ["tasks", "--json"], ["links"], ["index"]):
        proc = subprocess.run([sys.executable, "-m", "labnotes", *command, "--vault", str(vault)],
                              capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, (command, proc.stderr.decode("utf-8", "replace")[-500:])
        assert b"Traceback" not in proc.stderr
    # The store keeps text names only: the note is skipped, and the warning names it, escaped.
    said = subprocess.run([sys.executable, "-m", "labnotes", "tasks", "--vault", str(vault)],
                          capture_output=True, env=env, text=True, timeout=120).stderr
    assert "caf\\udce9.md: file name is not valid UTF-8; skipped" in said


def test_tui_rows_show_a_notes_controls_escaped():
    from labnotes.tui.text import inline, name

    row = inline(f"修 ==高亮== {NASTY}")
    assert _raw_controls(row.plain) == [] and "高亮" in row.plain and "pwned" in row.plain
    assert _raw_controls(name(f"Diary/{TITLE}.md")) == []
