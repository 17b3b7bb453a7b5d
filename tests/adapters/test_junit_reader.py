"""Passing test cases read in bulk (`_xmlskim`) must count exactly as element by element.

Reports are generated with the shapes a `<testcase>` takes (self-closing or not, with
quotes, references, odd times, verdict children, comments) and counted with ElementTree.
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.junit.cases import Tally
from qualitygates.adapters.junit.reader import FileReader
from qualitygates.adapters.junit.values import seconds
from qualitygates.errors import AdapterError

CASE_SHAPES = [
    '<testcase classname="a.B" name="test_{i}" time="{t}"/>',
    '<testcase name="test_{i}" classname="a.B" time="{t}" file="a/b.py" line="3" />',
    '<testcase classname="a.B" name="test_{i}"/>',
    "<testcase classname='a.B' name='test_{i}' time='{t}'/>",
    '<testcase classname="a.B" name="test_{i}[x&lt;y]" time="{t}"/>',
    '<testcase classname="a.B" name="test_{i}" time="{t}"></testcase>',
    '<testcase classname="a.B" name="test_{i}" time="{t}"><system-out>ok</system-out></testcase>',
    '<testcase classname="a.B" name="test_{i}" time="{t}"><failure message="no"/></testcase>',
    '<testcase classname="a.B" name="test_{i}" time="{t}"><skipped/></testcase>',
    '<!-- <testcase classname="a.B" name="ghost_{i}" time="{t}"/> -->',
]
TIMES = ["0.012", "1", "1,5", "1,234.5", "nan", "-1", "inf", "", "0", "2e-3", "x"]


@st.composite
def reports(draw: st.DrawFn) -> str:
    cases = [
        draw(st.sampled_from(CASE_SHAPES)).format(i=index, t=draw(st.sampled_from(TIMES)))
        for index in range(draw(st.integers(1, 25)))
    ]
    half = len(cases) // 2
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s1">\n'
        + "\n".join(cases[:half])
        + '</testsuite><testsuite name="s2">'
        + "".join(cases[half:])
        + "</testsuite></testsuites>\n"
    )


def elementtree_counts(path: Path) -> tuple[int, int, float]:
    """tests, passed, duration, counted as SPEC says from the same file."""
    cases = list(ElementTree.parse(path).getroot().iter("testcase"))
    verdicts = {"failure", "error", "skipped"}
    passed = [case for case in cases if not any(child.tag in verdicts for child in case)]
    return len(cases), len(passed), sum(seconds(case.get("time")) for case in cases)


@given(report=reports())
def test_bulk_counts_equal_an_elementtree_count(
    tmp_path_factory: pytest.TempPathFactory, report: str
) -> None:
    path = tmp_path_factory.mktemp("junit") / "junit.xml"
    path.write_text(report)
    tally = Tally()
    tests, passed, duration = elementtree_counts(path)
    if not tests:  # only ghosts in comments
        with pytest.raises(AdapterError, match="contains no test cases"):
            FileReader(path, tally).read()
        return
    FileReader(path, tally).read()
    assert (tally.tests, tally.counts["passed"]) == (tests, passed)
    assert tally.duration == pytest.approx(duration, rel=1e-12, abs=1e-12)


def test_a_lone_testcase_is_a_report_of_one_test(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text('<testcase classname="a" name="b" time="0.5"/>')
    tally = Tally()
    FileReader(path, tally).read()
    assert (tally.tests, tally.counts["passed"], tally.duration) == (1, 1, 0.5)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<testsuite name='<testcase name=\"x\"/>'></testsuite>", id="in-an-attribute"),
        pytest.param('<testsuite><testcase name="\x01"/></testsuite>', id="control-character"),
        pytest.param('<testsuite><testcase name="\xff\xfe"/></testsuite>', id="not-utf-8"),
    ],
)
def test_a_malformed_report_is_refused_not_counted(tmp_path: Path, body: str) -> None:
    path = tmp_path / "junit.xml"
    path.write_bytes(b"<testsuites>" + body.encode("latin-1") + b"</testsuites>")
    with pytest.raises(AdapterError, match="is not well-formed XML"):
        FileReader(path, Tally()).read()


def test_a_testcase_after_the_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text('<testsuites><testsuite/></testsuites><testcase name="x"/>')
    with pytest.raises(AdapterError, match="is not well-formed XML"):
        FileReader(path, Tally()).read()


@pytest.mark.parametrize(
    ("times", "duration"),
    [(["inf", "-inf"], 0.0), (["1e308", "1e308"], math.inf), (["0.1"] * 10, 1.0)],
)
def test_odd_times_add_up_without_error(tmp_path: Path, times: list[str], duration: float) -> None:
    path = tmp_path / "junit.xml"
    cases = "".join(f'<testcase name="t{i}" time="{t}"/>' for i, t in enumerate(times))
    path.write_text(f"<testsuite>{cases}</testsuite>")
    tally = Tally()
    FileReader(path, tally).read()
    assert tally.duration == duration


@pytest.mark.parametrize(
    "case",
    [
        '<testcase classname="a" name="t" time="1" time="900"/>',
        '<testcase classname="a" name="t" name="u" time="1"/>',
        '<testcase name="t" classname="a" time="1" file="x" line="2" classname="b"/>',
        # each usual shape, spelt out in the pattern, followed by a repeat
        '<testcase time="1" classname="a" name="t" assertions="0" time="2"/>',
        '<testcase classname="a" name="t" file="f" line="1" time="1" line="3"/>',
        '<testcase name="t" classname="a" time="1" name="u"/>',
    ],
)
def test_a_repeated_attribute_is_refused_as_expat_refuses_it(tmp_path: Path, case: str) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(f'<testsuite name="s">{case}<testcase name="ok" time="1"/></testsuite>')
    with pytest.raises(AdapterError, match=r"is not well-formed XML.*duplicate attribute"):
        FileReader(path, Tally()).read()
