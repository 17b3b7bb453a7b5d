"""The complexity adapter: radon JSON, lizard XML and CSV, thresholds, errors, real runs.

The fixtures were written by radon 6.0.1 and lizard 1.24.3 on the sample below
(`SAMPLE`, saved as shop/orders.py): `radon cc -j [--show-closures] shop`,
`lizard --xml shop`, `lizard --csv shop`, `lizard -V --csv shop`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qualitygates.adapters.complexity import ComplexityAdapter
from qualitygates.adapters.interface import CollectRequest, fingerprint
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Severity, Unit
from tests.helpers import DATA, FIXED_NOW, collect

FIXTURES = DATA / "complexity"
SUMMARY = ("max", "average", "functions")

SAMPLE = """def route(order, rush=False, gift=False, region="eu"):
    if order is None:
        return None
    if rush and gift:
        return "rush-gift"
    if rush or gift:
        return "special"
    for item in order:
        if item.qty > 10 and region == "eu":
            return "bulk"
        elif item.qty > 5:
            continue
        while item.qty:
            item.qty -= 1
    return "normal" if region else "unknown"


class Basket:
    def add(self, item):
        def check(value):
            def positive(v):
                return v > 0 if v else False
            return positive(value) and value < 100
        return check(item)

    class Line:
        def price(self, qty):
            return qty * 2 if qty else 0
