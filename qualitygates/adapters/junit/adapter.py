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

from collections import Counter
from collections.abc import Sequence

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    count_metric,
)
from qualitygates.adapters.junit.cases import Tally
from qualitygates.adapters.junit.reader import FileReader
from qualitygates.finding import Finding, FindingKind
from qualitygates.model import Measurement, Unit

NO_TIMES = (
    "no test case in the reports has a time attribute: the tool wrote none, so there is "
    "no duration to judge"
)


class JUnitAdapter(Adapter):
    """Test results from JUnit XML files: counts, pass rate, duration and failed tests."""

    dated = True  # the suites' `timestamp` attributes

    name = "junit"
    summary = "Test results from JUnit XML reports (counted from the test cases)"
    formats = (
        "JUnit XML: pytest (xunit1, xunit2), Maven Surefire/Failsafe (with reruns), Ant "
        "TESTS-TestSuites.xml, jest-junit, gotestsum, node:test, ruff, cfn-lint and others; "
        "root <testsuites> or <testsuite>, nested suites, namespaces, gzip",
    )
    options = (path_option("JUnit XML report(s)"),)
    metrics = (
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
        MetricSpec(
            "duration",
            Unit.SECONDS,
            "sum of the test cases' times; unavailable when no case has a time",
            summary=True,
        ),
        MetricSpec(
            "flaky_tests",
            Unit.COUNT,
            "tests that both passed and failed on one commit in the recorded runs of the last "
            "30 days, this run included; from the history store (waived tests not counted)",
        ),
    )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`failures` and `errors` over the failed tests no waiver accepts: one finding per
        failed or errored case, so without waivers these equal the report's own counts,
        and a known flaky test, waived, no longer fails `failures == 0`."""
        verdicts = Counter(f.rule for f in findings if f.kind is FindingKind.FAILED_TEST)
        return {
            "failures": count_metric(verdicts["failure"]),
            "errors": count_metric(verdicts["error"]),
        }

    def collect(self, request: CollectRequest) -> Collection:
        """Read every file the `path` globs match and count their test cases."""
        paths = expand_paths(request.options["path"])
        tally = Tally(timed=request.wants("duration"))  # each case's time costs a fifth
        for path in paths:
            FileReader(path, tally).read()
        metrics = tally.metrics()
        return Collection(
            metrics=metrics,
            findings=tuple(tally.findings),
            sources=tuple(str(p) for p in paths),
            timestamp=tally.earliest,
            timestamp_has_zone=tally.zoned,
            available=tuple(metrics),
            unavailable={} if "duration" in metrics or not tally.timed else {"duration": NO_TIMES},
        )
