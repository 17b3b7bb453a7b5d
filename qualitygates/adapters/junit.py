"""JUnit XML test results: pytest, Maven Surefire, Ant, jest-junit, gotestsum, node:test, ...

Every number is counted from the `<testcase>` elements, never from the suites' own
`tests`/`failures`/`errors` attributes: real reports often get those wrong (Surefire
reruns, nested suites, a suite that claims a failure but lists no test case).

Each test case is counted once, by the first rule that applies:

1. `<failure>` -> failure. A case with both `<failure>` and `<error>` (pytest: the test
   failed, then its teardown errored) is one failure.
2. `<error>` -> error (pytest: collection errors, setup and teardown errors).
3. Only Surefire `<rerunFailure>`/`<rerunError>` and no final verdict -> failure/error:
   Surefire always writes the final `<failure>` beside them, so this fails closed.
4. `<skipped>` -> skipped. pytest writes an xfail as skipped and a strict xpass as a
   failure; a non-strict xpass is a plain pass.
5. Otherwise passed; a passed case with `<flakyFailure>`/`<flakyError>` also counts as
   flaky (Surefire: it failed, then passed on a rerun; SUREFIRE-1087).

An `<error>` or `<failure>` directly under a `<testsuite>` (a class that failed to load)
is one test case named `<init>`, as the Jenkins JUnit plugin counts it. Test times that
are negative or unreadable count as 0 s (Jenkins clamps them too); `1,234.5` is read as
1234.5. pytest's `line` attributes are 0-based and are shifted to 1-based. A file
without any test case is an error, never a pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import ClassVar

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._xml import iter_xml, local_name
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
    fingerprint,
    percent_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Severity, Unit

TOOL = "junit"
MAX_MESSAGE_CHARS = 500
_ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_SUITES = frozenset({"testsuites", "testsuite"})
_VERDICTS = ("failure", "error", "rerunFailure", "rerunError", "skipped")
_FLAKY = frozenset({"flakyFailure", "flakyError"})
_NOTED = _FLAKY.union(_VERDICTS)
_RERUN_VERDICT = {"rerunFailure": "failure", "rerunError": "error"}
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)


# Only failure and error texts are kept (a message when the attribute is missing);
# system-out and stack traces of reruns are never buffered.
_TEXT_TAGS = frozenset({"failure", "error"})


def parse_seconds(raw: str | None) -> float:
    """Seconds from a `time` attribute; 0 when absent, negative or unreadable."""
    text = (raw or "").strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # a decimal comma, as some locales write it
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def parse_timestamp(raw: str | None) -> datetime | None:
    """A suite's `timestamp` in UTC, read leniently; None when unreadable or before 1970.

    Accepts `T` or a space (even `T 12:40`), optional seconds and fraction, `Z` or an
    offset, or a date alone; a time without a zone is taken as UTC. Go's zero time
    (`0001-01-01T00:00:00Z`, as gotestsum writes it) means "unknown" and is ignored.
    """
    match = _TIMESTAMP.fullmatch((raw or "").strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micros, tzinfo=_zone(zone),
        )  # fmt: skip
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.year >= 1970 else None


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if text[0] == "-" else offset)  # ValueError past 24 h


@dataclass
class _Case:
    """One open `<testcase>`: its identity and the verdict elements seen inside it."""

    classname: str
    name: str
    time: float = 0.0
    file: str | None = None
    line: int | None = None
    kinds: set[str] = field(default_factory=set)
    messages: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_attrs(cls, attrs: dict[str, str], line_base: int) -> _Case:
        raw = attrs.get("line", "").strip()
        line = int(raw) + 1 - line_base if raw.isdigit() else 0
        return cls(
            classname=attrs.get("classname", "").strip(),
            name=attrs.get("name", "").strip(),
            time=parse_seconds(attrs.get("time")),
            file=attrs.get("file", "").strip() or None,
            line=line if line > 0 else None,
        )

    def note(self, kind: str, attrs: dict[str, str]) -> None:
        self.kinds.add(kind)
        self.messages.setdefault(kind, attrs.get("message", "").strip())
        self.types.setdefault(kind, attrs.get("type", "").strip())

    def note_text(self, kind: str, text: str) -> None:
        """Use the element's first non-blank line when it had no message attribute."""
        if not self.messages.get(kind):
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
            self.messages[kind] = first

    def message(self, kind: str) -> str:
        """The message attribute, else the text's first line, else the type."""
        return self.messages.get(kind) or self.types.get(kind) or ""

    def deciding_kind(self) -> str | None:
        """The verdict element that decides the outcome (module docstring), if any."""
        return next((kind for kind in _VERDICTS if kind in self.kinds), None)

    def verdict(self) -> str:
        """failure, error, skipped or passed."""
        kind = self.deciding_kind()
        return _RERUN_VERDICT.get(kind, kind) if kind else "passed"

    @property
    def test_id(self) -> str:
        name = self.name or "<unnamed>"
        if not self.classname or self.classname == self.name:
            return name
        return f"{self.classname}::{name}"


