"""`python -m slack_app doctor`: is this installation ready? One line per check, a fix for each failure.

It asks the real Slack API (SLACK_API_URL) and reads the real database, and changes nothing:
no test message is posted, no migration is applied, a missing database file is not created.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_app.app import make_client
from slack_app.clock import utcnow
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.scheduling.schedule import digest_trigger, next_digest_time
from slack_app.settings import HOW_TO_GET, Settings
from storage.db import BUSY_TIMEOUT_MS
from storage.migrations import MIGRATIONS

# The bot scopes the app needs: exactly manifest.yml's oauth_config.scopes.bot, which stays the
# single source of truth (tests/test_doctor.py fails when the two differ). A constant rather than
# reading manifest.yml at run time: the installed package does not ship manifest.yml, and PyYAML
# stays a test-only dependency.
REQUIRED_BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "reactions:read",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
)
APP_NAME = "Escalations"  # manifest.yml's bot display name, for fixes when Slack gave no name
DEFAULT_API_URL = "https://slack.com/api/"
TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
)


class Status(StrEnum):
    OK = "ok"
    FAIL = "fail"
    SKIP = "skip"  # not checked: something it depends on failed, or Slack did not say


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, how it went, and what to do about a failure."""

    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class BotIdentity:
    """What auth.test said about the bot token."""

    team: str
    team_id: str
    user: str
    user_id: str
    scopes: tuple[str, ...] | None  # None: Slack sent no x-oauth-scopes header


# -- Slack ------------------------------------------------------------------------------------


def _header(headers: Any, name: str) -> str | None:
    """A response header, whatever case the server (or a proxy) gave its name."""
    for key, value in dict(headers or {}).items():
        if str(key).lower() == name:
            return ", ".join(value) if isinstance(value, list) else str(value)
    return None


def _network_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason) or type(exc).__name__


def _unreachable(settings: Settings, exc: BaseException) -> Check:
    return Check(
        "token",
        Status.FAIL,
        f"cannot reach Slack at {settings.slack_api_url} ({_network_reason(exc)})",
        f"check SLACK_API_URL (normally {DEFAULT_API_URL}) and that this machine can reach it"
        " (network, proxy, firewall, DNS)",
    )


def check_token(settings: Settings, client: WebClient) -> tuple[Check, BotIdentity | None]:
    """auth.test: the bot token works; which team and bot it belongs to, and its granted scopes."""
    try:
        response = client.auth_test()
    except SlackApiError as exc:
        code = slack_error_code(exc)
        if code in TOKEN_ERRORS:
            fix = (
                f"set SLACK_BOT_TOKEN to {HOW_TO_GET['SLACK_BOT_TOKEN']}; if the app was uninstalled or"
                " the token revoked, reinstall the app (OAuth & Permissions → Reinstall) and copy the new token"
            )
            return Check("token", Status.FAIL, f"Slack refused SLACK_BOT_TOKEN: {code}", fix), None
        if code.startswith("Received a response in a non-JSON format"):
            return Check(
                "token",
                Status.FAIL,
                f"{settings.slack_api_url} does not answer like Slack's Web API"
                f" (HTTP {exc.response.status_code}, not JSON)",
                f"set SLACK_API_URL to {DEFAULT_API_URL} (or leave it unset), or your Slack host's API URL",
            ), None
        return Check(
            "token",
            Status.FAIL,
            f"auth.test failed: {code}",
            f"check SLACK_API_URL (normally {DEFAULT_API_URL}); if it is right, Slack may be having"
            " trouble: try again in a few minutes (https://status.slack.com)",
        ), None
    except SLACK_FAILURES as exc:
        return _unreachable(settings, exc), None
    granted = _header(response.headers, "x-oauth-scopes")
    identity = BotIdentity(
        team=str(response.get("team") or "?"),
        team_id=str(response.get("team_id") or "?"),
        user=str(response.get("user") or APP_NAME),
        user_id=str(response.get("user_id") or "?"),
        scopes=tuple(s.strip() for s in granted.split(",") if s.strip()) if granted is not None else None,
    )
    detail = (
        f"works: team {identity.team} ({identity.team_id}), bot @{identity.user} ({identity.user_id})"
    )
    return Check("token", Status.OK, detail), identity


