"""OWASP ZAP alerts from its traditional reports: JSON and XML, with or without `-plus`.

Read: `zap-baseline.py -J/-x` reports, the reports add-on's `traditional-json`,
`traditional-json-plus`, `traditional-xml` and `traditional-xml-plus` templates (the
Automation Framework's `report` job writes the same), ZAP 2.8 to 2.16. Request and
response bodies of the `-plus` forms are never kept.

An *alert* is one entry of a site's alert list: ZAP already groups the instances of one
alert type (same plugin, name, risk and confidence) per site, so an alert raised on two
sites counts twice. `alerts.<risk>` counts these entries by `riskcode` (3 high,
2 medium, 1 low, 0 informational); `instances.<risk>` adds up their instance counts
(the report's `count`, which older versions keep even when they list fewer instances;
a `count` below the instances listed, or a `confidence` outside 0 to 4, is an error).
An alert with no `count` that lists no instance stands for an unknown number of them, at
least one: `instances.*` are then unavailable, with the reason, never a count of 0.
An alert whose `confidence` is 0 was marked a false positive in ZAP: it is listed as
waived and not counted.

A report without any site means ZAP scanned nothing, which is an error; a site without
alerts is a clean scan. An Automation Framework plan that reported errors
(`afPlanErrors`) is an error too, since its scan may be incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import family_metrics, severity_counts
from qualitygates.adapters._io import expect_type, looks_like_xml
from qualitygates.adapters._options import path_option
from qualitygates.adapters._xml import iter_xml, local_name
from qualitygates.adapters.interface import Collection, CollectRequest, FindingsAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity
from qualitygates.readers import read_json

TOOL = "zap"
RISKS = {"3": Severity.HIGH, "2": Severity.MEDIUM, "1": Severity.LOW, "0": Severity.INFO}
RISK_NAMES = {
    Severity.HIGH: "high",
    Severity.MEDIUM: "medium",
    Severity.LOW: "low",
    Severity.INFO: "informational",
}
FALSE_POSITIVE = "0"
#: ZAP's confidence levels: 0 false positive, 1 low, 2 medium, 3 high, 4 user confirmed.
CONFIDENCES = frozenset({"0", "1", "2", "3", "4"})
_FIELDS = ("pluginid", "alertRef", "alert", "name", "riskcode", "confidence", "count", "cweid")
_TEXT_TAGS = frozenset({*_FIELDS, "uri"})
_INSTANCES = tuple(f"instances.{name}" for name in (*RISK_NAMES.values(), "total"))
_UNCOUNTED = (
    "an alert in the reports has no count and lists no instance, so how many instances "
    "there are is unknown: gate on alerts.<risk>, or write the report with a traditional "
    "JSON or XML template of ZAP 2.8 or later"
)


def _alert(
    fields: dict[str, str], site: str, first_uri: str | None, listed: int, path: Path
) -> Finding:
    """The finding of one alert; its `occurrences` are ZAP's instances of it."""
    name = fields.get("name") or fields.get("alert") or "unnamed alert"
    risk = fields.get("riskcode", "").strip()
    if risk not in RISKS:
        raise AdapterError(f"{path}: alert {name!r} on {site} has riskcode {risk!r}, not 0 to 3")
    plugin = fields.get("pluginid", "").strip()
    ref = fields.get("alertRef", "").strip() or plugin or name
    count = _count(fields.get("count", "").strip(), listed, f"{path}: alert {name!r} on {site}")
    cwe = fields.get("cweid", "").strip()
    confidence = fields.get("confidence", "").strip()
    if confidence and confidence not in CONFIDENCES:
        raise AdapterError(
            f"{path}: alert {name!r} on {site} has confidence {confidence[:40]!r}, not 0 to 4"
        )
    false_positive = confidence == FALSE_POSITIVE
    weakness = cwe.isascii() and cwe.isdigit() and int(cwe) > 0
    return Finding(
        id=ref,
        tool=TOOL,
        severity=RISKS[risk],
        message=name,
        rule=plugin or ref,
        location=Location(path=first_uri or site),
        kind=FindingKind.WEAKNESS if weakness else FindingKind.ISSUE,
        cwe=(int(cwe),) if weakness else (),
        occurrences=count,
        extra={"site": site, "confidence": int(confidence)} if confidence else {"site": site},
        identity=(TOOL, ref, site, risk, fields.get("confidence")),
        waived=false_positive,
        waiver_reason="marked as a false positive in ZAP" if false_positive else None,
    )


def _count(count: str, listed: int, where: str) -> int:
    """The alert's instance count: ZAP's `count`, at least the instances it lists (older
    versions list only some, never more); the listed ones when it writes none."""
    if not count:
        return listed
    if not count.isdigit():
        raise AdapterError(f"{where} has count {count[:40]!r}, not a number of instances")
    if int(count) < listed:
        raise AdapterError(
            f"{where} has count {int(count)} but lists {listed} instances: "
            "the report contradicts itself"
        )
    return int(count)


