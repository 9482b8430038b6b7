"""One settings model, read from the environment (and a .env file); fails fast and clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
}


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
