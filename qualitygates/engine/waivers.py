"""Applying waivers to findings, and saying what became of each waiver.

A waiver is valid through the end of its `expires` day (UTC). An expired waiver no longer
applies and is reported as `expired`; one that expires within the notice period is
`expiring`; one that matched nothing is `unused`, so stale exceptions get cleaned up. A
finding more severe than the policy's `waiver_ceiling` cannot be waived: a waiver that
matches one is `refused`, and counts the findings it could not accept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase

from qualitygates.finding import Severity
from qualitygates.model import Finding, WaiverNote
from qualitygates.policy.model import Waiver


def apply_waivers(
    findings: Sequence[Finding],
    waivers: Sequence[Waiver],
    now: datetime,
    notice_days: int = 14,
    ceiling: Severity | None = None,
) -> tuple[tuple[Finding, ...], tuple[WaiverNote, ...]]:
    """Mark the findings that active waivers accept; return them with one note per waiver."""
    today = now.astimezone(timezone.utc).date()
    result = list(findings)
    notes: list[WaiverNote] = []
    for waiver in waivers:
        expired = waiver.expires is not None and waiver.expires < today
        matched = [i for i, f in enumerate(result) if matches(waiver, f)]
        above = [i for i in matched if ceiling and result[i].severity.rank > ceiling.rank]
        if not expired:
            for i in matched:
                if not result[i].waived and i not in above:
                    result[i] = dataclasses.replace(
                        result[i], waived=True, waiver_reason=waiver.reason
                    )
        until = today + timedelta(days=notice_days)
        note = _note(waiver, len(matched), expired, until)
        if above and not expired:
            note = dataclasses.replace(note, state="refused", matched=len(above))
        notes.append(note)
    return tuple(result), tuple(notes)


def _note(waiver: Waiver, matched: int, expired: bool, notice_until: object) -> WaiverNote:
    if expired:
        state = "expired"
    elif matched == 0:
        state = "unused"
    elif waiver.expires is not None and waiver.expires <= notice_until:  # type: ignore[operator]
        state = "expiring"
    else:
        state = "applied"
    return WaiverNote(
        id=waiver.id,
        state=state,
        reason=waiver.reason,
        expires=waiver.expires.isoformat() if waiver.expires else None,
        owner=waiver.owner,
        matched=matched,
    )


def matches(waiver: Waiver, finding: Finding) -> bool:
    """A waiver matches a finding by id (or rule), within its package, path and purl scope."""
    wanted = waiver.id.casefold()
    if wanted not in (finding.id.casefold(), (finding.rule or "").casefold()):
        return False
    location = finding.location
    if waiver.package and not _same_package(waiver.package, location.package):
        return False
    if waiver.path and not (location.path and fnmatchcase(location.path, waiver.path)):
        return False
    return not waiver.purl or _same_package(waiver.purl, finding.purl)


def _same_package(wanted: str, actual: str | None) -> bool:
    # "openssl" matches "openssl@3.0.1"; "pkg:npm/lodash" matches "pkg:npm/lodash@4.17.20".
    if not actual:
        return False
    return actual == wanted or actual.startswith(wanted + "@")
