"""A local stand-in for Slack's Web API, for tests that drive a real slack_sdk WebClient.

Start it, point ``WebClient(base_url=standin.base_url)`` at it, and it answers like Slack:
HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``, the same error codes,
trigger ids that expire after 3 s and work once, Block Kit payloads checked by tests/blockkit.py.
It remembers every call, message and view so tests can assert on them.

Deliberate simplifications (where Slack's answer is unknown or not worth modelling):
- users are not members of channels; any well-formed user id ("U…"/"W…") exists unless
  registered otherwise with add_user(); user_not_in_channel is never answered;
- a thread_ts naming no message is accepted (the reply is stored with that thread_ts);
- apps.connections.open returns a wss:// URL but no WebSocket server exists behind it;
- response_urls: any POST to <root>/commands/..., /actions/... or /hooks/... is taken as a
  response_url (recorded as method "response_url", kept in `responses`); the 6th use of one URL
  answers 404 "used_url" (the limit is Slack's, that error text is a guess) and the 30-minute
  expiry is not modelled;
- chat.postMessage refuses text over 4000 chars with msg_too_long (Slack documents truncation
  only past 40,000; 4000 is the safe limit chat.update enforces);
- views.update replaces the whole view, so an external_id left out of the new view is dropped;
- views.push with a trigger not tied to a view (issue_trigger_id(view_id=...)) starts a new stack.
- scopes are modelled only when `scopes=` is given: then every answer to the bot token carries
  Slack's `x-oauth-scopes` header (the granted scopes, comma-separated) and `x-accepted-oauth-scopes`,
  and a method needing a scope that was not granted answers missing_scope (with `needed` and
  `provided`); by default no scope header is sent and nothing is refused for lack of a scope.
Trigger expiry reads `clock` (time.monotonic by default) so tests can move time by hand.
`latency` delays every answer; `method_latency` ({"auth.test": 2.0}) delays single methods.
"""

from __future__ import annotations

import copy
import json
import random
import re
import string
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.blockkit import Problem, message_problems, view_problems

__all__ = ["Call", "SlackStandin", "SlackError"]

_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_EPOCH = 1733241600  # 2024-12-03T16:00:00Z: fixed so ts values are predictable in tests
_MAX_VIEW_STACK = 3
_RESPONSE_URL_USES = 5
_RESPONSE_URL_PATH = re.compile(r"^/(commands|actions|hooks)/")
_EMOJI_ALIASES = {"thumbsup": "+1", "thumbsdown": "-1"}
# The bot scopes a method accepts (any one of them will do), for when `scopes=` is modelled.
_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "conversations.info": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.join": ("channels:join",),
    "conversations.open": ("im:write", "mpim:write"),
    "users.info": ("users:read",),
    "reactions.add": ("reactions:write",),
}


@dataclass
class Call:
    """One request the stand-in received."""

    method: str  # e.g. "chat.postMessage"
    params: dict  # decoded body (form or JSON) plus query string; JSON-string fields decoded
    token: str | None
    at: float  # time.monotonic() when received
    path: str = ""  # URL path; for "response_url" calls, which response_url was used


