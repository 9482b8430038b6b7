"""App Home: the tab is drawn afresh each time someone opens it, and its button opens the form."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from slack_app.blocks.home import home_view
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.ids import ActionId
from slack_app.services.agent import AgentService

logger = logging.getLogger(__name__)

HOME_TAB = "home"


def register(app: App, agent: AgentService) -> None:
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        """Publish the viewer's Home tab (Bolt acknowledged the event already)."""
        user_id = event.get("user")
        if event.get("tab") != HOME_TAB or not isinstance(user_id, str) or not user_id:
            return  # the Messages tab, or a payload without a person
        view = home_view(agent.home(user_id))
        try:
            client.views_publish(user_id=user_id, view=view)
        except SLACK_FAILURES as exc:
            logger.warning("Home tab not published: %s", slack_error_code(exc))

    def new_escalation(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The Home tab's New escalation button: the same form as /escalate, empty."""
        ack()
        try:
            client.views_open(
                trigger_id=str(body.get("trigger_id") or ""), view=escalation_modal(ModalMetadata())
            )
        except SLACK_FAILURES as exc:
            # A Home tab has no response_url to answer on; pressing the button again is the fix.
            logger.warning("escalation modal from the Home tab not opened: %s", slack_error_code(exc))

    app.event("app_home_opened")(on_home_opened)
    app.action(ActionId.NEW_ESCALATION.value)(new_escalation)
