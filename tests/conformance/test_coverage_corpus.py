"""The coverage adapter over every coverage report of the shared corpus (both sets).

Each number is checked against an independent count of the same file: an ElementTree
count of Cobertura `<line>`s and `<method>`s, JaCoCo's own root counters, LCOV's
`DA`/`BRDA` records and `LF`/`LH`/`BRF`/`BRH`/`FNF`/`FNH` summaries, coverage.py JSON
`totals`, the TOTAL that `coverage report` printed, the `% Funcs` c8 printed, and istanbul's
and gcovr's own summaries of the same run.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from qualitygates.adapters.coverage import CoverageAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params, corpus_root

pytestmark = pytest.mark.corpus

COBERTURA = (
    "set-b/cobertura/*.xml",
    "set-b/c8/cobertura-coverage.xml",
    "set-b/coveragepy/*/coverage.xml",
    "coverage/coveragepy-*.xml",
    "coverage/istanbul-c8-cobertura.xml",
)
JACOCO = ("set-b/jacoco/*.xml", "coverage/jacoco-*.xml")
LCOV = (
    "set-b/lcov/*.lcov",
    "set-b/c8/*.info",
    "set-b/coveragepy/*/coverage.lcov",
    "coverage/*.lcov",
)
COVERAGEPY_JSON = ("set-b/coveragepy/*/coverage.json", "coverage/coveragepy-*.json")
# gcovr's LF counts a line once per function instance (30 here), its DA records once (24).
LF_COUNTS_INSTANCES = {"gcovr-virtual-classes-gcc-14.lcov"}
BROKEN = {
    "set-b/cobertura/empty.xml": "measures no lines",
    "set-b/jacoco/empty.xml": "is XML with root <other>, neither Cobertura",
    "hostile/jacoco-invalid-format.xml": ":6: ci='trash' is not a whole number",
    # Data files whose measured sources are not in the corpus: no statements, no total.
    "coverage/coveragepy-branch.coverage": ": the source file /home/runner/work/shop/",
    "set-b/coveragepy/branch/dotcoverage.sqlite": ": the source file /tmp/cw/sample/",
    "set-b/coveragepy/line/dotcoverage.sqlite": ": the source file /tmp/cw/sample/",
    "set-b/c8/coverage-final.json": "is istanbul JSON (coverage-final.json)",
    "set-b/lcov/gcovr-coverage_summary.json": "is gcovr JSON",
}


def metrics(path: Path | list[Path]) -> dict[str, float | str]:
    paths = [str(p) for p in path] if isinstance(path, list) else str(path)
    return {k: m.value for k, m in collect(CoverageAdapter, path=paths).metrics.items()}


def counts(got: dict[str, float | str]) -> tuple[float | str, ...]:
    return (
        got["lines_covered"],
        got["lines_valid"],
        got["branches_covered"],
        got["branches_valid"],
    )


def corpus_file(relative: str) -> Path:
    path = corpus_root() / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in the corpus at {corpus_root()}")
    return path


def check_rates(got: dict[str, float | str]) -> None:
    lines_covered, lines_valid, branches_covered, branches_valid = map(float, counts(got))
    assert got["line_rate"] == 100.0 * lines_covered / lines_valid
    assert got["total"] == 100.0 * (lines_covered + branches_covered) / (
        lines_valid + branches_valid
    )
    if branches_valid:
        assert got["branch_rate"] == 100.0 * branches_covered / branches_valid
    else:
        assert "branch_rate" not in got


@pytest.mark.parametrize("path", corpus_params(*COBERTURA))
def test_cobertura_equals_elementtree_count(path: Path) -> None:
    lines: dict[tuple[str, int], bool] = {}
    branches: dict[tuple[str, int], tuple[int, int]] = {}
    files = set()
    for cls in ET.parse(path).getroot().iter("class"):
        files.add(cls.get("filename"))
        for line in cls.iter("line"):
            key = (cls.get("filename", ""), int(line.get("number", "")))
            lines[key] = lines.get(key, False) or int(line.get("hits", "")) > 0
            condition = line.get("condition-coverage")
            if condition:
                covered, total = map(int, condition.split("(")[1].rstrip(")").split("/"))
                old = branches.get(key)
                if old is None or (covered / total, total) > (old[0] / old[1], old[1]):
                    branches[key] = (covered, total)
    if not lines:
        assert path.name == "empty.xml"
        with pytest.raises(AdapterError, match="measures no lines"):
            metrics(path)
        return
    got = metrics(path)
    expected = (
        sum(lines.values()),
        len(lines),
        sum(b[0] for b in branches.values()),
        sum(b[1] for b in branches.values()),
    )
    assert counts(got) == expected
    assert got["files"] == len(files)
    check_rates(got)
    assert function_counts(got) == cobertura_methods(ET.parse(path).getroot())


def function_counts(got: dict[str, float | str]) -> tuple[float | str, float | str] | None:
    """(functions that ran, functions), checking the rate; None when they are unavailable."""
    if "functions_valid" not in got:
        assert "function_rate" not in got and "functions_covered" not in got
        return None
    covered, valid = float(got["functions_covered"]), float(got["functions_valid"])
    assert got.get("function_rate") == (100.0 * covered / valid if valid else None)
    return got["functions_covered"], got["functions_valid"]


def cobertura_methods(root: ET.Element) -> tuple[int, int] | None:
    """Methods as (ran, all): per file, first line and name, in order; None without any."""
    if root.get("version", "").startswith("gcovr"):
        return None  # its methods do not say whether gcov counted a call
    methods: dict[tuple[str, int, str, int], bool] = {}
    for cls in root.iter("class"):
        seen: dict[tuple[int, str], int] = {}
        for method in cls.iter("method"):
            hits = [int(line.get("hits", "")) for line in method.iter("line")]
            numbers = [int(line.get("number", "")) for line in method.iter("line")]
            first, name = min(numbers, default=0), method.get("name", "")
            nth = seen[first, name] = seen.get((first, name), -1) + 1
            if method.get("hits") is not None:
                ran = int(method.get("hits", "")) > 0
            else:
                ran = any(hits) if hits else float(method.get("line-rate", "0")) > 0
            key = (cls.get("filename", ""), first, name, nth)
            methods[key] = methods.get(key, False) or ran
    return (sum(methods.values()), len(methods)) if methods else None


@pytest.mark.parametrize("path", corpus_params(*JACOCO))
def test_jacoco_equals_its_own_root_counters(path: Path) -> None:
    root = ET.parse(path).getroot()
    if root.tag != "report":
        with pytest.raises(AdapterError, match="neither Cobertura"):
            metrics(path)
        return
    counter = {
        c.get("type"): (int(c.get("missed", "")), int(c.get("covered", "")))
        for c in root.findall("counter")
    }
    line_missed, line_covered = counter["LINE"]
    branch_missed, branch_covered = counter.get("BRANCH", (0, 0))
    got = metrics(path)
    assert counts(got) == (
        line_covered,
        line_missed + line_covered,
        branch_covered,
        branch_missed + branch_covered,
    )
    check_rates(got)
    if root.find(".//method") is None:  # gcovr's JaCoCo: no methods, so no functions
        assert function_counts(got) is None
    else:
        method_missed, method_covered = counter["METHOD"]
        assert function_counts(got) == (method_covered, method_missed + method_covered)


def lcov_records(path: Path) -> dict[str, int]:
    """Plain sums: distinct DA lines, BRDA records, and the LF/LH/BRF/BRH summaries."""
    sums = {"DA": 0, "DA+": 0, "BRDA": 0, "BRDA+": 0, "LF": 0, "LH": 0, "BRF": 0, "BRH": 0}
    sums |= {"FN": 0, "FNF": 0, "FNH": 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        tag, _, rest = line.partition(":")
        if tag == "DA":
            sums["DA"] += 1
            sums["DA+"] += int(rest.split(",")[1]) > 0
        elif tag == "BRDA":
            sums["BRDA"] += 1
            sums["BRDA+"] += rest.rsplit(",", 1)[1] not in ("-", "0")
        elif tag in ("LF", "LH", "BRF", "BRH", "FNF", "FNH"):
            sums[tag] += int(rest)
        elif tag == "FN":
            sums["FN"] += 1
    return sums


@pytest.mark.parametrize("path", corpus_params(*LCOV))
def test_lcov_equals_its_records(path: Path) -> None:
    sums = lcov_records(path)  # no corpus tracefile repeats a file, so sums are exact
    got = metrics(path)
    assert counts(got) == (sums["DA+"], sums["DA"], sums["BRDA+"], sums["BRDA"])
    if sums["LF"] and path.name not in LF_COUNTS_INSTANCES:
        assert (sums["LH"], sums["LF"]) == (got["lines_covered"], got["lines_valid"])
    if sums["BRF"]:
        assert (sums["BRH"], sums["BRF"]) == (got["branches_covered"], got["branches_valid"])
    check_rates(got)
    has_functions = "\nFN" in path.read_text(encoding="utf-8")
    assert function_counts(got) == ((sums["FNH"], sums["FNF"]) if has_functions else None)
    assert sums["FN"] == sums["FNF"]


@pytest.mark.parametrize("path", corpus_params(*COVERAGEPY_JSON))
def test_coveragepy_json_equals_its_totals(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    totals = data["totals"]
    got = metrics(path)
    assert got["total"] == totals["percent_covered"]
    assert got["line_rate"] == totals["percent_statements_covered"]
    assert (got["lines_covered"], got["lines_valid"]) == (
        totals["covered_lines"],
        totals["num_statements"],
    )
    assert (got["branches_covered"], got["branches_valid"]) == (
        totals.get("covered_branches", 0),
        totals.get("num_branches", 0),
    )
    assert got["files"] == len(data["files"])
    check_rates(got)


# What `coverage report` printed for the same run, as each report file saw it.
PRINTED = [
    (
        "coverage/coveragepy-branch",
        ".xml .json .lcov",
        "coverage/coveragepy-branch.report-precision2.txt",
        2,
    ),
    ("coverage/coveragepy-branch", ".xml .json .lcov", "coverage/coveragepy-branch.report.txt", 0),
    ("coverage/coveragepy-lines", ".xml", "coverage/coveragepy-lines.report.txt", 0),
    (
        "set-b/coveragepy/branch/coverage",
        ".xml .json .lcov",
        "set-b/coveragepy/branch/report-precision2.txt",
        2,
    ),
    (
        "set-b/coveragepy/branch/coverage",
        ".xml .json .lcov",
        "set-b/coveragepy/branch/report.txt",
        0,
    ),
    (
        "set-b/coveragepy/line/coverage",
        ".xml .json .lcov",
        "set-b/coveragepy/line/report-precision2.txt",
        2,
    ),
    ("set-b/coveragepy/line/coverage", ".xml .json .lcov", "set-b/coveragepy/line/report.txt", 0),
]


@pytest.mark.parametrize(
    ("stem", "suffixes", "report", "precision"), PRINTED, ids=[p[2] for p in PRINTED]
)
def test_total_equals_coverage_report_output(
    stem: str, suffixes: str, report: str, precision: int
) -> None:
    row = next(
        line.split()
        for line in corpus_file(report).read_text().splitlines()
        if line.startswith("TOTAL")
    )
    statements, missed, cover = int(row[1]), int(row[2]), row[-1]
    for suffix in suffixes.split():
        got = metrics(corpus_file(stem + suffix))
        assert f"{round(float(got['total']), precision):.{precision}f}%" == cover, suffix
        assert (got["lines_valid"], got["lines_covered"]) == (statements, statements - missed)
        if len(row) == 6:
            assert got["branches_valid"] == int(row[3])


def test_total_precision2_file() -> None:
    for kind in ("branch", "line"):
        printed = (
            corpus_file(f"set-b/coveragepy/{kind}/report-total-precision2.txt").read_text().strip()
        )
        got = metrics(corpus_file(f"set-b/coveragepy/{kind}/coverage.json"))
        assert f"{round(float(got['total']), 2):.2f}" == printed


@pytest.mark.parametrize(
    ("reports", "summary"),
    [
        (
            ("coverage/istanbul-c8-cobertura.xml", "coverage/istanbul-c8.lcov"),
            "coverage/istanbul-c8-summary.json",
        ),
        (
            ("set-b/c8/cobertura-coverage.xml", "set-b/c8/lcov.info"),
            "set-b/c8/coverage-summary.json",
        ),
    ],
)
def test_istanbul_reports_equal_istanbul_summary(reports: tuple[str, str], summary: str) -> None:
    """The run's LCOV and Cobertura, and its json-summary read by the adapter itself, all
    count what the summary's own `total` says (statements as `total`)."""
    total = json.loads(corpus_file(summary).read_text())["total"]
    lines, branches = total["lines"], total["branches"]
    for report in (*reports, summary):
        got = metrics(corpus_file(report))
        assert counts(got) == (
            lines["covered"],
            lines["total"],
            branches["covered"],
            branches["total"],
        )
    statements = total["statements"]
    summarised = metrics(corpus_file(summary))
    assert summarised["total"] == 100 * statements["covered"] / statements["total"]
    functions = total["functions"]
    for report in (*reports, summary):
        got = metrics(corpus_file(report))
        assert function_counts(got) == (functions["covered"], functions["total"])
    merged = metrics([corpus_file(report) for report in reports])
    assert function_counts(merged) == (functions["covered"], functions["total"])