class SlackError(Exception):
    """Raised inside a method handler to answer {"ok": false, "error": ...}."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None


@dataclass
class _Trigger:
    issued_at: float
    user_id: str
    view_id: str | None
    used: bool = False


@dataclass
class _Channel:
    id: str
    name: str
    is_member: bool = True
    is_archived: bool = False
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other person, for a DM
    members: list[str] = field(default_factory=list)


class SlackStandin:
    """A threaded local HTTP server that answers Slack Web API methods like Slack does."""

    bot_user_id = "UBOT0001"
    bot_id = "BBOT0001"
    team_id = "T0001"
    app_id = "A0001"
    team_name = "Example"
    team_domain = "example"
    bot_name = "escalation-bot"

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        latency: float = 0.0,
        app_token: str = "xapp-test-token",
        clock: Callable[[], float] = time.monotonic,
        trigger_ttl: float = 3.0,
        chat_write_public: bool = False,
        scopes: list[str] | tuple[str, ...] | None = None,
        method_latency: dict[str, float] | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.latency = latency
        self.method_latency: dict[str, float] = dict(method_latency or {})  # per method, over `latency`
        # The bot token's granted scopes; None: not modelled (no header, nothing refused for scope).
        self.scopes: list[str] | None = list(scopes) if scopes is not None else None
        self.clock = clock  # trigger-id expiry only; replace it to move time in tests
        self.trigger_ttl = trigger_ttl
        self.chat_write_public = chat_write_public  # the chat:write.public scope

        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict] = {}
        self.views: dict[str, dict] = {}
        self.ephemerals: list[dict] = []
        self.responses: list[dict] = []  # bodies posted to response_urls, with "path" added
        self.home_views: dict[str, str] = {}  # user_id -> view_id of their Home tab
        self.channels: dict[str, _Channel] = {}
        self.users: dict[str, dict] = {}

        self._cond = threading.Condition(threading.RLock())
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._triggers: dict[str, _Trigger] = {}
        self._stacks: dict[str, list[str]] = {}  # root view id -> view ids, bottom first
        self._dms: dict[str, str] = {}  # user id -> DM channel id
        self._mpims: dict[tuple[str, ...], str] = {}
        self._response_url_uses: dict[str, int] = defaultdict(int)
        self._ts_counter = 0
        self._id_counter = 0
        self._random = random.Random(1733241600)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self, port: int = 0) -> SlackStandin:
        """Listen on 127.0.0.1, on `port` or one the OS picks; returns self.

        Starting again after stop() on the old port brings "Slack" back with its state kept.
        """
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"standin": self})
        server = _Server(("127.0.0.1", port), handler)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.005}, name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening; calls still sleeping in `latency` are abandoned (daemon threads)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackStandin is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The URL to give WebClient(base_url=...); ends with "/" as slack_sdk requires."""
        return self.root_url + "api/"

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT/ ; response_urls live under it (commands/..., actions/...)."""
        if self._server is None:
            raise RuntimeError("SlackStandin is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    # -- inspection ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every call to one method, in arrival order."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least `count` calls to `method` arrived; AssertionError after timeout."""
        with self._cond:
            arrived = self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout=timeout)
            if not arrived:
                seen = [c.method for c in self.calls]
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, "
                    f"got {len(self.calls_to(method))}; calls seen: {seen}"
                )
            return self.calls_to(method)

    def messages_in(self, channel: str) -> list[dict]:
        """Current messages in a channel (thread replies included), oldest first.

        A user id stands for the DM with that user, as it does for chat.postMessage.
        """
        with self._cond:
            channel = self._dms.get(channel, channel)
            found = [(ts, m) for (ch, ts), m in self.messages.items() if ch == channel]
            return [m for _, m in sorted(found, key=lambda pair: float(pair[0]))]

    def dm_channel(self, user_id: str) -> str:
        """The DM channel id ("D…") between the bot and a user, opening it if needed."""
        with self._cond:
            return self._open_dm(user_id)

    # -- arranging ----------------------------------------------------------------------------

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
    ) -> None:
        """Make a channel exist, with the bot in it or not."""
        with self._cond:
            self.channels[channel_id] = _Channel(
                channel_id, name, is_member=is_member, is_archived=is_archived, is_private=is_private
            )

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        real_name: str | None = None,
        tz: str = "Europe/Berlin",
        tz_label: str = "Central European Time",
        tz_offset: int = 3600,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict:
        """Register a user for users.info; returns the user object Slack would return."""
        name = name or user_id.lower()
        real_name = real_name or name.replace(".", " ").title()
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "team": self.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": _EPOCH,
        }
        with self._cond:
            self.users[user_id] = user
        return user

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = "U0001",
        blocks: list | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Put a message written by a person into a channel (as if they had posted it); returns ts."""
        with self._cond:
            if _USER_ID.match(channel):
                channel = self._open_dm(channel)
            ts = self._next_ts()
            message: dict[str, Any] = {"type": "message", "text": text, "user": user, "team": self.team_id, "ts": ts}
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            self._store(channel, message, thread_ts)
            return ts

    def issue_trigger_id(self, *, user_id: str = "U0001", view_id: str | None = None) -> str:
        """A trigger id, valid for `trigger_ttl` seconds of `clock` and usable once.

        Pass view_id when the trigger comes from an interaction inside that view (views.push).
        """
        with self._cond:
            self._id_counter += 1
            trigger_id = f"{self._id_counter}{_EPOCH}.{self.team_id[1:]}.{self._random.getrandbits(128):032x}"
            self._triggers[trigger_id] = _Trigger(self.clock(), user_id, view_id)
            return trigger_id

    def fail_next(
        self,
        method: str,
        error: str = "internal_error",
        *,
        times: int = 1,
        status: int = 200,
        retry_after: int | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail.

        status 200: {"ok": false, "error": error}. status 429: HTTP 429 with Retry-After
        (retry_after, default 1) and error "ratelimited". Other statuses: that status, same body.
        """
        with self._cond:
            for _ in range(times):
                self._failures[method].append(_Failure(error, status, retry_after))

    # -- request handling ---------------------------------------------------------------------

    def _record(self, method: str, params: dict, token: str | None, path: str) -> None:
        with self._cond:
            self.calls.append(Call(method, params, token, time.monotonic(), path))
            self._cond.notify_all()
        delay = self.method_latency.get(method, self.latency)
        if delay > 0:
            time.sleep(delay)

    def _handle_response_url(self, path: str, body: Any) -> tuple[int, str]:
        """A POST to a response_url: (HTTP status, plain-text body), "ok" on success."""
        self._record("response_url", body if isinstance(body, dict) else {}, None, path)
        with self._cond:
            failures = self._failures.get("response_url")
            if failures:
                failure = failures.popleft()
                return failure.status, failure.error
            if not isinstance(body, dict):
                return 400, "invalid_payload"
            if not _truthy(body.get("delete_original")):
                problems = message_problems(body.get("text"), body.get("blocks"), body.get("attachments"))
                for code in ("invalid_blocks_format", "no_text", "invalid_blocks", "msg_too_long"):
                    if any(p.error == code for p in problems):
                        return 400, code
            self._response_url_uses[path] += 1
            if self._response_url_uses[path] > _RESPONSE_URL_USES:
                return 404, "used_url"
            self.responses.append({"path": path, **copy.deepcopy(body)})
            return 200, "ok"

    def _handle(self, method: str, params: dict, token: str | None, path: str = "") -> tuple[int, dict, dict[str, str]]:
        """Answer one Web API call: (HTTP status, JSON body, extra headers)."""
        self._record(method, params, token, path)
        with self._cond:
            failures = self._failures.get(method)
            if failures:
                failure = failures.popleft()
                if failure.status == 429:
                    retry_after = 1 if failure.retry_after is None else failure.retry_after
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
                return failure.status, {"ok": False, "error": failure.error}, {}
            handler = _METHODS.get(method)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
            headers: dict[str, str] = {}
            try:
                self._authenticate(method, token)
                headers = self._scope_headers(method, token)
                self._check_scope(method, token)
                body = handler(self, params)
            except SlackError as e:
                return 200, {"ok": False, "error": e.error, **e.extra}, headers
            return 200, {"ok": True, **body}, headers

    def _authenticate(self, method: str, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        if method == "apps.connections.open":
            if token == self.app_token:
                return
            raise SlackError("not_allowed_token_type" if token == self.bot_token else "invalid_auth")
        if token == self.bot_token:
            return
        raise SlackError("not_allowed_token_type" if token == self.app_token else "invalid_auth")

    def _scope_headers(self, method: str, token: str | None) -> dict[str, str]:
        """Slack reports the token's scopes on every Web API answer; only when modelled here."""
        if self.scopes is None or token != self.bot_token:
            return {}
        return {
            "x-oauth-scopes": ",".join(self.scopes),
            "x-accepted-oauth-scopes": ",".join(_METHOD_SCOPES.get(method, ())),
        }

    def _check_scope(self, method: str, token: str | None) -> None:
        accepted = _METHOD_SCOPES.get(method)
        if self.scopes is None or token != self.bot_token or not accepted:
            return
        if not set(accepted) & set(self.scopes):
            raise SlackError("missing_scope", needed=",".join(accepted), provided=",".join(self.scopes))

    # -- helpers (called with the lock held) -----------------------------------------------

    def _next_ts(self) -> str:
        self._ts_counter += 1
        micros = self._ts_counter * 100
        return f"{_EPOCH + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._id_counter += 1
        return f"{prefix}{self._id_counter:08d}"

    def _random_id(self) -> str:
        # Slack fills in missing block_id / action_id with short random strings like "Xk0r".
        return "".join(self._random.choice(string.ascii_letters + string.digits) for _ in range(5))

    def _open_dm(self, user_id: str) -> str:
        if user_id not in self._dms:
            channel_id = self._next_id("D")
            self._dms[user_id] = channel_id
            self.channels[channel_id] = _Channel(channel_id, channel_id, is_im=True, user=user_id)
        return self._dms[user_id]

    def _channel(self, channel: Any, *, dm_from_user: bool = False) -> _Channel:
        """Resolve a channel argument the way Slack does, or raise channel_not_found."""
        if not channel or not isinstance(channel, str):
            raise SlackError("channel_not_found")
        if dm_from_user and _USER_ID.match(channel):
            return self.channels[self._open_dm(channel)]
        found = self.channels.get(channel)
        if found is None:
            name = channel.removeprefix("#")
            found = next((c for c in self.channels.values() if c.name == name and not c.is_im), None)
        # A private channel the bot is not in is invisible to it.
        if found is None or (found.is_private and not found.is_member):
            raise SlackError("channel_not_found")
        return found

    def _writable_channel(self, channel: Any, *, dm_from_user: bool = False) -> _Channel:
        found = self._channel(channel, dm_from_user=dm_from_user)
        if found.is_archived:
            raise SlackError("is_archived")
        if not found.is_member and not (self.chat_write_public and not found.is_private):
            raise SlackError("not_in_channel")
        return found

    def _check_message(self, text: Any, blocks: Any, attachments: Any) -> None:
        problems = message_problems(text, blocks, attachments)
        for code in ("invalid_blocks_format", "no_text", "invalid_blocks", "msg_too_long"):
            chosen = [p for p in problems if p.error == code]
            if chosen:
                if code == "invalid_blocks":
                    raise SlackError(code, **_schema_errors(chosen, prefix=""))
                raise SlackError(code)

    def _check_view(self, view: Any, *, want: str) -> dict:
        if view is None:
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("view",), "missing required field: view")], prefix=""))
        if isinstance(view, str):  # a form field that was not valid JSON
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("view",), "must be a JSON object")], prefix=""))
        problems = view_problems(view)
        if any(p.error == "view_too_large" for p in problems):
            raise SlackError("view_too_large")
        if not problems and view.get("type") != want:
            problems = [Problem(("type",), f"must be {want!r} for this method", root="view")]
        if problems:
            raise SlackError("invalid_arguments", **_schema_errors(problems, prefix="/view"))
        return view

    def _use_trigger(self, trigger_id: Any) -> _Trigger:
        trigger = self._triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _fill_ids(self, blocks: list) -> list:
        blocks = copy.deepcopy(blocks)
        for block in blocks:
            if not isinstance(block, dict):
                continue
            block.setdefault("block_id", self._random_id())
            elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
            for key in ("accessory", "element"):
                if isinstance(block.get(key), dict):
                    elements.append(block[key])
            for element in elements:
                if isinstance(element, dict) and element.get("type") not in ("image", None):
                    element.setdefault("action_id", self._random_id())
        return blocks

    def _store(self, channel: str, message: dict, thread_ts: str | None) -> None:
        if thread_ts:
            parent = self.messages.get((channel, thread_ts))
            if parent is not None and parent.get("thread_ts") not in (None, parent["ts"]):
                thread_ts = parent["thread_ts"]  # a reply to a reply goes to the same thread
                parent = self.messages.get((channel, thread_ts))
            message["thread_ts"] = thread_ts
            if parent is not None:
                message["parent_user_id"] = parent.get("user")
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if message.get("user") not in users:
                    users.append(message.get("user"))
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = message["ts"]
        self.messages[(channel, message["ts"])] = message

    def _bot_message(self, text: str, blocks: Any, attachments: Any, ts: str) -> dict:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": text,
            "ts": ts,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "team_id": self.team_id,
                "deleted": False,
                "updated": _EPOCH,
            },
        }
        if blocks is not None:
            message["blocks"] = self._fill_ids(blocks)
        if attachments:
            message["attachments"] = copy.deepcopy(attachments)
        return message

    def _view_object(self, view: dict, *, view_id: str, root_id: str, previous_id: str | None) -> dict:
        title = view.get("title", {"type": "plain_text", "text": "View Title", "emoji": True})
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": self._fill_ids(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{_EPOCH + self._id_counter}.{self._random_id()}{self._random_id()}",
            "title": copy.deepcopy(title),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "previous_view_id": previous_id,
            "root_view_id": root_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _claim_external_id(self, view: dict, view_id: str) -> None:
        external_id = view.get("external_id")
        if external_id:
            for other in self.views.values():
                if other["external_id"] == external_id and other["id"] != view_id:
                    raise SlackError("duplicate_external_id")

    def _channel_object(self, channel: _Channel) -> dict:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": _EPOCH,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_private and not channel.is_mpim,
            "is_group": channel.is_private and not channel.is_mpim,
            "is_im": False,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private or channel.is_mpim,
            "created": _EPOCH,
            "is_archived": channel.is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": channel.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": channel.is_member,
            "creator": "U0000ADMIN",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    # -- methods ------------------------------------------------------------------------------

    def _auth_test(self, params: dict) -> dict:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict) -> dict:
        channel = self._writable_channel(params.get("channel"), dm_from_user=True)
        text, blocks, attachments = params.get("text"), params.get("blocks"), params.get("attachments")
        self._check_message(text, blocks, attachments)
        message = self._bot_message(text or "", blocks, attachments, self._next_ts())
        if params.get("metadata"):
            message["metadata"] = copy.deepcopy(params["metadata"])
        thread_ts = params.get("thread_ts") or None
        if thread_ts and _truthy(params.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
        self._store(channel.id, message, thread_ts)
        return {"channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _chat_update(self, params: dict) -> dict:
        channel = self._channel(params.get("channel"))
        if channel.is_archived:
            raise SlackError("is_archived")
        message = self.messages.get((channel.id, params.get("ts")))
        if message is None:
            raise SlackError("message_not_found")
        if message.get("user") != self.bot_user_id:
            raise SlackError("cant_update_message")
        text, blocks, attachments = params.get("text"), params.get("blocks"), params.get("attachments")
        if text is None and blocks is None and attachments is None:
            raise SlackError("no_text")
        # Omitted fields keep their old value; an empty blocks array removes the blocks.
        self._check_message(
            text if text is not None else message.get("text"),
            blocks if blocks is not None else message.get("blocks"),
            attachments if attachments is not None else message.get("attachments"),
        )
        if text is not None:
            message["text"] = text
        if blocks is not None:
            if blocks:
                message["blocks"] = self._fill_ids(blocks)
            else:
                message.pop("blocks", None)
        if attachments is not None:
            message["attachments"] = copy.deepcopy(attachments)
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _chat_post_ephemeral(self, params: dict) -> dict:
        channel = self._writable_channel(params.get("channel"), dm_from_user=True)
        user = params.get("user")
        if not isinstance(user, str) or not _USER_ID.match(user):
            raise SlackError("user_not_found")
        text, blocks, attachments = params.get("text"), params.get("blocks"), params.get("attachments")
        self._check_message(text, blocks, attachments)
        ts = self._next_ts()
        self.ephemerals.append({
            "channel": channel.id,
            "user": user,
            "text": text or "",
            "blocks": copy.deepcopy(blocks),
            "thread_ts": params.get("thread_ts"),
            "ts": ts,
        })
        return {"message_ts": ts}

    def _chat_get_permalink(self, params: dict) -> dict:
        channel = self._channel(params.get("channel"))
        ts = params.get("message_ts")
        message = self.messages.get((channel.id, ts))
        if message is None:
            raise SlackError("message_not_found")
        permalink = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            permalink += f"?thread_ts={thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": permalink}

    def _views_open(self, params: dict) -> dict:
        view = self._check_view(params.get("view"), want="modal")
        trigger_id = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger_id:
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("trigger_id",), "missing required field: trigger_id")], prefix=""))
        view_id = self._next_id("V")
        self._claim_external_id(view, view_id)
        self._use_trigger(trigger_id)
        stored = self._view_object(view, view_id=view_id, root_id=view_id, previous_id=None)
        self.views[view_id] = stored
        self._stacks[view_id] = [view_id]
        return {"view": copy.deepcopy(stored)}

    def _views_push(self, params: dict) -> dict:
        view = self._check_view(params.get("view"), want="modal")
        trigger_id = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger_id:
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("trigger_id",), "missing required field: trigger_id")], prefix=""))
        trigger = self._triggers.get(trigger_id)
        parent = self.views.get(trigger.view_id) if trigger and trigger.view_id else None
        if parent is not None and parent["type"] != "modal":
            raise SlackError("invalid_arguments", **_schema_errors([Problem(
                ("type",), "must match the `type` of the root view whose stack we're pushing onto")], prefix="/view"))
        stack = self._stacks.get(parent["root_view_id"], []) if parent else []
        if len(stack) >= _MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        view_id = self._next_id("V")
        self._claim_external_id(view, view_id)
        self._use_trigger(trigger_id)
        root_id = parent["root_view_id"] if parent else view_id
        stored = self._view_object(view, view_id=view_id, root_id=root_id, previous_id=stack[-1] if stack else None)
        self.views[view_id] = stored
        self._stacks.setdefault(root_id, []).append(view_id)
        return {"view": copy.deepcopy(stored)}

    def _views_update(self, params: dict) -> dict:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("view_id",), "missing required field: view_id or external_id")], prefix=""))
        current = self.views.get(view_id) if view_id else next(
            (v for v in self.views.values() if external_id and v["external_id"] == external_id), None
        )
        if current is None:
            raise SlackError("not_found")
        view = self._check_view(params.get("view"), want=current["type"])
        if params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        self._claim_external_id(view, current["id"])
        stored = self._view_object(
            view, view_id=current["id"], root_id=current["root_view_id"], previous_id=current["previous_view_id"]
        )
        self.views[current["id"]] = stored
        return {"view": copy.deepcopy(stored)}

    def _views_publish(self, params: dict) -> dict:
        user_id = params.get("user_id")
        if not user_id:
            raise SlackError("invalid_arguments", **_schema_errors(
                [Problem(("user_id",), "missing required field: user_id")], prefix=""))
        if not isinstance(user_id, str) or not _USER_ID.match(user_id):
            raise SlackError("user_not_found")
        view = self._check_view(params.get("view"), want="home")
        current_id = self.home_views.get(user_id)
        if current_id and params.get("hash") and params["hash"] != self.views[current_id]["hash"]:
            raise SlackError("hash_conflict")
        view_id = current_id or self._next_id("V")
        self._claim_external_id(view, view_id)
        stored = self._view_object(view, view_id=view_id, root_id=view_id, previous_id=None)
        self.views[view_id] = stored
        self.home_views[user_id] = view_id
        return {"view": copy.deepcopy(stored)}

    def _conversations_open(self, params: dict) -> dict:
        if params.get("channel"):
            channel = self._channel(params["channel"])
            return {"no_op": True, "already_open": True, "channel": {"id": channel.id}}
        users = params.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        ids = [u.strip() for u in (users or "").split(",") if u.strip()]
        if not ids:
            raise SlackError("users_list_not_supplied")
        if any(not _USER_ID.match(u) for u in ids):
            raise SlackError("user_not_found")
        if len(ids) > 8:
            raise SlackError("too_many_users")
        if len(ids) == 1:
            already = ids[0] in self._dms
            channel = self.channels[self._open_dm(ids[0])]
        else:
            key = tuple(sorted(set(ids)))
            already = key in self._mpims
            if not already:
                channel_id = self._next_id("G")
                name = "mpdm-" + "--".join(u.lower() for u in key) + "-1"
                self.channels[channel_id] = _Channel(channel_id, name, is_mpim=True, members=list(key))
                self._mpims[key] = channel_id
            channel = self.channels[self._mpims[key]]
        body: dict[str, Any] = {}
        if already:
            body.update(no_op=True, already_open=True)
        body["channel"] = self._channel_object(channel) if _truthy(params.get("return_im")) else {"id": channel.id}
        return body

    def _conversations_info(self, params: dict) -> dict:
        return {"channel": self._channel_object(self._channel(params.get("channel")))}

    def _conversations_join(self, params: dict) -> dict:
        channel_id = params.get("channel")
        found = self.channels.get(channel_id) if isinstance(channel_id, str) else None
        if found is None:
            raise SlackError("channel_not_found")
        if found.is_private or found.is_im or found.is_mpim:
            raise SlackError("method_not_supported_for_channel_type")
        if found.is_archived:
            raise SlackError("is_archived")
        body: dict[str, Any] = {}
        if found.is_member:
            body.update(warning="already_in_channel", response_metadata={"warnings": ["already_in_channel"]})
        found.is_member = True
        body["channel"] = self._channel_object(found)
        return body

    def _users_info(self, params: dict) -> dict:
        user_id = params.get("user")
        if not isinstance(user_id, str) or not user_id:
            raise SlackError("user_not_found")
        if user_id not in self.users:
            if user_id == self.bot_user_id:
                self.add_user(user_id, self.bot_name, real_name="Escalation Bot", is_bot=True)
            elif _USER_ID.match(user_id):
                self.add_user(user_id)
            else:
                raise SlackError("user_not_found")
        return {"user": copy.deepcopy(self.users[user_id])}

    def _reactions_add(self, params: dict) -> dict:
        if not params.get("channel") or not params.get("timestamp"):
            raise SlackError("no_item_specified")
        channel = self._channel(params["channel"])
        name = params.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_+\-']+(::skin-tone-[2-6])?", name):
            raise SlackError("invalid_name")
        message = self.messages.get((channel.id, params["timestamp"]))
        if message is None:
            raise SlackError("message_not_found")
        name = _EMOJI_ALIASES.get(name, name)
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction is None:
            reaction = {"name": name, "users": [], "count": 0}
            reactions.append(reaction)
        if self.bot_user_id in reaction["users"]:
            raise SlackError("already_reacted")
        reaction["users"].append(self.bot_user_id)
        reaction["count"] += 1
        return {}

    def _conversations_history(self, params: dict) -> dict:
        """Top-level messages, newest first, between `oldest` and `latest`, paged by cursor."""
        channel = self._channel(params.get("channel"))
        if not channel.is_member and channel.is_private:
            raise SlackError("channel_not_found")
        if not channel.is_member:
            raise SlackError("not_in_channel")
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or 9e12)
        limit = max(1, min(int(params.get("limit") or 100), 999))
        start = int(params.get("cursor") or 0)
        found = sorted(
            (
                m
                for (chan, ts), m in self.messages.items()
                if chan == channel.id
                and oldest < float(ts) <= latest
                and m.get("thread_ts") in (None, ts)
            ),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        page = [copy.deepcopy(m) for m in found[start : start + limit]]
        if not _truthy(params.get("include_all_metadata")):
            for message in page:
                message.pop("metadata", None)
        more = start + limit < len(found)
        return {
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _apps_connections_open(self, params: dict) -> dict:
        ticket = f"{self._random.getrandbits(64):016x}"
        return {"url": f"wss://wss-primary.slack.com/link/?ticket={ticket}&app_id={self.app_id}"}


_METHODS: dict[str, Callable[[SlackStandin, dict], dict]] = {
    "auth.test": SlackStandin._auth_test,
    "chat.postMessage": SlackStandin._chat_post_message,
    "chat.update": SlackStandin._chat_update,
    "chat.postEphemeral": SlackStandin._chat_post_ephemeral,
    "chat.getPermalink": SlackStandin._chat_get_permalink,
    "views.open": SlackStandin._views_open,
    "views.push": SlackStandin._views_push,
    "views.update": SlackStandin._views_update,
    "views.publish": SlackStandin._views_publish,
    "conversations.open": SlackStandin._conversations_open,
    "conversations.info": SlackStandin._conversations_info,
    "conversations.join": SlackStandin._conversations_join,
    "conversations.history": SlackStandin._conversations_history,
    "users.info": SlackStandin._users_info,
    "reactions.add": SlackStandin._reactions_add,
    "apps.connections.open": SlackStandin._apps_connections_open,
}


def _schema_errors(problems: list[Problem], *, prefix: str) -> dict:
    """Slack's shape for schema failures: `errors` plus `response_metadata.messages`."""
    lines = [f"{p.message} [json-pointer:{prefix}{p.pointer}]" for p in problems]
    return {"errors": lines, "response_metadata": {"messages": [f"[ERROR] {line}" for line in lines]}}


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many concurrent clients must not be refused at connect


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP into SlackStandin._handle calls; `standin` is set on a per-server subclass."""

    standin: SlackStandin
    server_version = "SlackStandin/1.0"

    def do_POST(self) -> None:  # noqa: N802 -- http.server's naming
        self._serve()

    def do_GET(self) -> None:  # noqa: N802 -- http.server's naming
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- signature from http.server
        pass  # tests stay quiet; every call is in standin.calls

    def _serve(self) -> None:
        url = urlsplit(self.path)
        if _RESPONSE_URL_PATH.match(url.path) and self.command == "POST":
            body = self._body(strict=True)
            status, text = self.standin._handle_response_url(url.path, body)
            self._reply(status, text, {})
            return
        if not url.path.startswith("/api/"):
            self._reply(404, "not_found", {})
            return
        method = url.path[len("/api/"):]
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        params.update(self._body() or {})
        token = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth[len("Bearer "):].strip() or None
        body_token = params.pop("token", None)
        token = token or body_token
        for key in _JSON_FIELDS:
            value = params.get(key)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass  # left as a string; the method answers as Slack does for bad JSON
        status, body, headers = self.standin._handle(method, params, token, url.path)
        self._reply(status, body, headers)

    def _body(self, *, strict: bool = False) -> dict | None:
        """The decoded JSON or form body; None (strict) or {} when it is neither."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "").lower()
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
            if strict and "payload" in form:  # a response_url also takes form-encoded payload=<json>
                raw = form["payload"].encode("utf-8")
            else:
                return form
        elif not strict and not content_type.startswith("application/json"):
            return {}  # multipart (file uploads) is not modelled
        try:
            decoded = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            return decoded
        return None if strict else {}

    def _reply(self, status: int, body: dict | str, headers: dict[str, str]) -> None:
        is_text = isinstance(body, str)
        data = (body if is_text else json.dumps(body)).encode("utf-8")
        try:
            self.send_response(status)
            kind = "text/plain" if is_text else "application/json"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout was shorter than `latency`)
