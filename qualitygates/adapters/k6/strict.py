"""One NDJSON line read as `json.loads` reads it, minus what JSON itself does not allow.

The reading is `json.loads` of the line decoded as UTF-8, with the project's strict JSON
rules (`qualitygates.readers`); jiter reads it first, to the same value (the same floats,
bit for bit) in a third of the time, and anything jiter refuses is read again by `json`,
whose answer or message stands: a key twice in one object (json keeps the last one
silently; which one a reader sees is exactly what a hostile file plays with), NaN and
Infinity (not JSON, though json accepts them) are refused.

`SPELLED` finds a `\\u` escape of an ASCII digit, letter or `_`. A JSON string can hold a
metric name, "Point" or "Metric" only as those very characters or with such an escape
(no other escape decodes to them), so a line that holds neither the name as a literal
JSON string nor such an escape provably does not name it. Go writes none: it escapes
only `"`, `\\`, control characters, `<`, `>`, `&` and U+2028/9.
"""

from __future__ import annotations

import json
import re
from typing import Any, Union

import jiter

from qualitygates.readers._strict import DuplicateKey, loads_strict

Buf = Union[bytes, bytearray, memoryview]  # noqa: UP007 - a runtime alias on Python 3.10
SPELLED = re.compile(rb"\\u00(?:3[0-9]|[4-7][0-9A-Fa-f])")


class StrictJSONError(ValueError):
    """JSON that `json.loads` would read, but JSON forbids; the message says why."""


def loads(line: Buf) -> Any:
    """The line's JSON value; ValueError if none (StrictJSONError: a repeated key, NaN)."""
    data = bytes(line)
    try:  # jiter is as strict and a third of the time; `json` says what is wrong, if anything
        return jiter.from_json(data, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError:
        pass
    text = data.decode("utf-8")
    try:
        return loads_strict(text)
    except DuplicateKey as exc:
        raise StrictJSONError(str(exc)) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # refuse_constant: NaN, Infinity
        raise StrictJSONError(str(exc)) from None
