"""The Trivy adapter: options, metrics, report header checks and the counts."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import family_metrics
from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import path_option
from qualitygates.adapters._times import rfc3339_time
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.adapters.trivy.findings import FAMILIES, KEEP, UNGATED, ReportReader
from qualitygates.adapters.trivy.ignore import IgnoreRules, load_ignore_file
from qualitygates.adapters.trivy.stream import Streamer
from qualitygates.adapters.trivy.vulns import SEVERITIES
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Measurement, Severity, Unit
from qualitygates.readers import read_json

#: Vulnerability Status values (aquasecurity/trivy-db pkg/types/status.go).
STATUSES = (
    "unknown",
    "not_affected",
    "affected",
    "fixed",
    "under_investigation",
    "will_not_fix",
    "fix_deferred",
    "end_of_life",
)
#: Result Class values (aquasecurity/trivy pkg/types/report.go).
CLASSES = (
    "os-pkgs",
    "lang-pkgs",
    "config",
    "secret",
    "license",
    "license-file",
    "custom",
    "unknown",
)
FIXABLE = "vulnerabilities.fixable"
ALL_FAMILIES = (*FAMILIES.values(), FIXABLE)


def _metric_specs() -> tuple[MetricSpec, ...]:
    specs: list[MetricSpec] = []
    for family in ALL_FAMILIES:
        what = "fixable vulnerabilities (FixedVersion set)" if family == FIXABLE else family
        for name in ("critical", "high", "total"):
            specs.append(MetricSpec(f"{family}.{name}", Unit.COUNT, f"{name} {what}", summary=True))
        others = ("medium", "low", "unknown")
        specs += family_metrics(
            family, others, f"{what} of that severity", placeholder="|".join(others)
        )
    return tuple(specs)


class TrivyAdapter(Adapter):
    """Counts Trivy's vulnerabilities, failed misconfigurations, secrets and licenses."""

    dated = True  # the report's CreatedAt
    names_commit = True  # Metadata.Commit, which repository scans write

    name = "trivy"
    summary = "Trivy JSON reports: vulnerabilities, misconfigurations, secrets, licenses"
    formats = (
        "Trivy JSON, SchemaVersion 2 (trivy image|fs|repo|config|vm|sbom --format json), gzip too",
    )
    options = (
        path_option("Trivy JSON report(s)"),
        OptionSpec(
            "severities",
            OptionKind.STRINGS,
            "count only these severities (all are listed)",
            default=(),
            choices=SEVERITIES,
            ignore_case=True,
        ),
        OptionSpec(
            "statuses",
            OptionKind.STRINGS,
            "count only vulnerabilities with these Status values",
            default=(),
            choices=STATUSES,
            ignore_case=True,
        ),
        OptionSpec(
            "fixable_only",
            OptionKind.BOOLEAN,
            "count only vulnerabilities with a FixedVersion",
            default=False,
        ),
        OptionSpec(
            "classes",
            OptionKind.STRINGS,
            "count only results of these Class values",
            default=(),
            choices=CLASSES,
            ignore_case=True,
        ),
        OptionSpec(
            "trivyignore",
            OptionKind.PATH,
            "a .trivyignore or .trivyignore.yaml to honour",
            default=None,
        ),
    )
    metrics = _metric_specs()

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report; findings outside the gated subset are kept but marked ungated."""
        options = request.options
        subset = GateSubset.from_options(options)
        ignore = options.get("trivyignore")
        rules = load_ignore_file(Path(ignore), request.now) if ignore else IgnoreRules()
        paths = expand_paths(options["path"])
        findings: list[Finding] = []
        times, commits = [], set()
        for path in paths:
            reader = ReportReader(path, subset, rules)
            streamer = Streamer(reader)
            report = read_json(path, "Trivy", KEEP, visit=streamer)
            created, commit = check_header(report, path)
            times.append(created)
            commits.add(commit)
            findings.extend(reader.findings(report, streamer.streamed))
        found_commits = commits - {None}
        return Collection(
            metrics={},
            findings=tuple(findings),
            sources=tuple(str(p) for p in paths),
            timestamp=min((t for t in times if t), default=None),  # the oldest, for maximum ages
            revision=found_commits.pop() if len(found_commits) == 1 else None,
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Counts by kind and severity of the gated, non-waived findings."""
        counts = {f"{fam}.{sev}": 0 for fam in ALL_FAMILIES for sev in (*SEVERITIES, "total")}
        # Findings share a few (kind, severity, fixable) combinations: count those in C.
        gated = (f for f in findings if UNGATED not in f.extra)
        for (kind, severity, fixable, waived), number in Counter(map(_COUNTED, gated)).items():
            family = FAMILIES.get(kind)
            if family is None or waived:
                continue  # outside the gated subset, or not a Trivy finding
            level = severity.value if severity.value in SEVERITIES else "unknown"
            families = [family, FIXABLE] if family == "vulnerabilities" and fixable else [family]
            for fam in families:
                counts[f"{fam}.{level}"] += number
                counts[f"{fam}.total"] += number
        return {name: count_metric(value) for name, value in counts.items()}


