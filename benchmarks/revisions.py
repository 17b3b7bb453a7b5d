"""Whole-process timings of two revisions of qualitygates, interleaved, on the same inputs.

    python benchmarks/revisions.py BASE [--repeat 5] [--quick] [--only trivy,junit]

Exports BASE (a commit, tag or branch) with `git archive` into a temporary folder and runs
`qualitygates run -q -c POLICY` exactly as a user would, one process per run, once from
that copy and once from this working tree, round by round, so that a load that comes and
goes slows both alike. Each input is one of the generated reports the other benchmarks
write, gated by a one-check policy (GNU time gives the peak RSS, where it is installed);
`version` times `qualitygates --version` and
`example` the bundled example (`run -q` in the repository's root). Prints the median wall time and peak RSS (from
`resource.getrusage` of the child) of each revision, and their ratio (BASE / this tree:
above 1 means this tree is faster), with the load average at the start. Rounds alternate
which revision runs first, and the median of the per-round ratios is printed as well.
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

GNU_TIME = "/usr/bin/time"
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


def run_once(source: Path, args: list[str], cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one `qualitygates ARGS` from `source`.

    The peak RSS is GNU time's `%M`: a child's own high-water mark starts at its parent's
    size when it forks, and this process holds the generated inputs, so `wait4` here would
    report them too; `/usr/bin/time` is a small parent.
    """
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.NamedTemporaryFile("r") as peak:
        command = [sys.executable, "-m", "qualitygates", *args]
        if Path(GNU_TIME).exists():
            command = [GNU_TIME, "-f", "%M", "-o", peak.name, *command]
        started = time.perf_counter()
        code = subprocess.run(
            command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=False,
        ).returncode  # fmt: skip
        seconds = time.perf_counter() - started
        kib = peak.read().strip().splitlines()[-1:] if Path(GNU_TIME).exists() else []
    return seconds, int(kib[0]) / 1024 if kib and kib[0].isdigit() else 0.0, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the revision to compare with, e.g. a commit")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (medians are shown)")
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke test")
    parser.add_argument("--only", default="", help="comma-separated inputs to run")
    args = parser.parse_args()
    names = [*INPUTS, "version", "example"]
    chosen = [n for n in names if not args.only or n in args.only.split(",")]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = export(args.base, work / "base")
        sources = {args.base: base, "this tree": TREE}
        for name in chosen:
            if name == "version":
                _compare("qualitygates --version", ["--version"], work, sources, args.repeat)
                continue
            if name == "example":  # a copy: from the repository's root `-m` would import it
                example = _copy_example(work / "example")
                _compare("bundled example (run -q)", ["run", "-q"], example, sources, args.repeat)
                continue
            file_name, full, quick, adapter, condition = INPUTS[name]
            report = work / file_name
            (quick if args.quick else full)(report)
            policy = work / f"{name}.yaml"
            policy.write_text(_policy(adapter, report, condition))
            title = f"{name} ({report.stat().st_size / 1e6:.0f} MB)"
            _compare(title, ["run", "-q", "-c", str(policy)], work, sources, args.repeat)
            report.unlink()
    return 0


def _copy_example(into: Path) -> Path:
    """The bundled example's policy and inputs, in a folder outside the repository."""
    import shutil

    into.mkdir()
    shutil.copy(TREE / "gates.yaml", into / "gates.yaml")
    for folder in ("reports", "ops"):
        shutil.copytree(TREE / "examples" / folder, into / "examples" / folder)
    return into


def _compare(
    title: str, command: list[str], cwd: Path, sources: dict[str, Path], repeat: int
) -> None:
    runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in sources}
    for source in sources.values():  # untimed: compiles the bytecode, warms the page cache
        run_once(source, command, cwd)
    order = list(sources.items())
    for _ in range(repeat):
        for label, source in order:
            runs[label].append(run_once(source, command, cwd))
        order.reverse()  # ABBA: neither revision always runs first, after the other's cache
    print(f"\n{title}, median of {repeat} interleaved whole-process runs")
    medians = {}
    for label, rows in runs.items():
        seconds = statistics.median(r[0] for r in rows)
        rss = statistics.median(r[1] for r in rows)
        codes = sorted({r[2] for r in rows})
        medians[label] = seconds
        print(f"  {label:12} {seconds:7.3f} s  {rss:7.0f} MiB peak  exit {codes}")
    base, this = medians.values()
    print(f"  ratio (base / this tree): {base / this:.3f}")
    # Each round's two runs share the load of the moment: the median of their ratios is
    # steadier on a shared machine than the ratio of the medians.
    rounds = [b[0] / t[0] for b, t in zip(*runs.values(), strict=True)]
    print(f"  paired: median of the per-round ratios {statistics.median(rounds):.3f}")


if __name__ == "__main__":
    sys.exit(main())
