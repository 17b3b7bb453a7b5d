"""The streaming JSON loader: its two readers agree, and hostile input stays cheap.

`load_slim_json` reads a document with the window reader (`readers._window`) and falls
back to ijson (`readers._chunks.ChunkReader` feeding ijson) for anything unusual; both must
give the same document and visit it the same way, at any chunk size.
"""

from __future__ import annotations

import gc
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qualitygates.readers._chunks as stream
import qualitygates.readers._slim as slim
import qualitygates.readers._window as fast
from qualitygates.errors import AdapterError
from qualitygates.readers import paused_gc

KEEP = frozenset({"items", "a", "b", "name", "nested"})


def keep_value(key: str, value: Any) -> bool:
    return key.startswith("k")  # free-form names kept, as SARIF's fingerprints are


class Boiler:
    """A visitor like SARIF's: replaces the complete items of `items` by tuples."""

    def __init__(self) -> None:
        self.restarts = 0
        self.calls = 0
        self.restart()
        self.restarts = 0

    def restart(self) -> None:
        self.done, self.restarts = 0, self.restarts + 1

    def __call__(self, doc: Any, complete: bool) -> None:
        self.calls += 1
        items = doc.get("items") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            return
        end = len(items) if complete else len(items) - 1
        for number in range(self.done, max(end, self.done)):  # read as slimmed, like SARIF's
            items[number] = ("boiled", json.dumps(reference(items[number]), sort_keys=True))
        self.done = max(end, self.done)


def reference(value: Any) -> Any:
    """What slimming keeps, by a plain recursive filter of a whole document."""
    if isinstance(value, list):
        return [reference(v) for v in value]
    if not isinstance(value, dict):
        return value
    empty = {dict: {}, list: []}
    return {
        k: reference(v)
        for k, v in value.items()
        if k in KEEP or keep_value(k, empty.get(type(v), v))
    }


def load(path: Path, chunk: int, fast_reader: bool, visit: Any = None) -> Any:
    saved = slim.CHUNK_BYTES, fast.WindowReader.read_object, fast.WindowReader.read_array
    slim.CHUNK_BYTES = chunk
    if not fast_reader:
        fast.WindowReader.read_object = _refuse  # type: ignore[method-assign]
        fast.WindowReader.read_array = _refuse  # type: ignore[method-assign]
    try:
        return slim.load_slim_json(path, KEEP, "test", keep_value, visit)
    finally:
        slim.CHUNK_BYTES, fast.WindowReader.read_object, fast.WindowReader.read_array = saved  # type: ignore[method-assign]


def _refuse(self: Any, root: Any) -> None:
    raise fast.Fallback


_KEYS = st.sampled_from(["items", "a", "b", "name", "nested", "kx", "drop", "x y", ""])
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["L" * 300, 'quote " and \\ back', "\u2603 snow", "\U0001f600 grin", "\n\t"]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63) + 1, 2**63 - 1)  # yajl refuses larger integers (and -2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@given(
    doc=st.dictionaries(_KEYS, _JSON, max_size=6),
    chunk=st.sampled_from([1, 2, 7, 40, 300, 1 << 16]),
    indent=st.sampled_from([None, 1]),
    ascii_only=st.booleans(),
)
def test_both_readers_give_the_plain_filter_and_visit_alike(
    doc: dict[str, Any], chunk: int, indent: int | None, ascii_only: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_text(json.dumps(doc, indent=indent, ensure_ascii=ascii_only), "utf-8")
        results = [load(path, chunk, use_fast) for use_fast in (True, False)]
        boiled = [load(path, chunk, use_fast, Boiler()) for use_fast in (True, False)]
    assert results[0] == results[1] == reference(doc)
    assert boiled[0] == boiled[1]


def write(tmp_path: Path, text: str | bytes, name: str = "doc.json") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, "utf-8")
    else:
        path.write_bytes(text)
    return path


def big_doc(items: int = 4000) -> dict[str, Any]:
    return {"name": "big", "items": [{"a": n, "b": "x" * 40, "drop": [n]} for n in range(items)]}


