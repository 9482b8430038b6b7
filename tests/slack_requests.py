"""Signed requests into the app, shaped the way Slack sends them."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from slack_app.ids import CallbackId, Command, Field, HomeBlock

TEAM_ID = "T0001"
_view_ids = itertools.count(1)
_event_ids = itertools.count(1)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def state_values(values: dict[Field, str | None]) -> dict[str, Any]:
    """view.state.values as Slack sends it for the given inputs."""
    state: dict[str, Any] = {}
    for fld, value in values.items():
        if fld is Field.SEVERITY:
            option = None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
            state[fld.value] = {fld.value: {"type": "static_select", "selected_option": option}}
        else:
            state[fld.value] = {fld.value: {"type": "plain_text_input", "value": value}}
    return state


def valid_values(**overrides: str | None) -> dict[Field, str | None]:
    """A complete, valid escalation packet; keyword arguments replace single fields."""
    values: dict[Field, str | None] = {
        Field.SUMMARY: "Upgrade flow fails after payment step",
        Field.IMPACT: "Admins on the Team plan cannot finish upgrading in Billing",
        Field.EXPECTED: "After paying, the plan shows Business",
        Field.ACTUAL: "Spinner for 30 s, then 'Something went wrong'; plan stays Team",
        Field.EVIDENCE: "https://replay.example.com/s/abc123?t=84",
        Field.SCOPE: "Safari 17 on macOS, admins only; two reports so far",
        Field.NEXT_STEP: "Payment webhook handler logs around 14:02 UTC",
        Field.SEVERITY: "blocked",
        Field.WORKAROUND: None,
        Field.TICKET_URL: None,
    }
    for name, value in overrides.items():
        values[Field(name)] = value
    return values


class SlackRequests:
    """Sends signed HTTP requests to the app at `base_url`, as Slack would."""

    def __init__(self, host: str, port: int, secret: str, response_url_base: str) -> None:
        self.host, self.port, self.secret = host, port, secret
        self.response_url_base = response_url_base

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
        path: str = "/slack/events",
    ) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(self.secret, ts, body),
        }
        all_headers.update(headers or {})
        return self.raw("POST", path, body, all_headers)

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()})
        finally:
            conn.close()

    def form(self, fields: dict[str, str], **kwargs: Any) -> Reply:
        return self.post(urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs)

    def command(
        self,
        text: str = "",
        *,
        trigger_id: str = "",
        user: str = "UREPORTER",
        channel: str = "CSUPPORT",
        command: str = Command.ESCALATE.value,
        **kwargs: Any,
    ) -> Reply:
        return self.form(
            {
                "token": "deprecated",
                "team_id": TEAM_ID,
                "team_domain": "example",
                "channel_id": channel,
                "channel_name": "support",
                "user_id": user,
                "user_name": "reporter",
                "command": command,
                "text": text,
                "api_app_id": "A0001",
                "response_url": f"{self.response_url_base}commands/{TEAM_ID}/1/abc",
                "trigger_id": trigger_id,
            },
            **kwargs,
        )

    def interactive(self, payload: dict[str, Any], **kwargs: Any) -> Reply:
        return self.form({"payload": json.dumps(payload)}, **kwargs)

    def view_submission(
        self,
        values: dict[Field, str | None],
        *,
        user: str = "UREPORTER",
        view_id: str | None = None,
        private_metadata: str = "",
        callback_id: str = CallbackId.ESCALATION_MODAL.value,
        **kwargs: Any,
    ) -> Reply:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "example"},
            "user": {"id": user, "username": "reporter", "name": "reporter", "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "token": "deprecated",
            "trigger_id": "123.456.abc",
            "view": {
                "id": view_id or f"VSUB{next(_view_ids):06d}",
                "team_id": TEAM_ID,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "hash": "1733241600.abc",
                "state": {"values": state_values(values)},
                "title": {"type": "plain_text", "text": "Escalate to engineering"},
                "blocks": [],
            },
            "response_urls": [],
            "is_enterprise_install": False,
        }
        return self.interactive(payload, **kwargs)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kwargs: Any) -> Reply:
        envelope = {
            "token": "deprecated",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": "UBOT0001", "is_bot": True, "is_enterprise_install": False}
            ],
        }
        return self.post(json.dumps(envelope).encode(), "application/json", **kwargs)

    def reaction(
        self,
        name: str,
        *,
        channel: str,
        ts: str,
        user: str = "UDANA",
        removed: bool = False,
        item_user: str | None = "UBOT0001",
        event_id: str | None = None,
        **kwargs: Any,
    ) -> Reply:
        """A reaction_added (or reaction_removed) event on the message at (channel, ts)."""
        event: dict[str, Any] = {
            "type": "reaction_removed" if removed else "reaction_added",
            "user": user,
            "reaction": name,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": f"{time.time():.6f}",
        }
        if item_user is not None:
            event["item_user"] = item_user
        return self.event(event, event_id=event_id, **kwargs)

    def block_actions(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "UREPORTER",
        trigger_id: str = "",
        channel: str = "D0001",
        message: dict[str, Any] | None = None,
        block_id: str = "actions",
        **kwargs: Any,
    ) -> Reply:
        """A button press in a message (e.g. a DM from the app), shaped as Slack sends block_actions."""
        message = message or {"type": "message", "ts": "1733241600.000100", "text": "", "blocks": []}
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "token": "deprecated",
            "team": {"id": TEAM_ID, "domain": "example"},
            "trigger_id": trigger_id,
            "response_url": f"{self.response_url_base}actions/{TEAM_ID}/1/{next(_event_ids):08d}",
            "container": {
                "type": "message",
                "message_ts": message.get("ts"),
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "channel": {"id": channel, "name": "directmessage"},
            "message": message,
            "state": {"values": {}},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": "button", "emoji": True},
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
            "is_enterprise_install": False,
        }
        return self.interactive(payload, **kwargs)

    def message_shortcut(
        self,
        message: dict[str, Any],
        *,
        channel: str = "CSUPPORT",
        user: str = "UREPORTER",
        trigger_id: str = "",
        callback_id: str = CallbackId.ESCALATE_MESSAGE.value,
        **kwargs: Any,
    ) -> Reply:
        """A message shortcut (message_action) on `message` ({"ts", "user", "text", …}) in `channel`."""
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "trigger_id": trigger_id,
            "action_ts": f"{time.time():.6f}",
            "token": "deprecated",
            "team": {"id": TEAM_ID, "domain": "example"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
            "channel": {"id": channel, "name": "support"},
            "message": {"type": "message", **message},
            "message_ts": message.get("ts"),
            "response_url": f"{self.response_url_base}actions/{TEAM_ID}/1/{next(_event_ids):08d}",
            "api_app_id": "A0001",
            "is_enterprise_install": False,
        }
        return self.interactive(payload, **kwargs)

    def app_home_opened(self, user: str = "UREPORTER", *, tab: str = "home", **kwargs: Any) -> Reply:
        """The app_home_opened event Slack sends when `user` opens the app's Home (or Messages) tab."""
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D0001",
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event, **kwargs)

    def home_button(self, action_id: str, *, user: str = "UREPORTER", trigger_id: str = "", **kwargs: Any) -> Reply:
        """A button press on the app's Home tab (block_actions from a view of type home: no response_url)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "token": "deprecated",
            "container": {"type": "view", "view_id": "VHOME0001"},
            "trigger_id": trigger_id,
            "team": {"id": TEAM_ID, "domain": "example"},
            "view": {"id": "VHOME0001", "type": "home", "team_id": TEAM_ID, "blocks": [], "private_metadata": "",
                     "callback_id": "", "state": {"values": {}}, "hash": "1733241600.home"},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": HomeBlock.ACTIONS.value,
                    "text": {"type": "plain_text", "text": "button", "emoji": True},
                    "value": "new",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
            "is_enterprise_install": False,
        }
        return self.interactive(payload, **kwargs)
