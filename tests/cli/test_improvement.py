"""`qualitygates improvement validate|list|report`: exit codes, the one sentence of each
problem, and the files written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualitygates.cli import cli
from qualitygates.history import open_store
from tests.history.test_improvements import AFTER, BEFORE, record

REGISTRY = """\
improvements:
  - id: IMP-2026-001
    title: Faster tests
    owner: alice
    metric: {check: tests, name: duration}
    expected: -30%
    guardrails:
      - "line_rate > -2%"
    start: 2026-09-11
    end: 2026-09-12
    window: 10d
  - id: IMP-2026-002
    title: Cache the fixtures
    owner: bob
    metric: {check: tests, name: duration}
    expected: -50%
    start: 2026-11-02
    end: 2026-11-20
"""
NOW = ("--now", "2026-11-05T12:00:00Z")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A registry beside a policy, and a store where IMP-2026-001 took 120 s down to 78 s."""
    (tmp_path / "improvements.yaml").write_text(REGISTRY)
    with open_store(tmp_path / "history.sqlite") as store:
        record(store, BEFORE, 120, 85)
        record(store, AFTER, 78, 85)
    return tmp_path


def invoke(project: Path, *args: str) -> Result:
    history = ("--history", str(project / "history.sqlite"))
    config = ("-c", str(project / "gates.yaml"))  # absent: only its folder is used
    return CliRunner().invoke(cli, ["improvement", *args, *history, *config])


def test_validate_prints_the_table_writes_the_reports_and_exits_0_on_success(
    project: Path,
) -> None:
    markdown, page = project / "out" / "imp.md", project / "out" / "imp.html"
    (project / "out").mkdir()
    done = invoke(project, "validate", "IMP-2026-001", *NOW, "--markdown", str(markdown),
                  "--html", str(page))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.output.startswith("## IMP-2026-001 Faster tests: ✅ success\n")
    assert "| guardrail `quality.coverage.line_rate` |" in done.output
    assert markdown.read_text() == done.output
    assert "<strong>Conclusion: success</strong>" in page.read_text()


@pytest.mark.parametrize(
    ("wanted", "registry_line", "code", "sentence"),
    [
        ("IMP-2026-01", "", 2, "there is no improvement 'IMP-2026-01' in {registry} "
         "(did you mean 'IMP-2026-001'?)"),
        ("IMP-2026-002", "", 3, "IMP-2026-002 cannot be validated: its work ends on "
         "2026-11-20, and the runs after that day are what it is judged on"),
        ("IMP-2026-001", "    ends: 2026-11-20", 2, "{registry}:15:5: unknown key 'ends' in "
         "improvement IMP-2026-002 (did you mean 'end'?)"),
    ],
    ids=["unknown id", "still in progress", "bad registry"],
)  # fmt: skip
def test_a_problem_is_one_sentence_and_its_exit_code(
    project: Path, wanted: str, registry_line: str, code: int, sentence: str
) -> None:
    registry = project / "improvements.yaml"
    if registry_line:
        registry.write_text(REGISTRY.replace("owner: bob", f"owner: bob\n{registry_line}"))
    done = invoke(project, "validate", wanted, *NOW)
    assert done.exit_code == code
    assert done.output == f"error: {sentence.format(registry=registry)}\n"


def test_file_names_another_registry(project: Path) -> None:
    other = project / "elsewhere.yaml"
    (project / "improvements.yaml").rename(other)
    done = invoke(project, "list", *NOW, "--file", str(other))
    assert done.exit_code == 0, done.output
    assert invoke(project, "list", *NOW).exit_code == 2  # the default one is gone


def test_list_shows_each_state_and_what_was_measured(project: Path) -> None:
    done = invoke(project, "list", *NOW)
    assert done.exit_code == 0, done.output
    first, second = done.output.splitlines()
    assert first.startswith(
        "IMP-2026-001  ended        2026-09-11 → 2026-09-12  alice  Faster tests        -3"
    )
    assert first.endswith(", expected -30%: success")
    assert second == (
        "IMP-2026-002  in progress  2026-11-02 → 2026-11-20  bob    Cache the fixtures"
    )


def test_list_needs_no_store(project: Path) -> None:
    done = CliRunner().invoke(
        cli, ["improvement", "list", "--now", "2026-09-01", "-c", str(project / "gates.yaml")],
        env={"QUALITYGATES_HISTORY": None},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert [line.split()[1] for line in done.output.splitlines()] == ["planned", "planned"]


def test_report_validates_the_improvements_that_ended_in_the_period(project: Path) -> None:
    page = project / "q3.html"
    done = invoke(project, "report", "--period", "2026-Q3", *NOW, "--html", str(page))
    assert done.exit_code == 0, done.output
    assert done.output.startswith(
        "# Improvements ended in 2026-Q3\n\n**1 success, 0 partial, 0 failure**\n"
    )
    assert "IMP-2026-002" not in done.output
    assert '<p class="summary">1 success, 0 partial, 0 failure</p>' in page.read_text()


def test_a_bad_period_is_a_usage_error(project: Path) -> None:
    done = invoke(project, "report", "--period", "2026-Q5")
    assert done.exit_code == 2
    assert (
        "Invalid value for --period: '2026-Q5' is not a period: give a month (2026-11), a "
        "quarter (2026-Q4) or a year (2026)" in done.output
    )


def test_validate_needs_a_store(project: Path) -> None:
    done = CliRunner().invoke(
        cli, ["improvement", "validate", "IMP-2026-001", "-c", str(project / "gates.yaml")],
        env={"QUALITYGATES_HISTORY": None},
    )  # fmt: skip
    assert done.exit_code == 2
    assert "name a history store: --history PATH|URL, $QUALITYGATES_HISTORY" in done.output
