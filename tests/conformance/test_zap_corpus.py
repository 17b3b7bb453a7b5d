"""Every ZAP report of the corpus reads, and its counts equal a plain json/ElementTree count."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.zap import ZapAdapter
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

RISK = {"3": "high", "2": "medium", "1": "low", "0": "informational"}


def _alerts(path: Path) -> list[dict[str, Any]]:
    """Each alert entry of each site as {riskcode, confidence, count, listed}."""
    if path.suffix == ".xml":
        root = ET.parse(path).getroot()
        return [
            {
                "riskcode": item.findtext("riskcode"),
                "confidence": item.findtext("confidence"),
                "count": item.findtext("count"),
                "listed": len(item.findall("instances/instance")),
            }
            for item in root.iter("alertitem")
        ]
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        {**alert, "listed": len(alert.get("instances", []))}
        for site in data["site"]
        for alert in site["alerts"]
    ]


def _expected(path: Path) -> dict[str, int]:
    kept = [a for a in _alerts(path) if a["confidence"] != "0"]  # 0 = false positive
    alerts: Counter[str] = Counter(RISK[a["riskcode"]] for a in kept)
    instances: Counter[str] = Counter()
    for a in kept:
        instances[RISK[a["riskcode"]]] += int(a["count"]) if a.get("count") else a["listed"]
    expected = {f"alerts.{r}": alerts[r] for r in RISK.values()}
    expected |= {f"instances.{r}": instances[r] for r in RISK.values()}
    expected["alerts.total"] = len(kept)
    expected["instances.total"] = sum(instances.values())
    return expected


@pytest.mark.parametrize("path", corpus_params("zap/*", "set-b/zap/*"))
def test_counts_match_a_plain_count(path: Path) -> None:
    collection = collect(ZapAdapter, path=str(path))
    counts = ZapAdapter().count_findings(collection.findings)
    assert {k: int(v.value) for k, v in counts.items()} == _expected(path)
    assert len(collection.findings) == len(_alerts(path))
