"""A safe, streaming XML reader for reports that come from pull requests.

Built on expat directly (the fastest parser in the standard library) and hardened the way
defusedxml hardens it: any entity declaration is refused, external entities and DTDs are
never fetched, so billion-laughs, quadratic blow-up and XXE all fail at once. A plain
DOCTYPE line, such as the one every JaCoCo report carries, is accepted.

Events are yielded as `(event, tag, payload)`: `("start", tag, attributes)` and
`("end", tag, text)`, where `text` is collected only for the tags the caller asks for
(matched by local name, so `j:failure` is `failure`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from xml.parsers import expat

from qualitygates.adapters._io import open_report
from qualitygates.errors import AdapterError

CHUNK_BYTES = 1 << 20
#: Text kept per element (failure messages, system-out); the rest is cut.
MAX_TEXT_CHARS = 64 * 1024

XmlEvent = tuple[str, str, "dict[str, str] | str"]


class _Refused(Exception):
    pass


class _Collector:
    """Receives expat callbacks and buffers them as events for one chunk."""

    def __init__(self, text_tags: frozenset[str]) -> None:
        self.events: list[XmlEvent] = []
        self.text_tags = text_tags
        self.text_stack: list[list[str] | None] = []
        self.text_size = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.events.append(("start", tag, attrs))
        self.text_stack.append([] if local_name(tag) in self.text_tags else None)
        self.text_size = 0

    def end(self, tag: str) -> None:
        parts = self.text_stack.pop()
        self.events.append(("end", tag, "".join(parts) if parts else ""))

    def chars(self, data: str) -> None:
        parts = self.text_stack[-1] if self.text_stack else None
        if parts is not None and self.text_size < MAX_TEXT_CHARS:
            parts.append(data[: MAX_TEXT_CHARS - self.text_size])
            self.text_size += len(data)


def _refuse_entity(*_args: object) -> None:
    raise _Refused("the file declares XML entities, which reports never need; refusing it")


def _refuse_external(*_args: object) -> int:
    raise _Refused("the file refers to an external entity or DTD; refusing it")


def _refuse_skipped(name: str, _is_parameter_entity: bool) -> None:
    # With an external DTD (never read) expat skips undefined entities in text silently.
    raise _Refused(f"the file uses the entity &{name}; from a DTD that is never read; refusing it")


def hardened_parser(*, ordered: bool = False) -> expat.XMLParserType:
    """An expat parser with every protection set; the caller sets its element handlers.

    `ordered` gives attributes as a flat `[name, value, ...]` list instead of a dict, which
    is cheaper to build for reports of millions of elements. Drive it with `parse_with`.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 65536
    parser.ordered_attributes = ordered
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.SkippedEntityHandler = _refuse_skipped
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _make_parser(collector: _Collector) -> expat.XMLParserType:
    parser = hardened_parser()
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.chars
    return parser


def iter_xml(path: Path, text_tags: frozenset[str] = frozenset()) -> Iterator[XmlEvent]:
    """Yield the start and end events of an XML report, reading it in 1 MiB chunks."""
    collector = _Collector(text_tags)
    parser = _make_parser(collector)
    saw_root = False
    with open_report(path) as stream:
        while True:
            chunk = read_chunk(stream, path)
            feed(parser, chunk, not chunk, path)
            if collector.events:
                saw_root = True
                yield from collector.events
                collector.events.clear()
            if not chunk:
                break
    if not saw_root:
        raise AdapterError(f"{path} holds no XML element")


def read_chunk(stream: object, path: Path, size: int = CHUNK_BYTES) -> bytes:
    try:
        return stream.read(size)  # type: ignore[attr-defined, no-any-return]
    except (OSError, EOFError) as exc:
        raise AdapterError(f"{path} cannot be read: {exc}") from exc


def feed(parser: expat.XMLParserType, chunk: bytes, final: bool, path: Path) -> None:
    try:
        parser.Parse(chunk, final)
    except _Refused as exc:
        raise AdapterError(f"{path}: {exc}") from None
    except LookupError as exc:  # expat asks Python's codecs for an unknown `encoding=`
        raise AdapterError(f"{path} is not well-formed XML: {exc}") from None
    except expat.ExpatError as exc:
        code = expat.ErrorString(exc.code) if exc.code else str(exc)
        hint = " (the file looks truncated)" if final and "no element found" in code else ""
        if final and code in {"unclosed token", "no element found"}:
            hint = " (the file looks truncated)"
        raise AdapterError(
            f"{path} is not well-formed XML: {code} at line {exc.lineno}, column {exc.offset}{hint}"
        ) from None


#: `start(tag, attrs)`: attrs a dict, or a flat `[name, value, ...]` list with `ordered`.
StartHandler = Callable[[str, "dict[str, str]"], None] | Callable[[str, "list[str]"], None]
EndHandler = Callable[[str], None]


class BadReport(Exception):
    """Raised by a `parse_xml` handler for content it cannot read; becomes an AdapterError."""


def parse_xml(
    path: Path, start: StartHandler, end: EndHandler | None = None, *, ordered: bool = False
) -> None:
    """Stream `path` through the same hardened parser, calling `start(tag, attrs)`/`end(tag)`.

    Faster than `iter_xml` for reports of millions of elements (a monorepo's Cobertura):
    no event tuples, no text. A handler raises `BadReport` for content it cannot read.
    With `ordered`, `attrs` is a flat `[name, value, ...]` list (see `hardened_parser`).
    """
    parser = hardened_parser(ordered=ordered)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parse_with(path, parser)


def parse_with(path: Path, parser: expat.XMLParserType) -> None:
    """Stream `path` through a parser from `hardened_parser`, whose handlers are set.

    The handlers may swap themselves (a CharacterDataHandler only inside the elements whose
    text is wanted) and raise `BadReport` for content they cannot read.
    """
    with open_report(path) as stream:
        while True:
            chunk = read_chunk(stream, path)
            try:
                feed(parser, chunk, not chunk, path)
            except BadReport as exc:
                raise bad_report(path, parser, exc) from None
            if not chunk:
                return


def bad_report(path: Path, parser: expat.XMLParserType, exc: BadReport) -> AdapterError:
    """A handler's complaint as the error of the file, at the line expat had reached."""
    return AdapterError(f"{path}:{parser.CurrentLineNumber}: {exc}")


class _Enough(Exception):
    pass


#: `first_tags` reads this much at a time: the root and its first child come early.
_HEAD_CHUNK = 16 * 1024


def first_tags(path: Path, count: int = 2) -> list[str]:
    """The first `count` element names of an XML file (fewer if it has fewer).

    Stops reading once it has them, so sniffing a large report's format costs little.
    """
    tags: list[str] = []

    def start(tag: str, _attrs: object) -> None:
        tags.append(tag)
        if len(tags) == count:
            raise _Enough

    parser = hardened_parser(ordered=True)
    parser.StartElementHandler = start
    with open_report(path) as stream:
        while True:
            chunk = read_chunk(stream, path, _HEAD_CHUNK)
            try:
                feed(parser, chunk, not chunk, path)
            except _Enough:
                return tags
            if not chunk:
                break
    if not tags:
        raise AdapterError(f"{path} holds no XML element")
    return tags


def local_name(tag: str) -> str:
    """A tag without its namespace prefix (`ns:testcase` -> `testcase`)."""
    return tag.rsplit(":", 1)[-1]
