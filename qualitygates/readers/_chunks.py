"""The byte stream `_slim` feeds to ijson, sized so that hostile JSON stays cheap.

Two kinds of input would make ijson's C backend (yajl) slow or huge:

- Deep nesting. ijson names every open container by its path from the root
  (`item.item.item...`), one string per level, so holding N open levels costs memory and
  time in N squared: 30,000 nested brackets take 2 GB. The document being built shows how
  deep the parser is at each chunk boundary (`between_chunks` returns it), and a chunk is
  cut before the opening bracket that could take the parser past `HARD_DEPTH` by the next
  boundary (~40 MB of paths at worst). Deeper than `MAX_DEPTH` at a boundary is refused.
- One long value. yajl re-reads a value split over several chunks from its start each
  time it is given more, so a 200 MB string read in 64 KiB chunks is read 1,600 times over.
  A chunk without an unescaped quote (inside one string, or a run of digits or blanks)
  doubles the next read, which keeps that linear. yajl holds the whole value in memory, so
  a run without a quote longer than `MAX_RUN` is refused, and so is one longer than
  `MAX_DENSE_RUN` that the depth check must cut small (over one opening bracket in 18
  bytes), which would be read over and over again.

Real reports (Trivy, SARIF, ESLint, jscpd) nest fewer than 30 levels and have no value
near 64 MiB, so neither limit changes what they read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from qualitygates.errors import AdapterError

#: Deeper than this at a chunk boundary is refused.
MAX_DEPTH = 512
#: How deep the parser may get between two chunk boundaries.
HARD_DEPTH = 4096
#: The longest run of JSON without an unescaped quote (one value, in practice) accepted.
MAX_RUN = 64 * 1024 * 1024
#: The same, for a run the depth check cuts into pieces shorter than `SMALL_PIECE`.
MAX_DENSE_RUN = 1024 * 1024
SMALL_PIECE = 64 * 1024

_OPENERS = re.compile(rb"[\[{]")
_QUOTE = re.compile(rb'(?<!\\)"')
_NOT_OPENERS = bytes(b for b in range(256) if b not in b"[{")
#: Opening brackets per piece: the parser is at most `MAX_DEPTH` deep when a piece starts.
_BUDGET = HARD_DEPTH - MAX_DEPTH


class ChunkReader:
    """A binary reader for ijson: `head`, then the rest of `stream`, then `tail`.

    `between_chunks` is called before each read but the first (ijson has parsed all it
    was given) and returns how deep the parser is; reads are cut and grown as the module
    docstring says. `tail_read` tells whether a parse error came at `tail` or later.
    """

    def __init__(
        self, head: bytes, stream: IO[bytes], path: Path, what: str, chunk: int, tail: bytes = b""
    ) -> None:
        self._stream, self._tail, self._path, self._what = stream, tail, path, what
        self._chunk = self._size = max(chunk, 1)  # the usual and the next read from `stream`
        self._run = 0  # bytes since the last chunk with an unescaped quote
        self._data, self._ends, self._at = head, _piece_ends(head), 0
        self._started = False
        self.tail_read = False
        #: Returns how many containers the parser has open.
        self.between_chunks: Callable[[], int] | None = None

    def read(self, size: int = -1) -> bytes:
        """The next piece of JSON; `size` is ignored, as pieces are cut and grown here."""
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        depth = self.between_chunks() if self._started and self.between_chunks else 0
        if depth > MAX_DEPTH:
            raise AdapterError(
                f"{self._path} nests JSON deeper than {MAX_DEPTH} levels; no {self._what} "
                "report does, so it is refused (is it the right file?)"
            )
        self._started = True
        if self._at >= len(self._data):
            self._data, self._at = self._next(), 0
            self._ends = _piece_ends(self._data)
            small = len(self._data) < SMALL_PIECE * (len(self._ends) + 1)
            if self._ends and small and self._run > MAX_DENSE_RUN:
                raise self._too_long(MAX_DENSE_RUN, " full of brackets")
        if not self._ends:
            piece = self._data if self._at == 0 else self._data[self._at :]
            self._at = len(self._data)
            return piece
        start, self._at = self._at, self._ends.pop()
        return self._data[start : self._at]

    def _next(self) -> bytes:
        try:
            data = self._stream.read(self._size)
        except (OSError, EOFError) as exc:  # a corrupt gzip stream
            raise ValueError(f"the compressed data is corrupt ({exc})") from exc
        if not data:
            data, self._tail = self._tail, b""
            self.tail_read = self.tail_read or bool(data)
            return data
        quote = _first_quote(data)
        if self._run + (len(data) if quote < 0 else quote) > MAX_RUN:
            raise self._too_long(MAX_RUN)
        if quote < 0:  # still inside one value: read more at once
            self._run += len(data)
            self._size *= 2
        else:
            self._run, self._size = 0, self._chunk
        return data

    def _too_long(self, limit: int, detail: str = "") -> AdapterError:
        return AdapterError(
            f"{self._path} holds a JSON value longer than {limit / 2**20:g} MiB{detail}; no "
            f"{self._what} report does, so it is refused (is it the right file?)"
        )


def _first_quote(data: bytes) -> int:
    """Where the first unescaped quote after the first byte (which the chunk before may
    escape) is, or -1. `\\\\"` counts as escaped: that only makes the next read larger."""
    at = data.find(b'"', 1)  # a quick scan finds the usual case
    if at < 0 or data[at - 1] != 0x5C:
        return at
    if data.count(b'"', at) == data.count(b'\\"', at - 1):
        return -1  # every quote escaped: no need to look for one
    found = _QUOTE.search(data, at)
    return found.start() if found else -1


def _piece_ends(data: bytes) -> list[int]:
    """Where to cut `data` so no piece has more than `_BUDGET` opening brackets, last first."""
    if len(data) <= _BUDGET or len(data.translate(None, _NOT_OPENERS)) <= _BUDGET:
        return []  # the usual case: one piece
    cuts = itertools.islice(_OPENERS.finditer(data), _BUDGET, None, _BUDGET)
    return [match.start() for match in cuts][::-1]
