"""Parse a large JSON report as a stream, keeping only the keys an adapter reads.

Scanner reports (Trivy, SARIF) carry long descriptions, references, code snippets and
secret matches that an adapter never looks at. `load_slim_json` drops every object key
that is not in `keep` while parsing, so memory grows with what is kept (the findings),
not with the file. Without ijson it falls back to the standard library (the file is
then read whole, within `_io.MAX_WHOLE_FILE_BYTES`).

With ijson's C backend, a document that is a JSON object is streamed in 64 KiB chunks:
the C parser builds plain dicts, and after each chunk `Slimmer` slims every value that
is complete. Only the values still being built (one path from the root down) are ever
whole. This is faster than filtering each key in Python as it arrives (a dict subclass
as ijson's `map_type`): half the time for a SARIF log, the same for a Trivy report,
whose keys are mostly dropped. A document that is an array is parsed as the value of an
object around it, the same way. The chunks come from `_chunks.ChunkReader`, which
refuses hostile nesting and long values before ijson would take minutes or gigabytes.

Faster still, `_window.WindowReader` builds the same document with the standard
library's C scanner, a window at a time, calling the same slimming between windows; it
gives up on anything unusual (invalid JSON above all), and ijson then reads the file
from the start. A `visit` that keeps state must then start again: it is only used with
a visitor that has a `restart()` method (a visitor without one gets ijson alone).

Dropped values (secret `Match` and `Code`, tool-specific `offender` properties) never
reach the document: they live only until the end of the chunk they arrive in.

Every path is strict (see `_strict`): the window reader's C scanner refuses a repeated key
as each object closes and keeps its own record of the keys of the objects it takes apart
(the slimmer deletes dropped keys as it goes); ijson's builder keeps the last of two equal
keys without a word, so a document read by ijson is read once more, event by event, for a
repeat; the standard library's path checks each object's pairs.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qualitygates.errors import AdapterError
from qualitygates.readers._chunks import ChunkReader
from qualitygates.readers._slimmer import KeepValue, Slimmer, Visit, slim
from qualitygates.readers._strict import (
    LOCATE_LIMIT,
    REPORT_HINT,
    DuplicateKey,
    refuse_constant,
    repeated_key,
    unique_object,
)
from qualitygates.readers._window import Fallback, WindowReader
from qualitygates.readers.files import decode_text, open_report, read_bytes

try:  # optional dependency: the C backend makes streaming as fast as json.load
    import ijson  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - exercised only where ijson is absent
    ijson = None

__all__ = ["CHUNK_BYTES", "KeepValue", "Visit", "load_slim_json", "slim"]

CHUNK_BYTES = 1 << 16


def load_slim_json(
    path: Path,
    keep: frozenset[str],
    what: str,
    keep_value: KeepValue | None = None,
    visit: Visit | None = None,
) -> Any:
    """Parse `path` (gzip aware) keeping only object keys in `keep`; `what` names the format.

    `keep_value(key, value)` keeps other keys: formats with free-form names (SARIF's
    `partialFingerprints`, `originalUriBaseIds`) need it, since the parser does not tell a
    child which parent it belongs to.

    `visit(document, complete)` lets an adapter boil down the bulk of a report (one record
    per result) as it streams: it is called after each chunk with the document being built,
    in which all but the last item of every array and all but the last key of every object
    are complete, and once with the whole document. It may replace complete values with
    objects other than dicts and lists, which are kept as they are; without streaming, it
    is called once with the whole (slimmed) document. Give it a `restart()` method that
    forgets what it saw: then the faster window reader is tried first, and `restart()` is
    called if the file must be read again with ijson.
    """
    doc, visited = _load(path, keep, what, keep_value, visit)
    if visit is not None and not visited:
        visit(doc, True)
    return doc


def _load(
    path: Path, keep: frozenset[str], what: str, keep_value: KeepValue | None, visit: Visit | None
) -> tuple[Any, bool]:
    """The slimmed document, and whether `visit` has seen it."""
    if ijson is None:
        return _load_with_stdlib(path, keep, what, keep_value), False
    # The window reader reads an object faster; what it cannot, ijson reads from the start.
    restart = getattr(visit, "restart", None) if visit is not None else (lambda: None)
    for fast in (True, False) if restart is not None else (False,):
        with open_report(path) as stream:
            head = stream.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return _load_with_stdlib(path, keep, what, keep_value), False  # UTF-8 only
            if head.startswith(codecs.BOM_UTF8):
                head = head[len(codecs.BOM_UTF8) :]
            head += stream.read(CHUNK_BYTES)
            first = head.lstrip(b" \t\r\n")[:1]
            slimmer = Slimmer(keep, keep_value)
            if first in (b"{", b"[") and fast:
                try:
                    window = WindowReader(head, stream, CHUNK_BYTES)
                    if first == b"[":
                        return _stream_object(window, path, what, slimmer, None, True), False
                    return _stream_object(window, path, what, slimmer, visit), True
                except Fallback:
                    restart()  # type: ignore[misc]
                    continue
            if first == b"{":
                reader = ChunkReader(head, stream, path, what, CHUNK_BYTES)
                return _stream_object(reader, path, what, slimmer, visit), True
            if first == b"[":  # the value of {"": ...}, so that it streams the same way
                reader = ChunkReader(_WRAP + head, stream, path, what, CHUNK_BYTES, tail=b"}")
                return _stream_object(reader, path, what, slimmer, None, wrapped=True), False
            reader = ChunkReader(head, stream, path, what, CHUNK_BYTES)
            return _load_scalar(reader, path, what), False
    raise AssertionError("unreachable")  # pragma: no cover


def _stream_object(
    reader: ChunkReader | WindowReader,
    path: Path,
    what: str,
    slimmer: Slimmer,
    visit: Visit | None,
    wrapped: bool = False,
) -> Any:
    """Parse a JSON object chunk by chunk, slimming what is complete after each chunk;
    `wrapped`: the object is `{"": document}`, and the document is returned."""
    root: dict[str, Any] = {}

    def between_chunks() -> int:
        if visit is not None:
            visit(root, False)
        if wrapped and root:
            return 1 + slimmer.drain(root[""])
        return slimmer.drain(root)

    reader.between_chunks = between_chunks
    with _json_errors(path, what, reader):
        if isinstance(reader, WindowReader) and wrapped:
            reader.read_array(root)
        elif isinstance(reader, WindowReader):
            reader.read_object(root)
        else:
            _parse_object(reader, root, path, what)
            _refuse_repeated_keys(path, what)
        if visit is not None:
            visit(root, True)
        return slimmer.slim(root[""] if wrapped else root)  # recursive: RecursionError


def _parse_object(reader: ChunkReader, root: dict[str, Any], path: Path, what: str) -> None:
    """Have ijson build the object `reader` holds into `root`."""
    # The builder asks map_type for every object it starts, the root first: handing it
    # `root` lets us see the document while it is being built. The rest are plain dicts,
    # made in C. ijson's generator runs its whole pipeline in C (its coroutines pass each
    # event through a Python method call, at twice the cost); it reads the next chunk only
    # once the last one is parsed, which is when `between_chunks` looks at the document.
    map_type = functools.partial(next, itertools.chain((root,), iter(dict, None)))
    items = ijson.items(reader, "", map_type=map_type, buf_size=CHUNK_BYTES, use_float=True)
    value = next(items, None)
    next(items, None)  # parse to the end so trailing garbage is noticed
    if value is not root:  # pragma: no cover - the stream began with "{"
        raise AdapterError(f"{path} is not valid {what} JSON: expected one object")


def _refuse_repeated_keys(path: Path, what: str) -> None:
    """Raise DuplicateKey if an object of the document repeats a key.

    ijson's builder keeps the last of two equal keys, as `json` does, and tells nobody. The
    documents read this way are those the window reader gave up on (rare, and already
    parsed once within the limits), so they are read again, event by event.
    """
    with open_report(path) as stream:
        reader = ChunkReader(b"", stream, path, what, CHUNK_BYTES)
        keys: list[set[str] | None] = []
        for event, value in ijson.basic_parse(reader, buf_size=CHUNK_BYTES, use_float=True):
            if event == "map_key":
                known = keys[-1]
                if value in known:  # type: ignore[operator]
                    raise DuplicateKey(value)
                known.add(value)  # type: ignore[union-attr]
            elif event == "start_map":
                keys.append(set())
            elif event == "start_array":
                keys.append(None)
            elif event in ("end_map", "end_array"):
                keys.pop()


def _load_scalar(reader: ChunkReader, path: Path, what: str) -> Any:
    """A document that is neither an object nor an array (a scalar, or not JSON)."""
    items = ijson.items(reader, "", use_float=True)
    with _json_errors(path, what, reader):
        value = next(items, _NOTHING)
        if value is _NOTHING:
            raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
        next(items, None)  # parse to the end so trailing garbage is noticed
    return value


@contextlib.contextmanager
def _json_errors(path: Path, what: str, reader: ChunkReader | WindowReader) -> Iterator[None]:
    """Turn ijson's parse errors into one-sentence AdapterErrors."""
    try:
        yield
    except DuplicateKey as exc:
        raise duplicate_error(path, what, exc) from None
    except ijson.JSONError as exc:
        # An error at the "}" closing a wrapped array: the array did not end.
        ends_early = reader.tail_read and "trailing garbage" not in str(exc)
        if ends_early or "premature EOF" in str(exc):
            raise AdapterError(
                f"{path} is not valid {what} JSON: it ends early (truncated)"
            ) from exc
        raise AdapterError(f"{path} is not valid {what} JSON: {_first_line(exc)}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise AdapterError(f"{path} is not valid {what} JSON: {_first_line(exc)}") from exc
    except RecursionError as exc:  # slimming a kept value recurses into it
        raise AdapterError(f"{path} nests too deeply to be a {what} report; refusing it") from exc


def _load_with_stdlib(
    path: Path, keep: frozenset[str], what: str, keep_value: KeepValue | None
) -> Any:
    text = decode_text(read_bytes(path), path)
    if not text.strip():
        raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        unique_object(pairs)
        return {
            k: v for k, v in pairs if k in keep or (keep_value is not None and keep_value(k, v))
        }

    try:
        return json.loads(text, object_pairs_hook=hook, parse_constant=refuse_constant)
    except DuplicateKey as exc:
        raise duplicate_error(path, what, exc, text) from None
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        at = f"line {exc.lineno} column {exc.colno}"
        raise AdapterError(f"{path} is not valid {what} JSON: {exc.msg} at {at}{hint}") from exc
    except ValueError as exc:
        raise AdapterError(f"{path} is not valid {what} JSON: {exc}") from exc
    except RecursionError as exc:
        raise AdapterError(f"{path} nests too deeply to be a {what} report; refusing it") from exc


def duplicate_error(
    path: Path, what: str, exc: DuplicateKey, text: str | None = None
) -> AdapterError:
    """The error for a report that repeats a key, with the line of the first repeat (read
    again from the file when not given, within `LOCATE_LIMIT`)."""
    if text is None:
        try:
            small = path.stat().st_size <= LOCATE_LIMIT
            text = decode_text(read_bytes(path), path) if small else None
        except (OSError, AdapterError):
            text = None
    return AdapterError(repeated_key(str(path), what, text, exc.key) + REPORT_HINT)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_NOTHING = object()
_WRAP = b'{"":'