def _read_xml(path: Path) -> Iterator[Finding]:
    stack: list[str] = []
    fields: dict[str, str] = {}
    uri: str | None = None
    site, listed, sites = "", 0, 0
    for event, tag, payload in iter_xml(path, _TEXT_TAGS):
        name = local_name(tag)
        if event == "start" and isinstance(payload, dict):
            if not stack and name != "OWASPZAPReport":
                raise AdapterError(
                    f"{path} is not a ZAP report (its root element is <{name}>, not <OWASPZAPReport>)"
                )
            stack.append(name)
            if name == "site":
                site, sites = payload.get("name", ""), sites + 1
            elif name == "alertitem":
                fields, uri, listed = {}, None, 0
            elif name == "instance":
                listed += 1
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if parent == "alertitem" and name in _FIELDS and isinstance(payload, str):
            fields[name] = payload
        elif name == "uri" and parent == "instance" and uri is None and isinstance(payload, str):
            uri = payload.strip() or None
        elif name == "alertitem":
            yield _alert(fields, site, uri, listed, path)
    if not sites:
        raise AdapterError(
            f"{path} lists no site: ZAP scanned nothing; check the target URL and the scan's log"
        )


def _read_json(path: Path) -> Iterator[Finding]:
    data = expect_type(read_json(path, "ZAP"), dict, path, "the report")
    if "site" not in data:
        raise AdapterError(f"{path} is not a ZAP traditional JSON report (it has no `site`)")
    errors = data.get("afPlanErrors") or []
    if errors:
        raise AdapterError(
            f"{path}: ZAP's automation plan reported errors, so the scan may be incomplete: {errors[0]}"
        )
    sites = _as_list(data["site"], path, "site")
    if not sites:
        raise AdapterError(
            f"{path} lists no site: ZAP scanned nothing; check the target URL and the scan's log"
        )
    for i, site in _objects(sites, path, "site"):
        name = str(site.get("@name", ""))
        for j, alert in enumerate(_as_list(site.get("alerts"), path, f"site[{i}].alerts")):
            yield _json_alert(expect_type(alert, dict, path, f"site[{i}].alerts[{j}]"), name, path)


def _objects(values: list[Any], path: Path, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each item of an array with its index, every one checked to be an object."""
    for i, value in enumerate(values):
        yield i, expect_type(value, dict, path, f"{where}[{i}]")


def _json_alert(alert: dict[str, Any], site: str, path: Path) -> Finding:
    fields = {k: str(alert[k]) for k in _FIELDS if alert.get(k) is not None}
    instances = [
        i for i in _as_list(alert.get("instances"), path, "instances") if isinstance(i, dict)
    ]
    first = instances[0].get("uri") if instances else None
    return _alert(fields, site, str(first) if first else None, len(instances), path)


def _as_list(value: Any, path: Path, where: str) -> list[Any]:
    """ZAP before 2.8 wrote one item as an object and none as an empty string."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return [value]
    return list(expect_type(value, list, path, where))


class ZapAdapter(FindingsAdapter):
    """Alerts by risk from OWASP ZAP traditional JSON and XML reports."""

    name = "zap"
    summary = "Alerts by risk from OWASP ZAP reports (traditional JSON/XML)"
    formats = (
        "ZAP traditional JSON (zap-baseline.py -J, traditional-json, traditional-json-plus)",
        "ZAP traditional XML (zap-baseline.py -x, traditional-xml, traditional-xml-plus)",
    )
    options = (path_option("ZAP report(s)"),)
    metrics = (
        *family_metrics(
            "alerts",
            tuple(RISK_NAMES.values()),
            "alerts of one risk: high, medium, low or informational",
            total="alerts (alert types per site), not waived",
            placeholder="risk",
        ),
        *family_metrics(
            "instances",
            (*RISK_NAMES.values(), "total"),
            "instances of the alerts, by risk (high, medium, low, informational) or total; "
            "unavailable when an alert has no count and lists no instance",
            placeholder="risk",
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Every report's alerts; instances are unavailable if one alert has no number."""
        collection = super().collect(request)
        # `_count` leaves 0 for an alert that says nothing of its instances: unknown.
        if any(not f.occurrences and not f.waived for f in collection.findings):
            return replace(collection, unavailable=dict.fromkeys(_INSTANCES, _UNCOUNTED))
        return collection

    def read(self, path: Path) -> Iterator[Finding]:
        """The alerts of one report, XML or JSON by its content."""
        return _read_xml(path) if looks_like_xml(path) else _read_json(path)

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Alerts and their instances by risk, from the alerts left after waivers."""
        kept = [f for f in findings if not f.waived]
        alerts = severity_counts("alerts", kept, RISK_NAMES)
        return alerts | severity_counts("instances", kept, RISK_NAMES, _instances)


def _instances(alert: Finding) -> int:
    return alert.occurrences
