"""Opening untrusted files: regular files only, gzip aware, size-capped.

A pull request can commit a symbolic link to `/dev/zero`, a symlink loop, or (through a
build step) leave a FIFO where a report should be. Reading any of those would grow
without end or block for ever, so every input (reports, the policy, waivers, sign-offs,
evidence, saved results) is opened here: the path is opened without blocking, then the
open descriptor is checked to be a regular file before a single byte is read. Checking the
descriptor, not the name, leaves no window for the file to be swapped in between.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from qualitygates.errors import AdapterError, QualityGatesError

GZIP_MAGIC = b"\x1f\x8b"
#: Files parsed whole (JSON) must stay under this; streamed formats have no limit.
MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(QualityGatesError):
    """A file that is missing, not a regular file, or cannot be opened; one sentence."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def regular_file_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a regular file, or None when it can be (no open)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _open_problem(path, exc)
    return None if stat.S_ISREG(mode) else _not_regular(path, mode)


def _not_regular(path: Path, mode: int) -> str:
    return f"{path} is not a regular file (it is {_kind(mode)}): give the file itself"


def _open_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"{path} is a symbolic link to a file that does not exist"
        return f"{path} does not exist"
    if exc.errno == errno.ELOOP:
        return f"{path} is a symbolic link loop, not a regular file"
    return f"{path} cannot be read: {exc.strerror or exc}"


def open_regular(path: Path) -> IO[bytes]:
    """Open `path` for binary reading if, and only if, it is a regular file.

    O_NONBLOCK makes the open of a FIFO return at once (it would wait for a writer); the
    descriptor is then refused, or switched back to blocking reads for a regular file.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(_open_problem(path, exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(_not_regular(path, mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The whole of a regular file of at most `limit` bytes; UnreadableFile otherwise."""
    with open_regular(path) as stream:
        if os.fstat(stream.fileno()).st_size > limit:
            raise UnreadableFile(_too_big(path, what, limit))
        data = _read_up_to(stream, limit + 1)
    if len(data) > limit:  # it grew while being read
        raise UnreadableFile(_too_big(path, what, limit))
    return data


def _too_big(path: Path, what: str, limit: int) -> str:
    return f"{path} is larger than {_size(limit)}, too large for a {what}; refusing to read it"


def _size(limit: int) -> str:
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):g} MiB"
    return f"{limit / 1024:g} KiB" if limit >= 1024 else f"{limit} bytes"


def require_nonempty(path: Path) -> None:
    """Raise AdapterError for a missing, irregular or zero-byte report."""
    problem = regular_file_problem(path)
    if problem:
        raise AdapterError(problem)
    if path.stat().st_size == 0:
        raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")


@contextmanager
def open_report(path: Path) -> Iterator[IO[bytes]]:
    """Open a report for binary reading, transparently un-gzipping `.gz` content."""
    try:
        raw = open_regular(path)
    except UnreadableFile as exc:
        raise AdapterError(str(exc)) from None
    with raw:
        if os.fstat(raw.fileno()).st_size == 0:
            raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
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
