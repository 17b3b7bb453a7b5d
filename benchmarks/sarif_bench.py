"""Benchmark: the sarif adapter on a 100,000-result SARIF log vs a plain `json.load` count.

Writes a SARIF 2.1.0 log shaped like CodeQL's (rules with descriptions and
`security-severity`, results with locations, partial fingerprints and code flows), then
runs each reader in a fresh process (imports before the clock) to measure time and peak
RSS, beside `wc -l` over the same file. Target (issue 9): at least `json.load`'s speed.

    python benchmarks/sarif_bench.py [--results 100000] [--keep FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from trivy_bench import report_json_bench

LEVELS = ("error", "warning", "note", None)


def rule(number: int) -> dict[str, object]:
    return {
        "id": f"py/rule-{number}",
        "name": f"Rule{number}",
        "shortDescription": {"text": f"Rule {number}"},
        "fullDescription": {"text": "A long explanation of what the rule looks for. " * 10},
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "tags": ["security", "external/cwe/cwe-089"],
            "security-severity": f"{(number % 100) / 10:.1f}",
        },
    }


def result(number: int, rng: random.Random) -> dict[str, object]:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": f"src/module{number % 400}.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1 + number % 900, "startColumn": 5, "endColumn": 40},
        }
    }
    item: dict[str, object] = {
        "ruleId": f"py/rule-{number % 60}",
        "ruleIndex": number % 60,
        "message": {"text": f"This query depends on a user-provided value ({number})."},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": f"{number:016x}:1"},
        "codeFlows": [{"threadFlows": [{"locations": [{"location": location}]}]}],
    }
    level = rng.choice(LEVELS)
    if level:
        item["level"] = level
    return item


def write_log(path: Path, count: int) -> None:
    rng = random.Random(7)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "CodeQL", "rules": [rule(i) for i in range(60)]}},
                "invocations": [{"executionSuccessful": True}],
                "results": [result(i, rng) for i in range(count)],
            }
        ],
    }
    path.write_text(json.dumps(log, indent=2))


ADAPTER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from qualitygates.adapters.interface import CollectRequest
from qualitygates.readers import paused_gc  # the engine runs every collect so
from qualitygates.adapters.sarif import SarifAdapter
adapter = SarifAdapter()  # imports, as the baseline's, before the clock
request = CollectRequest("bench", {"path": sys.argv[1]}, (), Path.cwd(), datetime.now(timezone.utc))
start = time.perf_counter()
with paused_gc():
    result = adapter.collect(request)
total = adapter.count_findings(result.findings)["results.total"].value
print(time.perf_counter() - start, f"total={int(total)}")
"""

PLAIN = """
import json, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    log = json.load(f)
total = sum(len(run["results"]) for run in log["runs"])
print(time.perf_counter() - start, f"total={total}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the log here and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (fastest shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "big.sarif"
        write_log(path, args.results)
        return report_json_bench(
            f"SARIF, {args.results:,} results", path, ADAPTER, PLAIN, args.repeat
        )


if __name__ == "__main__":
    sys.exit(main())
