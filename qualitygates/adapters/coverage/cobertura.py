"""Cobertura XML, from any generator: coverage.py, gcovr, istanbul/c8, coverlet, Cobertura.

Counted from the `<line>` elements, never from the `lines-valid`/`branches-covered`
attributes, which generators often get wrong or leave out. A line listed twice (in a
`<method>` and in its `<class>`, or twice in one class) counts once. Its branches come
from `condition-coverage="50% (1/2)"`; a `branch="true"` line without that attribute
says nothing about how many branches it has, so it counts as a line only.

Functions come from `<method>` elements, where the generator writes them (istanbul/c8,
coverlet, Cobertura; coverage.py and gcovr write none, and such a report counts no
functions). A method ran when its `hits` (istanbul) is positive; without `hits`, when any of
its lines ran (coverlet, Cobertura), or, with no lines either, when its `line-rate` is.
Its first line and its name (not the signature, so that c8's LCOV and Cobertura of one run
name a function alike) identify it. gcovr's methods are not read: whether gcovr counts a
function as called comes from gcov's call counts, which its Cobertura does not hold (a
called destructor's lines may show no hits), so its LCOV or JSON has to be given instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from itertools import compress, repeat
from operator import is_not
from pathlib import Path

from qualitygates.adapters._times import epoch_time
from qualitygates.adapters._xml import BadReport, hardened_parser, iter_xml
from qualitygates.adapters._xmlpatterns import VALUE_CHARS, distinct_attributes
from qualitygates.adapters._xmlskim import Columns, Skim, skim_parse
from qualitygates.adapters.coverage.store import Branches, LineStore, merge_branches

#: `condition-coverage` if the pattern has taken one before the other attributes (group 3).
_TAKEN = rb"(?(3)condition-coverage|(?!))"
#: The `<line>` every generator writes for almost every line, read in bulk (see `_xmlskim`):
#: `number` and `hits` first, as plain decimals, then up to three more attributes without
#: entity references, no name twice.
_LINE = re.compile(
    rb'<line number="(\d{1,18}+)" hits="(0|[1-9]\d{0,17}+)"'
    rb'(?: branch="[a-z]++"(?: condition-coverage="(' + VALUE_CHARS + rb'*+)")?+)?+'
    rb"(" + distinct_attributes(3, (b"number", b"hits", b"branch"), _TAKEN) + rb") ?+/>"
)
_CONDITION = re.compile(rb' condition-coverage="([^"]*)"')
_ZERO = b"0"
_MAX_KNOWN = 4096
#: Bulk reading stops at these tags, so that a method's lines are taken while it is open.
_CUTS = (b"<class", b"<method", b"</method")


def read_cobertura(path: Path, store: LineStore) -> datetime | None:
    """Add a Cobertura report's lines to `store`; return its timestamp, if any."""
    reader = _Reader(store)
    parser = hardened_parser(ordered=True)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    skim_parse(path, parser, Skim(_LINE, reader.take, cuts=_CUTS))
    reader.finish_file()
    return reader.stamp


