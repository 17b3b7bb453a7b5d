"""The NDJSON fast path, proven against a reference that reads every line with json.

Lines of a real k6 run (`tests/data/k6/real-run.ndjson`, written by k6 v1.1.0 from
`real-run.js`) are rewritten in every way JSON allows (escaped characters in names,
types, tags, times and keys; blanks; shuffled and unknown keys; respelled numbers),
repeated, split into two files of one run, gzipped and read in small blocks. The adapter
must give exactly what `k6_reference` computes from `json.loads` of each line, or refuse
where it refuses: a repeated key, NaN, a value beyond a double, a bad time, a tag filter
naming a tag no sample had, an empty metric.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitygates.adapters.k6 import K6Adapter, bulk, chunks, ndjson, reader
from qualitygates.adapters.k6.names import parse_name
from qualitygates.adapters.k6.timefmt import parse_time_ns
from qualitygates.errors import AdapterError
from tests.adapters.k6_mutations import Obj, Writer, break_point, to_obj
from tests.adapters.k6_reference import Refused, reference
from tests.helpers import DATA, collect

REAL = DATA / "k6" / "real-run.ndjson"
RECORDS = [json.loads(line) for line in REAL.read_bytes().splitlines()]
ASKED = (
    "http_req_duration.count",
    "http_req_duration.avg",
    "http_req_duration.min",
    "http_req_duration.max",
    "http_req_duration.med",
    "http_req_duration.p(90)",
    "http_req_duration.p(95)",
    "http_req_duration{scenario:peak}.p(95)",
    "http_req_duration{method:GET,scenario:base}.avg",
    "http_req_duration{name:checkout}.max",
    "http_req_duration{scenario:peek}.p(95)",  # a typo: refused, even with allow_empty
    "http_req_failed.rate",
    "http_req_failed{scenario:base}.fails",
    "checks{check:cart ok}.rate",
    "http_reqs.count",
    "http_reqs.rate",
    "data_received.rate",
    "queue_depth.value",
    "queue_depth.min",
    "cart_latency.p(90)",
    "cart_errors.passes",
    "items_added.count",
    "group_duration{group:::login}.max",
    "iteration_duration.p(95)",
    "vus.value",  # not in the run: left out by both
)


@st.composite
def runs(draw: st.DrawFn) -> tuple[list[bytes], list[str], bool]:
    """One run's files (a sample of the real lines, rewritten), the names asked, and
    allow_empty."""
    names = draw(st.lists(st.sampled_from(ASKED), min_size=1, max_size=4, unique=True))
    metrics = {name.metric for name in map(parse_name, names) if name is not None}
    rnd = random.Random(draw(st.integers(0, 2**32)))  # per line: too many draws to shrink
    chances = st.sampled_from([0.0, 0.0, 0.05, 0.3, 1.0])
    writer = Writer(rnd, *(draw(chances) for _ in range(5)))
    breaks = draw(st.sampled_from([0.0, 0.0, 0.0, 0.02, 0.2]))
    start = draw(st.integers(0, len(RECORDS) - 20))
    stop = draw(st.integers(start + 10, len(RECORDS)))
    lines = []
    for index, record in enumerate(RECORDS):
        if record["type"] == "Point" and not start <= index < stop:
            continue
        obj = to_obj(record)
        if record.get("metric") in metrics and record["type"] == "Point" and rnd.random() < breaks:
            break_point(obj, rnd)
        lines.append(writer.write(obj).encode())
        if rnd.random() < 0.05:  # the same line again: a sample counted twice by both
            lines.append(writer.write(obj).encode())
    cut = draw(st.integers(0, len(lines) - 1))
    files = [lines] if cut == 0 else [lines[:cut], lines[cut:]]
    end = draw(st.sampled_from([b"\n", b"\n", b""]))
    return [b"\n".join(part) + end for part in files], names, draw(st.booleans())


def adapter_reading(
    folder: Path, files: list[bytes], names: list[str], allow_empty: bool, gzipped: bool
) -> tuple[dict[str, str], Any] | None:
    paths = []
    for index, content in enumerate(files):
        path = folder / f"part{index}.ndjson{'.gz' if gzipped else ''}"
        path.write_bytes(gzip.compress(content) if gzipped else content)
        paths.append(str(path))
    try:
        found = collect(K6Adapter, metrics=tuple(names), path=paths, allow_empty=allow_empty)
    except AdapterError:
        return None
    return {name: repr(m.value) for name, m in found.metrics.items()}, found.timestamp


def reference_reading(
    files: list[bytes], names: list[str], allow_empty: bool
) -> tuple[dict[str, str], Any] | None:
    try:
        values, stamp = reference(files, names, allow_empty)
    except Refused:
        return None
    return {name: repr(value) for name, value in values.items()}, stamp  # repr: -0.0 too


@contextmanager
def blocks_of(size: int, parallel: bool = False, bulk: bool = True) -> Iterator[None]:
    """Blocks of `size` bytes; without `bulk`, every point goes through the per-point loop."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(ndjson, "BLOCK", size))
        stack.enter_context(mock.patch.object(chunks, "BLOCK", size))
        if parallel:
            stack.enter_context(mock.patch.object(reader, "PARALLEL_MIN_BYTES", 1))
            stack.enter_context(mock.patch.object(reader, "GZIP_PARALLEL_MIN_BYTES", 1))
        if not bulk:
            stack.enter_context(mock.patch.object(ndjson, "take_block", lambda *_: False))
        yield


