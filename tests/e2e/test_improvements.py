"""End to end, on SQLite and PostgreSQL: a month of daily CI runs recorded with `qualitygates
run --history ... --now ...` over real JUnit and Cobertura reports whose numbers vary as
real ones do, and three improvements of that month validated: success, partial, failure.

The test suite takes 120 s, then 78 s after IMP-2026-001 (-35 %, promised -30 %: success),
then 66 s after IMP-2026-002 (-15 %, promised -30 %: partial), and stays there after
IMP-2026-003 (promised -20 %: failure). Coverage, the guardrail, stays near 80 %.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.helpers import qualitygates
from tests.history import pg

POLICY = """\
version: 1
gates:
  - id: quality
    name: Quality
    checks:
      - id: tests
        adapter: junit
        with: {path: reports/junit.xml}
        conditions: [failures == 0]
      - id: coverage
        adapter: coverage
        with: {path: reports/coverage.xml}
        conditions: [line_rate >= 70%]
"""
ENTRY = """\
  - id: {}
    title: {}
    owner: {}
    metric: {{check: tests, name: duration}}
    expected: {}
    guardrails:
      - {{check: coverage, name: line_rate, limit: "> -2%"}}
    start: {}
    end: {}
    window: 7d
"""
REGISTRY = "improvements:\n" + "".join(
    ENTRY.format(*entry)
    for entry in (
        ("IMP-2026-001", "Parallel slow tests", "alice", "-30%", "2026-09-08", "2026-09-09"),
        ("IMP-2026-002", "Share the database fixture", "bob", "-30%", "2026-09-17", "2026-09-18"),
        ("IMP-2026-003", "Mock the payment service", "carol", "-20%", "2026-09-26", "2026-09-27"),
    )
)
#: Seven daily runs after each improvement's work (and before the first): first day, the
#: suite's duration in seconds and the coverage in percent around which they vary.
SERIES = (
    (date(2026, 9, 1), 120.0, 80.0),
    (date(2026, 9, 10), 78.0, 80.0),
    (date(2026, 9, 19), 66.0, 80.0),
    (date(2026, 9, 28), 66.0, 80.0),
)
TESTS, LINES = 12, 400
NOW = ("--now", "2026-10-10T00:00:00Z")


def write_junit(path: Path, seconds: float, noise: random.Random) -> None:
    """A pytest-style JUnit XML whose test cases' times add up to `seconds`."""
    weights = [noise.uniform(0.2, 1.0) for _ in range(TESTS)]
    times = [seconds * w / sum(weights) for w in weights]
    cases = "".join(
        f'<testcase classname="tests.test_shop" name="test_{i}" time="{t:.3f}"/>'
        for i, t in enumerate(times)
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        f'<testsuite name="pytest" errors="0" failures="0" skipped="0" tests="{TESTS}" '
        f'time="{sum(times):.3f}">{cases}</testsuite></testsuites>'
    )


def write_cobertura(path: Path, percent: float, noise: random.Random) -> None:
    """A coverage.py-style Cobertura XML with `percent` of its lines run (to a line)."""
    covered = set(noise.sample(range(1, LINES + 1), round(LINES * percent / 100)))
    lines = "".join(f'<line number="{n}" hits="{int(n in covered)}"/>' for n in range(1, LINES + 1))
    path.write_text(
        f'<?xml version="1.0" ?><coverage version="7.6.1" lines-valid="{LINES}" '
        f'lines-covered="{len(covered)}" line-rate="{len(covered) / LINES:.4f}" '
        'branches-valid="0" branches-covered="0" branch-rate="0" complexity="0">'
        "<sources><source>/src</source></sources><packages>"
        '<package name="shop" line-rate="0" branch-rate="0" complexity="0"><classes>'
        '<class name="cart.py" filename="shop/cart.py" complexity="0" line-rate="0" '
        f'branch-rate="0"><methods/><lines>{lines}</lines></class></classes></package>'
        "</packages></coverage>"
    )


