"""The dashboards adapter over real Grafana dashboards, against a plain JSON walk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.dashboards import DashboardsAdapter
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

BOARDS = corpus_params("dashboards/*.json", "set-b/dashboards/*.json")
QUERY_FIELDS = ("expr", "query", "rawSql", "target")


def plain_panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every panel that is not a row, collapsed rows opened."""
    found = []
    for panel in panels:
        if panel.get("type") == "row":
            found.extend(plain_panels(panel.get("panels") or []))
        else:
            found.append(panel)
    return found


@pytest.mark.parametrize("path", BOARDS)
def test_counts_equal_a_plain_walk(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    board = data.get("dashboard", data)
    panels = plain_panels(board.get("panels") or [])
    without = [
        p for p in panels
        if p.get("type") != "text"
        and not any(t.get(k) for t in p.get("targets") or [] for k in QUERY_FIELDS)
    ]  # fmt: skip
    result = collect(DashboardsAdapter, path=str(path), required=[board["uid"], board["title"]])
    counts = DashboardsAdapter().count_findings(result.findings)
    assert result.metrics["dashboards"].value == 1
    assert result.metrics["panels"].value == len(panels)
    assert counts["panels_without_queries"].value == len(without)
    assert counts["missing_dashboards"].value == 0
    assert counts["invalid_dashboards"].value == 0


def test_all_corpus_dashboards_together() -> None:
    paths = [p.values[0] for p in BOARDS if p.values[0] is not None]
    if not paths:
        pytest.skip("corpus not found")
    result = collect(DashboardsAdapter, path=[str(p) for p in paths], required=["not-there"])
    counts = DashboardsAdapter().count_findings(result.findings)
    assert result.metrics["dashboards"].value == len(paths)
    assert counts["missing_dashboards"].value == 1
