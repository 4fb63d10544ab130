"""A vault's `.obsidian/` settings as the defaults: the files as Obsidian writes them, and what
labnotes makes of them (where `new` writes, which template, which notes are templates)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from labnotes.settings.config import VaultConfig, load_config
from labnotes.settings.moment import format_moment, moment_regex

DAY = dt.date(2024, 12, 1)  # a Sunday


def vault(tmp_path: Path, files: dict[str, object], yaml: str | None = None) -> Path:
    """A vault with `.obsidian/<name>` files (dicts are written as Obsidian writes JSON: 2-space indent)."""
    for name, data in files.items():
        path = tmp_path / ".obsidian" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    (tmp_path / ".obsidian").mkdir(exist_ok=True)
    if yaml is not None:
        (tmp_path / ".labnotes.yaml").write_text(yaml, encoding="utf-8")
    return tmp_path


def test_a_vault_with_no_settings_gets_obsidians_defaults(tmp_path: Path) -> None:
    config = load_config(vault(tmp_path, {}))
    assert config == VaultConfig()
    # Obsidian's own: daily notes at the vault root, named YYYY-MM-DD, from no template.
    assert str(config.daily_path(DAY)) == "2024-12-01.md"
    assert config.template is None and config.template_folders == ()


def test_daily_notes_core_plugin_gives_folder_format_and_template(tmp_path: Path) -> None:
    # The sample vault's file, byte for byte as Obsidian wrote it.
    config = load_config(vault(tmp_path, {
        "daily-notes.json": {"folder": "Diary", "format": "YYYY/YYYY-MM-DD", "template": "Template/Daily"},
        "templates.json": {"folder": "Template", "dateFormat": "YYYY-MM-DD", "timeFormat": "HH:mm"},
    }))  # fmt: skip
    assert str(config.daily_path(DAY)) == "Diary/2024/2024-12-01.md"
    assert config.template == "Template/Daily.md"
    assert config.template_folders == ("Template",)
    assert config.is_template("Template/Daily.md") and config.is_template("Template/会议.md")
    assert not config.is_template("Templates.md") and not config.is_template("Diary/2024/2024-12-01.md")


def test_an_unset_format_is_obsidians_default(tmp_path: Path) -> None:
    # kepano's vault: a folder and a template, no format.
    config = load_config(vault(tmp_path, {
        "daily-notes.json": {"folder": "Daily", "template": "Templates/Daily Note Template"},
        "templates.json": {"folder": "Templates"},
    }))  # fmt: skip
    assert str(config.daily_path(DAY)) == "Daily/2024-12-01.md"
    assert config.template == "Templates/Daily Note Template.md"


@pytest.mark.parametrize(
    "fmt, path",
    [
        ("YYYY-MM-DD", "2024-12-01.md"),
        ("YYYY/YYYY-MM/YYYY-MM-DD", "2024/2024-12/2024-12-01.md"),
        ("YYYY/MM/YYYY-MM-DD dddd", "2024/12/2024-12-01 星期日.md"),
        ("YYYY年M月D日", "2024年12月1日.md"),
        ("gggg-[W]ww", "2024-W48.md"),
        ("[Daily] Do MMM YY", "Daily 1日 12月 24.md"),
    ],
)
def test_moment_formats_make_the_daily_notes_path(tmp_path: Path, fmt: str, path: str) -> None:
    config = load_config(vault(tmp_path, {"daily-notes.json": {"folder": "", "format": fmt}}))
    assert str(config.daily_path(DAY)) == path


@pytest.mark.parametrize(
    "fmt, name, day",
    [
        ("YYYY-MM-DD", "2024-12-01", DAY),
        ("YYYY/YYYY-MM-DD", "2024-12-01", DAY),
        ("YYYY年M月D日 dddd", "2024年12月1日 星期日", DAY),
        ("DD.MM.YYYY", "01.12.2024", DAY),
        ("MMMM D, YYYY", "December 1, 2024", DAY),
        ("YYYYMMDD", "20241201", DAY),
        ("YYYY-DDDD", "2024-336", DAY),
        # A name that is no date of the format still yields an ISO date written in it.
        ("DD.MM.YYYY", "2024-12-01 组会", DAY),
        ("DD.MM.YYYY", "31.02.2024", None),
        ("dddd", "星期日", None),
    ],
)
def test_a_notes_day_is_read_back_from_its_name_in_the_daily_format(fmt: str, name: str, day: dt.date | None) -> None:
    assert VaultConfig(daily_format=fmt).day_in(name) == day


def test_what_format_moment_writes_moment_regex_reads() -> None:
    for fmt in ("YYYY-MM-DD", "YYYY/YYYY-MM-DD", "YYYY年M月D日 dddd", "MMM Do YYYY", "YY.MM.DD ddd"):
        config = VaultConfig(daily_format=fmt)
        for k in range(0, 400, 7):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=k)
            assert config.day_in(format_moment(day, fmt).rsplit("/", 1)[-1]) == day, (fmt, day)
    assert "(?P<Y>" in moment_regex("YYYY/YYYY") and moment_regex("YYYY/YYYY").count("(?P<Y>") == 1


def test_periodic_notes_daily_settings_win_while_the_plugin_is_on(tmp_path: Path) -> None:
    # phd-logs' vault: both plugins configured alike; Periodic Notes also names a weekly template.
    files: dict[str, object] = {
        "daily-notes.json": {"folder": "Old", "format": "YYYY-MM-DD", "template": "Templates/Old"},
        "community-plugins.json": ["dataview", "periodic-notes", "templater-obsidian"],
        "plugins/periodic-notes/data.json": {
            "showGettingStartedBanner": True,
            "daily": {"format": "YYYY/YYYY-MM/YYYY-MM-DD", "folder": "01 Daily Notes",
                      "template": "Templates/Daily Note Template.md", "enabled": True},
            "weekly": {"format": "YYYY/Weekly/YYYY-[W]ww", "template": "Templates/Weekly Review Template.md",
                       "folder": "01 Daily Notes", "enabled": True},
            "monthly": {"format": "", "template": "", "folder": ""},
        },
        "plugins/templater-obsidian/data.json": {"templates_folder": "Templates", "trigger_on_file_creation": True},
    }
    config = load_config(vault(tmp_path, files))
    assert str(config.daily_path(DAY)) == "01 Daily Notes/2024/2024-12/2024-12-01.md"
    assert config.template == "Templates/Daily Note Template.md"
    assert config.template_folders == ("Templates",)
    assert "Templates/Weekly Review Template.md" in config.template_files
    # Switched off in community-plugins.json: the core plugin's settings are the ones Obsidian uses.
    files["community-plugins.json"] = ["dataview"]
    config = load_config(vault(tmp_path, files))
    assert str(config.daily_path(DAY)) == "Old/2024-12-01.md"
    assert config.template == "Templates/Old.md"


def test_templater_folder_makes_templates(tmp_path: Path) -> None:
    config = load_config(vault(tmp_path, {"plugins/templater-obsidian/data.json": {"templates_folder": "_meta/templates"}}))
    assert config.is_template("_meta/templates/daily note template - Templater plugin.md")
    assert not config.is_template("_meta/other.md")


def test_labnotes_yaml_overrides_obsidian(tmp_path: Path) -> None:
    files = {"daily-notes.json": {"folder": "Diary", "format": "YYYY/YYYY-MM-DD", "template": "Template/Daily"}}
    config = load_config(vault(tmp_path, files, "daily_format: YYYY年M月D日\ntemplate: Template/其他.md\n"))
    # The daily place is set as a whole: Obsidian's folder is not mixed with labnotes' format.
    assert str(config.daily_path(DAY)) == "2024年12月1日.md"
    assert config.template == "Template/其他.md"
    # The older {YYYY} placeholders still work, and win over a format.
    config = load_config(vault(tmp_path, files, "daily_folder: Journal/{YYYY}\ndaily_name: '{YYYY}{MM}{DD}'\n"))
    assert str(config.daily_path(DAY)) == "Journal/2024/20241201.md"


@pytest.mark.parametrize(
    "name, text",
    [
        ("daily-notes.json", "{not json"),
        ("daily-notes.json", '["a", "list"]'),
        ("templates.json", '{"folder": 3}'),
        ("daily-notes.json", '{"folder": "../outside", "format": "YYYY"}'),
        ("plugins/periodic-notes/data.json", '{"daily": "yes"}'),
    ],
)
def test_odd_obsidian_files_are_passed_over(tmp_path: Path, name: str, text: str) -> None:
    config = load_config(vault(tmp_path, {name: text}))
    assert config.daily_path(DAY).parts[0] != ".."
    assert not any(part == ".." for f in config.template_folders for part in f.split("/"))


def test_an_unreadable_obsidian_file_leaves_a_notice(tmp_path: Path) -> None:
    config = load_config(vault(tmp_path, {"daily-notes.json": "{not json"}))
    assert config == VaultConfig()
    assert len(config.notices) == 1 and "daily-notes.json" in config.notices[0]


# --- `labnotes new` on a vault that has only Obsidian's settings --------------------------------

from typer.testing import CliRunner  # noqa: E402

from labnotes.cli.app import app  # noqa: E402

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


def kepano_like(tmp_path: Path) -> Path:
    root = vault(tmp_path, {
        "daily-notes.json": {"folder": "Daily", "template": "Templates/Daily Note Template"},
        "templates.json": {"folder": "Templates"},
    })  # fmt: skip
    (root / "Templates").mkdir()
    template = "---\ntags:\n  - daily\ncreated: {{date}}\n---\n## Notes\n"
    (root / "Templates" / "Daily Note Template.md").write_text(template, encoding="utf-8")
    (root / "Daily").mkdir()
    (root / "Daily" / "2024-12-01.md").write_text("## Notes\n- [ ] call the lab\n- [x] order mice\n", encoding="utf-8")
    return root


def test_new_needs_no_labnotes_yaml_where_obsidian_says_it_all(tmp_path: Path) -> None:
    root = kepano_like(tmp_path)
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "---\ntags:\n  - daily\ncreated: 2024-12-02\n---\n## Notes\n\n- [ ] call the lab ([[2024-12-01]])\n"
    assert "would write Daily/2024-12-02.md from Templates/Daily Note Template.md" in result.stderr
    written = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root)])
    assert written.exit_code == 0 and (root / "Daily" / "2024-12-02.md").is_file()
    # The template is no note: its {{date}} front matter warns of nothing, it has no tasks.
    tasks = runner.invoke(app, ["tasks", "--vault", str(root), "--json", "--occurrences"])
    assert "Templates/" not in tasks.stdout and "Templates/" not in tasks.stderr


def test_new_with_no_settings_at_all_starts_an_empty_note_at_the_root(tmp_path: Path) -> None:
    root = vault(tmp_path, {})
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "would write 2024-12-02.md from no template" in result.stderr


def test_settings_never_make_new_read_or_write_outside_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret\n", encoding="utf-8")
    root = kepano_like(tmp_path / "v")
    # `..` in the settings: a one-line error when they are read.
    (root / ".labnotes.yaml").write_text("template: ../../outside/secret.md\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert result.exit_code == 2 and "is not a path inside the vault" in result.stderr and "secret" not in result.stdout
    # A template symlinked out of the vault.
    (root / ".labnotes.yaml").write_text("template: Templates/linked.md\n", encoding="utf-8")
    (root / "Templates" / "linked.md").symlink_to(outside / "secret.md")
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert result.exit_code == 2 and "leads outside the vault" in result.stderr and "secret" not in result.stdout
    # A daily folder symlinked out of the vault: nothing is written there.
    (root / ".labnotes.yaml").write_text("daily_folder: Out\n", encoding="utf-8")
    (root / "Out").symlink_to(outside, target_is_directory=True)
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root)])
    assert result.exit_code == 2 and "leads outside the vault" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]


def test_day_names_follow_the_templates_language_or_the_setting(tmp_path: Path) -> None:
    root = vault(tmp_path, {"daily-notes.json": {"folder": "", "template": "T"}})
    (root / "T.md").write_text("# {{date:dddd}}\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert result.stdout == "# Monday\n"
    (root / "T.md").write_text("# {{date:dddd}} 计划\n", encoding="utf-8")
    assert runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"]).stdout == "# 星期一 计划\n"
    (root / ".labnotes.yaml").write_text("locale: en\n", encoding="utf-8")
    assert runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"]).stdout == "# Monday 计划\n"
    (root / ".labnotes.yaml").write_text("locale: fr\n", encoding="utf-8")
    bad = runner.invoke(app, ["new", "2024-12-02", "--vault", str(root), "--dry-run"])
    assert bad.exit_code == 2 and "locale: expected one of" in bad.stderr
