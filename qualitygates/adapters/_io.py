"""Reading report files safely: globs, gzip, emptiness, size limits and JSON.

Every adapter that reads files goes through these helpers, so a missing file, a glob that
matches nothing, an empty or truncated file all fail the same way, with the path named.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from qualitygates.errors import AdapterError

GZIP_MAGIC = b"\x1f\x8b"
#: Files parsed whole (JSON) must stay under this; streamed formats have no limit.
MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024


def expand_paths(patterns: str | Sequence[str]) -> list[Path]:
    """Expand globs to existing files, sorted; every pattern must match at least one file."""
    if isinstance(patterns, (str, os.PathLike)):
        patterns = [str(patterns)]
    found: list[Path] = []
    for pattern in patterns:
        matches = _glob_one(str(pattern))
        if not matches:
            raise AdapterError(_no_match_message(str(pattern)))
        found.extend(m for m in matches if m not in found)
    return found


def _glob_one(pattern: str) -> list[Path]:
    if not glob.has_magic(pattern):
        path = Path(pattern)
        if path.is_dir():
            raise AdapterError(f"{pattern} is a directory, not a report file")
        return [path] if path.is_file() else []
    return [Path(p) for p in sorted(glob.glob(pattern, recursive=True)) if Path(p).is_file()]


def _no_match_message(pattern: str) -> str:
    if glob.has_magic(pattern):
        return f"no file matches {pattern}: check the path, or that the tool ran before this step"
    return f"{pattern} does not exist: check the path, or that the tool ran before this step"


def require_nonempty(path: Path) -> None:
    """Raise AdapterError for a missing or zero-byte file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AdapterError(f"{path} cannot be read: {exc.strerror}") from exc
    if size == 0:
        raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")


@contextmanager
def open_report(path: Path) -> Iterator[IO[bytes]]:
    """Open a report for binary reading, transparently un-gzipping `.gz` content."""
    require_nonempty(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise AdapterError(f"{path} cannot be read: {exc.strerror}") from exc
    with raw:
        head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
        if head == GZIP_MAGIC:
            with _GzipReport(path, raw) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield raw


class _GzipReport(gzip.GzipFile):
    """A gzip stream whose corrupt or cut content raises AdapterError naming the file.

    gzip raises EOFError, BadGzipFile or zlib.error from any read, so every reader of a
    `.gz` report (JSON, XML, LCOV, NDJSON) would otherwise need the same handlers.
    """

    def __init__(self, path: Path, raw: IO[bytes]) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._report = path

    def read(self, size: int | None = -1) -> bytes:
        with self._errors():
            return super().read(size)

    def read1(self, size: int = -1) -> bytes:
        with self._errors():
            return super().read1(size)

    def peek(self, n: int) -> bytes:
        with self._errors():
            return super().peek(n)

    def readline(self, size: int | None = -1) -> bytes:
        with self._errors():
            return super().readline(size)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (OSError, EOFError, zlib.error) as exc:
            raise AdapterError(f"{self._report} is not a readable gzip file: {exc}") from None


def read_bytes(path: Path, limit: int = MAX_WHOLE_FILE_BYTES) -> bytes:
    """Read a whole (possibly gzipped) report, refusing files over `limit` bytes."""
    with open_report(path) as stream:
        # A plain file over the limit is refused by its size: a 1 GB line is never loaded.
        too_big = not isinstance(stream, gzip.GzipFile) and path.stat().st_size > limit
        try:
            data = b"" if too_big else _read_up_to(stream, limit + 1)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise AdapterError(f"{path} is not a readable gzip file: {exc}") from exc
    if too_big or len(data) > limit:
        raise AdapterError(
            f"{path} is larger than {limit // (1024 * 1024)} MiB; refusing to load it"
        )
    return data


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    # In 1 MiB reads: one read(size) reserves `size` bytes up front, however small the file.
    chunks: list[bytes] = []
    while size > 0 and (chunk := stream.read(min(size, 1 << 20))):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise AdapterError(f"{path} is not UTF-16 text (byte {exc.start})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdapterError(f"{path} is not UTF-8 text (byte {exc.start})") from exc


def decode_head(head: bytes) -> str:
    """The first bytes of a report as text, to sniff its format: UTF-16 by BOM, else UTF-8."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def load_json(path: Path, what: str) -> Any:
    """Parse a whole JSON report; `what` names the format for the error message."""
    text = decode_text(read_bytes(path), path)
    if not text.strip():
        raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise AdapterError(
            f"{path} is not valid {what} JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}"
        ) from exc
    except ValueError as exc:
        raise AdapterError(f"{path} is not valid {what} JSON: {exc}") from exc
    except RecursionError as exc:
        # The C decoder guards its recursion: a hostile file of nested brackets lands here.
        raise AdapterError(f"{path} nests too deeply to be a {what} report; refusing it") from exc


def refuse_constant(name: str) -> float:
    """`parse_constant` for `json`: NaN and Infinity are not JSON (Python accepts them)."""
    raise ValueError(f"{name} is not a JSON number")


def expect_type(value: Any, kind: type | tuple[type, ...], path: Path, where: str) -> Any:
    """Return `value` if it is of `kind`, else raise an AdapterError naming the field."""
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise AdapterError(f"{path}: {where} should be a number, not a boolean")
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise AdapterError(
            f"{path}: {where} should be {_article(expected)}, not {type(value).__name__}"
        )
    return value


def _article(name: str) -> str:
    names = {"dict": "an object", "list": "an array", "str": "a string", "int": "an integer"}
    return names.get(name, f"a {name}")


def looks_like_xml(path: Path) -> bool:
    """Whether a report starts with `<` (after a BOM or blanks; UTF-16 too)."""
    with open_report(path) as stream:
        return decode_head(stream.read(64)).lstrip("\ufeff \t\r\n").startswith("<")
