"""manifest.yml is what an admin creates the app from: it must validate and ask for no more than we use."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from slack_app.blocks.messages import SHORTCUT_NAME
from slack_app.ids import CallbackId, Command

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT.parent / "shared" / "slack"


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema():
    schema_path = SCHEMA_DIR / "manifest.schema.1.0.0.json"
    if not schema_path.exists():  # a clone without shared/ beside it: use the copy we keep
        schema_path = ROOT / "tests" / "data" / "manifest.schema.1.0.0.json"
    schema = json.loads(schema_path.read_text())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(manifest())]
    assert errors == []


def test_manifest_asks_for_least_privilege():
    doc = manifest()
    assert sorted(doc["oauth_config"]["scopes"]["bot"]) == [
        "channels:history", "channels:read", "chat:write", "commands", "groups:history", "groups:read",
        "reactions:read",
    ]
    assert "user" not in doc["oauth_config"]["scopes"]


def test_manifest_declares_what_the_app_listens_to():
    doc = manifest()
    assert [c["command"] for c in doc["features"]["slash_commands"]] == [Command.ESCALATE.value]
    assert doc["settings"]["interactivity"]["is_enabled"] is True
    assert set(doc["settings"]["event_subscriptions"]["bot_events"]) == {
        "reaction_added", "reaction_removed", "member_joined_channel", "app_home_opened"
    }
    assert doc["settings"]["socket_mode_enabled"] is True
    assert doc["features"]["app_home"]["home_tab_enabled"] is True


def test_manifest_declares_the_message_shortcut():
    [shortcut] = manifest()["features"]["shortcuts"]
    assert shortcut["type"] == "message"
    assert shortcut["callback_id"] == CallbackId.ESCALATE_MESSAGE.value
    assert shortcut["name"] == SHORTCUT_NAME and len(SHORTCUT_NAME) <= 24
