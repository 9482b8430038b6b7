"""Sorting Slack's failures: worth retrying, needs a person, or never going to work."""

from __future__ import annotations

from enum import StrEnum

from slack_sdk.errors import SlackApiError, SlackClientError

# What a Slack call can raise: Slack said no, the SDK failed, or the network did (URLError, timeouts).
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)


class Failure(StrEnum):
    TRANSIENT = "transient"
    NEEDS_PERSON = "needs_person"
    PERMANENT = "permanent"


NEEDS_PERSON = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
    }
)
TRANSIENT = frozenset(
    {
        "ratelimited",
        "network_error",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)


def slack_error_code(exc: BaseException) -> str:
    """Slack's error code for a failed call, or a short name for an HTTP or network failure."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        if response.status_code == 429:
            return "ratelimited"
        error = response.get("error") if isinstance(response.data, dict) else None
        return str(error or f"http_{response.status_code}")
    return "network_error"


def retry_after(exc: BaseException) -> float | None:
    """Seconds Slack asked us to wait (HTTP 429 Retry-After), if it did."""
    if isinstance(exc, SlackApiError) and exc.response.status_code == 429:
        headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
        value = headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None
    return None


def classify(code: str) -> Failure:
    if code in NEEDS_PERSON:
        return Failure.NEEDS_PERSON
    if code in TRANSIENT or code.startswith("http_5"):
        return Failure.TRANSIENT
    return Failure.PERMANENT
