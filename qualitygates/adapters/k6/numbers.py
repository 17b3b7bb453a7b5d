"""The numbers of a k6 summary, checked: every stat a finite double, every check count a
whole number a double holds exactly, and a Rate's `rate` what its passes and fails make.

A value that breaks any of these is a damaged or forged summary: an AdapterError naming
the file and where in it, never a number that would judge a gate.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expect_type
from qualitygates.adapters.k6.names import canonical_stat
from qualitygates.errors import AdapterError

MAX_COUNT = 2**53  # beyond this a double (every stat is one) no longer counts by one


def stat_values(raw: dict[str, Any], path: Path, where: str) -> dict[str, float]:
    """The stats of one metric under their canonical names, each a finite number; stats
    this tool does not name, and nulls, are left out."""
    values: dict[str, float] = {}
    for stat, value in raw.items():
        canonical = canonical_stat(stat)
        if canonical is None:
            continue  # a stat this tool does not name (future k6 keys)
        if value is None:
            continue  # k6 may write null for an undefined rate
        values[canonical] = finite(value, path, f"{where}.{stat}")
    return values


def finite(value: Any, path: Path, where: str) -> float:
    """`value` as a float; a JSON number beyond a double (10**400, 1e999) is an error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdapterError(f"{path}: {where} should be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise AdapterError(f"{path}: {where} is {shown(value)}, too large to be a k6 number")
    return number


def check_rate(values: dict[str, float], path: Path, where: str) -> None:
    """A Rate's `rate` must be what its `passes` and `fails` make, as k6 computes it.

    k6's RateSink (`metrics/sink.go`) keeps Trues and Total and formats `rate` as
    Trues / Total, `passes` as Trues and `fails` as Total - Trues; with no sample the rate
    is 0 (or null). A rate of 0 beside 50 failed requests is a corrupt or forged summary.
    """
    passes, fails, rate = values.get("passes"), values.get("fails"), values.get("rate")
    if passes is None or fails is None or rate is None:
        return
    if passes < 0 or fails < 0 or not (passes.is_integer() and fails.is_integer()):
        raise AdapterError(
            f"{path}: {where} has {shown(passes)} passes and {shown(fails)} fails, "
            "not counts of samples"
        )
    total = passes + fails
    expected = passes / total if total else 0.0
    if not math.isclose(rate, expected, rel_tol=1e-9, abs_tol=1e-12):
        raise AdapterError(
            f"{path}: {where} has rate {shown(rate)} beside {shown(passes)} passes and "
            f"{shown(fails)} fails, which make {shown(expected)}: the summary contradicts itself"
        )


def shown(value: int | float) -> str:
    """A number as a message shows it: whole floats without `.0`, huge ints by length."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a {int(value.bit_length() * math.log10(2)) + 1}-digit number"
    return repr(value)


def check_count(value: Any, path: Path, where: str) -> int:
    """A check's passes or fails: a whole number a double holds exactly enough to add up."""
    count = expect_type(value, int, path, where)
    if not 0 <= count <= MAX_COUNT:
        raise AdapterError(f"{path}: {where} is {shown(count)}, not a k6 count")
    return int(count)
