"""Function coverage (`functions_covered`, `functions_valid`, `function_rate`).

The real run is c8 (npm) on `tests/data/coverage/js/pricing.js`, whose `% Funcs` column
the numbers must equal, from its LCOV, its Cobertura and its json-summary alike. The small
reports written here are the shapes of other generators, and damaged ones.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates.adapters.coverage import CoverageAdapter
from qualitygates.errors import AdapterError
from tests.adapters.test_lint import node_tool
from tests.helpers import DATA, collect, qualitygates

JS = DATA / "coverage" / "js"
FUNCTIONS = ("functions_covered", "functions_valid", "function_rate")
ALL_FILES = re.compile(r"^All files\s*\|\s*(\S+)\s*\|\s*(\S+)\s*\|\s*(\S+)\s*\|", re.M)


def functions(*paths: Path | str) -> tuple[float, float, float]:
    metrics = collect(CoverageAdapter, path=[str(p) for p in paths]).metrics
    covered, valid, rate = (metrics[name].value for name in FUNCTIONS)
    return covered, valid, rate


def unavailable(*paths: Path | str) -> dict[str, str]:
    collection = collect(CoverageAdapter, path=[str(p) for p in paths])
    assert not set(FUNCTIONS) & set(collection.metrics)
    return {name: collection.unavailable[name] for name in FUNCTIONS}


@pytest.fixture(scope="module")
def c8_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """pricing.test.js under c8: its reports folder, and the `% Funcs` its table printed."""
    root = tmp_path_factory.mktemp("c8")
    shutil.copytree(JS, root / "project")
    reporters = ("lcov", "cobertura", "json-summary", "text")
    done = subprocess.run(
        [str(node_tool("c8")), *(f"--reporter={r}" for r in reporters),
         f"--reports-dir={root / 'coverage'}", "node", "pricing.test.js"],
        cwd=root / "project", capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    match = ALL_FILES.search(done.stdout)
    assert match, done.stdout
    return root / "coverage", match.group(3)


def printed(rate: float) -> str:
    """A rate as Istanbul's text table prints it: floored to two decimals."""
    return f"{math.floor(rate * 100) / 100:g}"


@pytest.mark.parametrize(
    "reports",
    [("lcov.info",), ("cobertura-coverage.xml",), ("coverage-summary.json",),
     ("lcov.info", "cobertura-coverage.xml")],
)  # fmt: skip
def test_function_rate_is_c8s_percent_funcs(c8_run: tuple[Path, str], reports: tuple[str]) -> None:
    folder, funcs = c8_run
    covered, valid, rate = functions(*(folder / name for name in reports))
    assert printed(rate) == funcs == "62.5"
    # Of its two `helper`s only the first ran: 5 of 8, not 6 of 8 by name.
    assert (covered, valid) == (5, 8)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_lcov_pairs_each_fnda_with_its_fn_in_order(tmp_path: Path) -> None:
    lcov = write(
        tmp_path / "a.info",
        "SF:a.js\nFN:1,helper\nFN:9,helper\nFNDA:0,helper\nFNDA:4,helper\n"
        "DA:1,1\nDA:9,1\nend_of_record\n",
    )
    both = write(
        tmp_path / "b.info", "SF:a.js\nFN:1,helper\nFNDA:2,helper\nDA:1,1\nend_of_record\n"
    )
    assert functions(lcov) == (1, 2, 50.0)
    assert functions(lcov, both) == (2, 2, 100.0)  # the same two, merged as a union


def test_lcov_reads_coveragepy_and_lcov2_function_records(tmp_path: Path) -> None:
    coveragepy = write(
        tmp_path / "py.info",
        "SF:m.py\nDA:1,1\nDA:2,1\nDA:4,0\nFN:2,2,a\nFNDA:1,a\nFN:4,4,b\nFNDA:0,b\n"
        "FNF:2\nFNH:1\nend_of_record\n",
    )
    assert functions(coveragepy) == (1, 2, 50.0)
    lcov2 = write(  # index 0 has two aliases (template instances), one of which ran
        tmp_path / "two.info",
        "SF:t.cpp\nFNL:0,3,5\nFNA:0,0,f<int>\nFNA:0,7,f<long>\nFNL:1,8\nFNA:1,0,g\n"
        "DA:3,1\nDA:8,0\nend_of_record\n",
    )
    assert functions(lcov2) == (1, 2, 50.0)


@pytest.mark.parametrize(
    ("records", "sentence"),
    [
        ("FN:1,f\nFNDA:1,g\n", "a.info:5: FNDA:…,g has no FN record of its own in a.js"),
        ("FNA:3,1,f\n", "a.info:4: FNA:3,… has no FNL:3 record in a.js"),
        ("FN:1,\n", "a.info:2: FN:1, names no function"),
        ("FNDA:x,f\nFN:1,f\n", "a.info:2: FNDA:x,f has a count that is not a number"),
    ],
)
def test_damaged_function_records_are_refused_at_their_line(
    tmp_path: Path, records: str, sentence: str
) -> None:
    lcov = write(tmp_path / "a.info", f"SF:a.js\n{records}DA:1,1\nend_of_record\n")
    with pytest.raises(AdapterError, match=re.escape(sentence)):
        collect(CoverageAdapter, path=str(lcov))


