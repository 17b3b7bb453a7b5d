"""One test case's verdict, and the counts over every report read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from qualitygates.adapters._times import has_zone
from qualitygates.adapters.interface import count_metric, percent_metric
from qualitygates.adapters.junit.values import parse_seconds, parse_timestamp
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

TOOL = "junit"
MAX_MESSAGE_CHARS = 500
VERDICTS = ("failure", "error", "rerunFailure", "rerunError", "skipped")
FLAKY = frozenset({"flakyFailure", "flakyError"})
NOTED = FLAKY.union(VERDICTS)
_RERUN_VERDICT = {"rerunFailure": "failure", "rerunError": "error"}


@dataclass
class Case:
    """One open `<testcase>`: its identity and the verdict elements seen inside it."""

    classname: str
    name: str
    time: float = 0.0
    has_time: bool = False  # the case has a `time` attribute (readable or not)
    file: str | None = None
    line: int | None = None
    kinds: set[str] = field(default_factory=set)
    messages: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_attrs(cls, attrs: dict[str, str], line_base: int) -> Case:
        raw = attrs.get("line", "").strip()
        line = int(raw) + 1 - line_base if raw.isdigit() else 0
        return cls(
            classname=attrs.get("classname", "").strip(),
            name=attrs.get("name", "").strip(),
            time=parse_seconds(attrs.get("time")),
            has_time="time" in attrs,
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
        return next((kind for kind in VERDICTS if kind in self.kinds), None)

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
class Tally:
    """Counts over every file read; memory grows only with the failed tests kept."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("passed", "failure", "error", "skipped"), 0)
    )
    flaky: int = 0
    timed: bool = True  # False: `duration` is not measured (no one reads it)
    duration: float = 0.0
    with_time: int = 0  # test cases that have a `time` attribute
    findings: list[Finding] = field(default_factory=list)
    earliest: datetime | None = None
    zoned: bool = True  # every timestamp read named its zone

    @property
    def tests(self) -> int:
        return sum(self.counts.values())

    def add(self, case: Case) -> None:
        verdict = case.verdict()
        self.counts[verdict] += 1
        self.duration += case.time
        self.with_time += case.has_time
        if verdict == "passed" and case.kinds & FLAKY:
            self.flaky += 1
        if verdict in ("failure", "error"):
            self.findings.append(_finding(case, verdict))

    def note_timestamp(self, raw: str | None) -> None:
        moment = parse_timestamp(raw)
        if moment is not None and (self.earliest is None or moment < self.earliest):
            self.earliest = moment
        if moment is not None and not has_zone(raw):
            self.zoned = False  # a local time of some zone, read as UTC

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
        }
        if self.timed and self.with_time:  # no case timed: no duration, never a 0 s pass
            metrics["duration"] = Measurement(self.duration, Unit.SECONDS)
        if ran:  # with every test skipped there is no rate; a condition on it errors
            metrics["pass_rate"] = percent_metric(100.0 * counts["passed"] / ran)
        return metrics


def _finding(case: Case, verdict: str) -> Finding:
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
        kind=FindingKind.FAILED_TEST,
        identity=(TOOL, case.classname, case.name),
    )
