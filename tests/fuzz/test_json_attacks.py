"""JSON attacks against every JSON-reading adapter: deep nesting and huge single lines.

A report of 100 000 nested brackets must be an AdapterError (not a RecursionError); a 1 GB
single line (a sparse file: no disk used) and a 200 MB string value (written lazily, marked
slow) must be refused or read without crashing, quickly and without loading it all at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.sandbox import Outcome, run_bounded
from tests.fuzz.strategies import TARGETS, Target
from tests.fuzz.test_fuzz_adapters import assert_sane, run_adapter

DEPTH = 100_000
GIB = 1024**3


def json_targets() -> list[tuple[Target, str]]:
    """(target, file name) for every adapter that reads JSON (or NDJSON)."""
    found: dict[tuple[str, str], tuple[Target, str]] = {}
    for target in TARGETS:
        for seed in target.seeds:  # one seed per adapter and reader (k6: JSON and NDJSON)
            if seed.suffix in (".json", ".sarif", ".ndjson"):
                found.setdefault((target.adapter, seed.suffix), (target, seed.name))
    return list(found.values())


#: Adapters whose deep-nesting failure is a known bug, pinned until it is fixed.
NESTING_BUGS: dict[str, str] = {}


def case(target: Target, name: str, bugs: dict[str, str] | None = None) -> Any:
    reason = (bugs or {}).get(target.adapter)
    marks = [pytest.mark.xfail(strict=True, reason=reason.format(depth=DEPTH))] if reason else []
    return pytest.param(target, name, id=f"{target.adapter}-{name}", marks=marks)


JSON_CASES = [case(t, n) for t, n in json_targets()]
NESTING_CASES = [case(t, n, NESTING_BUGS) for t, n in json_targets()]
NESTINGS = {
    "arrays": "[" * DEPTH + "]" * DEPTH,
    "objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "inside-a-report": '{"runs": [{"results": ' + "[" * DEPTH + "]" * DEPTH + "}]}",
}


def sane_collect(target: Target, path: Path) -> None:
    """Collect `path`; a result must have sane numbers (run in the sandboxed child)."""
    collection, counts = run_adapter(target, path)
    assert_sane(collection.metrics, target.adapter)
    assert_sane(counts, target.adapter)


def bounded(target: Target, path: Path, memory_mib: int = 512, timeout: float = 20) -> Outcome:
    """The outcome of collecting `path` with bounded memory growth and time."""
    return run_bounded(lambda: sane_collect(target, path), memory_mib, timeout)


def named(target: Target, path: Path) -> str:
    return target.file_name or str(path)


@pytest.mark.parametrize(("target", "name"), NESTING_CASES)
@pytest.mark.parametrize("nesting", sorted(NESTINGS))
def test_deep_nesting_is_an_adapter_error(
    target: Target, name: str, nesting: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(NESTINGS[nesting])
    result = bounded(target, path)
    assert result.kind == "error", f"{target.adapter}: {result}"
    assert named(target, path) in result.detail


def sparse_line(path: Path, size: int) -> Path:
    """A `size`-byte file that is one line: a JSON string opened and never closed.

    The rest is a hole (reads as NUL bytes), so the file takes no disk space.
    """
    with path.open("wb") as out:
        out.write(b'{"a": "')
        out.truncate(size)
    return path


@pytest.mark.parametrize(("target", "name"), JSON_CASES)
def test_one_gigabyte_line_is_refused_without_loading_it(
    target: Target, name: str, tmp_path: Path
) -> None:
    path = sparse_line(tmp_path / name, GIB)
    try:
        result = bounded(target, path)
    finally:
        path.unlink()  # a hole takes no disk, but a copy of the folder would
    assert result.kind == "error", f"{target.adapter}: {result}"
    assert named(target, path) in result.detail


def long_string_report(path: Path, size: int) -> Path:
    """A valid JSON document of `size` bytes on one line: an object with one long string."""
    chunk = b"x" * (1 << 20)
    with path.open("wb") as out:
        out.write(b'{"padding": "')
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(b'"}')
    return path


#: One adapter per JSON reader: whole-file read_json, the streaming reader, NDJSON lines.
LONG_LINE_IDS = {"snyk-single-project.json", "trivy-image.json", "k6-points.ndjson"}
#: Adapters whose long-string failure is a known bug, pinned until it is fixed.
LONG_LINE_BUGS: dict[str, str] = {}
LONG_LINE_CASES = [
    case(t, n, LONG_LINE_BUGS) for t, n in json_targets() if f"{t.adapter}-{n}" in LONG_LINE_IDS
]


@pytest.mark.slow
@pytest.mark.parametrize(("target", "name"), LONG_LINE_CASES)
def test_200_megabyte_string_value_errors_or_reads(
    target: Target, name: str, tmp_path: Path
) -> None:
    path = long_string_report(tmp_path / name, 200 * 1024 * 1024)
    try:
        result = bounded(target, path, memory_mib=2048, timeout=30)
    finally:
        path.unlink()  # pytest keeps recent temporary folders: do not leave 200 MB behind
    assert result.kind in ("result", "error"), f"{target.adapter}: {result}"
    if result.kind == "error":
        assert named(target, path) in result.detail
