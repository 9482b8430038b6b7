"""What the text after /escalate asks for: the form (with a summary), help, `mine`, or `status <id>`.

Any text that is not exactly one of the forms below prefills the form's Summary, as it always
has, so a summary that happens to start with a subcommand word still works:

- ``help`` (or ``-h``, ``--help``, ``?``) alone: the help;
- ``mine`` alone: the caller's open escalations;
- ``status`` followed by exactly one word:
  - an escalation id (``ESC-12``, ``esc-12``, ``ESC12``, ``12``, ``#12``): that escalation's status;
  - a word that starts like an id but is not one (``ESC-abc``, ``#x``, ``12b``): a hint how ids look;
  - any other word: summary text (``/escalate status outage`` opens the form);
- ``status`` alone: a hint that it needs an id;
- ``status`` followed by two or more words: summary text (``/escalate Status page is down``);
- a lone word that reads like a command but is not ours (``list``, ``show``, ``--mine``…), alone
  or followed by one id-like word: a hint listing the subcommands, instead of a form whose Summary
  would be that one word.

Pure: no Slack, no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_app.ids import Subcommand

HELP_WORDS = frozenset({Subcommand.HELP.value, "-h", "--help", "?"})
# Lone words people try when looking for a subcommand; none is a plausible one-word summary.
COMMAND_LIKE_WORDS = frozenset(
    {"list", "ls", "my", "show", "state", "info", "get", "find", "search", "lookup", "check", "history"}
)
# ESC-12, esc-12, ESC12, #12, #ESC-12, 12
_ESCALATION_ID = re.compile(r"^#?(?:esc-?)?(\d+)$", re.IGNORECASE)
# Starts the way an id does, so a typo in an id is answered rather than escalated as a summary.
_LOOKS_LIKE_ID = re.compile(r"^(?:#|\d|esc(?:-|\d|$))", re.IGNORECASE)
# Ids are SQLite rowids: at most 19 digits. Longer digit runs cannot name an escalation.
_MAX_ID_DIGITS = 19
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class OpenForm:
    """Open the escalation form, with `summary` prefilled when given."""

    summary: str | None = None


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ListMine:
    pass


@dataclass(frozen=True)
class ShowStatus:
    """`status <id>`: `number` is None when the digits cannot be an escalation id (0, or too long)."""

    number: int | None
    written: str  # as typed, for the answer when there is no such escalation

    @property
    def ref(self) -> str:
        return f"ESC-{self.number}" if self.number is not None else self.written


@dataclass(frozen=True)
class StatusNeedsId:
    """`status` with nothing after it."""


@dataclass(frozen=True)
class MalformedId:
    """`status <word>` where the word starts like an id but is not one."""

    written: str


@dataclass(frozen=True)
class UnknownSubcommand:
    """A lone command-like word that is not ours; `id_written` when an id-like word followed it."""

    written: str
    id_written: str | None = None


EscalateRequest = (
    OpenForm | ShowHelp | ListMine | ShowStatus | StatusNeedsId | MalformedId | UnknownSubcommand
)


def parse_escalation_id(word: str) -> ShowStatus | None:
    """`ESC-12`, `esc-12`, `ESC12`, `12` or `#12` as a status request; None if it is not an id."""
    match = _ESCALATION_ID.match(word.strip())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits.lstrip("0")) > _MAX_ID_DIGITS:
        return ShowStatus(None, word)
    number = int(digits)
    return ShowStatus(number if 1 <= number <= _MAX_ID else None, word)


def parse_escalate_text(text: str) -> EscalateRequest:
    """Decide what `/escalate <text>` asks for (the rules are in this module's docstring)."""
    text = text.strip()
    if not text:
        return OpenForm()
    words = text.split()
    first = words[0].lower()
    if len(words) == 1:
        if first in HELP_WORDS:
            return ShowHelp()
        if first == Subcommand.MINE:
            return ListMine()
        if first == Subcommand.STATUS:
            return StatusNeedsId()
        if first in COMMAND_LIKE_WORDS or first.startswith("-"):
            return UnknownSubcommand(words[0])
        return OpenForm(text)
    if len(words) == 2:
        second = words[1]
        if first == Subcommand.STATUS:
            status = parse_escalation_id(second)
            if status is not None:
                return status
            if _LOOKS_LIKE_ID.match(second):
                return MalformedId(second)
        elif first in COMMAND_LIKE_WORDS and _LOOKS_LIKE_ID.match(second):
            return UnknownSubcommand(words[0], second)
    return OpenForm(text)