class _Reader:
    """Follows the open `<class>` (one source file) and collects its lines.

    The usual `<line>`s arrive in bulk through `take`, as columns of bytes, and are kept as
    sets until the file's class ends; any other `<line>` arrives through `start`.
    """

    def __init__(self, store: LineStore) -> None:
        self.store = store
        self.filename: str | None = None
        self.measured: set[int] = set()
        self.covered: set[int] = set()
        self.stamp: datetime | None = None
        self.conditions: dict[bytes, Branches] = {}  # `50% (1/2)`: a report repeats a few
        self.method: _Method | None = None
        self.reads_methods = True
        self.methods: list[tuple[int, str, bool]] = []  # the class's: first line, name, ran

    def start(self, tag: str, attrs: list[str]) -> None:
        if tag == "line":
            lines = None if self.filename is None else self.store.file_lines(self.filename)
            number, ran = _add_line(lines, self.store, self.filename or "", attrs)
            if self.method is not None:
                self.method.saw(number, ran)
        elif tag == "method":
            if self.filename is None:
                raise BadReport("<method> outside a <class>: this is not a Cobertura report")
            self.method = _Method(attrs) if self.reads_methods else None
        elif tag == "class":
            self.finish_file()
            # coverlet writes filename="" for code without a source file: still lines.
            self.filename = _attribute(attrs, "filename") or ""
        elif tag == "coverage":
            self.stamp = epoch_time(_attribute(attrs, "timestamp"))
            self.reads_methods = not (_attribute(attrs, "version") or "").startswith("gcovr")

    def take(self, columns: Columns) -> None:
        """The usual `<line>`s of a stretch of the report: numbers, hits and branches."""
        if self.filename is None:
            raise BadReport("<line> outside a <class>: this is not a Cobertura report")
        numbers, hits, conditions, rest = columns
        lines = list(map(int, numbers))  # type: ignore[arg-type]
        self.measured.update(lines)
        ran = list(compress(lines, map(_ZERO.__ne__, hits)))
        self.covered.update(ran)
        if self.method is not None:
            self.method.saw(min(lines), bool(ran))
        if conditions.count(None) != len(conditions):
            present = compress(range(len(lines)), map(is_not, conditions, repeat(None)))
            self._take_branches((lines[i], conditions[i] or b"") for i in present)
        if rest.count(b"") != len(rest):  # other attributes, maybe condition-coverage
            found = (
                (i, _CONDITION.search(rest[i] or b"")) for i in compress(range(len(lines)), rest)
            )
            self._take_branches((lines[i], match.group(1)) for i, match in found if match)

    def _take_branches(self, texts: Iterable[tuple[int, bytes]]) -> None:
        """Lines and their `condition-coverage` text (`50% (1/2)`), into the file's branches."""
        branches = self.store.file_branches(self.filename or "")
        known = self.conditions
        for line, text in texts:
            pair = known.get(text)
            if pair is None:
                pair = _condition(text.decode())
                if len(known) < _MAX_KNOWN:
                    known[text] = pair
            merge_branches(branches, line, *pair)

    def end(self, tag: str) -> None:
        if tag == "method" and self.method is not None:
            self.methods.append(self.method.function())
            self.method = None

    def finish_file(self) -> None:
        """Pack the lines (and add the methods) of the class that just ended into the store."""
        if self.filename is None:
            return
        if self.methods:
            self.store.functions.add(self.filename, self.methods)
            self.methods = []
        if self.measured:
            self.store.add_lines(self.filename, self.measured, self.covered)
            self.measured, self.covered = set(), set()
        else:
            self.store.add_file(self.filename)  # a class without lines still counts
        self.store.pack(self.filename)


class _Method:
    """An open `<method>`: its name, its own `hits` or `line-rate`, and its lines so far."""

    def __init__(self, flat: list[str]) -> None:
        self.name = _attribute(flat, "name") or ""
        self.hits = _attribute(flat, "hits")
        self.line_rate = _attribute(flat, "line-rate")
        self.first: int | None = None
        self.any_ran = False

    def saw(self, first: int, ran: bool) -> None:
        """Some of its lines: the first of them, and whether any ran."""
        self.first = first if self.first is None else min(self.first, first)
        self.any_ran = self.any_ran or ran

    def function(self) -> tuple[int, str, bool]:
        if self.hits is not None:
            ran = _ran(self.hits)
        elif self.first is not None:
            ran = self.any_ran
        else:
            ran = self.line_rate is not None and _rate(self.line_rate) > 0
        return self.first or 0, self.name, ran


def _add_line(
    lines: dict[int, int] | None, store: LineStore, filename: str, flat: list[str]
) -> tuple[int, bool]:
    """Any other <line>: attributes in another order or missing, or outside a <class>;
    its number, and whether it ran."""
    if lines is None:
        raise BadReport("<line> outside a <class>: this is not a Cobertura report")
    attrs = dict(zip(flat[::2], flat[1::2], strict=True))
    try:
        number = int(attrs["number"])
        hits = attrs["hits"]
    except (KeyError, ValueError):
        raise BadReport("<line> needs an integer 'number' and a 'hits'") from None
    ran = _ran(hits)
    if ran:
        lines[number] = 1
    elif number not in lines:
        lines[number] = 0
    condition = attrs.get("condition-coverage")
    if condition is not None:
        taken, total = _condition(condition)
        merge_branches(store.file_branches(filename), number, taken, total)
    return number, ran


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


def _rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadReport(f"<method> has line-rate={text!r}, which is not a number") from None


def _positive(hits: str) -> bool:
    """A hit count that is not a plain integer: `1.0`, `-1`; anything else is an error."""
    try:
        return float(hits) > 0
    except ValueError:
        raise BadReport(f"<line> has hits={hits!r}, which is not a number") from None


def _condition(text: str) -> Branches:
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