"""


def summary(path: object, **options: object) -> dict[str, float]:
    metrics = collect(ComplexityAdapter, path=path, **options).metrics
    assert metrics["max"].unit is Unit.NUMBER and metrics["functions"].unit is Unit.COUNT
    return {name: metrics[name].value for name in SUMMARY}  # type: ignore[misc]


def offenders(path: object, **options: object) -> list[tuple[str, int | None, str]]:
    findings = collect(ComplexityAdapter, path=path, **options).findings
    return [(f.id, f.location.line, f.message) for f in findings]


@pytest.mark.parametrize(
    "name", ["radon-closures.json", "lizard.xml", "lizard.csv", "lizard-header.csv"]
)
def test_every_format_gives_the_same_figures(name: str) -> None:
    assert summary(FIXTURES / name) == {"max": 12, "average": 3.8, "functions": 5}


def test_radon_without_show_closures_lacks_nested_classes() -> None:
    # radon leaves Basket.Line out unless --show-closures; methods listed twice count once.
    assert summary(FIXTURES / "radon.json") == {"max": 12, "average": 4.25, "functions": 4}


def test_functions_above_max_complexity_are_findings() -> None:
    assert offenders(FIXTURES / "radon-closures.json") == [
        ("route", 1, "complexity 12 in route() (max_complexity 9)")
    ]
    names = [name for name, _, _ in offenders(FIXTURES / "radon-closures.json", max_complexity=1)]
    assert names == ["route", "Basket.Line.price", "add.check", "add.check.positive"]
    lizard = [name for name, _, _ in offenders(FIXTURES / "lizard.xml", max_complexity=1)]
    assert lizard == ["route", "add.add.check.positive", "add.check", "price"]


def test_max_complexity_is_the_highest_allowed() -> None:
    assert offenders(FIXTURES / "lizard.csv", max_complexity=12) == []
    assert len(offenders(FIXTURES / "lizard.csv", max_complexity=11)) == 1


def test_finding_fields() -> None:
    finding = collect(ComplexityAdapter, path=FIXTURES / "lizard.xml").findings[0]
    assert finding == Finding(
        id="route",
        tool="lizard",
        severity=Severity.MEDIUM,
        message="complexity 12 in route() (max_complexity 9)",
        rule="complexity",
        location=Location(path="shop/orders.py", line=1),
        fingerprint=fingerprint("lizard", "complexity", "shop/orders.py", "route"),
        kind=FindingKind.COMPLEXITY,
    )
    assert len(finding.fingerprint) == 16


def test_waived_functions_leave_over_threshold_but_not_max() -> None:
    adapter = ComplexityAdapter()
    path = str(FIXTURES / "radon-closures.json")
    request = CollectRequest("cc", {"path": path, "max_complexity": 1}, (), Path.cwd(), FIXED_NOW)
    collection = adapter.collect(request)
    assert adapter.count_findings(collection.findings)["over_threshold"].value == 4
    kept = [f for f in collection.findings if f.id != "route"]
    assert adapter.count_findings(kept)["over_threshold"].value == 3
    assert collection.metrics["max"].value == 12
    assert ComplexityAdapter.metric_spec("over_threshold") is not None


def test_reports_are_merged() -> None:
    paths = [str(FIXTURES / "lizard.xml"), str(FIXTURES / "radon.json")]
    assert summary(paths) == {"max": 12, "average": (19 + 17) / 9, "functions": 9}


def test_radon_methods_and_flattened_closures_count_once(tmp_path: Path) -> None:
    method = {"type": "method", "name": "total", "classname": "Cart", "lineno": 5,
              "col_offset": 4, "complexity": 11, "closures": []}  # fmt: skip
    closure = {"type": "function", "name": "inner", "lineno": 9, "col_offset": 8,
               "complexity": 3, "closures": []}  # fmt: skip
    outer = {"type": "function", "name": "outer", "lineno": 8, "col_offset": 0,
             "complexity": 1, "closures": [closure]}  # fmt: skip
    flattened = {**closure, "name": "outer.inner"}
    cart = {"type": "class", "name": "Cart", "lineno": 1, "col_offset": 0, "complexity": 6,
            "methods": [method]}  # fmt: skip
    report = tmp_path / "radon.json"
    report.write_text(json.dumps({"a.py": [method, cart, outer, flattened]}))
    assert summary(report) == {"max": 11, "average": 5, "functions": 3}
    assert offenders(report, max_complexity=2) == [
        ("Cart.total", 5, "complexity 11 in Cart.total() (max_complexity 2)"),
        ("outer.inner", 9, "complexity 3 in outer.inner() (max_complexity 2)"),
    ]


def test_format_option(tmp_path: Path) -> None:
    assert summary(FIXTURES / "lizard.csv", format="lizard-csv")["functions"] == 5
    with pytest.raises(AdapterError) as info:
        summary(FIXTURES / "lizard.csv", format="radon")
    assert (
        str(info.value)
        == f"{FIXTURES / 'lizard.csv'} is lizard-csv, not radon as the `format` option says"
    )


# --- errors ----------------------------------------------------------------------------------


def complexity_error(tmp_path: Path, text: str | bytes, name: str = "report") -> str:
    report = tmp_path / name
    if isinstance(text, bytes):
        report.write_bytes(text)
    else:
        report.write_text(text)
    with pytest.raises(AdapterError) as info:
        collect(ComplexityAdapter, path=str(report))
    return str(info.value).replace(str(report), "REPORT")


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match=r"radon\.json does not exist: check the path"):
        collect(ComplexityAdapter, path=str(tmp_path / "radon.json"))
    assert (
        complexity_error(tmp_path, b"")
        == "REPORT is empty: the tool that writes it failed or did not run"
    )
    assert complexity_error(tmp_path, "  \n") == (
        "REPORT is not a radon JSON, lizard XML or lizard CSV report: write it with "
        "radon cc -j, lizard --xml or lizard --csv"
    )


def test_reports_without_functions_are_errors(tmp_path: Path) -> None:
    expected = "REPORT holds no function: check that the tool ran on your sources"
    assert complexity_error(tmp_path, "{}") == expected
    assert complexity_error(tmp_path, '{"a.py": []}') == expected
    assert complexity_error(tmp_path, '<?xml version="1.0" ?><cppncss></cppncss>') == expected
    assert (
        complexity_error(tmp_path, "NLOC,CCN,token,PARAM,length,location,file,function\n")
        == expected
    )


def test_radon_file_it_could_not_parse(tmp_path: Path) -> None:
    text = '{"bad.py": {"error": "invalid syntax (<unknown>, line 1)"}, "ok.py": []}'
    assert complexity_error(tmp_path, text) == (
        "REPORT: radon could not analyse bad.py (invalid syntax (<unknown>, line 1)); "
        "fix or exclude that file"
    )


def test_truncated_and_malformed_reports(tmp_path: Path) -> None:
    radon = (FIXTURES / "radon.json").read_text()
    assert complexity_error(tmp_path, radon[:200]).endswith("(the file looks truncated)")
    xml = (FIXTURES / "lizard.xml").read_text()
    assert complexity_error(tmp_path, xml[:700]).endswith("(the file looks truncated)")
    csv_rows = (FIXTURES / "lizard.csv").read_text()
    assert complexity_error(tmp_path, csv_rows[:60]) == (
        "REPORT: line 1 has 8 columns, not lizard --csv's 11 (the file looks truncated or is another CSV)"
    )
    assert complexity_error(tmp_path, '{"a.py": [{"type": "function", "name": "f"}]}') == (
        "REPORT: ['a.py'][0].lineno should be an integer, not NoneType"
    )
    assert complexity_error(tmp_path, '{"a.py": {"mi": 60.1, "rank": "A"}}') == (
        "REPORT: ['a.py'] should be an array, not dict"
    )
    bad_ccn = '1,x,3,4,5,"f@1-2@a.py","a.py","f","f()",1,2\n'
    assert complexity_error(tmp_path, bad_ccn) == "REPORT: line 1's CCN is 'x', not a whole number"


def test_xml_that_is_not_lizard(tmp_path: Path) -> None:
    assert complexity_error(tmp_path, "<coverage><packages/></coverage>") == (
        "REPORT is XML but not lizard --xml output (root <coverage>)"
    )
    item = '<cppncss><measure type="Function"><labels><label>CCN</label></labels>'
    broken = f'{item}<item name="f"><value>3</value></item></measure></cppncss>'
    assert (
        complexity_error(tmp_path, broken)
        == "REPORT: lizard item 'f' does not hold a function and its CCN"
    )


# --- real tools ------------------------------------------------------------------------------


def python_tool(module: str) -> list[str]:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install {module})")
    return [sys.executable, "-m", module]


def _sample(tmp_path: Path) -> Path:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "orders.py").write_text(SAMPLE)
    return tmp_path


def _run(cmd: list[str], cwd: Path, out: Path | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    if out is not None:
        out.write_text(done.stdout)
    return done.stdout


@pytest.mark.realtool
def test_radon_figures_equal_radon_own_listing(tmp_path: Path) -> None:
    radon = python_tool("radon")
    root = _sample(tmp_path)
    listing = _run([*radon, "cc", "-s", "--show-closures", "shop"], root)
    # `    F 1:0 route - C (12)`: every block but the classes (C) is a function.
    blocks = re.findall(r"^\s+([FMC]) \d+:\d+ (\S+) - [A-F] \((\d+)\)$", listing, re.MULTILINE)
    functions = [(name, int(cc)) for kind, name, cc in blocks if kind != "C"]
    for flags in ([], ["--show-closures"]):
        report = tmp_path / "radon.json"
        _run([*radon, "cc", "-j", *flags, "shop"], root, report)
        figures = summary(report)
        assert figures["max"] == max(cc for _, cc in functions) == 12
        if flags:
            assert figures["functions"] == len(functions) == 5
            assert figures["average"] == sum(cc for _, cc in functions) / len(functions)
            names = {f[0] for f in offenders(report, max_complexity=1)}
            assert names == {name for name, cc in functions if cc > 1}


@pytest.mark.realtool
def test_lizard_figures_equal_lizard_own_summary_and_warnings(tmp_path: Path) -> None:
    lizard = python_tool("lizard")
    root = _sample(tmp_path)
    table = _run([*lizard, "shop"], root)
    # Total nloc, Avg.NLOC, AvgCCN, Avg.token, Fun Cnt, Warning cnt, Fun Rt, nloc Rt
    totals = table.strip().splitlines()[-1].split()
    warnings = _run([*lizard, "-C", "1", "-w", "shop"], root).strip().splitlines()
    _run([*lizard, "--xml", "shop"], root, tmp_path / "lizard.xml")
    _run([*lizard, "--csv", "shop"], root, tmp_path / "lizard.csv")
    for name in ("lizard.xml", "lizard.csv"):
        figures = summary(tmp_path / name)
        assert figures["functions"] == int(totals[4]) == 5
        assert figures["average"] == pytest.approx(float(totals[2]), abs=0.05)
        assert len(offenders(tmp_path / name, max_complexity=1)) == len(warnings) == 4
    assert summary(tmp_path / "lizard.xml")["max"] == 12
