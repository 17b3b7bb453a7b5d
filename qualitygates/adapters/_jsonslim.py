"""Parse a large JSON report as a stream, keeping only the keys an adapter reads.

Scanner reports (Trivy, SARIF) carry long descriptions, references, code snippets and
secret matches that an adapter never looks at. `load_slim_json` drops every object key
that is not in `keep` while parsing, so memory grows with what is kept (the findings),
not with the file. Without ijson it falls back to the standard library (the file is
then read whole, within `_io.MAX_WHOLE_FILE_BYTES`).

With ijson's C backend, a document that is a JSON object is streamed in 64 KiB chunks:
the C parser builds plain dicts, and after each chunk `_Slimmer` slims every value that
is complete. Only the values still being built (one path from the root down) are ever
whole. This is faster than filtering each key in Python as it arrives (a dict subclass
as ijson's `map_type`): half the time for a SARIF log, the same for a Trivy report,
whose keys are mostly dropped. An array is parsed item by item, each slimmed whole.

Dropped values (secret `Match` and `Code`, tool-specific `offender` properties) never
reach the document: they live only until the end of the chunk they arrive in.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gc
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from qualitygates.adapters._io import decode_text, open_report, read_bytes
from qualitygates.errors import AdapterError

try:  # optional dependency: the C backend makes streaming as fast as json.load
    import ijson  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - exercised only where ijson is absent
    ijson = None

CHUNK_BYTES = 1 << 16


#: Decides whether to keep a key not in `keep`, from the key and its value. A child
#: object or array arrives still empty (ijson attaches it before filling it).
KeepValue = Callable[[str, Any], bool]


#: Called with the document while it is being built (False) and once complete (True).
Visit = Callable[[Any, bool], None]


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
    is called once with the whole (slimmed) document.
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
    with open_report(path) as stream:
        head = stream.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _load_with_stdlib(path, keep, what, keep_value), False  # ijson: UTF-8 only
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        head += stream.read(CHUNK_BYTES)
        first = head.lstrip(b" \t\r\n")[:1]
        reader, slimmer = _Prefixed(head, stream), _Slimmer(keep, keep_value)
        if first == b"{":
            return _stream_object(reader, path, what, slimmer, visit), True
        return _load_other(reader, path, what, slimmer, first == b"["), False


def _stream_object(
    stream: _Prefixed, path: Path, what: str, slimmer: _Slimmer, visit: Visit | None
) -> Any:
    """Parse a JSON object chunk by chunk, slimming what is complete after each chunk."""
    root: dict[str, Any] = {}
    # The builder asks map_type for every object it starts, the root first: handing it
    # `root` lets us see the document while it is being built. The rest are plain dicts,
    # made in C.
    map_type = functools.partial(next, itertools.chain((root,), iter(dict, None)))

    def between_chunks() -> None:
        if visit is not None:
            visit(root, False)
        slimmer.drain(root)

    # ijson's generator runs its whole pipeline in C (its coroutines pass each event
    # through a Python method call, at twice the cost); it reads the next chunk only once
    # the last one is parsed, which is when `between_chunks` looks at the document.
    stream.between_chunks = between_chunks
    items = ijson.items(stream, "", map_type=map_type, buf_size=CHUNK_BYTES, use_float=True)
    with _json_errors(path, what):
        value = next(items, None)
        next(items, None)  # parse to the end so trailing garbage is noticed
        if value is not root:  # pragma: no cover - the stream began with "{"
            raise AdapterError(f"{path} is not valid {what} JSON: expected one object")
        if visit is not None:
            visit(root, True)
        return slimmer.slim(root)


def _load_other(stream: _Prefixed, path: Path, what: str, slimmer: _Slimmer, array: bool) -> Any:
    """An array, slimming each item as it completes; anything else (a scalar, or not JSON)."""
    if array:
        items = ijson.items(stream, "item", buf_size=CHUNK_BYTES, use_float=True)
        with _json_errors(path, what):
            return [slimmer.slim(item) for item in items]
    items = ijson.items(stream, "", use_float=True)
    with _json_errors(path, what):
        value = next(items, _NOTHING)
        if value is _NOTHING:
            raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
        next(items, None)  # parse to the end so trailing garbage is noticed
    return value


_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # parses under way, whether the collector was on before the first


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Switch the cyclic garbage collector off while an adapter parses and reads a report.

    Parsed JSON and findings hold no reference cycles, yet each object allocated counts
    towards the next collection, and every collection of the older generations walks all
    the objects kept so far: with the collector on, 100,000 SARIF results take 1.3 times
    as long to collect. Checks run in threads, so the last one to finish switches it back
    on. `load_slim_json` leaves the choice to the adapter: it pays off when the adapter
    makes many findings.
    """
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


