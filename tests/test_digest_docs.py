"""The digest's command and settings are documented where people look for them."""

from __future__ import annotations

from pathlib import Path

from slack_app.__main__ import build_parser
from slack_app.settings import HOW_TO_GET, Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_digest_setting_has_a_row_in_the_settings_table():
    names = [name.upper() for name in Settings.model_fields if name.startswith("digest_")]
    assert names == ["DIGEST_CHANNEL", "DIGEST_TIME", "DIGEST_TIMEZONE", "DIGEST_WEEKDAYS"]
    for name in names:
        assert f"| `{name}` |" in README, name
        assert name in HOW_TO_GET


def test_the_digest_command_and_its_options_are_documented():
    help_text = build_parser().format_help()
    assert "digest" in help_text
    assert "| `python -m slack_app digest [--force] [--dry-run]` |" in README
    for figure in ("accepted on first read", "median time to acceptance", "severity mix"):
        assert figure in README
