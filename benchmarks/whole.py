"""What a user waits for: `qualitygates run -q -c POLICY` as one whole process, beside
whole-process baselines, interleaved round by round.

    python benchmarks/whole.py [--repeat 5] [--quick] [--only trivy,k6]

For each generated input the same round runs, one process each and in alternating order:
qualitygates on a one-check policy, and the obvious program a user would compare it with
(`python -c` with `json.load` and a count for Trivy and SARIF; a bare pyexpat pass, with
entities refused, for Cobertura and JUnit; `wc -l` for k6 NDJSON; Python's own gzip
`readinto` loop for gzipped k6 NDJSON; `python -c pass` for `--version`; `pytest
--version` for the bundled example). It prints medians of the wall time and of the peak
RSS (GNU time's `%M`), the ratio of qualitygates' speed to the baseline's, and the target
it is held to. The load average at the start is printed first. Then `scale` (in
`scale.py`): the time each of 50 checks adds, and what merging ten files of one glob
costs. Both commands run as users type them, through their console scripts.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
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
import scale
import trivy_bench
import xml_bench

GNU_TIME = "/usr/bin/time"
TREE = Path(__file__).resolve().parent.parent
PY = sys.executable

JSON_COUNT = (
    "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    d = json.load(f)\n"
    "print(sum(len(r.get({items!r}) or []) for r in d[{outer!r}]))"
)
EXPAT_COUNT = (
    "import sys, pyexpat\np = pyexpat.ParserCreate()\nn = [0]\n"
    "def start(tag, attrs):\n    n[0] += tag == {tag!r}\n"
    "def refuse(*args):\n    raise ValueError('entity declared')\n"
    "p.StartElementHandler = start\np.EntityDeclHandler = refuse\n"
    "with open(sys.argv[1], 'rb') as f:\n    p.ParseFile(f)\nprint(n[0])"
)
K6_CONDITIONS = '["http_req_duration.p(95) >= 0", "http_req_duration{scenario:peak}.p(95) >= 0"]'
GZIP_LOOP = (
    "import gzip, sys\nb = bytearray(1 << 20)\nn = 0\n"
    "with gzip.open(sys.argv[1], 'rb') as f:\n    while got := f.readinto(b):\n        n += got\n"
    "print(n)"
)

# name: (file, writer(path, quick), adapter, conditions, baseline argv (FILE at the end),
# the baseline's name, target)
Writer = Callable[[Path, bool], None]
INPUTS: dict[str, tuple[str, Writer, str, str, list[str], str, str]] = {
    "cobertura": ("coverage.xml",
                  lambda p, q: xml_bench.write_cobertura(p, 100_000 if q else 2_000_000),
                  "coverage", '["line_rate >= 0%"]',
                  [PY, "-c", EXPAT_COUNT.format(tag="line")], "bare pyexpat", ">= 0.8x"),
    "junit": ("junit.xml", lambda p, q: xml_bench.write_junit(p, 10_000 if q else 200_000),
              "junit", '["tests >= 0"]',
              [PY, "-c", EXPAT_COUNT.format(tag="testcase")], "bare pyexpat", ">= 0.8x"),
    "trivy": ("trivy.json", lambda p, q: trivy_bench.write_report(p, 2_000 if q else 50_000),
              "trivy", '["vulnerabilities.critical >= 0"]',
              [PY, "-c", JSON_COUNT.format(items="Vulnerabilities", outer="Results")],
              "json.load + count", ">= 1x, RSS <= 0.5"),
    "sarif": ("log.sarif", lambda p, q: sarif_bench.write_log(p, 2_000 if q else 100_000),
              "sarif", '["results.error >= 0"]',
              [PY, "-c", JSON_COUNT.format(items="results", outer="runs")],
              "json.load + count", ">= 1x, RSS <= 0.5"),
    "k6": ("k6.ndjson",
           lambda p, q: k6_ndjson.generate(p, 20_000_000 if q else 1_000_000_000),
           "k6", K6_CONDITIONS, ["wc", "-l"], "wc -l", ">= 0.15x"),
    "k6gz": ("k6.ndjson.gz", lambda p, q: _gzipped_k6(p, 20_000_000 if q else 300_000_000),
             "k6", K6_CONDITIONS, [PY, "-c", GZIP_LOOP], "gzip readinto loop", ">= 0.5x"),
}  # fmt: skip


def _gzipped_k6(path: Path, size: int) -> None:
    """k6 NDJSON of `size` bytes, gzipped as gzip -6 does."""
    plain = path.with_suffix("")
    k6_ndjson.generate(plain, size)
    with plain.open("rb") as source, gzip.open(path, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    plain.unlink()


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one process; the peak from GNU time where installed."""
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: the bytecode is compiled once
    with tempfile.NamedTemporaryFile("r") as peak:
        command = argv
        if Path(GNU_TIME).exists():
            command = [GNU_TIME, "-f", "%M", "-o", peak.name, *argv]
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        seconds = time.perf_counter() - started
        kib = peak.read().strip().splitlines()[-1:] if Path(GNU_TIME).exists() else []
    return seconds, int(kib[0]) / 1024 if kib and kib[0].isdigit() else 0.0


