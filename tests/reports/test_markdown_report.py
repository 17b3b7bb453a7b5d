"""The Markdown report reads well in a pull request and stays under GitHub's 1 MiB limit."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates.api import render_result
from qualitygates.cli import cli
from qualitygates.model import (
    CheckResult,
    ConditionResult,
    GateResult,
    RunResult,
    Severity,
    Status,
    Unit,
)
from qualitygates.plugins import reporter_registry
from qualitygates.reports import publish
from qualitygates.reports.interface import ReportContext, ReportLimits
from qualitygates.reports.markdown_report import (
    MAX_BYTES,
    MarkdownReporter,
    code,
    escape,
    link_base_from_env,
)
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result

BASE = "https://github.com/acme/shop/blob/0123abc/"


def render(result: object, **options: object) -> str:
    return MarkdownReporter(**options).render(result).decode("utf-8")  # type: ignore[arg-type]


def html_of(markdown: str) -> str:
    """The HTML GitHub would make of it (CommonMark with GFM tables)."""
    markdown_it = pytest.importorskip("markdown_it")
    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(markdown))


def test_golden() -> None:
    assert_golden("rich.md", MarkdownReporter(link_base=BASE).render(rich_result()))


def test_registered() -> None:
    assert reporter_registry().load("markdown") is MarkdownReporter


def test_verdict_gate_tables_and_waivers() -> None:
    text = render(rich_result())
    assert text.startswith(
        "## ❌ Quality gates failed\n\n**0/2 gates passed — deployment blocked**"
    )
    assert "| coverage | `line_rate >= 80%` | 72.5% | 80% | ❌ failed |" in text
    assert "| image | `vulnerabilities.critical == 0` | n/a | — | ⛔ error |" in text
    assert "- ⏭️ **load** (k6): not selected with --gate" in text
    assert "| `CVE-1999-0001` | security/deps | ⚠️ **expired** | — | 2020-01-01 | 0 | old |" in text
    assert "<details><summary>Waived or suppressed findings (1)</summary>" in text


def test_top_findings_link_to_their_lines_and_the_rest_is_folded() -> None:
    findings = [finding(f"R{i}", Severity.LOW, line=i) for i in range(1, 13)]
    findings.append(finding("BAD", Severity.CRITICAL, path="src/a b.py", line=7))
    text = render(with_findings(*findings), link_base=BASE)
    top = text.split("### Top findings")[1].split("<details>")[0]
    assert top.count("\n| ") == 2 + 10  # the header, its rule and ten findings, most severe first
    assert "| 🔴 critical | `BAD` | [src/a b.py:7](" + BASE + "src/a%20b.py#L7) |" in top
    assert "<details><summary>More findings (3)</summary>" in text


def test_paths_outside_the_repository_are_not_linked() -> None:
    result = with_findings(finding(path="/abs/x.py"), finding("R2", path="../up.py"))
    text = render(result, link_base=BASE)
    assert "| /abs/x.py:3 |" in text and "| ../up.py:3 |" in text
    assert "](" not in text


@pytest.mark.parametrize(
    ("env", "base"),
    [
        (
            {
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_REPOSITORY": "a/b",
                "GITHUB_SHA": "f00",
            },
            "https://github.com/a/b/blob/f00/",
        ),
        (
            {"CI_PROJECT_URL": "https://gitlab.example/g/p/", "CI_COMMIT_SHA": "f00"},
            "https://gitlab.example/g/p/-/blob/f00/",
        ),
        ({"GITHUB_REPOSITORY": "a/b"}, None),
    ],
)
def test_link_base_from_env(env: dict[str, str], base: str | None) -> None:
    assert link_base_from_env(env) == base


def test_hostile_messages_stay_in_their_cell() -> None:
    nasty = "a | b\n<script>alert(1)</script> `x` **bold** [l](http://e) @octocat\r\n| c"
    result = with_findings(finding("R|1", message=nasty, path="p|q.py"))
    text = render(result)
    row = next(line for line in text.splitlines() if "R\\|1" in line)
    table = html_of(text).split("Top findings</h3>")[1].split("<tbody>")[-1].split("</tbody>")[0]
    assert "<script>" not in table and "<strong>" not in table and "<a href" not in table
    assert table.count("<tr>") == 1 and table.count("<td>") == 5, row
    assert "@\u2060octocat" in row  # no notification for @octocat
    assert "a \\| b &lt;script&gt;alert(1)&lt;/script&gt; \\`x\\` \\*\\*bold\\*\\*" in row


def test_escape_and_code_helpers() -> None:
    assert escape("x" * 400).endswith("x…") and len(escape("x" * 400)) == 300
    assert escape("mail a@b.c or @team") == "mail a@b.c or @\u2060team"
    assert code("a|b") == "`a\\|b`"
    assert code("has `tick`") == "`` has `tick` ``"


def test_two_hundred_thousand_findings_stay_under_one_mebibyte() -> None:
    distinct = [finding(f"RULE-{i}", Severity.MEDIUM, message="y" * 80, line=i) for i in range(100)]
    findings = distinct * 2000
    started = time.monotonic()
    data = MarkdownReporter(link_base=BASE).render(with_findings(*findings))
    assert time.monotonic() - started < 10
    assert len(data) <= MAX_BYTES < 1024 * 1024
    text = data.decode("utf-8")
    shown = text.count("| 🟡 medium |")
    assert 1000 < shown < 200_000
    assert f"> ✂️ {200_000 - shown} findings are not shown" in text
    assert text.rstrip().endswith("</sub>")
    assert text.count("<details>") == text.count("</details>")


def test_a_small_budget_still_closes_every_fold() -> None:
    findings = [finding(f"R{i}", message="z" * 200) for i in range(50)]
    text = render(with_findings(*findings), max_bytes=6000)
    assert len(text.encode()) <= 6000
    assert text.count("<details>") == text.count("</details>")
    assert "findings are not shown" in text


def test_a_passed_run_says_so_and_lists_no_findings() -> None:
    result = replace(with_findings(), status=Status.PASSED)
    text = render(result)
    assert text.startswith("## ✅ Quality gates passed\n")
    assert "Top findings" not in text and "<details>" not in text and "Waivers" not in text


def gates_with(statuses: list[Status], rows: int = 3) -> RunResult:
    """A run of one gate per status, each with `rows` conditions of that status."""
    gates = []
    for number, status in enumerate(statuses):
        conditions = tuple(
            ConditionResult(f"m{n} >= 1", f"m{n}", status,
                            "m is 0" if status is not Status.ERROR else "metric m is not in the report",
                            0.0, 1.0, Unit.COUNT, ">=")
            for n in range(rows)
        )  # fmt: skip
        check = CheckResult(f"c{number}", "fake", status, True, conditions=conditions)
        gates.append(GateResult(f"g{number}", f"Gate {number}", status, True, (check,)))
    return RunResult(Status.FAILED, tuple(gates), "2026-11-24T12:00:00+00:00", 1.0, "p", "0.1.0")


def test_failures_come_first_passing_gates_are_folded_and_reasons_shown() -> None:
    result = gates_with([Status.PASSED, Status.ERROR, Status.WARNED, Status.FAILED])
    text = MarkdownReporter().render(result).decode()
    order = [text.index(f"Gate {n} (`g{n}`)") for n in (3, 1, 2, 0)]
    assert order == sorted(order)  # failed, error, warned, then passed
    assert "<details><summary>✅ Gate 0 (`g0`): passed</summary>" in text
    assert "### ❌ Gate 3 (`g3`): failed" in text
    assert "- ⛔ **c1** `m0 >= 1`: metric m is not in the report" in text  # not on hover only


def test_a_character_limit_cuts_findings_then_passing_rows_and_says_so() -> None:
    base = gates_with([Status.PASSED] * 80 + [Status.FAILED], rows=20)
    many = [finding(f"R{n}", message="x" * 200) for n in range(400)]
    check = replace(base.gates[-1].checks[0], findings=tuple(many))
    result = replace(base, gates=(*base.gates[:-1], replace(base.gates[-1], checks=(check,))))
    full = MarkdownReporter().render(result).decode()
    assert len(full) > 65_536
    limited = MarkdownReporter(max_chars=65_536).render(result).decode()
    assert len(limited) <= 65_536
    assert "findings are not shown: this summary stays under 65,536 characters" in limited
    assert "conditions that passed are not shown, to fit 65,536 characters" in limited
    assert "- ✅ Gate 0 (`g0`): passed" in limited  # a passing gate is one line
    assert limited.count("| ❌ failed |") == 20  # every failed row is kept
    small = MarkdownReporter(max_chars=2_000).render(result).decode()
    assert len(small) <= 2_000 and small.endswith("the JSON report has all of it.\n")


def test_markdown_limit_on_the_command_line_and_not_on_the_job_summary(
    tmp_path: Path,
) -> None:
    result = gates_with([Status.PASSED] * 40 + [Status.FAILED], rows=30)
    saved = tmp_path / "result.json"
    saved.write_bytes(render_result(result, "json"))
    done = CliRunner().invoke(
        cli, ["report", str(saved), "-f", "markdown", "--markdown-limit", "5000"]
    )
    assert done.exit_code == 0 and len(done.output) <= 5001
    assert "conditions that passed are not shown" in done.output
    summary = tmp_path / "summary.md"
    publish.append_step_summary(
        result, frozenset(), {"GITHUB_STEP_SUMMARY": str(summary)},
        ReportContext(limits=ReportLimits(max_chars=5000)),
    )  # fmt: skip
    assert len(summary.read_text()) > 5000  # the job summary keeps its own 1 MiB cap


def test_a_finding_its_source_suppressed_is_never_called_waived() -> None:
    from qualitygates.reports.console import render_console

    result = with_findings(
        finding("S608", waived=True, waiver_reason="suppressed in source: reviewed"),
        finding("CVE-1", waived=True, waiver_reason="not reachable"),
    )
    text = MarkdownReporter().render(result).decode()
    assert "(suppressed in source: reviewed)" in text and "waived: suppressed" not in text
    assert "(waived: not reachable)" in text
    console = render_console(result, 0)
    assert "1 suppressed finding(s): S608" in console
    assert "1 waived finding(s): CVE-1" in console
