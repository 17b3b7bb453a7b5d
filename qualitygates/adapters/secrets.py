"""Secrets found by gitleaks (JSON report, v7 and v8) and GitGuardian's ggshield (JSON).

Each secret a tool reports is one finding, of severity high, whose id is the tool's rule
(gitleaks `RuleID`, or `rule` in v7; ggshield's detector, the incident `type`). The
secret itself is never copied anywhere: gitleaks' `Secret`, `Match`, `Line` and
`offender` fields and ggshield's `match` are not read at all, only the rule, the file,
the line and the commit.

Counts are of what the tool lists: one gitleaks entry, or one ggshield incident, per
secret per file per commit (the `leaks found: N` gitleaks prints, ggshield's
`total_incidents`). `secrets.rule.<rule>` uses the rule in lower case with every run of
other characters than letters and digits turned into `-` (`AWS Access Key` ->
`secrets.rule.aws-access-key`); a rule the report never mentions counts 0.

A gitleaks report `[]` is a clean scan (gitleaks 7 writes `null` for the same), while an
empty file is an error. ggshield writes no `entities_with_incidents` when it found
nothing. SARIF from either tool belongs to the `sarif` adapter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from qualitygates.adapters._counts import counts_by, requested_zeros
from qualitygates.adapters._io import expect_type, open_report
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import Collection, CollectRequest, FindingsAdapter, MetricSpec
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit
from qualitygates.readers import read_json

RULE_PREFIX = "secrets.rule."
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def rule_metric(rule: str) -> str:
    """The metric name that counts one rule's secrets (`AWS Access Key` -> `...aws-access-key`)."""
    return RULE_PREFIX + (_NOT_SLUG.sub("-", rule.lower()).strip("-") or "unnamed")


def _rule_metric(secret: Finding) -> str:
    return rule_metric(secret.rule or secret.id)


_SECRET_METRICS = (
    MetricSpec("secrets.total", Unit.COUNT, "secrets found (not waived)", summary=True),
    MetricSpec(
        "secrets.rule.<rule>",
        Unit.COUNT,
        "secrets found by one rule, named in lower case with '-' between words; 0 when absent",
        pattern=r"secrets\.rule\.[a-z0-9][a-z0-9-]*",
    ),
)


class _SecretsAdapter(FindingsAdapter):
    """What gitleaks and ggshield share: options, metrics, counting and merging files."""

    tool: ClassVar[str]
    options = (path_option("JSON report(s)"),)
    metrics = _SECRET_METRICS

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; counting is left to count_findings."""
        collection = super().collect(request)
        rules = sorted({_rule_metric(f) for f in collection.findings})
        return replace(
            collection,
            metrics=requested_zeros(request.metrics, RULE_PREFIX),
            available=("secrets.total", *rules),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """`secrets.total` and one `secrets.rule.<rule>` per rule that has secrets left."""
        return counts_by([f for f in findings if not f.waived], _rule_metric, "secrets.total")

    def finding(
        self, rule: str, file: str, line: int | None, commit: str, extra: str = ""
    ) -> Finding:
        """One secret, described by where it is and never by its value."""
        where = f"{file}:{line}" if file and line else (file or "an unnamed file")
        at_commit = f" at commit {commit[:12]}" if commit else ""
        return Finding(
            id=rule,
            tool=self.tool,
            severity=Severity.HIGH,
            message=f"secret found by rule {rule} in {where}{at_commit}{extra}",
            rule=rule,
            location=Location(path=file or None, line=line if file else None),
            kind=FindingKind.SECRET,
            identity=(self.tool, rule, file, commit),
        )


def refuse_other_formats(path: Path, tool: str) -> None:
    """Name the format when a gitleaks/ggshield report was written as XML, CSV or text."""
    with open_report(path) as stream:
        head = stream.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    advice = "write the report with --report-format json" if tool == "gitleaks" else "use --json"
    if head.startswith(b"<"):
        kind = "XML (a JUnit or other report)"
    elif head.startswith(b"RuleID,"):
        kind = "CSV"
    elif head and head[:1] not in b"[{n":
        kind = "text"
    else:
        return
    raise AdapterError(f"{path} is {kind}, not a {tool} JSON report: {advice}")


def _check_total(holder: dict[str, Any], listed: int, path: Path, where: str) -> None:
    """ggshield's `total_incidents` (of the report, a scan or a file) is the number of
    incidents listed under it: a total the list does not hold is a corrupt report."""
    total = holder.get("total_incidents")
    if total is None:
        return
    if type(total) is not int or total != listed:
        raise AdapterError(
            f"{path}: {where} says total_incidents: {total!r:.40} but lists {listed} "
            f"incident{'' if listed == 1 else 's'}: the report contradicts itself"
        )


def _objects(values: list[Any], path: Path, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each item of an array with its index, every one checked to be an object."""
    for i, value in enumerate(values):
        yield i, expect_type(value, dict, path, f"{where}[{i}]")