COBERTURA = """<?xml version="1.0" ?>
<coverage version="{version}" timestamp="1">
  <sources><source>/src</source></sources>
  <packages><package name="p"><classes>
    <class name="Shop" filename="shop.cs">
      <methods>
        <method name="Open" signature="()" line-rate="1">
          <lines><line number="3" hits="2"/><line number="4" hits="2"/></lines>
        </method>
        <method name="Close" signature="()" line-rate="0.5">
          <lines><line number="8" hits="0"/><line number="9" hits="1"/></lines>
        </method>
        <method name="Never" signature="()" line-rate="0">
          <lines><line number="12" hits="0"/></lines>
        </method>
      </methods>
      <lines>
        <line number="3" hits="2"/><line number="4" hits="2"/><line number="8" hits="0"/>
        <line number="9" hits="1"/><line number="12" hits="0"/>
      </lines>
    </class>
  </classes></package></packages>
</coverage>
"""


def test_a_cobertura_method_without_hits_ran_when_any_of_its_lines_did(tmp_path: Path) -> None:
    coverlet = write(tmp_path / "coverlet.xml", COBERTURA.format(version="1.9"))
    assert functions(coverlet) == (2, 3, 100 * 2 / 3)


def test_gcovrs_cobertura_methods_are_not_counted(tmp_path: Path) -> None:
    gcovr = write(tmp_path / "gcovr.xml", COBERTURA.format(version="gcovr 8.6"))
    assert "gcovr's Cobertura and JaCoCo do not" in unavailable(gcovr)["function_rate"]


JACOCO = """<?xml version="1.0" encoding="UTF-8"?>
<report name="r">
  <package name="org/shop">
    <class name="org/shop/Cart" sourcefilename="Cart.java">
      <method name="&lt;init&gt;" desc="()V" line="3"><counter type="METHOD" missed="0" covered="1"/></method>
      <method name="add" desc="(I)V" line="5"><counter type="METHOD" missed="1" covered="0"/></method>
      <method name="add" desc="(J)V" line="5"><counter type="METHOD" missed="0" covered="1"/></method>
      <counter type="METHOD" missed="1" covered="2"/>
    </class>
    <sourcefile name="Cart.java">
      <line nr="3" mi="0" ci="2" mb="0" cb="0"/>
      <line nr="5" mi="3" ci="0" mb="0" cb="0"/>
      <counter type="METHOD" missed="1" covered="2"/>
    </sourcefile>
  </package>
</report>
"""


def test_jacoco_counts_each_method_by_its_own_method_counter(tmp_path: Path) -> None:
    jacoco = write(tmp_path / "jacoco.xml", JACOCO)
    assert functions(jacoco) == (2, 3, 100 * 2 / 3)  # two `add`s on one line: two methods


def test_a_report_without_functions_leaves_the_rate_unavailable_never_0_or_100(
    tmp_path: Path,
) -> None:
    coveragepy = write(
        tmp_path / "coverage.xml",
        '<coverage version="7.6"><packages><package><classes>'
        '<class filename="m.py"><methods/><lines><line number="1" hits="1"/></lines></class>'
        "</classes></package></packages></coverage>",
    )
    alone = unavailable(coveragepy)
    assert "do not count which functions ran" in alone["function_rate"]
    assert alone["functions_valid"] == alone["function_rate"]
    lcov = write(tmp_path / "js.info", "SF:a.js\nFN:1,f\nFNDA:1,f\nDA:1,1\nend_of_record\n")
    mixed = unavailable(lcov, coveragepy)["function_rate"]
    assert mixed.startswith(f"{coveragepy} counts no functions while the other reports do")


def test_reports_that_count_functions_but_list_none_give_no_rate(tmp_path: Path) -> None:
    lcov = write(tmp_path / "a.info", "SF:a.js\nFNF:0\nFNH:0\nDA:1,1\nend_of_record\n")
    collection = collect(CoverageAdapter, path=str(lcov))
    assert collection.metrics["functions_valid"].value == 0
    assert collection.metrics["functions_covered"].value == 0
    assert "function_rate" not in collection.metrics
    assert "count functions but list none" in collection.unavailable["function_rate"]


def test_a_function_rate_condition_on_reports_without_functions_blocks(tmp_path: Path) -> None:
    """coverage.py's XML has no functions: `function_rate >= 80%` is an error (exit 3)."""
    shutil.copy(DATA / "coverage" / "cobertura.xml", tmp_path / "coverage.xml")
    text = (tmp_path / "coverage.xml").read_text()
    (tmp_path / "coverage.xml").write_text(re.sub(r"<methods>.*?</methods>", "", text, flags=re.S))
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: cov\n"
        "        adapter: coverage\n        with: {path: coverage.xml}\n"
        "        conditions: [function_rate >= 80%]\n"
    )
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 3, done.stdout
    assert "function_rate: the reports do not count which functions ran" in done.stdout
