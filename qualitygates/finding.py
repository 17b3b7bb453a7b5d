"""Findings: one thing a tool reported, typed, with the one severity scale of every tool.

Severity is one scale for every tool, from worst to least: `critical` (exploitable or
release-blocking: Trivy/Snyk CRITICAL, a CVSS-like security-severity of 9.0 or more),
`high` (must be fixed: a failed test, a lint error, a secret, SARIF `error`, a required
runbook or sign-off missing), `medium` (should be fixed: a lint warning, SARIF `warning`,
an uncovered changed line, a function over the complexity limit), `low` (worth a look:
SARIF `note`, a code clone, a pylint convention), `info` (no action needed, ZAP
informational) and `unknown` (the tool gave none; ranked above `info` so it is never
played down). Each adapter documents how its tool's levels map onto it.

A finding's `kind` says what it is (a vulnerability, a lint issue, a failed test, ...);
`is_security` derives from it (and from a CWE or a package URL) without reading any text.
Tool-specific facts with no field of their own go to `extra` (JSON scalars only), which
reporters copy but never parse.

The fingerprint tells a finding apart from others across runs, so it never includes a line
number. Adapters give the parts it is made of (`identity`) and it is computed the first time
it is read: most runs never read it. A fingerprint read back from a saved result, or a
tool's own, is given as `fingerprint=` instead.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn, TypeAlias

#: What `Finding.extra` may hold: the values JSON writes without nesting.
JsonScalar: TypeAlias = "str | int | float | bool | None"


class Severity(str, enum.Enum):
    """Severity of a finding, normalised across tools (the scale is in the module's doc)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.UNKNOWN: 1,
    Severity.INFO: 0,
}


class FindingKind(str, enum.Enum):
    """What a finding is, whichever tool found it."""

    VULNERABILITY = "vulnerability"  # a known flaw of a package or image (CVE, GHSA, Snyk id)
    SECRET = "secret"  # a credential in the code or the image
    WEAKNESS = "weakness"  # a security flaw in our code or app (graded SAST, a ZAP alert's CWE)
    LICENSE = "license"  # a package license the policy forbids or flags
    MISCONFIGURATION = "misconfiguration"  # infrastructure as code or image settings
    LINT = "lint"  # a linter's or static analyser's result that is not graded for security
    FAILED_TEST = "failed-test"  # a test that failed or errored
    CLONE = "clone"  # duplicated code
    COMPLEXITY = "complexity"  # a function over the complexity limit
    COVERAGE_GAP = "coverage-gap"  # a changed line no test covers
    READINESS = "readiness"  # a runbook, alert, dashboard, sign-off or drill not in order
    ISSUE = "issue"  # anything else (a plugin that names no kind)

    @property
    def is_security(self) -> bool:
        """Vulnerabilities, secrets and weaknesses: what code scanning shows as security."""
        return self in _SECURITY_KINDS


#: The reason of a finding its source suppressed (`# noqa`, `eslint-disable`, a SARIF
#: `inSource` suppression): counted out like a waived one, but no waiver of the policy's.
SUPPRESSED_IN_SOURCE = "suppressed in source"
_SUPPRESSED = "suppressed "

_SECURITY_KINDS = frozenset({FindingKind.VULNERABILITY, FindingKind.SECRET, FindingKind.WEAKNESS})


def fingerprint(*parts: object) -> str:
    """A stable finding fingerprint from identifying parts (never line numbers)."""
    import hashlib  # here, not at the top: start-up never pays for it

    # A list, not a generator: this runs once per finding, tens of thousands of times.
    joined = "\x1f".join([p if type(p) is str else "" if p is None else str(p) for p in parts])
    return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True, init=False)
class Location:
    """Where a finding is: a file, line and column (1-based), or a package."""

    path: str | None = None
    line: int | None = None
    package: str | None = None
    column: int | None = None

    def __init__(  # the dataclass's own, without a setattr call per field (see Finding)
        self,
        path: str | None = None,
        line: int | None = None,
        package: str | None = None,
        column: int | None = None,
    ) -> None:
        fields = self.__dict__
        fields["path"], fields["line"], fields["package"], fields["column"] = (
            path, line, package, column,
        )  # fmt: skip

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or self.package or ""


NOWHERE = Location()


