"""`.labnotes.yaml`: what a vault may set, and the one-line errors for what it may not."""

from __future__ import annotations

import pytest

from labnotes.settings.config import ConfigError, VaultConfig, load_config


def write(tmp_path, text):
    (tmp_path / ".labnotes.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_no_file_means_defaults(tmp_path):
    assert load_config(tmp_path) == VaultConfig()


def test_settings_are_read(tmp_path):
    config = load_config(write(tmp_path, "daily_folder: Journal/{YYYY}\ncarry_sections: [科研]\ndone_date: true\n"))
    assert config.daily_folder == "Journal/{YYYY}"
    assert config.carry_sections == ("科研",)
    assert config.done_date is True


@pytest.mark.parametrize(
    "text, words",
    [
        ("colour: blue\n", "unknown key 'colour'"),
        ("done_date: yes please\n", "done_date: expected true or false"),
        ("carry_sections: 科研\n", "carry_sections: expected a list of strings"),
        ("daily_pattern: '(\\d{4})'\n", "daily_pattern: the pattern needs named groups Y, M, D"),
        ("timestamp_formats: ['(?P<h>']\n", "timestamp_formats[0]: not a valid regular expression"),
        ("template: 3\n", "template: expected a non-empty string"),
        ("- a list\n", "expected a mapping of settings"),
        ("key: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_settings_are_one_line_errors_naming_the_key(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert words in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, words",
    [
        # Front-matter-like typos: one line naming the file, never a traceback.
        ("life_section: !!timestamp 2024-02-30\n", "a value cannot be read"),
        ("life_section: " + "9" * 5000 + "\n", "a value cannot be read"),
        ("carry_over: !!int " + "9" * 5000 + "\n", "a value cannot be read"),
        ("life_section: " + "[" * 2000 + "\n", ".labnotes.yaml"),
        # Stamp formats that lack a part used to pass here and crash on the first note.
        ("timestamp_formats: ['(?P<Y>\\d{4}) (?P<h>\\d\\d):(?P<m>\\d\\d)']\n", "names Y of the day but not M, D"),
        ("timestamp_formats: ['(?P<h>\\d\\d):(?P<m>\\d\\d)-(?P<eh>\\d\\d)']\n", "needs both eh and em"),
        ("timestamp_formats: ['(?P<h>\\d*):?(?P<m>\\d*)']\n", "matches empty text"),
        ("timestamp_formats: ['(?P<h>\\d\\d):(?P<m>\\d\\d)(?P<sec>\\d\\d)']\n", "unknown group 'sec'"),
        # Paths of notes and templates stay inside the vault.
        ("template: ../outside.md\n", "template: '../outside.md' is not a path inside the vault"),
        ("daily_folder: ../y\n", "daily_folder: '../y' is not a path inside the vault"),
        ("daily_folder: /etc\n", "is not a path inside the vault"),
        ("template_folders: [Templates, ../../x]\n", "template_folders: '../../x'"),
        ("daily_format: ../YYYY\n", "does not make a file name inside the daily folder"),
        ("check: [a]\n", "check: expected a mapping"),
        ("check: {severity: {weekday: fatal}}\n", "check.severity.weekday: expected error, warning or info"),
        ("check: {ignore: weekday}\n", "check.ignore: expected a list of strings"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    message = str(err.value)
    assert words in message and "\n" not in message
    assert str(tmp_path / ".labnotes.yaml") in message


def test_a_date_like_value_is_text_not_a_date(tmp_path):
    config = load_config(write(tmp_path, "life_section: '2024-02-30'\ncarry_sections: [2024-12-01]\n"))
    assert config.life_section == "2024-02-30" and config.carry_sections == ("2024-12-01",)


def test_a_whole_stamp_format_is_used(tmp_path):
    from labnotes.parse import parse_note

    fmt = "(?P<D>\\d{1,2})/(?P<M>\\d{1,2})/(?P<Y>\\d{4}) (?P<h>\\d{1,2})h(?P<m>\\d{2})"
    config = load_config(write(tmp_path, f"timestamp_formats: ['{fmt}']\n"))
    note = parse_note("- 5/12/2024 14h30 essai\n", "n.md", config=config)
    assert [e.timestamp for e in note.entries] == ["2024-12-05T14:30"]


def test_check_section_is_read(tmp_path):
    config = load_config(write(tmp_path, "check:\n  ignore: [unresolved-link]\n  severity: {out-of-order: error}\n"))
    assert config.check.ignore == ("unresolved-link",)
    assert config.check.severity == (("out-of-order", "error"),)


def test_experiments_folder_is_relative_to_the_vault_or_absolute(tmp_path, monkeypatch):
    from labnotes.settings.locations import experiments_dir, runs_dir

    monkeypatch.delenv("LABNOTES_EXPERIMENTS", raising=False)
    vault = tmp_path / "vault"
    vault.mkdir()
    assert experiments_dir(vault, load_config(vault).experiments) is None
    config = load_config(write(vault, "experiments: ../code/experiments\n"))
    assert experiments_dir(vault, config.experiments) == (tmp_path / "code" / "experiments").resolve()
    assert experiments_dir(vault, str(tmp_path / "abs")) == (tmp_path / "abs").resolve()
    monkeypatch.setenv("LABNOTES_EXPERIMENTS", str(tmp_path / "env"))
    assert experiments_dir(vault, config.experiments) == (tmp_path / "env").resolve()
    # Runs are kept per experiments folder.
    monkeypatch.setenv("LABNOTES_STATE_DIR", str(tmp_path / "state"))
    one, two = runs_dir(tmp_path / "a" / "experiments"), runs_dir(tmp_path / "b" / "experiments")
    assert one != two and one.parent == two.parent == tmp_path / "state" / "experiments"
    assert one.name.startswith("a-experiments-")


def test_the_sample_vault_names_its_experiments():
    from labnotes.settings.locations import EXPERIMENTS_DIR, SAMPLE_VAULT, experiments_dir

    config = load_config(SAMPLE_VAULT)
    assert experiments_dir(SAMPLE_VAULT, config.experiments) == EXPERIMENTS_DIR.resolve()
    assert (EXPERIMENTS_DIR / "manifest.yaml").is_file()


def test_vault_sample_names_the_bundled_vault(tmp_path, monkeypatch):
    from labnotes.settings.locations import SAMPLE_VAULT, VaultNotFound, resolve_vault

    monkeypatch.delenv("LABNOTES_VAULT", raising=False)
    assert resolve_vault("sample", cwd=tmp_path) == SAMPLE_VAULT.resolve()
    (tmp_path / "sample").mkdir()  # a folder of that name is the user's, not the bundled one
    assert resolve_vault("sample", cwd=tmp_path) == (tmp_path / "sample").resolve()
    heard: list[str] = []
    assert resolve_vault(None, cwd=tmp_path, notice=heard.append) == SAMPLE_VAULT.resolve()
    assert len(heard) == 1 and "sample vault" in heard[0]
    with pytest.raises(VaultNotFound):
        resolve_vault(tmp_path / "nope", cwd=tmp_path)


def test_the_vault_root_as_daily_folder(tmp_path):
    import datetime as dt

    for text in ("daily_folder: ''\n", "daily_folder: /\n"):
        assert str(load_config(write(tmp_path, text)).daily_path(dt.date(2024, 12, 1))) == "2024-12-01.md"


def test_a_settings_file_that_is_no_file_is_refused_not_waited_on(tmp_path):
    import os

    os.mkfifo(tmp_path / ".labnotes.yaml")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert "not a regular file" in str(err.value)
    (tmp_path / ".labnotes.yaml").unlink()
    (tmp_path / ".obsidian").mkdir()
    os.mkfifo(tmp_path / ".obsidian" / "daily-notes.json")
    config = load_config(tmp_path)  # Obsidian's file is passed over with a notice
    assert config.daily_folder == "" and "not a regular file" in config.notices[0]
    (tmp_path / ".labnotes.yaml").write_text("life_section: " + "x" * (2 << 20) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert "limit" in str(err.value) and "\n" not in str(err.value)