@given(
    run=runs(),
    block=st.sampled_from([64, 200, 1000, 4096, 1 << 20]),
    gzipped=st.booleans(),
    bulk=st.booleans(),
)
def test_the_adapter_reads_what_json_reads(
    run: tuple[list[bytes], list[str], bool], block: int, gzipped: bool, bulk: bool
) -> None:
    files, names, allow_empty = run
    with TemporaryDirectory() as folder, blocks_of(block, bulk=bulk):
        found = adapter_reading(Path(folder), files, names, allow_empty, gzipped)
    assert found == reference_reading(files, names, allow_empty)


def test_points_of_k6s_shape_are_taken_a_block_at_a_time(tmp_path: Path) -> None:
    """The real run's points go the bulk way (`bulk.take_block`), and read as json reads
    them; so do points whose tags name the metric, which the bulk way leaves to the loop."""
    named = REAL.read_bytes().replace(b'"name":"checkout"', b'"name":"http_req_duration"')
    names = ["http_req_duration.p(95)", "http_req_duration{scenario:peak}.max"]
    left_to_the_loop = []
    for content in (REAL.read_bytes(), named):
        taken: list[bool] = []

        def spy(*args: Any, taken: list[bool] = taken) -> bool:
            taken.append(bulk.take_block(*args))
            return taken[-1]

        with mock.patch.object(ndjson, "take_block", spy), blocks_of(4096):
            found = adapter_reading(tmp_path, [content], names, False, gzipped=False)
        assert found is not None and found == reference_reading([content], names, False)
        assert taken.count(True) > len(taken) // 2  # all but the blocks the name is elsewhere
        left_to_the_loop.append(taken.count(False))
    assert left_to_the_loop[1] > left_to_the_loop[0]  # the declaration's, and the tags'


@settings(max_examples=8)
@given(run=runs(), block=st.sampled_from([200, 4096]), gzipped=st.booleans())
def test_the_parallel_split_reads_what_json_reads(
    run: tuple[list[bytes], list[str], bool], block: int, gzipped: bool
) -> None:
    """Two processes read each file: for gzip both inflate it, and each scans a part."""
    files, names, allow_empty = run
    with TemporaryDirectory() as folder, blocks_of(block, parallel=True):
        found = adapter_reading(Path(folder), files, names, allow_empty, gzipped)
    assert found == reference_reading(files, names, allow_empty)


@given(st.from_regex(ndjson.TIME, fullmatch=True))
def test_every_time_the_fast_path_accepts_is_a_time(text: bytes) -> None:
    parse_time_ns(text)  # BadTime would be a time the fast path takes unchecked


@given(st.from_regex(ndjson.NUMBER, fullmatch=True))
def test_every_number_the_fast_path_accepts_reads_as_json_reads_it(text: bytes) -> None:
    assert repr(float(text)) == repr(float(json.loads(text)))


# --- the cases found by hand, one by one ------------------------------------------------

POINT = (
    b'{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-07T00:55:25Z",'
    b'"value":VALUE,"tags":{"scenario":"peak"}}}'
)


def with_line(line: bytes) -> bytes:
    """The real run with `line` as line 170, followed by one more point of the metric."""
    after = POINT.replace(b"VALUE", b"1").replace(b"peak", b"base")
    return REAL.read_bytes() + line + b"\n" + after + b"\n"


def _respelled(change: Callable[[Obj], None]) -> bytes:
    obj = to_obj(json.loads(POINT.replace(b"VALUE", b"90000")))
    change(obj)
    return Writer(random.Random(0)).write(obj).encode()


HIDDEN = [  # a slow sample of 90 s that a reader might not see as one
    POINT.replace(b'"http_req_duration"', b'"\\u0068ttp_req_duration"').replace(b"VALUE", b"90000"),
    POINT.replace(b'"Point"', b'"Po\\u0069nt"').replace(b"VALUE", b"90000"),
    POINT.replace(b'"metric"', b'"m\\u0065tric"').replace(b"VALUE", b"90000"),
    POINT.replace(b'"type":"Point"', b'"type" : "Point"').replace(b"VALUE", b"90000"),
    POINT.replace(b"VALUE", b"9E+4"),
    POINT.replace(b"VALUE", b"90000").replace(b'"peak"', b'"pe\\u0061k"'),
    POINT.replace(b"VALUE", b"90000").replace(b"}}}", b'},"metadata":{"vu":"1"}}}'),
    POINT.replace(b"VALUE", b"90000").replace(b'Z"', b'\\u005a"'),
    _respelled(lambda obj: obj.reverse()),
]