def record_month(project: Path, history: str) -> None:
    """Every run of SERIES, as CI on main records it, each value within a few percent."""
    noise = random.Random(2026)
    reports = project / "reports"
    for first, seconds, percent in SERIES:
        for day in range(7):
            write_junit(reports / "junit.xml", seconds * noise.uniform(0.95, 1.05), noise)
            write_cobertura(reports / "coverage.xml", percent + noise.uniform(-1, 1), noise)
            when = datetime.combine(first + timedelta(days=day), datetime.min.time(), timezone.utc)
            at = (when + timedelta(hours=noise.uniform(8, 18))).isoformat()
            done = qualitygates("run", "-q", "--history", history, "--now", at, cwd=project,
                                env={"QUALITYGATES_BRANCH": "main"})  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def month(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """A project (policy, registry, reports) and its store with the month of runs recorded."""
    project = tmp_path_factory.mktemp(f"improvements-{request.param}")
    (project / "gates.yaml").write_text(POLICY)
    (project / "improvements.yaml").write_text(REGISTRY)
    (project / "reports").mkdir()
    if request.param == "sqlite":
        history = str(project / ".qualitygates" / "history.sqlite")
        record_month(project, history)
        yield project, history
        return
    with pg.fresh_schema(request.getfixturevalue("postgres_admin")) as history:
        record_month(project, history)
        yield project, history


def validate(month: tuple[Path, str], improvement: str) -> tuple[int, list[str], str]:
    """Its exit code, its table's rows (Metric, Before, After, Change, Target) and its last line."""
    project, history = month
    done = qualitygates("improvement", "validate", improvement, "--history", history, *NOW,
                        "--markdown", "validation.md", cwd=project)  # fmt: skip
    assert not done.stderr
    assert (project / "validation.md").read_text() == done.stdout
    lines = done.stdout.splitlines()
    rows = [line[2:-2] for line in lines[6:] if line.startswith("| ")]  # under the header
    return done.returncode, rows, lines[-1]


def test_a_drop_beyond_the_promise_with_coverage_kept_is_a_success(
    month: tuple[Path, str],
) -> None:
    assert validate(month, "IMP-2026-001") == (0, [
        "`quality.tests.duration` | 119.59s ± 2.55s (7 runs) | 78.29s ± 1.47s (7 runs) "
        "| -34.5% (p = 0.000583) | `-30%` ✅ met",  # 7 runs against 7, all apart: the least p
        "guardrail `quality.coverage.line_rate` | 80% ± 0.25% (7 runs) | 79.5% ± 0.25% (7 runs) "
        "| -0.625% (p = 0.515) | `> -2%` ✅ met",
    ], "**Conclusion: success**: every target met (2/2)")  # fmt: skip


def test_a_significant_drop_short_of_the_promise_is_partial(month: tuple[Path, str]) -> None:
    assert validate(month, "IMP-2026-002") == (1, [
        "`quality.tests.duration` | 78.29s ± 1.47s (7 runs) | 65.91s ± 2.4s (7 runs) "
        "| -15.8% (p = 0.000583) | `-30%` ❌ missed: moved -15.8%, short of the expected -30%",
        "guardrail `quality.coverage.line_rate` | 79.5% ± 0.25% (7 runs) | 79.75% ± 0% (7 runs) "
        "| +0.314% (p = 0.514) | `> -2%` ✅ met",
    ], "**Conclusion: partial**: quality.tests.duration moved as expected, but it moved "
       "-15.8%, short of the expected -30%")  # fmt: skip


def test_no_significant_move_is_a_failure(month: tuple[Path, str]) -> None:
    assert validate(month, "IMP-2026-003") == (1, [
        "`quality.tests.duration` | 65.91s ± 2.4s (7 runs) | 65.03s ± 1.71s (7 runs) "
        "| -1.3% (p = 0.805) | `-20%` ❌ missed: did not move significantly the expected way "
        "(p = 0.805)",
        "guardrail `quality.coverage.line_rate` | 79.75% ± 0% (7 runs) | 80% ± 0.5% (7 runs) "
        "| +0.313% (p = 0.6) | `> -2%` ✅ met",
    ], "**Conclusion: failure**: quality.tests.duration did not move significantly in the "
       "expected direction: -1.3%, p = 0.805, expected -20%")  # fmt: skip


def test_the_months_report_and_list_count_one_of_each(month: tuple[Path, str]) -> None:
    project, history = month
    report = qualitygates("improvement", "report", "--period", "2026-09", "--history", history,
                          *NOW, "--html", "september.html", cwd=project)  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(
        "# Improvements ended in 2026-09\n\n**1 success, 1 partial, 1 failure**\n"
    )
    assert "1 success, 1 partial, 1 failure" in (project / "september.html").read_text()
    listing = qualitygates("improvement", "list", "--history", history, *NOW, cwd=project)
    assert [line.rsplit(": ", 1)[-1] for line in listing.stdout.splitlines()] == [
        "success", "partial", "failure"
    ]  # fmt: skip
