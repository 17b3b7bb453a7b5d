"""Parse a large JSON report as a stream, keeping only the keys an adapter reads.

Scanner reports (Trivy, SARIF) carry long descriptions, references, code snippets and
secret matches that an adapter never looks at. `load_slim_json` drops every object key
that is not in `keep` while parsing, so memory grows with what is kept (the findings),
not with the file. With ijson's C backend it streams the file in chunks and runs close to
`json.load`'s speed; without ijson it falls back to the standard library (the file is
then read whole, within `_io.MAX_WHOLE_FILE_BYTES`).

Dropping keys during the parse also keeps secret values (`Match`, `Code`, tool-specific
`offender` properties) out of memory altogether.
"""

from __future__ import annotations

import codecs
import functools
import json
from collections.abc import Callable
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


def load_slim_json(
    path: Path, keep: frozenset[str], what: str, keep_value: KeepValue | None = None
) -> Any:
    """Parse `path` (gzip aware) keeping only object keys in `keep`; `what` names the format.

    `keep_value(key, value)` keeps other keys: formats with free-form names (SARIF's
    `partialFingerprints`, `originalUriBaseIds`) need it, since the parser does not tell a
    child which parent it belongs to.
    """
    if ijson is None:
        return _load_with_stdlib(path, keep, what, keep_value)
    with open_report(path) as stream:
        head = stream.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _load_with_stdlib(path, keep, what, keep_value)  # ijson reads UTF-8 only
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        map_type = _slim_type(keep, keep_value)
        return _load_with_ijson(_Prefixed(head, stream), path, map_type, what)


def _load_with_ijson(stream: _Prefixed, path: Path, map_type: type, what: str) -> Any:
    items = ijson.items(stream, "", map_type=map_type, use_float=True)
    try:
        value = next(items, _NOTHING)
        if value is _NOTHING:
            raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
        next(items, None)  # parse to the end so trailing garbage is noticed
    except ijson.JSONError as exc:
        if "premature EOF" in str(exc):
            raise AdapterError(
                f"{path} is not valid {what} JSON: it ends early (truncated)"
            ) from exc
        raise AdapterError(f"{path} is not valid {what} JSON: {_first_line(exc)}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise AdapterError(f"{path} is not valid {what} JSON: {_first_line(exc)}") from exc
    return value


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


@functools.lru_cache(maxsize=16)
def _slim_type(keep: frozenset[str], keep_value: KeepValue | None) -> type[dict[str, Any]]:
    """A dict type whose item assignment silently drops keys outside `keep`."""

    class SlimDict(dict):  # type: ignore[type-arg]
        __slots__ = ()

        def __setitem__(self, key: str, value: Any) -> None:
            if key in keep or (keep_value is not None and keep_value(key, value)):
                dict.__setitem__(self, key, value)

    return SlimDict


class _Prefixed:
    """A binary reader that returns `head` first, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
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
