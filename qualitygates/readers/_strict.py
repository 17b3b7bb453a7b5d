"""What makes a JSON reader strict: no repeated key, no NaN or Infinity.

RFC 8259 says names within an object SHOULD be unique and leaves the meaning of a repeated
one to the reader; Python's `json` keeps the last, so a second `"Results": []` empties a
Trivy report and a second `"status": "pass"` turns a failure into a pass. A report that
repeats a key is refused. The parsers see a repeated key only as an object closes, without
its position, so `locate_duplicate` finds the first one and its line in the text; it runs
only on that error path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any


class DuplicateKey(ValueError):
    """An object repeats `key`."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {key!r} appears twice in one object")
        self.key = key


def refuse_constant(name: str) -> float:
    """`parse_constant` for `json`: NaN and Infinity are not JSON (Python accepts them)."""
    raise ValueError(f"{name} is not a JSON number")


def unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook` for `json`: the object, or DuplicateKey if a key repeats."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return obj


#: A strict C scanner: (text, position) -> (value, end); StopIteration where no value starts.
scan_strict: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder(
    parse_constant=refuse_constant, object_pairs_hook=unique_object
).scan_once  # type: ignore[attr-defined]


def loads_strict(text: str) -> Any:
    """`json.loads`, refusing NaN, Infinity and repeated keys (DuplicateKey)."""
    return json.loads(text, parse_constant=refuse_constant, object_pairs_hook=unique_object)


# Strings (keys or values) and the punctuation that gives them meaning; numbers, literals
# and blanks are passed over.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)


#: Texts longer than this are not searched for the line of a repeat: the search walks every
#: token in Python, and a hostile report must not buy seconds with its error path.
LOCATE_LIMIT = 64 * 1024 * 1024


def locate_duplicate(text: str) -> tuple[str, int] | None:
    """The first repeated key of a JSON text (already parsed once) and its line, if any;
    None for a text over `LOCATE_LIMIT` characters (the error then names no line)."""
    if len(text) > LOCATE_LIMIT:
        return None
    stack: list[tuple[set[str], list[bool]] | None] = []  # per object: keys, expecting a key
    for match in _TOKENS.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token == "{":
            stack.append((set(), [True]))
        elif token == "[":
            stack.append(None)
        elif token in "}]":
            if stack:
                stack.pop()
        elif top is not None and token == ":":
            top[1][0] = False
        elif top is not None and token == ",":
            top[1][0] = True
        elif top is not None and token.startswith('"') and top[1][0]:
            key = json.loads(token)  # `"\u0061"` and `"a"` are the same key
            if key in top[0]:
                return key, text.count("\n", 0, match.start()) + 1
            top[0].add(key)
    return None


#: What a report file's error adds: the fault is the tool's output, not a reading problem.
REPORT_HINT = "; a report must not repeat a key"


def repeated_key(source: str, what: str, text: str | None, key: str) -> str:
    """`SOURCE is not valid WHAT JSON: the key "k" appears twice in one object (line N)`:
    the first repeat of `text` and its line where it can be found, else `key` alone."""
    found = locate_duplicate(text) if text is not None else None
    key, line = found if found else (key, 0)
    at = f" (line {line})" if line else ""
    return (
        f"{source} is not valid {what} JSON: the key {json.dumps(key)} appears twice in one "
        f"object{at}"
    )