def _line(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(item: dict[str, Any], key: str, path: Path, where: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    return str(expect_type(value, str, path, f"{where}.{key}"))


class GitleaksAdapter(_SecretsAdapter):
    """Secrets in a gitleaks JSON report (gitleaks 8, and gitleaks 7's lower-case fields)."""

    name = "gitleaks"
    tool = "gitleaks"
    summary = "Secrets found by gitleaks (JSON report)"
    formats = (
        "gitleaks 8 JSON (--report-format json): RuleID, File, StartLine, Commit",
        "gitleaks 7 JSON: rule, file, lineNumber, commit; `null` when nothing was found",
    )

    def read(self, path: Path) -> list[Finding]:
        refuse_other_formats(path, "gitleaks")
        data = read_json(path, "gitleaks")
        if data is None:  # gitleaks 7 encodes "no leaks" as a Go nil slice
            return []
        items = expect_type(data, list, path, "the report (gitleaks writes an array of findings)")
        return [self._one(item, i, path) for i, item in enumerate(items)]

    def _one(self, item: Any, index: int, path: Path) -> Finding:
        where = f"finding {index}"
        item = expect_type(item, dict, path, where)
        if "RuleID" in item:  # gitleaks 8
            rule = _text(item, "RuleID", path, where)
            file, line = _text(item, "File", path, where), _line(item.get("StartLine"))
            commit = _text(item, "Commit", path, where)
        elif "rule" in item:  # gitleaks 7
            rule = _text(item, "rule", path, where)
            file, line = _text(item, "file", path, where), _line(item.get("lineNumber"))
            commit = _text(item, "commit", path, where)
        else:
            raise AdapterError(
                f"{path}: {where} has neither RuleID nor rule: this is not a gitleaks JSON report"
            )
        return self.finding(rule or "unnamed-rule", file, line, commit)


class GgshieldAdapter(_SecretsAdapter):
    """Secrets in a ggshield (GitGuardian) `secret scan --json` report."""

    name = "ggshield"
    tool = "ggshield"
    summary = "Secrets found by GitGuardian ggshield (secret scan --json)"
    formats = (
        "ggshield secret scan --json: path, pre-commit, docker and archive scans "
        "(entities_with_incidents) and commit ranges (scans[].entities_with_incidents)",
    )

    def read(self, path: Path) -> list[Finding]:
        refuse_other_formats(path, "ggshield")
        data = read_json(path, "ggshield")
        data = expect_type(data, dict, path, "the report")
        if "type" not in data or not (
            {"entities_with_incidents", "scans", "total_incidents"} & set(data)
        ):
            raise AdapterError(
                f"{path} is not a ggshield secret scan report (no type, scans or incidents): "
                "write it with `ggshield secret scan ... --json`"
            )
        return list(self._findings(data, path))

    def _findings(self, data: dict[str, Any], path: Path) -> Iterator[Finding]:
        found = self._entities(data, "", path, "the report")
        scans = expect_type(data.get("scans") or [], list, path, "scans")
        for i, scan in _objects(scans, path, "scans"):
            commit = str(scan.get("id") or "") if scan.get("type") == "commit" else ""
            in_scan = self._entities(scan, commit, path, f"scans[{i}]")
            _check_total(scan, len(in_scan), path, f"scans[{i}]")
            found += in_scan
        _check_total(data, len(found), path, "the report")
        return iter(found)

    def _entities(
        self, holder: dict[str, Any], commit: str, path: Path, where: str
    ) -> list[Finding]:
        found: list[Finding] = []
        entities = expect_type(holder.get("entities_with_incidents") or [], list, path, where)
        for i, entity in _objects(entities, path, f"{where}.entities_with_incidents"):
            here = f"{where}.entities_with_incidents[{i}]"
            file = _text(entity, "filename", path, here)
            incidents = expect_type(entity.get("incidents") or [], list, path, f"{here}.incidents")
            _check_total(entity, len(incidents), path, here)
            for j, incident in _objects(incidents, path, f"{here}.incidents"):
                found.append(self._incident(incident, file, commit, path, f"{here}.incidents[{j}]"))
        return found

    def _incident(
        self, incident: dict[str, Any], file: str, commit: str, path: Path, where: str
    ) -> Finding:
        rule = _text(incident, "type", path, where) or "unnamed-detector"
        occurrences = expect_type(
            incident.get("occurrences") or [], list, path, f"{where}.occurrences"
        )
        first = occurrences[0] if occurrences and isinstance(occurrences[0], dict) else {}
        line = _line(first.get("line_start")) or _line(first.get("post_line_start"))
        validity = _text(incident, "validity", path, where)
        return self.finding(
            rule, file, line, commit, f" (validity: {validity})" if validity else ""
        )
