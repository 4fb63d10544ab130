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
