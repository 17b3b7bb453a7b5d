"""The engine: fail closed, worst-of, blocking, waivers, --gate, timeouts."""

from __future__ import annotations

import gc
import textwrap
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.interface import (
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
)
from qualitygates.domains import any_sign
from qualitygates.engine import RunOptions, run
from qualitygates.engine.runner import _reading
from qualitygates.errors import PolicyError
from qualitygates.model import Status, Unit
from qualitygates.policy import load_policy
from tests.fakes import FakeAdapter, registry_with_fake, write_fake

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def policy_for(tmp_path: Path, body: str):
    path = tmp_path / "gates.yaml"
    path.write_text("version: 1\ngates:\n" + textwrap.indent(textwrap.dedent(body), "  "))
    return load_policy(path, {}, registry_with_fake())


def run_policy(tmp_path: Path, body: str, **options):
    registry = registry_with_fake()
    return run(policy_for(tmp_path, body), RunOptions(now=NOW, **options), registry)


ONE_CHECK = """\
- id: g
  checks:
    - id: c
      adapter: fake
      with: {path: m.json}
      conditions: [line_rate >= 80%, {expr: "p95 < 300ms", on_fail: warn}]
"""


def test_passing_check(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [85.25, "percent"], "p95": [120.0, "ms"]})
    result = run_policy(tmp_path, ONE_CHECK)
    check = result.gates[0].checks[0]
    assert (result.status, result.exit_code, check.status) == (Status.PASSED, 0, Status.PASSED)
    assert [c.message for c in check.conditions] == [
        "line_rate 85.25% is >= 80%",
        "p95 120ms is < 300ms",
    ]


def test_failed_condition_names_actual_and_threshold(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"], "p95": [320.0, "ms"]})
    result = run_policy(tmp_path, ONE_CHECK)
    conditions = result.gates[0].checks[0].conditions
    assert result.exit_code == 1
    assert (conditions[0].status, conditions[0].message) == (
        Status.FAILED,
        "line_rate 72.5% is not >= 80%",
    )
    assert (conditions[1].status, conditions[1].actual, conditions[1].threshold) == (
        Status.WARNED,
        320.0,
        300.0,
    )


def test_rounding_never_hides_a_miss(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [79.996, "percent"], "p95": [1.0, "ms"]})
    message = run_policy(tmp_path, ONE_CHECK).gates[0].checks[0].conditions[0].message
    assert message == "line_rate 79.996% is not >= 80%"


def test_missing_source_is_an_error_of_every_condition(tmp_path: Path) -> None:
    result = run_policy(tmp_path, ONE_CHECK)
    check = result.gates[0].checks[0]
    assert (result.status, result.exit_code, check.status) == (Status.ERROR, 3, Status.ERROR)
    assert (
        check.error
        == f"{tmp_path / 'm.json'} does not exist: check the path, or that the tool ran before this step"
    )
    assert [c.status for c in check.conditions] == [Status.ERROR, Status.ERROR]


def test_absent_metric_is_an_error_naming_what_exists(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]})
    condition = run_policy(tmp_path, ONE_CHECK).gates[0].checks[0].conditions[1]
    assert (condition.status, condition.message) == (
        Status.ERROR,
        "p95 is not in the source; it has: line_rate, vulnerabilities.critical, vulnerabilities.high, "
        "vulnerabilities.low, vulnerabilities.medium, vulnerabilities.total",
    )


def test_adapter_crash_fails_closed_with_a_sentence(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", crash="boom")
    check = run_policy(tmp_path, ONE_CHECK).gates[0].checks[0]
    assert check.status is Status.ERROR
    assert check.error == "the fake adapter failed unexpectedly: RuntimeError: boom"


def test_failure_wins_over_error_for_the_exit_code(tmp_path: Path) -> None:
    write_fake(tmp_path / "bad.json", {"line_rate": [10.0, "percent"], "p95": [1.0, "ms"]})
    body = ONE_CHECK + ONE_CHECK.replace("id: g", "id: h").replace("m.json", "bad.json")
    result = run_policy(tmp_path, body)
    assert [g.status for g in result.gates] == [Status.ERROR, Status.FAILED]
    assert (result.status, result.exit_code) == (Status.FAILED, 1)


def test_on_error_warn_and_non_blocking(tmp_path: Path) -> None:
    write_fake(tmp_path / "bad.json", {"line_rate": [10.0, "percent"], "p95": [1.0, "ms"]})
    body = ONE_CHECK.replace("      adapter: fake", "      adapter: fake\n      on_error: warn")
    body += ONE_CHECK.replace("id: g", "id: h\n  blocking: false").replace("m.json", "bad.json")
    result = run_policy(tmp_path, body)
    assert [g.status for g in result.gates] == [Status.WARNED, Status.WARNED]
    assert result.gates[1].checks[0].status is Status.FAILED  # reported as it is
    assert (result.status, result.exit_code) == (Status.PASSED, 0)


def test_warn_only_exits_zero_but_keeps_the_verdict(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [10.0, "percent"], "p95": [1.0, "ms"]})
    result = run_policy(tmp_path, ONE_CHECK, warn_only=True)
    assert (result.status, result.exit_code) == (Status.FAILED, 0)


