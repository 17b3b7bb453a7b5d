"""Findings of one SARIF run: rules, levels, security severity, locations, suppressions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from qualitygates.adapters._times import in_utc, iso_time
from qualitygates.adapters.lint.severity import ruff_severity
from qualitygates.adapters.sarif.fields import BadSeverity, band, text, to_dict, to_list
from qualitygates.adapters.sarif.records import SKIP, Result, record
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, JsonScalar, Location, Severity

LEVELS = ("error", "warning", "note", "none")
LEVEL_SEVERITY = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
#: A finding's `extra`: its SARIF level, and `graded` when its severity came from a
#: security-severity score; shared by the findings of each (level, graded).
LEVEL, GRADED = "level", "graded"
EXTRAS: dict[tuple[str, bool], Mapping[str, JsonScalar]] = {
    (level, graded): {LEVEL: level, GRADED: True} if graded else {LEVEL: level}
    for level in LEVELS
    for graded in (False, True)
}
BAND = "band"  # the security band a finding is counted in, when its severity shows lower
_LOWER = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM,
          Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.INFO}  # fmt: skip
_BANDED: dict[tuple[str, Severity], Mapping[str, JsonScalar]] = {}
_ADVISORY_PREFIXES = ("CVE-", "GHSA-")


def _banded(level: str, band: Severity | None) -> Mapping[str, JsonScalar]:
    """The `extra` of a graded finding shown below its band (shared, made once each)."""
    assert band is not None
    key = (level, band)
    if key not in _BANDED:
        _BANDED[key] = {LEVEL: level, GRADED: True, BAND: band.value}
    return _BANDED[key]


#: What a result's rule reference resolves to: rule id, default level, rule band.
_RuleInfo = tuple[str, str, Severity | None]


class RunReader:
    """Findings of one SARIF run (its results are `Result` records or result objects)."""

    def __init__(self, path: Path, index: int, run: dict[str, Any]) -> None:
        self.path, self.where, self.run = path, f"runs[{index}]", run
        tool = to_dict(run.get("tool"))
        driver = to_dict(tool.get("driver"))
        self.tool = text(driver.get("name"))
        self._ruff = self.tool.lower() == "ruff"  # its errors are graded by rule family
        if not self.tool:
            raise AdapterError(
                f"{path}: {self.where} has no tool.driver.name: this is not valid SARIF"
            )
        components = [driver, *(to_dict(e) for e in to_list(tool.get("extensions")))]
        self.rules_by_index = [[to_dict(r) for r in to_list(c.get("rules"))] for c in components]
        self.rules_by_id = {
            text(r.get("id")): r
            for rules in reversed(self.rules_by_index)
            for r in rules
            if r.get("id")
        }
        self.bases = to_dict(run.get("originalUriBaseIds"))
        self.artifacts = to_list(run.get("artifacts"))
        # Results share a few rules and files: resolve each once.
        self._rules: dict[tuple[int, int, str, str], _RuleInfo] = {}
        self._paths: dict[tuple[bool, str, str, int], str | None] = {}
        self._check_invocations()

    def _check_invocations(self) -> None:
        for number, item in enumerate(to_list(self.run.get("invocations"))):
            invocation = to_dict(item)
            if invocation.get("executionSuccessful") is False:
                code = invocation.get("exitCode")
                detail = f", exit code {code}" if isinstance(code, int) else ""
                raise AdapterError(
                    f"{self.path}: the tool reports its run failed ({self.tool}, {self.where}.invocations[{number}]"
                    f".executionSuccessful is false{detail}): fix the scan so it completes"
                )

    def findings(self) -> Iterator[Finding]:
        """Every result that is a finding, in file order."""
        results = self.run.get("results")
        if results is None:
            raise AdapterError(
                f"{self.path}: {self.where} ({self.tool}) has no results array: the tool produced no results"
            )
        if not isinstance(results, list):
            raise AdapterError(
                f"{self.path}: {self.where}.results should be an array: this is not valid SARIF"
            )
        for number, item in enumerate(results):
            result = record(item)
            if result is SKIP:
                continue
            if not result.valid:
                raise AdapterError(
                    f"{self.path}: {self.where}.results[{number}] should be an object"
                )
            yield self._finding(result, number)

    def _finding(self, result: Result, number: int) -> Finding:
        rule_id, default, rule_band = self._rule(result)
        level = result.level or (default if result.kind == "fail" else "none")
        where = f"{self.where}.results[{number}]"
        if level not in LEVELS:
            field = f"{where}.level"
            if not result.level:
                field = f"rule {rule_id!r} defaultConfiguration.level"
            raise AdapterError(
                f"{self.path}: {field} {level!r:.60} is not a SARIF level ({', '.join(LEVELS)})"
            )
        if result.band is not None and not isinstance(result.band, Severity):
            raise AdapterError(f"{self.path}: {where}.properties.{result.band}")
        security = result.band or rule_band
        # bandit's low confidence: shown one step lower, counted in its band (`band`)
        shown = _LOWER[security] if security is not None and result.doubtful else security
        path = self._path(result)
        return Finding(
            id=rule_id,
            tool=self.tool,
            severity=shown or self._unscored(rule_id, level),
            message=result.message or rule_id,
            rule=rule_id,
            location=Location(path, result.line),
            kind=_kind(rule_id, security is not None),
            extra=EXTRAS[level, security is not None]
            if shown is security
            else _banded(level, security),
            identity=(self.tool, rule_id, path, *result.prints),
            waived=result.waiver is not None,
            waiver_reason=result.waiver,
        )

    def _unscored(self, rule_id: str, level: str) -> Severity:
        """A result with no security score: ruff's errors by their rule's family (ruff
        writes every violation as an error), anything else by its level."""
        if self._ruff and level == "error":
            return ruff_severity(rule_id)
        return LEVEL_SEVERITY[level]

    def _rule(self, result: Result) -> _RuleInfo:
        key = (result.rule_index, result.component, result.rule_id, result.ref_id)
        info = self._rules.get(key)
        if info is None:
            rule = self._find_rule(*key)
            rule_id = result.rule_id or result.ref_id or text(rule.get("id")) or "(no rule)"
            default = to_dict(rule.get("defaultConfiguration")).get("level") or "warning"
            info = (rule_id, default, self._rule_band(rule, rule_id))
            self._rules[key] = info
        return info

    def _find_rule(self, index: int, component: int, rule_id: str, ref_id: str) -> dict[str, Any]:
        # toolComponent.index points into tool.extensions; without it the driver is meant.
        found = len(self.rules_by_index) > component + 1 >= 0
        rules = self.rules_by_index[component + 1] if found else self.rules_by_index[0]
        if 0 <= index < len(rules):
            return rules[index]
        wanted = rule_id or ref_id
        # A hierarchical id ("C2001/sub") falls back to its base rule.
        by_id = self.rules_by_id.get(wanted) or self.rules_by_id.get(wanted.split("/")[0])
        return by_id if by_id is not None else {}

    def _path(self, result: Result) -> str | None:
        key = (result.has_uri, result.uri, result.base_id, result.artifact)
        if key not in self._paths:
            uri, base_id = result.uri, result.base_id
            if not result.has_uri and 0 <= result.artifact < len(self.artifacts):
                artifact = to_dict(to_dict(self.artifacts[result.artifact]).get("location"))
                uri, base_id = text(artifact.get("uri")), text(artifact.get("uriBaseId"))
            self._paths[key] = self._resolve(uri, base_id, 0)
        return self._paths[key]

    def _resolve(self, uri: str, base_id: str, depth: int) -> str | None:
        if not uri:
            return None
        parts = urlsplit(uri)
        if parts.scheme:  # absolute: a file URI becomes its path
            path = re.sub(r"^/+", "/", unquote(parts.path))
            return path[1:] if re.match(r"/[A-Za-z]:/", path) else path
        base = to_dict(self.bases.get(base_id)) if base_id and depth < 8 else {}
        base_uri = text(base.get("uri")).strip()
        if base_uri and not urlsplit(base_uri).scheme:
            prefix = self._resolve(base_uri, text(base.get("uriBaseId")), depth + 1) or ""
            return prefix.rstrip("/") + "/" + unquote(uri) if prefix else unquote(uri)
        return unquote(uri)

    def _rule_band(self, rule: dict[str, Any], rule_id: str) -> Severity | None:
        """A rule's `security-severity` band; malformed is an error, never ignored."""
        try:
            return band(to_dict(rule.get("properties")).get("security-severity"))
        except BadSeverity as exc:
            raise AdapterError(f"{self.path}: {self.where}: rule {rule_id!r} has {exc}") from None

    def declares_security(self) -> bool:
        """Whether any rule of the run carries a `security-severity` band."""
        return any(
            self._rule_band(rule, text(rule.get("id")) or "(no id)") is not None
            for rules in self.rules_by_index
            for rule in rules
        )

    def times(self) -> Iterator[datetime]:
        """When the run ended, from its invocations."""
        for invocation in to_list(self.run.get("invocations")):
            when = in_utc(iso_time(to_dict(invocation).get("endTimeUtc")))  # no zone: UTC
            if when is not None:
                yield when

    def revisions(self) -> Iterator[str]:
        """The commits the run says it analysed."""
        for item in to_list(self.run.get("versionControlProvenance")):
            revision = text(to_dict(item).get("revisionId"))
            if revision:
                yield revision


def _kind(rule_id: str, graded: bool) -> FindingKind:
    """A CVE or GHSA names a vulnerability; a graded result is a weakness; the rest lint."""
    if rule_id[:5].upper().startswith(_ADVISORY_PREFIXES):
        return FindingKind.VULNERABILITY
    return FindingKind.WEAKNESS if graded else FindingKind.LINT
