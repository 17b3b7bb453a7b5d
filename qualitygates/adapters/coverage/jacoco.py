"""JaCoCo XML (and the JaCoCo-format reports of Pester, gcovr, Kover, ...).

Counted from the `<line nr mi ci mb cb>` elements of each `<sourcefile>`, as JaCoCo's own
LINE and BRANCH counters are: a line with instructions is valid, and covered when at least
one of them ran (`ci > 0`); its branches are `mb + cb`, of which `cb` are covered. A file
is named `group/…/package/sourcefile`. gcovr writes lines without any instruction counts;
such a file is taken from its own `<counter type="LINE">`/`"BRANCH"` totals instead.
Functions are the `<method>`s of each `<class>`, as JaCoCo's METHOD counter counts them: one
ran when its own METHOD counter says covered. They belong to the class's `sourcefilename`,
and are known by their class, name and descriptor.
JaCoCo's own `<line nr mi ci mb cb/>` is read in bulk (`_xmlskim`); any other shape of
`<line>` through the handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress
from pathlib import Path

from qualitygates.adapters._times import epoch_time
from qualitygates.adapters._xml import BadReport, hardened_parser
from qualitygates.adapters._xmlskim import Columns, Skim, skim_parse
from qualitygates.adapters.coverage.store import FileCounts, LineStore, merge_branches

_LINE_ATTRS = ("nr", "mi", "ci", "mb", "cb")
#: JaCoCo's own `<line>`, counts in plain decimals (so that a zero is always `0`).
_LINE = re.compile(
    rb'<line nr="(\d{1,18}+)" mi="(0|[1-9]\d{0,17}+)" ci="(0|[1-9]\d{0,17}+)"'
    rb' mb="(0|[1-9]\d{0,17}+)" cb="(0|[1-9]\d{0,17}+)" ?/>'
)
_ZERO = b"0"


@dataclass
class _JacocoReader:
    """Expat callbacks; a source file's lines are held until its end tag decides their use."""

    store: LineStore
    groups: list[str] = field(default_factory=list)
    package: str | None = None
    source: str | None = None
    measured: set[int] = field(default_factory=set)  # lines with instructions
    covered: set[int] = field(default_factory=set)  # lines with one that ran
    branches: list[tuple[int, int, int]] = field(default_factory=list)  # line, covered, all
    has_lines: bool = False
    has_instructions: bool = False
    counters: dict[str, tuple[int, int]] = field(default_factory=dict)
    started: int = 0
    klass: str | None = None  # the open <class>'s source file
    class_name: str = ""
    method: tuple[int, str] | None = None  # the open <method>: line, class, name, descriptor
    methods: list[tuple[int, str, bool]] = field(default_factory=list)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "line":
            self._line(attrs)
        elif tag == "counter":
            if self.source is not None:
                self.counters[attrs.get("type", "")] = _counter(attrs)
            elif self.method is not None and attrs.get("type") == "METHOD":
                self.methods.append((*self.method, _counter(attrs)[1] > 0))
        elif tag == "method":
            if self.klass is None:
                raise BadReport("<method> outside a <class>: this is not a JaCoCo report")
            line = _int(attrs.get("line") or "0", "line")
            # The class too: a file's inner and lambda classes repeat `<init>` on one line.
            named = f"{self.class_name}.{attrs.get('name', '')}{attrs.get('desc', '')}"
            self.method = line, named
        elif tag == "class":
            if self.package is None:
                raise BadReport("<class> outside a <package>: this is not a JaCoCo report")
            source, self.class_name = attrs.get("sourcefilename"), attrs.get("name", "")
            # Without a source file, the class's own name (its package's path already).
            path = [self.package, source] if source else [attrs.get("name", "")]
            self.klass = "/".join([*self.groups, *path]).lstrip("/")
        elif tag == "sourcefile":
            if self.package is None:
                raise BadReport("<sourcefile> outside a <package>: this is not a JaCoCo report")
            self.source = "/".join([*self.groups, self.package, attrs.get("name", "")]).lstrip("/")
            self.measured, self.covered, self.branches = set(), set(), []
            self.counters.clear()
            self.has_lines = self.has_instructions = False
        elif tag == "package":
            self.package = attrs.get("name", "")
        elif tag == "group":
            self.groups.append(attrs.get("name", ""))
        elif tag == "sessioninfo":
            self.started = max(self.started, _int(attrs.get("start") or "0", "start"))

    def end(self, tag: str) -> None:
        if tag == "sourcefile" and self.source is not None:
            self._flush(self.source)
            self.source = None
        elif tag == "method":
            self.method = None
        elif tag == "class" and self.klass is not None:
            if self.methods:  # a report without methods (gcovr's) counts no functions
                self.store.functions.add(self.klass, self.methods)
            self.klass, self.methods = None, []
        elif tag == "package":
            self.package = None
        elif tag == "group":
            self.groups.pop()

    def take(self, columns: Columns) -> None:
        """JaCoCo's own `<line>`s of a stretch of a source file, read in bulk."""
        if self.source is None:
            raise BadReport("<line> outside a <sourcefile>: this is not a JaCoCo report")
        self.has_lines = self.has_instructions = True
        nr, mi, ci, mb, cb = columns
        lines = list(map(int, nr))  # type: ignore[arg-type]
        self.covered.update(compress(lines, map(_ZERO.__ne__, ci)))
        self.measured.update(compress(lines, map(_ZERO.__ne__, mi)))
        if mb.count(_ZERO) != len(mb) or cb.count(_ZERO) != len(cb):
            indexes = range(len(lines))
            with_branches = set(compress(indexes, map(_ZERO.__ne__, mb)))
            with_branches.update(compress(indexes, map(_ZERO.__ne__, cb)))
            for index in sorted(with_branches):
                missed, covered = int(mb[index] or 0), int(cb[index] or 0)
                self.branches.append((lines[index], covered, missed + covered))

    def _line(self, attrs: dict[str, str]) -> None:
        if self.source is None:
            raise BadReport("<line> outside a <sourcefile>: this is not a JaCoCo report")
        if "nr" not in attrs:
            raise BadReport("<line> without 'nr'")
        self.has_lines = True
        if "mi" in attrs or "ci" in attrs:
            self.has_instructions = True
        number, missed, covered, missed_branches, covered_branches = (
            _int(attrs.get(name) or "0", name) for name in _LINE_ATTRS
        )
        if covered:
            self.covered.add(number)
        elif missed:
            self.measured.add(number)
        if missed_branches or covered_branches:
            total = missed_branches + covered_branches
            self.branches.append((number, covered_branches, total))

    def _flush(self, name: str) -> None:
        if not self.has_instructions and self.has_lines:
            self._flush_counters(name)
            return
        self.store.add_lines(name, self.measured | self.covered, self.covered)
        branches = self.store.file_branches(name)
        for number, covered, total in self.branches:
            merge_branches(branches, number, covered, total)
        self.store.pack(name)

    def _flush_counters(self, name: str) -> None:
        if "LINE" not in self.counters:
            raise BadReport(f"{name}: lines without instruction counts and no LINE counter")
        missed, covered = self.counters["LINE"]
        branch_missed, branch_covered = self.counters.get("BRANCH", (0, 0))
        counts = FileCounts(
            covered, missed + covered, branch_covered, branch_missed + branch_covered
        )
        self.store.add_counts(name, counts)


def _int(raw: str, name: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadReport(f"{name}={raw!r} is not a whole number") from None
    if value < 0:
        raise BadReport(f"{name}={raw!r} is negative")
    return value


def _counter(attrs: dict[str, str]) -> tuple[int, int]:
    return _int(attrs.get("missed") or "0", "missed"), _int(attrs.get("covered") or "0", "covered")


def read_jacoco(path: Path, store: LineStore) -> datetime | None:
    """Add a JaCoCo report's lines to `store`; return its latest session start, if any."""
    reader = _JacocoReader(store)
    parser = hardened_parser()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    skim_parse(path, parser, Skim(_LINE, reader.take, cuts=(b"<sourcefile", b"</sourcefile")))
    return epoch_time(str(reader.started)) if reader.started else None
