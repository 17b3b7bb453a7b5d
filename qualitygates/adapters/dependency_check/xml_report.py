"""Dependency-Check XML reports (`-f XML`, schemas 1.x to 4.x), streamed: memory holds one
dependency at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from qualitygates.adapters._xml import iter_xml, local_name
from qualitygates.adapters.dependency_check.findings import (
    Dependency,
    Vulnerability,
    no_dependencies,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding

_VULNS = frozenset({"vulnerability", "suppressedVulnerability"})
# XML elements read into a vulnerability's fields: its children, then CVSS ones.
_DIRECT = {"name": "name", "severity": "severity", "cwe": "cwe", "description": "description"}
_DIRECT["cvssScore"] = "v2_score"  # schema 1.x
_NESTED = {
    ("cvssV3", "baseSeverity"): "v3",
    ("cvssV2", "severity"): "v2",
    ("cvssV3", "baseScore"): "v3_score",
    ("cvssV2", "score"): "v2_score",
    ("cwes", "cwe"): "cwe",
}
_TEXT_TAGS = frozenset({"fileName", "filePath", "id", "name", "severity", "baseSeverity", "cwe"}) | {
    "cvssScore", "score", "baseScore", "description"
}  # fmt: skip


class XmlReader:
    """Streams an XML report; memory holds one dependency at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stack: list[str] = []
        self.dep: Dependency | None = None
        self.vuln: Vulnerability | None = None
        self.dependencies = 0

    def read(self) -> Iterator[Finding]:
        for event, tag, payload in iter_xml(self.path, _TEXT_TAGS):
            name = local_name(tag)
            if event == "start":
                self._start(name)
                continue
            self.stack.pop()
            text = payload if isinstance(payload, str) else ""
            if name == "dependency" and self.stack[-1:] == ["dependencies"] and self.dep:
                yield from self.dep.findings(self.path)
                self.dep = None
            elif self.dep is not None:
                self._end(name, text.strip())
        if not self.dependencies:
            raise AdapterError(no_dependencies(self.path))

    def _start(self, name: str) -> None:
        if not self.stack and name != "analysis":
            raise AdapterError(
                f"{self.path} is not a Dependency-Check XML report (its root element is <{name}>, not <analysis>)"
            )
        if name == "dependency" and self.stack[-1:] == ["dependencies"]:
            self.dep, self.dependencies = Dependency(), self.dependencies + 1
        elif name in _VULNS and self.dep is not None:
            self.vuln = Vulnerability(suppressed=name == "suppressedVulnerability")
            self.dep.vulns.append(self.vuln)
        self.stack.append(name)

    def _end(self, name: str, text: str) -> None:
        if self.dep is None:
            return
        parent = self.stack[-1] if self.stack else ""
        if name in _VULNS:
            self.vuln = None
        elif self.vuln is not None:
            key = _vuln_key(parent, name)
            if key and text:
                self.vuln.fields.setdefault(key, text)
        elif parent == "dependency" and name in ("fileName", "filePath"):
            setattr(self.dep, "file_name" if name == "fileName" else "file_path", text)
        elif name == "id" and parent == "package" and self._is_purl(text):
            self.dep.purl = text

    def _is_purl(self, text: str) -> bool:
        """The first purl of the dependency itself, not of a related dependency."""
        no_purl = self.dep is not None and self.dep.purl is None
        return no_purl and text.startswith("pkg:") and "relatedDependency" not in self.stack


def _vuln_key(parent: str, name: str) -> str | None:
    """Which field of a vulnerability an XML element is, by its parent."""
    return _DIRECT.get(name) if parent in _VULNS else _NESTED.get((parent, name))
