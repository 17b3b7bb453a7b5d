"""Reading SARIF values of any shape: the fields the adapter keeps and typed accessors."""

from __future__ import annotations

import re
from typing import Any

from qualitygates.finding import SUPPRESSED_IN_SOURCE
from qualitygates.model import Severity
from qualitygates.readers import _slimmer

BANDS = (
    (9.0, Severity.CRITICAL),
    (7.0, Severity.HIGH),
    (4.0, Severity.MEDIUM),
    (0.0, Severity.LOW),
)

_KEEP_WORDS = """version runs tool driver extensions name rules id defaultConfiguration level
properties security-severity issue_severity issue_confidence results ruleId ruleIndex rule index
toolComponent kind message text locations physicalLocation artifactLocation uri uriBaseId region
startLine suppressions status justification baselineState partialFingerprints invocations executionSuccessful exitCode
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


def slim(value: Any) -> Any:
    """`value` keeping only what `read_json` keeps of a SARIF log."""
    return _slimmer.slim(value, KEEP, keep_free_form)


def suppression(result: dict[str, Any]) -> str | None:
    """Why a suppressed result is waived; None if it is not (or a review is pending)."""
    suppressions = [to_dict(s) for s in to_list(result.get("suppressions"))]
    if not suppressions or any(
        s.get("status") in ("underReview", "rejected") for s in suppressions
    ):
        return None
    first = suppressions[0]
    detail = text(first.get("justification"))
    kind = text(first.get("kind"))
    # Not "waived": waivers are the policy's own; these the source or the tool made.
    said = (
        SUPPRESSED_IN_SOURCE
        if kind == "inSource"
        else f"suppressed by the tool ({kind or 'external'})"
    )
    return said + (f": {detail}" if detail else "")


class BadSeverity(ValueError):
    """A severity property that is present but not a value its scale has."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        super().__init__(f"{key} {value!r:.60} is not {allowed}")


#: GitHub code scanning's scale: "security-severity" is a score from 0.0 to 10.0, as a
#: string or a number; over 9.0 critical, 7.0 high, 4.0 medium, above 0 low.
SCORE_SCALE = "a number from 0 to 10"


def band(value: Any) -> Severity | None:
    """The band of a `security-severity` score (a string or a number); None when absent.

    Present but not a score from 0 to 10 ("high", -1, 11, NaN) raises BadSeverity: a rule
    or result whose grade cannot be read must not pass as ungraded.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadSeverity("security-severity", value, SCORE_SCALE)
    try:
        score = float(value)
    except ValueError:
        raise BadSeverity("security-severity", value, SCORE_SCALE) from None
    if not 0.0 <= score <= 10.0:  # NaN too
        raise BadSeverity("security-severity", value, SCORE_SCALE)
    if score == 0:
        return None  # 0.0 carries no band
    for floor, severity in BANDS:
        if score >= floor:
            return severity
    return None  # pragma: no cover - the last floor is 0


#: bandit writes no `security-severity`, but its own `issue_severity` on every result
#: (bandit's ranking: UNDEFINED, LOW, MEDIUM, HIGH); python-taint writes CRITICAL too.
_ISSUE_SEVERITY = {
    "UNDEFINED": None,
    "LOW": Severity.LOW,
    "MEDIUM": Severity.MEDIUM,
    "HIGH": Severity.HIGH,
    "CRITICAL": Severity.CRITICAL,
}


def issue_band(value: Any) -> Severity | None:
    """The band of an `issue_severity` word; None when absent; BadSeverity for other words."""
    if value is None:
        return None
    word = value.upper() if isinstance(value, str) else None
    if word not in _ISSUE_SEVERITY:
        raise BadSeverity("issue_severity", value, "one of " + "/".join(_ISSUE_SEVERITY))
    return _ISSUE_SEVERITY[word]


def result_band(properties: dict[str, Any]) -> Severity | str | None:
    """A result's band from its properties, or the sentence saying why it cannot be read.

    Results are read while the log streams, where no file name is known: the reader
    raises the sentence with the file and the result's place.
    """
    try:
        score = properties.get("security-severity")
        if score is None:
            return issue_band(properties.get("issue_severity"))
        return band(score)
    except BadSeverity as exc:
        return str(exc)


def index_of(value: Any) -> int:
    """An array index from the log, or -1 when absent or not an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def to_dict(value: Any) -> dict[str, Any]:
    """`value` if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def to_list(value: Any) -> list[Any]:
    """`value` if it is an array, else an empty one."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    """`value` if it is a string, else ''."""
    return value if isinstance(value, str) else ""
