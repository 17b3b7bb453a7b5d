"""LCOV tracefiles (`.info`, `.lcov`): lcov/geninfo, gcovr, istanbul/c8, coverage.py, ...

Counted from the `DA` and `BRDA` records, not from `LF`/`LH`/`BRF`/`BRH`. A file may have
several records (one per test name); within one tracefile its branches are merged per
branch (`BRDA:line,block,branch,taken`: covered when any record took it), and a `-`
count (the line never ran) is a branch not taken. Function records are ignored.
"""

from __future__ import annotations

import io
from pathlib import Path

from qualitygates.adapters._io import open_report
from qualitygates.adapters.coverage.store import LineStore, merge_branches
from qualitygates.errors import AdapterError

#: The record names of geninfo(1) and lcov 2; a file starting with anything else is not LCOV.
RECORDS = frozenset(
    {"TN", "SF", "VER", "FN", "FNDA", "FNF", "FNH", "FNL", "FNA", "DA", "LF", "LH"}
    | {"BRDA", "BRF", "BRH", "MCDC", "MCF", "MCH", "end_of_record"}
)

# file -> line -> branch id -> taken
_Branches = dict[str, dict[int, dict[str, bool]]]


def looks_like_lcov(head: str) -> bool:
    """Whether the first non-blank line of `head` is an LCOV record."""
    for line in head.splitlines():
        if line.strip():
            return line.strip().partition(":")[0] in RECORDS
    return False


def read_lcov(path: Path, store: LineStore) -> None:
    """Add an LCOV tracefile's lines and branches to `store`."""
    branches: _Branches = {}
    with open_report(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        _read_records(path, text, store, branches)
    for name, per_line in branches.items():
        file_branches = store.file_branches(name)
        for number, taken in per_line.items():
            merge_branches(file_branches, number, sum(taken.values()), len(taken))


def _read_records(
    path: Path, text: io.TextIOWrapper, store: LineStore, branches: _Branches
) -> None:
    name: str | None = None
    lines: dict[int, int] = {}
    row = 0
    try:
        for row, line in enumerate(text, 1):
            tag, _, rest = line.rstrip("\r\n").partition(":")
            if tag == "DA":  # inline: the one record a large tracefile is made of
                if name is None:
                    raise ValueError("DA record outside an SF record")
                first, _, tail = rest.partition(",")
                hits = tail.partition(",")[0]
                number = int(first)
                if _ran(hits, rest):
                    lines[number] = 1
                elif number not in lines:
                    lines[number] = 0
            elif tag == "BRDA":
                if name is None:
                    raise ValueError("BRDA record outside an SF record")
                _branch(rest, branches.setdefault(name, {}))
            elif tag == "SF":
                name = rest.strip()
                if not name:
                    raise ValueError("SF record without a file name")
                lines = store.file_lines(name)
            elif tag == "end_of_record":
                name = None
            elif row == 1 and tag.strip() and tag.strip() not in RECORDS:
                raise ValueError(f"{tag.strip()[:40]!r} is not an LCOV record")
    except ValueError as exc:
        raise AdapterError(f"{path}:{row}: {exc}: is this an LCOV tracefile?") from None
    except (OSError, EOFError) as exc:
        raise AdapterError(f"{path} cannot be read: {exc}") from None
    if name is not None:
        raise AdapterError(
            f"{path} ends inside the record of {name} (no end_of_record): the file looks truncated"
        )


def _ran(hits: str, rest: str) -> bool:
    """Whether a `DA:<line>,<count>[,<checksum>]` count is positive."""
    if hits.isdigit():
        return hits[0] != "0" or hits.strip("0") != ""
    if not hits:
        raise ValueError(f"DA:{rest[:40]} is not DA:<line>,<count>")
    return float(hits) > 0


def _branch(rest: str, per_line: dict[int, dict[str, bool]]) -> None:
    """`BRDA:<line>,<block>,<branch>,<taken>`; the branch part may hold commas (lcov 2)."""
    first, _, tail = rest.partition(",")
    ident, _, taken = tail.rpartition(",")
    if not ident:
        raise ValueError(f"BRDA:{rest[:40]} is not BRDA:<line>,<block>,<branch>,<taken>")
    hit = taken.strip() not in ("-", "0") and float(taken) > 0
    per_branch = per_line.setdefault(int(first), {})
    per_branch[ident] = per_branch.get(ident, False) or hit
