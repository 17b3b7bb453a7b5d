"""The `lint` adapter: findings of ESLint, ruff and pylint JSON reports, counted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qualitygates.adapters._counts import counts_by, requested_zeros
from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import check_format, format_option, path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.adapters.lint.parsers import (
    LEVEL,
    Report,
    parse_eslint,
    parse_pylint,
    parse_ruff,
)
from qualitygates.adapters.lint.rules import RULE_PREFIX, check_requested, rule_problem
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Measurement, Unit
from qualitygates.readers import read_json

FORMATS = ("eslint", "ruff", "pylint")
# ESLint rule ids carry a plugin scope and a slash: `@typescript-eslint/no-unused-vars`.
RULE_PATTERN = r"rule\.[A-Za-z0-9@_][A-Za-z0-9@/_.:\-]*"

# Keys read by the parsers or by the format detection; the rest (ESLint's `source`, rule
# metadata, ruff's edits) is dropped while parsing, so memory follows the findings.
_KEEP = frozenset(
    {
        "filePath", "messages", "results", "metadata", "ruleId", "severity", "message",
        "line", "fatal", "fix", "statistics", "type", "symbol", "message-id", "messageId",
        "path", "code", "filename", "location", "row", "applicability", "check_name",
        "fingerprint", "runs", "column", "rulesMeta",
    }
)  # fmt: skip


def _rule_meta(key: str, value: Any) -> bool:
    """Keeps objects under other keys, their own keys filtered in turn: json-with-metadata's
    `rulesMeta` is keyed by rule, and each rule's `type` grades its findings."""
    return isinstance(value, dict)


def detect(data: Any, path: Path) -> str | None:
    """The lint format of a parsed report; None for an empty list (a clean run of any tool)."""
    if isinstance(data, dict):
        if "results" in data and "metadata" in data:
            return "eslint"
        if "messages" in data and "statistics" in data:
            return "pylint"
        if "runs" in data:
            raise AdapterError(f"{path} is a SARIF report: read it with the `sarif` adapter")
    elif isinstance(data, list):
        if not data:
            return None
        first = data[0]
        if isinstance(first, dict):
            found = _detect_entry(first)
            if found is not None:
                return found
            if "check_name" in first and "fingerprint" in first:
                raise AdapterError(
                    f"{path} is a GitLab Code Quality report; write ESLint, ruff or pylint JSON "
                    "instead (ruff: --output-format json)"
                )
    raise AdapterError(
        f"{path} is not an ESLint, ruff or pylint JSON report: write it with eslint -f json, "
        "ruff check --output-format json or pylint --output-format=json2"
    )


def _detect_entry(entry: dict[str, Any]) -> str | None:
    if "filePath" in entry and "messages" in entry:
        return "eslint"
    if "code" in entry and "filename" in entry:
        return "ruff"
    if "type" in entry and ("message-id" in entry or "symbol" in entry):
        return "pylint"
    return None


def read_report(path: Path, base_dir: Path, wanted: str | None) -> tuple[str | None, list[Finding]]:
    """The format of one report, detected from the content (None for an empty list), and
    its findings."""
    data = read_json(path, "lint", _KEEP, _rule_meta)
    found = detect(data, path)
    if found is None:
        return None, []
    check_format(path, found, wanted, f"{found} JSON")
    return found, _parse(data, found, Report(path, base_dir))


def _parse(data: Any, found: str, report: Report) -> list[Finding]:
    if found == "ruff":
        return parse_ruff(data, report)
    if found == "eslint":
        if isinstance(data, dict):  # json-with-metadata: {"results": [...], "metadata": {...}}
            results = report.field(data, "results", list, "report")
            return parse_eslint(results, report, _rule_types(data.get("metadata")))
        return parse_eslint(data, report)
    if isinstance(data, dict):  # pylint json2: {"messages": [...], "statistics": {...}}
        messages = report.field(data, "messages", list, "report")
        return parse_pylint(messages, report, "messageId")
    return parse_pylint(data, report, "message-id")


