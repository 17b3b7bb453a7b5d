"""The JUnit XML report: one testsuite per gate, one testcase per condition.

`classname` is `gate-id.check-id` and `name` the condition as written, so CI test viewers
(Jenkins, GitLab, GitHub) show each threshold as a test. A blocking condition that failed
is a `<failure>` and one that could not be evaluated an `<error>`; both carry the actual
value and the threshold, or the reason, in their `message` and as their text (GitLab's
merge-request widget shows only the text). A check that did not run is `<skipped>`. A miss
that does not block (a condition with `on_fail: warn`, a check or gate with `blocking:
false`) is a passed test case with the miss in `<system-out>`: Jenkins would otherwise
mark a build unstable that the run allows. `--warn-only` changes only the exit code.
Written with junitparser.
"""

from __future__ import annotations

from xml.etree import ElementTree

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from qualitygates.model import CheckResult, ConditionResult, GateResult, RunResult, Status
from qualitygates.reports.console import waiver_lines
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter


class JUnitReporter(Reporter):
    """Gates as test suites, conditions as test cases."""

    name = "junit"
    description = "JUnit XML (Jenkins schema), one test case per condition"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        xml = JUnitXml(name="qualitygates")
        for gate in result.gates:
            xml.add_testsuite(_suite(gate, result.started_at))
        xml.update_statistics()  # type: ignore[no-untyped-call]
        xml.time = _seconds(result.duration)
        xml._elem.attrib.pop("skipped", None)  # not allowed on <testsuites> by the Jenkins schema
        body: bytes = xml.tostring()  # type: ignore[no-untyped-call]
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def _suite(gate: GateResult, timestamp: str) -> TestSuite:
    suite = TestSuite(gate.id)
    suite.timestamp = timestamp[:19]  # the Jenkins schema wants xs:dateTime without a zone
    for check in gate.checks:
        for case in _cases(gate, check):
            suite.add_testcase(case)
    notes = [line for check in gate.checks for line in waiver_lines(check)]
    if notes:  # junitparser has no suite-level system-out: add the element the schema allows
        ElementTree.SubElement(suite._elem, "system-out").text = "\n".join(notes)
    suite.update_statistics()  # type: ignore[no-untyped-call]
    suite.time = _seconds(gate.duration)
    return suite


def _cases(gate: GateResult, check: CheckResult) -> list[TestCase]:
    classname = f"{gate.id}.{check.id}"
    if not check.conditions:  # only when the check was skipped before it had conditions
        case = TestCase(check.name or check.id, classname, _seconds(check.duration))
        case.result = [Skipped(check.error or "not run")]
        return [case]
    share = _seconds(check.duration / len(check.conditions))
    blocking = gate.blocking and check.blocking
    return [_case(classname, check, condition, share, blocking) for condition in check.conditions]


def _case(
    classname: str, check: CheckResult, condition: ConditionResult, seconds: float,
    blocking: bool,
) -> TestCase:  # fmt: skip
    case = TestCase(condition.expr, classname, seconds)
    status = Status.SKIPPED if check.status is Status.SKIPPED else condition.status
    missed = status in (Status.FAILED, Status.ERROR)
    if missed and not blocking:
        what = "failed" if status is Status.FAILED else "could not be evaluated"
        case.system_out = f"NON-BLOCKING: {condition.message} ({what}; does not block the deploy)"
    elif missed:
        kind, verdict = (
            (Failure, "threshold") if status is Status.FAILED else (Error, "not-evaluated")
        )
        outcome = kind(condition.message, verdict)
        outcome.text = _details(classname, check, condition)
        case.result = [outcome]
    elif status is Status.SKIPPED:
        case.result = [Skipped(check.error or "not run")]
    elif status is Status.WARNED:
        case.system_out = f"WARNING: {condition.message}"
    else:
        case.system_out = condition.message
    return case


def _details(classname: str, check: CheckResult, condition: ConditionResult) -> str:
    """The text of a <failure> or <error>: what a reader sees where the message is not shown."""
    return f"{condition.message}\ncondition: {condition.expr}\ncheck: {classname} ({check.adapter})"


def _seconds(value: float) -> float:
    # The Jenkins schema's SUREFIRE_TIME forbids exponents: keep three decimals.
    return round(max(value, 0.0), 3)