def check_scopes(identity: BotIdentity | None, required: Sequence[str] = REQUIRED_BOT_SCOPES) -> Check:
    """The scopes Slack granted the bot token cover the ones manifest.yml asks for."""
    if identity is None:
        return Check("scopes", Status.SKIP, "not checked: needs a working token")
    if identity.scopes is None:
        return Check(
            "scopes",
            Status.SKIP,
            "not checked: Slack's answer carried no x-oauth-scopes header (a proxy may strip it);"
            f" compare OAuth & Permissions → Scopes with manifest.yml: {', '.join(required)}",
        )
    granted = set(identity.scopes)
    missing = [s for s in required if s not in granted]
    extra = sorted(granted - set(required))
    if missing:
        return Check(
            "scopes",
            Status.FAIL,
            f"missing {', '.join(missing)} (granted: {', '.join(sorted(granted)) or 'none'})",
            f"add {', '.join(missing)} under OAuth & Permissions → Bot Token Scopes (or update the app"
            " from manifest.yml), then reinstall the app to the workspace so the token gets them",
        )
    also = f"; also granted, not needed: {', '.join(extra)}" if extra else ""
    return Check("scopes", Status.OK, f"all {len(required)} bot scopes of manifest.yml granted{also}")


def check_channel(
    client: WebClient,
    channel_id: str,
    *,
    name: str,
    setting: str,
    purpose: str,  # what it cannot do unless it is a member: "it cannot post the digest there"
    identity: BotIdentity | None,
    also: str = "",
) -> Check:
    """conversations.info: the channel exists, is not archived, and the app is a member of it."""
    if identity is None:
        return Check(name, Status.SKIP, f"{channel_id}: not checked: needs a working token")
    bot = f"@{identity.user}"
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        code = slack_error_code(exc)
        if code == "channel_not_found":
            return Check(
                name,
                Status.FAIL,
                f"{setting}={channel_id}: no such channel, or a private one the app is not in",
                f"set {setting} to {HOW_TO_GET[setting]}; for a private channel, first invite the app:"
                f" /invite {bot} in that channel",
            )
        if code == "missing_scope":
            return Check(
                name,
                Status.FAIL,
                f"{channel_id}: cannot look it up: missing_scope",
                "add channels:read and groups:read under OAuth & Permissions → Bot Token Scopes,"
                " then reinstall the app",
            )
        return Check(name, Status.FAIL, f"{channel_id}: conversations.info failed: {code}",
                     "run doctor again in a minute; if it persists, check the token and SLACK_API_URL")
    except SLACK_FAILURES as exc:
        return Check(name, Status.FAIL, f"{channel_id}: Slack did not answer ({_network_reason(exc)})",
                     "check the network and SLACK_API_URL, then run doctor again")
    where = f"#{channel.get('name') or channel_id}"
    label = f"{where} ({channel_id})"
    if channel.get("is_archived"):
        return Check(
            name,
            Status.FAIL,
            f"{label} is archived, so nothing can be posted there",
            f"unarchive {where} (channel settings), or set {setting} to a live channel's id",
        )
    if not channel.get("is_member"):
        return Check(
            name,
            Status.FAIL,
            f"{label}: the app is not a member, so {purpose}",
            f"invite the app: /invite {bot} in {where}",
        )
    return Check(name, Status.OK, f"{label}: exists, the app is a member, not archived{also}")


def check_mode(settings: Settings) -> Check:
    """How the app will be reached: Socket Mode (app token works) or HTTP (signing secret set)."""
    if settings.socket_mode:
        app_client = WebClient(base_url=settings.slack_api_url, timeout=10)
        try:
            # Only asks for a WebSocket URL; nothing connects to it.
            app_client.apps_connections_open(app_token=str(settings.slack_app_token))
        except SlackApiError as exc:
            code = slack_error_code(exc)
            return Check(
                "mode",
                Status.FAIL,
                f"Socket Mode: Slack refused SLACK_APP_TOKEN: {code}",
                f"set SLACK_APP_TOKEN to {HOW_TO_GET['SLACK_APP_TOKEN']} and turn Socket Mode on"
                " (Settings → Socket Mode); or unset it to serve HTTP",
            )
        except SLACK_FAILURES as exc:
            return Check("mode", Status.FAIL, f"Socket Mode: Slack did not answer ({_network_reason(exc)})",
                         "check the network and SLACK_API_URL, then run doctor again")
        return Check("mode", Status.OK, "Socket Mode: the app-level token works (no public URL needed)")
    if not settings.slack_signing_secret:
        return Check(
            "mode",
            Status.FAIL,
            "HTTP mode without SLACK_SIGNING_SECRET: the app refuses to start",
            f"set SLACK_SIGNING_SECRET to {HOW_TO_GET['SLACK_SIGNING_SECRET']}"
            " (or set SLACK_APP_TOKEN to use Socket Mode)",
        )
    return Check(
        "mode",
        Status.OK,
        f"HTTP on port {settings.port} (POST /slack/events, GET /healthz), requests checked with"
        " SLACK_SIGNING_SECRET",
    )