def compare(title: str, ours: list[str], theirs: list[str], cwd: Path, rounds: int,
            target: str, label: str) -> None:  # fmt: skip
    """Interleave the two commands for `rounds` rounds and print their medians."""
    contenders = {"qualitygates": ours, "baseline": theirs}
    for argv in contenders.values():  # untimed: bytecode and page cache warm
        timed(argv, cwd)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    order = list(contenders.items())
    for _ in range(rounds):
        for name, argv in order:
            runs[name].append(timed(argv, cwd))
        order.reverse()
    print(f"\n{title}: median of {rounds} interleaved whole-process runs")
    medians = {}
    for name, rows in runs.items():
        seconds, rss = (statistics.median(r[i] for r in rows) for i in (0, 1))
        medians[name] = (seconds, rss)
        shown = label if name == "baseline" else "qualitygates"
        print(f"  {shown:28} {seconds:8.3f} s {rss:8.0f} MiB peak")
    (ours_s, ours_rss), (base_s, base_rss) = medians["qualitygates"], medians["baseline"]
    print(f"  speed / baseline's: {base_s / ours_s:.3f}x ({(ours_s - base_s) * 1000:+.0f} ms);"
          f" peak RSS / baseline's: {ours_rss / base_rss if base_rss else 0:.2f};"
          f" target {target}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (medians are shown)")
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke test")
    parser.add_argument("--only", default="", help="comma-separated inputs to run")
    args = parser.parse_args()
    chosen = [n for n in [*INPUTS, "version", "example", "checks", "glob"]
              if not args.only or n in args.only.split(",")]  # fmt: skip
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ours, pytest = _console_script("qualitygates"), _console_script("pytest")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in chosen:
            if name == "version":
                compare("qualitygates --version", [*ours, "--version"], [PY, "-c", "pass"],
                        work, args.repeat, "+30 ms at most", "python -c pass")  # fmt: skip
            elif name == "example":
                example = _copy_example(work / "example")
                compare("bundled example, run -q", [*ours, "run", "-q"],
                        [*pytest, "--version"], example, args.repeat,
                        "1.5x its time at most (>= 0.67x)", "pytest --version")  # fmt: skip
            elif name == "checks":
                scale.per_check(_fresh(work / "checks"), ours, args.repeat, timed)
            elif name == "glob":
                cases = 20_000 if args.quick else 200_000
                scale.glob_merge(_fresh(work / "glob"), ours, args.repeat, cases, timed)
            else:
                _one_input(name, work, ours, args)
    return 0


def _one_input(name: str, work: Path, ours: list[str], args: argparse.Namespace) -> None:
    file_name, write, adapter, conditions, baseline, label, target = INPUTS[name]
    report = work / file_name
    write(report, args.quick)
    policy = work / f"{name}.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        f"      - id: c\n        adapter: {adapter}\n        with: {{path: {report}}}\n"
        f"        conditions: {conditions}\n"
    )
    title = f"{name} ({report.stat().st_size / 1e6:.0f} MB)"
    compare(title, [*ours, "run", "-q", "-c", str(policy)], [*baseline, str(report)],
            work, args.repeat, target, label)  # fmt: skip
    report.unlink()


def _console_script(name: str) -> list[str]:
    """The command as a user types it: the console script beside this Python, else -m."""
    script = Path(PY).with_name(name)
    return [str(script)] if script.is_file() else [PY, "-m", name]


def _fresh(folder: Path) -> Path:
    folder.mkdir()
    return folder


def _copy_example(into: Path) -> Path:
    """The bundled example's policy and inputs, outside the repository (from its root,
    `python -m` would import the working tree whatever is installed)."""
    into.mkdir()
    shutil.copy(TREE / "gates.yaml", into / "gates.yaml")
    for folder in ("reports", "ops"):
        shutil.copytree(TREE / "examples" / folder, into / "examples" / folder)
    return into


if __name__ == "__main__":
    sys.exit(main())