def test_gate_selection_skips_the_others(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"], "p95": [1.0, "ms"]})
    body = ONE_CHECK + ONE_CHECK.replace("id: g", "id: h").replace("m.json", "absent.json")
    result = run_policy(tmp_path, body, gates=("g",))
    assert [g.status for g in result.gates] == [Status.PASSED, Status.SKIPPED]
    assert result.exit_code == 0 and result.gates_judged == 1
    with pytest.raises(PolicyError, match=r"--gate 'x' is not a gate of gates\.yaml"):
        run_policy(tmp_path, body, gates=("x",))


FINDINGS_CHECK = """\
- id: security
  checks:
    - id: scan
      adapter: fake
      with: {path: f.json}
      conditions: [vulnerabilities.critical == 0]
      waivers:
        - {id: CVE-1, reason: not reachable, package: openssl}
        - {id: CVE-2, reason: old exception, expires: 2026-11-23}
        - {id: CVE-3, reason: nothing has it}
        - {id: CVE-4, reason: vendor fix next week, expires: 2026-12-01}
"""


def test_waivers_applied_expired_unused_expiring(tmp_path: Path) -> None:
    findings = [
        {"id": "CVE-1", "severity": "critical", "package": "openssl@3.0.1"},
        {"id": "CVE-1", "severity": "critical", "package": "zlib@1.2"},
        {"id": "CVE-2", "severity": "critical"},
        {"id": "CVE-4", "severity": "high"},
    ]
    write_fake(tmp_path / "f.json", findings=findings)
    check = run_policy(tmp_path, FINDINGS_CHECK).gates[0].checks[0]
    assert [f.waived for f in check.findings] == [True, False, False, True]
    assert check.metrics["vulnerabilities.critical"].value == 2  # zlib's CVE-1 and expired CVE-2
    assert {w.id: w.state for w in check.waivers} == {
        "CVE-1": "applied",
        "CVE-2": "expired",
        "CVE-3": "unused",
        "CVE-4": "expiring",
    }


def test_waiver_is_valid_through_its_expiry_day(tmp_path: Path) -> None:
    write_fake(tmp_path / "f.json", findings=[{"id": "CVE-2", "severity": "critical"}])
    policy = policy_for(tmp_path, FINDINGS_CHECK)
    last_day = datetime(2026, 11, 23, 23, 59, tzinfo=timezone.utc)
    result = run(policy, RunOptions(now=last_day), registry_with_fake())
    assert result.gates[0].checks[0].findings[0].waived is True


def test_timeout_bounds_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_collect(self: FakeAdapter, request: CollectRequest) -> Collection:
        time.sleep(5)
        raise AssertionError("unreachable")

    monkeypatch.setattr(FakeAdapter, "collect", slow_collect)
    started = time.monotonic()
    result = run_policy(tmp_path, ONE_CHECK, timeout=0.3)
    assert time.monotonic() - started < 2
    error = result.gates[0].checks[0].error or ""
    assert error.startswith("did not finish within the run's --timeout of 0.3 s (reading ")
    assert error.endswith("m.json)")
    assert result.exit_code == 3
    assert gc.isenabled()  # the check left behind, still asleep, does not keep it off


def test_a_check_out_of_time_names_its_server_without_secrets(tmp_path: Path) -> None:
    check = policy_for(tmp_path, ONE_CHECK).gates[0].checks[0]
    url = "https://ci:s3cret@sonar.example.com/?token=abc123&project=shop"
    shown = _reading(replace(check, options={"url": url}))
    assert shown.startswith(" (reading https://sonar.example.com/")
    assert "s3cret" not in shown and "abc123" not in shown


FRESH_CHECK = """\
- id: g
  checks:
    - id: c
      adapter: fake
      with: {path: m.json}
      max_age: 7d
      commit: abc1234
      conditions: [line_rate >= 80%]
"""


def test_fresh_report_of_the_right_commit_passes(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]},
               timestamp="2026-11-23T12:00:00+00:00", revision="abc1234def567")  # fmt: skip
    check = run_policy(tmp_path, FRESH_CHECK).gates[0].checks[0]
    assert check.status is Status.PASSED
    assert [c.expr for c in check.conditions] == [
        "line_rate >= 80%",
        "report age <= 7d",
        "report commit == abc1234",
    ]
    assert check.conditions[1].message == "the report was made 1d ago (2026-11-23T12:00:00+00:00)"


