"""Docs that cannot drift: every setting, command, option and slash subcommand is in README.md."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml

from slack_app.__main__ import build_parser
from slack_app.ids import Command
from slack_app.settings import HOW_TO_GET, Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SETTING_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)


def section(title: str) -> str:
    """The README text under a `## title` heading, up to the next `## ` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def setting_names() -> list[str]:
    """Every setting as its environment variable (pydantic-settings: the field name, upper-cased)."""
    return [name.upper() for name in Settings.model_fields]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def command_rows() -> dict[str, str]:
    """The Commands table: subcommand -> its row."""
    rows = {}
    for line in section("Commands").splitlines():
        first_cell = line.split(" | ")[0]
        for name in re.findall(r"`python -m slack_app (\w+)", first_cell):
            rows[name] = line
    return rows


def test_every_setting_has_a_row_in_the_settings_table():
    documented = SETTING_ROW.findall(section("Settings"))
    assert sorted(set(setting_names()) - set(documented)) == []


def test_the_settings_table_names_no_setting_that_does_not_exist():
    documented = SETTING_ROW.findall(section("Settings"))
    assert sorted(set(documented) - set(setting_names())) == []
    assert len(documented) == len(set(documented))


def test_every_setting_says_how_to_get_it_when_it_is_wrong():
    assert sorted(HOW_TO_GET) == sorted(setting_names())


def test_every_cli_subcommand_and_option_is_in_the_commands_table():
    rows = command_rows()
    for name, parser in subcommands().items():
        assert name in rows, f"`python -m slack_app {name}` is not in README's Commands table"
        options = [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
        for option in options:
            assert option in rows[name], f"{name} {option} is not documented in its row"
    assert "`python -m slack_app` / `python -m slack_app serve`" in README  # serve is the default


def test_every_slash_subcommand_in_the_manifest_is_documented():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    [escalate] = [c for c in manifest["features"]["slash_commands"] if c["command"] == Command.ESCALATE.value]
    # usage_hint: "[summary] | mine | status ESC-12 | help": bracketed parts are free text.
    words = [part.split()[0] for part in map(str.strip, escalate["usage_hint"].split("|"))
             if part and not part.startswith("[")]
    assert words, escalate["usage_hint"]
    for word in words:
        assert f"`{Command.ESCALATE.value} {word}" in README, f"{Command.ESCALATE.value} {word} is undocumented"


def test_the_digest_figures_are_explained():
    for figure in ("accepted on first read", "median time to acceptance", "severity mix"):
        assert figure in section("The daily digest")
