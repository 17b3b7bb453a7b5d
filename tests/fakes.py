"""A fake adapter for engine, policy and CLI tests that must not depend on real formats.

It reads a small JSON file: {"metrics": {"name": [value, "unit"]}, "findings": [...]};
a missing file, or {"error": "..."}, fails the way a real adapter does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Severity, Unit
from qualitygates.plugins import Registry, adapter_registry


class FakeAdapter(Adapter):
    name = "fake"
    summary = "metrics and findings from a small JSON file (tests only)"
    formats = ("fake JSON",)
    dated = True  # the file's "timestamp"
    names_commit = True  # the file's "revision"
    options = (
        OptionSpec("path", OptionKind.PATH, "the JSON file", required=True),
        OptionSpec("token", OptionKind.SECRET, "a secret that must never be printed"),
        OptionSpec("mode", OptionKind.CHOICE, "a choice", default="a", choices=("a", "b")),
        OptionSpec("limit", OptionKind.INTEGER, "a number", default=3),
    )
    metrics = (
        MetricSpec("line_rate", Unit.PERCENT, "a percent metric", summary=True),
        MetricSpec("rate", Unit.RATIO, "a ratio metric"),
        MetricSpec("p95", Unit.MILLISECONDS, "a time metric in ms"),
        MetricSpec("duration", Unit.SECONDS, "a time metric in s"),
        MetricSpec("count", Unit.COUNT, "a count"),
        MetricSpec("state", Unit.TEXT, "a word"),
        MetricSpec(
            "vulnerabilities.<severity>",
            Unit.COUNT,
            "findings by severity",
            pattern=r"vulnerabilities\.(critical|high|medium|low|total)",
        ),
        MetricSpec("dyn.<name>", None, "unit known only at run time", pattern=r"dyn\.[a-z]+"),
    )

    def collect(self, request: CollectRequest) -> Collection:
        path = Path(request.options["path"])
        if not path.exists():
            raise AdapterError(
                f"{path} does not exist: check the path, or that the tool ran before this step"
            )
        data = json.loads(path.read_text())
        if "error" in data:
            raise AdapterError(data["error"])
        if "crash" in data:
            raise RuntimeError(data["crash"])
        metrics = {k: Measurement(v[0], Unit(v[1])) for k, v in data.get("metrics", {}).items()}
        findings = tuple(
            Finding(
                id=f["id"],
                tool="fake",
                severity=Severity(f.get("severity", "high")),
                message=f.get("message", ""),
                location=Location(f.get("path"), f.get("line"), f.get("package")),
                purl=f.get("purl"),
            )
            for f in data.get("findings", [])
        )
        stamp = data.get("timestamp")
        return Collection(
            metrics=metrics,
            findings=findings,
            sources=(str(path),),
            timestamp=datetime.fromisoformat(stamp) if stamp else None,
            revision=data.get("revision"),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        counts = {f"vulnerabilities.{s}": 0 for s in ("critical", "high", "medium", "low")}
        for finding in findings:
            key = f"vulnerabilities.{finding.severity.value}"
            if key in counts:
                counts[key] += 1
        counts["vulnerabilities.total"] = len(findings)
        return {k: count_metric(v) for k, v in counts.items()}


def registry_with_fake() -> Registry:
    registry = adapter_registry()
    registry.register("fake", FakeAdapter)
    return registry


def write_fake(path: Path, metrics: dict[str, list[object]] | None = None, **extra: object) -> Path:
    path.write_text(json.dumps({"metrics": metrics or {}, **extra}))
    return path
