"""The App Home tab: the viewer's own escalations, a New escalation button, and the team's figures."""

from __future__ import annotations

from typing import Any

from slack_app.agent_model import HomePage
from slack_app.blocks.digest import FIRST_READ_DEFINITION, quality_lines
from slack_app.blocks.lookup import list_section, open_sections
from slack_app.blocks.messages import SHORTCUT_NAME
from slack_app.blocks.mrkdwn import utc_time
from slack_app.ids import ActionId, Command, HomeBlock

TITLE = "Your escalations"
NEW_ESCALATION_LABEL = "New escalation"


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def new_escalation_button() -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": ActionId.NEW_ESCALATION.value,
        "text": {"type": "plain_text", "text": NEW_ESCALATION_LABEL, "emoji": True},
        "style": "primary",
        "value": "new",
    }


def home_view(page: HomePage) -> dict[str, Any]:
    """The Home tab for views.publish; a handful of blocks, each list cut to what fits."""
    esc = Command.ESCALATE.value
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": TITLE, "emoji": True}},
        {"type": "actions", "block_id": HomeBlock.ACTIONS.value, "elements": [new_escalation_button()]},
        _context(
            f"Updated {utc_time(page.as_of)} · escalate any message from its ⋮ menu: *{SHORTCUT_NAME}*"
            f" · `{esc} mine` · `{esc} status ESC-12`"
        ),
    ]
    own = page.own
    if own.open_total == 0:
        blocks.append(
            {
                "type": "section",
                "block_id": HomeBlock.NOTHING.value,
                "text": {
                    "type": "mrkdwn",
                    "text": ":sunny: *Nothing open.* Nothing you escalated is waiting on engineering"
                    " or on you."
                    if page.accepted.total
                    else ":sunny: *Nothing open.* Escalations you file show up here: those waiting on your"
                    " evidence first, then those awaiting triage, then the ones engineering accepted.",
                },
            }
        )
    blocks.extend(open_sections(own))
    if page.accepted.total:
        days = page.accepted_window.days
        title = (
            f":white_check_mark: *Accepted in the last {days} days ({page.accepted.total})* · latest first"
        )
        blocks.append(list_section(title, page.accepted, page.as_of, HomeBlock.ACCEPTED.value))
    blocks.append({"type": "divider"})
    figures = "*Team, last 7 days*\n" + "\n".join(f"• {line}" for line in quality_lines(page.quality))
    blocks.append(
        {"type": "section", "block_id": HomeBlock.FIGURES.value, "text": {"type": "mrkdwn", "text": figures}}
    )
    blocks.append(_context(FIRST_READ_DEFINITION))
    return {"type": "home", "blocks": blocks}
