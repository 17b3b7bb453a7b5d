"""Reading SARIF values of any shape: the fields the adapter keeps and typed accessors."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from qualitygates.adapters import _jsonslim
from qualitygates.model import Severity

BANDS = (
    (9.0, Severity.CRITICAL),
    (7.0, Severity.HIGH),
    (4.0, Severity.MEDIUM),
    (0.0, Severity.LOW),
)

_KEEP_WORDS = """version runs tool driver extensions name rules id defaultConfiguration level
properties security-severity issue_severity results ruleId ruleIndex rule index toolComponent kind message text
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


def slim(value: Any) -> Any:
    """`value` keeping only what `load_slim_json` keeps of a SARIF log."""
    return _jsonslim.slim(value, KEEP, keep_free_form)


def suppression(result: dict[str, Any]) -> str | None:
    """Why a suppressed result is waived; None if it is not (or a review is pending)."""
    suppressions = [to_dict(s) for s in to_list(result.get("suppressions"))]
    if not suppressions or any(
        s.get("status") in ("underReview", "rejected") for s in suppressions
    ):
        return None
    first = suppressions[0]
    detail = text(first.get("justification"))
    return f"suppressed in SARIF ({text(first.get('kind')) or 'suppression'})" + (
        f": {detail}" if detail else ""
    )


def band(value: Any) -> Severity | None:
    """The band of a `security-severity` score (a string or a number)."""
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


#: bandit writes no `security-severity`, but its own `issue_severity` on every result.
_ISSUE_SEVERITY = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


def issue_band(value: Any) -> Severity | None:
    """The band of bandit's `issue_severity` (HIGH, MEDIUM, LOW); None for anything else."""
    return _ISSUE_SEVERITY.get(value.upper()) if isinstance(value, str) else None


def time(value: Any) -> datetime | None:
    """An ISO 8601 time, in UTC; None if it is not one."""
    stamp = text(value).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


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
