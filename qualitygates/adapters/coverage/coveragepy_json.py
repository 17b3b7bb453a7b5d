"""coverage.py JSON (`coverage json`, format 2 and 3).

Read from each file's `executed_lines`/`missing_lines` (its statements) and, with branch
coverage, `executed_branches`/`missing_branches` (arcs `[from, to]`, grouped by their
`from` line), so the numbers are the ones `coverage report` adds up. The `totals` and
`summary` objects are not trusted: several reports are merged line by line.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expect_type
from qualitygates.adapters._times import iso_time
from qualitygates.adapters.coverage.store import LineStore, merge_branches
from qualitygates.errors import AdapterError
from qualitygates.readers import read_json

_ISTANBUL = (
    "{path} is istanbul JSON ({kind}), which this adapter does not read: "
    "add the lcov or cobertura reporter (c8/nyc --reporter=lcov) and point `path` at that"
)


def read_coverage_json(path: Path, store: LineStore, label: Path | None = None) -> datetime | None:
    """Add a coverage.py JSON report's lines and branches to `store`; return its timestamp.

    `label` names the file in messages when `path` was made from it (a `.coverage` file).
    """
    where = label or path
    data = read_json(path, "coverage.py")
    files = _files(data, where)
    for name, info in files.items():
        expect_type(info, dict, where, f"files[{name!r}]")
        _add_file(where, name, info, store)
    _check_totals(data.get("totals"), files, where)
    meta = data.get("meta")
    return iso_time(meta.get("timestamp"), naive="local") if isinstance(meta, dict) else None


def _files(data: Any, path: Path) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("files"), dict):
        files: dict[str, Any] = data["files"]
        return files
    if isinstance(data, dict):
        if any(str(key).startswith("gcovr/") for key in data):
            raise AdapterError(
                f"{path} is gcovr JSON, which this adapter does not read: "
                "write gcovr --cobertura or --lcov and point `path` at that"
            )
        if isinstance(data.get("total"), dict) and "lines" in data["total"]:
            raise AdapterError(_ISTANBUL.format(path=path, kind="json-summary"))
        if any(isinstance(v, dict) and "statementMap" in v for v in data.values()):
            raise AdapterError(_ISTANBUL.format(path=path, kind="coverage-final.json"))
    raise AdapterError(
        f'{path} is JSON but not a coverage.py report (no "files" object): '
        "write it with `coverage json`"
    )


def _add_file(path: Path, name: str, info: dict[str, Any], store: LineStore) -> None:
    executed = _numbers(info.get("executed_lines"), path, name, "executed_lines")
    missing = _numbers(info.get("missing_lines"), path, name, "missing_lines")
    _check_lines(path, name, executed, missing, info.get("summary"))
    lines = store.file_lines(name)
    for number in missing:
        if number not in lines:
            lines[number] = 0
    for number in executed:
        lines[number] = 1
    if "executed_branches" in info or "missing_branches" in info:
        per_line: dict[int, list[int]] = {}
        for arc in _arcs(info.get("executed_branches", []), path, name, "executed_branches"):
            counts = per_line.setdefault(arc, [0, 0])
            counts[0] += 1
            counts[1] += 1
        for arc in _arcs(info.get("missing_branches", []), path, name, "missing_branches"):
            per_line.setdefault(arc, [0, 0])[1] += 1
        branches = store.file_branches(name)
        for number, (covered, total) in per_line.items():
            merge_branches(branches, number, covered, total)


# coverage.py computes `missing_lines` as statements minus executed lines, its summary's
# `missing_lines` as their number and `covered_lines` as statements minus missing, and the
# `totals` as the sum of the files' summaries (coverage/jsonreport.py, coverage/results.py
# `Numbers`). A report that breaks one of these was not written by coverage.py as it ran.
_SUMMED = ("covered_lines", "num_statements", "missing_lines")


def _check_lines(
    path: Path, name: str, executed: list[int], missing: list[int], summary: Any
) -> None:
    both = set(executed).intersection(missing)
    if both:
        raise AdapterError(
            f"{path}: files[{name!r}] lists line {min(both)} both in executed_lines and in "
            "missing_lines: the report contradicts itself"
        )
    counts = _counts(summary)
    if "missing_lines" in counts and counts["missing_lines"] != len(missing):
        raise AdapterError(
            f"{path}: files[{name!r}].summary.missing_lines is {counts['missing_lines']}, "
            f"but missing_lines lists {len(missing)} lines: the report contradicts itself"
        )
    _check_statements(path, f"files[{name!r}].summary", counts)


def _check_statements(path: Path, where: str, counts: dict[str, int]) -> None:
    if len(counts) == len(_SUMMED) and (
        counts["num_statements"] != counts["covered_lines"] + counts["missing_lines"]
    ):
        raise AdapterError(
            f"{path}: {where} has {counts['num_statements']} statements but "
            f"{counts['covered_lines']} covered and {counts['missing_lines']} missing lines: "
            "the report contradicts itself"
        )


def _check_totals(totals: Any, files: dict[str, Any], path: Path) -> None:
    """`totals` must be the sum of the files' summaries, where both say."""
    declared = _counts(totals)
    _check_statements(path, "totals", declared)
    for key, value in declared.items():
        parts = [_counts(info.get("summary")).get(key) for info in files.values()]
        if None not in parts and sum(p or 0 for p in parts) != value:
            raise AdapterError(
                f"{path}: totals.{key} is {value}, but the files' summaries add up to "
                f"{sum(p or 0 for p in parts)}: the report contradicts itself"
            )


def _counts(summary: Any) -> dict[str, int]:
    """The whole-number line counts a summary (or the totals) holds."""
    if not isinstance(summary, dict):
        return {}
    return {k: summary[k] for k in _SUMMED if type(summary.get(k)) is int}


def _numbers(value: Any, path: Path, name: str, key: str) -> list[int]:
    where = f"files[{name!r}].{key}"
    expect_type(value, list, path, where)
    if not all(type(n) is int for n in value):
        raise AdapterError(f"{path}: {where} should hold line numbers only")
    return value  # type: ignore[no-any-return]


def _arcs(value: Any, path: Path, name: str, key: str) -> list[int]:
    """The `from` lines of a list of `[from, to]` arcs."""
    where = f"files[{name!r}].{key}"
    expect_type(value, list, path, where)
    starts: list[int] = []
    for arc in value:
        if not (isinstance(arc, list) and len(arc) == 2 and all(type(n) is int for n in arc)):
            raise AdapterError(f"{path}: {where} should hold [from, to] line pairs")
        starts.append(arc[0])
    return starts
