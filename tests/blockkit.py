"""Slack's Block Kit limits as pure functions: what Slack would refuse, and where.

slack_sdk's own validation checks only part of a payload and stops at the first error
(see /work/shared/slack/FACTS.md), so this module walks the whole raw dict itself and
reports every problem it finds. Each problem names its place in the JSON, e.g.
``blocks[3].text.text: 3012 chars > 3000``.

The limits are Slack's published ones; where sources disagree the stricter one is used
(option value <= 75, plain_text_input max_length <= 3000). Unknown properties are
refused because Slack refuses them ("invalid additional property: emoji" on mrkdwn).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Problem",
    "check_view",
    "check_message",
    "view_problems",
    "message_problems",
    "VIEW_MAX_BYTES",
    "MESSAGE_TEXT_MAX",
]

Path = tuple[str | int, ...]

VIEW_MAX_BYTES = 250_000
MESSAGE_TEXT_MAX = 4000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
ID_MAX = 255


@dataclass(frozen=True)
class Problem:
    """One thing Slack would refuse: where it is, what is wrong, and the error Slack answers."""

    path: Path
    message: str
    error: str = "invalid_blocks"  # invalid_blocks | invalid_blocks_format | msg_too_long | no_text | view_too_large
    root: str = "message"  # what an empty path stands for ("message" or "view")

    @property
    def where(self) -> str:
        """The path written the way Python would index it: ``blocks[3].text.text``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or self.root

    @property
    def pointer(self) -> str:
        """The path as the JSON pointer Slack quotes in its errors: ``/blocks/3/text/text``."""
        return "".join(f"/{part}" for part in self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_view(view: dict) -> list[str]:
    """Problems Slack would find in a modal or Home tab view (empty list = accepted)."""
    return [str(p) for p in view_problems(view)]


def check_message(text: str | None, blocks: list | None, attachments: list | None = None) -> list[str]:
    """Problems Slack would find in a chat.postMessage/update/postEphemeral payload."""
    return [str(p) for p in message_problems(text, blocks, attachments)]


def view_problems(view: Any) -> list[Problem]:
    """Structured form of check_view, for callers that need the Slack error code or pointer."""
    checker = _Checker(root="view")
    checker.view(view)
    return checker.problems


def message_problems(text: Any, blocks: Any, attachments: Any = None) -> list[Problem]:
    """Structured form of check_message, for callers that need the Slack error code or pointer."""
    checker = _Checker(root="message")
    checker.message(text, blocks, attachments)
    return checker.problems


# ---------------------------------------------------------------------------------------------
# What each object may contain. Slack answers "invalid additional property" for anything else.

_VIEW_KEYS = {
    "modal": {
        "type", "title", "blocks", "close", "submit", "private_metadata", "callback_id",
        "clear_on_close", "notify_on_close", "external_id", "submit_disabled",
    },
    "home": {"type", "blocks", "private_metadata", "callback_id", "external_id"},
}

_BLOCK_KEYS: dict[str, set[str] | None] = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "header": {"type", "block_id", "text"},
    "context": {"type", "block_id", "elements"},
    "divider": {"type", "block_id"},
    "actions": {"type", "block_id", "elements"},
    "input": {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"},
    "image": {"type", "block_id", "image_url", "slack_file", "alt_text", "title"},
    # Checked only for type and block_id: rare here, and their schemas are large.
    "rich_text": None,
    "video": None,
    "file": None,
    "markdown": None,
    "table": None,
}
_MESSAGE_ONLY_BLOCKS = {"file", "markdown", "table"}

_COMMON_SELECT = {"type", "action_id", "confirm", "focus_on_load", "placeholder"}
_ELEMENT_KEYS: dict[str, set[str]] = {
    "button": {"type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label"},
    "static_select": _COMMON_SELECT | {"options", "option_groups", "initial_option"},
    "multi_static_select": _COMMON_SELECT | {"options", "option_groups", "initial_options", "max_selected_items"},
    "external_select": _COMMON_SELECT | {"initial_option", "min_query_length"},
    "multi_external_select": _COMMON_SELECT | {"initial_options", "min_query_length", "max_selected_items"},
    "users_select": _COMMON_SELECT | {"initial_user"},
    "multi_users_select": _COMMON_SELECT | {"initial_users", "max_selected_items"},
    "conversations_select": _COMMON_SELECT
    | {"initial_conversation", "default_to_current_conversation", "response_url_enabled", "filter"},
    "multi_conversations_select": _COMMON_SELECT
    | {"initial_conversations", "default_to_current_conversation", "max_selected_items", "filter"},
    "channels_select": _COMMON_SELECT | {"initial_channel", "response_url_enabled"},
    "multi_channels_select": _COMMON_SELECT | {"initial_channels", "max_selected_items"},
    "plain_text_input": {
        "type", "action_id", "placeholder", "initial_value", "multiline", "min_length", "max_length",
        "dispatch_action_config", "focus_on_load",
    },
    "url_text_input": {"type", "action_id", "placeholder", "initial_value", "dispatch_action_config", "focus_on_load"},
    "email_text_input": {"type", "action_id", "placeholder", "initial_value", "dispatch_action_config", "focus_on_load"},
    "number_input": {
        "type", "is_decimal_allowed", "action_id", "placeholder", "initial_value", "min_value", "max_value",
        "dispatch_action_config", "focus_on_load",
    },
    "checkboxes": {"type", "action_id", "options", "initial_options", "confirm", "focus_on_load"},
    "radio_buttons": {"type", "action_id", "options", "initial_option", "confirm", "focus_on_load"},
    "overflow": {"type", "action_id", "options", "confirm"},
    "datepicker": {"type", "action_id", "initial_date", "confirm", "focus_on_load", "placeholder"},
    "timepicker": {"type", "action_id", "initial_time", "confirm", "focus_on_load", "placeholder", "timezone"},
    "datetimepicker": {"type", "action_id", "initial_date_time", "confirm", "focus_on_load"},
    "image": {"type", "image_url", "slack_file", "alt_text"},
    "rich_text_input": {"type", "action_id", "placeholder", "initial_value", "dispatch_action_config", "focus_on_load"},
    "file_input": {"type", "action_id", "filetypes", "max_files"},
    "workflow_button": {"type", "text", "workflow", "style", "accessibility_label"},
}

_SELECTS = {
    "static_select", "multi_static_select", "external_select", "multi_external_select", "users_select",
    "multi_users_select", "conversations_select", "multi_conversations_select", "channels_select",
    "multi_channels_select",
}
# Which interactive elements each block accepts (Slack's "works with block types").
_SECTION_ACCESSORIES = _SELECTS | {
    "button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker", "workflow_button",
}
_ACTIONS_ELEMENTS = _SELECTS | {
    "button", "checkboxes", "datepicker", "datetimepicker", "overflow", "radio_buttons", "timepicker",
    "rich_text_input", "workflow_button",
}
_INPUT_ELEMENTS = _SELECTS | {
    "checkboxes", "datepicker", "datetimepicker", "email_text_input", "file_input", "number_input",
    "plain_text_input", "radio_buttons", "rich_text_input", "timepicker", "url_text_input",
}

_TEXT_KEYS = {"plain_text": {"type", "text", "emoji"}, "mrkdwn": {"type", "text", "verbatim"}}
_OPTION_KEYS = {"text", "value", "description", "url"}
_CONFIRM_KEYS = {"title", "text", "confirm", "deny", "style"}

_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Checker:
    """Walks one payload and collects every problem; knows the surface it is checking."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.surface = root  # "message", then "modal"/"home" once a view's type is known
        self.problems: list[Problem] = []
        self.block_ids: dict[str, Path] = {}

    def add(self, path: Path, message: str, error: str = "invalid_blocks") -> None:
        self.problems.append(Problem(tuple(path), message, error, self.root))

    # -- payloads ---------------------------------------------------------------------------

    def message(self, text: Any, blocks: Any, attachments: Any) -> None:
        has_blocks = isinstance(blocks, list) and len(blocks) > 0
        if not text and not has_blocks and not attachments:
            self.add((), "neither text nor blocks (nor attachments) given", "no_text")
        if text is not None and not isinstance(text, str):
            self.add(("text",), "must be a string")
        elif isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
            self.add(("text",), f"{len(text)} chars > {MESSAGE_TEXT_MAX}", "msg_too_long")
        if blocks is None:
            return
        if not isinstance(blocks, list):
            self.add(("blocks",), "must be an array of blocks", "invalid_blocks_format")
            return
        if len(blocks) > MESSAGE_BLOCKS_MAX:
            self.add(("blocks",), f"{len(blocks)} blocks > {MESSAGE_BLOCKS_MAX}")
        for i, block in enumerate(blocks):
            self.block(block, ("blocks", i))

    def view(self, view: Any) -> None:
        if not isinstance(view, dict):
            self.add((), "view must be a JSON object", "invalid_arguments")
            return
        size = len(json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        if size > VIEW_MAX_BYTES:
            self.add((), f"{size} bytes > {VIEW_MAX_BYTES}", "view_too_large")
        kind = view.get("type")
        if kind not in _VIEW_KEYS:
            self.add(("type",), f"must be 'modal' or 'home', not {kind!r}")
            return
        self.surface = kind
        self.extra_keys(view, (), _VIEW_KEYS[kind])
        if kind == "modal":
            if "title" not in view:
                self.add(("title",), "missing required field: title")
            else:
                self.text(view["title"], ("title",), plain_only=True, max_len=24)
            for key in ("submit", "close"):
                if key in view and view[key] is not None:
                    self.text(view[key], (key,), plain_only=True, max_len=24)
            for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
                self.boolean(view, key, ())
        self.string(view, "private_metadata", (), 3000)
        self.string(view, "callback_id", (), ID_MAX)
        self.string(view, "external_id", (), ID_MAX)
        blocks = view.get("blocks")
        if not isinstance(blocks, list):
            self.add(("blocks",), "missing required field: blocks" if blocks is None else "must be an array")
            return
        if not 1 <= len(blocks) <= VIEW_BLOCKS_MAX:
            self.add(("blocks",), f"{len(blocks)} blocks; a view needs 1 to {VIEW_BLOCKS_MAX}")
        for i, block in enumerate(blocks):
            self.block(block, ("blocks", i))
        if kind == "modal" and view.get("submit") is None:
            for i, block in enumerate(blocks):
                if isinstance(block, dict) and block.get("type") == "input":
                    self.add(("blocks", i), "must define `submit` to use an `input` block in modals")
                    break

    # -- blocks -----------------------------------------------------------------------------

    def block(self, block: Any, path: Path) -> None:
        if not isinstance(block, dict):
            self.add(path, "block must be a JSON object")
            return
        kind = block.get("type")
        if kind is None:
            self.add(path + ("type",), "missing required field: type")
            return
        if kind not in _BLOCK_KEYS:
            self.add(path + ("type",), f"unsupported type: {kind}")
            return
        if kind in _MESSAGE_ONLY_BLOCKS and self.surface != "message":
            self.add(path + ("type",), f"unsupported type: {kind} (messages only)")
        keys = _BLOCK_KEYS[kind]
        if keys is not None:
            self.extra_keys(block, path, keys)
        if "block_id" in block:
            block_id = block["block_id"]
            if self.string(block, "block_id", path, ID_MAX, min_len=1):
                if block_id in self.block_ids:
                    first = Problem(self.block_ids[block_id], "", root=self.root).where
                    self.add(path + ("block_id",), f"duplicate block_id {block_id!r} (also at {first})")
                else:
                    self.block_ids[block_id] = path
        getattr(self, f"block_{kind}", lambda b, p: None)(block, path)

    def block_section(self, block: dict, path: Path) -> None:
        if "text" not in block and "fields" not in block:
            self.add(path, "must define either `text` or `fields`")
        if "text" in block:
            self.text(block["text"], path + ("text",), max_len=3000)
        if "fields" in block:
            fields = block["fields"]
            if self.array(fields, path + ("fields",), 1, 10):
                for i, field in enumerate(fields):
                    self.text(field, path + ("fields", i), max_len=2000)
        if "accessory" in block:
            self.element(block["accessory"], path + ("accessory",), _SECTION_ACCESSORIES, "section accessory")
        self.boolean(block, "expand", path)

    def block_header(self, block: dict, path: Path) -> None:
        if "text" not in block:
            self.add(path + ("text",), "missing required field: text")
        else:
            self.text(block["text"], path + ("text",), plain_only=True, max_len=150)

    def block_context(self, block: dict, path: Path) -> None:
        elements = block.get("elements")
        if elements is None:
            self.add(path + ("elements",), "missing required field: elements")
        elif self.array(elements, path + ("elements",), 1, 10):
            for i, element in enumerate(elements):
                where = path + ("elements", i)
                if isinstance(element, dict) and element.get("type") == "image":
                    self.extra_keys(element, where, _ELEMENT_KEYS["image"])
                    self.image(element, where)
                else:
                    self.text(element, where)

    def block_actions(self, block: dict, path: Path) -> None:
        elements = block.get("elements")
        if elements is None:
            self.add(path + ("elements",), "missing required field: elements")
        elif self.array(elements, path + ("elements",), 1, 25):
            seen: dict[str, int] = {}
            for i, element in enumerate(elements):
                self.element(element, path + ("elements", i), _ACTIONS_ELEMENTS, "actions block")
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if isinstance(action_id, str):
                    if action_id in seen:
                        self.add(
                            path + ("elements", i, "action_id"),
                            f"duplicate action_id {action_id!r} in this block (also elements[{seen[action_id]}])",
                        )
                    seen.setdefault(action_id, i)

    def block_input(self, block: dict, path: Path) -> None:
        if "label" not in block:
            self.add(path + ("label",), "missing required field: label")
        else:
            self.text(block["label"], path + ("label",), plain_only=True, max_len=2000)
        if "hint" in block:
            self.text(block["hint"], path + ("hint",), plain_only=True, max_len=2000)
        if "element" not in block:
            self.add(path + ("element",), "missing required field: element")
        else:
            self.element(block["element"], path + ("element",), _INPUT_ELEMENTS, "input block")
        self.boolean(block, "optional", path)
        self.boolean(block, "dispatch_action", path)

    def block_image(self, block: dict, path: Path) -> None:
        self.image(block, path)
        if "title" in block:
            self.text(block["title"], path + ("title",), plain_only=True, max_len=2000)

    # -- elements ---------------------------------------------------------------------------

    def element(self, element: Any, path: Path, allowed: set[str], place: str) -> None:
        if not isinstance(element, dict):
            self.add(path, "element must be a JSON object")
            return
        kind = element.get("type")
        if kind is None:
            self.add(path + ("type",), "missing required field: type")
            return
        if kind not in _ELEMENT_KEYS:
            self.add(path + ("type",), f"unsupported type: {kind}")
            return
        if kind not in allowed:
            self.add(path + ("type",), f"{kind} is not allowed in a {place}")
        self.extra_keys(element, path, _ELEMENT_KEYS[kind])
        self.string(element, "action_id", path, ID_MAX, min_len=1)
        if "placeholder" in element:
            self.text(element["placeholder"], path + ("placeholder",), plain_only=True, max_len=150)
        if "confirm" in element:
            self.confirm(element["confirm"], path + ("confirm",))
        self.boolean(element, "focus_on_load", path)
        if kind == "image":
            self.image(element, path)
        elif kind in ("button", "workflow_button"):
            self.button(element, path)
        elif kind in ("static_select", "multi_static_select"):
            self.static_select(element, path, multi=kind.startswith("multi_"))
        elif kind == "plain_text_input":
            self.plain_text_input(element, path)
        elif kind in ("url_text_input", "email_text_input", "number_input"):
            self.string(element, "initial_value", path, 3000)
            if kind == "number_input" and not isinstance(element.get("is_decimal_allowed"), bool):
                self.add(path + ("is_decimal_allowed",), "missing required field: is_decimal_allowed (boolean)")
        elif kind == "checkboxes":
            self.choice(element, path, max_options=10, multi=True)
        elif kind == "radio_buttons":
            self.choice(element, path, max_options=10, multi=False)
        elif kind == "overflow":
            options = element.get("options")
            if options is None:
                self.add(path + ("options",), "missing required field: options")
            elif self.array(options, path + ("options",), 2, 5):
                for i, option in enumerate(options):
                    self.option(option, path + ("options", i), plain_only=True, url_ok=True)
        elif kind == "datepicker":
            if "initial_date" in element and not _DATE.match(str(element["initial_date"])):
                self.add(path + ("initial_date",), "must be a date YYYY-MM-DD")
        elif kind == "timepicker":
            if "initial_time" in element and not _TIME.match(str(element["initial_time"])):
                self.add(path + ("initial_time",), "must be a time HH:mm")
        if kind.startswith("multi_") and "max_selected_items" in element:
            value = element["max_selected_items"]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                self.add(path + ("max_selected_items",), "must be an integer >= 1")

    def button(self, button: dict, path: Path) -> None:
        if "text" not in button:
            self.add(path + ("text",), "missing required field: text")
        else:
            self.text(button["text"], path + ("text",), plain_only=True, max_len=75)
        self.string(button, "value", path, 2000)
        self.string(button, "url", path, 3000)
        self.string(button, "accessibility_label", path, 75)
        if "style" in button and button["style"] not in ("primary", "danger"):
            self.add(path + ("style",), f"must be 'primary' or 'danger', not {button['style']!r}")

    def static_select(self, select: dict, path: Path, *, multi: bool) -> None:
        has_options, has_groups = "options" in select, "option_groups" in select
        if has_options == has_groups:
            self.add(path, "must define exactly one of `options` or `option_groups`")
        all_options: list[Any] = []
        if has_options and self.array(select["options"], path + ("options",), 1, 100):
            all_options = list(select["options"])
            for i, option in enumerate(select["options"]):
                self.option(option, path + ("options", i), plain_only=True)
        if has_groups and self.array(select["option_groups"], path + ("option_groups",), 1, 100):
            for g, group in enumerate(select["option_groups"]):
                where = path + ("option_groups", g)
                if not isinstance(group, dict):
                    self.add(where, "option group must be a JSON object")
                    continue
                self.extra_keys(group, where, {"label", "options"})
                if "label" not in group:
                    self.add(where + ("label",), "missing required field: label")
                else:
                    self.text(group["label"], where + ("label",), plain_only=True, max_len=75)
                options = group.get("options")
                if options is None:
                    self.add(where + ("options",), "missing required field: options")
                elif self.array(options, where + ("options",), 1, 100):
                    all_options.extend(options)
                    for i, option in enumerate(options):
                        self.option(option, where + ("options", i), plain_only=True)
        self.initial(select, path, all_options, multi=multi)

    def choice(self, element: dict, path: Path, *, max_options: int, multi: bool) -> None:
        options = element.get("options")
        if options is None:
            self.add(path + ("options",), "missing required field: options")
            return
        if self.array(options, path + ("options",), 1, max_options):
            for i, option in enumerate(options):
                self.option(option, path + ("options", i), plain_only=False)
            self.initial(element, path, options, multi=multi)

    def initial(self, element: dict, path: Path, options: list[Any], *, multi: bool) -> None:
        """initial_option(s) must be among the options; Slack compares value and text."""
        keys = {_option_key(o) for o in options if isinstance(o, dict)}
        if multi and "initial_options" in element:
            chosen = element["initial_options"]
            if self.array(chosen, path + ("initial_options",), 0, max(len(options), 1)):
                for i, option in enumerate(chosen):
                    if not isinstance(option, dict) or _option_key(option) not in keys:
                        self.add(path + ("initial_options", i), "must match one of the options")
        if not multi and "initial_option" in element:
            option = element["initial_option"]
            if not isinstance(option, dict) or _option_key(option) not in keys:
                self.add(path + ("initial_option",), "must match one of the options")

    def option(self, option: Any, path: Path, *, plain_only: bool, url_ok: bool = False) -> None:
        if not isinstance(option, dict):
            self.add(path, "option must be a JSON object")
            return
        self.extra_keys(option, path, _OPTION_KEYS if url_ok else _OPTION_KEYS - {"url"})
        if "text" not in option:
            self.add(path + ("text",), "missing required field: text")
        else:
            self.text(option["text"], path + ("text",), plain_only=plain_only, max_len=75)
        if "value" not in option:
            self.add(path + ("value",), "missing required field: value")
        else:
            self.string(option, "value", path, 75, min_len=1)
        if "description" in option:
            self.text(option["description"], path + ("description",), plain_only=plain_only, max_len=75)
        self.string(option, "url", path, 3000)

    def plain_text_input(self, element: dict, path: Path) -> None:
        self.boolean(element, "multiline", path)
        lo = self.integer(element, "min_length", path, 0, 3000)
        hi = self.integer(element, "max_length", path, 1, 3000)
        if lo is not None and hi is not None and lo > hi:
            self.add(path + ("min_length",), f"min_length {lo} > max_length {hi}")
        if self.string(element, "initial_value", path, 3000) and hi is not None:
            length = len(element["initial_value"])
            if length > hi:
                self.add(path + ("initial_value",), f"{length} chars > max_length {hi}")

    def image(self, image: dict, path: Path) -> None:
        if "image_url" not in image and "slack_file" not in image:
            self.add(path, "must define either `image_url` or `slack_file`")
        self.string(image, "image_url", path, 3000, min_len=1)
        if "alt_text" not in image:
            self.add(path + ("alt_text",), "missing required field: alt_text")
        else:
            self.string(image, "alt_text", path, 2000, min_len=1)

    def confirm(self, confirm: Any, path: Path) -> None:
        if not isinstance(confirm, dict):
            self.add(path, "confirm must be a JSON object")
            return
        self.extra_keys(confirm, path, _CONFIRM_KEYS)
        for key, max_len, plain in (("title", 100, True), ("text", 300, False), ("confirm", 30, True), ("deny", 30, True)):
            if key not in confirm:
                self.add(path + (key,), f"missing required field: {key}")
            else:
                self.text(confirm[key], path + (key,), plain_only=plain, max_len=max_len)
        if "style" in confirm and confirm["style"] not in ("primary", "danger"):
            self.add(path + ("style",), f"must be 'primary' or 'danger', not {confirm['style']!r}")

    # -- leaves -----------------------------------------------------------------------------

    def text(self, obj: Any, path: Path, *, plain_only: bool = False, max_len: int | None = None) -> None:
        if not isinstance(obj, dict):
            self.add(path, "must be a text object {type, text}")
            return
        kind = obj.get("type")
        if kind not in _TEXT_KEYS:
            self.add(path + ("type",), f"text object type must be plain_text or mrkdwn, not {kind!r}")
            return
        if plain_only and kind != "plain_text":
            self.add(path + ("type",), f"must be plain_text, not {kind}")
        self.extra_keys(obj, path, _TEXT_KEYS[kind])
        text = obj.get("text")
        if not isinstance(text, str):
            self.add(path + ("text",), "missing required field: text" if text is None else "must be a string")
        elif text == "":
            self.add(path + ("text",), "must be at least 1 char")
        elif max_len is not None and len(text) > max_len:
            self.add(path + ("text",), f"{len(text)} chars > {max_len}")
        self.boolean(obj, "emoji", path)
        self.boolean(obj, "verbatim", path)

    def string(self, obj: dict, key: str, path: Path, max_len: int, min_len: int = 0) -> bool:
        """True when obj[key] is present and a valid string."""
        if key not in obj:
            return False
        value = obj[key]
        if not isinstance(value, str):
            self.add(path + (key,), "must be a string")
            return False
        if len(value) > max_len:
            self.add(path + (key,), f"{len(value)} chars > {max_len}")
            return False
        if len(value) < min_len:
            self.add(path + (key,), f"must be at least {min_len} char")
            return False
        return True

    def integer(self, obj: dict, key: str, path: Path, lo: int, hi: int) -> int | None:
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(path + (key,), "must be an integer")
            return None
        if not lo <= value <= hi:
            self.add(path + (key,), f"{value} is outside {lo}..{hi}")
            return None
        return value

    def boolean(self, obj: dict, key: str, path: Path) -> None:
        if key in obj and not isinstance(obj[key], bool):
            self.add(path + (key,), "must be a boolean")

    def array(self, value: Any, path: Path, lo: int, hi: int) -> bool:
        """True when value is a list whose length is within lo..hi (problems recorded otherwise)."""
        if not isinstance(value, list):
            self.add(path, "must be an array")
            return False
        if len(value) < lo:
            self.add(path, f"{len(value)} items < {lo}")
        elif len(value) > hi:
            self.add(path, f"{len(value)} items > {hi}")
        return True

    def extra_keys(self, obj: dict, path: Path, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.add(path + (key,), f"invalid additional property: {key}")


def _option_key(option: dict) -> tuple[Any, Any]:
    text = option.get("text")
    return (option.get("value"), text.get("text") if isinstance(text, dict) else text)
