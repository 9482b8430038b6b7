"""Short messages to people: help, confirmations, and plain-words failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from slack_app.blocks.mrkdwn import escape, link, section, truncate, utc_time
from slack_app.domain import (
    FIELD_SPECS,
    AmendmentReply,
    Escalation,
    EscalationId,
    EscalationState,
    Notice,
    Severity,
    VerdictNotice,
)
from slack_app.ids import ActionId, Command, Field, NoticeBlock


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
            section(text),
            section("*Also*\n" + "\n".join(f"• {line}" for line in subcommand_lines())),
            section(f"*The six facts* (Expected and Actual are two boxes)\n{facts}"),
            section(f"*Severity is chosen by impact, not emotion*\n{severities}"),
            section(
                "A fact may be _unknown_, but say how you checked "
                "(\"unknown - checked the error logs for that route, nothing\"). "
                "No customer emails, phone or card numbers: link to the replay or use an account id."
            ),
        ],
    }


# The message shortcut's name, as manifest.yml declares it (tests/test_manifest.py checks they agree).
SHORTCUT_NAME = "Escalate this message"


def subcommand_lines() -> list[str]:
    """What /escalate understands besides a summary (the rules: services/subcommands.py)."""
    esc = Command.ESCALATE.value
    return [
        f"`{esc} mine`: your open escalations, only to you",
        (
            f"`{esc} status ESC-12` (or `12`, `#12`): where one escalation stands, who set it when, "
            "its history and its card"
        ),
        f"`{esc} help`: this help",
        (
            f"*{SHORTCUT_NAME}* in any message's ⋮ menu: the form, with the message's first line "
            "as the Summary and its link as the Evidence"
        ),
        "My *Home* tab: your escalations and the team's last 7 days",
        f"Anything else after `{esc}` is a summary: `{esc} Status page is down` opens the form with it",
    ]


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
    return {"text": text, "blocks": [section(text)]}


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
    return {"text": text, "blocks": [section(text)]}


def error_notice(error_id: str) -> str:
    """What a person sees when something unexpected failed: an id to quote, never a trace."""
    return f":warning: Something went wrong on my side. Nothing you submitted is lost. Quote error id `{error_id}` to the admin."


class EvidenceButton(BaseModel):
    """The value of the Add evidence button: which escalation it amends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    escalation_id: EscalationId

    @classmethod
    def parse(cls, raw: Any) -> EvidenceButton | None:
        """Read a button value; anything that is not ours reads as None rather than an error."""
        if not isinstance(raw, str):
            return None
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return None


ADD_EVIDENCE_LABEL = "Add evidence"
SUMMARY_IN_NOTICE = 300


def verdict_notice(escalation: Escalation, notice: VerdictNotice) -> dict[str, Any]:
    """Tells the reporter engineering's verdict: the new state, who set it, when, and the card.

    Drawn from the verdict as it was when it happened, so each change is told as it was.
    """
    who = f"<@{notice.by}>" if notice.by else "engineering"
    when = f" · {utc_time(notice.at)}" if notice.at else ""
    card = card_link(escalation)
    summary = f"_{escape(truncate(escalation.summary, SUMMARY_IN_NOTICE))}_"
    match notice.state:
        case EscalationState.ACCEPTED:
            text = (
                f":white_check_mark: *{escalation.ref}* was *accepted* by {who}{when}: {card}.\n{summary}\n"
                "Engineering has what it needs; nothing more is needed from you."
            )
        case EscalationState.NEEDS_EVIDENCE:
            text = (
                f":mag: *{escalation.ref}* *needs evidence*: {who} asked for more{when}. "
                f"What is missing may be in the card's thread: {card}.\n{summary}\n"
                f"Press *{ADD_EVIDENCE_LABEL}* to amend it: the form opens with what you wrote, "
                "and the card goes back to awaiting triage when you save."
            )
        case _:
            text = (
                f":hourglass_flowing_sand: *{escalation.ref}* is *awaiting triage* again: "
                f"{who} withdrew their verdict{when}: {card}.\n{summary}"
            )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "block_id": NoticeBlock.VERDICT.value, "text": {"type": "mrkdwn", "text": text}}
    ]
    if notice.state is EscalationState.NEEDS_EVIDENCE:
        blocks.append(
            {
                "type": "actions",
                "block_id": NoticeBlock.VERDICT_ACTIONS.value,
                "elements": [
                    {
                        "type": "button",
                        "action_id": ActionId.ADD_EVIDENCE.value,
                        "text": {"type": "plain_text", "text": ADD_EVIDENCE_LABEL, "emoji": True},
                        "style": "primary",
                        "value": EvidenceButton(escalation_id=escalation.id).model_dump_json(),
                    }
                ],
            }
        )
    return {"text": text, "blocks": blocks}


def not_the_reporter(escalation: Escalation | None) -> str:
    """What someone other than the reporter sees when they press Add evidence."""
    if escalation is None:
        return ":warning: This escalation no longer exists, so there is nothing to add evidence to."
    where = f": {card_link(escalation)}." if escalation.permalink else "."
    return (
        f":lock: Only <@{escalation.reporter_id}>, who reported *{escalation.ref}*, can add evidence to it. "
        f"If you have some, post it in the card's thread{where}"
    )


def amend_modal_not_opened(error: str) -> str:
    return (
        f":warning: Slack could not open the form in time ({escape(error)}). "
        f"Press *{ADD_EVIDENCE_LABEL}* again."
    )


def evidence_added_reply(escalation: Escalation, added: AmendmentReply) -> str:
    """The reply in the card's thread when the reporter amends it, addressed to the engineers concerned."""
    to = " ".join(f"<@{user}>" for user in added.mention)
    labels = ", ".join(_field_label(f) for f in added.changed)
    if added.back_to_triage:
        text = (
            f":inbox_tray: <@{added.editor_id}> added evidence to *{escalation.ref}* (changed: {labels}). "
            "The card above shows it and is awaiting triage again."
        )
    else:
        text = (
            f":pencil2: <@{added.editor_id}> updated *{escalation.ref}* (changed: {labels}). "
            "The card above shows the new version."
        )
    return f"{to} {text}" if to else text


def _field_label(field: Field) -> str:
    return FIELD_SPECS[field].label if field in FIELD_SPECS else field.value.capitalize()


NoticeBuilder = Callable[[Escalation, dict[str, Any], str], dict[str, Any]]

# How each kind of direct message to a reporter is drawn, from the escalation as it is when sent.
NOTICE_BUILDERS: dict[Notice, NoticeBuilder] = {
    Notice.POSTED: lambda esc, details, channel: posted_confirmation(esc),
    Notice.POSTED_AFTER_ALL: lambda esc, details, channel: posted_confirmation(esc, after_all=True),
    Notice.POST_FAILED: lambda esc, details, channel: post_failed_notice(esc, str(details.get("error")), channel),
    Notice.VERDICT: lambda esc, details, channel: verdict_notice(esc, VerdictNotice.model_validate(details)),
}