_COUNTED = operator.attrgetter("kind", "severity", "fixable", "waived")


class GateSubset:
    """The findings a check counts: `severities`, `statuses`, `fixable_only`, `classes`."""

    def __init__(
        self, severities: set[str], statuses: set[str], fixable_only: bool, classes: set[str]
    ):
        self.severities, self.statuses = severities, statuses
        self.fixable_only, self.classes = fixable_only, classes
        self.everything = not (severities or statuses or fixable_only or classes)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> GateSubset:
        """Validate the options: a misspelt value must not silently count nothing."""
        return cls(
            _choices(options, "severities", SEVERITIES),
            _choices(options, "statuses", STATUSES),
            bool(options.get("fixable_only")),
            _choices(options, "classes", CLASSES),
        )

    def counts(
        self, kind: str, severity: Severity, klass: str | None, status: str, fixable: bool
    ) -> bool:
        """True when a finding with these properties counts toward the gate."""
        if self.severities and severity.value not in self.severities:
            return False
        # A result without Class (old or hand-made reports) counts whatever the filter: fail closed.
        if self.classes and klass and klass not in self.classes:
            return False
        if kind != "vulnerability":
            return True
        return (not self.statuses or status in self.statuses) and (fixable or not self.fixable_only)


def _choices(options: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> set[str]:
    raw = options.get(name) or ()
    values = [raw] if isinstance(raw, str) else list(raw)
    chosen = {str(v).strip().lower() for v in values}
    wrong = sorted(chosen - set(allowed))
    if wrong:
        raise AdapterError(f"trivy option {name}: {wrong[0]!r} is not one of {', '.join(allowed)}")
    return chosen


def check_header(report: Any, path: Path) -> tuple[datetime | None, str | None]:
    """Refuse what is not a whole SchemaVersion 2 report; return its time and commit."""
    if report is None or isinstance(report, list):
        raise AdapterError(
            f"{path} is a legacy Trivy report (no SchemaVersion, trivy < 0.20): "
            "produce it again with a current trivy and --format json"
        )
    if not isinstance(report, dict):
        raise AdapterError(f"{path} is not a Trivy JSON report: its top level is not an object")
    version = report.get("SchemaVersion")
    if version is None:
        hint = " (it looks like SARIF: use the sarif adapter)" if "runs" in report else ""
        raise AdapterError(f"{path} is not a Trivy JSON report: it has no SchemaVersion{hint}")
    if version != 2 or isinstance(version, bool):
        raise AdapterError(
            f"{path} has Trivy SchemaVersion {version!r}; only SchemaVersion 2 is supported"
        )
    if "Results" not in report and not (report.get("ArtifactName") or report.get("ArtifactType")):
        raise AdapterError(
            f"{path} has no Results and no ArtifactName: "
            "the report looks truncated or was not written by trivy"
        )
    metadata = report.get("Metadata")
    commit = metadata.get("Commit") if isinstance(metadata, dict) else None
    return rfc3339_time(report.get("CreatedAt")), commit if isinstance(
        commit, str
    ) and commit else None
