"""Socket Mode: the same app, with requests arriving over the socket instead of signed HTTP."""

from __future__ import annotations

from slack_bolt.request import BoltRequest

from slack_app.app import create_app, make_client
from slack_app.ids import Command
from slack_app.settings import Settings
from storage.db import Databases
from storage.migrations import migrate


def test_socket_mode_needs_no_signing_secret_and_opens_the_modal(settings: Settings, slack, tmp_path):
    socket_settings = settings.model_copy(update={"slack_signing_secret": None, "slack_app_token": "xapp-test-token"})
    databases = Databases(tmp_path / "socket.db")
    migrate(databases())
    app = create_app(socket_settings, databases, make_client(socket_settings), socket_mode=True)
    trigger = slack.issue_trigger_id()
    payload = {
        "command": Command.ESCALATE.value, "text": "Login loop on SSO", "user_id": "UREPORTER",
        "channel_id": "CSUPPORT", "team_id": "T0001", "trigger_id": trigger,
        "response_url": slack.root_url + "commands/T0001/1/x", "api_app_id": "A0001",
    }
    response = app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
    assert response.status == 200
    [opened] = slack.wait_for("views.open")
    assert opened.params["trigger_id"] == trigger
    assert opened.params["view"]["blocks"][1]["element"]["initial_value"] == "Login loop on SSO"
    databases.close()