def test_stale_or_foreign_report_fails_with_both_values(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]},
               timestamp="2026-11-01T12:00:00+00:00", revision="fff0000")  # fmt: skip
    result = run_policy(tmp_path, FRESH_CHECK)
    age, commit = result.gates[0].checks[0].conditions[1:]
    assert (age.status, age.message) == (
        Status.FAILED,
        "the report was made 23d ago (2026-11-01T12:00:00+00:00), more than 7d",
    )
    assert (commit.status, commit.message) == (
        Status.FAILED,
        "the report describes commit fff0000, not abc1234: it comes from another build",
    )
    assert result.exit_code == 1


def test_a_report_without_time_or_commit_cannot_prove_them(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]})
    result = run_policy(tmp_path, FRESH_CHECK)
    assert [c.status for c in result.gates[0].checks[0].conditions] == [
        Status.PASSED,
        Status.ERROR,
        Status.ERROR,
    ]
    assert result.exit_code == 3


def test_bare_number_is_in_the_tools_unit_when_only_the_source_knows_it(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"dyn.density": [2.5, "percent"]})
    body = ONE_CHECK.replace(
        '[line_rate >= 80%, {expr: "p95 < 300ms", on_fail: warn}]',
        "[dyn.density < 3, dyn.density < 3%]",
    )
    conditions = run_policy(tmp_path, body).gates[0].checks[0].conditions
    assert [(c.status, c.message) for c in conditions] == [
        (Status.PASSED, "dyn.density 2.5% is < 3%"),
        (Status.PASSED, "dyn.density 2.5% is < 3%"),
    ]


def test_bare_number_on_a_declared_percent_metric_is_refused_at_validation(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="line_rate is a percentage"):
        policy_for(tmp_path, ONE_CHECK.replace("line_rate >= 80%", "line_rate >= 80"))


# --- impossible values and reports from the future: the report is corrupt (exit 3) -------


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        (
            {"line_rate": [134.2, "percent"]},
            "line_rate is 134.2 %, outside 0–100 %: the report is corrupt or not from fake",
        ),
        (
            {"line_rate": [90.0, "percent"], "count": [-3.0, "count"]},
            "count is -3, outside 0 or more: the report is corrupt or not from fake",
        ),
        (
            {"line_rate": [90.0, "percent"], "count": [2.5, "count"]},
            "count is 2.5, not a whole number: the report is corrupt or not from fake",
        ),
        (
            {"line_rate": [float("nan"), "percent"]},
            "line_rate is NaN, not a number: the report is corrupt or not from fake",
        ),
        (
            {"line_rate": [90.0, "percent"], "p95": [float("-inf"), "ms"]},
            "p95 is -inf, not a finite number: the report is corrupt or not from fake",
        ),
        (
            {"line_rate": [90.0, "percent"], "rate": [1.01, "ratio"]},
            "rate is 1.01, outside 0–1: the report is corrupt or not from fake",
        ),
    ],
    ids=["percent", "negative-count", "fractional-count", "nan", "infinite-ms", "ratio"],
)
def test_an_impossible_value_is_an_error_even_on_a_metric_no_condition_reads(
    tmp_path: Path, metrics: dict[str, list[object]], message: str
) -> None:
    path = write_fake(tmp_path / "m.json", metrics)
    body = ONE_CHECK.replace('{expr: "p95 < 300ms", on_fail: warn}', "line_rate < 200%")
    result = run_policy(tmp_path, body)
    check = result.gates[0].checks[0]
    assert (result.exit_code, check.status, check.error) == (3, Status.ERROR, f"{path}: {message}")
    assert check.sources == (str(path),)
    assert {c.message for c in check.conditions} == {f"{path}: {message}"}


