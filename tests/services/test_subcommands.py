"""Which words after /escalate are subcommands, and which are a summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slack_app.services.subcommands import (
    ListMine,
    MalformedId,
    OpenForm,
    ShowHelp,
    ShowStatus,
    StatusNeedsId,
    UnknownSubcommand,
    parse_escalate_text,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", OpenForm()),
        ("   ", OpenForm()),
        ("help", ShowHelp()),
        ("HELP", ShowHelp()),
        ("--help", ShowHelp()),
        ("?", ShowHelp()),
        ("mine", ListMine()),
        ("  Mine ", ListMine()),
        ("status", StatusNeedsId()),
        ("list", UnknownSubcommand("list")),
        ("--mine", UnknownSubcommand("--mine")),
        ("show ESC-12", UnknownSubcommand("show", "ESC-12")),
    ],
)
def test_subcommands_are_whole_texts(text, expected):
    assert parse_escalate_text(text) == expected


@pytest.mark.parametrize("written", ["ESC-12", "esc-12", "Esc12", "12", "#12", "#ESC-12", "ESC-0012"])
def test_status_accepts_every_way_of_writing_an_id(written):
    assert parse_escalate_text(f"status {written}") == ShowStatus(12, written)
    assert parse_escalate_text(f"STATUS {written}").ref == "ESC-12"


@pytest.mark.parametrize("written", ["ESC-0", "0", "#" + "9" * 19, "9" * 5000])
def test_ids_that_cannot_exist_are_looked_up_as_missing_not_refused(written):
    request = parse_escalate_text(f"status {written}")
    assert isinstance(request, ShowStatus) and request.number is None


@pytest.mark.parametrize("written", ["ESC-abc", "ESC-", "esc", "#x", "12b", "esc-12-3", "#"])
def test_a_word_that_starts_like_an_id_but_is_not_one_is_malformed(written):
    assert parse_escalate_text(f"status {written}") == MalformedId(written)


@pytest.mark.parametrize(
    "text",
    [
        "Status page is down",
        "status outage",  # one word after status, but nothing like an id
        "status escalation",  # starts with 'esc' yet reads as a word
        "status 404 on checkout page",  # an id-like word followed by more words
        "status ESC-12 please",
        "mine is broken",
        "help me",
        "Checkout",
        "list view is empty for admins",
        "show 12 rows instead of 20",
    ],
)
def test_anything_else_is_summary_text(text):
    assert parse_escalate_text(text) == OpenForm(text)


@given(st.text(max_size=300))
def test_any_text_is_understood_somehow(text):
    request = parse_escalate_text(text)
    if isinstance(request, OpenForm) and request.summary is not None:
        assert request.summary == text.strip()
