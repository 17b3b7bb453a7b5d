"""Passing test cases read in bulk (`_xmlskim`) must count exactly as element by element.

Reports are generated with the shapes a `<testcase>` takes (self-closing or not, with
quotes, references, odd times, verdict children, comments) and counted with ElementTree.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.junit.cases import Tally
from qualitygates.adapters.junit.reader import FileReader
from qualitygates.adapters.junit.values import seconds

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
    FileReader(path, tally).read()
    tests, passed, duration = elementtree_counts(path)
    assert (tally.tests, tally.counts["passed"]) == (tests, passed)
    assert tally.duration == pytest.approx(duration, rel=1e-12, abs=1e-12)


def test_a_lone_testcase_is_a_report_of_one_test(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text('<testcase classname="a" name="b" time="0.5"/>')
    tally = Tally()
    FileReader(path, tally).read()
    assert (tally.tests, tally.counts["passed"], tally.duration) == (1, 1, 0.5)
