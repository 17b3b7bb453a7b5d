"""File content in large blocks: plain reads, or gzip inflated as fast as this machine allows.

gzip is inflated by ISA-L (the `isal` package, installed where it has wheels), three times
as fast as zlib, with the same API and the same checks; else by zlib.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import IO, cast

from qualitygates.adapters._io import GZIP_MAGIC
from qualitygates.errors import AdapterError

inflate_lib: ModuleType = zlib
_BAD_GZIP: tuple[type[Exception], ...] = (zlib.error,)
try:
    from isal import isal_zlib

    inflate_lib, _BAD_GZIP = isal_zlib, (zlib.error, cast(type[Exception], isal_zlib.error))
except ImportError:  # no wheel for this platform: zlib reads the same, more slowly
    pass

BLOCK = 1 << 20


def iter_chunks(
    raw: IO[bytes], path: Path, start: int = 0, stop: int | None = None
) -> Iterator[bytes]:
    """Blocks of the file's content from `start` to `stop`, un-gzipping gzip content."""
    head = raw.read(2)
    raw.seek(start)
    if head == GZIP_MAGIC:
        yield from _gunzip(raw, path)
        return
    remaining = stop - start if stop is not None else -1
    while remaining:
        chunk = raw.read(BLOCK if remaining < 0 else min(BLOCK, remaining))
        if not chunk:
            return
        remaining -= len(chunk) if remaining > 0 else 0
        yield chunk


def _gunzip(raw: IO[bytes], path: Path) -> Iterator[bytes]:
    """Inflate (possibly multi-member) gzip with large reads, output bounded per block."""
    inflater = inflate_lib.decompressobj(wbits=31)
    pending = b""
    try:
        while True:
            data = pending or raw.read(4 * BLOCK)
            if not data:
                break
            if inflater.eof:  # the next member of a multi-member gzip file
                inflater = inflate_lib.decompressobj(wbits=31)
            out = inflater.decompress(data, 4 * BLOCK)
            pending = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
            if out:
                yield out
        tail = inflater.flush()
        if tail:
            yield tail
    except _BAD_GZIP as exc:
        raise AdapterError(
            f"{path} is not readable gzip ({exc}); re-run k6 or gzip the file again"
        ) from exc
    if not inflater.eof:
        raise AdapterError(f"{path} is a truncated gzip file; re-run k6 or copy the file again")


def until_line_at(chunks: Iterator[bytes], at: int) -> Iterator[bytes]:
    """The content before the first line that starts at or after byte `at` (all of it when
    none does): what this process scans when a worker scans the rest (`from_line_at`)."""
    offset = 0
    for chunk in chunks:
        cut = _line_start(chunk, at, offset)
        if cut is not None:
            if cut:
                yield chunk[:cut]
            return
        yield chunk
        offset += len(chunk)


def from_line_at(chunks: Iterator[bytes], at: int) -> tuple[int, Iterator[bytes]]:
    """The offset of the first line that starts at or after byte `at`, and the content from
    there to the end (nothing when no line does). The content before it is read, not kept."""
    offset = 0
    for chunk in chunks:
        cut = _line_start(chunk, at, offset)
        if cut is not None:
            return offset + cut, _chain(chunk[cut:], chunks)
        offset += len(chunk)
    return offset, iter(())


def _line_start(chunk: bytes, at: int, offset: int) -> int | None:
    """Where in `chunk` (which starts at byte `offset`) the first line starting at or after
    byte `at` begins: after the first newline at or after `at - 1`; None: not in `chunk`."""
    if at <= 0 and offset == 0:
        return 0
    newline = chunk.find(b"\n", max(at - 1 - offset, 0))
    return newline + 1 if newline >= 0 else None


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest
