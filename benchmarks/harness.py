"""Shared by the benchmarks: run a contender in a fresh process and measure time and peak RSS.

Each contender is a small Python program given the input path as argv[1]; it prints
`SECONDS RESULT` and the harness reads the process's peak RSS (VmHWM) itself, so every
contender is measured the same way, on the same file, in the same run. `wc -l` is timed as
the machine's raw read speed, so every figure also reads as a ratio that holds anywhere.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Appended to every contender: print the process's own peak RSS in KiB.
_PEAK = """
def _peak_kib():
    with open("/proc/self/status") as status:
        return int(next(l.split()[1] for l in status if l.startswith("VmHWM:")))
print(_peak_kib())
"""


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_mib: float
    result: str


def run_contender(label: str, code: str, path: Path) -> Measurement:
    """Run `code` (which prints 'SECONDS RESULT') on `path` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", code + _PEAK, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    lines = out.stdout.split("\n")
    seconds, result = lines[0].split(maxsplit=1)
    return Measurement(label, float(seconds), int(lines[1]) / 1024, result)


def fastest(contenders: list[tuple[str, str]], path: Path, repeat: int) -> list[Measurement]:
    """Each contender's fastest of `repeat` runs, interleaved: a loaded machine slows some
    runs, never speeds one up."""
    runs = [[run_contender(label, code, path) for label, code in contenders] for _ in range(repeat)]
    return [min(column, key=lambda row: row.seconds) for column in zip(*runs, strict=True)]


def wc_l(path: Path) -> Measurement:
    """`wc -l` over the file: the raw read speed every ratio is taken against."""
    started = time.perf_counter()
    out = subprocess.run(["wc", "-l", str(path)], capture_output=True, text=True, check=True)
    return Measurement(
        "wc -l", time.perf_counter() - started, 0.0, out.stdout.split()[0] + " lines"
    )


def empty_rss(imports: str) -> float:
    """Peak RSS of an interpreter that only imports what a contender imports."""
    return run_contender("empty", imports + "\nprint(0, 0)", Path("/dev/null")).peak_mib


def table(title: str, size_bytes: int, rows: list[Measurement], reference: Measurement) -> str:
    """A table: MB/s, the ratio to `wc -l`, peak RSS and the result each contender computed."""
    mb = size_bytes / 1e6
    lines = [
        f"{title} ({mb:.0f} MB)",
        f"  {'contender':34} {'s':>7} {'MB/s':>8} {'x wc -l':>8} {'peak RSS':>9}  result",
    ]
    for row in [reference, *rows]:
        speed = mb / row.seconds if row.seconds else float("inf")
        ratio = reference.seconds / row.seconds if row.seconds else 0.0
        rss = f"{row.peak_mib:7.0f} MB" if row.peak_mib else "        -"
        lines.append(
            f"  {row.label:34} {row.seconds:7.2f} {speed:8.1f} {ratio:8.3f} {rss}  {row.result}"
        )
    return "\n".join(lines)
