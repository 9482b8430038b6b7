"""Validation of an escalation draft: pure rules, no Slack, no SQL, no I/O.

``validate_draft`` turns an untrusted ``EscalationDraft`` into ``EscalationFields`` or raises
``InvalidEscalation`` carrying one plain-words message per offending input, keyed by ``Field``
(which is also the modal input's block_id, so the errors can go straight back to the modal).

``find_sensitive_data`` spots raw customer data (email addresses, phone numbers, payment card
numbers). Every scanner in this module runs in linear time on hostile input: there are no
regexes with nested or overlapping quantifiers; the regexes used either have a single
quantifier over a character class or only bounded quantifiers (constant work per position), and
the email scan walks outwards from each ``@`` with plain loops that stop at the next ``@``.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from slack_app.domain import FIELD_SPECS, EscalationDraft, EscalationFields, Severity
from slack_app.ids import Field

SensitiveKind = Literal["email address", "phone number", "payment card number"]


class InvalidEscalation(Exception):
    """A draft that cannot become an escalation; ``errors`` has one message per bad input."""

    def __init__(self, errors: dict[Field, str]) -> None:
        self.errors: dict[Field, str] = dict(errors)
        super().__init__("; ".join(f"{field.value}: {message}" for field, message in self.errors.items()))


@dataclass(frozen=True)
class SensitiveMatch:
    """Where ``text[start:end]`` looks like raw customer data."""

    kind: SensitiveKind
    start: int
    end: int


# --------------------------------------------------------------------------------------------
# Messages (what the person reads under the input)
# --------------------------------------------------------------------------------------------

SEVERITY_MESSAGE = "Pick a severity: " + ", ".join(s.label for s in list(Severity)[:-1]) + (
    f" or {list(Severity)[-1].label}"
)
VAGUE_MESSAGE = (
    "\"{word}\" is fine, but say how you tried to verify it: "
    "e.g. \"unknown - checked the error logs for that route, nothing\""
)
NO_EVIDENCE_LINK_MESSAGE = (
    "Add a link to the moment it fails (session replay, log line), e.g. https://…, "
    "or write \"unknown\" and how you checked"
)
TICKET_URL_MESSAGE = (
    "Paste just one link to the support ticket, starting with https:// "
    "(e.g. https://support.example.com/tickets/4521), or leave this empty"
)
SENSITIVE_ADVICE = (
    "link to the customer's record or use their account id instead; no raw customer data in Slack"
)
_SHOWN_LINK_MAX = 80


def _too_long_message(limit: int, length: int) -> str:
    return f"Keep this under {limit} characters (it is {length} now)"


def _blank_message(field: Field, value: str) -> str:
    hint = FIELD_SPECS[field].hint
    if value:  # present but only punctuation/symbols
        return f"Write a few words here, not just punctuation. {hint}"
    return f"This is required. {hint}"


def _broken_link_message(link: str, more: int) -> str:
    shown = link if len(link) <= _SHOWN_LINK_MAX else link[: _SHOWN_LINK_MAX - 1] + "…"
    also = f" (and {more} more)" if more else ""
    return (
        f"This link looks broken: {shown}{also}. Check it for a typo or a space inside it, "
        "and paste the full address starting with https://"
    )


# --------------------------------------------------------------------------------------------
# Blank and vague answers
# --------------------------------------------------------------------------------------------

# Bare answers that say nothing about how the person tried to find out. "n/a", "na" and
# "none" are deliberately absent: NA is a region and "none" is a real workaround answer.
# Each phrase is the words it splits into, and how to quote it back.
_VAGUE_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("unknown",), "Unknown"),
    (("unsure",), "Unsure"),
    (("idk",), "Idk"),
    (("dunno",), "Dunno"),
    (("tbd",), "TBD"),
    (("not", "sure"), "Not sure"),
    (("no", "idea"), "No idea"),
    (("don", "t", "know"), "Don't know"),
    (("dont", "know"), "Don't know"),
    (("do", "not", "know"), "Do not know"),
)
_WORD_SPLIT = re.compile(r"[\W_]+")  # single quantifier over a class: linear


def _is_blank(value: str) -> bool:
    return not any(ch.isalnum() for ch in value)


def _vague_phrase(value: str) -> str | None:
    """When ``value`` is only vague words ("unknown", "not sure", ...) and punctuation, the first
    of them as it should be quoted back; otherwise None."""
    words = [w for w in _WORD_SPLIT.split(value.casefold()) if w]
    first: str | None = None
    i = 0
    while i < len(words):
        for phrase, shown in _VAGUE_PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                first = first or shown
                break
        else:
            return None
    return first


def _starts_with_unknown_and_how(value: str) -> bool:
    """Evidence like "unknown - checked the error logs, nothing" (bare "unknown" is caught earlier)."""
    folded = value.casefold()
    if not folded.startswith("unknown"):
        return False
    rest = value[len("unknown") :]
    return bool(rest) and not rest[0].isalnum() and not _is_blank(rest)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------

# A link starts with http:/ or https:/ (so "https:/x.com" is seen, and refused) and runs to
# whitespace or one of <>" . Single quantifier over a character class: linear.
_LINK_RE = re.compile(r"https?:/[^\s<>\"]*", re.IGNORECASE)
_LINK_TRAILING = ".,;:!?)]'"


def _links(text: str) -> list[str]:
    return [m.group().rstrip(_LINK_TRAILING) for m in _LINK_RE.finditer(text)]


def _valid_label(label: str) -> bool:
    return (
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(ch.isalnum() or ch == "-" for ch in label)
    )


def _valid_host(host: str, bracketed: bool) -> bool:
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if host == "localhost":
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return True
    if host.endswith("."):  # a fully qualified name may end in one dot
        host = host[:-1]
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_valid_label(label) for label in labels)
        and not labels[-1].isdigit()  # "1.2.3.999" is neither an IPv4 address nor a name
    )


def is_valid_url(url: str) -> bool:
    """An absolute http(s) URL with a plausible host and, if any, a port in 1-65535."""
    if any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return False
    if port is not None and not 1 <= port <= 65535:
        return False
    host = parts.hostname
    if not host:
        return False
    hostport = parts.netloc.rpartition("@")[2]
    return _valid_host(host, bracketed=hostport.startswith("["))


# --------------------------------------------------------------------------------------------
# Sensitive data
# --------------------------------------------------------------------------------------------

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_EMAIL_LOCAL_CHARS = _ASCII_ALNUM | frozenset("._+-")  # no "%": it would swallow "%40" chains
_EMAIL_DOMAIN_CHARS = _ASCII_ALNUM | frozenset(".-")
# "icon@2x.png" is a file name, not an address: these are never treated as email TLDs.
_FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp heic bmp ico tif tiff pdf txt log json csv tsv xml html htm "
    "js mjs ts css map mp4 webm mov".split()
)


def _email_domain_end(text: str, start: int, stop: int) -> int | None:
    """End of the longest dotted domain in text[start:stop] whose TLD is alphabetic (2+)."""
    best: int | None = None
    label_start = start
    labels = 0
    pos = start
    while pos <= stop:
        if pos == stop or text[pos] == ".":
            label = text[label_start:pos]
            if not _valid_label(label):
                break
            labels += 1
            is_tld = len(label) >= 2 and label.isalpha() and label.casefold() not in _FILE_EXTENSIONS
            if labels >= 2 and is_tld:
                best = pos
            label_start = pos + 1
        pos += 1
    return best


def _find_emails(text: str) -> list[SensitiveMatch]:
    found: list[SensitiveMatch] = []
    n = len(text)
    for marker in ("@", "%40"):
        at = text.find(marker)
        while at != -1:
            # Walk left over local-part characters; the walk stops at the previous "@" or "%".
            left = at
            while left > 0 and text[left - 1] in _EMAIL_LOCAL_CHARS:
                left -= 1
            while left < at and text[left] == ".":
                left += 1
            # Walk right over domain characters; the walk stops at the next "@" or "%".
            dom_start = at + len(marker)
            right = dom_start
            while right < n and text[right] in _EMAIL_DOMAIN_CHARS:
                right += 1
            if left < at and any(ch in _ASCII_ALNUM for ch in text[left:at]):
                end = _email_domain_end(text, dom_start, right)
                if end is not None:
                    found.append(SensitiveMatch("email address", left, end))
            at = text.find(marker, at + 1)
    return found


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _issuer_prefix_ok(digits: str) -> bool:
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    return (
        digits[0] == "4"  # Visa
        or 51 <= two <= 55  # Mastercard
        or 2221 <= four <= 2720  # Mastercard 2-series
        or two in (34, 37)  # Amex
        or four == 6011 or 644 <= three <= 649 or two == 65  # Discover
        or 3528 <= four <= 3589  # JCB
        or 300 <= three <= 305 or two in (36, 38, 39)  # Diners
        or two == 62  # UnionPay
    )


def _is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _issuer_prefix_ok(digits) and _luhn_ok(digits)


_DIGIT_RUN = re.compile(r"[0-9]+")


def _find_cards(text: str) -> list[SensitiveMatch]:
    """Card numbers: 13-19 digits, ungrouped or grouped like "4111 1111 1111 1111"/"3782-822463-10005".

    Digit runs joined by exactly one space or dash form a chain. A card is either one run of
    13-19 digits, or consecutive runs of a chain where the first has 4 digits, middle ones 4-6
    and the last 1-6 (every real card layout). Neither end may touch a letter or digit.
    """
    found: list[SensitiveMatch] = []
    runs = [(m.start(), m.end()) for m in _DIGIT_RUN.finditer(text)]
    n = len(text)

    def touches_alnum(start: int, end: int) -> bool:
        return (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum())

    i = 0
    while i < len(runs):
        j = i  # extend the chain [i, j]
        while j + 1 < len(runs) and runs[j + 1][0] == runs[j][1] + 1 and text[runs[j][1]] in " -":
            j += 1
        chain = runs[i : j + 1]
        k = 0
        while k < len(chain):
            s, e = chain[k]
            width = e - s
            matched_to: int | None = None
            if 13 <= width <= 19 and not touches_alnum(s, e) and _is_card(text[s:e]):
                matched_to = k
            elif width == 4:
                digits = text[s:e]
                for m in range(k + 1, len(chain)):
                    ms, me = chain[m]
                    part = me - ms
                    if not 1 <= part <= 6:
                        break
                    digits += text[ms:me]
                    if len(digits) > 19:
                        break
                    if len(digits) >= 13 and not touches_alnum(s, me) and _is_card(digits):
                        matched_to = m  # keep looking: prefer the longest grouping
                    if part < 4:  # only the last group may be shorter than 4
                        break
            if matched_to is not None:
                found.append(SensitiveMatch("payment card number", s, chain[matched_to][1]))
                k = matched_to + 1
            else:
                k += 1
        i = j + 1
    return found


# North American numbers with separators. Only bounded quantifiers: constant work per position.
_NANP_PLAIN = re.compile(r"[2-9][0-9]{2}([ .-])[2-9][0-9]{2}\1[0-9]{4}")
_NANP_PARENS = re.compile(r"\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[ .-][0-9]{4}")
_PHONE_SEPARATORS = " -.()"


def _clear_left(text: str, start: int) -> bool:
    """Nothing number-like glued to the left of text[start:] (e.g. not "10.415.555.0123")."""
    if start == 0:
        return True
    before = text[start - 1]
    if before.isalnum() or before in "_+":
        return False
    return not (before in ".-/:," and start >= 2 and text[start - 2].isdigit())


def _clear_right(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    after = text[end]
    if after.isalnum() or after in "_%":
        return False
    return not (after in ".-/:," and end + 1 < len(text) and text[end + 1].isdigit())


def _find_nanp_phones(text: str) -> list[SensitiveMatch]:
    found: list[SensitiveMatch] = []
    for pattern in (_NANP_PLAIN, _NANP_PARENS):
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            # Optional country code written before it: "+1 ", "+1-", "+1.", "+1", "1-", "1 ".
            for prefix in ("+1 ", "+1-", "+1.", "+1", "1-", "1 ", "1."):
                if start >= len(prefix) and text.startswith(prefix, start - len(prefix)):
                    if _clear_left(text, start - len(prefix)):
                        start -= len(prefix)
                        break
            if _clear_left(text, start) and _clear_right(text, end):
                found.append(SensitiveMatch("phone number", start, end))
    return found


def _find_international_phones(text: str) -> list[SensitiveMatch]:
    """"+" then 8-15 digits, groups separated by one space, dash, dot or parenthesis.

    Two separator characters in a row are allowed only when one is a parenthesis: "+44 (0)20".
    """
    found: list[SensitiveMatch] = []
    n = len(text)
    plus = text.find("+")
    while plus != -1:
        pos = plus + 1
        if pos < n and text[pos].isascii() and text[pos].isdigit() and _clear_left(text, plus):
            digits = 0
            dots = 0
            last_digit_end = pos
            while pos < n:
                ch = text[pos]
                if "0" <= ch <= "9":
                    digits += 1
                    pos += 1
                    last_digit_end = pos
                    continue
                sep_end = pos
                while sep_end < n and sep_end - pos < 2 and text[sep_end] in _PHONE_SEPARATORS:
                    sep_end += 1
                sep = text[pos:sep_end]
                if not sep or (len(sep) == 2 and "(" not in sep and ")" not in sep):
                    break
                if sep_end < n and "0" <= text[sep_end] <= "9":
                    dots += sep.count(".")
                    pos = sep_end
                    continue
                break
            # Exactly one dot reads as a signed decimal ("+37.7749295"), not a phone number.
            if 8 <= digits <= 15 and dots != 1 and _clear_right(text, last_digit_end):
                found.append(SensitiveMatch("phone number", plus, last_digit_end))
        plus = text.find("+", plus + 1)
    return found


def find_sensitive_data(text: str) -> list[SensitiveMatch]:
    """Email addresses (anywhere, URLs included), phone and card numbers (outside URLs).

    Returned sorted by position, without overlaps (the longer of two overlapping matches wins).
    """
    url_spans = [(m.start(), m.end()) for m in _LINK_RE.finditer(text)]
    url_starts = [s for s, _ in url_spans]

    def inside_url(match: SensitiveMatch) -> bool:
        i = bisect_right(url_starts, match.start) - 1
        if i >= 0 and url_spans[i][1] > match.start:
            return True
        j = i + 1  # a URL starting inside the match
        return j < len(url_spans) and url_spans[j][0] < match.end

    candidates = _find_emails(text) + [
        match
        for match in _find_cards(text) + _find_nanp_phones(text) + _find_international_phones(text)
        if not inside_url(match)
    ]
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[SensitiveMatch] = []
    for match in candidates:
        if kept and match.start < kept[-1].end:
            if match.end - match.start > kept[-1].end - kept[-1].start:
                kept[-1] = match
            continue
        kept.append(match)
    return kept


def _mask(text: str, match: SensitiveMatch) -> str:
    value = text[match.start : match.end]
    if match.kind == "email address":
        return f"{value[0]}…@…"
    digits = "".join(ch for ch in value if "0" <= ch <= "9")
    return "…" + digits[-4:] if match.kind == "payment card number" else "…" + digits[-2:]


def _sensitive_message(text: str, matches: list[SensitiveMatch]) -> str:
    first_of_kind: dict[str, SensitiveMatch] = {}
    for match in matches:
        first_of_kind.setdefault(match.kind, match)
    parts = [f"{_article(kind)} {kind} ({_mask(text, m)})" for kind, m in first_of_kind.items()]
    found = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"This looks like {found}: {SENSITIVE_ADVICE}"


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


# --------------------------------------------------------------------------------------------
# The draft
# --------------------------------------------------------------------------------------------


def _check_text(field: Field, raw: str | None) -> tuple[str | None, str | None]:
    """(stored value, error message) for one text input."""
    spec = FIELD_SPECS[field]
    value = (raw or "").strip()
    # Length first, before any scanning, so a forged huge value is refused at once.
    if len(value) > spec.max_length:
        return None, _too_long_message(spec.max_length, len(value))
    if _is_blank(value):
        return None, (_blank_message(field, value) if spec.required else None)
    vague = None if field is Field.TICKET_URL else _vague_phrase(value)
    if vague is not None:
        message = VAGUE_MESSAGE.format(word=vague)
        if not spec.required:
            message += ", or leave this empty"
        return None, message
    sensitive = find_sensitive_data(value)
    if sensitive:
        return None, _sensitive_message(value, sensitive)
    if field is Field.EVIDENCE:
        links = _links(value)
        broken = [link for link in links if not is_valid_url(link)]
        if broken:
            return None, _broken_link_message(broken[0], len(broken) - 1)
        if not links and not _starts_with_unknown_and_how(value):
            return None, NO_EVIDENCE_LINK_MESSAGE
    if field is Field.TICKET_URL and not (_LINK_RE.fullmatch(value) and is_valid_url(value)):
        return None, TICKET_URL_MESSAGE
    return value, None


def validate_draft(draft: EscalationDraft) -> EscalationFields:
    """Every required fact present, trimmed, within limits and free of raw customer data.

    Raises ``InvalidEscalation`` with every error found, one per input.
    """
    errors: dict[Field, str] = {}
    values: dict[str, object] = {}
    for field in FIELD_SPECS:
        value, error = _check_text(field, getattr(draft, field.value))
        if error is not None:
            errors[field] = error
        values[field.value] = value

    severity = draft.severity
    if severity in {s.value for s in Severity}:
        values[Field.SEVERITY.value] = Severity(severity)
    else:
        errors[Field.SEVERITY] = SEVERITY_MESSAGE

    if errors:
        raise InvalidEscalation(errors)
    return EscalationFields.model_validate(values)
