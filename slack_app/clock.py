"""The app's notion of now, in one place so tests can freeze it."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
