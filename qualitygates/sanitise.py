"""Text for a console or a CI log: report content can neither steer the terminal nor the CI.

Every report may come from a hostile pull request, and a CI runner reads its log for
commands: GitHub Actions runs a line that starts (after whitespace) with `::` and any
line holding `##[`; Azure Pipelines runs any line holding `##vso[`. A terminal obeys
escape sequences; bidi and other invisible characters make a line read unlike its bytes.

Two levels, both applied by the CLI where it writes, never by adapters:

- `clean_value` makes one value from a report (a test name, a path, a message) safe to
  embed in a line: its line breaks become `⏎`, so it can never start a line of its own.
- `for_log` makes a whole text safe to write: a line that would start a workflow command
  gets the prefix `> `, and `##[` / `##vso[` anywhere become `## [` / `##vso [`.

Both make every control and invisible character visible instead of dropping it, so a
reviewer sees what a report tried: C0 and C1 controls, DEL, ESC (so no ANSI or OSC
sequence survives), the bidi controls, zero-width and other format characters, line and
paragraph separators and lone surrogates become `\\uXXXX` (`\\UXXXXXXXX` above U+FFFF);
a tab becomes a space. Only `\\n` stays a line break, and `for_log(colour=True)` keeps
colour sequences (`ESC[...m`) because the console reporter's own labels use them.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from qualitygates.model import RunResult

LINE_BREAK = "\u23ce"  # ⏎: a line break inside one value
COMMAND_PREFIX = "> "
T = TypeVar("T")

# Unicode categories Cc, Cf, Cs, Zl and Zp except the line feed (a test pins this list to
# `unicodedata`), with room for format characters newer Unicode versions add in the same
# blocks. The line feed is handled apart: it is the only line break a log may see.
_INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Characters a culture-aware comparison ignores (the runners are .NET): around the
# characters of a command they must not hide it. The invisible ones are escaped already.
_IGNORABLE_CHARS = "\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
_IGNORABLE = f"[{_IGNORABLE_CHARS}]*"
_LINE_COMMAND = re.compile(rf"^[\s{_IGNORABLE_CHARS}]*:{_IGNORABLE}:")
_INLINE_COMMAND = re.compile(
    rf"(#{_IGNORABLE}#{_IGNORABLE}(?:v{_IGNORABLE}s{_IGNORABLE}o{_IGNORABLE})?)\[",
    re.IGNORECASE,
)


def visible(char: str) -> str:
    """A control or invisible character as the text that names it: `\\u202e`."""
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _show(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char == "\t" else visible(char)


def clean_value(text: str, keep_newlines: bool = False) -> str:
    """One value from a report, safe inside a line: breaks become `⏎`, controls visible.

    With `keep_newlines` (for formats that escape line breaks themselves, such as
    workflow-command data) CR and LF are left for that format to escape.
    """
    if keep_newlines:
        return _INVISIBLE.sub(_show_but_cr, text)
    return _INVISIBLE.sub(_show, _NEWLINES.sub(LINE_BREAK, text))


def _show_but_cr(match: re.Match[str]) -> str:
    return "\r" if match.group() == "\r" else _show(match)


def for_log(text: str, *, commands: bool = False, colour: bool = False) -> str:
    """A whole text as it may be written to a console or a CI log.

    `commands` allows the first line to be a workflow command (the annotations we write
    ourselves); `colour` keeps `ESC[...m` colour sequences.
    """
    text = text.replace("\r\n", "\n")
    text = _escape_keeping_colour(text) if colour else _INVISIBLE.sub(_show, text)
    lines = text.split("\n")
    return "\n".join(
        _guard_line(line, allow_command=commands and number == 0)
        for number, line in enumerate(lines)
    )


def _escape_keeping_colour(text: str) -> str:
    parts: list[str] = []
    start = 0
    for match in _COLOUR.finditer(text):
        parts.append(_INVISIBLE.sub(_show, text[start : match.start()]))
        parts.append(match.group())
        start = match.end()
    parts.append(_INVISIBLE.sub(_show, text[start:]))
    return "".join(parts)


def _guard_line(line: str, allow_command: bool) -> str:
    line = _INLINE_COMMAND.sub(r"\1 [", line)
    if not allow_command and _LINE_COMMAND.match(line):
        return COMMAND_PREFIX + line
    return line


def map_strings(value: T, change: Callable[[str], str]) -> T:
    """`value` with `change` applied to every string in it: dataclass fields, tuples,
    lists and mappings (keys too), recursively. Enums (even `str` ones) stay as they are."""
    mapped: T = _map(value, change)
    return mapped


def _map(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return change(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _map(getattr(value, f.name), change)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **fields)
    if isinstance(value, (tuple, list)):
        items = [_map(item, change) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, Mapping):
        return {_map(k, change): _map(v, change) for k, v in value.items()}
    return value


def clean_result(result: RunResult, keep_newlines: bool = False) -> RunResult:
    """`result` with every string cleaned by `clean_value`, ready for a console renderer."""
    return map_strings(result, lambda text: clean_value(text, keep_newlines))
