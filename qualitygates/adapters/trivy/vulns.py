"""The finding of one Trivy vulnerability: the adapter's hot path.

A large image report holds tens of thousands of vulnerabilities, and turning each into a
`Finding` costs about as much as parsing it. So the fields are read in one function,
locations are shared between the findings of a package, and the fingerprint is left to be
hashed from its parts when something reads it.
"""

from __future__ import annotations

import functools
from typing import Any

from qualitygates.model import Finding, FindingKind, Location, Severity

TOOL = "trivy"
SEVERITIES = ("critical", "high", "medium", "low", "unknown")
SEVERITY = {s.upper(): Severity(s) for s in SEVERITIES}
VULNERABILITY = FindingKind.VULNERABILITY


def vulnerability_finding(item: dict[str, Any], target: str) -> Finding | None:
    """The finding of one vulnerability object; None without a VulnerabilityID or with a
    Severity that is not Trivy's (`build_finding` then says which)."""
    get = item.get
    ident = get("VulnerabilityID")
    if type(ident) is not str or not ident:
        return None
    level = severity(get("Severity"))
    if level is None:
        return None
    name, version = get("PkgName"), get("InstalledVersion")
    name = name if type(name) is str else ""
    package = f"{name}@{version}" if type(version) is str and version else name
    title = get("Title")
    identifier = get("PkgIdentifier")
    purl = identifier.get("PURL") if type(identifier) is dict else None
    return Finding(
        id=ident,
        tool=TOOL,
        severity=level,
        message=title if type(title) is str and title else f"{ident} in {package}",
        rule=ident,
        location=_package_location(target, package),
        fixable=bool(get("FixedVersion")),
        purl=purl if type(purl) is str and purl else None,
        kind=VULNERABILITY,
        identity=(TOOL, ident, package, target),  # hashed only if a baseline or report asks
    )


def severity(value: Any) -> Severity | None:
    """The severity Trivy wrote (upper case, as a rule; UNKNOWN when it wrote none); None
    for a word that is not one of Trivy's, which makes the report an error."""
    found = SEVERITY.get(value) if type(value) is str else None
    if found is None and value is None:
        return Severity.UNKNOWN
    if found is None and isinstance(value, str):
        found = SEVERITY.get(value.upper())
    return found


def bad_severity(path: object, where: str, value: Any) -> str:
    """The error for a Severity that is not one of Trivy's words."""
    words = "/".join(s.upper() for s in reversed(SEVERITIES))
    return f"{path}: {where} has an entry with Severity {value!r:.60}, not one of Trivy's {words}"


@functools.lru_cache(maxsize=1 << 16)  # packages x targets of a large scan
def _package_location(target: str, package: str) -> Location:
    return Location(target or None, None, package or None)
