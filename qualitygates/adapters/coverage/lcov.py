"""LCOV tracefiles (`.info`, `.lcov`): lcov/geninfo, gcovr, istanbul/c8, coverage.py, ...

Counted from the `DA` and `BRDA` records, not from `LF`/`LH`/`BRF`/`BRH`. A file may have
several records (one per test name); within one tracefile its branches are merged per
branch (`BRDA:line,block,branch,taken`: covered when any record took it), and a `-`
count (the line never ran) is a branch not taken.

Functions are counted from `FN:<line>[,<end>],<name>` and `FNDA:<count>,<name>` (a function
ran when its count is positive), or from lcov 2's `FNL:<index>,<line>[,<end>]` and
`FNA:<index>,<count>,<name>` (aliases of one index are one function), never from `FNF`/`FNH`.
Two functions may share a name (c8 writes both `helper`s of a module), so a record's `FNDA`s
of a name go to its `FN`s of that name in order. A tracefile with none of these records
counts no functions.
"""

from __future__ import annotations

import io
from pathlib import Path

from qualitygates.adapters._io import open_report
from qualitygates.adapters.coverage.functions import FunctionStore
from qualitygates.adapters.coverage.store import LineStore, merge_branches
from qualitygates.errors import AdapterError

#: The record names of geninfo(1) and lcov 2; a file starting with anything else is not LCOV.
RECORDS = frozenset(
    {"TN", "SF", "VER", "FN", "FNDA", "FNF", "FNH", "FNL", "FNA", "DA", "LF", "LH"}
    | {"BRDA", "BRF", "BRH", "MCDC", "MCF", "MCH", "end_of_record"}
)

#: Records about functions; FNF/FNH (counts only) say that the tool counts them.
_FUNCTION_RECORDS = frozenset({"FN", "FNDA", "FNL", "FNA", "FNF", "FNH"})

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
    functions: _RecordFunctions | None = None
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
            elif tag in _FUNCTION_RECORDS:
                if name is None:
                    raise ValueError(f"{tag} record outside an SF record")
                functions = functions or _RecordFunctions()
                functions.record(tag, rest)
            elif tag == "end_of_record":
                if functions is not None and name is not None:
                    functions.finish(name, store.functions)
                name, functions = None, None
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


class _RecordFunctions:
    """One record's function records, turned into functions when the record ends."""

    def __init__(self) -> None:
        self.declared: list[tuple[int, str]] = []  # FN: first line, name
        self.counts: dict[str, list[bool]] = {}  # FNDA: name -> ran, in order
        self.indexed: dict[str, int] = {}  # FNL: index -> first line
        self.aliases: dict[str, list[tuple[str, bool]]] = {}  # FNA: index -> (name, ran)

    def record(self, tag: str, rest: str) -> None:
        if tag == "FN":
            first, _, tail = rest.partition(",")
            end, comma, named = tail.partition(",")
            function = named if comma and end.strip().isdigit() else tail
            self.declared.append((int(first), _named(function, "FN", rest)))
        elif tag == "FNDA":
            count, _, function = rest.partition(",")
            ran = _positive(count, "FNDA", rest)
            self.counts.setdefault(_named(function, "FNDA", rest), []).append(ran)
        elif tag == "FNL":
            index, _, tail = rest.partition(",")
            self.indexed[index] = int(tail.partition(",")[0])
        elif tag == "FNA":
            index, _, tail = rest.partition(",")
            count, _, function = tail.partition(",")
            alias = (_named(function, "FNA", rest), _positive(count, "FNA", rest))
            self.aliases.setdefault(index, []).append(alias)

    def finish(self, file: str, functions: FunctionStore) -> None:
        """Pair each FNDA with its FN (by name, in order) and add the record's functions."""
        found: list[tuple[int, str, bool]] = []
        for line, function in self.declared:
            runs = self.counts.get(function)
            found.append((line, function, runs.pop(0) if runs else False))
        left = next((f for f, runs in self.counts.items() if runs), None)
        if left is not None:
            raise ValueError(f"FNDA:…,{left[:60]} has no FN record of its own in {file}")
        for index, aliases in self.aliases.items():
            if index not in self.indexed:
                raise ValueError(f"FNA:{index},… has no FNL:{index} record in {file}")
            found.append((self.indexed.pop(index), aliases[0][0], any(r for _, r in aliases)))
        found.extend((line, "", False) for line in self.indexed.values())  # never called
        functions.add(file, found)


def _named(function: str, tag: str, rest: str) -> str:
    if not function.strip():
        raise ValueError(f"{tag}:{rest[:40]} names no function")
    return function.strip()


def _positive(count: str, tag: str, rest: str) -> bool:
    """An execution count: a whole number (or a float, as some writers give) above 0."""
    if count.isdigit():
        return count.strip("0") != ""
    try:
        return float(count) > 0
    except ValueError:
        raise ValueError(f"{tag}:{rest[:40]} has a count that is not a number") from None