# -- database ---------------------------------------------------------------------------------

Connect = Callable[[str], sqlite3.Connection]


def connect_read_write(path: str) -> sqlite3.Connection:
    """Open an existing database for writing without creating it (mode=rw)."""
    uri = f"file:{quote(os.path.abspath(path))}?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def check_database(path: Path, connect: Connect = connect_read_write) -> Check:
    """The file takes writes (BEGIN IMMEDIATE, then ROLLBACK) and every migration is applied."""
    known = [name for name, _ in MIGRATIONS]
    shown = str(path)
    writable_fix = (
        f"make {shown} and its directory writable by the user the app runs as (SQLite writes the"
        " -wal and -shm files beside it), or set ESCALATION_DB to a path that is"
    )
    if path.is_dir():
        return Check("database", Status.FAIL, f"{shown} is a directory",
                     f"set ESCALATION_DB to {HOW_TO_GET['ESCALATION_DB']}")
    if not path.exists():
        # The app creates the file, and any missing directories above it, at start-up.
        ancestor = path.absolute().parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if ancestor.is_dir() and os.access(ancestor, os.W_OK | os.X_OK):
            return Check(
                "database",
                Status.OK,
                f"{shown} does not exist yet: the app creates it (owner-only) and applies"
                f" {len(known)} migrations when it starts",
            )
        return Check("database", Status.FAIL,
                     f"{shown} does not exist and {ancestor} is not a writable directory", writable_fix)
    try:
        conn = connect(shown)
    except sqlite3.Error as exc:
        return Check("database", Status.FAIL, f"{shown} cannot be opened for writing: {exc}", writable_fix)
    try:
        try:
            # The write lock, as a real write takes it, then a write that changes nothing (the
            # same user_version), rolled back: BEGIN IMMEDIATE alone succeeds on a read-only file.
            conn.execute("BEGIN IMMEDIATE")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return Check(
                    "database",
                    Status.FAIL,
                    f"{shown}: another process held the write lock for over {BUSY_TIMEOUT_MS // 1000} s",
                    "look for a stuck process using the database (e.g. a long backup), then run doctor again",
                )
            return Check("database", Status.FAIL, f"{shown} does not take writes: {exc}", writable_fix)
        except sqlite3.DatabaseError as exc:
            return Check("database", Status.FAIL, f"{shown} is not a readable SQLite database: {exc}",
                         "set ESCALATION_DB to the app's database, or restore it from a backup")
        try:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
            ).fetchone()
            applied = [r[0] for r in conn.execute("SELECT name FROM _migrations")] if has_table else []
        except sqlite3.DatabaseError as exc:
            return Check("database", Status.FAIL, f"{shown} is not a readable SQLite database: {exc}",
                         "set ESCALATION_DB to the app's database, or restore it from a backup")
    finally:
        conn.close()
    unknown = sorted(set(applied) - set(known))
    pending = [name for name in known if name not in applied]
    if unknown:
        return Check(
            "database",
            Status.FAIL,
            f"{shown} was migrated by a newer version of the app ({', '.join(unknown)} unknown here)",
            "run the version of the app that made it, or restore a backup taken for this version",
        )
    if pending:
        return Check(
            "database",
            Status.FAIL,
            f"{shown}: writable, but {len(known) - len(pending)} of {len(known)} migrations applied"
            f" (pending: {', '.join(pending)})",
            "start the app, which applies pending migrations first (python -m slack_app serve), or"
            " restart it if an older version is running",
        )
    return Check("database", Status.OK, f"{shown}: writable, all {len(known)} migrations applied")


# -- digest -----------------------------------------------------------------------------------


def format_local(moment: datetime) -> str:
    """'Mon 8 Dec 2025 09:00 CET'."""
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} {moment.tzname()}"


