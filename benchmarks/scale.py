"""What a policy's size costs as a user runs it: per check, and per file of a glob.

Both are whole `qualitygates run -q` processes, interleaved round by round like the rest
of `whole.py` (which runs them): a policy of 50 checks over small reports beside the same
report behind one check gives the time each check adds; one JUnit report of N cases beside
ten files of N/10 cases matched by one glob gives what the merge costs.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import xml_bench

CHECKS = 50
GLOB_FILES = 10

Timer = Callable[[list[str], Path], tuple[float, float]]


def policy(checks: list[tuple[str, str, str]]) -> str:
    """A one-gate policy of (adapter, path, condition) checks."""
    lines = ["version: 1", "gates:", "  - id: g", "    checks:"]
    for number, (adapter, path, condition) in enumerate(checks):
        lines += [
            f"      - id: c{number}",
            f"        adapter: {adapter}",
            f"        with: {{path: '{path}'}}",
            f"        conditions: ['{condition}']",
        ]
    return "\n".join(lines) + "\n"


def per_check(work: Path, ours: list[str], rounds: int, timed: Timer) -> None:
    """50 checks over small reports (six adapters' in turn)."""
    kinds = list(_small_reports(work).values())
    many = [kinds[n % len(kinds)] for n in range(CHECKS)]
    (work / "one.yaml").write_text(policy([kinds[0]]))
    (work / "many.yaml").write_text(policy(many))
    runs = _interleaved({"1 check": ["one.yaml"], f"{CHECKS} checks": ["many.yaml"]},
                        ours, work, rounds, timed)  # fmt: skip
    one, lots = (statistics.median(r) for r in runs.values())
    print(f"\npolicy of {CHECKS} checks over small reports: median of {rounds} interleaved runs")
    print(f"  1 check                     {one:8.3f} s")
    print(f"  {CHECKS} checks                   {lots:8.3f} s")
    print(f"  each check adds {(lots - one) / (CHECKS - 1) * 1000:.1f} ms (whole process)")


def glob_merge(work: Path, ours: list[str], rounds: int, cases: int, timed: Timer) -> None:
    """One JUnit report of `cases` against ten of a tenth each, through one glob."""
    parts = work / "parts"
    parts.mkdir()
    xml_bench.write_junit(work / "whole.xml", cases)
    for number in range(GLOB_FILES):
        xml_bench.write_junit(parts / f"junit-{number}.xml", cases // GLOB_FILES)
    (work / "whole.yaml").write_text(policy([("junit", str(work / "whole.xml"), "tests >= 0")]))
    pattern = str(parts / "junit-*.xml")
    (work / "glob.yaml").write_text(policy([("junit", pattern, "tests >= 0")]))
    runs = _interleaved({"one file": ["whole.yaml"], f"{GLOB_FILES} files": ["glob.yaml"]},
                        ours, work, rounds, timed)  # fmt: skip
    whole, split = (statistics.median(r) for r in runs.values())
    print(f"\nJUnit, {cases} cases: one file, or {GLOB_FILES} files through one glob "
          f"(median of {rounds} interleaved runs)")  # fmt: skip
    print(f"  one file                    {whole:8.3f} s")
    print(f"  {GLOB_FILES} files, one glob          {split:8.3f} s")
    print(f"  merging costs {(split - whole) * 1000:+.0f} ms ({split / whole:.2f}x)")


def _interleaved(
    configs: dict[str, list[str]], ours: list[str], work: Path, rounds: int, timed: Timer
) -> dict[str, list[float]]:
    order = list(configs.items())
    for _, config in order:  # untimed: bytecode and page cache warm
        timed([*ours, "run", "-q", "-c", *config], work)
    runs: dict[str, list[float]] = {name: [] for name in configs}
    for _ in range(rounds):
        for name, config in order:
            runs[name].append(timed([*ours, "run", "-q", "-c", *config], work)[0])
        order.reverse()
    return runs


def _small_reports(work: Path) -> dict[str, tuple[str, str, str]]:
    """The bundled example's reports (real tools' output), and a condition for each."""
    reports = Path(__file__).resolve().parent.parent / "examples" / "reports"
    return {
        "junit": ("junit", str(reports / "junit.xml"), "tests >= 0"),
        "coverage": ("coverage", str(reports / "coverage.xml"), "line_rate >= 0%"),
        "lint": ("lint", str(reports / "ruff.json"), "errors >= 0"),
        "sarif": ("sarif", str(reports / "bandit.sarif"), "results.error >= 0"),
        "trivy": ("trivy", str(reports / "trivy.json"), "vulnerabilities.critical >= 0"),
        "complexity": ("complexity", str(reports / "radon.json"), "max >= 0"),
    }
