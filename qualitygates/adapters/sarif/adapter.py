"""The SARIF adapter: options, metrics, the log's shape and the counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import requested_zeros
from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.adapters.sarif.fields import BANDS
from qualitygates.adapters.sarif.records import load_log
from qualitygates.adapters.sarif.rules import RunRules
from qualitygates.adapters.sarif.run import BAND, GRADED, LEVEL, LEVELS, RunReader
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Measurement, Severity, Unit

_LEVEL_RE = "(error|warning|note|none|total)"
_SECURITY_METRICS = [f"security.{b.value}" for _, b in BANDS]
_UNGRADED = (
    "no rule or result in these SARIF files carries a security-severity (nor bandit's "
    "issue_severity), so the tool grades nothing by security: gate on results.<level> or "
    "rule.<id> instead"
)


class SarifAdapter(Adapter):
    """Counts SARIF results by level, security severity, tool and rule."""

    dated = True  # the runs' invocations[].endTimeUtc
    names_commit = True  # the runs' versionControlProvenance[].revisionId

    name = "sarif"
    summary = "SARIF 2.1.0 from any scanner or linter: results by level and security severity"
    formats = ("SARIF 2.1.0 (.sarif or .json, gzip too), one or several runs",)
    options = (
        path_option("SARIF file(s)"),
        OptionSpec(
            "extra_rules",
            OptionKind.STRINGS,
            "rule ids to accept beyond those the runs list and the ruff, bandit and ESLint "
            "rules qualitygates knows",
        ),
    )
    metrics = (
        *(
            MetricSpec(f"results.{n}", Unit.COUNT, f"{n} results", summary=True)
            for n in ("error", "warning", "total")
        ),
        MetricSpec(
            "results.<note|none>", Unit.COUNT, "results of that level", r"results\.(note|none)"
        ),
        *(
            MetricSpec(f"security.{n}", Unit.COUNT, f"{n} security-severity results", summary=True)
            for n in ("critical", "high")
        ),
        MetricSpec(
            "security.<medium|low>",
            Unit.COUNT,
            "results of that security band",
            r"security\.(medium|low)",
        ),
        MetricSpec(
            "tool.<tool>.<level|total>",
            Unit.COUNT,
            "results of one tool (driver name)",
            r"tool\.[^.]+\." + _LEVEL_RE,
        ),
        MetricSpec(
            "rule.<ruleId>.<level|total>",
            Unit.COUNT,
            "results of one rule",
            r"rule\..+\." + _LEVEL_RE,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every SARIF file; suppressed results are listed as waived."""
        paths = expand_paths(request.options["path"])
        findings: list[Finding] = []
        times: list[datetime] = []
        revisions: list[str] = []
        tools: set[str] = set()
        rules = RunRules()  # what a requested rule.<id> is checked against
        graded = False  # some rule or result carries a security band
        for path in paths:
            for index, run in enumerate(_runs(load_log(path), path)):
                reader = RunReader(path, index, run)
                tools.add(_metric_name(reader.tool))
                rules.add(reader)
                findings.extend(reader.findings())
                times.extend(reader.times())
                revisions.extend(reader.revisions())
                graded = graded or reader.declares_security()
        rules.check(request.metrics, request.options, findings, paths)
        graded = graded or not findings or any(GRADED in f.extra for f in findings)
        return Collection(
            metrics=_zero_counts(tools, request.metrics),
            findings=tuple(findings),
            # A tool that grades no result (ruff, ESLint) must not read "0 high" to a gate.
            unavailable={} if graded else dict.fromkeys(_SECURITY_METRICS, _UNGRADED),
            sources=tuple(str(p) for p in paths),
            timestamp=max(times, default=None),
            revision=revisions[0] if len(set(revisions)) == 1 else None,
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Counts by level, security band, tool and rule of the non-waived findings."""
        counts: dict[str, int] = {f"results.{n}": 0 for n in (*LEVELS, "total")}
        counts.update({f"security.{b.value}": 0 for _, b in BANDS})
        # Findings share a few (tool, rule, level) combinations: count those, then name them
        # in the order the findings first show them.
        kinds = Counter(
            (f.tool, f.id, f.extra.get(LEVEL), GRADED in f.extra, _band(f))
            for f in findings
            if not f.waived
        )
        tools: dict[str, str] = {}
        for (tool_name, rule, level, security, severity), number in kinds.items():
            if level not in LEVELS:
                continue
            tool = tools.get(tool_name) or tools.setdefault(tool_name, _metric_name(tool_name))
            for prefix in ("results", f"tool.{tool}", f"rule.{rule}"):
                for name in (f"{prefix}.{level}", f"{prefix}.total"):
                    counts[name] = counts.get(name, 0) + number
            if security:
                counts[f"security.{severity.value}"] += number
        return {name: count_metric(value) for name, value in counts.items()}


def _band(finding: Finding) -> Severity:
    """The band a graded finding is counted in: its severity, unless shown lower."""
    band = finding.extra.get(BAND)
    return Severity(band) if isinstance(band, str) else finding.severity


def _zero_counts(tools: set[str], requested: tuple[str, ...]) -> dict[str, Measurement]:
    """Zero for every tool that ran and every rule asked for: a tool or rule with no
    result left after waivers counts 0. count_findings' counts replace these."""
    zeros = [f"tool.{tool}.{n}" for tool in sorted(tools) for n in (*LEVELS, "total")]
    return {name: count_metric(0) for name in zeros} | requested_zeros(requested, "rule.")


def _metric_name(tool: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", tool.lower()).strip("-") or "unknown"


def _runs(doc: Any, path: Path) -> list[dict[str, Any]]:
    """The runs of a SARIF log, refusing what is not SARIF 2.1.0 or ran nothing."""
    if not isinstance(doc, dict) or "runs" not in doc:
        raise AdapterError(
            f"{path} is not SARIF: it has no 'runs' (write the report with the tool's SARIF format)"
        )
    if doc.get("version") != "2.1.0":
        raise AdapterError(
            f"{path} is SARIF version {doc.get('version')!r}; only SARIF 2.1.0 is supported"
        )
    runs = doc["runs"]
    if not isinstance(runs, list):
        raise AdapterError(f"{path}: 'runs' should be an array: this is not valid SARIF")
    if not runs:
        raise AdapterError(f"{path} has no runs: no tool ran, so there is nothing to judge")
    for index, run in enumerate(runs):
        if not isinstance(run, dict):
            raise AdapterError(
                f"{path}: runs[{index}] should be an object: this is not valid SARIF"
            )
    return runs
