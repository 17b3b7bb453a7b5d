"""Every Dependency-Check report of the corpus reads, and its counts equal a plain count."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from qualitygates.adapters.dependency_check import DependencyCheckAdapter
from qualitygates.errors import AdapterError
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

# Deliberately empty: `<dependencies/>`, Dependency-Check scanned nothing.
NOTHING_SCANNED = {"dd-dc_empty.xml"}
WORDS = {"moderate": "medium"}


def _word(*candidates: str | None) -> str:
    for raw in candidates:
        word = (raw or "").strip().lower()
        word = WORDS.get(word, word)
        if word in ("critical", "high", "medium", "low"):
            return word
    return "unknown"


def _plain_xml(path: Path) -> list[tuple[str, str]]:
    """(dependency, severity) of every vulnerability not suppressed, by ElementTree."""
    root = ET.parse(path).getroot()
    ns = {"d": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {"d": ""}
    found = []
    for dep in root.iterfind("d:dependencies/d:dependency", ns):
        name = f"{dep.findtext('d:filePath', namespaces=ns)}|{dep.findtext('d:fileName', namespaces=ns)}"
        for vuln in dep.iterfind("d:vulnerabilities/d:vulnerability", ns):
            severity = _word(
                vuln.findtext("d:cvssV3/d:baseSeverity", namespaces=ns),
                vuln.findtext("d:cvssV2/d:severity", namespaces=ns),
                vuln.findtext("d:severity", namespaces=ns),
            )
            found.append((name, severity))
    return found


def _plain_json(path: Path) -> list[tuple[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for dep in data["dependencies"]:
        name = f"{dep.get('filePath')}|{dep.get('fileName')}"
        for vuln in dep.get("vulnerabilities", []):
            v3, v2 = vuln.get("cvssv3", {}), vuln.get("cvssv2", {})
            severity = _word(v3.get("baseSeverity"), v2.get("severity"), vuln.get("severity"))
            found.append((name, severity))
    return found


@pytest.mark.parametrize("path", corpus_params("dependency_check/*", "set-b/dependency-check/*"))
def test_counts_match_a_plain_count(path: Path) -> None:
    if path.name in NOTHING_SCANNED:
        with pytest.raises(AdapterError, match="lists no dependency"):
            collect(DependencyCheckAdapter, path=str(path))
        return
    plain = _plain_xml(path) if path.suffix == ".xml" else _plain_json(path)
    by_severity = Counter(severity for _, severity in plain)
    expected = {
        f"vulnerabilities.{s}": by_severity[s]
        for s in ("critical", "high", "medium", "low", "unknown")
    }
    expected["vulnerabilities.total"] = len(plain)
    expected["vulnerable_dependencies"] = len({dep for dep, _ in plain})
    collection = collect(DependencyCheckAdapter, path=str(path))
    counts = DependencyCheckAdapter().count_findings(collection.findings)
    assert {k: int(v.value) for k, v in counts.items()} == expected


def test_the_large_report_lists_its_suppressions() -> None:
    params = corpus_params("dependency_check/dd-PR6439.xml")
    path = params[0].values[0]
    if path is None:
        pytest.skip("corpus absent")
    findings = collect(DependencyCheckAdapter, path=str(path)).findings
    assert sum(f.waived for f in findings) == 8
    assert {f.id for f in findings if f.waived} >= {"CVE-2021-44228", "CVE-2015-3208"}
