"""The history report's Markdown and HTML: every name escaped, every number with its unit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from qualitygates.history.monthly import (
    FailingCondition,
    GatePassRate,
    MetricMove,
    PeriodReport,
    windows_between,
)
from qualitygates.history.monthly_render import report_html, report_markdown
from qualitygates.history.period import parse_period
from qualitygates.model import Unit

START = datetime(2026, 11, 2, tzinfo=timezone.utc)


def a_report(days: int = 25, **names: str) -> PeriodReport:
    gate, check, expr = names.get("gate", "quality"), names.get("check", "cov"), "total >= 80"
    return PeriodReport(
        period=parse_period("2026-11"),
        branch=None,
        statuses={"passed": 3, "failed": 1},
        gates=(GatePassRate(gate, 4, 3),),
        windows=windows_between(START, START + timedelta(days=days)),
        moves=(
            MetricMove(gate, check, "errors", Unit.COUNT, 0, 2),
            MetricMove(gate, check, "total", Unit.PERCENT, 80, 72),
            MetricMove(gate, check, "p95", Unit.MILLISECONDS, 200, 251),
        ),
        conditions=(FailingCondition(gate, check, expr, 1),),
    )


def test_markdown_shows_units_changes_and_which_windows_were_compared() -> None:
    markdown = report_markdown(a_report())
    assert "4 runs: 3 passed, 1 failed." in markdown
    assert "| `quality` | 3 | 4 | 75% |" in markdown
    assert "| `quality.cov.errors` | 0 | 2 | from 0 |" in markdown
    assert "| `quality.cov.total` | 80% | 72% | -10% |" in markdown
    assert "| `quality.cov.p95` | 200ms | 251ms | +25.5% |" in markdown
    assert "the period's first week of runs (2026-11-02 00:00 to 2026-11-09 00:00)" in markdown
    assert "against its last week (2026-11-20 00:00 to 2026-11-27 00:00)" in markdown


def test_runs_over_less_than_two_weeks_say_they_compare_halves() -> None:
    markdown = report_markdown(a_report(days=4))
    assert "the first half of the period's runs (2026-11-02 00:00 to 2026-11-04 00:00)" in markdown


def test_a_name_cannot_break_out_of_its_markdown_cell() -> None:
    markdown = report_markdown(a_report(gate="a|b`c", check="@team\n<img src=x>"))
    assert "| ``a\\|b`c`` | 3 | 4 | 75% |" in markdown
    assert "| ``a\\|b`c`` | `@team <img src=x>` | `total >= 80` | 1 |" in markdown


def test_a_long_name_is_shortened() -> None:
    markdown = report_markdown(a_report(gate="g" * 500))
    assert f"| `{'g' * 199}…` | 3 | 4 | 75% |" in markdown


def test_html_escapes_every_name() -> None:
    page = report_html(a_report(gate="<b>&", check="</td><script>"))
    assert "<script>" not in page and "<b>" not in page
    assert "<td><code>&lt;b&gt;&amp;</code></td><td class='n'>3</td>" in page
    assert "<code>&lt;/td&gt;&lt;script&gt;</code>" in page
    assert "<td class='n'>+25.5%</td>" in page
