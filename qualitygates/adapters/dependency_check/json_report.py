"""Dependency-Check JSON reports (`-f JSON`, reportSchema 1.1), keys some versions misspell
(`baseSeverity>`) included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expect_type
from qualitygates.adapters.dependency_check.findings import (
    Dependency,
    Vulnerability,
    no_dependencies,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from qualitygates.readers import read_json


def read_json_report(path: Path) -> Iterator[Finding]:
    """The findings of every dependency of a JSON report, in order."""
    data = expect_type(read_json(path, "Dependency-Check"), dict, path, "the report")
    if "dependencies" not in data or "scanInfo" not in data:
        raise AdapterError(
            f"{path} is not a Dependency-Check JSON report (no scanInfo and dependencies)"
        )
    deps = expect_type(data["dependencies"] or [], list, path, "dependencies")
    if not deps:
        raise AdapterError(no_dependencies(path))
    for i, raw in enumerate(deps):
        yield from _dependency(
            expect_type(raw, dict, path, f"dependencies[{i}]"), path, f"dependencies[{i}]"
        )


def _dependency(raw: dict[str, Any], path: Path, where: str) -> Iterator[Finding]:
    listed = expect_type(raw.get("packages") or [], list, path, f"{where}.packages")
    packages = [str(p.get("id")) for p in listed if isinstance(p, dict)]
    dep = Dependency(
        file_name=str(raw.get("fileName") or ""),
        file_path=str(raw.get("filePath") or ""),
        purl=next((p for p in packages if p.startswith("pkg:")), None),
    )
    for key, suppressed in (("vulnerabilities", False), ("suppressedVulnerabilities", True)):
        for j, vuln in enumerate(expect_type(raw.get(key) or [], list, path, f"{where}.{key}")):
            fields = _fields(expect_type(vuln, dict, path, f"{where}.{key}[{j}]"))
            dep.vulns.append(Vulnerability(suppressed, {k: v for k, v in fields.items() if v}))
    return dep.findings(path)


def _fields(vuln: dict[str, Any]) -> dict[str, str]:
    v3, v2 = _object(vuln.get("cvssv3")), _object(vuln.get("cvssv2"))
    cwes = vuln.get("cwes") if isinstance(vuln.get("cwes"), list) else []
    raw = {
        "name": vuln.get("name"),
        "description": vuln.get("description"),
        "severity": vuln.get("severity"),
        "v3": v3.get("baseSeverity") or v3.get("baseSeverity>"),  # `>`: a typo of some versions
        "v2": v2.get("severity"),
        "v3_score": v3.get("baseScore"),
        "v2_score": v2.get("score"),
        "cwe": cwes[0] if cwes else None,
    }
    return {k: str(v) for k, v in raw.items() if v is not None}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
