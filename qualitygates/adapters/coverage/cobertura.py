"""Cobertura XML, from any generator: coverage.py, gcovr, istanbul/c8, coverlet, Cobertura.

Counted from the `<line>` elements, never from the `lines-valid`/`branches-covered`
attributes, which generators often get wrong or leave out. A line listed twice (in a
`<method>` and in its `<class>`, or twice in one class) counts once. Its branches come
from `condition-coverage="50% (1/2)"`; a `branch="true"` line without that attribute
says nothing about how many branches it has, so it counts as a line only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qualitygates.adapters._xml import BadReport, iter_xml, parse_xml
from qualitygates.adapters.coverage.store import Branches, LineStore, better, merge_branches
from qualitygates.adapters.coverage.timestamps import from_epoch


def read_cobertura(path: Path, store: LineStore) -> datetime | None:
    """Add a Cobertura report's lines to `store`; return its timestamp, if any."""
    lines: dict[int, int] | None = None
    branches: dict[int, Branches] | None = None  # the <class>'s, made at its first branch
    filename = ""
    stamp: list[datetime | None] = [None]
    numbers: dict[str, int] = {}
    conditions: dict[str, Branches] = {}

    # This runs once per element of a possibly huge report (millions of <line>s), so the
    # usual <line number=".." hits=".." ...> is read straight from the flat attribute list,
    # with the few distinct line numbers converted once; anything else goes the long way.
    def start(tag: str, attrs: list[str]) -> None:
        nonlocal lines, branches, filename
        if tag == "line":
            if lines is None or len(attrs) < 4 or attrs[0] != "number" or attrs[2] != "hits":
                _add_line(lines, store, filename, attrs)
                return
            number = numbers.get(attrs[1])
            if number is None:
                number = _number(attrs[1], numbers)
            hits = attrs[3]
            if hits == "1" or (hits != "0" and _ran(hits)):
                lines[number] = 1
            elif number not in lines:
                lines[number] = 0
            if len(attrs) == 4:
                return
            # coverage.py and coverlet: branch="true" condition-coverage="50% (1/2)".
            if len(attrs) == 8 and attrs[6] == "condition-coverage":
                text = attrs[7]
                pair = conditions.get(text) or _condition(text, conditions)
            else:
                found = _attribute(attrs, "condition-coverage")
                if found is None:
                    return
                pair = _condition(found, conditions)
            if branches is None:
                branches = store.file_branches(filename)
            old = branches.get(number)
            if old is None or better(pair, old):
                branches[number] = pair
        elif tag == "class":
            # coverlet writes filename="" for code without a source file: still lines.
            filename = _attribute(attrs, "filename") or ""
            lines, branches = store.file_lines(filename), None
        elif tag == "coverage":
            stamp[0] = from_epoch(_attribute(attrs, "timestamp"))

    parse_xml(path, start, ordered=True)
    return stamp[0]


def _add_line(
    lines: dict[int, int] | None, store: LineStore, filename: str, flat: list[str]
) -> None:
    """Any other <line>: attributes in another order or missing, or outside a <class>."""
    if lines is None:
        raise BadReport("<line> outside a <class>: this is not a Cobertura report")
    attrs = dict(zip(flat[::2], flat[1::2], strict=True))
    try:
        number = int(attrs["number"])
        hits = attrs["hits"]
    except (KeyError, ValueError):
        raise BadReport("<line> needs an integer 'number' and a 'hits'") from None
    if _ran(hits):
        lines[number] = 1
    elif number not in lines:
        lines[number] = 0
    condition = attrs.get("condition-coverage")
    if condition is not None:
        taken, total = _condition(condition, {})
        merge_branches(store.file_branches(filename), number, taken, total)


#: Line numbers kept converted (a report's files share most of them); bounds the memory.
_MAX_NUMBERS = 1 << 14


def _number(text: str, known: dict[str, int]) -> int:
    try:
        number = int(text)
    except ValueError:
        raise BadReport("<line> needs an integer 'number' and a 'hits'") from None
    if len(known) < _MAX_NUMBERS:
        known[text] = number
    return number


def _attribute(attrs: list[str], name: str) -> str | None:
    """The value of `name` in a flat `[name, value, ...]` attribute list."""
    for index in range(0, len(attrs), 2):
        if attrs[index] == name:
            return attrs[index + 1]
    return None


def _ran(hits: str) -> bool:
    """Whether a hit count is positive: plain integers first, then `1.0` or `-1`."""
    if hits.isdigit():
        return hits[0] != "0" or hits.strip("0") != ""
    return _positive(hits)


def cobertura_sources(path: Path) -> list[str]:
    """The `<source>` folders a Cobertura report's file names are relative to (maybe none)."""
    sources: list[str] = []
    events = iter_xml(path, frozenset({"source"}))
    try:
        for event, tag, payload in events:
            if event == "end" and tag == "source" and isinstance(payload, str):
                if payload.strip():
                    sources.append(payload.strip())
            elif event == "start" and tag == "packages":
                break  # <sources> comes first: the rest of a large report is not read
    finally:
        events.close()  # type: ignore[attr-defined]
    return sources


def _positive(hits: str) -> bool:
    """A hit count that is not a plain integer: `1.0`, `-1`; anything else is an error."""
    try:
        return float(hits) > 0
    except ValueError:
        raise BadReport(f"<line> has hits={hits!r}, which is not a number") from None


def _condition(text: str, known: dict[str, Branches]) -> Branches:
    """`50% (1/2)` -> (1, 2), remembered in `known` (reports repeat a few such texts)."""
    _, _, counts = text.partition("(")
    covered, _, total = counts.rstrip(") ").partition("/")
    try:
        pair = int(covered), int(total)
    except ValueError:
        raise BadReport(f"condition-coverage={text!r} is not like '50% (1/2)'") from None
    if not 0 <= pair[0] <= pair[1]:
        raise BadReport(f"condition-coverage={text!r} covers more branches than it has")
    if len(known) < _MAX_NUMBERS:
        known[text] = pair
    return pair
