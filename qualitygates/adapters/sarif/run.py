"""Findings of one SARIF run: rules, levels, security severity, locations, suppressions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from qualitygates.adapters.interface import fingerprint
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Severity

LEVELS = ("error", "warning", "note", "none")
BANDS = (
    (9.0, Severity.CRITICAL),
    (7.0, Severity.HIGH),
    (4.0, Severity.MEDIUM),
    (0.0, Severity.LOW),
)
LEVEL_SEVERITY = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
SECURITY = "/security"  # category suffix: the severity came from security-severity
_LEVEL_RE = "(error|warning|note|none|total)"

_KEEP_WORDS = """version runs tool driver extensions name rules id defaultConfiguration level
properties security-severity results ruleId ruleIndex rule index toolComponent kind message text
locations physicalLocation artifactLocation uri uriBaseId region startLine suppressions status
justification baselineState partialFingerprints invocations executionSuccessful exitCode
originalUriBaseIds versionControlProvenance revisionId endTimeUtc artifacts location"""
KEEP = frozenset(_KEEP_WORDS.split())


def keep_free_form(key: str, value: Any) -> bool:
    """Keep a key outside KEEP? Short strings, and objects under base-id-like names.

    `partialFingerprints` values and `originalUriBaseIds` entries sit under names the tool
    chooses. Base ids are upper case by convention (SRCROOT, %SRCROOT%, ROOTPATH); a base
    under another name is not resolved and its URIs stay as written.
    """
    if isinstance(value, str):
        return len(value) <= 256
    return isinstance(value, dict) and _BASE_ID.fullmatch(key) is not None


_BASE_ID = re.compile(r"%?[A-Z][A-Z0-9_]*%?")


class RunReader:
    """Findings of one SARIF run."""

    def __init__(self, path: Path, index: int, run: dict[str, Any]) -> None:
        self.path, self.where, self.run = path, f"runs[{index}]", run
        tool = _dict(run.get("tool"))
        driver = _dict(tool.get("driver"))
        self.tool = _text(driver.get("name"))
        if not self.tool:
            raise AdapterError(
                f"{path}: {self.where} has no tool.driver.name: this is not valid SARIF"
            )
        components = [driver, *(_dict(e) for e in _list(tool.get("extensions")))]
        self.rules_by_index = [[_dict(r) for r in _list(c.get("rules"))] for c in components]
        self.rules_by_id = {
            _text(r.get("id")): r
            for rules in reversed(self.rules_by_index)
            for r in rules
            if r.get("id")
        }
        self.bases = _dict(run.get("originalUriBaseIds"))
        self._bands: dict[int, Severity | None] = {}
        self._check_invocations()

    def _check_invocations(self) -> None:
        for number, item in enumerate(_list(self.run.get("invocations"))):
            invocation = _dict(item)
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
        for number, result in enumerate(results):
            if not isinstance(result, dict):
                raise AdapterError(
                    f"{self.path}: {self.where}.results[{number}] should be an object"
                )
            finding = self._finding(result, f"{self.where}.results[{number}]")
            if finding is not None:
                yield finding

    def _finding(self, result: dict[str, Any], where: str) -> Finding | None:
        kind = _text(result.get("kind")) or "fail"
        if kind in ("pass", "notApplicable") or result.get("baselineState") == "absent":
            return None
        rule = self._rule(result)
        rule_id = (
            _text(result.get("ruleId"))
            or _text(_dict(result.get("rule")).get("id"))
            or _text(rule.get("id"))
        )
        rule_id = rule_id or "(no rule)"
        level = self._level(result, rule, kind, where)
        band = _band(_dict(result.get("properties")).get("security-severity")) or self._rule_band(
            rule
        )
        path, line = self._location(result)
        prints = sorted(_dict(result.get("partialFingerprints")).items())
        return Finding(
            id=rule_id,
            tool=self.tool,
            severity=band or LEVEL_SEVERITY[level],
            message=_text(_dict(result.get("message")).get("text")) or rule_id,
            rule=rule_id,
            location=Location(path, line),
            fingerprint=fingerprint(self.tool, rule_id, path, *(f"{k}={v}" for k, v in prints)),
            category=level + (SECURITY if band else ""),
            **_suppression(result),
        )

    def _rule_band(self, rule: dict[str, Any]) -> Severity | None:
        key = id(rule)  # rules live as long as the run, so their ids are stable
        if key not in self._bands:
            self._bands[key] = _band(_dict(rule.get("properties")).get("security-severity"))
        return self._bands[key]

    def _rule(self, result: dict[str, Any]) -> dict[str, Any]:
        ref = _dict(result.get("rule"))
        index = _index(result.get("ruleIndex", ref.get("index")))
        # toolComponent.index points into tool.extensions; without it the driver is meant.
        component = _index(_dict(ref.get("toolComponent")).get("index"))
        found = len(self.rules_by_index) > component + 1 >= 0
        rules = self.rules_by_index[component + 1] if found else self.rules_by_index[0]
        if 0 <= index < len(rules):
            return rules[index]
        rule_id = _text(result.get("ruleId")) or _text(ref.get("id"))
        # A hierarchical id ("C2001/sub") falls back to its base rule.
        by_id = self.rules_by_id.get(rule_id) or self.rules_by_id.get(rule_id.split("/")[0])
        return by_id if by_id is not None else {}

    def _level(self, result: dict[str, Any], rule: dict[str, Any], kind: str, where: str) -> str:
        default = _text(_dict(rule.get("defaultConfiguration")).get("level")) or "warning"
        level = result.get("level") or (default if kind == "fail" else "none")
        if level not in LEVELS:
            raise AdapterError(
                f"{self.path}: {where}.level {level!r} is not a SARIF level ({', '.join(LEVELS)})"
            )
        return str(level)

    def _location(self, result: dict[str, Any]) -> tuple[str | None, int | None]:
        locations = _list(result.get("locations"))
        physical = _dict(_dict(locations[0]).get("physicalLocation")) if locations else {}
        artifact = _dict(physical.get("artifactLocation"))
        artifacts = _list(self.run.get("artifacts"))
        index = _index(artifact.get("index"))
        if "uri" not in artifact and 0 <= index < len(artifacts):
            artifact = _dict(_dict(artifacts[index]).get("location"))
        line = _dict(physical.get("region")).get("startLine")
        line = line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None
        return self._resolve(_text(artifact.get("uri")), _text(artifact.get("uriBaseId")), 0), line

    def _resolve(self, uri: str, base_id: str, depth: int) -> str | None:
        if not uri:
            return None
        parts = urlsplit(uri)
        if parts.scheme:  # absolute: a file URI becomes its path
            path = re.sub(r"^/+", "/", unquote(parts.path))
            return path[1:] if re.match(r"/[A-Za-z]:/", path) else path
        base = _dict(self.bases.get(base_id)) if base_id and depth < 8 else {}
        base_uri = _text(base.get("uri")).strip()
        if base_uri and not urlsplit(base_uri).scheme:
            prefix = self._resolve(base_uri, _text(base.get("uriBaseId")), depth + 1) or ""
            return prefix.rstrip("/") + "/" + unquote(uri) if prefix else unquote(uri)
        return unquote(uri)

    def times(self) -> Iterator[datetime]:
        """When the run ended, from its invocations."""
        for invocation in _list(self.run.get("invocations")):
            when = _time(_dict(invocation).get("endTimeUtc"))
            if when is not None:
                yield when

    def revisions(self) -> Iterator[str]:
        """The commits the run says it analysed."""
        for item in _list(self.run.get("versionControlProvenance")):
            revision = _text(_dict(item).get("revisionId"))
            if revision:
                yield revision


def _suppression(result: dict[str, Any]) -> dict[str, Any]:
    suppressions = [_dict(s) for s in _list(result.get("suppressions"))]
    if not suppressions or any(
        s.get("status") in ("underReview", "rejected") for s in suppressions
    ):
        return {}
    first = suppressions[0]
    detail = _text(first.get("justification"))
    reason = f"suppressed in SARIF ({_text(first.get('kind')) or 'suppression'})" + (
        f": {detail}" if detail else ""
    )
    return {"waived": True, "waiver_reason": reason}


def _band(value: Any) -> Severity | None:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    if score != score or score <= 0:  # NaN, zero and below carry no band
        return None
    for floor, severity in BANDS:
        if score >= floor:
            return severity
    return None  # pragma: no cover - the last floor is 0


def _time(value: Any) -> datetime | None:
    text = _text(value).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _index(value: Any) -> int:
    """An array index from the log, or -1 when absent or not an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
