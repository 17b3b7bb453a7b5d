"""The points of one wanted metric in a block of k6 NDJSON, taken together when every line
that names the metric is of k6's own shape.

One `split` on the metric's name (a C-speed search, as the per-point loop's `find` is) and
one anchored match per point, mapped in C, replace a Python loop iteration per point: the
loop's own bookkeeping cost more than the search. The match is the per-point loop's own
(`ndjson._POINT_REST`, preceded by the rest of the point's head), so a value is read the
same either way. A block where any occurrence of the name is not such a point (the
metric's declaration, a point of another shape, the name inside tags or a string) is left
untouched for the per-point loop, which reads it line by line.

`find_metric_line` finds the declarations of every metric (for `available`, and to refuse
one declared twice with two types) from the capital M of `"Metric"`: one byte is found by
memchr at memory speed, where CPython's search for the whole line ran at a fraction of it
and took a third of the scan.
"""

from __future__ import annotations

import re
from array import array
from itertools import compress
from operator import itemgetter, methodcaller
from typing import cast

from qualitygates.adapters.k6.wanted import Wanted

Buf = bytes | bytearray


def point_rest(time: bytes, number: bytes) -> re.Pattern[bytes]:
    """A Point line of k6's shape from just after its metric's name to its newline."""
    return re.compile(
        rb',"type":"Point","data":\{"time":"(' + time + rb')","value":(' + number
        + rb'),"tags":(\{[^\n]*\}|null)\}\}\n'
    )  # fmt: skip


_LEAD = methodcaller("endswith", b'\n{"metric":')
#: A Metric line of k6's shape, from the newline before it.
METRIC_LINE = b'\n{"type":"Metric","data":{"name":"'
_M = METRIC_LINE.index(b"M")
_MAX_M = 64  # capital Ms a block may hold before the plain search takes over
_TIME, _VALUE, _TAGS = itemgetter(1), itemgetter(2), itemgetter(3)
_READ = itemgetter(0)  # of a tag set's flags: json reads it exactly as the match did


def take_block(
    want: Wanted,
    rest: re.Pattern[bytes],
    buf: Buf,
    begin: int,
    end: int,
    lasts: list[bytes | None],
) -> bool:
    """Add the points of `want` in `buf[begin:end]` (which starts at a newline) to its
    selections, and each selection's last point time to `lasts`; False, with nothing
    added, when a line naming the metric is not a point of k6's shape."""
    whole = begin == 0 and end == len(buf)  # then no copy of the block is made
    parts = (buf if whole else buf[begin:end]).split(want.needle)
    if len(parts) == 1:
        return True  # no line names the metric
    matched = list(map(rest.match, parts[1:]))
    if None in matched or not all(map(_LEAD, parts[:-1])):
        return False
    hits = cast(list[re.Match[bytes]], matched)
    flags = list(map(want.flags, map(_TAGS, hits)))
    if not all(map(_READ, flags)):
        return False
    values = array("d", map(float, map(_VALUE, hits)))
    for index, sel in enumerate(want.selections):
        if not sel.tags:  # every point belongs to the metric itself
            sel.values.extend(values)
            lasts[index] = _TIME(hits[-1])
            continue
        chosen = list(map(itemgetter(index + 1), flags))
        sel.values.extend(compress(values, chosen))
        if True in chosen:
            last = len(chosen) - 1 - chosen[::-1].index(True)
            lasts[index] = _TIME(hits[last])
    return True


def find_metric_line(buf: Buf, start: int, end: int) -> int:
    """`buf.find(METRIC_LINE, start, end)`, faster: each Metric line holds a capital M, which
    k6's Point lines seldom do, and one byte is found by memchr, several times as fast as
    the whole needle. A block with many Ms is searched the plain way after the first few."""
    pos = start + _M
    for _ in range(_MAX_M):
        found = buf.find(b"M", pos, end)
        if found < 0:
            return -1
        if found - _M >= start and buf.startswith(METRIC_LINE, found - _M, end):
            return found - _M
        pos = found + 1
    return buf.find(METRIC_LINE, max(start, pos - _M), end)
