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

from qualitygates.adapters._io import expect_type, load_json
from qualitygates.adapters.coverage.store import LineStore, merge_branches
from qualitygates.adapters.coverage.timestamps import from_iso
from qualitygates.errors import AdapterError

_ISTANBUL = (
    "{path} is istanbul JSON ({kind}), which this adapter does not read: "
    "add the lcov or cobertura reporter (c8/nyc --reporter=lcov) and point `path` at that"
)


def read_coverage_json(path: Path, store: LineStore, label: Path | None = None) -> datetime | None:
    """Add a coverage.py JSON report's lines and branches to `store`; return its timestamp.

    `label` names the file in messages when `path` was made from it (a `.coverage` file).
    """
    where = label or path
    data = load_json(path, "coverage.py")
    files = _files(data, where)
    for name, info in files.items():
        expect_type(info, dict, where, f"files[{name!r}]")
        _add_file(where, name, info, store)
    meta = data.get("meta")
    return from_iso(meta.get("timestamp")) if isinstance(meta, dict) else None


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