@contextlib.contextmanager
def _json_errors(path: Path, what: str) -> Iterator[None]:
    """Turn ijson's parse errors into one-sentence AdapterErrors."""
    try:
        yield
    except ijson.JSONError as exc:
        if "premature EOF" in str(exc):
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
        return {
            k: v for k, v in pairs if k in keep or (keep_value is not None and keep_value(k, v))
        }

    try:
        return json.loads(text, object_pairs_hook=hook, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        at = f"line {exc.lineno} column {exc.colno}"
        raise AdapterError(f"{path} is not valid {what} JSON: {exc.msg} at {at}{hint}") from exc
    except ValueError as exc:
        raise AdapterError(f"{path} is not valid {what} JSON: {exc}") from exc
    except RecursionError as exc:
        raise AdapterError(f"{path} nests too deeply to be a {what} report; refusing it") from exc


class _Slimmer:
    """Slims a document in place while ijson builds it, and the whole of it at the end.

    The builder attaches every object and array to its parent before filling it, and only
    ever adds to the last one it started: in each container all but the last child are
    complete. `drain` walks that path of last children from the root, slimming the complete
    children once each and remembering how many it has done per container; `slim` finishes
    a complete value, skipping what was done. The result is what filtering each key as
    it arrives would give.
    """

    def __init__(self, keep: frozenset[str], keep_value: KeepValue | None) -> None:
        self._keep = keep
        self._keep_value = keep_value
        self._done: dict[int, tuple[Any, int]] = {}  # id -> (container, children done)

    def drain(self, node: Any) -> None:
        """Slim the complete children of every container still being built."""
        while isinstance(node, (dict, list)) and node:
            done = self._take(node)
            if isinstance(node, dict):
                for key in list(itertools.islice(node, done, len(node) - 1)):
                    self._entry(node, key)
                key = next(reversed(node))
                if not self._wanted(key, node[key]):
                    del node[key]  # the builder goes on filling it, orphaned
                    self._done[id(node)] = (node, len(node))
                    return
            else:
                node[done:-1] = [self.slim(item) for item in node[done:-1]]
                key = -1
            self._done[id(node)] = (node, len(node) - 1)
            node = node[key]

    def slim(self, value: Any) -> Any:
        """`value` (complete) with every object keeping only the wanted keys."""
        if isinstance(value, dict):
            done = self._take(value)
            if done:
                for key in list(itertools.islice(value, done, None)):
                    self._entry(value, key)
                return value
            return self._dict(value)
        if isinstance(value, list):
            done = self._take(value)
            value[done:] = [self.slim(item) for item in value[done:]]
            return value
        return value

    def _dict(self, value: dict[str, Any]) -> dict[str, Any]:
        keep, keep_value, slim = self._keep, self._keep_value, self.slim
        if keep_value is None:
            return {
                key: slim(item) if isinstance(item, (dict, list)) else item
                for key, item in value.items()
                if key in keep
            }
        out = {}
        for key, item in value.items():
            if key in keep:
                out[key] = slim(item) if isinstance(item, (dict, list)) else item
            elif keep_value(key, _empty(item)):
                out[key] = slim(item)
        return out

    def _entry(self, node: dict[str, Any], key: str) -> None:
        item = node[key]
        if self._wanted(key, item):
            node[key] = self.slim(item)
        else:
            del node[key]

    def _wanted(self, key: str, item: Any) -> bool:
        return key in self._keep or (
            self._keep_value is not None and self._keep_value(key, _empty(item))
        )

    def _take(self, node: Any) -> int:
        entry = self._done.pop(id(node), None)
        return 0 if entry is None else entry[1]


def _empty(value: Any) -> Any:
    """What `keep_value` is shown of a value: a container as if not filled yet."""
    if isinstance(value, dict):
        return {}
    return [] if isinstance(value, list) else value


class _Prefixed:
    """A binary reader that returns `head` first, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream
        self._started = False
        #: Called before each read but the first: ijson has parsed all it was given.
        self.between_chunks: Callable[[], None] | None = None

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        if self._started and self.between_chunks is not None:
            self.between_chunks()
        self._started = True
        if self._head:
            head, self._head = self._head, b""
            return head
        try:
            return self._stream.read(size if size > 0 else CHUNK_BYTES)
        except (OSError, EOFError) as exc:  # a corrupt gzip stream
            raise ValueError(f"the compressed data is corrupt ({exc})") from exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


_NOTHING = object()


def slim(value: Any, keep: frozenset[str], keep_value: KeepValue | None = None) -> Any:
    """A complete parsed `value` with every object keeping only the keys `load_slim_json`
    keeps (in place where it can)."""
    return _Slimmer(keep, keep_value).slim(value)
