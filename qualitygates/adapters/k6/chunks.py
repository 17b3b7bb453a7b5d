"""File content in large blocks: plain reads, or gzip inflated as fast as zlib allows."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qualitygates.adapters._io import GZIP_MAGIC
from qualitygates.errors import AdapterError

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
    inflater = zlib.decompressobj(wbits=31)
    pending = b""
    try:
        while True:
            data = pending or raw.read(4 * BLOCK)
            if not data:
                break
            if inflater.eof:  # the next member of a multi-member gzip file
                inflater = zlib.decompressobj(wbits=31)
            out = inflater.decompress(data, 4 * BLOCK)
            pending = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
            if out:
                yield out
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error as exc:
        raise AdapterError(
            f"{path} is not readable gzip ({exc}); re-run k6 or gzip the file again"
        ) from exc
    if not inflater.eof:
        raise AdapterError(f"{path} is a truncated gzip file; re-run k6 or copy the file again")
