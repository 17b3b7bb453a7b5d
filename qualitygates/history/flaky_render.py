"""The flaky tests as a table for the terminal (`qualitygates history flaky`)."""

from __future__ import annotations

from collections.abc import Sequence

from qualitygates.history.interface import FlakyTest
from qualitygates.sanitise import clean_value

FLAKY_HEADINGS = ("TEST", "GATE/CHECK", "FAILED", "PASSED", "COMMITS", "LAST FAILED")


def format_flaky(tests: Sequence[FlakyTest], scope: str) -> str:
    """A table of flaky tests, most failures first; `scope` says which runs were read
    ("since 2026-10-25 12:00 on main"), for the line that says there are none."""
    if not tests:
        return f"no flaky tests {scope}\n"
    rows = [FLAKY_HEADINGS] + [
        (
            clean_value(t.test),
            clean_value(f"{t.gate}/{t.check}"),
            str(t.failed),
            str(t.passed),
            str(t.commits),
            t.last_failed.strftime("%Y-%m-%d %H:%M"),
        )
        for t in tests
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(FLAKY_HEADINGS))]
    return "".join(_aligned(row, widths) for row in rows)


def _aligned(row: Sequence[str], widths: Sequence[int]) -> str:
    """Names to the left, counts to the right, the last column unpadded."""
    test, check, *counts, last = row
    cells = [test.ljust(widths[0]), check.ljust(widths[1])]
    cells += [count.rjust(width) for count, width in zip(counts, widths[2:], strict=False)]
    return "  ".join([*cells, last]) + "\n"
