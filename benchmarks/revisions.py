"""Whole-process timings of two revisions of qualitygates, interleaved, on the same inputs.

    python benchmarks/revisions.py BASE [--repeat 5] [--quick] [--only trivy,junit]

Exports BASE (a commit, tag or branch) with `git archive` into a temporary folder and runs
`qualitygates run -q -c POLICY` exactly as a user would, one process per run, once from
that copy and once from this working tree, round by round, so that a load that comes and
goes slows both alike. Each input is one of the generated reports the other benchmarks
write, gated by a one-check policy. Prints the median wall time and peak RSS (from
`resource.getrusage` of the child) of each revision, and their ratio (BASE / this tree:
above 1 means this tree is faster), with the load average at the start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import k6_ndjson
import sarif_bench
import trivy_bench
import xml_bench

HERE = Path(__file__).resolve().parent
TREE = HERE.parent


def _policy(adapter: str, report: Path, condition: str) -> str:
    return (
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        f"      - id: c\n        adapter: {adapter}\n        with: {{path: {report}}}\n"
        f'        conditions: ["{condition}"]\n'
    )


# name: (file name, writer at full size, writer at quick size, adapter, condition)
INPUTS: dict[str, tuple[str, Callable[[Path], None], Callable[[Path], None], str, str]] = {
    "cobertura": ("coverage.xml", lambda p: xml_bench.write_cobertura(p, 2_000_000),
                  lambda p: xml_bench.write_cobertura(p, 100_000), "coverage", "line_rate >= 0%"),
    "junit": ("junit.xml", lambda p: xml_bench.write_junit(p, 200_000),
              lambda p: xml_bench.write_junit(p, 10_000), "junit", "tests >= 0"),
    "trivy": ("trivy.json", lambda p: trivy_bench.write_report(p, 50_000),
              lambda p: trivy_bench.write_report(p, 2_000), "trivy", "vulnerabilities.critical >= 0"),
    "sarif": ("log.sarif", lambda p: sarif_bench.write_log(p, 100_000),
              lambda p: sarif_bench.write_log(p, 2_000), "sarif", "results.error >= 0"),
    "k6": ("k6.ndjson", lambda p: k6_ndjson.generate(p, 1_000_000_000),
           lambda p: k6_ndjson.generate(p, 20_000_000), "k6", "http_req_duration.p(95) >= 0"),
}  # fmt: skip


def export(revision: str, into: Path) -> Path:
    """The package as it was at `revision`, in `into`."""
    archive = subprocess.run(
        ["git", "-C", str(TREE), "archive", revision, "qualitygates"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_once(source: Path, policy: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one `qualitygates run -q` from `source`;
    the peak RSS is the child's own, as `wait4` (getrusage of the child) reports it."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "qualitygates", "run", "-q", "-c", str(policy)],
        env=env, cwd=policy.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the revision to compare with, e.g. a commit")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (medians are shown)")
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke test")
    parser.add_argument("--only", default="", help="comma-separated inputs to run")
    args = parser.parse_args()
    chosen = [n for n in INPUTS if not args.only or n in args.only.split(",")]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = export(args.base, work / "base")
        sources = {args.base: base, "this tree": TREE}
        for name in chosen:
            file_name, full, quick, adapter, condition = INPUTS[name]
            report = work / file_name
            (quick if args.quick else full)(report)
            policy = work / f"{name}.yaml"
            policy.write_text(_policy(adapter, report, condition))
            _compare(name, report, policy, sources, args.repeat)
            report.unlink()
    return 0


def _compare(
    name: str, report: Path, policy: Path, sources: dict[str, Path], repeat: int
) -> None:
    runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in sources}
    for source in sources.values():  # untimed: compiles the bytecode, warms the page cache
        run_once(source, policy)
    for _ in range(repeat):
        for label, source in sources.items():
            runs[label].append(run_once(source, policy))
    size = report.stat().st_size / 1e6
    print(f"\n{name} ({size:.0f} MB), median of {repeat} interleaved whole-process runs")
    medians = {}
    for label, rows in runs.items():
        seconds = statistics.median(r[0] for r in rows)
        rss = statistics.median(r[1] for r in rows)
        codes = sorted({r[2] for r in rows})
        medians[label] = seconds
        print(f"  {label:12} {seconds:7.3f} s  {rss:7.0f} MiB peak  exit {codes}")
    base, this = medians.values()
    print(f"  ratio (base / this tree): {base / this:.3f}")


if __name__ == "__main__":
    sys.exit(main())
