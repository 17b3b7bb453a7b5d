"""Streams one JUnit XML report into a `Tally`, as cheaply per test case as expat allows.

A report holds up to millions of passing test cases. The usual one, a self-closing
`<testcase .../>` with plain attribute values, is counted in bulk (`_xmlskim`): only its
`time` is read. Any other passing case costs two callbacks and no objects: its attributes
are kept until its end, then counted. Only a case with a verdict element inside becomes a
`Case`, and element text is collected only inside a `<failure>`/`<error>` whose message
attribute is missing: the character-data handler is off everywhere else (whitespace
between elements never reaches Python).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from qualitygates.adapters._xml import MAX_TEXT_CHARS, hardened_parser, local_name
from qualitygates.adapters._xmlpatterns import distinct_attributes
from qualitygates.adapters._xmlskim import Columns, Skim, skim_parse
from qualitygates.adapters.junit.cases import NOTED, Case, Tally
from qualitygates.adapters.junit.values import seconds
from qualitygates.errors import AdapterError

_ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_SUITES = frozenset({"testsuites", "testsuite"})
_TEXT = frozenset({"failure", "error"})
_MAX_NAMES = 4096  # tag -> local name, kept for the few names a report uses
#: A passing test case as every tool writes it: self-closing, up to six attributes (no name
#: twice), values without references.
#: The attributes of a passing test case as the usual tools write them (pytest, Surefire,
#: Gradle, Jest, pytest's xunit1), tried first.
_COMMON = (
    (b"classname", b"name", b"time"),
    (b"name", b"classname", b"time"),
    (b"time", b"classname", b"name", b"assertions"),
    (b"classname", b"name", b"file", b"line", b"time"),
)
_PASSED = re.compile(rb"<testcase(" + distinct_attributes(6, common=_COMMON) + rb") ?/>")
_NO_TIME = 0.0
#: Its time, from the attributes of many cases joined (a value never holds a `"`).
_TIME = re.compile(rb' time="([^"]*)"')


class _Text:
    """The text of one open `<failure>`/`<error>`, cut at MAX_TEXT_CHARS."""

    def __init__(self, depth: int) -> None:
        self.depth = depth  # its place in the reader's stack
        self.parts: list[str] = []
        self.size = 0

    def add(self, data: str) -> None:
        if self.size < MAX_TEXT_CHARS:
            self.parts.append(data[: MAX_TEXT_CHARS - self.size])
            self.size += len(data)


class FileReader:
    """Reads one report into the tally, keeping only the open elements' names."""

    def __init__(self, path: Path, tally: Tally) -> None:
        self.path = path
        self.tally = tally
        self.stack: list[str | None] = [None]  # local names of the open elements
        self.cases: list[Case | dict[str, str]] = []  # open cases; a dict until it needs more
        self.suites: list[str] = []  # names of the open suites
        self.line_base = 1  # pytest writes 0-based `line`s; other tools 1-based
        self.names: dict[str, str] = {}
        self.passed = 0
        self.texts: list[_Text] = []
        self.parser = hardened_parser()

    def read(self) -> None:
        """Count the report's test cases into the tally; no test case is an error."""
        before = self.tally.tests
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        take = self._take_passed if self.tally.timed else self._count_passed
        skim_parse(self.path, self.parser, Skim(_PASSED, take))
        self.tally.counts["passed"] += self.passed
        if self.tally.tests == before:
            raise AdapterError(
                f"{self.path} contains no test cases: check that the test run selected "
                "and ran tests, and that this is its JUnit XML report"
            )

    def _count_passed(self, columns: Columns) -> None:
        """Count passing test cases read in bulk, their times unread (no one asked)."""
        self.passed += len(columns[0])

    def _take_passed(self, columns: Columns) -> None:
        """Count passing test cases read in bulk, and add up their times."""
        attributes = columns[0]
        self.passed += len(attributes)
        times = _TIME.findall(b"".join(attributes))  # type: ignore[arg-type]
        self.tally.with_time += len(times)  # one per case at most: no attribute repeats
        try:
            values = list(map(float, times))
        except ValueError:  # `1,5`, `n/a`: read leniently one by one
            values = [seconds(raw.decode("utf-8", "replace")) for raw in times]
        positive = list(filter(_NO_TIME.__lt__, values))  # in C: NaN and negatives drop out
        if positive and max(positive) == math.inf:  # rare: keep the finite ones only
            positive = [value for value in positive if value < math.inf]
        try:
            total = math.fsum(positive)  # exact: no drift over a million cases
        except OverflowError:  # finite times whose sum is not, as a running sum would say
            total = math.inf
        self.tally.duration += total

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self.names.get(tag)
        if name is None:
            name = self._learn(tag)
        stack = self.stack
        parent = stack[-1]
        if parent is None:
            self._root(name, attrs)
        stack.append(name)
        if name == "testcase":
            self.cases.append(attrs)
        elif name in _SUITES:
            self.suites.append(attrs.get("name", "").strip())
            self.tally.note_timestamp(attrs.get("timestamp"))
        elif parent == "testcase" and name in NOTED and self.cases:
            case = self._open_case()
            case.note(name, attrs)
            if name in _TEXT and not case.messages.get(name):
                self._collect_text()
        elif parent == "testsuite" and name in _TEXT:
            # Jenkins counts this as a test case `<init>`: the class failed to load.
            case = Case(classname=self.suites[-1], name="<init>")
            self.cases.append(case)
            case.note(name, attrs)
            if not case.messages.get(name):
                self._collect_text()

    def _end(self, _tag: str, text: str = "") -> None:
        stack = self.stack
        name = stack.pop()
        if name == "testcase":
            case = self.cases.pop()
            if isinstance(case, dict):  # no verdict element inside: passed
                self.passed += 1
                self.tally.duration += seconds(case.get("time"))
                self.tally.with_time += "time" in case
            else:
                self.tally.add(case)
        elif name in _SUITES:
            self.suites.pop()
        elif name in _TEXT:
            parent = stack[-1]
            if parent == "testcase" and self.cases:
                self._open_case().note_text(name, text)
            elif parent == "testsuite":
                case = self.cases.pop()
                assert isinstance(case, Case)  # pushed as one at its start
                case.note_text(name, text)
                self.tally.add(case)

    def _learn(self, tag: str) -> str:
        name = local_name(tag)
        if len(self.names) < _MAX_NAMES:
            self.names[tag] = name
        return name

    def _root(self, name: str, attrs: dict[str, str]) -> None:
        if name not in _ROOTS:
            raise AdapterError(
                f"{self.path} is not a JUnit XML report (its root element is <{name}>, "
                "not <testsuites> or <testsuite>): point `path` at the test results"
            )
        if attrs.get("name") == "pytest tests":
            self.line_base = 0  # pytest's root; its `line` is the 0-based line of the def

    def _open_case(self) -> Case:
        """The innermost open case, made a `Case` now that it has more than attributes."""
        case = self.cases[-1]
        if isinstance(case, dict):
            case = self.cases[-1] = Case.from_attrs(case, self.line_base)
        return case

    # Text: while a wanted element is open the handlers are swapped for the `_text_*`
    # ones, so the common path above never checks for it.

    def _collect_text(self) -> None:
        text = _Text(len(self.stack))
        self.texts.append(text)
        self.parser.CharacterDataHandler = text.add
        self.parser.StartElementHandler = self._text_start
        self.parser.EndElementHandler = self._text_end

    def _text_start(self, tag: str, attrs: dict[str, str]) -> None:
        self.parser.CharacterDataHandler = None  # a child's text is not its parent's
        self._start(tag, attrs)

    def _text_end(self, tag: str) -> None:
        texts = self.texts
        if texts[-1].depth == len(self.stack):
            self._end(tag, "".join(texts.pop().parts))
        else:
            self._end(tag)
        parser = self.parser
        if not texts:
            parser.CharacterDataHandler = None
            parser.StartElementHandler = self._start
            parser.EndElementHandler = self._end
        elif texts[-1].depth == len(self.stack):
            parser.CharacterDataHandler = texts[-1].add
