"""k6 NDJSON lines rewritten in every way JSON allows, without changing what json reads
(and, on request, in ways JSON or k6 forbid).

A record is held as `Obj` (its key/value pairs in order, so that a key may repeat) and
written back by `Writer`, which escapes characters as `\\uXXXX`, adds blanks, respells
numbers (`1` as `1.0`, `10e-1`, `0.1E+1`; `0` as `-0`, which json reads as 0), shuffles
keys and adds unknown ones, each with the probabilities it was given.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class Obj(list[tuple[str, Any]]):
    """A JSON object as its pairs, in order."""


class Raw(str):
    """Text written as it is (a number spelled on purpose, NaN)."""


def to_obj(value: Any) -> Any:
    if isinstance(value, dict):
        return Obj((key, to_obj(item)) for key, item in value.items())
    if isinstance(value, list):
        return [to_obj(item) for item in value]
    return value


def get(obj: Obj, key: str) -> Any:
    return next((value for k, value in obj if k == key), None)


def put(obj: Obj, key: str, value: Any) -> None:
    obj[:] = [(k, value if k == key else v) for k, v in obj]


@dataclass
class Writer:
    rnd: random.Random
    escape: float = 0.0  # chance that a character is written as \uXXXX
    blank: float = 0.0  # chance of blanks around each token
    shuffle: float = 0.0  # chance that an object's keys are shuffled
    extra: float = 0.0  # chance of an unknown key in an object
    respell: float = 0.0  # chance that a number is respelled

    def write(self, value: Any) -> str:
        if isinstance(value, Obj):
            pairs = list(value)
            if self.rnd.random() < self.shuffle:
                self.rnd.shuffle(pairs)
            if self.rnd.random() < self.extra:
                pairs.insert(
                    self.rnd.randrange(len(pairs) + 1), ("x_unknown", Raw('{"n": [1.5, "Point"]}'))
                )
            inner = ",".join(
                f"{self._ws()}{self._str(k)}{self._ws()}:{self._value(v)}" for k, v in pairs
            )
            return "{" + inner + self._ws() + "}"
        if isinstance(value, list):
            return "[" + ",".join(self._value(v) for v in value) + self._ws() + "]"
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, str):
            return self._str(value)
        if value is None or isinstance(value, bool):
            return {None: "null", True: "true", False: "false"}[value]
        return self._number(value)

    def _value(self, value: Any) -> str:
        return self._ws() + self.write(value) + self._ws()

    def _ws(self) -> str:
        if self.rnd.random() >= self.blank:
            return ""
        return self.rnd.choice([" ", "\t", "\r", "  ", " \t "])

    def _str(self, text: str) -> str:
        out = ['"']
        for char in text:
            if char in '"\\' and self.rnd.random() < 0.5:
                out.append("\\" + char)
            elif char in '"\\' or ord(char) < 0x20 or self.rnd.random() < self.escape:
                out.extend(self._escaped(char))
            else:
                out.append(char)
        return "".join(out) + '"'

    def _escaped(self, char: str) -> list[str]:
        code = ord(char)
        units = (
            [code]
            if code < 0x10000
            else [0xD800 + ((code - 0x10000) >> 10), 0xDC00 + (code & 0x3FF)]
        )
        return ["\\u" + "".join(self.rnd.choice([c, c.upper()]) for c in f"{u:04x}") for u in units]

    def _number(self, value: float) -> str:
        text = repr(value) if isinstance(value, float) else str(value)
        if self.rnd.random() >= self.respell:
            return text
        if value == 0 and self.rnd.random() < 0.5:
            return self.rnd.choice(["-0", "0.0", "-0.0", "0e7", "-0E-0", "0.000e+12"])
        shift = self.rnd.choice([-150, -3, -1, 0, 1, 2, 150])
        mantissa = format(Decimal(text).scaleb(-shift), "f")
        if "." not in mantissa and self.rnd.random() < 0.5:
            mantissa += ".0"
        mark = self.rnd.choice(["e", "E"]) + self.rnd.choice(["", "+"] if shift >= 0 else ["-"])
        return f"{mantissa}{mark}{abs(shift)}" if shift or self.rnd.random() < 0.5 else mantissa


#: Changes that JSON or k6 forbid, each of which a reader must refuse.
def break_point(record: Obj, rnd: random.Random) -> None:
    data = get(record, "data")
    tags = get(data, "tags")
    choice = rnd.randrange(8)
    if choice == 0:  # the metric twice: one reader would see the other name
        at = rnd.choice([0, len(record)])
        record.insert(at, ("metric", "http_req_blocked"))
    elif choice == 1:
        data.append(("value", 1))
    elif choice == 2 and tags:
        tags.insert(rnd.randrange(len(tags) + 1), (tags[0][0], "zzz"))
    elif choice == 3:
        put(data, "value", Raw(rnd.choice(["NaN", "Infinity", "-Infinity"])))
    elif choice == 4:
        put(data, "value", Raw(rnd.choice(["1e999", "-1E+400", "1" + "0" * 400])))
    elif choice == 5:
        put(data, "value", rnd.choice([True, "1", None, Obj()]))
    elif choice == 6:
        put(data, "time", rnd.choice(["2026-02-30T10:00:00Z", "yesterday", "2026-12-07T25:00:00Z"]))
    else:
        record.append(("type", "Point"))
