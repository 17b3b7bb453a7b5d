"""Reads a report's most common, simplest elements in bulk, before expat parses the rest.

A monorepo's Cobertura report is millions of `<line number=".." hits=".."/>`; a JUnit report
hundreds of thousands of passing `<testcase .../>`. A Python callback per element costs more
than expat's whole parse, so the elements that match a strict pattern (one self-closing
element, attributes in a fixed shape, plain values without entity references) are read with
one regular-expression pass over each block of text and replaced by `<![CDATA[.]]>` (or by
`.` where that is as safe, see `_replaced`) before expat parses that block. Nothing else
changes:

- expat still checks the whole document. The replacement is character data, legal only inside
  the root element, so a skimmed element before or after the root is still an error; it holds
  a `<`, so one inside an attribute value is still an error too; the first element of the
  document (the root) is never skimmed.
- Elements the pattern does not match exactly (another attribute order, an entity reference,
  single quotes) are left in the text for expat and the caller's handlers, which read them the
  slow way: the result is the same either way. A pattern must not match what a handler would
  reject.
- Comments, CDATA sections and processing instructions are passed over untouched, so an element
  written inside one is never counted; anything unexpected after `<!` (an internal DTD subset)
  stops skimming for the rest of the file. Only files in an ASCII-compatible encoding are
  skimmed (the pattern is ASCII): UTF-16 goes the slow way.

Patterns take values of printable ASCII only, so a control character or a byte that is not
UTF-8 goes the slow way and fails there. A repeated attribute name (which expat refuses) is
ruled out by the pattern itself: `distinct_attributes` takes a few attributes, each name
checked against the names before it, and an element with more goes the slow way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from xml.parsers import expat

from qualitygates.adapters._io import open_report
from qualitygates.adapters._xml import CHUNK_BYTES, BadReport, bad_report, feed, read_chunk

#: One list per group of the pattern, each with the group's value for every match, in order.
Columns = list[list[bytes | None]]

#: A tag longer than this (a hostile multi-megabyte attribute) ends skimming for the file.
MAX_TAG_BYTES = 4 * CHUNK_BYTES

_SPANS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))
_OPENINGS = tuple(opening for opening, _ in _SPANS)
_FIRST_TAG = re.compile(rb"<[^!?]")
_MARKUP = re.compile(rb"<[!?]")
#: Character data holding a `<`: legal only where a skimmed element was (see the docstring).
_REPLACEMENT = b"<![CDATA[.]]>"
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_ASCII_COMPATIBLE = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1"})


@dataclass(frozen=True)
class Skim:
    """What to read in bulk: a pattern for one self-closing element, and what to do with it.

    `take(columns)` gets the groups of a block's matches after expat has parsed the text
    before them: the groups before the first named one (`distinct_attributes` names its
    groups only to compare them, and they are not handed on). With `cuts` (such as
    `b"<class"`, or `b"</sourcefile"`), blocks also end before every such tag, so that
    `take` runs after the handler has seen the enclosing element's start, and before it
    sees its end.
    """

    pattern: re.Pattern[bytes]
    take: Callable[[Columns], None]
    cuts: tuple[bytes, ...] = ()


@dataclass
class _Scanner:
    """Splits text into pieces to skim and pieces to pass through, across chunk boundaries."""

    skim: Skim
    max_tag: int  # bytes
    closing: bytes | None = None  # the end of the comment/CDATA/PI being passed over
    started: bool = False  # the root element's start tag has been passed
    off: bool = False  # skimming has stopped for the rest of the file
    pieces: list[tuple[bytes, Columns | None]] = field(default_factory=list)

    def scan(self, text: bytes) -> list[tuple[bytes, Columns | None]]:
        """Cut `text` (which ends just before a `<`, or at the file's end) into pieces."""
        self.pieces = []
        position = 0
        while position < len(text):
            if self.off:
                self._plain(text[position:])
                break
            scan = self._free if self.closing is None else self._pass_span
            position = scan(text, position)
        return self.pieces

    def split_off_tag(self, buffer: bytes, final: bool) -> tuple[bytes, bytes]:
        """(text to scan now, text to keep): no tag is split between two scans.

        The kept text starts at the last `<`. Inside a comment, CDATA section or PI (or at
        the start of one) the text may end anywhere but inside its closing, so a long one
        never piles up; a tag longer than `max_tag` stops skimming.
        """
        if final:
            return buffer, b""
        last = buffer.rfind(b"<")
        if last > 0:
            return buffer[:last], buffer[last:]
        opening = next((o for o in _OPENINGS if buffer.startswith(o)), b"") if last == 0 else b""
        if self.closing is not None or opening:
            end = len(buffer)
            while end > len(opening) and buffer[end - 1 : end] in (b"-", b"]", b"?"):
                end -= 1
            return buffer[:end], buffer[end:]
        if last < 0:
            return buffer, b""
        if len(buffer) > self.max_tag:
            self.off = True
            return buffer, b""
        return b"", buffer

    def _pass_span(self, text: bytes, position: int) -> int:
        assert self.closing is not None
        end = text.find(self.closing, position)
        if end < 0:
            self._plain(text[position:])
            return len(text)
        end += len(self.closing)
        self._plain(text[position:end])
        self.closing = None
        return end

    def _free(self, text: bytes, position: int) -> int:
        markup = _next_markup(text, position)
        end = len(text) if markup < 0 else markup
        if not self.started:
            stop = self._pass_root(text, position, end)
            if stop < end:
                return stop
        else:
            self._skim(text[position:end])
        return end if markup < 0 else self._open_span(text, markup)

    def _pass_root(self, text: bytes, position: int, end: int) -> int:
        """Pass the text up to the end of the root's start tag, which is never skimmed."""
        first = _FIRST_TAG.search(text, position, end)
        close = -1 if first is None else text.find(b">", first.start(), end)
        stop = end if close < 0 else close + 1
        self._plain(text[position:stop])
        self.started = close >= 0
        return stop

    def _open_span(self, text: bytes, markup: int) -> int:
        for opening, closing in _SPANS:
            if text.startswith(opening, markup):
                self._plain(opening)
                self.closing = closing
                return markup + len(opening)
        end = text.find(b">", markup)
        declaration = text[markup : end + 1]
        # A DOCTYPE without an internal subset, such as Cobertura's and JaCoCo's, is passed
        # over; with quotes that might hide a `>`, or a subset, skimming stops.
        if (
            text.startswith(b"<!DOCTYPE", markup)
            and end > 0
            and b"[" not in declaration
            and b"'" not in declaration
            and declaration.count(b'"') % 2 == 0
        ):
            self._plain(declaration)
            return end + 1
        self.off = True
        return markup

    def _skim(self, text: bytes) -> None:
        if not text:
            return
        starts = _cut_points(text, self.skim.cuts) if self.skim.cuts else []
        bounds = [0, *starts, len(text)]
        for begin, end in pairwise(bounds):
            if end > begin:
                self._split(text[begin:end])

    def _split(self, text: bytes) -> None:
        parts = self.skim.pattern.split(text)
        if len(parts) == 1:
            self._plain(text)
            return
        pattern = self.skim.pattern
        stride = pattern.groups + 1
        wanted = min(pattern.groupindex.values(), default=stride)
        columns: Columns = [parts[group::stride] for group in range(1, wanted)]
        self.pieces.append((_replaced(parts[::stride]), columns))

    def _plain(self, text: bytes) -> None:
        if self.pieces and self.pieces[-1][1] is None:
            self.pieces[-1] = (self.pieces[-1][0] + text, None)
        else:
            self.pieces.append((text, None))


def _replaced(texts: list[bytes]) -> bytes:
    """The text around the skimmed elements, each replaced (see the module docstring).

    When only blanks lie between them, as between most lines of a report, only the first
    needs the `<`: the others are inside an attribute value only if the first one is.
    """
    if b"".join(texts[1:-1]).strip():
        return _REPLACEMENT.join(texts)
    return texts[0] + _REPLACEMENT + b".".join(texts[1:])


def _next_markup(text: bytes, position: int) -> int:
    """Where the next `<!` or `<?` starts, or -1."""
    found = _MARKUP.search(text, position)
    return -1 if found is None else found.start()


def _cut_points(text: bytes, cuts: tuple[bytes, ...]) -> list[int]:
    """Where a tag of `cuts` starts (`<class ` or `<class>`, not `<classes>`), in order."""
    points = []
    for cut in cuts:
        position = text.find(cut)
        while position >= 0:
            after = text[position + len(cut) : position + len(cut) + 1]
            if after in (b" ", b"\t", b"\n", b"\r", b">", b"/") and position > 0:
                points.append(position)
            position = text.find(cut, position + 1)
    return sorted(points) if len(cuts) > 1 else points


def skim_parse(
    path: Path,
    parser: expat.XMLParserType,
    skim: Skim,
    chunk_bytes: int = CHUNK_BYTES,
    max_tag_bytes: int = MAX_TAG_BYTES,
) -> None:
    """`_xml.parse_with`, with the elements `skim` matches read in bulk (module docstring)."""
    scanner = _Scanner(skim, max_tag=max_tag_bytes)
    carry = b""
    first = True
    with open_report(path) as stream:
        while True:
            chunk = read_chunk(stream, path, chunk_bytes)
            if first:
                scanner.off = not _ascii_compatible(chunk)
                first = False
            text, carry = scanner.split_off_tag(carry + chunk if carry else chunk, not chunk)
            for piece, columns in scanner.scan(text):
                _feed_piece(parser, path, piece, columns, skim)
            if not chunk:
                _feed_piece(parser, path, b"", None, skim, final=True)
                return


def _feed_piece(
    parser: expat.XMLParserType,
    path: Path,
    piece: bytes,
    columns: Columns | None,
    skim: Skim,
    *,
    final: bool = False,
) -> None:
    try:
        feed(parser, piece, final, path)
        if columns is not None:
            skim.take(columns)
    except BadReport as exc:
        raise bad_report(path, parser, exc) from None


def _ascii_compatible(head: bytes) -> bool:
    """Whether the file's bytes spell ASCII as ASCII (UTF-8 or a declared 8-bit encoding)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return False
    declared = _ENCODING.match(head)
    return declared is None or declared.group(1).decode().lower() in _ASCII_COMPATIBLE
