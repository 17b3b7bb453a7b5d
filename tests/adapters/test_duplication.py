"""The duplication adapter: jscpd JSON reports, exact percentage, clones, errors, a real run.

`jscpd-report.json` was written by jscpd 4.3.0 (`jscpd --min-tokens 20 --min-lines 3
--reporters json`) on two files holding the same eleven-line function.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.duplication import DuplicationAdapter
from qualitygates.adapters.interface import CollectRequest
from qualitygates.errors import AdapterError
from qualitygates.model import Location, Severity, Unit
from tests.adapters.test_lint import node_tool
from tests.helpers import DATA, FIXED_NOW, collect

REPORT = DATA / "duplication" / "jscpd-report.json"


def figures(path: object) -> dict[str, float]:
    metrics = collect(DuplicationAdapter, path=path).metrics
    assert metrics["percentage"].unit is Unit.PERCENT
    return {name: float(m.value) for name, m in metrics.items()}


def test_percentage_and_lines_from_the_totals() -> None:
    assert figures(REPORT) == {"percentage": 44.0, "duplicated_lines": 11, "total_lines": 25}


def test_percentage_is_unrounded(tmp_path: Path) -> None:
    data = json.loads(REPORT.read_text())
    data["statistics"]["total"].update(lines=51, duplicatedLines=23, percentage=45.1)
    report = tmp_path / "jscpd-report.json"
    report.write_text(json.dumps(data))
    percentage = figures(report)["percentage"]
    assert percentage == 23 / 51 * 100
    assert round(percentage, 2) == 45.1  # the figure jscpd prints


def test_each_clone_is_a_finding() -> None:
    collection = collect(DuplicationAdapter, path=REPORT)
    (clone,) = collection.findings
    assert (clone.id, clone.rule, clone.tool, clone.severity) == (
        "clone",
        "clone",
        "jscpd",
        Severity.LOW,
    )
    assert clone.location == Location(path="dup/a.js", line=1)
    assert clone.message == "duplicated code in dup/a.js:1-12 and dup/b.js:2-13"
    assert "out.push" not in repr(clone)  # the code fragment is never copied


def test_clones_count_the_findings_left_after_waivers() -> None:
    adapter = DuplicationAdapter()
    request = CollectRequest("dup", {"path": str(REPORT)}, ("clones",), Path.cwd(), FIXED_NOW)
    findings = adapter.collect(request).findings
    assert adapter.count_findings(findings)["clones"].value == 1
    assert adapter.count_findings([])["clones"].value == 0


def test_several_reports_add_up(tmp_path: Path) -> None:
    data = json.loads(REPORT.read_text())
    data["statistics"]["total"].update(lines=75, duplicatedLines=0, clones=0)
    data["duplicates"] = []
    other = tmp_path / "jscpd-report.json"
    other.write_text(json.dumps(data))
    result = figures([str(REPORT), str(other)])
    assert result == {"percentage": 11 / 100 * 100, "duplicated_lines": 11, "total_lines": 100}


# --- errors ----------------------------------------------------------------------------------


def duplication_error(tmp_path: Path, content: Any) -> str:
    report = tmp_path / "jscpd-report.json"
    report.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(AdapterError) as info:
        collect(DuplicationAdapter, path=str(report))
    return str(info.value).replace(str(report), "REPORT")


def test_missing_empty_and_truncated(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match=r"jscpd-report\.json does not exist: check the path"):
        collect(DuplicationAdapter, path=str(tmp_path / "jscpd-report.json"))
    assert (
        duplication_error(tmp_path, "")
        == "REPORT is empty: the tool that writes it failed or did not run"
    )
    truncated = REPORT.read_text()[:400]
    message = duplication_error(tmp_path, truncated)
    assert re.fullmatch(r"REPORT is not valid jscpd JSON: .*truncated\)", message)


def test_wrong_format_and_bad_fields(tmp_path: Path) -> None:
    assert duplication_error(tmp_path, []) == (
        "REPORT is not a jscpd JSON report: write it with jscpd --reporters json (the file is jscpd-report.json)"
    )
    data = json.loads(REPORT.read_text())
    data["statistics"]["total"]["lines"] = "25"
    assert (
        duplication_error(tmp_path, data)
        == "REPORT: statistics.total.lines should be an integer, not str"
    )
    data = json.loads(REPORT.read_text())
    del data["duplicates"][0]["secondFile"]["start"]
    assert duplication_error(tmp_path, data) == (
        "REPORT: duplicates[0].secondFile.start should be an integer, not NoneType"
    )
    data = json.loads(REPORT.read_text())
    data["statistics"]["total"]["duplicatedLines"] = -1
    assert (
        duplication_error(tmp_path, data)
        == "REPORT: statistics.total.duplicatedLines is negative (-1)"
    )
    data["statistics"]["total"]["lines"] = 10**400  # beyond any float: an error, not a crash
    assert duplication_error(tmp_path, data) == (
        "REPORT: statistics.total.lines is too large to count lines"
    )


def test_no_lines_measured_is_an_error(tmp_path: Path) -> None:
    empty = {"statistics": {"total": {"lines": 0, "duplicatedLines": 0}}, "duplicates": []}
    assert duplication_error(tmp_path, empty) == (
        "REPORT counts no line of source: check jscpd's path and --format"
    )


# --- real tool -------------------------------------------------------------------------------

FUNCTION = """function {name}(list) {{
  const out = [];
  for (const i of list) {{
    if (i % 2) {{
      out.push(i * 3 + 1);
    }} else {{
      out.push(i - 1);
    }}
  }}
  return out.filter(Boolean).map(String).join(",");
}}
"""


@pytest.mark.realtool
def test_jscpd_figures_equal_jscpd_own_summary(tmp_path: Path) -> None:
    jscpd = node_tool("jscpd")
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.js").write_text(FUNCTION.format(name="alpha") + "module.exports = { alpha };\n")
    (source / "b.js").write_text(
        "const x = 1;\n" + FUNCTION.format(name="beta") + "module.exports = { beta, x };\n"
    )
    (source / "c.js").write_text(
        "// unique\n" + FUNCTION.format(name="gamma").replace("3 + 1", "4")
    )
    cmd = [str(jscpd), "--min-tokens", "20", "--min-lines", "3", "--reporters", "json,console",
           "--output", str(tmp_path / "out"), "src"]  # fmt: skip
    done = subprocess.run(
        cmd, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60
    )
    # The console reporter's last row: │ Total: │ files │ lines │ tokens │ clones │ 21 (56.76%) │ ...
    row = next(ln for ln in done.stdout.splitlines() if "Total:" in ln)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    said = re.fullmatch(r"(\d+) \(([\d.]+)%\)", cells[5])
    assert said is not None, done.stdout
    report = tmp_path / "out" / "jscpd-report.json"
    result = figures(report)
    total = json.loads(report.read_text())["statistics"]["total"]
    assert result["duplicated_lines"] == int(said[1]) == total["duplicatedLines"]
    assert round(result["percentage"], 2) == float(said[2])
    assert result["total_lines"] == int(cells[2]) == total["lines"]
    clones = len(collect(DuplicationAdapter, path=report).findings)
    assert clones == int(cells[4]) == total["clones"] == 3
