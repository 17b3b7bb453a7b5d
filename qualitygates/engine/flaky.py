"""`flaky_tests`: the tests of a check that both passed and failed on one commit.

The record gives the tests found flaky in the last 30 days; this run adds the ones it
shows to be flaky with the earlier runs of its own commit: a test it fails that one of
them passed, or one it passes that one of them failed. A test a waiver of the check
accepts (by its id: the known flaky test, waived with a reason, an owner and an expiry)
is not counted, so a team can live with one while it is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from qualitygates.engine.recent import FlakyRecord
from qualitygates.engine.waivers import matches
from qualitygates.finding import NOWHERE, Finding, FindingKind, Severity
from qualitygates.model import Measurement, Unit
from qualitygates.policy.model import Waiver


def flaky_count(
    record: FlakyRecord, findings: Sequence[Finding], waivers: Sequence[Waiver], now: datetime
) -> Measurement:
    """How many of the check's tests are flaky, waived ones left out."""
    failing = {f.id for f in findings if f.kind is FindingKind.FAILED_TEST}
    flaky = set(record.known)
    for earlier in record.same_commit:
        flaky |= failing - earlier  # failed now, passed then
        flaky |= earlier - failing  # passed now, failed then
    waived = {f.id for f in findings if f.waived}
    today = now.astimezone(timezone.utc).date()
    active = [w for w in waivers if w.expires is None or w.expires >= today]
    counted = [t for t in flaky if t not in waived and not _waived(t, active)]
    return Measurement(float(len(counted)), Unit.COUNT)


def _waived(test: str, waivers: Sequence[Waiver]) -> bool:
    """Whether a waiver names this test (a test that passes now is no finding to mark)."""
    as_finding = Finding(
        id=test,
        tool="junit",
        severity=Severity.HIGH,
        message="",
        location=NOWHERE,
        kind=FindingKind.FAILED_TEST,
    )
    return any(matches(waiver, as_finding) for waiver in waivers)
