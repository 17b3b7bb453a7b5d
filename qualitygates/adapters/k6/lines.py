"""Lines the NDJSON scanner reads with json, and the errors that name their line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Union

from qualitygates.adapters.k6 import strict
from qualitygates.adapters.k6.chunks import iter_chunks
from qualitygates.adapters.k6.timefmt import BadTime, parse_time_ns
from qualitygates.errors import AdapterError

Buf = Union[bytes, bytearray]  # noqa: UP007 - a runtime alias on Python 3.10


class LineReader:
    """Reads single lines of one file with `strict.loads`; errors name the file and line."""

    def __init__(self, path: Path, base_offset: int = 0) -> None:
        self.path = path
        self.offset = base_offset  # file offset of the current buffer's first byte, minus 1

    def _parse(self, line: Buf, buf: Buf, pos: int) -> dict[str, Any]:
        try:
            record = strict.loads(line)
        except strict.StrictJSONError as exc:
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: {exc}: not k6 output, refusing it"
            ) from None
        except ValueError:
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: not valid JSON; is this k6 --out json output?"
            ) from None
        except RecursionError:  # json's C decoder guards its stack: a hostile line
            raise AdapterError(self._too_deep(buf, pos)) from None
        if not isinstance(record, dict):
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: a k6 NDJSON line should be a JSON object"
            )
        return record

    def _point(
        self, record: dict[str, Any], buf: Buf, pos: int
    ) -> tuple[str, float, dict[str, Any]]:
        data = record.get("data")
        if isinstance(data, dict):
            time, value, tags = data.get("time"), data.get("value"), data.get("tags")
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if isinstance(time, str) and number and isinstance(tags, (dict, type(None))):
                return time, self._finite(value, buf, pos), tags or {}  # type: ignore[arg-type]
        line = self._line_no(buf, pos)
        raise AdapterError(
            f"{self.path}:{line}: a k6 Point needs data.time, a numeric data.value and data.tags"
        )

    def _finite(self, value: float, buf: Buf, pos: int) -> float:
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any double
            number = math.inf
        if not math.isfinite(number):
            raise AdapterError(
                f"{self.path}:{self._line_no(buf, pos)}: data.value is beyond a double: "
                "not k6 output, refusing it"
            )
        return number

    def _too_deep(self, buf: Buf, pos: int) -> str:
        line = self._line_no(buf, pos)
        return f"{self.path}:{line}: nests too deeply to be a k6 NDJSON line; refusing it"

    def _check_time(self, time: str | bytes, buf: Buf, pos: int) -> None:
        try:
            parse_time_ns(time)
        except BadTime as exc:
            raise AdapterError(f"{self.path}:{self._line_no(buf, pos)}: {exc}") from None

    def _line_no(self, buf: Buf, pos: int) -> int:
        """The 1-based line number of `pos`, counted from the file (errors only: re-reads it)."""
        absolute = self.offset + pos
        count = 0
        with self.path.open("rb") as raw:
            for chunk in iter_chunks(raw, self.path):
                if len(chunk) >= absolute:
                    return count + chunk.count(b"\n", 0, absolute) + 1
                count += chunk.count(b"\n")
                absolute -= len(chunk)
        return count


def point_time(record: dict[str, Any]) -> str | None:
    """The time of a k6 Point record, or None when the record is no Point with a time."""
    data = record.get("data") if record.get("type") == "Point" else None
    time = data.get("time") if isinstance(data, dict) else None
    return time if isinstance(time, str) else None


def redeclared(name: str, before: tuple[str, str], again: tuple[str, str]) -> str:
    """Why a second, different declaration of one metric is refused."""
    return (
        f"k6 metric {name[:80]!r} is declared as {'/'.join(before)!r}, then as "
        f"{'/'.join(again)!r}; one run declares each metric once, with one type"
    )