@dataclass
class _Tally:
    """Counts over every file read; memory grows only with the failed tests kept."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("passed", "failure", "error", "skipped"), 0)
    )
    flaky: int = 0
    duration: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    earliest: datetime | None = None

    @property
    def tests(self) -> int:
        return sum(self.counts.values())

    def add(self, case: _Case) -> None:
        verdict = case.verdict()
        self.counts[verdict] += 1
        self.duration += case.time
        if verdict == "passed" and case.kinds & _FLAKY:
            self.flaky += 1
        if verdict in ("failure", "error"):
            self.findings.append(_finding(case, verdict))

    def note_timestamp(self, raw: str | None) -> None:
        moment = parse_timestamp(raw)
        if moment is not None and (self.earliest is None or moment < self.earliest):
            self.earliest = moment

    def metrics(self) -> dict[str, Measurement]:
        counts = self.counts
        ran = self.tests - counts["skipped"]
        metrics = {
            "tests": count_metric(self.tests),
            "passed": count_metric(counts["passed"]),
            "failures": count_metric(counts["failure"]),
            "errors": count_metric(counts["error"]),
            "skipped": count_metric(counts["skipped"]),
            "flaky": count_metric(self.flaky),
            "duration": Measurement(self.duration, Unit.SECONDS),
        }
        if ran:  # with every test skipped there is no rate; a condition on it errors
            metrics["pass_rate"] = percent_metric(100.0 * counts["passed"] / ran)
        return metrics


def _finding(case: _Case, verdict: str) -> Finding:
    message = case.message(case.deciding_kind() or verdict)
    message = message or f"test {'failed' if verdict == 'failure' else 'errored'}"
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return Finding(
        id=case.test_id,
        tool=TOOL,
        severity=Severity.HIGH,
        message=message,
        rule=verdict,
        location=Location(path=case.file, line=case.line if case.file else None),
        fingerprint=fingerprint(TOOL, case.classname, case.name),
    )


class _FileReader:
    """Streams one report into the tally, keeping only the open elements' names."""

    def __init__(self, path: Path, tally: _Tally) -> None:
        self.path = path
        self.tally = tally
        self.stack: list[str] = []  # local names of the open elements
        self.cases: list[_Case] = []  # open test cases (a suite-level error is one too)
        self.suites: list[str] = []  # names of the open suites
        self.line_base = 1  # pytest writes 0-based `line`s; other tools 1-based

    def read(self) -> None:
        before = self.tally.tests
        for event, tag, payload in iter_xml(self.path, _TEXT_TAGS):
            if event == "start" and isinstance(payload, dict):
                self._start(local_name(tag), payload)
            elif event == "end" and isinstance(payload, str):
                self._end(local_name(tag), payload)
        if self.tally.tests == before:
            raise AdapterError(
                f"{self.path} contains no test cases: check that the test run selected "
                "and ran tests, and that this is its JUnit XML report"
            )

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is None and name not in _ROOTS:
            raise AdapterError(
                f"{self.path} is not a JUnit XML report (its root element is <{name}>, "
                "not <testsuites> or <testsuite>): point `path` at the test results"
            )
        if parent is None and attrs.get("name") == "pytest tests":
            self.line_base = 0  # pytest's root; its `line` is the 0-based line of the def
        self.stack.append(name)
        if name == "testcase":
            self.cases.append(_Case.from_attrs(attrs, self.line_base))
        elif name in _SUITES:
            self.suites.append(attrs.get("name", "").strip())
            self.tally.note_timestamp(attrs.get("timestamp"))
        elif parent == "testcase" and name in _NOTED and self.cases:
            self.cases[-1].note(name, attrs)
        elif parent == "testsuite" and name in ("failure", "error"):
            # Jenkins counts this as a test case `<init>`: the class failed to load.
            self.cases.append(_Case(classname=self.suites[-1], name="<init>"))
            self.cases[-1].note(name, attrs)

    def _end(self, name: str, text: str) -> None:
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if name == "testcase":
            self.tally.add(self.cases.pop())
        elif name in _SUITES:
            self.suites.pop()
        elif name in ("failure", "error") and parent == "testcase" and self.cases:
            self.cases[-1].note_text(name, text)
        elif name in ("failure", "error") and parent == "testsuite":
            case = self.cases.pop()
            case.note_text(name, text)
            self.tally.add(case)


class JUnitAdapter(Adapter):
    """Test results from JUnit XML files: counts, pass rate, duration and failed tests."""

    name: ClassVar[str] = "junit"
    summary: ClassVar[str] = "Test results from JUnit XML reports (counted from the test cases)"
    formats: ClassVar[tuple[str, ...]] = (
        "JUnit XML: pytest (xunit1, xunit2), Maven Surefire/Failsafe (with reruns), Ant "
        "TESTS-TestSuites.xml, jest-junit, gotestsum, node:test, ruff, cfn-lint and others; "
        "root <testsuites> or <testsuite>, nested suites, namespaces, gzip",
    )
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec(
            "path",
            OptionKind.PATHS,
            "JUnit XML report(s): a glob or a list of globs; all files are merged",
            required=True,
        ),
    )
    metrics: ClassVar[tuple[MetricSpec, ...]] = (
        MetricSpec("tests", Unit.COUNT, "test cases in the reports", summary=True),
        MetricSpec("passed", Unit.COUNT, "test cases that passed (flaky ones too)", summary=True),
        MetricSpec("failures", Unit.COUNT, "test cases with a <failure>", summary=True),
        MetricSpec("errors", Unit.COUNT, "test cases with an <error> only", summary=True),
        MetricSpec("skipped", Unit.COUNT, "test cases skipped (pytest xfail too)", summary=True),
        MetricSpec("flaky", Unit.COUNT, "test cases that passed after reruns", summary=True),
        MetricSpec(
            "pass_rate",
            Unit.PERCENT,
            "passed over tests that ran (skipped excluded); absent when none ran",
            summary=True,
        ),
        MetricSpec("duration", Unit.SECONDS, "sum of the test cases' times", summary=True),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every file the `path` globs match and count their test cases."""
        paths = expand_paths(request.options["path"])
        tally = _Tally()
        for path in paths:
            _FileReader(path, tally).read()
        metrics = tally.metrics()
        return Collection(
            metrics=metrics,
            findings=tuple(tally.findings),
            sources=tuple(str(p) for p in paths),
            timestamp=tally.earliest,
            available=tuple(metrics),
        )
