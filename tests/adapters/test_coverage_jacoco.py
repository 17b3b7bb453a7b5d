"""JaCoCo read in bulk (`_xmlskim`) and element by element must give the same numbers.

Reports are generated with JaCoCo's own `<line nr mi ci mb cb/>` and with other shapes
(attribute order, quotes, character references, lines in comments), several source files
of one package, and a file listed twice, and counted independently with ElementTree.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.coverage.jacoco import read_jacoco
from qualitygates.adapters.coverage.store import LineStore
from qualitygates.errors import AdapterError
from tests.helpers import LineUnion

LINE_SHAPES = [
    '<line nr="{n}" mi="{mi}" ci="{ci}" mb="{mb}" cb="{cb}"/>',
    '<line nr="{n}" mi="{mi}" ci="{ci}" mb="{mb}" cb="{cb}" />',
    '<line ci="{ci}" nr="{n}" mi="{mi}" mb="{mb}" cb="{cb}"/>',
    "<line nr='{n}' mi='{mi}' ci='{ci}' mb='{mb}' cb='{cb}'/>",
    '<line nr="&#{code};" mi="{mi}" ci="{ci}" mb="{mb}" cb="{cb}"/>',
    '<!-- <line nr="{n}" mi="0" ci="9" mb="0" cb="0"/> -->',
]


@st.composite
def reports(draw: st.DrawFn) -> str:
    files = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(["A.java", "B.java"]))
        lines = "\n".join(
            draw(st.sampled_from(LINE_SHAPES)).format(
                n=(number := draw(st.integers(1, 9))),
                code=48 + number,
                mi=draw(st.sampled_from([0, 2])),
                ci=draw(st.sampled_from([0, 1, 3])),
                mb=draw(st.sampled_from([0, 1])),
                cb=draw(st.sampled_from([0, 1, 2])),
            )
            for _ in range(draw(st.integers(0, 10)))
        )
        counter = '<counter type="LINE" missed="0" covered="0"/>'
        files.append(f'<sourcefile name="{name}">\n{lines}\n{counter}</sourcefile>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">'
        '<report name="r"><sessioninfo id="s" start="1700000000000" dump="1700000001000"/>'
        '<package name="com/example"><class name="com/example/A" sourcefilename="A.java">'
        '<method name="f" desc="()V" line="3"><counter type="LINE" missed="0" covered="1"/>'
        "</method></class>" + "".join(files) + "</package></report>"
    )


def elementtree_totals(path: Path) -> tuple[int, int, int, int]:
    """lines_valid, lines_covered, branches_valid, branches_covered: the union per file."""
    union = LineUnion()
    for package in ElementTree.parse(path).getroot().iter("package"):
        for source in package.iter("sourcefile"):
            name = f"{package.get('name')}/{source.get('name')}"
            for line in source.iter("line"):
                key = (name, int(line.get("nr", "")))
                mi, ci, mb, cb = (int(line.get(a, "0")) for a in ("mi", "ci", "mb", "cb"))
                if mi or ci:
                    union.line(key, ci > 0)
                if mb or cb:
                    union.branch(key, cb, mb + cb)
    return union.totals()


@given(report=reports())
def test_bulk_reading_equals_an_elementtree_count(
    tmp_path_factory: pytest.TempPathFactory, report: str
) -> None:
    path = tmp_path_factory.mktemp("jacoco") / "jacoco.xml"
    path.write_text(report)
    store = LineStore()
    read_jacoco(path, store)
    totals = store.totals()
    valid, covered, branches_valid, branches_covered = elementtree_totals(path)
    assert (totals.branches_valid, totals.branches_covered) == (branches_valid, branches_covered)
    if valid:  # a file whose lines all lack instructions is counted from its counters
        assert (totals.lines_valid, totals.lines_covered) == (valid, covered)


def test_a_line_outside_a_sourcefile_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text(
        '<report name="r"><package name="p"><sourcefile name="A.java"></sourcefile>'
        '<line nr="1" mi="0" ci="1" mb="0" cb="0"/></package></report>'
    )
    with pytest.raises(AdapterError, match=r"<line> outside a <sourcefile>"):
        read_jacoco(path, LineStore())
