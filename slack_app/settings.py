"""One settings model, read from the environment (and a .env file); fails fast and clearly."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# How to get each setting, for the one-line message a person sees when it is missing or malformed.
HOW_TO_GET: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, from Basic Information",
    "SLACK_API_URL": "the Web API base URL, e.g. https://slack.com/api/",
    "ESCALATION_CHANNEL": "the engineering channel's id (C…): channel name → View channel details → bottom",
    "ESCALATION_DB": "a path for the SQLite file, e.g. ./escalations.db",
    "PORT": "a TCP port number, e.g. 3000",
    "WEB_CONCURRENCY": "the number of HTTP worker processes, e.g. 1",
    "WEB_THREADS": "the number of threads per HTTP worker, e.g. 8",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "text (one readable line per record) or json (one JSON object per line)",
    "ACCEPT_REACTIONS": "comma-separated reaction names, e.g. +1,thumbsup",
    "NEEDS_EVIDENCE_REACTIONS": "comma-separated reaction names, e.g. mag,needs-evidence",
    "OUTBOX_LEASE_SECONDS": "seconds a process may hold a Slack write before another takes it over, e.g. 30",
    "DIGEST_CHANNEL": "the channel id (C…) for the daily digest; empty means ESCALATION_CHANNEL",
    "DIGEST_TIME": "a 24-hour local time, e.g. 09:00",
    "DIGEST_TIMEZONE": "an IANA time zone name, e.g. Europe/Berlin or UTC",
    "DIGEST_WEEKDAYS": "days like mon-fri, or mon,wed,fri, or mon-sun",
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_reactions(value: str) -> tuple[str, ...]:
    """'+1, :thumbsup:' -> ('+1', 'thumbsup'); colons and skin tones are not part of a name."""
    names = [part.strip().strip(":").split("::")[0] for part in value.split(",")]
    names = [n for n in names if n]
    if not names or any(not re.fullmatch(r"[a-z0-9_+\-']+", n) for n in names):
        raise ValueError("must be comma-separated reaction names")
    return tuple(dict.fromkeys(names))


def parse_weekdays(value: str) -> tuple[int, ...]:
    """'mon-fri' -> (0, 1, 2, 3, 4); 'mon,wed' -> (0, 2); ranges may wrap ('sat-mon')."""
    days: list[int] = []
    for part in value.lower().replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError("must be days like mon-fri or mon,wed,fri")
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        days.extend((start + i) % 7 for i in range((end - start) % 7 + 1))
    if not days:
        raise ValueError("must name at least one day")
    return tuple(sorted(set(days)))


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and how to get it."""


class Settings(BaseSettings):
    """Everything the app reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: Annotated[str, Field(pattern=r"^xox[bp]-\S+$")]
    slack_signing_secret: Annotated[str | None, Field(min_length=1)] = None
    slack_app_token: Annotated[str | None, Field(pattern=r"^xapp-\S+$")] = None
    slack_api_url: str = "https://slack.com/api/"
    escalation_channel: Annotated[str, Field(pattern=r"^[CG][A-Z0-9]{2,}$")]
    escalation_db: Path = Path("./escalations.db")
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    web_concurrency: Annotated[int, Field(ge=1, le=64)] = 1
    web_threads: Annotated[int, Field(ge=1, le=256)] = 8
    log_level: Annotated[str, Field(pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")] = "INFO"
    log_format: Annotated[str, Field(pattern=r"^(text|json)$")] = "text"
    outbox_lease_seconds: Annotated[int, Field(ge=2, le=3600)] = 30
    accept_reactions: str = "+1,thumbsup"
    needs_evidence_reactions: str = "mag,needs-evidence"
    digest_channel: Annotated[str | None, Field(pattern=r"^[CG][A-Z0-9]{2,}$")] = None
    digest_time: Annotated[str, Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")] = "09:00"
    digest_timezone: str = "UTC"
    digest_weekdays: str = "mon-fri"

    @field_validator("digest_channel", mode="before")
    @classmethod
    def _empty_channel(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("accept_reactions", "needs_evidence_reactions")
    @classmethod
    def _reactions(cls, value: str) -> str:
        parse_reactions(value)
        return value

    @field_validator("digest_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name") from None
        return value

    @field_validator("digest_weekdays")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        parse_weekdays(value)
        return value

    @property
    def accept_reaction_names(self) -> tuple[str, ...]:
        return parse_reactions(self.accept_reactions)

    @property
    def needs_evidence_reaction_names(self) -> tuple[str, ...]:
        return parse_reactions(self.needs_evidence_reactions)

    @property
    def digest_channel_id(self) -> str:
        return self.digest_channel or self.escalation_channel

    @property
    def digest_local_time(self) -> time:
        hours, minutes = self.digest_time.split(":")
        return time(int(hours), int(minutes))

    @property
    def digest_zone(self) -> ZoneInfo:
        return ZoneInfo(self.digest_timezone)

    @property
    def digest_weekday_numbers(self) -> tuple[int, ...]:
        """Monday is 0, as in datetime.weekday()."""
        return parse_weekdays(self.digest_weekdays)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # slack_sdk joins method names with urljoin, which drops the last segment without it.
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_http_mode(self) -> None:
        """HTTP mode cannot run without request signature checks, so it needs the signing secret."""
        if not self.slack_signing_secret:
            raise SettingsError(_missing("SLACK_SIGNING_SECRET", "is required in HTTP mode"))


def _missing(name: str, what: str) -> str:
    return f"{name} {what}: set it to {HOW_TO_GET.get(name, 'a valid value')}."


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line that names the first bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "SETTINGS"
        what = "is missing" if first["type"] == "missing" else "is malformed"
        raise SettingsError(_missing(name, what)) from None
