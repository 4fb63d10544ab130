"""`labnotes parse` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SEED


def labnotes(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labnotes", *args], capture_output=True, text=True)


def test_parse_json_has_the_documented_fields():
    result = labnotes("parse", str(SEED), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"path", "date", "frontmatter", "headings", "list_items", "links", "entries", "tables", "tags", "warnings"}
    assert data["path"] == str(SEED)
    assert len(data["entries"]) == 20
    assert data["entries"][0]["id"] == "2024-12-01@2024-12-01T16:53"


def test_parse_outline_for_people():
    result = labnotes("parse", str(SEED))
    assert result.returncode == 0
    assert "24 tasks (9 done, 15 open)" in result.stdout
    assert "20 entries" in result.stdout
    assert "修改 PartialOct  :29" in result.stdout


def test_missing_file_is_a_one_line_error(tmp_path):
    result = labnotes("parse", str(tmp_path / "nope.md"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"labnotes: error: {tmp_path / 'nope.md'}: no such file"]


def test_binary_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\x00\x01\x02")
    result = labnotes("parse", str(path))
    assert result.returncode == 2 and "binary" in result.stderr and "Traceback" not in result.stderr


def test_warnings_go_to_stderr_with_file_and_line(tmp_path):
    path = tmp_path / "2024-12-03.md"
    path.write_text("- 2024-12-03-22:05 周三：wrong weekday\n", encoding="utf-8")
    result = labnotes("parse", str(path), "--json")
    assert result.returncode == 0
    assert f"{path}:1: warning: weekday 周三 does not match 2024-12-03 (周二)" in result.stderr
    json.loads(result.stdout)


def test_a_note_inside_a_vault_uses_the_vaults_timestamp_formats(tmp_path):
    (tmp_path / ".labnotes.yaml").write_text(
        "timestamp_formats:\n  - '(?P<D>\\d{1,2})/(?P<M>\\d{1,2})/(?P<Y>\\d{4}) (?P<h>\\d{1,2})h(?P<m>\\d{2})'\n", encoding="utf-8"
    )
    note = tmp_path / "Diary" / "log.md"
    note.parent.mkdir()
    note.write_text("- 3/12/2024 22h05 custom stamp\n", encoding="utf-8")
    result = labnotes("parse", str(note), "--json")
    assert result.returncode == 0, result.stderr
    assert [e["timestamp"] for e in json.loads(result.stdout)["entries"]] == ["2024-12-03T22:05"]


def test_a_bad_vault_config_is_a_one_line_error(tmp_path):
    (tmp_path / ".labnotes.yaml").write_text("colour: blue\n", encoding="utf-8")
    note = tmp_path / "n.md"
    note.write_text("x\n", encoding="utf-8")
    result = labnotes("parse", str(note))
    assert result.returncode == 2
    assert "unknown key 'colour'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
