"""How the app logs: plain text or one JSON object per line, naming the escalation, never a secret.

Every record goes through one handler on the root logger (gunicorn's own loggers are pointed at
it too, see serve.py), which carries two filters:

- `EscalationFilter` names the escalation a record is about (`ESC-12`), taken from
  ``extra={"escalation_id": 12}`` or from `current_escalation`, a context variable the outbox
  worker and listeners set while they work on one escalation;
- `RedactingFilter` masks anything shaped like a Slack token and the configured secrets, in the
  message, its arguments and any traceback. It is a safety net: the code never logs secrets.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "[redacted]"
# Bot, user, app-configuration and refresh tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-…) and
# app-level tokens (xapp-…). The kind stays visible, which helps when reading a log.
TOKEN_PATTERN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
# A configured secret shorter than this is not masked: it would blank out ordinary words.
MIN_SECRET_LENGTH = 4

current_escalation: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_escalation", default=None
)


@contextlib.contextmanager
def escalation_context(escalation_id: int | None) -> Iterator[None]:
    """Records logged inside this block name the escalation (nothing changes for None)."""
    token = current_escalation.set(escalation_id)
    try:
        yield
    finally:
        current_escalation.reset(token)


def about(escalation_id: int | None) -> dict[str, Any]:
    """`extra=` for a log call about one escalation: ``logger.info("…", extra=about(esc.id))``."""
    return {"escalation_id": escalation_id}


def escalation_ref(value: object) -> str | None:
    """'ESC-12' from 12, '12' or 'ESC-12'; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"ESC-{value}" if value > 0 else None
    if isinstance(value, str):
        digits = value.removeprefix("ESC-")
        return f"ESC-{int(digits)}" if digits.isdigit() and int(digits) > 0 else None
    return None


class EscalationFilter(logging.Filter):
    """Sets `record.escalation` to 'ESC-n' (or None): from `extra=`, else from the context."""

    def filter(self, record: logging.LogRecord) -> bool:
        explicit = getattr(record, "escalation_id", None)
        record.escalation = escalation_ref(explicit if explicit is not None else current_escalation.get())
        return True


class RedactingFilter(logging.Filter):
    """Masks Slack tokens and the given secrets in every record it sees."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        text = TOKEN_PATTERN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)
        for secret in self._secrets:  # whatever the pattern did not catch (a signing secret)
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 -- a bad format string: keep what there is, never lose the record
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is only ever shown masked.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """The classic line, with the escalation appended when the message does not name it."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        ref = getattr(record, "escalation", None)
        if ref and ref not in record.getMessage():
            line += f" [{ref}]"
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, escalation_id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        ref = getattr(record, "escalation", None)
        if ref:
            entry["escalation_id"] = ref
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def make_handler(
    log_format: str = "text", secrets: Iterable[str | None] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """The one handler every record goes through: escalation first, then redaction, then format."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {LOG_FORMATS}")
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(EscalationFilter())
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.set_name("slack_app")
    return handler


def configure_logging(
    level: str = "INFO",
    log_format: str = "text",
    secrets: Iterable[str | None] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Route every logger through one handler on the root logger; returns that handler.

    Replaces whatever handlers the root logger had, so calling it again reconfigures cleanly.
    """
    handler = make_handler(log_format, secrets, stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def hand_over_to_root(*loggers: logging.Logger) -> None:
    """Make library loggers (gunicorn's) drop their own handlers and log through the root one."""
    for log in loggers:
        for old in list(log.handlers):
            log.removeHandler(old)
        log.propagate = True
