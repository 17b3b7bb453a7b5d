"""`end_time`: when a k6 run ended, from its NDJSON (plain or gzip) or machine-readable summary."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.k6 import end_time, end_time_ns, endtime
from qualitygates.errors import AdapterError
from tests.helpers import DATA

K6 = DATA / "k6"
POINTS = K6 / "points.ndjson"
LAST_POINT = datetime(2026, 11, 24, 10, 0, 3, 400000, tzinfo=timezone.utc)  # its last line


def point(stamp: str, metric: str = "vus", value: float = 1) -> bytes:
    return (
        f'{{"metric":"{metric}","type":"Point","data":{{"time":"{stamp}","value":{value},'
        '"tags":{}}}\n'
    ).encode()


def test_the_last_point_of_plain_and_gzip_ndjson(tmp_path: Path) -> None:
    gz = tmp_path / "run.ndjson.gz"
    gz.write_bytes(gzip.compress(POINTS.read_bytes()))
    assert end_time(POINTS) == LAST_POINT
    assert end_time(gz) == LAST_POINT


def test_nanoseconds_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "run.ndjson"
    path.write_bytes(point("2026-11-24T13:48:46.733710045Z") + point("2026-11-24T15:48:46+02:00"))
    assert end_time_ns(path) == 1795528126733710045
    assert end_time(path) == datetime(2026, 11, 24, 13, 48, 46, 733710, tzinfo=timezone.utc)


def test_the_latest_point_near_the_end_wins_over_the_last_line(tmp_path: Path) -> None:
    # k6 flushes points in batches: a batch's last line may be a little older than its latest.
    path = tmp_path / "run.ndjson"
    path.write_bytes(
        POINTS.read_bytes() + point("2026-11-24T10:00:09.5Z") + point("2026-11-24T10:00:09.25Z")
    )
    assert end_time(path) == datetime(2026, 11, 24, 10, 0, 9, 500000, tzinfo=timezone.utc)


@pytest.mark.parametrize("spelled", [b'"Po\\u0069nt"', b'"\\u0050oint"'])
def test_a_point_that_spells_point_with_an_escape_counts(tmp_path: Path, spelled: bytes) -> None:
    # json reads "Po\u0069nt" as "Point": a later point hidden that way is still the end
    path = tmp_path / "run.ndjson"
    path.write_bytes(
        POINTS.read_bytes() + point("2026-11-24T10:00:09.5Z").replace(b'"Point"', spelled)
    )
    assert end_time(path) == datetime(2026, 11, 24, 10, 0, 9, 500000, tzinfo=timezone.utc)


def test_a_repeated_key_near_the_end_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.ndjson"
    twice = point("2026-11-24T10:00:09.5Z").replace(
        b'"time"', b'"time":"2020-01-01T00:00:00Z","time"'
    )
    path.write_bytes(POINTS.read_bytes() + twice)
    with pytest.raises(AdapterError) as caught:
        end_time(path)
    assert str(caught.value) == (
        f"{path}: a line near its end: the key 'time' appears twice in one object: "
        "not k6 output, refusing it"
    )


def test_only_the_tail_of_a_plain_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A later point outside the window is not seen: the window is all that was read.
    path = tmp_path / "run.ndjson"
    path.write_bytes(point("2030-01-01T00:00:00Z") + POINTS.read_bytes())
    monkeypatch.setattr(endtime, "TAIL", 600)  # a few lines; the first one is cut
    assert end_time(path) == LAST_POINT


def test_a_window_without_points_falls_back_to_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    declaration = b'{"type":"Metric","data":{"name":"zz","type":"counter"},"metric":"zz"}\n'
    path = tmp_path / "run.ndjson"
    path.write_bytes(POINTS.read_bytes() + declaration * 20)
    gz = tmp_path / "run.ndjson.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    monkeypatch.setattr(endtime, "TAIL", 300)
    assert end_time(path) == LAST_POINT
    assert end_time(gz) == LAST_POINT


def test_the_machine_readable_summary_gives_generated_at() -> None:
    assert end_time(K6 / "machine-readable.json") == datetime(2026, 11, 24, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("handle-summary.json", "handleSummary"), ("summary-export.json", "--summary-export")],
)
def test_summaries_without_an_absolute_time_are_errors(name: str, kind: str) -> None:
    with pytest.raises(AdapterError) as caught:
        end_time(K6 / name)
    assert str(caught.value) == (
        f"{K6 / name} is k6 {kind} JSON, which holds no absolute time (only the run's "
        "duration): give the run's --out json NDJSON instead, or the time itself"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"", "is empty: the tool that writes it failed or did not run"),
        (b'{"coverage": 80}', "is not a k6 report"),
        (POINTS.read_bytes()[:-30], "is truncated: its last line is not complete JSON; re-run k6"),
        (
            POINTS.read_bytes() + b'{"type":"Point","oops\n',
            "a line near its end is not valid JSON; is this k6 --out json output?",
        ),
        (
            POINTS.read_bytes() + point("yesterday"),
            "a k6 Point's data.time 'yesterday' is not an RFC 3339 time",
        ),
        (b'{"type":"Metric","data":{"name":"x","type":"trend"}}\n', "holds no k6 samples"),
        (gzip.compress(POINTS.read_bytes())[:200], "gzip file"),
        (
            b'{"version": "1.0.0", "metadata": {}, "results": {"metrics": []}}',
            "metadata.generatedAt is missing; give the run's --out json NDJSON instead",
        ),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "k6.out"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AdapterError) as caught:
        end_time(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
