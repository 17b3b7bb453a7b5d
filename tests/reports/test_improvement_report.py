"""The improvement validation report: the table a reader sees, the conclusion, and text from
the registry kept from breaking the table or the page."""

from __future__ import annotations

from datetime import date, datetime, timezone

from qualitygates.history.improvement_validation import TargetResult, Unevaluated, Validation
from qualitygates.history.improvements import Improvement, MetricRef
from qualitygates.history.stats import Shift
from qualitygates.model import Unit
from qualitygates.reports.improvement_report import (
    period_markdown,
    tally,
    validation_html,
    validation_markdown,
)

CACHE = Improvement(
    "IMP-2026-004", "Cache | the <b>price</b> lookup", "@alice",
    MetricRef("http_req_duration.p(95)", "load"), -30.0, date(2026, 10, 1), date(2026, 10, 15),
)  # fmt: skip
LATENCY = TargetResult(
    "perf.load.http_req_duration.p(95)", "-30%", False, Unit.MILLISECONDS,
    Shift(212.0, 141.0, 8.0, 5.5, 0.000183), (10, 9), True,
)  # fmt: skip
ERRORS = TargetResult(
    "perf.load.http_req_failed", "< +10%", True, Unit.RATIO,
    Shift(0.01, 0.012, 0.001, 0.002, 0.0312), (10, 9), False,
    "broke its limit (+20%, allowed < +10%)",
)  # fmt: skip


def test_the_table_shows_medians_spreads_runs_change_and_target() -> None:
    text = validation_markdown(Validation(CACHE, (LATENCY, ERRORS))).decode()
    lines = text.splitlines()
    assert lines[0] == r"## IMP-2026-004 Cache \| the &lt;b&gt;price&lt;/b&gt; lookup: ⚠️ partial"
    assert lines[2].startswith("owner @\u2060alice · work from 2026-10-01 to 2026-10-15 · ")
    assert lines[4:8] == [
        "| Metric | Before | After | Change | Target |",
        "| --- | --- | --- | --- | --- |",
        "| `perf.load.http_req_duration.p(95)` | 212ms ± 8ms (10 runs) | 141ms ± 5.5ms (9 runs) "
        "| -33.5% (p = 0.000183) | `-30%` ✅ met |",
        "| guardrail `perf.load.http_req_failed` | 1% ± 0.1% (10 runs) | 1.2% ± 0.2% (9 runs) "
        "| +20% (p = 0.0312) | `< +10%` ❌ missed: broke its limit (+20%, allowed &lt; +10%) |",
    ]
    assert lines[-1] == (
        "**Conclusion: partial**: perf.load.http\\_req\\_duration.p(95) moved as expected, but "
        "perf.load.http\\_req\\_failed broke its limit (+20%, allowed &lt; +10%)"
    )


def test_an_open_window_is_noted_before_the_conclusion() -> None:
    still_open = datetime(2026, 11, 15, tzinfo=timezone.utc)
    text = validation_markdown(Validation(CACHE, (LATENCY,), still_open)).decode()
    assert (
        "> **Note:** the runs after the work are taken until 2026-11-14: more may change this"
        in text
    )
    assert text.splitlines()[-1] == "**Conclusion: success**: every target met (1/1)"


def test_a_period_counts_its_conclusions_and_says_why_one_was_not_judged() -> None:
    unknown = Unevaluated(CACHE, "no metric 'latency' in the history store h.sqlite")
    outcomes = [Validation(CACHE, (LATENCY,)), Validation(CACHE, (LATENCY, ERRORS)), unknown]
    assert tally(outcomes) == "1 success, 1 partial, 0 failure, 1 cannot be evaluated"
    text = period_markdown("2026-Q4", outcomes).decode()
    assert text.startswith(
        "# Improvements ended in 2026-Q4\n\n"
        "**1 success, 1 partial, 0 failure, 1 cannot be evaluated**\n"
    )
    assert text.count("| Metric | Before | After | Change | Target |") == 2
    assert text.endswith(
        ": ⛔ cannot be evaluated\n\nowner @\u2060alice · work from 2026-10-01 to 2026-10-15 · "
        "runs of main in the 30d before and after\n\n**Conclusion: cannot be evaluated**: "
        "no metric 'latency' in the history store h.sqlite\n"
    )
    assert period_markdown("2026-Q1", []).decode() == (
        "# Improvements ended in 2026-Q1\n\nNo improvement ended in 2026-Q1.\n"
    )


def test_the_page_escapes_the_registry_text() -> None:
    page = validation_html("IMP-2026-004: partial", [Validation(CACHE, (LATENCY, ERRORS))])
    text = page.decode()
    assert "<b>price</b>" not in text and "&lt;b&gt;price&lt;/b&gt;" in text
    assert "<td>guardrail <code>perf.load.http_req_failed</code></td>" in text
    assert '<span class="missed">missed: broke its limit (+20%, allowed &lt; +10%)</span>' in text
    assert "<strong>Conclusion: partial</strong>" in text
    assert "default-src 'none'" in text  # no script may run, whatever the registry holds
