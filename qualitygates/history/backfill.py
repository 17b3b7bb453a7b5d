"""Version 2 of the schema filled in for the runs recorded before it: each run's checks and
conditions, and the kind of each of its findings, read back from the run's stored result.

This runs once, inside the migration's transaction, a chunk of runs at a time so that a
large store is never held in memory. A run whose result cannot be read back (it could
when it was recorded, so this should not happen) keeps NULL kinds and no check or
condition rows: it is left out of the flaky tests and of the failing conditions, where
it would otherwise stop the store from opening at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from qualitygates.errors import ReportError
from qualitygates.history.rows import Row, check_rows, condition_rows, finding_rows
from qualitygates.model import RunResult
from qualitygates.result_io import result_from_dict

CHUNK = 200  # runs read at once


@dataclass(frozen=True)
class BackfillTables:
    """The tables as version 2 defines them (passed in: `schema` imports this module)."""

    runs: Table
    findings: Table
    checks: Table
    conditions: Table


def backfill(conn: Connection, tables: BackfillTables) -> None:
    """Fill in the checks, conditions and finding kinds of every run recorded so far."""
    ids = list(conn.execute(select(tables.runs.c.id).order_by(tables.runs.c.id)).scalars())
    for start in range(0, len(ids), CHUNK):
        for run_id, result in _results(conn, tables.runs, ids[start : start + CHUNK]):
            _fill(conn, tables, run_id, result)


def _results(conn: Connection, runs: Table, ids: Sequence[int]) -> Iterator[tuple[int, RunResult]]:
    query = select(runs.c.id, runs.c.result_json).where(runs.c.id.in_(ids))
    for run_id, text in conn.execute(query).all():
        try:
            yield run_id, result_from_dict(json.loads(text))
        except (ValueError, ReportError):
            continue


def _fill(conn: Connection, tables: BackfillTables, run_id: int, result: RunResult) -> None:
    for table, rows in (
        (tables.checks, check_rows(result)),
        (tables.conditions, condition_rows(result)),
    ):
        if rows:
            conn.execute(insert(table), [{**row, "run_id": run_id} for row in rows])
    kinds = _kind_updates(finding_rows(result))
    if kinds:
        f = tables.findings.c
        set_kind = (
            update(tables.findings)
            .where(
                f.run_id == run_id, f.gate_id == bindparam("gate"), f.check_id == bindparam("check")
            )
            .where(f.position.between(bindparam("first"), bindparam("last")))
            .values(kind=bindparam("found_kind"))
        )
        conn.execute(set_kind, kinds)


def _kind_updates(rows: list[Row]) -> list[Row]:
    """One update per run of consecutive findings of one check with one kind (a check's
    findings are usually all of one kind: one statement for them all)."""
    updates = []
    for (gate, check, kind), same in groupby(
        rows, key=lambda row: (row["gate_id"], row["check_id"], row["kind"])
    ):
        positions = [row["position"] for row in same]
        updates.append(
            {
                "gate": gate,
                "check": check,
                "found_kind": kind,
                "first": positions[0],
                "last": positions[-1],
            }
        )
    return updates
