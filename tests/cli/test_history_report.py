"""`qualitygates history report`: Markdown to stdout or a file, HTML beside it, the period
checked before the store is opened."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner, Result

from qualitygates.cli import cli
from qualitygates.history import RunContext, open_store
from tests.history.builders import gate, junit_check, result

NOV = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def seed(store: Path) -> None:
    """Three runs in November 2026: failed, passed, failed; the gate's name is hostile."""
    with open_store(store) as opened:
        for day, failed in ((0, ["a"]), (1, []), (20, ["a", "b"])):
            run = result(gate("<script>x</script>", junit_check(failed)))
            when = NOV + timedelta(days=day)
            opened.record(run, RunContext(commit="c1", branch="main", recorded_at=when))


def report(store: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["history", "report", "--history", str(store), *args])


def test_the_markdown_goes_to_stdout(tmp_path: Path) -> None:
    seed(tmp_path / "h.sqlite")
    done = report(tmp_path / "h.sqlite", "--period", "2026-11")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("# Quality gates history: 2026-11\n")
    assert "3 runs: 2 failed, 1 passed." in done.output
    assert "| `<script>x</script>` | 1 | 3 | 33.33% |" in done.output
    assert "| `<script>x</script>.unit.failures` | 0.5 | 2 | +300% |" in done.output
    assert "| `<script>x</script>` | `unit` | `failures == 0` | 2 |" in done.output


def test_markdown_and_html_files_are_written_instead(tmp_path: Path) -> None:
    seed(tmp_path / "h.sqlite")
    md, page = tmp_path / "out" / "report.md", tmp_path / "report.html"
    (tmp_path / "out").mkdir()
    done = report(tmp_path / "h.sqlite", "--period", "2026-Q4", "--markdown", str(md),
                  "--html", str(page))  # fmt: skip
    assert (done.exit_code, done.output) == (0, "")
    assert md.read_text().startswith("# Quality gates history: 2026-Q4\n")
    html = page.read_text()
    assert "<script>" not in html
    assert "<td><code>&lt;script&gt;x&lt;/script&gt;</code></td><td class='n'>1</td>" in html
    assert "default-src 'none'" in html


def test_an_empty_period_says_so(tmp_path: Path) -> None:
    seed(tmp_path / "h.sqlite")
    done = report(tmp_path / "h.sqlite", "--period", "2026-10", "--branch", "main")
    assert done.exit_code == 0
    assert done.output.endswith("on branch `main`.\n\nNo run was recorded in 2026-10.\n")


def test_a_bad_period_is_a_usage_error_before_any_store_is_opened(tmp_path: Path) -> None:
    done = report(tmp_path / "h.sqlite", "--period", "2026-13")
    assert done.exit_code == 2
    assert "'2026-13' is not a period: give a month (2026-11)" in done.output
    assert not (tmp_path / "h.sqlite").exists()


def test_no_store_named_is_a_usage_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        cli, ["history", "report", "--period", "2026-11", "-c", str(tmp_path / "none.yaml")],
        env={"QUALITYGATES_HISTORY": None},
    )  # fmt: skip
    assert done.exit_code == 2
    assert "name a history store" in done.output
