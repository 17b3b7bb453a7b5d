"""End to end, on SQLite and on PostgreSQL: a month of runs recorded by `qualitygates run
--history ... --now ...` over real JUnit files, as CI records them, then `history flaky`
finds the test that failed and passed on the same commit, and `history report` sums up
the month."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import qualitygates
from tests.history import conftest as history_fixtures

# The history tests' store fixture, here under another name: a SQLite file, then a schema
# of a throwaway PostgreSQL server (skipped, saying why, where there is none).
history_url = history_fixtures.store_url

POLICY = """\
version: 1
gates:
  - id: tests
    checks:
      - id: unit
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0]
"""
TESTS = ("test_add", "test_checkout", "test_payment")


def junit(*failing: str) -> str:
    """A pytest-style JUnit report of TESTS in which `failing` failed."""
    cases = "".join(
        f'<testcase classname="shop.test_cart" name="{name}" time="0.01">'
        + (f'<failure message="AssertionError">{name} failed</failure>' if name in failing else "")
        + "</testcase>"
        for name in TESTS
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
        f'tests="{len(TESTS)}" failures="{len(failing)}" errors="0">{cases}</testsuite></testsuites>'
    )


# (when, commit, the tests that failed, or None: the report is missing), in the order CI ran.
SERIES = (
    ("2026-11-03T10:00:00Z", "aaa111", ("test_checkout",)),
    ("2026-11-03T10:20:00Z", "aaa111", ()),  # the retry passed: flaky on aaa111
    ("2026-11-10T09:00:00Z", "bbb222", ("test_payment",)),
    ("2026-11-24T09:00:00Z", "bbb222", None),  # no report: not a pass of test_payment
    ("2026-11-25T16:00:00Z", "ccc333", ("test_checkout",)),
    ("2026-11-25T16:30:00Z", "ccc333", ()),  # flaky again, on another commit
)
EXIT_CODES = [1, 0, 1, 3, 1, 0]


def record_series(project: Path, store: str) -> None:
    (project / "gates.yaml").write_text(POLICY)
    report = project / "junit.xml"
    for (when, commit, failing), expected in zip(SERIES, EXIT_CODES, strict=True):
        if failing is None:
            report.unlink()
        else:
            report.write_text(junit(*failing))
        env = {"QUALITYGATES_COMMIT": commit, "QUALITYGATES_BRANCH": "main"}
        done = qualitygates("run", "-q", "--history", store, "--now", when, cwd=project, env=env)
        assert done.returncode == expected, done.stdout + done.stderr


def test_a_month_of_runs_finds_the_flaky_test_and_reports_the_month(
    tmp_path: Path, history_url: str
) -> None:
    record_series(tmp_path, history_url)
    store = ("--history", history_url)

    flaky = qualitygates("history", "flaky", "--since", "2026-11-01", *store, cwd=tmp_path)
    assert flaky.returncode == 0, flaky.stderr
    header, row, *rest = flaky.stdout.splitlines()
    assert header.split()[:3] == ["TEST", "GATE/CHECK", "FAILED"]
    assert row.split() == ["shop.test_cart::test_checkout", "tests/unit", "2", "2", "2",
                           "2026-11-25", "16:00"]  # fmt: skip
    assert rest == []  # test_payment failed, but never passed on its commit

    as_json = qualitygates("history", "flaky", "--since", "2026-11-01", "--format", "json",
                           "--branch", "main", *store, cwd=tmp_path)  # fmt: skip
    (found,) = json.loads(as_json.stdout)["flaky_tests"]
    assert (found["failed"], found["passed"], found["commits"]) == (2, 2, 2)

    later = qualitygates("history", "flaky", "--since", "2026-11-26", *store, cwd=tmp_path)
    assert later.stdout == "no flaky tests since 2026-11-26 00:00 UTC\n"
    # Replayed as the runs were recorded: an age counts back from --now, as run's does.
    then = qualitygates("history", "flaky", "--since", "10d", "--now", "2026-11-12T00:00:00Z",
                        *store, cwd=tmp_path)  # fmt: skip
    assert then.stdout.splitlines()[1].split()[:5] == [
        "shop.test_cart::test_checkout", "tests/unit", "1", "1", "1"]  # fmt: skip
    trend = qualitygates("trend", "failures", "--since", "3d", "--now", "2026-11-11T00:00:00Z",
                         *store, cwd=tmp_path)  # fmt: skip
    assert trend.returncode == 0 and trend.stdout.endswith(" 1\n"), trend.stdout

    page = tmp_path / "november.html"
    month = qualitygates("history", "report", "--period", "2026-11", "--html", str(page),
                         *store, cwd=tmp_path)  # fmt: skip
    assert month.returncode == 0, month.stderr
    assert "6 runs: 3 failed, 2 passed, 1 error." in month.stdout
    assert "| `tests` | 2 | 6 | 33.33% |" in month.stdout
    assert "| `tests` | `unit` | `failures == 0` | 3 |" in month.stdout
    assert "<h2>Top failing conditions</h2>" in page.read_text()

    october = qualitygates("history", "report", "--period", "2026-10", *store, cwd=tmp_path)
    assert october.returncode == 0
    assert october.stdout.endswith("No run was recorded in 2026-10.\n")


GATED = POLICY.replace("[failures == 0]", "[failures == 0, flaky_tests == 0]")
WAIVED = (
    GATED
    + """\
        waivers:
          - {id: "shop.test_cart::test_checkout", reason: "times out on the shared runner",
             owner: shop-team, expires: 2027-01-31}
