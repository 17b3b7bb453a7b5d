"""A faster reader for `_slim`: the standard library's C scanner on a window of text.

ijson reports every JSON token to its builder and names each with its path from the root;
`json`'s C scanner builds a whole value at once, in a third less time. So an object
document is read here a window at a time (`CHUNK_BYTES` of decoded text at least): each
value that fits in the window is scanned whole, and only one that does not (the arrays of a
large report, the objects holding them) is taken apart here, key by key or item by item,
attached to its parent before it is filled as ijson's builder does. Between windows
`between_chunks` is called, as `_slim` calls it between ijson's chunks, so the
document is slimmed and visited the same way.

This reader only speeds up what ijson reads the same: anything else raises `Fallback`,
and `_slim` reads the file again with ijson, which then gives its usual answer or
error. That is: text that is not valid JSON or UTF-8 (truncated, say), `\\uD800` to
`\\uDFFF` escapes (a lone surrogate reads differently), values nested too deeply for the
scanner or taken apart more than `MAX_DESCENT` levels down, and a single value longer than
`MAX_VALUE` (ijson's reader refuses those). One difference is left, on purpose: yajl
refuses integers beyond 64 bits and floats beyond 1.8e308 (valid JSON, which no report
tool writes), which are read here as Python reads them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C function
from typing import IO, Any

from qualitygates.readers._bulk import items_before_last, separator
from qualitygates.readers._strict import DuplicateKey, scan_strict

#: How many containers too large for a window may be nested (real reports: 3 or 4).
MAX_DESCENT = 32
#: The longest value scanned whole; longer ones go to ijson (whose reader refuses them).
MAX_VALUE = 16 * 1024 * 1024

_BLANKS = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # `\\\\uD800` too: then ijson reads it
_FAILED = object()


class Fallback(Exception):
    """The document must be read with ijson."""


#: The strict C scanner: (text, position) -> (value, end); StopIteration where no value starts.
_scan: Callable[[str, int], tuple[Any, int]] = scan_strict


class WindowReader:
    """Fills `root` with the JSON object `head` + `stream` holds, a window at a time."""

    def __init__(self, head: bytes, stream: IO[bytes], chunk: int) -> None:
        self._stream, self._chunk = stream, max(chunk, 1)
        #: Called before each read but the first, with the document as ijson would have it.
        self.between_chunks: Callable[[], Any] = lambda: None
        self.tail_read = False  # as `ChunkReader`'s: this reader adds no tail
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text, self._pos, self._eof = "", 0, False
        self._tail_bytes = b""
        #: Per array being read (by id): how its items are separated, None if unknown.
        self._between: dict[int, str | None] = {}
        self._add(head)

    def read_object(self, root: dict[str, Any]) -> None:
        """Parse the document, which starts with "{", into `root`."""
        self._pos = self._skip()
        if self._text[self._pos : self._pos + 1] != "{":
            raise Fallback
        self._pos += 1
        self._members(root, 1)
        if self._skip() < len(self._text):
            raise Fallback  # trailing garbage

    def read_array(self, root: dict[str, Any]) -> None:
        """Parse the document, which starts with "[", into `root[""]`."""
        self._pos = self._skip()
        if self._text[self._pos : self._pos + 1] != "[":
            raise Fallback
        self._descend(root, "", 1, is_object=False)
        if self._skip() < len(self._text):
            raise Fallback  # trailing garbage

    def _members(self, obj: dict[str, Any], depth: int) -> None:
        pos = self._skip()
        if self._text[pos : pos + 1] == "}":
            self._pos = pos + 1
            return
        # Its own record of the keys: the slimmer deletes the dropped ones as it goes.
        seen: set[str] = set()
        while True:
            self._fill(self._chunk)
            pos = self._skip()
            text = self._text
            if text[pos : pos + 1] != '"':
                raise Fallback
            try:
                key, pos = scanstring(text, pos + 1, True)
            except ValueError as exc:
                raise Fallback from exc
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
            self._pos = pos
            pos = self._skip()
            if self._text[pos : pos + 1] != ":":
                raise Fallback
            self._pos = pos + 1
            self._value(obj, key, depth)
            if self._close("}"):
                return

    def _items(self, items: list[Any], depth: int) -> None:
        pos = self._skip()
        if self._text[pos : pos + 1] == "]":
            self._pos = pos + 1
            return
        while True:
            if self._whole_items(items):
                return
            self._value(items, None, depth)
            if self._close("]"):
                return

    def _whole_items(self, items: list[Any]) -> bool:
        """Append the items the window holds whole, each followed by `,` or `]` in it (most
        of a large report's items); True if the array ended. At the first item it cannot
        take so (one cut by the window's end, anything unusual) it stops before that item,
        and the careful path reads on from there."""
        text, end_of_text, blanks, append = self._text, len(self._text), _BLANKS.match, items.append
        pos, longest = self._bulk(items, self._pos)
        # An item that starts closer to the window's end than twice the longest so far is
        # probably cut short: the careful path reads on first (a scanner failing instead
        # costs a `JSONDecodeError`, which counts the lines of the whole window).
        most = self._chunk // 2
        margin, previous_end = min(2 * longest, most), -1
        while True:
            start = blanks(text, pos).end()  # type: ignore[union-attr]
            scanned = _scan_whole(text, start) if end_of_text - start > margin else None
            if scanned is None:
                break
            value, end = scanned
            if end - start > longest:
                longest, margin = end - start, min(2 * (end - start), most)
            after = blanks(text, end).end()  # type: ignore[union-attr]
            # At the window's end a number may go on: the careful path reads on.
            separator = text[after] if after < end_of_text else ""
            if separator not in (",", "]"):
                break
            append(value)
            if separator == "]":
                self._pos = after + 1
                return True
            if previous_end >= 0 and id(items) not in self._between:
                self._learn(items, previous_end, start)
            previous_end, pos = end, after + 1
        self._pos = pos
        return False

    def _bulk(self, items: list[Any], pos: int) -> tuple[int, int]:
        """Take the window's items up to the last known separator with jiter (`_bulk`), and
        return where the rest starts and the items' mean length (0 when none were taken)."""
        between = self._between.get(id(items))
        if not between:
            return pos, 0
        start = _BLANKS.match(self._text, pos).end()  # type: ignore[union-attr]
        taken = items_before_last(self._text, start, between)
        if taken is None:  # refused once: the careful path reads the rest of this array
            self._between[id(items)] = None
            return pos, 0
        items.extend(taken[0])
        return taken[1], (taken[1] - start) // max(1, len(taken[0]))

    def _learn(self, items: list[Any], previous_end: int, start: int) -> None:
        """Remember how two object items of this array are separated (or that they are not
        objects, with None)."""
        self._between[id(items)] = separator(self._text, previous_end, start)

    def _close(self, end: str) -> bool:
        """After a member: True at `end`, False at a comma."""
        pos = self._skip()
        found = self._text[pos : pos + 1]
        self._pos = pos + 1
        if found == ",":
            return False
        if found != end:
            raise Fallback
        return True

    def _value(self, parent: Any, key: str | None, depth: int) -> None:
        """Parse the value at the position into `parent[key]`, or append it to `parent`."""
        self._fill(self._chunk)
        while True:
            pos = self._skip()
            text = self._text
            value, end = _scan_at(text, pos)
            if value is not _FAILED and (end < len(text) or self._eof):
                self._pos = end  # whole, and not a number the window cut short
                _store(parent, key, value)
                return
            if self._eof or (value is _FAILED and end < len(text) - 6):
                raise Fallback  # not valid JSON (`end` is where the scanner stopped)
            if value is _FAILED and text[pos] in "{[":
                return self._descend(parent, key, depth, text[pos] == "{")
            if len(text) - pos > MAX_VALUE:
                raise Fallback
            self._fill(2 * (len(text) - pos))  # a long string or number: a larger window

    def _descend(self, parent: Any, key: str | None, depth: int, is_object: bool) -> None:
        """Take apart a container too large for the window (or with an error in it)."""
        if depth >= MAX_DESCENT:
            raise Fallback
        container: Any = {} if is_object else []
        _store(parent, key, container)  # attached before it is filled, as by ijson
        self._pos = self._skip() + 1
        if is_object:
            self._members(container, depth + 1)
        else:
            self._items(container, depth + 1)

    def _skip(self) -> int:
        """The position of the next non-blank character, reading on if need be."""
        while True:
            pos = _BLANKS.match(self._text, self._pos).end()  # type: ignore[union-attr]
            self._pos = pos
            if pos < len(self._text) or self._eof:
                return pos
            self._fill(self._chunk)

    def _fill(self, wanted: int) -> None:
        """Have at least `wanted` characters after the position, or all that is left."""
        while len(self._text) - self._pos < wanted and not self._eof:
            self.between_chunks()
            data = self._stream.read(max(self._chunk, wanted))
            self._add(data)

    def _add(self, data: bytes) -> None:
        seam = self._tail_bytes + data[:4]  # an escape may straddle two reads
        if _SURROGATE.search(data) or _SURROGATE.search(seam):
            raise Fallback
        self._tail_bytes = data[-4:]
        try:
            new = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise Fallback from exc
        self._text, self._pos, self._eof = self._text[self._pos :] + new, 0, not data


def _scan_whole(text: str, start: int) -> tuple[Any, int] | None:
    """The value at `start` and where it ends, or None where the scanner cannot take it
    (cut by the window's end, invalid: the careful path then says what is wrong)."""
    try:
        return _scan(text, start)
    except DuplicateKey:
        raise
    except (StopIteration, ValueError, RecursionError):
        return None


def _scan_at(text: str, pos: int) -> tuple[Any, int]:
    """The value at `pos` and where it ends; or _FAILED and where the scanner gave up
    (the end of `text` when the value may go on beyond it)."""
    try:
        return _scan(text, pos)
    except StopIteration:  # no value starts here, or a literal is cut short
        return _FAILED, pos
    except json.JSONDecodeError as exc:
        unterminated = exc.msg.startswith("Unterminated")  # reported where it starts
        return _FAILED, len(text) if unterminated else exc.pos
    except DuplicateKey:
        raise
    except (ValueError, RecursionError) as exc:  # NaN, huge integers; deep nesting
        raise Fallback from exc


def _store(parent: Any, key: str | None, value: Any) -> None:
    if key is None:
        parent.append(value)
    else:
        parent[key] = value
