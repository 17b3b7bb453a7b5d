"""The coverage adapter on small hand-written reports: exact numbers and every error."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters._times import epoch_time
from qualitygates.adapters.coverage import CoverageAdapter
from qualitygates.adapters.coverage.adapter import detect
from qualitygates.errors import AdapterError
from qualitygates.plugins import BUILTIN_ADAPTERS
from tests.helpers import DATA, collect

HERE = DATA / "coverage"
NOV_24_14H = datetime(2024, 11, 24, 14, 0, tzinfo=timezone.utc)

# The same data in three formats: app/calc.py (7 statements, 3 run; branches 1/2 and
# 0/2), app/util.py (3 statements, all run; branches 2/2) and an empty app/empty.py.
SHOP = {
    "total": 56.25,  # (6 + 3) / (10 + 6)
    "line_rate": 60.0,
    "branch_rate": 50.0,
    "lines_covered": 6,
    "lines_valid": 10,
    "branches_covered": 3,
    "branches_valid": 6,
    "files": 3,
}


def values(path: Path | str | list[str], **options: object) -> dict[str, float | str]:
    collection = collect(
        CoverageAdapter, path=path if isinstance(path, list) else str(path), **options
    )
    return {name: m.value for name, m in collection.metrics.items()}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cobertura(lines: str, filename: str = "app/calc.py") -> str:
    return (
        '<coverage timestamp="1"><sources/><packages><package name="p"><classes>'
        f'<class name="c" filename="{filename}"><lines>{lines}</lines></class>'
        "</classes></package></packages></coverage>"
    )


def test_registered_under_its_name() -> None:
    assert BUILTIN_ADAPTERS["coverage"] == "qualitygates.adapters.coverage:CoverageAdapter"
    assert CoverageAdapter.name == "coverage"
    summary = {"function_rate", "functions_covered", "functions_valid"} | set(SHOP)
    assert {s.name for s in CoverageAdapter.metrics if s.summary} == summary


#: cobertura.xml lists one method, classify, which ran; coverage.json counts no functions.
ONE_FUNCTION = {"function_rate": 100.0, "functions_covered": 1, "functions_valid": 1}


@pytest.mark.parametrize(
    ("name", "functions"), [("cobertura.xml", ONE_FUNCTION), ("coverage.json", {})]
)
def test_shop_report_counts_lines_not_root_totals(name: str, functions: dict[str, float]) -> None:
    assert values(HERE / name) == SHOP | functions


def test_cobertura_timestamp_in_milliseconds() -> None:
    collection = collect(CoverageAdapter, path=str(HERE / "cobertura.xml"))
    assert collection.timestamp == NOV_24_14H
    assert collection.sources == (str(HERE / "cobertura.xml"),)
    assert "branch_rate" in collection.available


def test_coveragepy_json_timestamp() -> None:
    collection = collect(CoverageAdapter, path=str(HERE / "coverage.json"))
    assert collection.timestamp == datetime(2024, 11, 24, 14, 0, 0, 1, tzinfo=timezone.utc)


def test_gcovr_cobertura_branch_lines_without_condition_coverage() -> None:
    # Line 5 listed twice counts once; branch="true" alone gives no branch count.
    collection = collect(CoverageAdapter, path=str(HERE / "cobertura-lines.xml"))
    assert {k: m.value for k, m in collection.metrics.items()} == {
        "total": 75.0,
        "line_rate": 75.0,
        "lines_covered": 3,
        "lines_valid": 4,
        "branches_covered": 0,
        "branches_valid": 0,
        "files": 1,
    }
    assert collection.timestamp == NOV_24_14H  # gcovr writes seconds
    assert "branch_rate" not in collection.available
    assert "run coverage.py with --branch" in collection.unavailable["branch_rate"]


def test_line_only_json_has_no_branch_rate() -> None:
    got = values(HERE / "coverage-lines.json")
    assert got == {
        "total": 75.0,
        "line_rate": 75.0,
        "lines_covered": 3,
        "lines_valid": 4,
        "branches_covered": 0,
        "branches_valid": 0,
        "files": 1,
    }


def test_jacoco_lines_and_branches_with_doctype_and_groups() -> None:
    collection = collect(CoverageAdapter, path=str(HERE / "jacoco.xml"))
    got = {k: m.value for k, m in collection.metrics.items()}
    assert got == {
        "total": 100.0 * 8 / 14,
        "line_rate": 50.0,
        "branch_rate": 62.5,
        "lines_covered": 3,
        "lines_valid": 6,
        "branches_covered": 5,
        "branches_valid": 8,
        "files": 2,
    }
    assert collection.timestamp == NOV_24_14H  # the latest session's start


def test_jacoco_without_instruction_counts_uses_file_counters() -> None:
    got = values(HERE / "jacoco-counters-only.xml")
    assert (got["lines_covered"], got["lines_valid"]) == (3, 4)
    assert (got["branches_covered"], got["branches_valid"]) == (1, 2)
    assert got["total"] == 100.0 * 4 / 6


def test_lcov_records_of_one_file_merge_per_branch() -> None:
    # cart.js: lines 1 2 3 5, three ran; line 2's two branches each taken by one test;
    # its one function (FN/FNDA) ran.
    assert values(HERE / "coverage.lcov") == ONE_FUNCTION | {
        "total": 62.5,
        "line_rate": 75.0,
        "branch_rate": 50.0,
        "lines_covered": 3,
        "lines_valid": 4,
        "branches_covered": 2,
        "branches_valid": 4,
        "files": 2,
    }


def test_lcov_with_crlf_line_ends() -> None:
    assert values(HERE / "crlf.info")["line_rate"] == 50.0


def test_gzipped_report(tmp_path: Path) -> None:
    packed = tmp_path / "coverage.xml.gz"
    packed.write_bytes(gzip.compress((HERE / "cobertura.xml").read_bytes()))
    assert values(packed) == SHOP | ONE_FUNCTION


def test_same_data_in_three_formats_is_not_counted_twice() -> None:
    paths = [str(HERE / n) for n in ("cobertura.xml", "coverage.json", "cobertura.xml")]
    assert values(paths) == SHOP


def test_union_a_line_covered_in_any_report(tmp_path: Path) -> None:
    other = write(
        tmp_path,
        "other.xml",
        cobertura(
            '<line number="3" hits="1"/><line number="6" hits="1" branch="true" '
            'condition-coverage="100% (2/2)"/><line number="9" hits="0"/>'
        ),
    )
    got = values([str(HERE / "cobertura.xml"), str(other)])
    # Lines 3 and 6 now ran, line 9 is new; line 6's branches: the better 2/2.
    assert (got["lines_covered"], got["lines_valid"]) == (8, 11)
    assert (got["branches_covered"], got["branches_valid"]) == (5, 6)
    assert got["total"] == 100.0 * 13 / 17


def test_union_keeps_best_covered_branches_of_a_line(tmp_path: Path) -> None:
    worse = write(
        tmp_path,
        "worse.xml",
        cobertura('<line number="2" hits="1" branch="true" condition-coverage="25% (1/4)"/>'),
    )
    better = write(
        tmp_path,
        "better.xml",
        cobertura('<line number="2" hits="1" branch="true" condition-coverage="75% (3/4)"/>'),
    )
    for order in ([worse, better], [better, worse]):
        got = values([str(p) for p in order])
        assert (got["branches_covered"], got["branches_valid"]) == (3, 4)


def test_glob_of_reports(tmp_path: Path) -> None:
    write(tmp_path, "a.xml", cobertura('<line number="1" hits="1"/>', "a.py"))
    write(tmp_path, "b.xml", cobertura('<line number="1" hits="0"/>', "b.py"))
    got = values(str(tmp_path / "*.xml"))
    assert (got["lines_covered"], got["lines_valid"], got["files"]) == (1, 2, 2)


def test_oldest_timestamp_dates_several_reports() -> None:
    collection = collect(
        CoverageAdapter, path=[str(HERE / "coverage.json"), str(HERE / "jacoco.xml")]
    )
    assert collection.timestamp == NOV_24_14H


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cobertura.xml", "cobertura"),
        ("cobertura-lines.xml", "cobertura"),
        ("jacoco.xml", "jacoco"),
        ("coverage.lcov", "lcov"),
        ("crlf.info", "lcov"),
        ("coverage.json", "coveragepy-json"),
    ],
)
def test_format_detected_from_content(name: str, kind: str, tmp_path: Path) -> None:
    renamed = tmp_path / "report.dat"
    renamed.write_bytes((HERE / name).read_bytes())
    assert detect(renamed) == kind


def test_format_option_forces_a_reader() -> None:
    assert values(HERE / "coverage.lcov", format="lcov")["lines_valid"] == 4
    with pytest.raises(AdapterError, match=r"cobertura\.xml:1: '<\?xml version=\"1\.0\" \?>'"):
        values(HERE / "cobertura.xml", format="lcov")


def test_epoch_seconds_and_milliseconds() -> None:
    assert epoch_time("1732456800") == epoch_time("1732456800000") == NOV_24_14H
    assert epoch_time(None) is None
    assert epoch_time("soon") is None
    assert epoch_time("0") is None


# --- errors: each one sentence that names the file -------------------------------------


def error(path: Path | str | list[str], **options: object) -> str:
    with pytest.raises(AdapterError) as caught:
        values(path, **options)
    return str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "coverage.xml"
    assert (
        error(missing)
        == f"{missing} does not exist: check the path, or that the tool ran before this step"
    )


def test_glob_matching_nothing(tmp_path: Path) -> None:
    assert error(str(tmp_path / "*.lcov")).startswith(f"no file matches {tmp_path}/*.lcov")


def test_empty_file(tmp_path: Path) -> None:
    empty = write(tmp_path, "coverage.xml", "")
    assert error(empty) == f"{empty} is empty: the tool that writes it failed or did not run"


def test_truncated_cobertura(tmp_path: Path) -> None:
    text = (HERE / "cobertura.xml").read_text(encoding="utf-8")
    cut = write(tmp_path, "coverage.xml", text[: len(text) // 2])
    message = error(cut)
    assert message.startswith(f"{cut} is not well-formed XML")
    assert message.endswith("(the file looks truncated)")


def test_truncated_lcov(tmp_path: Path) -> None:
    cut = write(tmp_path, "lcov.info", "TN:\nSF:a.c\nDA:1,1\n")
    assert error(cut) == (
        f"{cut} ends inside the record of a.c (no end_of_record): the file looks truncated"
    )


def test_truncated_json(tmp_path: Path) -> None:
    text = (HERE / "coverage.json").read_text(encoding="utf-8")
    cut = write(tmp_path, "coverage.json", text[:200])
    assert "is not valid coverage.py JSON" in error(cut)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (cobertura(""), "measures no lines: check that the tests ran with coverage on"),
        ("<coverage/>", "measures no lines"),
        ('{"meta": {}, "files": {}}', "measures no lines"),
        ("TN:\nSF:a.c\nend_of_record\n", "measures no lines"),
        ('<report name="x"><sessioninfo id="a" start="1" dump="2"/></report>', "measures no lines"),
    ],
)
def test_nothing_measured_is_an_error_not_100(tmp_path: Path, text: str, expected: str) -> None:
    report = write(tmp_path, "report", text)
    assert error(report).startswith(f"{report} {expected}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '<testsuites><testsuite name="t"/></testsuites>',
            "is XML with root <testsuites> whose first element is <testsuite>, neither "
            "Cobertura (<coverage> with <sources>/<packages>) nor JaCoCo (<report>): "
            "write a Cobertura, JaCoCo or LCOV report",
        ),
        (
            '<coverage version="1"><file path="a.c"><lineToCover lineNumber="1" covered="true"/>'
            "</file></coverage>",
            "is XML with root <coverage> whose first element is <file>",
        ),
        (
            "Name   Stmts   Miss  Cover\nTOTAL     10      2    80%\n",
            "is not a coverage report this adapter reads (Cobertura or JaCoCo XML, LCOV, "
            "coverage.py JSON or .coverage data, Istanbul json-summary): check the path, or "
            "set `format`",
        ),
        ("[1, 2]", 'is JSON but not a coverage.py report (no "files" object)'),
        (
            '{"total": {"lines": {"total": 2, "covered": 1, "pct": 50}}}',
            "is not an Istanbul json-summary: 'total' has no statements",
        ),
        (
            '{"/src/a.js": {"path": "/src/a.js", "statementMap": {}, "s": {}}}',
            "is istanbul JSON (coverage-final.json)",
        ),
        ('{"gcovr/summary_format_version": "0.6", "files": []}', "is gcovr JSON"),
    ],
)
def test_wrong_format(tmp_path: Path, text: str, expected: str) -> None:
    report = write(tmp_path, "report", text)
    assert error(report).startswith(f"{report} {expected}")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('<line number="x" hits="1"/>', ":1: <line> needs an integer 'number' and a 'hits'"),
        ('<line number="1"/>', ":1: <line> needs an integer 'number' and a 'hits'"),
        ('<line number="1" hits="many"/>', ":1: <line> has hits='many', which is not a number"),
        (
            '<line number="1" hits="1" condition-coverage="half"/>',
            ":1: condition-coverage='half' is not like '50% (1/2)'",
        ),
        (
            '<line number="1" hits="1" condition-coverage="300% (3/1)"/>',
            ":1: condition-coverage='300% (3/1)' covers more branches than it has",
        ),
    ],
)
def test_malformed_cobertura_line(tmp_path: Path, lines: str, expected: str) -> None:
    report = write(tmp_path, "coverage.xml", cobertura(lines))
    assert error(report) == f"{report}{expected}"


def test_cobertura_hit_counts_that_are_not_plain_integers(tmp_path: Path) -> None:
    report = write(
        tmp_path,
        "coverage.xml",
        cobertura(
            '<line number="1" hits="1.0"/><line number="2" hits="-1"/><line number="3" hits="00"/>'
        ),
    )
    assert values(report)["lines_covered"] == 1


def test_cobertura_line_outside_class(tmp_path: Path) -> None:
    report = write(
        tmp_path,
        "coverage.xml",
        '<coverage><packages><line number="1" hits="1"/></packages></coverage>',
    )
    assert error(report) == f"{report}:1: <line> outside a <class>: this is not a Cobertura report"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<package name="p"><sourcefile name="A.java"><line nr="1" mi="0" ci="trash"/></sourcefile></package>',
            ":1: ci='trash' is not a whole number",
        ),
        (
            '<package name="p"><sourcefile name="A.java"><line nr="1" mi="-1" ci="2"/></sourcefile></package>',
            ":1: mi='-1' is negative",
        ),
        (
            '<package name="p"><sourcefile name="A.java"><line nr="1"/></sourcefile></package>',
            ":1: p/A.java: lines without instruction counts and no LINE counter",
        ),
        ('<sourcefile name="A.java"/>', ":1: <sourcefile> outside a <package>"),
    ],
)
def test_malformed_jacoco(tmp_path: Path, body: str, expected: str) -> None:
    report = write(tmp_path, "jacoco.xml", f'<report name="r">{body}</report>')
    assert error(report).startswith(f"{report}{expected}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TN:\nDA:1,1\n", ":2: DA record outside an SF record: is this an LCOV tracefile?"),
        ("SF:a.c\nDA:one,1\nend_of_record\n", ":2: invalid literal for int() with base 10: 'one'"),
        ("SF:a.c\nDA:1\nend_of_record\n", ":2: DA:1 is not DA:<line>,<count>"),
        (
            "SF:a.c\nBRDA:1,0\nend_of_record\n",
            ":2: BRDA:1,0 is not BRDA:<line>,<block>,<branch>,<taken>",
        ),
        ("SF:\nend_of_record\n", ":1: SF record without a file name"),
    ],
)
def test_malformed_lcov(tmp_path: Path, text: str, expected: str) -> None:
    report = write(tmp_path, "lcov.info", text)
    assert error(report).startswith(f"{report}{expected}")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ('{"a.py": []}', "files['a.py'] should be an object, not list"),
        (
            '{"a.py": {"missing_lines": []}}',
            "files['a.py'].executed_lines should be an array, not NoneType",
        ),
        (
            '{"a.py": {"executed_lines": ["1"], "missing_lines": []}}',
            "files['a.py'].executed_lines should hold line numbers only",
        ),
        (
            '{"a.py": {"executed_lines": [1], "missing_lines": [], "executed_branches": [[1]]}}',
            "files['a.py'].executed_branches should hold [from, to] line pairs",
        ),
    ],
)
def test_malformed_coveragepy_json(tmp_path: Path, files: str, expected: str) -> None:
    report = write(tmp_path, "coverage.json", f'{{"meta": {{"format": 3}}, "files": {files}}}')
    assert error(report) == f"{report}: {expected}"


def test_sqlite_that_is_not_coverage_data(tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("create table t (x)")
    db.close()
    message = error(other)
    assert (
        message == f"{other} is an SQLite file but not coverage.py data (no coverage_schema table)"
    )


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    report = write(
        tmp_path,
        "coverage.xml",
        '<!DOCTYPE coverage [<!ENTITY a "aaaa">]><coverage><sources/></coverage>',
    )
    assert "refusing it" in error(report)


# --- the real coverage.py: our total is the one `coverage report` prints ---------------

SHOP_SOURCES = {
    "shop/__init__.py": "VERSION = 1\n",
    "shop/empty.py": "",
    "shop/calc.py": (
        "def classify(n):\n"
        "    if n < 0:\n"
        "        return 'negative'\n"
        "    elif n == 0:\n"
        "        return 'zero'\n"
        "    return 'positive'\n"
        "\n"
        "\n"
        "def total(items):\n"
        "    result = 0\n"
        "    for item in items:\n"
        "        if item % 2:\n"
        "            result += item\n"
        "    return result\n"
        "\n"
        "\n"
        "def unused(flag):\n"
        "    if flag:  # pragma: no cover\n"
        "        return 1\n"
        "    return 2\n"
    ),
    "run.py": "from shop.calc import classify, total\n\nclassify(5)\nclassify(0)\ntotal([1, 2])\n",
    ".coveragerc": "[run]\nsource = shop\n",
}
REPORTS = ("coverage.xml", "coverage.json", "coverage.lcov", ".coverage")


def run_coverage(work: Path, branch: bool) -> str:
    """Measure run.py in `work` and write every report; return `coverage report` output."""
    import subprocess
    import sys

    for name, text in SHOP_SOURCES.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("COVERAGE_")}
    commands = [
        ["run", *(["--branch"] if branch else []), "run.py"],
        ["xml", "-o", "coverage.xml"],
        ["json", "-o", "coverage.json"],
        ["lcov", "-o", "coverage.lcov"],
        ["report", "--precision=6"],
    ]
    output = ""
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "coverage", command[0], "--rcfile=.coveragerc", *command[1:]],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        output = done.stdout
    return output


def printed_total(report: str) -> list[str]:
    """The TOTAL row of `coverage report`: Stmts Miss [Branch BrPart] Cover."""
    return next(line.split()[1:] for line in report.splitlines() if line.startswith("TOTAL"))


@pytest.fixture(scope="module", params=[True, False], ids=["branch", "line"])
def measured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bool, str]:
    pytest.importorskip("coverage", reason="coverage.py is not installed")
    work = tmp_path_factory.mktemp("measured")
    return work, request.param, run_coverage(work, request.param)


@pytest.mark.realtool
@pytest.mark.parametrize("report", REPORTS)
def test_total_is_what_coverage_report_prints(
    measured: tuple[Path, bool, str], report: str
) -> None:
    import io

    import coverage

    work, branch, printed = measured
    collection = collect(CoverageAdapter, path=str(work / report), config=str(work / ".coveragerc"))
    got = {k: m.value for k, m in collection.metrics.items()}
    row = printed_total(printed)
    assert f"{round(float(got['total']), 6):.6f}%" == row[-1]
    cov = coverage.Coverage(
        data_file=str(work / ".coverage"), config_file=str(work / ".coveragerc")
    )
    cov.load()
    assert got["total"] == cov.report(file=io.StringIO())  # exactly, unrounded
    statements, missed = int(row[0]), int(row[1])
    assert (got["lines_valid"], got["lines_covered"]) == (statements, statements - missed)
    assert got["line_rate"] == 100.0 * (statements - missed) / statements
    assert got["files"] == 3
    if branch:
        assert got["branches_valid"] == int(row[2])
        assert got["branch_rate"] == 100.0 * got["branches_covered"] / got["branches_valid"]
    else:
        assert got["total"] == got["line_rate"]
        assert "branch_rate" not in got


@pytest.mark.realtool
def test_data_file_finds_moved_sources(tmp_path: Path) -> None:
    pytest.importorskip("coverage", reason="coverage.py is not installed")
    printed = printed_total(run_coverage(tmp_path / "ci", branch=True))
    (tmp_path / "ci").rename(tmp_path / "checkout")
    # By default the sources are looked for beside the data file.
    got = values(
        tmp_path / "checkout" / ".coverage", config=str(tmp_path / "checkout" / ".coveragerc")
    )
    assert f"{round(float(got['total']), 6):.6f}%" == printed[-1]
    # A data file elsewhere needs source_root, and says so.
    (tmp_path / "artifacts").mkdir()
    moved = (tmp_path / "checkout" / ".coverage").rename(tmp_path / "artifacts" / "data.coverage")
    message = error(moved)
    assert message.startswith(f"{moved}: the source file {tmp_path}/ci/shop/")
    assert message.endswith(
        f"it measured is not there nor under {tmp_path}/artifacts; coverage.py needs the "
        "sources to count statements: run where they are checked out, or set source_root "
        "to that checkout"
    )
    again = values(moved, source_root=str(tmp_path / "checkout"))
    assert again == got


def test_unknown_format_and_missing_path() -> None:
    assert error(HERE / "coverage.lcov", format="clover") == (
        "format 'clover' is not one of auto, cobertura, jacoco, coveragepy-json, "
        "coveragepy-data, lcov"
    )
    with pytest.raises(AdapterError, match="the coverage adapter needs `path`"):
        collect(CoverageAdapter)


# --- coverage.py JSON that contradicts itself ------------------------------------------


def _coveragepy(files: dict[str, object], totals: object = None) -> dict[str, object]:
    report: dict[str, object] = {"meta": {"format": 3, "version": "7.6.1"}, "files": files}
    if totals is not None:
        report["totals"] = totals
    return report


def _file(executed: list[int], missing: list[int], **summary: int) -> dict[str, object]:
    return {"executed_lines": executed, "missing_lines": missing, "summary": summary}


@pytest.mark.parametrize(
    ("report", "message"),
    [
        (
            _coveragepy({"a.py": _file([1, 2, 3], [3, 4])}),
            "files['a.py'] lists line 3 both in executed_lines and in missing_lines: "
            "the report contradicts itself",
        ),
        (
            _coveragepy({"a.py": _file([1, 2], [3], missing_lines=0)}),
            "files['a.py'].summary.missing_lines is 0, but missing_lines lists 1 lines: "
            "the report contradicts itself",
        ),
        (
            _coveragepy({"a.py": _file([1, 2], [3], covered_lines=2, num_statements=9,
                                       missing_lines=1)}),
            "files['a.py'].summary has 9 statements but 2 covered and 1 missing lines: "
            "the report contradicts itself",
        ),
        (
            _coveragepy(
                {"a.py": _file([1, 2], [3], covered_lines=2, num_statements=3, missing_lines=1)},
                totals={"covered_lines": 50, "num_statements": 51, "missing_lines": 1},
            ),
            "totals.covered_lines is 50, but the files' summaries add up to 2: "
            "the report contradicts itself",
        ),
    ],
    ids=["executed-and-missing", "summary-missing", "summary-statements", "totals"],
)  # fmt: skip
def test_a_coveragepy_report_that_contradicts_itself_is_an_error(
    tmp_path: Path, report: dict[str, object], message: str
) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(report))
    with pytest.raises(AdapterError) as raised:
        collect(CoverageAdapter, path=str(path))
    assert str(raised.value) == f"{path}: {message}"


def test_a_consistent_coveragepy_report_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    summary = {"covered_lines": 2, "num_statements": 3, "missing_lines": 1}
    report = _coveragepy({"a.py": _file([1, 2], [3], **summary)}, totals=summary)
    path.write_text(json.dumps(report))
    assert collect(CoverageAdapter, path=str(path)).metrics["lines_covered"].value == 2
