"""Istanbul's json-summary, as c8 and nyc write it (`--reporter=json-summary`).

The report holds, for the whole run (`total`) and for each file, four counters: `lines`,
`statements`, `functions` and `branches`, each `{"total", "covered", "skipped", "pct"}`.
It has no line numbers, so it cannot be merged line by line with other formats, nor can
two summaries that both measure one file be merged.

Rates are computed from `covered` and `total`, never read from `pct`: Istanbul writes 100
(or "Unknown") for 0 of 0, which would pass a gate on code no test measured. The file
entries are added up and must equal the report's own `total` entry; a covered count
above its total, or a total that differs from its files, is a damaged report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualitygates.errors import AdapterError
from qualitygates.readers import read_json

COUNTERS = ("lines", "statements", "functions", "branches")
#: A counter as (covered, total).
Counter = tuple[int, int]


def read_summaries(paths: Iterable[Path]) -> tuple[int, dict[str, Counter]]:
    """The number of files, and each counter (COUNTERS) summed over every file of every
    summary; AdapterError for a damaged report, a file two summaries both measure, or a
    run that measured no statements."""
    files: dict[str, dict[str, Counter]] = {}
    for path in paths:
        for name, counters in _file_entries(path).items():
            if name in files:
                raise AdapterError(
                    f"{path} and an earlier summary both measure {name!r}: json-summary has "
                    "no lines to merge; give one summary, or the runs' LCOV or JSON reports"
                )
            files[name] = counters
    sums = {c: _add(entry[c] for entry in files.values()) for c in COUNTERS}
    if not sums["statements"][1]:
        raise AdapterError(
            "the Istanbul summaries measure no statements: check that the tests ran under "
            "c8 or nyc and that its include/exclude options select the sources"
        )
    return len(files), sums


def looks_like_summary(head: str) -> bool:
    """Whether a JSON report's first characters are Istanbul's: `{"total": {`."""
    text = head.lstrip("\ufeff \t\r\n")
    return text.startswith("{") and text[1:].lstrip(" \t\r\n").startswith('"total"')


def _file_entries(path: Path) -> dict[str, dict[str, Counter]]:
    data = read_json(path, "Istanbul json-summary")
    if not isinstance(data, dict) or not isinstance(data.get("total"), dict):
        raise AdapterError(f'{path} is not an Istanbul json-summary: it has no "total" object')
    entries = {name: _counters(path, name, entry) for name, entry in data.items()}
    total = entries.pop("total")
    for counter in COUNTERS:
        added = _add(entry[counter] for entry in entries.values())
        if entries and added != total[counter]:
            raise AdapterError(
                f"{path}: its total {counter} ({total[counter][0]} of {total[counter][1]}) "
                f"is not the sum of its files' ({added[0]} of {added[1]}): a damaged report"
            )
    if not entries and total["statements"][1]:
        raise AdapterError(f"{path} counts statements in its total but lists no file")
    return entries


def _counters(path: Path, name: str, entry: Any) -> dict[str, Counter]:
    if not isinstance(entry, dict):
        raise AdapterError(f"{path}: {name!r} should be an object of coverage counters")
    return {counter: _counter(path, name, counter, entry.get(counter)) for counter in COUNTERS}


def _counter(path: Path, name: str, counter: str, value: Any) -> Counter:
    where = f"{path}: {name!r} {counter}"
    if not isinstance(value, dict):
        raise AdapterError(f"{path} is not an Istanbul json-summary: {name!r} has no {counter}")
    covered, total = value.get("covered"), value.get("total")
    if not all(type(n) is int for n in (covered, total)):
        raise AdapterError(f"{where}: covered and total should be whole numbers")
    if not 0 <= covered <= total:  # type: ignore[operator]
        raise AdapterError(f"{where}: {covered} covered of {total} is impossible")
    return covered, total  # type: ignore[return-value]


def _add(counters: Iterable[Counter]) -> Counter:
    covered = total = 0
    for one_covered, one_total in counters:
        covered += one_covered
        total += one_total
    return covered, total