@pytest.mark.parametrize("line", HIDDEN, ids=range(len(HIDDEN)))
def test_a_point_in_any_spelling_counts(tmp_path: Path, line: bytes) -> None:
    path = tmp_path / "run.ndjson"
    path.write_bytes(with_line(line))
    names = ("http_req_duration.max", "http_req_duration{scenario:peak}.max")
    found = collect(K6Adapter, metrics=names, path=str(path)).metrics
    assert {name: m.value for name, m in found.items()} == dict.fromkeys(names, 90000.0)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (POINT.replace(b"VALUE", b'1,"value":2'), "the key 'value' appears twice in one object"),
        (POINT.replace(b"VALUE", b"1").replace(b"{", b'{"metric":"vus",', 1), "'metric' appears twice"),
        (POINT.replace(b"VALUE", b"1").replace(b'"peak"', b'"peak","scenario":"base"'), "'scenario' appears twice"),
        (POINT.replace(b"VALUE", b"1").replace(b'"peak"', b'"peak","sc\\u0065nario":"x"'), "'scenario' appears twice"),
        (POINT.replace(b"VALUE", b"NaN"), "NaN is not a JSON number"),
        (POINT.replace(b"VALUE", b"-Infinity"), "-Infinity is not a JSON number"),
        (POINT.replace(b"VALUE", b"1e999"), "data.value is beyond a double"),
        (POINT.replace(b"VALUE", b"1" + b"0" * 400), "data.value is beyond a double"),
        (POINT.replace(b'"http_req_duration"', b'"\\u0068ttp_req_duration"').replace(b"VALUE", b"NaN"),
         "NaN is not a JSON number"),
        (POINT.replace(b"VALUE", b"1").replace(b"00:55:25Z", b"00:55:60Z"), "is not an RFC 3339 time"),
    ],
)  # fmt: skip
def test_what_json_forbids_is_refused_naming_the_line(
    tmp_path: Path, line: bytes, message: str
) -> None:
    path = tmp_path / "run.ndjson"
    path.write_bytes(with_line(line))
    with pytest.raises(AdapterError, match=rf"run.ndjson:170: .*{message}"):
        collect(K6Adapter, metrics=("http_req_duration.max",), path=str(path))


@pytest.mark.parametrize(("value", "read"), [(b"-0", "0.0"), (b"-0.0", "-0.0"), (b"-0e0", "-0.0")])
def test_minus_zero_reads_as_json_reads_it(tmp_path: Path, value: bytes, read: str) -> None:
    # json reads `-0` as the integer 0, but `-0.0` and `-0e0` as the float -0.0
    path = tmp_path / "run.ndjson"
    path.write_bytes(
        b'{"type":"Metric","data":{"name":"queue_depth","type":"gauge","contains":"default"}}\n'
        b'{"metric":"queue_depth","type":"Point","data":{"time":"2026-12-07T00:55:25Z",'
        b'"value":' + value + b',"tags":null}}\n'
    )
    found = collect(K6Adapter, metrics=("queue_depth.value",), path=str(path)).metrics
    assert repr(found["queue_depth.value"].value) == read


def test_a_metric_declared_with_two_types_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.ndjson"
    again = b'{"type":"Metric","data":{"name":"http_req_failed","type":"trend","contains":"time"}}'
    path.write_bytes(with_line(again))
    with pytest.raises(
        AdapterError,
        match=r"run.ndjson:170: k6 metric 'http_req_failed' is declared as 'rate/default', "
        r"then as 'trend/time'; one run declares each metric once, with one type",
    ):
        collect(K6Adapter, metrics=("http_req_failed.rate",), path=str(path))


@given(
    pieces=st.lists(
        st.sampled_from(
            [
                bulk.METRIC_LINE,
                b"M",
                b"x",
                b"\n",
                b'\n{"type":"M',
                b'etric","data":{"name":"',
                b"M" * 70,
            ]
        ),
        max_size=12,
    ),
    bounds=st.tuples(st.integers(0, 400), st.integers(0, 400)),
)
def test_metric_lines_are_found_where_the_plain_search_finds_them(
    pieces: list[bytes], bounds: tuple[int, int]
) -> None:
    """The declarations' search starts from each capital M (memchr), and after many Ms
    hands over to the plain search: either way it finds what `bytes.find` finds."""
    buf = bytearray(b"".join(pieces))
    start, end = sorted(min(b, len(buf)) for b in bounds)
    assert bulk.find_metric_line(buf, start, end) == buf.find(bulk.METRIC_LINE, start, end)
