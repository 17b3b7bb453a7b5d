"""The one way to read untrusted input: regular files, size caps, strict JSON.

Every JSON input (a tool's report, a saved result or baseline, evidence, a server's reply)
is read here, and every reader is strict in the same ways:

- a key repeated within one object is an error naming the key and its line (the last one
  would otherwise win: a second `"Results": []` would empty a Trivy report);
- `NaN`, `Infinity` and `-Infinity` are refused: they are not JSON;
- nesting deeper than 512 levels and a single value longer than 64 MiB are refused in
  bounded time, and a document read whole must fit in 512 MiB;
- a file must be a regular file (not a FIFO, a device or a symlink loop).

`read_json(path, what)` reads a report file (gzip aware); with `keep`, only those object
keys are kept while it streams, so memory follows what an adapter reads, not the file.
`parse_json(text, source, what)` parses text already in memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualitygates.errors import AdapterError
from qualitygates.readers._gc import paused_gc, resume_gc
from qualitygates.readers._slimmer import KeepValue, Visit
from qualitygates.readers._strict import REPORT_HINT, DuplicateKey, loads_strict, repeated_key
from qualitygates.readers.files import (
    UnreadableFile,
    decode_text,
    open_regular,
    read_bytes,
    read_regular,
    regular_file_problem,
)

__all__ = [
    "InvalidJson",
    "KeepValue",
    "UnreadableFile",
    "Visit",
    "open_regular",
    "parse_json",
    "paused_gc",
    "read_json",
    "read_regular",
    "regular_file_problem",
    "resume_gc",
]


class InvalidJson(ValueError):
    """Text that is not strict JSON; its message is one sentence naming the source.

    `strict` is True when the text is JSON that the strict rules refuse (a repeated key,
    NaN), False when it is no JSON at all.
    """

    def __init__(self, message: str, strict: bool = False, repeated: bool = False) -> None:
        super().__init__(message)
        self.strict = strict or repeated
        self.repeated = repeated  # a key repeated in one object


def read_json(
    path: Path,
    what: str,
    keep: frozenset[str] | None = None,
    keep_value: KeepValue | None = None,
    visit: Visit | None = None,
) -> Any:
    """The JSON document in the report at `path`; AdapterError naming it otherwise.

    `what` names the format in messages ("Trivy"). With `keep`, objects keep only those
    keys (and those `keep_value(key, value)` accepts) while the file streams, and
    `visit(document, complete)` may boil the document down as it is built: see
    `load_slim_json`.
    """
    if keep is not None:
        # The streaming machinery (and ijson) is imported only by the adapters that stream.
        from qualitygates.readers._slim import load_slim_json

        return load_slim_json(path, keep, what, keep_value, visit)
    text = decode_text(read_bytes(path), path)
    if not text.strip():
        raise AdapterError(f"{path} is empty: the tool that writes it failed or did not run")
    try:
        document = _loads(text, str(path), what)
    except InvalidJson as exc:
        raise AdapterError(str(exc) + (REPORT_HINT if exc.repeated else "")) from None
    if visit is not None:
        visit(document, True)
    return document


def parse_json(text: str | bytes, source: str, what: str) -> Any:
    """The JSON document in `text`; InvalidJson naming `source` and the fault otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidJson(f"{source} is not UTF-8 text (byte {exc.start})") from None
    return _loads(text, source, what)


def _loads(text: str, source: str, what: str) -> Any:
    try:
        return loads_strict(text)
    except DuplicateKey as exc:
        raise InvalidJson(repeated_key(source, what, text, exc.key), repeated=True) from None
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise InvalidJson(
            f"{source} is not valid {what} JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}{hint}"
        ) from None
    except ValueError as exc:  # NaN or Infinity
        raise InvalidJson(f"{source} is not valid {what} JSON: {exc}", strict=True) from None
    except RecursionError:
        # The C decoder guards its recursion: a hostile file of nested brackets lands here.
        raise InvalidJson(f"{source} nests too deeply to be a {what} report; refusing it") from None
