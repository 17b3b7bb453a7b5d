"""Istanbul's json-summary in the coverage adapter: c8's own numbers, and damaged reports.

The real runs use c8 (npm) on `tests/data/coverage/js/`, found like the other node tools
(`QUALITYGATES_NODE_BIN`), and skip when it is absent.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.coverage import CoverageAdapter
from qualitygates.adapters.coverage.adapter import read_report
from qualitygates.adapters.coverage.store import LineStore
from qualitygates.errors import AdapterError
from tests.adapters.test_lint import node_tool
from tests.helpers import DATA, collect

JS = DATA / "coverage" / "js"
TEXT_SUMMARY = re.compile(
    r"^(Statements|Branches|Functions|Lines)\s*: \S+ \( (\d+)/(\d+) \)$", re.M
)


def c8(reports: Path, cwd: Path, script: Path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """Run `script` under c8 from `cwd` (c8 measures the files under it): its json-summary,
    and (covered, total) per counter as c8's own text summary prints them."""
    done = subprocess.run(
        [str(node_tool("c8")), "--reporter=json-summary", "--reporter=text-summary",
         f"--reports-dir={reports}", "node", str(script)],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    printed = {name: (int(c), int(t)) for name, c, t in TEXT_SUMMARY.findall(done.stdout)}
    return reports / "coverage-summary.json", printed


def test_the_numbers_are_c8s_own(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(JS, project)
    report, printed = c8(tmp_path / "coverage", project, project / "cart.test.js")
    metrics = {k: m.value for k, m in collect(CoverageAdapter, path=str(report)).metrics.items()}
    assert printed["Lines"] == (metrics["lines_covered"], metrics["lines_valid"])
    assert printed["Branches"] == (metrics["branches_covered"], metrics["branches_valid"])
    statements = printed["Statements"]
    assert metrics["total"] == pytest.approx(100 * statements[0] / statements[1], abs=1e-12)
    assert metrics["line_rate"] < 100 and metrics["files"] == 1


def test_c8_measuring_nothing_is_an_error_not_its_100_or_unknown(tmp_path: Path) -> None:
    empty = tmp_path / "empty"  # c8 measures only the files under its working folder
    empty.mkdir()
    report, printed = c8(tmp_path / "coverage", empty, JS / "cart.test.js")
    assert printed["Statements"] == (0, 0)  # c8 prints "Unknown% ( 0/0 )"
    with pytest.raises(AdapterError, match="measure no statements"):
        collect(CoverageAdapter, path=str(report))


COUNTERS = ("lines", "statements", "functions", "branches")


def summary(**files: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """A json-summary of `files` (name -> counter -> (covered, total)) with its total."""

    def entry(counters: dict[str, tuple[int, int]]) -> dict[str, Any]:
        return {
            name: {"total": t, "covered": c, "skipped": 0, "pct": 100 if not t else 100 * c / t}
            for name, (c, t) in counters.items()
        }

    total = {
        name: (sum(f[name][0] for f in files.values()), sum(f[name][1] for f in files.values()))
        for name in COUNTERS
    }
    return {"total": entry(total), **{name: entry(counters) for name, counters in files.items()}}


def write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


GOOD = {"a.js": {"lines": (8, 10), "statements": (9, 12), "branches": (1, 4), "functions": (2, 3)}}


def test_rates_come_from_covered_and_total_never_from_pct(tmp_path: Path) -> None:
    data = summary(**GOOD)
    data["total"]["lines"]["pct"] = 100  # what Istanbul writes for 0/0; wrong here on purpose
    metrics = collect(CoverageAdapter, path=write(tmp_path / "s.json", data)).metrics
    assert (metrics["line_rate"].value, metrics["total"].value) == (80.0, 75.0)
    assert metrics["branch_rate"].value == 25.0


@pytest.mark.parametrize(
    ("damage", "sentence"),
    [
        (lambda d: d["a.js"]["lines"].update(covered=11), "11 covered of 10 is impossible"),
        (lambda d: d["total"]["lines"].update(total=11), "is not the sum of its files'"),
        (lambda d: d["a.js"]["branches"].update(total="4"), "should be whole numbers"),
        (
            lambda d: d["a.js"].pop("statements"),
            "is not an Istanbul json-summary: 'a.js' has no statements",
        ),
        (lambda d: d.pop("total"), 'has no "total" object'),
    ],
)
def test_a_damaged_summary_is_refused_with_a_sentence(
    tmp_path: Path, damage: Any, sentence: str
) -> None:
    data = summary(**GOOD)
    damage(data)
    with pytest.raises(AdapterError, match=re.escape(sentence)):
        collect(CoverageAdapter, path=write(tmp_path / "s.json", data), format="istanbul-summary")


def test_summaries_of_different_files_add_up_and_the_same_file_twice_is_refused(
    tmp_path: Path,
) -> None:
    one = write(tmp_path / "one.json", summary(**GOOD))
    other = {
        "b.js": {"lines": (2, 10), "statements": (3, 12), "branches": (0, 0), "functions": (0, 1)}
    }
    two = write(tmp_path / "two.json", summary(**other))
    metrics = collect(CoverageAdapter, path=[one, two]).metrics
    assert (metrics["lines_covered"].value, metrics["lines_valid"].value) == (10, 20)
    assert metrics["files"].value == 2
    with pytest.raises(AdapterError, match=re.escape("both measure 'a.js'")):
        collect(CoverageAdapter, path=[one, write(tmp_path / "again.json", summary(**GOOD))])


def test_a_summary_is_not_merged_with_line_level_reports(tmp_path: Path) -> None:
    lcov = tmp_path / "lcov.info"
    lcov.write_text("SF:a.js\nDA:1,1\nDA:2,0\nend_of_record\n")
    summary_path = write(tmp_path / "s.json", summary(**GOOD))
    with pytest.raises(
        AdapterError, match=re.escape("lcov.info has lines, but other reports are Istanbul")
    ):
        collect(CoverageAdapter, path=[summary_path, str(lcov)])
    with pytest.raises(AdapterError, match="is an Istanbul json-summary: totals without lines"):
        read_report(Path(summary_path), LineStore(), {})  # what diff_coverage reads with