def test_function_rate_equals_c8s_printed_percent_funcs() -> None:
    row = next(
        line
        for line in corpus_file("set-b/c8/all-text.txt").read_text().splitlines()
        if line.startswith("All files")
    )
    printed = row.split("|")[3].strip()
    rate = float(metrics(corpus_file("set-b/c8/all-lcov.info"))["function_rate"])
    assert f"{math.floor(rate * 100) / 100:g}" == printed


def test_gcovr_reports_equal_gcovr_summary() -> None:
    summary = json.loads(corpus_file("set-b/lcov/gcovr-coverage_summary.json").read_text())
    for report in (
        "set-b/cobertura/gcovr-virtual-classes-gcc-14.xml",
        "set-b/lcov/gcovr-virtual-classes-gcc-14.lcov",
    ):
        got = metrics(corpus_file(report))
        assert (got["branches_covered"], got["branches_valid"]) == (
            summary["branch_covered"],
            summary["branch_total"],
        )
        # gcovr's summary counts a line once per function instance (30); the line
        # reports list each line once (24), and the same 23 of them ran.
        assert got["lines_covered"] == summary["line_covered"]
    lcov = metrics(corpus_file("set-b/lcov/gcovr-virtual-classes-gcc-14.lcov"))
    assert function_counts(lcov) == (summary["function_covered"], summary["function_total"])
    jacoco = metrics(corpus_file("set-b/jacoco/gcovr-jacoco.xml"))  # its counters: instances
    assert counts(jacoco) == (
        summary["line_covered"],
        summary["line_total"],
        summary["branch_covered"],
        summary["branch_total"],
    )


def test_one_run_in_three_formats_merges_without_double_counting() -> None:
    stem = "set-b/coveragepy/branch/coverage"
    single = metrics(corpus_file(stem + ".json"))
    merged = metrics([corpus_file(stem + s) for s in (".xml", ".json", ".lcov")])
    assert merged == single


@pytest.mark.parametrize("relative", sorted(BROKEN))
def test_unusable_files_fail_closed(relative: str) -> None:
    path = corpus_file(relative)
    with pytest.raises(AdapterError) as caught:
        metrics(path)
    assert str(caught.value).startswith(str(path))
    assert BROKEN[relative] in str(caught.value)
