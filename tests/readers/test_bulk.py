"""The window reader's bulk path (jiter, up to the last separator of a window) reads the
same document as `json.loads` and is as strict as the careful path.

The bulk path takes most items of a large array at once, cutting the window at the last
place the array's separator text (`},\\n  {"firstkey"`) appears. A cut in the wrong place
(the text inside a string), a repeated key, NaN: each must end in the careful path's
answer or error, never in a different document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qualitygates.readers._bulk as bulk
import qualitygates.readers._slim as slim
from qualitygates.errors import AdapterError
from qualitygates.readers import read_json

KEEP = frozenset({"Results", "id", "text", "items", "value", "a", "b"})


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Windows of 512 bytes, so that a small file crosses many; returns the bulk calls made."""
    monkeypatch.setattr(slim, "CHUNK_BYTES", 512)
    calls: list[int] = []
    real = bulk.items_before_last

    def counting(text: str, pos: int, between: str) -> Any:
        found = real(text, pos, between)
        calls.append(0 if found is None else len(found[0]))
        return found

    monkeypatch.setattr("qualitygates.readers._window.items_before_last", counting)
    return calls


def report(items: list[Any], indent: int | None) -> str:
    return json.dumps({"id": "r", "Results": items, "value": 1}, indent=indent)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.json"
    path.write_text(text, "utf-8")
    return path


def slimmed(value: Any) -> Any:
    """What `read_json` keeps with `KEEP`: objects keep only those keys, at every depth."""
    if isinstance(value, dict):
        return {k: slimmed(v) for k, v in value.items() if k in KEEP}
    if isinstance(value, list):
        return [slimmed(v) for v in value]
    return value


@pytest.mark.parametrize("indent", [None, 2])
def test_most_items_of_a_large_array_are_taken_in_bulk(
    tmp_path: Path, small_windows: list[int], indent: int | None
) -> None:
    items = [{"id": n, "text": f"item {n}", "items": [{"a": n}, {"b": [n, n]}]} for n in range(300)]
    text = report(items, indent)
    assert read_json(write(tmp_path, text), "test", KEEP) == slimmed(json.loads(text))
    assert sum(small_windows) > 150  # the bulk path took most of them


def test_the_separator_inside_a_string_does_not_cut_an_item(
    tmp_path: Path, small_windows: list[int]
) -> None:
    """Every item's text holds the separator as a string would: cuts there are refused."""
    separator = ', {"id"'
    items = [{"id": n, "text": f"x{separator}: {n}}} {{" * 8} for n in range(200)]
    text = report(items, None)
    assert separator in text.split('"Results"')[1][30:]
    assert read_json(write(tmp_path, text), "test", KEEP) == slimmed(json.loads(text))


@pytest.mark.parametrize("place", [5, 150, 290])
def test_a_repeated_key_in_a_bulk_item_is_refused_with_its_line(
    tmp_path: Path, small_windows: list[int], place: int
) -> None:
    items = [{"id": n, "text": "t", "a": n} for n in range(300)]
    lines = report(items, 2).splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == f'"a": {place}')
    lines[index] = f'"a": {place}, "a": 0'
    with pytest.raises(AdapterError, match=rf'the key "a" appears twice .*\(line {index + 1}\)'):
        read_json(write(tmp_path, "\n".join(lines)), "test", KEEP)


@pytest.mark.parametrize("constant", ["NaN", "-Infinity"])
def test_nan_in_a_bulk_item_is_refused(
    tmp_path: Path, small_windows: list[int], constant: str
) -> None:
    items = [{"id": n, "value": n} for n in range(300)]
    text = report(items, 2).replace('"value": 200', f'"value": {constant}')
    with pytest.raises(AdapterError, match="is not valid test JSON"):
        read_json(write(tmp_path, text), "test", KEEP)


_KEYS = st.sampled_from(["id", "text", "a", "b", "items", "drop", '"q', "\u00e9", ""])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**62), 2**62)  # yajl (the fallback) refuses 64-bit edges
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab,{}[]":\\ \n\u00e9\U0001f600'), max_size=12)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=16,
)


@given(
    items=st.lists(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5), max_size=60),
    indent=st.sampled_from([None, 0, 1, 4]),
)
def test_any_array_of_objects_reads_as_json_loads_reads_it(
    items: list[dict[str, Any]], indent: int | None
) -> None:
    text = report(items, indent)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(slim, "CHUNK_BYTES", 256)
        path = write(Path(tmp), text)
        assert read_json(path, "test", KEEP) == slimmed(json.loads(text))