"""
)


def test_flaky_tests_gates_on_the_record_and_a_waiver_accepts_a_known_one(
    tmp_path: Path, history_url: str
) -> None:
    record_series(tmp_path, history_url)

    def run(policy: str, commit: str, when: str, *failing: str) -> str:
        (tmp_path / "gates.yaml").write_text(policy)
        (tmp_path / "junit.xml").write_text(junit(*failing))
        env = {"QUALITYGATES_COMMIT": commit, "QUALITYGATES_BRANCH": "main"}
        done = qualitygates("run", "--history", history_url, "--now", when, "--json", "r.json",
                            cwd=tmp_path, env=env)  # fmt: skip
        checks = json.loads((tmp_path / "r.json").read_text())["gates"][0]["checks"]
        messages = [c["message"] for c in checks[0]["conditions"]]
        waivers = [f"{w['state']} {w['matched']}" for w in checks[0]["waivers"]]
        return f"{done.returncode}: " + " / ".join(messages + waivers)

    named = " (flaky: shop.test_cart::{}; qualitygates history flaky lists where)"
    # All pass now, but test_checkout flaked twice in the last 30 days: named in the message.
    assert run(GATED, "ddd444", "2026-11-26T09:00:00Z") == (
        "1: failures 0 is == 0 / flaky_tests 1 is not == 0" + named.format("test_checkout")
    )
    # Waived (a reason, an owner, an expiry): it counts neither as flaky nor as a failure,
    # and the waiver is applied, whether the test failed this time or not.
    assert run(WAIVED, "eee555", "2026-11-27T09:00:00Z", "test_checkout") == (
        "0: failures 0 is == 0 / flaky_tests 0 is == 0 / applied 1"
    )
    assert run(WAIVED, "eee556", "2026-11-27T10:00:00Z") == (
        "0: failures 0 is == 0 / flaky_tests 0 is == 0 / applied 1"
    )
    # test_add fails, then passes on the same commit: this run shows it flaky.
    assert run(WAIVED, "fff666", "2026-11-28T09:00:00Z", "test_add").startswith(
        "1: failures 1 is not == 0 / flaky_tests 0 is == 0"
    )
    assert run(WAIVED, "fff666", "2026-11-28T09:30:00Z") == (
        "1: failures 0 is == 0 / flaky_tests 1 is not == 0" + named.format("test_add")
        + " / applied 1"
    )  # fmt: skip
    # Thirty days on, the old flakes are out of the window; test_add's is not.
    assert run(GATED, "ggg777", "2026-12-26T09:00:00Z") == (
        "1: failures 0 is == 0 / flaky_tests 1 is not == 0" + named.format("test_add")
    )
    assert run(GATED, "hhh888", "2026-12-29T10:00:00Z") == (
        "0: failures 0 is == 0 / flaky_tests 0 is == 0"
    )


def test_flaky_tests_without_a_store_follow_on_no_baseline(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text(GATED)
    (tmp_path / "junit.xml").write_text(junit())
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "flaky_tests: flaky tests are found in a history store (on_no_baseline: warn)"
        in done.stdout
    )
