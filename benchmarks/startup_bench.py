"""Benchmark: start-up and the bundled example end to end.

Targets (issue 9): `qualitygates --version` within 50 ms of `python -c pass` from the same
venv; the bundled example (`qualitygates run` at the repository root) in under 2x
`pytest --version`. Each command runs several times; the best time counts. The package's
bytecode is compiled first, as `pip install` does, so no run pays for compiling an edited
module (which it otherwise would under PYTHONDONTWRITEBYTECODE).

    python benchmarks/startup_bench.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "qualitygates")], check=True)
    rows = {
        "python -c pass": best_of([python, "-c", "pass"], args.repeat),
        "qualitygates --version": best_of([python, "-m", "qualitygates", "--version"], args.repeat),
        "pytest --version": best_of([python, "-m", "pytest", "--version"], args.repeat),
        "qualitygates run (bundled example)": best_of(
            [python, "-m", "qualitygates", "run", "-q"], args.repeat
        ),
    }
    for label, seconds in rows.items():
        print(f"  {label:36} {seconds * 1000:8.1f} ms")
    overhead = (rows["qualitygates --version"] - rows["python -c pass"]) * 1000
    ratio = rows["qualitygates run (bundled example)"] / rows["pytest --version"]
    print(f"  --version over python -c pass: {overhead:.1f} ms (target <= 50 ms)")
    print(f"  bundled example / pytest --version: {ratio:.2f}x (target < 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
