"""The duplication adapter over the jscpd reports of the shared corpus.

The figures must equal jscpd's own `statistics.total` (its percentage to the two decimals
it prints) and the clones a plain count of `duplicates`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualitygates.adapters.duplication import DuplicationAdapter
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("path", corpus_params("duplication/*.json"))
def test_figures_equal_jscpd_own_totals(path: Path) -> None:
    data = json.loads(path.read_text())
    total = data["statistics"]["total"]
    result = collect(DuplicationAdapter, path=path)
    assert result.metrics["duplicated_lines"].value == total["duplicatedLines"]
    assert result.metrics["total_lines"].value == total["lines"]
    assert result.metrics["percentage"].value == total["duplicatedLines"] / total["lines"] * 100
    assert round(float(result.metrics["percentage"].value), 2) == total["percentage"]
    assert len(result.findings) == len(data["duplicates"]) == total["clones"]
    firsts = [(d["firstFile"]["name"], d["firstFile"]["start"]) for d in data["duplicates"]]
    assert [(f.location.path, f.location.line) for f in result.findings] == firsts
    adapter = DuplicationAdapter()
    assert adapter.count_findings(result.findings)["clones"].value == total["clones"]