class SignedFake(FakeAdapter):
    """A fake whose `dyn.*` metrics may be negative in ms, as a k6 custom Trend may."""

    metrics = (
        *FakeAdapter.metrics[:-1],
        MetricSpec("dyn.<name>", None, "signed", pattern=r"dyn\.[a-z]+",
                   domains=any_sign(Unit.MILLISECONDS)),
    )  # fmt: skip


def test_an_adapter_declares_where_a_unit_may_go_below_zero(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"dyn.skew": [-12.0, "ms"], "dyn.share": [-1.0, "percent"]})
    registry = registry_with_fake()
    registry.register("fake", SignedFake)
    policy = policy_for(tmp_path, ONE_CHECK.replace(
        '[line_rate >= 80%, {expr: "p95 < 300ms", on_fail: warn}]', "[dyn.skew < 0ms]"
    ))  # fmt: skip
    check = run(policy, RunOptions(now=NOW), registry).gates[0].checks[0]
    assert check.error is not None and check.error.endswith(
        "dyn.share is -1 %, outside 0–100 %: the report is corrupt or not from fake"
    )
    write_fake(tmp_path / "m.json", {"dyn.skew": [-12.0, "ms"]})
    check = run(policy, RunOptions(now=NOW), registry).gates[0].checks[0]
    assert (check.status, check.conditions[0].message) == (Status.PASSED, "dyn.skew -12ms is < 0ms")


def test_a_report_from_the_future_is_an_error_with_or_without_max_age(tmp_path: Path) -> None:
    path = write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]},
                      timestamp="2026-11-24T13:00:00+00:00")  # fmt: skip
    expected = (
        f"{path}: the report says it was made at 2026-11-24T13:00:00+00:00, 60 min after the "
        "run's clock (2026-11-24T12:00:00+00:00; 5 min allowed): a wrong clock or a forged report"
    )
    for body in (ONE_CHECK, FRESH_CHECK):
        result = run_policy(tmp_path, body)
        assert (result.exit_code, result.gates[0].checks[0].error) == (3, expected)


def test_a_report_within_the_clock_skew_is_fresh(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [90.0, "percent"]},
               timestamp="2026-11-24T12:04:00+00:00", revision="abc1234")  # fmt: skip
    check = run_policy(tmp_path, FRESH_CHECK).gates[0].checks[0]
    assert (check.status, check.conditions[1].message) == (
        Status.PASSED,
        "the report was made at 2026-11-24T12:04:00+00:00, 4m after now: "
        "within the clock skew allowed",
    )


class FakeServerAdapter(FakeAdapter):
    """The fake adapter, declared as one that may wait on a server."""

    name = "fakeserver"
    options = (*FakeAdapter.options, OptionSpec("url", OptionKind.URL, "its server"))


def test_file_checks_share_two_threads_and_server_checks_each_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, str] = {}
    original = FakeAdapter.collect

    def collect(self: FakeAdapter, request: CollectRequest) -> Collection:
        threads[request.check_id] = threading.current_thread().name
        if request.check_id.startswith("server"):
            time.sleep(0.5)  # waiting on its server, the interpreter lock released
        else:
            busy_until = time.perf_counter() + 0.02  # reading its file: the CPU
            while time.perf_counter() < busy_until:
                pass
        return original(self, request)

    monkeypatch.setattr(FakeAdapter, "collect", collect)
    write_fake(tmp_path / "m.json", {"count": [0, "count"]})
    checks = "".join(
        f"    - {{id: {kind}{n}, adapter: {adapter}, with: {{path: m.json}}, "
        "conditions: [count == 0]}\n"
        for kind, adapter in (("file", "fake"), ("server", "fakeserver"))
        for n in range(6)
    )
    path = tmp_path / "gates.yaml"
    path.write_text(f"version: 1\ngates:\n  - id: g\n    checks:\n{checks}")
    registry = registry_with_fake()
    registry.register("fakeserver", FakeServerAdapter)
    started = time.monotonic()
    result = run(load_policy(path, {}, registry), RunOptions(now=NOW), registry)
    assert result.exit_code == 0
    assert time.monotonic() - started < 2.0  # the six waits overlapped
    server_threads = {threads[f"server{n}"] for n in range(6)}
    assert len(server_threads) == 6
    assert len({threads[f"file{n}"] for n in range(6)}) <= 2
