"""The complexity adapter over the radon and lizard reports of the shared corpus.

Each file's figures must equal a plain count made here (`json` for radon, ElementTree for
lizard's XML, `csv` for its CSV) and lizard's own average CCN; the three reports describe
the same project, so they must also agree with one another.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.complexity import ComplexityAdapter
from tests.helpers import collect, corpus_params, corpus_root

pytestmark = pytest.mark.corpus


def radon_values(path: Path) -> list[int]:
    """Complexity of every function, method and closure, each once."""
    seen: dict[tuple[str, int, int], int] = {}

    def visit(file: str, block: dict[str, Any]) -> None:
        if block["type"] == "class":
            for method in block.get("methods", []):
                visit(file, method)
            return
        seen[(file, block["lineno"], block["col_offset"])] = block["complexity"]
        for closure in block.get("closures", []):
            visit(file, closure)

    for file, blocks in json.loads(path.read_text()).items():
        for block in blocks:
            visit(file, block)
    return list(seen.values())


def lizard_xml_values(path: Path) -> list[int]:
    measure = ET.parse(path).getroot().find("measure[@type='Function']")
    assert measure is not None
    column = [label.text for label in measure.iter("label")].index("CCN")
    return [int(item.findall("value")[column].text or "") for item in measure.iter("item")]


def lizard_csv_values(path: Path) -> list[int]:
    with path.open(newline="") as stream:
        return [int(row[1]) for row in csv.reader(stream) if row and row[0] != "NLOC"]


COUNTERS = {".json": radon_values, ".xml": lizard_xml_values, ".csv": lizard_csv_values}


@pytest.mark.parametrize("path", corpus_params("complexity/*"))
def test_figures_equal_a_plain_count(path: Path) -> None:
    values = COUNTERS[path.suffix](path)
    for limit in (1, 4, 9):
        result = collect(ComplexityAdapter, path=path, max_complexity=limit)
        assert result.metrics["max"].value == max(values)
        assert result.metrics["average"].value == sum(values) / len(values)
        assert result.metrics["functions"].value == len(values)
        assert len(result.findings) == sum(v > limit for v in values)


def test_the_three_reports_agree_with_lizard_own_average() -> None:
    folder = corpus_root() / "complexity"
    if not (folder / "lizard.xml").is_file():
        pytest.skip(f"{folder} is absent")
    figures = set()
    for name in ("radon-cc.json", "lizard.xml", "lizard.csv"):
        metrics = collect(ComplexityAdapter, path=folder / name).metrics
        figures.add(tuple(metrics[k].value for k in ("max", "average", "functions")))
    averages = ET.parse(folder / "lizard.xml").getroot().find("measure[@type='Function']")
    assert averages is not None
    printed = [
        float(a.get("value", "")) for a in averages.iter("average") if a.get("label") == "CCN"
    ]
    assert figures == {(9.0, printed[-1], 8.0)}