def test_the_window_reader_reads_a_large_document_and_visits_it_between_windows(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, json.dumps(big_doc(), indent=2))
    visitor = Boiler()
    doc = load(path, 4096, True, visitor)
    assert visitor.restarts == 0 and visitor.calls > 20  # no fallback; many windows
    assert doc == load(path, 4096, False, Boiler())
    assert doc["items"][5] == ("boiled", json.dumps({"a": 5, "b": "x" * 40}, sort_keys=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": "\\ud800 lone"}', {"a": "? lone"}),  # yajl's reading, not json's
        ('{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}),
        ('{"a": 1}\f', {"a": 1}),  # yajl takes a form feed for a blank
    ],
)
def test_what_json_reads_otherwise_is_read_by_ijson(
    tmp_path: Path, text: str, expected: dict[str, Any]
) -> None:
    path = write(tmp_path, text)
    assert load(path, 1 << 16, True) == expected


def test_an_invalid_large_document_restarts_the_visitor_and_gets_ijsons_error(
    tmp_path: Path,
) -> None:
    text = json.dumps(big_doc())
    truncated = write(tmp_path, text[: len(text) // 2])
    visitor = Boiler()
    with pytest.raises(AdapterError, match=r"doc.json is not valid test JSON: it ends early"):
        load(truncated, 4096, True, visitor)
    assert visitor.restarts == 1
    nan = write(tmp_path, text.replace('"a": 3,', '"a": NaN,'), "nan.json")
    with pytest.raises(AdapterError, match=r"nan\.json is not valid test JSON"):
        load(nan, 4096, True, Boiler())


def test_a_visitor_that_cannot_restart_gets_ijson_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fast.WindowReader, "read_object", _unexpected)
    path = write(tmp_path, json.dumps(big_doc(50)))
    seen: list[bool] = []
    doc = slim.load_slim_json(path, KEEP, "test", keep_value, lambda d, c: seen.append(c))
    assert seen[-1] is True and len(doc["items"]) == 50


def _unexpected(self: Any, root: Any) -> None:
    raise AssertionError("the window reader was used")


def test_arrays_stream_wrapped_in_an_object(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([{"a": 1, "drop": 2}, {"b": [3]}]))
    assert load(path, 7, True) == load(path, 7, False) == [{"a": 1}, {"b": [3]}]
    with pytest.raises(AdapterError, match=r"t.json is not valid test JSON: it ends early"):
        load(write(tmp_path, "[1, 2", "t.json"), 1 << 16, True)
    with pytest.raises(AdapterError) as garbage:
        load(write(tmp_path, "[1]}", "g.json"), 1 << 16, True)
    assert "trailing garbage" in str(garbage.value) and "ends early" not in str(garbage.value)


@pytest.mark.parametrize(
    "document", ["[" * 20000 + "]" * 20000, '{"a":' * 20000 + "1" + "}" * 20000]
)
def test_deep_nesting_is_refused_by_name(tmp_path: Path, document: str) -> None:
    path = write(tmp_path, document)
    with pytest.raises(
        AdapterError, match=rf"{path} (nests JSON deeper than 512 levels|nests too)"
    ):
        load(path, 1 << 16, True)


def test_a_chunk_is_cut_so_that_no_piece_opens_too_many_brackets() -> None:
    data = b'{"a": ' + b"[" * 10_000 + b"x"
    ends = stream._piece_ends(data)
    starts = [0, *reversed(ends)]
    pieces = [data[a:b] for a, b in zip(starts, [*reversed(ends), len(data)], strict=True)]
    assert b"".join(pieces) == data and len(pieces) == 3
    assert all(p.count(b"[") <= stream._BUDGET for p in pieces)
    assert stream._piece_ends(b"{" * stream._BUDGET) == []


@pytest.mark.parametrize(
    ("data", "at"),
    [(b'xx"', 2), (b'"xx', -1), (b'x\\"x', -1), (b'x\\"y"', 4), (b"xyz", -1), (b'\\"\\"', -1)],
)
def test_a_chunk_inside_one_string_is_told_apart(data: bytes, at: int) -> None:
    assert stream._first_quote(data) == at


def test_long_values_are_read_in_growing_chunks_up_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "MAX_RUN", 1 << 20)
    monkeypatch.setattr(fast, "MAX_VALUE", 1 << 16)  # the window reader hands over early
    fine = write(tmp_path, '{"a": "' + "x" * 900_000 + '", "b": 1}')
    assert load(fine, 1 << 12, True) == {"a": "x" * 900_000, "b": 1}
    escaped = write(tmp_path, '{"a": "' + '\\"' * 400_000 + '"}', "e.json")
    assert load(escaped, 1 << 12, True) == {"a": '"' * 400_000}
    too_long = write(tmp_path, '{"a": "' + "x" * 1_200_000 + '"}', "long.json")
    with pytest.raises(AdapterError, match=r"long\.json holds a JSON value longer than 1 MiB;"):
        load(too_long, 1 << 12, True)
    monkeypatch.setattr(stream, "MAX_DENSE_RUN", 1 << 18)
    dense = write(tmp_path, '{"a": "' + "[" * 600_000 + '"}', "dense.json")
    with pytest.raises(
        AdapterError, match=r"dense\.json holds a JSON value longer than 0\.25 MiB full"
    ):
        load(dense, 1 << 12, True)


def test_paused_gc_switches_the_collector_back_on_and_leaves_frozen_objects_alone() -> None:
    assert gc.isenabled()
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            pass
        # Not unfrozen (0) nor frozen more; a frozen object freed meanwhile (by another
        # thread of an earlier test) may lower the count by itself.
        assert gc.isenabled() and 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