def _rule_types(metadata: Any) -> dict[str, str]:
    """rule -> its type (problem, suggestion, layout) from json-with-metadata's rulesMeta;
    a rule of no readable type is left out (and counts as a problem)."""
    rules = metadata.get("rulesMeta") if isinstance(metadata, dict) else None
    if not isinstance(rules, dict):
        return {}
    return {
        rule: meta["type"]
        for rule, meta in rules.items()
        if isinstance(meta, dict) and isinstance(meta.get("type"), str)
    }


def _tools(options: Mapping[str, Any]) -> tuple[str, ...]:
    """The tools whose reports a check may read: the one `format` names, else any."""
    wanted = options.get("format")
    return (wanted,) if wanted in FORMATS else FORMATS


class LintAdapter(Adapter):
    """Lint findings (ESLint, ruff, pylint JSON) counted by level and by rule."""

    name = "lint"
    summary = "Linter findings from ESLint, ruff or pylint JSON reports"
    formats = (
        "ESLint JSON (-f json) and json-with-metadata",
        "ruff JSON (ruff check --output-format json)",
        "pylint JSON (--output-format=json) and json2 (--output-format=json2)",
    )
    options = (
        path_option("lint report(s)"),
        format_option(FORMATS),
        OptionSpec(
            "extra_rules",
            OptionKind.STRINGS,
            "rule ids to accept beyond the ruff, pylint and ESLint rules qualitygates knows "
            "(a newer version's, a pylint plugin's)",
        ),
    )
    metrics = (
        MetricSpec(
            "errors",
            Unit.COUNT,
            "ESLint severity 2 and parse errors, every ruff violation, pylint fatal and error",
            summary=True,
        ),
        MetricSpec(
            "warnings",
            Unit.COUNT,
            "ESLint severity 1; pylint warning, refactor, convention and info",
            summary=True,
        ),
        MetricSpec("total", Unit.COUNT, "every finding (errors and warnings)", summary=True),
        MetricSpec(
            "fixable",
            Unit.COUNT,
            "findings the tool's --fix applies (ESLint fix, ruff safe fix; pylint never)",
        ),
        MetricSpec(
            "rule.<rule>",
            Unit.COUNT,
            "findings of one rule: ESLint ruleId, ruff code, pylint symbol (0 when none); "
            "messages with no rule are counted as rule.parse-error (a file ESLint could not "
            "parse), rule.eslint-core (ESLint's own notices, such as an unused directive) "
            "and rule.invalid-syntax (ruff)",
            pattern=RULE_PATTERN,
        ),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report the `path` globs match; the counts come from count_findings."""
        paths = expand_paths(request.options["path"])
        wanted = request.options.get("format")
        findings: list[Finding] = []
        formats: set[str | None] = set()
        for path in paths:
            found, read = read_report(path, request.base_dir, wanted)
            formats.add(found)
            findings.extend(read)
        # A requested rule must be one of the tools that wrote these reports (any tool the
        # check may read where an empty report does not say which).
        read_by = sorted(f for f in formats if f is not None)
        tools = _tools(request.options) if None in formats or not read_by else tuple(read_by)
        seen = {f.rule for f in findings if f.rule}
        check_requested(request.metrics, tools, request.options, seen, paths)
        rules = sorted(f"{RULE_PREFIX}{rule}" for rule in seen)
        return Collection(
            metrics=requested_zeros(request.metrics, RULE_PREFIX),
            findings=tuple(findings),
            sources=tuple(str(p) for p in paths),
            available=("errors", "warnings", "total", "fixable", *rules),
        )

    @classmethod
    def metric_problem(cls, metric: str, options: Mapping[str, Any]) -> str | None:
        """A `rule.<id>` that no tool the check may read has (nor `extra_rules`)."""
        return rule_problem(metric, _tools(options), options)

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Counts by level, fixable and by rule, of the findings left after waivers."""
        errors = sum(1 for f in findings if f.extra.get(LEVEL, "error") == "error")
        metrics = {
            "errors": count_metric(errors),
            "warnings": count_metric(len(findings) - errors),
            "total": count_metric(len(findings)),
            "fixable": count_metric(sum(1 for f in findings if f.fixable)),
        }
        return metrics | counts_by(findings, _rule_metric)


def _rule_metric(finding: Finding) -> str | None:
    return f"{RULE_PREFIX}{finding.rule}" if finding.rule else None