class _NoExtra(dict[str, JsonScalar]):
    """The `extra` of every finding without one: an empty dict (so `json.dumps` and
    `dataclasses.asdict` take it) that refuses changes, so one is shared; hashable, so it
    can be the field's plain default (no call per finding); pickled as the singleton."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a finding without extra shares this empty one: give it its own")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return 0

    def __reduce__(self) -> str:
        return "NO_EXTRA"


NO_EXTRA: Mapping[str, JsonScalar] = _NoExtra()


class _LazyFingerprint:
    """`Finding.fingerprint`: the one given, else computed from `identity` on first read.

    A data descriptor, so the field stays an ordinary dataclass field (`fingerprint=` in
    the constructor, compared, copied by `dataclasses.replace`) while a finding whose
    fingerprint nobody reads never pays for the hash. The value lives in the instance's
    `__dict__` under `_fingerprint`, which a frozen dataclass lets this write.
    """

    def __get__(self, finding: Finding | None, owner: type | None = None) -> str:
        if finding is None:
            return ""  # the field's default: compute from `identity`
        stored: dict[str, str] = finding.__dict__
        value = stored.get("_fingerprint", "")
        if not value and finding.identity:
            value = stored["_fingerprint"] = fingerprint(*finding.identity)
        return value

    def __set__(self, finding: Finding, value: str) -> None:
        finding.__dict__["_fingerprint"] = value


@dataclass(frozen=True, init=False)
class Finding:
    """One thing a tool reported: a vulnerability, a failed test, a lint result, ...

    `id` is what a waiver names (CVE, rule id, test name); `rule` the tool's rule, when it
    has one apart from the id. `fingerprint` is stable across runs (no line numbers), so
    baselines can tell new findings from old ones: give `identity`, the parts it is made of
    (`fingerprint(*identity)`), or the fingerprint itself. `occurrences` counts the places
    one finding stands for (a ZAP alert's instances). `cwe` holds CWE numbers (79 for
    CWE-79); `purl` the package URL of a vulnerable package; `extra` tool-specific facts.
    """

    id: str
    tool: str
    severity: Severity
    message: str
    rule: str | None = None
    location: Location = NOWHERE
    fixable: bool = False
    fingerprint: _LazyFingerprint = _LazyFingerprint()
    purl: str | None = None
    kind: FindingKind = FindingKind.ISSUE
    cwe: tuple[int, ...] = ()
    occurrences: int = 1
    extra: Mapping[str, JsonScalar] = field(default=NO_EXTRA, hash=False)
    identity: tuple[object, ...] = field(default=(), compare=False, repr=False)
    waived: bool = False
    waiver_reason: str | None = None

    def __init__(
        self,
        id: str,
        tool: str,
        severity: Severity,
        message: str,
        rule: str | None = None,
        location: Location = NOWHERE,
        fixable: bool = False,
        fingerprint: str = "",
        purl: str | None = None,
        kind: FindingKind = FindingKind.ISSUE,
        cwe: tuple[int, ...] = (),
        occurrences: int = 1,
        extra: Mapping[str, JsonScalar] = NO_EXTRA,
        identity: tuple[object, ...] = (),
        waived: bool = False,
        waiver_reason: str | None = None,
    ) -> None:
        """The generated __init__ of a frozen dataclass sets each field through
        `object.__setattr__`, a third of a large SARIF log's read; the fields go into the
        instance's dict at once instead (tests hold this to the fields and defaults)."""
        fields = self.__dict__  # one store per field: the fastest way Python has
        fields["id"], fields["tool"], fields["severity"] = id, tool, severity
        fields["message"], fields["rule"], fields["location"] = message, rule, location
        fields["fixable"], fields["purl"], fields["kind"] = fixable, purl, kind
        fields["cwe"], fields["occurrences"], fields["extra"] = cwe, occurrences, extra
        fields["identity"], fields["waived"] = identity, waived
        fields["waiver_reason"], fields["_fingerprint"] = waiver_reason, fingerprint

    @property
    def suppressed(self) -> bool:
        """Counted out by its source or its tool (`SUPPRESSED_IN_SOURCE`, ...), not by a
        waiver of the policy: reports say "suppressed", never "waived"."""
        return self.waived and (self.waiver_reason or "").startswith(_SUPPRESSED)

    @property
    def is_security(self) -> bool:
        """A vulnerability, a secret or a weakness, or anything with a CWE or a package URL:
        what GitHub shows as a security alert."""
        return self.kind.is_security or bool(self.cwe) or bool(self.purl)
