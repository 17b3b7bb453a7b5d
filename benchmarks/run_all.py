"""Run every benchmark, one after the other: `python benchmarks/run_all.py [--quick]`.

`whole.py` comes first: `qualitygates run` as a user runs it, a whole process against
whole-process baselines. The others time each adapter in-process, after its imports.

--quick uses small inputs (a smoke test of the harness, not figures to quote); without it
the sizes are the ones the README's Performance table reports.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

FULL = [
    ["whole.py", "--repeat", "5"],
    ["startup_bench.py"],
    ["xml_bench.py", "--lines", "2000000", "--cases", "200000", "--repeat", "3"],
    ["trivy_bench.py", "--vulns", "50000", "--repeat", "3"],
    ["sarif_bench.py", "--results", "100000", "--repeat", "3"],
    ["k6_ndjson.py", "--size", "1GB", "--repeat", "3"],
    ["history_bench.py", "--runs", "100000", "--repeat", "5"],
]
QUICK = [
    ["whole.py", "--quick", "--repeat", "1"],
    ["startup_bench.py", "--repeat", "3"],
    ["xml_bench.py", "--lines", "100000", "--cases", "10000"],
    ["trivy_bench.py", "--vulns", "2000", "--repeat", "1"],
    ["sarif_bench.py", "--results", "2000", "--repeat", "1"],
    ["k6_ndjson.py", "--size", "20MB"],
    ["history_bench.py", "--quick", "--backends", "sqlite"],
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    failed = 0
    for command in QUICK if args.quick else FULL:
        print(f"\n== {' '.join(command)}", flush=True)
        failed |= subprocess.run(
            [sys.executable, str(HERE / command[0]), *command[1:]], check=False
        ).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
