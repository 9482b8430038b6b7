"""Short messages to people: help, confirmations, and plain-words failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_app.blocks.mrkdwn import escape, link
from slack_app.domain import FIELD_SPECS, Escalation, Notice, Severity
from slack_app.ids import Command, Field


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def help_message() -> dict[str, Any]:
    """What `/escalate help` answers: the six facts and how severity is chosen."""
    facts = "\n".join(
        f"• *{FIELD_SPECS[f].label}*: {FIELD_SPECS[f].hint}"
        for f in (
            Field.SUMMARY,
            Field.IMPACT,
            Field.EXPECTED,
            Field.ACTUAL,
            Field.EVIDENCE,
            Field.SCOPE,
            Field.NEXT_STEP,
        )
    )
    severities = "\n".join(f"• *{s.label}*: {s.definition}" for s in Severity)
    text = (
        f"`{Command.ESCALATE.value}` opens a form for one escalation packet; "
        f"`{Command.ESCALATE.value} <summary>` prefills the summary."
    )
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            _section(text),
            _section(f"*The six facts* (Expected and Actual are two boxes)\n{facts}"),
            _section(f"*Severity is chosen by impact, not emotion*\n{severities}"),
            _section(
                "A fact may be _unknown_, but say how you checked "
                "(\"unknown - checked the error logs for that route, nothing\"). "
                "No customer emails, phone or card numbers: link to the replay or use an account id."
            ),
        ],
    }


def card_link(escalation: Escalation, label: str = "see the card") -> str:
    return link(escalation.permalink, label) if escalation.permalink else "the card"


def posted_confirmation(escalation: Escalation, *, after_all: bool = False) -> dict[str, Any]:
    """The reporter's receipt once the card is in the engineering channel."""
    where = card_link(escalation)
    opening = "is now posted after all" if after_all else "is"
    text = (
        f":white_check_mark: *{escalation.ref}* {opening} in <#{escalation.channel_id}>: {where}. "
        f"_{escape(escalation.summary)}_\n"
        "You will hear from me when engineering accepts it or asks for more evidence."
    )
    return {"text": text, "blocks": [_section(text)]}


# What a Slack error code means for the person, and what they can do about it.
POST_FAILURE_ADVICE: dict[str, tuple[str, str]] = {
    "not_in_channel": (
        "I am not a member of <#{channel}>",
        "Invite me there (type `/invite @Escalations` in <#{channel}>)",
    ),
    "channel_not_found": (
        "the engineering channel <#{channel}> does not exist or I cannot see it",
        "Ask the admin who set up the app to check ESCALATION_CHANNEL, and invite me to it",
    ),
    "is_archived": (
        "the engineering channel <#{channel}> is archived",
        "Ask the admin to unarchive it or point ESCALATION_CHANNEL at the live channel",
    ),
    "ratelimited": (
        "Slack is limiting how fast I can post right now",
        "Wait a minute; if it is not posted by then, tell the admin",
    ),
    "invalid_auth": (
        "my Slack token is not valid any more",
        "Ask the admin to reinstall the app and update SLACK_BOT_TOKEN",
    ),
}
DEFAULT_ADVICE = (
    "Slack did not accept the post ({error})",
    "Try again in a few minutes; if it keeps failing, tell the admin and quote {ref}",
)


def post_failed_notice(escalation: Escalation, error: str, channel: str) -> dict[str, Any]:
    """Tells the reporter their escalation is safe but not yet in the channel, and what to do."""
    what, fix = POST_FAILURE_ADVICE.get(error, DEFAULT_ADVICE)
    fmt = {"channel": channel, "error": escape(error), "ref": escalation.ref}
    text = (
        f":warning: *{escalation.ref}* is saved, so nothing is lost, but it is not in <#{channel}> yet: "
        f"{what.format(**fmt)}. {fix.format(**fmt)}. I keep trying and will tell you when it is posted."
    )
    return {"text": text, "blocks": [_section(text)]}


def error_notice(error_id: str) -> str:
    """What a person sees when something unexpected failed: an id to quote, never a trace."""
    return f":warning: Something went wrong on my side. Nothing you submitted is lost. Quote error id `{error_id}` to the admin."


NoticeBuilder = Callable[[Escalation, dict[str, Any], str], dict[str, Any]]

# How each kind of direct message to a reporter is drawn, from the escalation as it is when sent.
NOTICE_BUILDERS: dict[Notice, NoticeBuilder] = {
    Notice.POSTED: lambda esc, details, channel: posted_confirmation(esc),
    Notice.POSTED_AFTER_ALL: lambda esc, details, channel: posted_confirmation(esc, after_all=True),
    Notice.POST_FAILED: lambda esc, details, channel: post_failed_notice(esc, str(details.get("error")), channel),
}
