"""Flaky tests from the record: a test that both passed and failed on the same commit.

A failed test is a finding of kind `failed-test`; a passing test is not recorded at all
(a suite of 200,000 cases would write 200,000 rows a run). So a pass is inferred: a run
at the same commit judged the test's check without error (its report was read) and did
not report the test failing. A run whose check could not be read saw no test pass, and
a run without a commit cannot be compared with any other.

Both queries start from what is rare, the failed tests (found through the index on the
finding's kind), and look up the runs of their commits through the index on the commit,
so that they stay fast however many runs and findings of other kinds the store holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, desc, distinct, func, select
from sqlalchemy.engine import Connection

from qualitygates.finding import FindingKind
from qualitygates.history import schema
from qualitygates.history.interface import FlakyFilter, FlakyTest
from qualitygates.model import Status

FAILED_TEST = FindingKind.FAILED_TEST.value
CHUNK = 500  # run ids in one IN list


def judged_cleanly() -> ColumnElement[bool]:
    """The check was judged and its source read: every test it names passed or failed."""
    c = schema.checks.c
    return c.errored.is_(False) & (c.status != Status.SKIPPED.value)


def _runs_wanted(query: Select[Any], wanted: FlakyFilter) -> Select[Any]:
    query = query.where(schema.runs.c.commit_sha.is_not(None))
    return schema.recorded_within(query, wanted.branch, wanted.since, wanted.until)


def _failures(wanted: FlakyFilter) -> Select[Any]:
    """Per commit and failed test: the runs that failed it, and how many of those judged
    the check cleanly (the others are neither a pass nor counted against one)."""
    r, f, c = schema.runs, schema.findings, schema.checks
    same_check = (c.c.run_id == f.c.run_id) & (c.c.gate_id == f.c.gate_id)
    query = (
        select(
            r.c.commit_sha.label("commit"),
            f.c.gate_id,
            f.c.check_id,
            f.c.finding_id.label("test"),
            func.count(distinct(f.c.run_id)).label("failed"),
            func.count(distinct(case((judged_cleanly(), f.c.run_id)))).label("failed_judged"),
            func.max(r.c.recorded_at).label("last_failed"),
        )
        .select_from(
            f.join(r, r.c.id == f.c.run_id).outerjoin(
                c, same_check & (c.c.check_id == f.c.check_id)
            )
        )
        .where(f.c.kind == FAILED_TEST)
        .group_by(r.c.commit_sha, f.c.gate_id, f.c.check_id, f.c.finding_id)
    )
    if wanted.gate is not None:
        query = query.where(f.c.gate_id == wanted.gate)
    if wanted.check is not None:
        query = query.where(f.c.check_id == wanted.check)
    return _runs_wanted(query, wanted)


def flaky_query(wanted: FlakyFilter) -> Select[Any]:
    """The flaky tests `wanted` selects, most failures first."""
    r, c = schema.runs, schema.checks
    failed = _failures(wanted).cte("failed")
    keys = select(failed.c.commit, failed.c.gate_id, failed.c.check_id).distinct().cte("keys")
    key_check = (c.c.run_id == r.c.id) & (c.c.gate_id == keys.c.gate_id)
    judged = _runs_wanted(
        select(keys.c.commit, keys.c.gate_id, keys.c.check_id, func.count().label("judged"))
        .select_from(
            keys.join(r, r.c.commit_sha == keys.c.commit).join(
                c, key_check & (c.c.check_id == keys.c.check_id)
            )
        )
        .where(judged_cleanly())
        .group_by(keys.c.commit, keys.c.gate_id, keys.c.check_id),
        wanted,
    ).cte("judged")
    passed = judged.c.judged - failed.c.failed_judged
    same_key = and_(
        judged.c.commit == failed.c.commit,
        judged.c.gate_id == failed.c.gate_id,
        judged.c.check_id == failed.c.check_id,
    )
    total_failed = func.sum(failed.c.failed).label("failed")
    return (
        select(
            failed.c.gate_id,
            failed.c.check_id,
            failed.c.test,
            total_failed,
            func.sum(passed).label("passed"),
            func.count().label("commits"),
            func.max(failed.c.last_failed).label("last_failed"),
        )
        .select_from(failed.join(judged, same_key))
        .where(passed > 0)
        .group_by(failed.c.gate_id, failed.c.check_id, failed.c.test)
        .order_by(desc(total_failed), desc("commits"), failed.c.gate_id, failed.c.check_id)
        .order_by(failed.c.test)
    )


def flaky_tests(conn: Connection, wanted: FlakyFilter) -> list[FlakyTest]:
    """The flaky tests among the runs `wanted` selects, most failures first."""
    return [
        FlakyTest(
            gate=row.gate_id,
            check=row.check_id,
            test=row.test,
            failed=int(row.failed),
            passed=int(row.passed),
            commits=int(row.commits),
            last_failed=row.last_failed,
        )
        for row in conn.execute(flaky_query(wanted))
    ]


def failing_tests(
    conn: Connection, commit: str, gate: str, check: str, until: datetime | None
) -> list[frozenset[str]]:
    """For each run at `commit` that judged `gate`'s `check` cleanly, oldest first: the ids
    of the tests it failed."""
    r, c, f = schema.runs, schema.checks, schema.findings
    judged = (
        select(r.c.id)
        .join(c, (c.c.run_id == r.c.id) & (c.c.gate_id == gate) & (c.c.check_id == check))
        .where(r.c.commit_sha == commit, judged_cleanly())
        .order_by(r.c.recorded_at, r.c.id)
    )
    if until is not None:
        judged = judged.where(r.c.recorded_at <= until)
    run_ids: Sequence[int] = conn.execute(judged).scalars().all()
    failed: dict[int, set[str]] = {run_id: set() for run_id in run_ids}
    for start in range(0, len(run_ids), CHUNK):
        query = select(f.c.run_id, f.c.finding_id).where(
            f.c.run_id.in_(run_ids[start : start + CHUNK]),
            f.c.gate_id == gate,
            f.c.check_id == check,
            f.c.kind == FAILED_TEST,
        )
        for run_id, test in conn.execute(query):
            failed[run_id].add(test)
    return [frozenset(failed[run_id]) for run_id in run_ids]