def check_digest_schedule(settings: Settings, now: datetime) -> Check:
    """DIGEST_TIME / DIGEST_TIMEZONE / DIGEST_WEEKDAYS make a schedule; when it posts next."""
    try:
        moment = next_digest_time(now, settings)
        fire = digest_trigger(settings).get_next_fire_time(None, now)
    except Exception as exc:  # noqa: BLE001 -- anything here means the schedule cannot run; say so
        return Check(
            "digest schedule",
            Status.FAIL,
            f"the schedule does not parse: {type(exc).__name__}: {exc}",
            f"check DIGEST_TIME ({HOW_TO_GET['DIGEST_TIME']}), DIGEST_TIMEZONE"
            f" ({HOW_TO_GET['DIGEST_TIMEZONE']}) and DIGEST_WEEKDAYS ({HOW_TO_GET['DIGEST_WEEKDAYS']})",
        )
    if fire is None or fire != moment:
        return Check(
            "digest schedule",
            Status.FAIL,
            f"the scheduler would post at {fire} but the schedule says {moment}",
            "report this as a bug, with DIGEST_TIME, DIGEST_TIMEZONE and DIGEST_WEEKDAYS",
        )
    return Check(
        "digest schedule",
        Status.OK,
        f"next digest {format_local(moment)} ({settings.digest_timezone}; {settings.digest_weekdays}"
        f" at {settings.digest_time})",
    )


# -- the whole report -------------------------------------------------------------------------


def run_checks(
    settings: Settings,
    client: WebClient | None = None,
    *,
    clock: Callable[[], datetime] = utcnow,
    connect: Connect = connect_read_write,
) -> list[Check]:
    """Every check, in the order a person would fix them."""
    client = client or make_client(settings)
    checks = [check_mode(settings)]
    token, identity = check_token(settings, client)
    checks += [token, check_scopes(identity)]
    same = settings.digest_channel_id == settings.escalation_channel
    checks.append(
        check_channel(
            client,
            settings.escalation_channel,
            name="channel",
            setting="ESCALATION_CHANNEL",
            purpose="it cannot post cards" + (" or the digest" if same else "")
            + " there, nor see engineers' reactions",
            identity=identity,
            also="; it also gets the digest" if same else "",
        )
    )
    if not same:
        checks.append(
            check_channel(
                client,
                settings.digest_channel_id,
                name="digest channel",
                setting="DIGEST_CHANNEL",
                purpose="it cannot post the digest there",
                identity=identity,
            )
        )
    checks.append(check_database(Path(settings.escalation_db), connect))
    checks.append(check_digest_schedule(settings, clock()))
    return checks


MARKS = {Status.OK: "✓", Status.FAIL: "✗", Status.SKIP: "–"}
PLAIN_MARKS = {Status.OK: "OK", Status.FAIL: "FAIL", Status.SKIP: "SKIP"}


def marks_for(stream: IO[str]) -> dict[Status, str]:
    """✓ ✗ – where the output can show them, OK FAIL SKIP where it cannot (an ASCII cron mail)."""
    try:
        "".join(MARKS.values()).encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return PLAIN_MARKS
    return MARKS


def render(checks: Iterable[Check], marks: dict[Status, str] = MARKS) -> list[str]:
    """One line per check: mark, name, detail, and the fix for a failure; then a summary line."""
    checks = list(checks)
    width = max(len(c.name) for c in checks)
    mark_width = max(len(m) for m in marks.values())
    lines = []
    for check in checks:
        line = f"{marks[check.status]:<{mark_width}} {check.name:<{width}}  {check.detail}"
        if check.fix:
            line += f". Fix: {check.fix}"
        lines.append(line)
    failed = sum(c.status is Status.FAIL for c in checks)
    skipped = sum(c.status is Status.SKIP for c in checks)
    if failed:
        lines.append(
            f"{failed} of {len(checks)} checks failed"
            + (f", {skipped} not checked" if skipped else "")
            + ". Fix them, then run `python -m slack_app doctor` again."
        )
    else:
        lines.append(
            f"All {len(checks) - skipped} checks passed"
            + (f" ({skipped} could not be checked)" if skipped else "")
            + "."
        )
    return lines


def doctor_command(
    settings: Settings,
    *,
    client: WebClient | None = None,
    clock: Callable[[], datetime] = utcnow,
    connect: Connect = connect_read_write,
    stream: IO[str] | None = None,
) -> int:
    """Run every check and print the report; 1 when anything failed, else 0."""
    stream = stream or sys.stdout
    checks = run_checks(settings, client, clock=clock, connect=connect)
    print(f"Checking this installation against Slack at {settings.slack_api_url}", file=stream)
    for line in render(checks, marks_for(stream)):
        print(line, file=stream)
    return 1 if any(c.status is Status.FAIL for c in checks) else 0
