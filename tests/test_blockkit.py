"""Each Block Kit rule: a payload just inside the limit passes, one just outside is named."""

from __future__ import annotations

import pytest

from tests.blockkit import check_message, check_view, message_problems, view_problems


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def option(text: str = "Option", value: str = "v") -> dict:
    return {"text": plain(text), "value": value}


def section(text: str = "hello") -> dict:
    return {"type": "section", "text": mrkdwn(text)}


def input_block(element: dict, **extra) -> dict:
    return {"type": "input", "block_id": "in", "label": plain("Label"), "element": element, **extra}


def text_input(**extra) -> dict:
    return {"type": "plain_text_input", "action_id": "a", **extra}


def select(**extra) -> dict:
    return {"type": "static_select", "action_id": "s", "options": [option("One", "1"), option("Two", "2")], **extra}


def button(**extra) -> dict:
    return {"type": "button", "action_id": "b", "text": plain("Go"), **extra}


def modal(*blocks: dict, **extra) -> dict:
    return {
        "type": "modal",
        "title": plain("Escalate"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": list(blocks) or [section()],
        **extra,
    }


def in_modal(block: dict) -> list[str]:
    return check_view(modal(block))


def in_input(element: dict) -> list[str]:
    return check_view(modal(input_block(element)))


def in_actions(*elements: dict) -> list[str]:
    return check_view(modal({"type": "actions", "elements": list(elements)}))


# --- accepted payloads: the checker must not invent problems ---------------------------------


def test_a_full_modal_at_every_limit_is_accepted():
    view = modal(
        {"type": "header", "text": plain("h" * 150)},
        {
            "type": "section",
            "block_id": "s" * 255,
            "text": mrkdwn("t" * 3000),
            "fields": [mrkdwn("f" * 2000)] * 10,
            "accessory": button(text=plain("b" * 75), value="v" * 2000, url="https://x/" + "u" * 2990, style="danger"),
        },
        {"type": "divider"},
        {"type": "context", "elements": [mrkdwn("c")] * 9 + [{"type": "image", "image_url": "https://x/i.png", "alt_text": "i"}]},
        {"type": "actions", "elements": [button(action_id=f"b{i}") for i in range(25)]},
        input_block(
            text_input(
                action_id="a" * 255,
                placeholder=plain("p" * 150),
                initial_value="i" * 3000,
                min_length=3000,
                max_length=3000,
                multiline=True,
            ),
            label=plain("l" * 2000),
            hint=plain("h" * 2000),
            optional=True,
        ),
        {
            "type": "input",
            "block_id": "sel",
            "label": plain("Severity"),
            "element": {
                "type": "static_select",
                "action_id": "sev",
                "placeholder": plain("p" * 150),
                "options": [option("o" * 75, f"{i:075d}") for i in range(100)],
                "initial_option": option("o" * 75, f"{7:075d}"),
            },
        },
        {"type": "input", "block_id": "url", "label": plain("Link"), "element": {"type": "url_text_input", "action_id": "u"}},
        {
            "type": "input",
            "block_id": "cb",
            "label": plain("Checks"),
            "element": {
                "type": "checkboxes",
                "action_id": "c",
                "options": [option(str(i), str(i)) for i in range(10)],
                "initial_options": [option("3", "3")],
            },
        },
        {
            "type": "input",
            "block_id": "rb",
            "label": plain("Pick"),
            "element": {"type": "radio_buttons", "action_id": "r", "options": [option("x", "x")] * 10},
        },
        title=plain("t" * 24),
        submit=plain("s" * 24),
        close=plain("c" * 24),
        private_metadata="m" * 3000,
        callback_id="c" * 255,
    )
    assert check_view(view) == []


def test_a_home_tab_with_100_blocks_is_accepted():
    assert check_view({"type": "home", "blocks": [{"type": "divider"}] * 100}) == []


def test_a_message_at_its_limits_is_accepted():
    assert check_message("x" * 4000, [section()] * 50) == []
    assert check_message("only text", None) == []
    assert check_message(None, [section()]) == []
    assert check_message(None, None, attachments=[{"text": "old style"}]) == []


def test_views_built_with_slack_sdk_models_are_accepted():
    from slack_sdk.models.blocks import (
        ButtonElement,
        InputBlock,
        Option,
        PlainTextInputElement,
        SectionBlock,
        StaticSelectElement,
    )
    from slack_sdk.models.views import View

    options = [Option(text="High", value="high"), Option(text="Low", value="low")]
    view = View(
        type="modal",
        title="Escalate",
        submit="Send",
        blocks=[
            SectionBlock(text="*Why*", accessory=ButtonElement(text="Help", action_id="help")),
            InputBlock(block_id="why", label="Why", element=PlainTextInputElement(action_id="why", max_length=500)),
            InputBlock(
                block_id="sev",
                label="Severity",
                element=StaticSelectElement(action_id="sev", options=options, initial_option=options[0]),
            ),
        ],
    )
    assert check_view(view.to_dict()) == []


# --- view rules -------------------------------------------------------------------------------


def test_view_type_must_be_modal_or_home():
    assert check_view(modal(type="dialog")) == ["type: must be 'modal' or 'home', not 'dialog'"]


def test_modal_title_is_required():
    view = modal()
    del view["title"]
    assert check_view(view) == ["title: missing required field: title"]


@pytest.mark.parametrize("key", ["title", "submit", "close"])
def test_modal_title_submit_close_are_at_most_24_chars(key):
    assert check_view(modal(**{key: plain("x" * 25)})) == [f"{key}.text: 25 chars > 24"]


@pytest.mark.parametrize("key", ["title", "submit", "close"])
def test_modal_title_submit_close_are_not_empty(key):
    assert check_view(modal(**{key: plain("")})) == [f"{key}.text: must be at least 1 char"]


def test_modal_title_must_be_plain_text():
    assert check_view(modal(title=mrkdwn("Escalate"))) == ["title.type: must be plain_text, not mrkdwn"]


def test_modal_with_an_input_block_needs_submit():
    view = modal(section(), input_block(text_input()))
    del view["submit"]
    assert check_view(view) == ["blocks[1]: must define `submit` to use an `input` block in modals"]


def test_modal_without_input_blocks_needs_no_submit():
    view = modal(section())
    del view["submit"]
    assert check_view(view) == []


def test_view_needs_at_least_one_block():
    assert check_view(modal(blocks=[])) == ["blocks: 0 blocks; a view needs 1 to 100"]


def test_view_has_at_most_100_blocks():
    assert check_view(modal(blocks=[{"type": "divider"}] * 101)) == ["blocks: 101 blocks; a view needs 1 to 100"]


def test_view_blocks_are_required():
    view = modal()
    del view["blocks"]
    assert check_view(view) == ["blocks: missing required field: blocks"]


def test_private_metadata_is_at_most_3000_chars():
    assert check_view(modal(private_metadata="m" * 3001)) == ["private_metadata: 3001 chars > 3000"]


def test_callback_id_is_at_most_255_chars():
    assert check_view(modal(callback_id="c" * 256)) == ["callback_id: 256 chars > 255"]


def test_view_larger_than_250_kb_is_view_too_large():
    blocks = [section("x" * 2990) for _ in range(90)]  # ~275 KB, every block within its own limits
    problems = view_problems(modal(*blocks))
    assert [(p.error, p.where) for p in problems] == [("view_too_large", "view")]
    assert check_view(modal(*blocks[:80])) == []  # ~244 KB


def test_unknown_view_property_is_refused():
    assert check_view(modal(state={"values": {}})) == ["state: invalid additional property: state"]


# --- ids --------------------------------------------------------------------------------------


def test_block_id_is_at_most_255_chars():
    assert in_modal({"type": "divider", "block_id": "b" * 256}) == ["blocks[0].block_id: 256 chars > 255"]


def test_action_id_is_at_most_255_chars():
    assert in_actions(button(action_id="a" * 256)) == ["blocks[0].elements[0].action_id: 256 chars > 255"]


def test_block_ids_are_unique_within_a_view():
    view = modal({"type": "divider", "block_id": "same"}, {"type": "divider", "block_id": "same"})
    assert check_view(view) == ["blocks[1].block_id: duplicate block_id 'same' (also at blocks[0])"]


def test_block_ids_are_unique_within_a_message():
    blocks = [{"type": "divider", "block_id": "same"}, section() | {"block_id": "same"}]
    assert check_message("t", blocks) == ["blocks[1].block_id: duplicate block_id 'same' (also at blocks[0])"]


def test_action_ids_are_unique_within_a_block():
    assert in_actions(button(action_id="x"), button(action_id="x")) == [
        "blocks[0].elements[1].action_id: duplicate action_id 'x' in this block (also elements[0])"
    ]


# --- text objects -----------------------------------------------------------------------------


def test_text_object_type_must_be_plain_text_or_mrkdwn():
    assert in_modal({"type": "section", "text": {"type": "markdown", "text": "x"}}) == [
        "blocks[0].text.type: text object type must be plain_text or mrkdwn, not 'markdown'"
    ]


def test_text_object_text_must_not_be_empty():
    assert in_modal(section("")) == ["blocks[0].text.text: must be at least 1 char"]


def test_text_object_text_is_required():
    assert in_modal({"type": "section", "text": {"type": "mrkdwn"}}) == ["blocks[0].text.text: missing required field: text"]


def test_mrkdwn_text_has_no_emoji_property():
    assert in_modal({"type": "section", "text": mrkdwn("x") | {"emoji": True}}) == [
        "blocks[0].text.emoji: invalid additional property: emoji"
    ]


# --- blocks -----------------------------------------------------------------------------------


def test_header_text_is_plain_text_only():
    assert in_modal({"type": "header", "text": mrkdwn("x")}) == ["blocks[0].text.type: must be plain_text, not mrkdwn"]


def test_header_text_is_at_most_150_chars():
    assert in_modal({"type": "header", "text": plain("h" * 151)}) == ["blocks[0].text.text: 151 chars > 150"]


def test_section_text_is_at_most_3000_chars():
    assert check_message("t", [section("x" * 3012)]) == ["blocks[0].text.text: 3012 chars > 3000"]


def test_section_needs_text_or_fields():
    assert in_modal({"type": "section"}) == ["blocks[0]: must define either `text` or `fields`"]


def test_section_fields_alone_are_enough():
    assert in_modal({"type": "section", "fields": [mrkdwn("a")]}) == []


def test_section_has_at_most_10_fields():
    assert in_modal({"type": "section", "fields": [mrkdwn("f")] * 11}) == ["blocks[0].fields: 11 items > 10"]


def test_section_field_is_at_most_2000_chars():
    assert in_modal({"type": "section", "fields": [mrkdwn("a"), mrkdwn("f" * 2001)]}) == [
        "blocks[0].fields[1].text: 2001 chars > 2000"
    ]


def test_context_needs_at_least_one_element():
    assert in_modal({"type": "context", "elements": []}) == ["blocks[0].elements: 0 items < 1"]


def test_context_has_at_most_10_elements():
    assert in_modal({"type": "context", "elements": [mrkdwn("c")] * 11}) == ["blocks[0].elements: 11 items > 10"]


def test_context_elements_are_text_or_images():
    assert in_modal({"type": "context", "elements": [button()]}) == [
        "blocks[0].elements[0].type: text object type must be plain_text or mrkdwn, not 'button'"
    ]


def test_context_image_needs_alt_text():
    image = {"type": "image", "image_url": "https://x/i.png"}
    assert in_modal({"type": "context", "elements": [image]}) == ["blocks[0].elements[0].alt_text: missing required field: alt_text"]


def test_divider_takes_no_text():
    assert in_modal({"type": "divider", "text": plain("x")}) == ["blocks[0].text: invalid additional property: text"]


def test_actions_has_at_most_25_elements():
    assert in_actions(*[button(action_id=f"b{i}") for i in range(26)]) == ["blocks[0].elements: 26 items > 25"]


def test_actions_needs_at_least_one_element():
    assert in_actions() == ["blocks[0].elements: 0 items < 1"]


def test_actions_does_not_take_a_plain_text_input():
    assert in_actions(text_input()) == ["blocks[0].elements[0].type: plain_text_input is not allowed in a actions block"]


def test_input_label_is_required():
    block = input_block(text_input())
    del block["label"]
    assert in_modal(block) == ["blocks[0].label: missing required field: label"]


def test_input_label_is_plain_text():
    assert in_modal(input_block(text_input(), label=mrkdwn("x"))) == ["blocks[0].label.type: must be plain_text, not mrkdwn"]


def test_input_label_is_at_most_2000_chars():
    assert in_modal(input_block(text_input(), label=plain("l" * 2001))) == ["blocks[0].label.text: 2001 chars > 2000"]


def test_input_hint_is_at_most_2000_chars():
    assert in_modal(input_block(text_input(), hint=plain("h" * 2001))) == ["blocks[0].hint.text: 2001 chars > 2000"]


def test_input_element_is_required():
    block = input_block(text_input())
    del block["element"]
    assert in_modal(block) == ["blocks[0].element: missing required field: element"]


def test_input_optional_is_a_boolean():
    assert in_modal(input_block(text_input(), optional="yes")) == ["blocks[0].optional: must be a boolean"]


def test_input_does_not_take_a_button():
    assert in_input(button()) == ["blocks[0].element.type: button is not allowed in a input block"]


def test_unknown_block_type_is_a_problem():
    assert in_modal({"type": "carousel"}) == ["blocks[0].type: unsupported type: carousel"]


def test_block_without_type_is_a_problem():
    assert check_message("t", [{"text": mrkdwn("x")}]) == ["blocks[0].type: missing required field: type"]


def test_file_block_is_for_messages_only():
    block = {"type": "file", "external_id": "f", "source": "remote"}
    assert in_modal(block) == ["blocks[0].type: unsupported type: file (messages only)"]
    assert check_message("t", [block]) == []


def test_unknown_element_type_is_a_problem():
    assert in_actions({"type": "slider", "action_id": "s"}) == ["blocks[0].elements[0].type: unsupported type: slider"]


# --- plain_text_input -------------------------------------------------------------------------


def test_plain_text_input_placeholder_is_at_most_150_chars():
    assert in_input(text_input(placeholder=plain("p" * 151))) == ["blocks[0].element.placeholder.text: 151 chars > 150"]


def test_plain_text_input_max_length_is_at_most_3000():
    assert in_input(text_input(max_length=3001)) == ["blocks[0].element.max_length: 3001 is outside 1..3000"]


def test_plain_text_input_max_length_is_at_least_1():
    assert in_input(text_input(max_length=0)) == ["blocks[0].element.max_length: 0 is outside 1..3000"]


def test_plain_text_input_min_length_is_at_most_3000():
    assert in_input(text_input(min_length=3001)) == ["blocks[0].element.min_length: 3001 is outside 0..3000"]


def test_plain_text_input_min_length_is_not_above_max_length():
    assert in_input(text_input(min_length=10, max_length=5)) == ["blocks[0].element.min_length: min_length 10 > max_length 5"]


def test_plain_text_input_initial_value_fits_max_length():
    assert in_input(text_input(initial_value="x" * 11, max_length=10)) == [
        "blocks[0].element.initial_value: 11 chars > max_length 10"
    ]


def test_plain_text_input_initial_value_is_a_string():
    assert in_input(text_input(initial_value=None)) == ["blocks[0].element.initial_value: must be a string"]


# --- static_select ----------------------------------------------------------------------------


def test_static_select_needs_at_least_one_option():
    assert in_input(select(options=[])) == ["blocks[0].element.options: 0 items < 1"]


def test_static_select_has_at_most_100_options():
    options = [option(str(i), str(i)) for i in range(101)]
    assert in_input(select(options=options)) == ["blocks[0].element.options: 101 items > 100"]


def test_static_select_option_text_is_at_most_75_chars():
    assert in_input(select(options=[option("o" * 76)])) == ["blocks[0].element.options[0].text.text: 76 chars > 75"]


def test_static_select_option_text_is_plain_text():
    assert in_input(select(options=[{"text": mrkdwn("o"), "value": "v"}])) == [
        "blocks[0].element.options[0].text.type: must be plain_text, not mrkdwn"
    ]


def test_static_select_option_value_is_at_most_75_chars():
    assert in_input(select(options=[option("o", "v" * 76)])) == ["blocks[0].element.options[0].value: 76 chars > 75"]


def test_static_select_option_value_is_required():
    assert in_input(select(options=[{"text": plain("o")}])) == ["blocks[0].element.options[0].value: missing required field: value"]


def test_static_select_option_description_is_at_most_75_chars():
    with_description = option() | {"description": plain("d" * 76)}
    assert in_input(select(options=[with_description])) == [
        "blocks[0].element.options[0].description.text: 76 chars > 75"
    ]


def test_static_select_initial_option_must_be_one_of_the_options():
    assert in_input(select(initial_option=option("Three", "3"))) == [
        "blocks[0].element.initial_option: must match one of the options"
    ]


def test_static_select_initial_option_matches_on_value_and_text():
    assert in_input(select(initial_option=option("One", "2"))) == ["blocks[0].element.initial_option: must match one of the options"]
    assert in_input(select(initial_option=option("Two", "2"))) == []


def test_static_select_placeholder_is_at_most_150_chars():
    assert in_input(select(placeholder=plain("p" * 151))) == ["blocks[0].element.placeholder.text: 151 chars > 150"]


def test_static_select_takes_options_or_option_groups_not_both():
    groups = [{"label": plain("G"), "options": [option()]}]
    assert in_input(select(option_groups=groups)) == ["blocks[0].element: must define exactly one of `options` or `option_groups`"]


def test_static_select_option_groups_are_checked_too():
    groups = [{"label": plain("G"), "options": [option("o" * 76)]}]
    element = {"type": "static_select", "action_id": "s", "option_groups": groups}
    assert in_input(element) == ["blocks[0].element.option_groups[0].options[0].text.text: 76 chars > 75"]


# --- button -----------------------------------------------------------------------------------


def test_button_text_is_at_most_75_chars():
    assert in_actions(button(text=plain("b" * 76))) == ["blocks[0].elements[0].text.text: 76 chars > 75"]


def test_button_text_is_plain_text():
    assert in_actions(button(text=mrkdwn("b"))) == ["blocks[0].elements[0].text.type: must be plain_text, not mrkdwn"]


def test_button_text_is_required():
    element = button()
    del element["text"]
    assert in_actions(element) == ["blocks[0].elements[0].text: missing required field: text"]


def test_button_value_is_at_most_2000_chars():
    assert in_actions(button(value="v" * 2001)) == ["blocks[0].elements[0].value: 2001 chars > 2000"]


def test_button_url_is_at_most_3000_chars():
    assert in_actions(button(url="https://x/" + "u" * 2991)) == ["blocks[0].elements[0].url: 3001 chars > 3000"]


def test_button_style_is_primary_or_danger():
    assert in_actions(button(style="secondary")) == ["blocks[0].elements[0].style: must be 'primary' or 'danger', not 'secondary'"]


# --- other elements ---------------------------------------------------------------------------


def test_url_text_input_initial_value_is_a_string():
    assert in_input({"type": "url_text_input", "action_id": "u", "initial_value": 5}) == [
        "blocks[0].element.initial_value: must be a string"
    ]


def test_url_text_input_placeholder_is_at_most_150_chars():
    element = {"type": "url_text_input", "action_id": "u", "placeholder": plain("p" * 151)}
    assert in_input(element) == ["blocks[0].element.placeholder.text: 151 chars > 150"]


def test_checkboxes_have_at_most_10_options():
    element = {"type": "checkboxes", "action_id": "c", "options": [option(str(i), str(i)) for i in range(11)]}
    assert in_input(element) == ["blocks[0].element.options: 11 items > 10"]


def test_checkboxes_initial_options_must_be_among_the_options():
    element = {"type": "checkboxes", "action_id": "c", "options": [option("a", "a")], "initial_options": [option("b", "b")]}
    assert in_input(element) == ["blocks[0].element.initial_options[0]: must match one of the options"]


def test_radio_buttons_have_at_most_10_options():
    element = {"type": "radio_buttons", "action_id": "r", "options": [option(str(i), str(i)) for i in range(11)]}
    assert in_input(element) == ["blocks[0].element.options: 11 items > 10"]


def test_radio_buttons_initial_option_must_be_among_the_options():
    element = {"type": "radio_buttons", "action_id": "r", "options": [option("a", "a")], "initial_option": option("b", "b")}
    assert in_input(element) == ["blocks[0].element.initial_option: must match one of the options"]


def test_radio_buttons_may_use_mrkdwn_option_text():
    element = {"type": "radio_buttons", "action_id": "r", "options": [{"text": mrkdwn("*a*"), "value": "a"}]}
    assert in_input(element) == []


# --- messages ---------------------------------------------------------------------------------


def test_message_has_at_most_50_blocks():
    assert check_message("t", [section()] * 51) == ["blocks: 51 blocks > 50"]


def test_message_text_over_4000_chars_is_msg_too_long():
    problems = message_problems("x" * 4001, None)
    assert [(str(p), p.error) for p in problems] == [("text: 4001 chars > 4000", "msg_too_long")]


def test_message_with_neither_text_nor_blocks_is_no_text():
    for text, blocks in [(None, None), ("", None), (None, []), ("", [])]:
        problems = message_problems(text, blocks)
        assert [(str(p), p.error) for p in problems] == [("message: neither text nor blocks (nor attachments) given", "no_text")]


def test_message_blocks_must_be_an_array():
    problems = message_problems("t", {"type": "divider"})
    assert [(str(p), p.error) for p in problems] == [("blocks: must be an array of blocks", "invalid_blocks_format")]


def test_every_problem_is_reported_not_just_the_first():
    problems = check_message("t", [section("x" * 3001), {"type": "header", "text": plain("h" * 151)}, {"type": "nope"}])
    assert problems == [
        "blocks[0].text.text: 3001 chars > 3000",
        "blocks[1].text.text: 151 chars > 150",
        "blocks[2].type: unsupported type: nope",
    ]


def test_problems_carry_slacks_json_pointer():
    (problem,) = view_problems(modal(section("x" * 3001)))
    assert problem.pointer == "/blocks/0/text/text"
    assert problem.where == "blocks[0].text.text"
    assert problem.error == "invalid_blocks"
