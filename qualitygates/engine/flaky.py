"""`flaky_tests`: the tests of a check that both passed and failed on one commit.

The record gives the tests found flaky in the last 30 days; this run adds the ones it
shows to be flaky with the earlier runs of its own commit: a test it fails that one of
them passed, or one it passes that one of them failed. A test a waiver of the check
accepts (by its id: the known flaky test, waived with a reason, an owner and an expiry)
is not counted, so a team can live with one while it is fixed; that waiver is then
reported as applied, not as matching nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from qualitygates.engine.recent import FLAKY_METRIC, FlakyRecord
from qualitygates.engine.waivers import matches
from qualitygates.finding import NOWHERE, Finding, FindingKind, Severity
from qualitygates.model import ConditionResult, Measurement, Unit, WaiverNote
from qualitygates.policy.model import Waiver

NAMED = 5  # flaky tests a condition's message names; `history flaky` lists them all


@dataclass(frozen=True)
class FlakyTests:
    """What `flaky_tests` counted, and which waiver accepted how many of the others."""

    counted: tuple[str, ...]  # sorted
    accepted: dict[str, int]  # waiver id -> flaky tests it accepted

    @property
    def measurement(self) -> Measurement:
        return Measurement(float(len(self.counted)), Unit.COUNT)


def flaky_tests(
    record: FlakyRecord, findings: Sequence[Finding], waivers: Sequence[Waiver], now: datetime
) -> FlakyTests:
    """The check's flaky tests, waived ones left out (and said which waiver took them)."""
    failing = {f.id for f in findings if f.kind is FindingKind.FAILED_TEST}
    flaky = set(record.known)
    for earlier in record.same_commit:
        flaky |= failing - earlier  # failed now, passed then
        flaky |= earlier - failing  # passed now, failed then
    today = now.astimezone(timezone.utc).date()
    active = [w for w in waivers if w.expires is None or w.expires >= today]
    waived_now = {f.id for f in findings if f.waived}  # its waiver counted it already
    counted, accepted = [], dict[str, int]()
    for test in sorted(flaky - waived_now):
        waiver = _waiver_of(test, active)
        if waiver is None:
            counted.append(test)
        else:
            accepted[waiver.id] = accepted.get(waiver.id, 0) + 1
    return FlakyTests(tuple(counted), accepted)


def _waiver_of(test: str, waivers: Sequence[Waiver]) -> Waiver | None:
    """The first waiver that names this test (a test that passes now is no finding)."""
    as_finding = Finding(
        id=test,
        tool="junit",
        severity=Severity.HIGH,
        message="",
        location=NOWHERE,
        kind=FindingKind.FAILED_TEST,
    )
    return next((w for w in waivers if matches(w, as_finding)), None)


def applied(
    notes: Sequence[WaiverNote], flaky: FlakyTests, now: datetime, notice_days: int
) -> tuple[WaiverNote, ...]:
    """The waiver notes, those that accepted a flaky test counted as applied (or expiring)."""
    until = now.astimezone(timezone.utc).date() + timedelta(days=notice_days)
    noted = []
    for note in notes:
        taken = flaky.accepted.get(note.id, 0)
        if taken and note.state in ("unused", "applied", "expiring"):
            soon = note.expires is not None and note.expires <= until.isoformat()
            state = "expiring" if soon else "applied"
            noted.append(dataclasses.replace(note, state=state, matched=note.matched + taken))
        else:
            noted.append(note)
    return tuple(noted)


def named(conditions: Sequence[ConditionResult], flaky: FlakyTests) -> tuple[ConditionResult, ...]:
    """A `flaky_tests` condition's message names the tests it counted."""
    if not flaky.counted:
        return tuple(conditions)
    shown = ", ".join(flaky.counted[:NAMED]) + (" …" if len(flaky.counted) > NAMED else "")
    tail = f" (flaky: {shown}; qualitygates history flaky lists where)"
    return tuple(
        dataclasses.replace(c, message=c.message + tail) if c.metric == FLAKY_METRIC else c
        for c in conditions
    )
