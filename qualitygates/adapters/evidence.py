"""The evidence adapter: a drill or restore test that runs in CI passed, and recently.

The job leaves one result file, either JUnit XML or this JSON shape:

```json
{"status": "pass", "finished_at": "2026-11-20T03:12:00Z",
 "name": "nightly restore drill", "details": "restored 1.2 GB in 4m10s"}
```
`status` is `pass` or `fail`; `finished_at` is ISO 8601 (UTC when it has no zone);
`name` and `details` are optional. A JUnit result passes when at least one test ran and
none failed or errored (counted from the test cases). Its age is taken from the report's
own time (`finished_at`; the oldest `testsuite` `timestamp`), else from the file's
modification time, and compared with `max_age` against the run's clock (`--now`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from qualitygates.adapters._io import existing_file, open_report
from qualitygates.adapters._options import path_option
from qualitygates.adapters._required import Problem, Readiness
from qualitygates.adapters._xml import iter_xml, local_name
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.durations import format_duration, parse_duration, parse_instant
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Unit
from qualitygates.readers import read_json

TOOL = "evidence"
# Its one required item is the result file: `problems` counts what is wrong with it.
READINESS = Readiness(TOOL, {}, total_description="Failed, stale or future-dated.")
_MAX_NAMED = 5


@dataclass
class Outcome:
    """What a result file says: passed or not, when, and why not."""

    passed: bool
    timestamp: datetime | None
    reasons: list[str] = field(default_factory=list)


class EvidenceAdapter(Adapter):
    """One result file of a drill run in CI (JUnit XML or a small JSON)."""

    dated = True  # the result's finished_at or its suites' timestamps, else the file's mtime

    name = "evidence"
    summary = "A drill's or restore test's result: present, passed, no older than max_age."
    formats = ("JUnit XML", 'JSON {"status": "pass"|"fail", "finished_at": ISO}')
    options = (
        path_option("the result file the drill wrote", single=True),
        OptionSpec("max_age", OptionKind.STRING, "Maximum age of the result, e.g. 7d.",
                   check=lambda age: parse_duration(age) if age else None),
        OptionSpec(
            "format", OptionKind.CHOICE, "Result format.", default="auto",
            choices=("auto", "junit", "json"),
        ),
    )  # fmt: skip
    metrics = (
        MetricSpec("passed", Unit.COUNT, "1 when the drill passed, else 0.", summary=True),
        MetricSpec("age_hours", Unit.NUMBER, "Hours since the drill ran.", summary=True),
        *READINESS.metric_specs(),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read the result, then judge nothing: report pass, age and problems."""
        path = existing_file(
            request.base_dir / str(request.options["path"]),
            "check the path, or that the drill ran before this step",
        )
        kind = _format(path, str(request.options.get("format") or "auto"))
        outcome = read_junit(path) if kind == "junit" else read_json_result(path)
        when = outcome.timestamp or _mtime(path)
        age = request.now - when
        findings = list(_problems(path, outcome, when, request))
        return Collection(
            metrics={
                "passed": count_metric(1 if outcome.passed else 0),
                "age_hours": Measurement(age.total_seconds() / 3600, Unit.NUMBER),
            },
            findings=tuple(findings),
            sources=(str(path),),
            timestamp=when,
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`problems` counts the findings left after waivers."""
        return READINESS.count(findings)


def _format(path: Path, requested: str) -> str:
    if requested != "auto":
        return requested
    if path.suffix.lower() in (".xml", ".json"):
        return "junit" if path.suffix.lower() == ".xml" else "json"
    with open_report(path) as stream:
        head = stream.read(256).lstrip()
    return "junit" if head.startswith(b"<") else "json"


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def read_json_result(path: Path) -> Outcome:
    """The documented JSON result: `status` pass|fail, `finished_at` ISO time."""
    data = read_json(path, "drill result")
    if not isinstance(data, dict) or "status" not in data:
        raise AdapterError(
            f'{path} is not a drill result: expected {{"status": "pass"|"fail", ...}}'
        )
    status = data["status"]
    if status not in ("pass", "fail"):
        raise AdapterError(f'{path}: status {json.dumps(status)} should be "pass" or "fail"')
    stamp = None
    if data.get("finished_at") is not None:
        try:
            stamp = parse_instant(data["finished_at"])
        except ValueError as exc:
            raise AdapterError(f"{path}: finished_at {exc}") from None
    details = data.get("details")
    reasons = [str(details)] if status == "fail" and details else []
    return Outcome(status == "pass", stamp, reasons)


def read_junit(path: Path) -> Outcome:
    """A JUnit report, counted from its test cases; AdapterError when none ran."""
    tests = skipped = 0
    failing: list[str] = []
    stamps: list[datetime] = []
    current: str | None = None
    current_failed = False
    root: str | None = None
    for event, tag, payload in iter_xml(path):
        name = local_name(tag)
        root = root or name
        if event == "start" and isinstance(payload, dict):
            if name == "testsuite" and payload.get("timestamp"):
                stamps.append(_stamp(path, payload["timestamp"]))
            elif name == "testcase":
                tests += 1
                current, current_failed = payload.get("name", "?"), False
            elif name in ("failure", "error") and current is not None and not current_failed:
                failing.append(current)
                current_failed = True
            elif name == "skipped" and current is not None:
                skipped += 1
        elif event == "end" and name == "testcase":
            current = None
    if root not in ("testsuites", "testsuite"):
        raise AdapterError(f"{path} is not a JUnit report (its root element is <{root}>)")
    if tests - skipped <= 0:
        raise AdapterError(f"{path} has no test that ran: the drill did not run or was skipped")
    return Outcome(not failing, min(stamps) if stamps else None, _failing(failing, tests))


def _stamp(path: Path, text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise AdapterError(f"{path}: testsuite timestamp {exc}") from None


def _failing(names: list[str], tests: int) -> list[str]:
    if not names:
        return []
    shown = ", ".join(names[:_MAX_NAMED]) + (", ..." if len(names) > _MAX_NAMED else "")
    return [f"{len(names)} of {tests} tests failed: {shown}"]


def _problems(
    path: Path, outcome: Outcome, when: datetime, request: CollectRequest
) -> list[Finding]:
    found = []
    if not outcome.passed:
        why = f" ({'; '.join(outcome.reasons)})" if outcome.reasons else ""
        found.append(
            _finding("failed", path, f"{path} records a failed drill{why}: fix it and run it again")
        )
    if when > request.now:
        found.append(
            _finding(
                "future",
                path,
                f"{path} is dated {when.isoformat()}, after the "
                f"run's time {request.now.isoformat()}: check the clock that wrote it",
            )
        )
    max_age = request.options.get("max_age")
    if max_age:
        try:
            limit = parse_duration(max_age)
        except ValueError as exc:
            raise AdapterError(f"evidence option max_age: {exc}") from None
        age = request.now - when
        if age > limit:
            found.append(
                _finding(
                    "stale",
                    path,
                    f"{path} is from {when.date().isoformat()}, "
                    f"{format_duration(age)} ago, older than max_age {max_age}: "
                    "run the drill again",
                )
            )
    return found


def _finding(rule: str, path: Path, message: str) -> Finding:
    return READINESS.finding(rule, Problem(message, Location(path=str(path)), (path.name,)))
