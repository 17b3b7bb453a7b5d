"""Benchmark: the trivy adapter on a 50,000-vulnerability report vs a plain `json.load` count.

Writes a report in Trivy's exact JSON format (SchemaVersion 2, one image with OS and
language package results, full vulnerability objects with descriptions, CVSS and
references), then runs each reader in a fresh process (imports before the clock) to measure time and
peak RSS, beside `wc -l` over the same file. Target (issue 9): at least `json.load`'s speed.

    python benchmarks/trivy_bench.py [--vulns 50000] [--keep FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import fastest, table, wc_l

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")


def vulnerability(number: int, rng: random.Random) -> dict[str, object]:
    name = f"pkg{number % 700}"
    fixed = rng.random() < 0.6
    vuln: dict[str, object] = {
        "VulnerabilityID": f"CVE-{2015 + number % 11}-{10000 + number}",
        "PkgID": f"{name}@1.{number % 9}.0",
        "PkgName": name,
        "PkgIdentifier": {"PURL": f"pkg:npm/{name}@1.{number % 9}.0", "UID": f"{number:016x}"},
        "InstalledVersion": f"1.{number % 9}.0",
        "Status": "fixed" if fixed else "affected",
        "Layer": {"DiffID": "sha256:" + "ab" * 32},
        "SeveritySource": "nvd",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/cve-{number}",
        "DataSource": {
            "ID": "ghsa",
            "Name": "GitHub Security Advisory npm",
            "URL": "https://github.com/advisories",
        },
        "Title": f"{name}: a flaw that lets an attacker do something ({number})",
        "Description": "A flaw was found in the parser. " * 12,
        "Severity": rng.choice(SEVERITIES),
        "CweIDs": ["CWE-400"],
        "VendorSeverity": {"ghsa": 3, "nvd": 3},
        "CVSS": {
            "nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "V3Score": 7.5}
        },
        "References": [f"https://example.invalid/advisory/{number}/{i}" for i in range(6)],
        "PublishedDate": "2024-01-09T10:15:10.447Z",
        "LastModifiedDate": "2024-05-17T01:17:24.28Z",
    }
    if fixed:
        vuln["FixedVersion"] = f"1.{number % 9}.1"
    return vuln


def write_report(path: Path, count: int) -> None:
    rng = random.Random(7)
    half = count // 2
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-11-24T12:00:00.123456789Z",
        "ArtifactName": "registry.example/big:1.0",
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "debian", "Name": "12.5"},
            "RepoTags": ["registry.example/big:1.0"],
        },
        "Results": [
            {
                "Target": "registry.example/big:1.0 (debian 12.5)",
                "Class": "os-pkgs",
                "Type": "debian",
                "Vulnerabilities": [vulnerability(i, rng) for i in range(half)],
            },
            {
                "Target": "app/package-lock.json",
                "Class": "lang-pkgs",
                "Type": "npm",
                "Vulnerabilities": [vulnerability(i, rng) for i in range(half, count)],
            },
        ],
    }
    path.write_text(json.dumps(report, indent=2))


ADAPTER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from qualitygates.adapters.interface import CollectRequest
from qualitygates.readers import paused_gc  # the engine runs every collect so
from qualitygates.adapters.trivy import TrivyAdapter
adapter = TrivyAdapter()  # imports, as the baseline's, before the clock
request = CollectRequest("bench", {"path": sys.argv[1]}, (), Path.cwd(), datetime.now(timezone.utc))
start = time.perf_counter()
with paused_gc():
    result = adapter.collect(request)
total = adapter.count_findings(result.findings)["vulnerabilities.total"].value
print(time.perf_counter() - start, f"total={int(total)}")
"""

PLAIN = """
import json, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    report = json.load(f)
total = sum(len(r.get("Vulnerabilities") or []) for r in report["Results"])
print(time.perf_counter() - start, f"total={total}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vulns", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="write the report here and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (fastest shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "trivy-big.json"
        write_report(path, args.vulns)
        return report_json_bench(
            f"Trivy, {args.vulns:,} vulnerabilities", path, ADAPTER, PLAIN, args.repeat
        )


def report_json_bench(title: str, path: Path, adapter: str, plain: str, repeat: int) -> int:
    """Print the table for an adapter against `json.load`; 1 if their counts differ."""
    reference = wc_l(path)
    rows = fastest([("qualitygates adapter", adapter), ("json.load + count", plain)], path, repeat)
    print(table(title, path.stat().st_size, rows, reference))
    ratio = rows[1].seconds / rows[0].seconds
    print(f"  adapter speed / json.load speed: {ratio:.2f} (fastest of {repeat} runs each)")
    if rows[0].result != rows[1].result:
        print(f"  mismatch: {rows[0].result} against {rows[1].result}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
