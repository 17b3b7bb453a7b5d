"""The sanitiser of console and CI-log text: values stay on their line, controls and
invisible characters are shown, and report content never starts a workflow command."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from qualitygates.model import CheckResult, Finding, Measurement, Severity, Status, Unit
from qualitygates.sanitise import (
    COMMAND_PREFIX,
    LINE_BREAK,
    clean_value,
    for_log,
    map_strings,
    visible,
)

_SHOWN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ud800-\udfff\ufeff]"
)


def _shown(char: str) -> bool:
    return char != "\n" and unicodedata.category(char) in _SHOWN_CATEGORIES


def test_every_control_and_invisible_character_is_shown_and_nothing_else_changes() -> None:
    shown = "".join(chr(c) for c in range(sys.maxunicode + 1) if _shown(chr(c)))
    assert set(shown) >= set(_BIDI) | {"\x1b", "\x07", "\x7f", "\x85", "\x9b"}
    for cleaned in (clean_value(shown), for_log(shown)):
        assert not any(_shown(char) for char in cleaned)
    kept = "".join(  # unassigned code points beside format characters may be shown too
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) not in _SHOWN_CATEGORIES | {"Cn"} and chr(c) not in "#:"
    )
    assert clean_value(kept) == kept
    assert for_log(kept) == kept


def test_a_control_is_shown_by_its_code() -> None:
    assert (
        clean_value("a\x1b[31mb\x07\u202ec\U000e0041") == "a\\u001b[31mb\\u0007\\u202ec\\U000e0041"
    )
    assert visible("\x00") == "\\u0000"
    assert clean_value("a\tb") == "a b"
    assert clean_value("lone \ud800 surrogate") == "lone \\ud800 surrogate"


def test_a_value_never_starts_a_line() -> None:
    assert clean_value("a\nb\r\nc\rd") == f"a{LINE_BREAK}b{LINE_BREAK}c{LINE_BREAK}d"
    assert clean_value("a\u2028b\x85c\x0bd") == "a\\u2028b\\u0085c\\u000bd"
    assert clean_value("a\r\nb\n", keep_newlines=True) == "a\r\nb\n"


def test_a_line_that_would_start_a_github_command_gets_a_prefix() -> None:
    for line in (
        "::add-mask::secret",
        "   ::error::x",
        "\u00a0\u3000::error::x",  # .NET trims Unicode white space before it looks
        "\u034f::error::x",  # a culture-aware comparison ignores the grapheme joiner
        ":\ufe0f:stop-commands::t",
    ):
        assert for_log(line) == COMMAND_PREFIX + line, line
    assert for_log("x\n::error::y") == f"x\n{COMMAND_PREFIX}::error::y"
    assert for_log("a :: b ::c") == "a :: b ::c"


def test_inline_v1_and_azure_commands_are_broken_wherever_they_are() -> None:
    assert for_log("x ##[error]y") == "x ## [error]y"
    assert for_log("x ##vso[task.setvariable]y") == "x ##vso [task.setvariable]y"
    assert for_log("##VSO[task.complete]") == "##VSO [task.complete]"
    assert for_log("###[a]") == "### [a]"
    assert for_log("#\u034f#[add-mask]s") == "#\u034f# [add-mask]s"
    assert for_log("# [x] and ## headings") == "# [x] and ## headings"


def test_our_own_command_may_start_the_first_line_only() -> None:
    ours = "::error file=a.py::message"
    assert for_log(ours, commands=True) == ours
    assert for_log(f"{ours}\n::add-mask::x", commands=True) == f"{ours}\n> ::add-mask::x"
    assert for_log("::error::x ##[add-mask]y", commands=True) == "::error::x ## [add-mask]y"


def test_colour_keeps_only_colour_sequences() -> None:
    text = "\x1b[31mFAIL \x1b[0m \x1b]8;;http://evil\x07 \x1b[2J"
    assert (
        for_log(text, colour=True)
        == "\x1b[31mFAIL \x1b[0m \\u001b]8;;http://evil\\u0007 \\u001b[2J"
    )
    assert "\x1b" not in for_log(text)


def test_line_endings_and_carriage_returns() -> None:
    assert for_log("a\r\nb\rc") == "a\nb\\u000dc"  # a lone CR would overwrite the line


def test_map_strings_reaches_every_string_and_leaves_enums() -> None:
    check = CheckResult(
        "c",
        "fake",
        Status.FAILED,
        True,
        error="e",
        metrics={"k": Measurement("v", Unit.TEXT), "n": Measurement(1.0, Unit.COUNT)},
        findings=(Finding("i", "t", Severity.HIGH, "m"),),
        sources=("s",),
    )
    mapped = map_strings(check, str.upper)
    assert (mapped.id, mapped.error, mapped.sources) == ("C", "E", ("S",))
    assert mapped.metrics == {"K": Measurement("V", Unit.TEXT), "N": Measurement(1.0, Unit.COUNT)}
    assert mapped.findings[0].message == "M" and mapped.findings[0].severity is Severity.HIGH
    assert mapped.status is Status.FAILED


@given(st.text())
def test_any_value_in_any_line_is_safe(value: str) -> None:
    for text in (for_log(f"  - {clean_value(value)}"), for_log(value)):
        assert not _UNSAFE.search(text)
        for line in text.split("\n"):
            assert not re.search(r"##(vso)?\[", line, re.IGNORECASE)
            assert not line.lstrip().startswith("::")
    assert "\n" not in clean_value(value)
    assert clean_value(clean_value(value)) == clean_value(value)
