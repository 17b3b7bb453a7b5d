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
from qualitygates.adapters.coverage.store import LineStore, merge_branches
from qualitygates.adapters.coverage.timestamps import from_epoch


def read_cobertura(path: Path, store: LineStore) -> datetime | None:
    """Add a Cobertura report's lines to `store`; return its timestamp, if any."""
    lines: dict[int, int] | None = None
    filename = ""
    stamp: list[datetime | None] = [None]

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal lines, filename
        if tag == "line":
            if lines is None:
                raise BadReport("<line> outside a <class>: this is not a Cobertura report")
            try:
                number = int(attrs["number"])
                hits = attrs["hits"]
            except (KeyError, ValueError):
                raise BadReport("<line> needs an integer 'number' and a 'hits'") from None
            # Plain integers first: this runs once per line of a possibly huge report.
            ran = hits[0] != "0" or hits.strip("0") != "" if hits.isdigit() else _positive(hits)
            if ran:
                lines[number] = 1
            elif number not in lines:
                lines[number] = 0
            condition = attrs.get("condition-coverage")
            if condition is not None:
                taken, total = _condition(condition)
                merge_branches(store.file_branches(filename), number, taken, total)
        elif tag == "class":
            # coverlet writes filename="" for code without a source file: still lines.
            filename = attrs.get("filename", "")
            lines = store.file_lines(filename)
        elif tag == "coverage":
            stamp[0] = from_epoch(attrs.get("timestamp"))

    parse_xml(path, start)
    return stamp[0]


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


def _condition(text: str) -> tuple[int, int]:
    """`50% (1/2)` -> (1, 2)."""
    _, _, counts = text.partition("(")
    covered, _, total = counts.rstrip(") ").partition("/")
    try:
        pair = int(covered), int(total)
    except ValueError:
        raise BadReport(f"condition-coverage={text!r} is not like '50% (1/2)'") from None
    if not 0 <= pair[0] <= pair[1]:
        raise BadReport(f"condition-coverage={text!r} covers more branches than it has")
    return pair
