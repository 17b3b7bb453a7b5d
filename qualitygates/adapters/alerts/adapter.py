"""The alerts adapter: Prometheus alerting rules are valid and ready to page someone.

Every rule must be valid as `promtool check rules` judges it (structure and PromQL);
every alerting rule should have `for`, a `severity` label, and `summary` and `runbook_url`
annotations; a `runbook_url` that points into the repository (a relative path, or a URL
under `runbook_url_prefix`) must resolve, anchor included. `required_alerts` names alerts
that must exist. Problems are findings; the metrics count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import path_option
from qualitygates.adapters._required import Counted, Problem, Readiness
from qualitygates.adapters.alerts import promql
from qualitygates.adapters.alerts.rules import Rule, RuleFile, load_rule_file
from qualitygates.adapters.docs.checks import LinkChecker
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

TOOL = "alerts"
READINESS = Readiness(
    TOOL,
    {
        "invalid_rules": Counted("Rules promtool would reject.", ("invalid-rule",), summary=True),
        "alerts_without_runbook": Counted(
            "No runbook_url, or one that is broken.", ("alert-without-runbook", "broken-runbook")
        ),
        "alerts_without_severity": Counted("No severity label.", ("alert-without-severity",)),
        "alerts_without_summary": Counted("No summary annotation.", ("alert-without-summary",)),
        "alerts_without_for": Counted("No for duration.", ("alert-without-for",)),
        "missing_alerts": Counted("Names in required_alerts not defined.", ("missing-alert",)),
    },
    {"invalid-rule": Severity.HIGH, "missing-alert": Severity.HIGH},
    Severity.MEDIUM,
    total=None,
)


class AlertsAdapter(Adapter):
    """Prometheus alerting and recording rule files."""

    name = "alerts"
    summary = "Prometheus rule files: valid (as promtool judges), with severity, summary, runbook."
    formats = ("Prometheus rule files (YAML groups[].rules[])", "Kubernetes PrometheusRule")
    options = (
        path_option("Prometheus rule files", "each is checked"),
        OptionSpec("required_alerts", OptionKind.STRINGS, "Alert names that must be defined."),
        OptionSpec(
            "runbook_url_prefix",
            OptionKind.STRINGS,
            "URL prefixes that mean the policy's folder, e.g. "
            "https://github.com/acme/svc/blob/main/ (runbooks there must exist).",
        ),
    )
    metrics = (
        MetricSpec("rules", Unit.COUNT, "Rules (alerting and recording).", summary=True),
        MetricSpec("alerts", Unit.COUNT, "Alerting rules.", summary=True),
        *READINESS.metric_specs(),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every rule file, validate it, and check each alerting rule."""
        files = expand_paths(request.options["path"])
        checker = _Checker(request)
        for path in files:
            checker.check_file(path, load_rule_file(path))
        if not checker.rules:
            shown = ", ".join(str(p) for p in files)
            raise AdapterError(f"{shown} hold no rules: add rule groups, or fix the path")
        checker.check_required(request.options.get("required_alerts") or ())
        alerts = [r for r in checker.rules if r.is_alert]
        metrics = {"rules": count_metric(len(checker.rules)), "alerts": count_metric(len(alerts))}
        return Collection(
            metrics=metrics,
            findings=tuple(checker.findings),
            sources=tuple(str(p) for p in files),
            available=tuple(sorted({r.name for r in alerts})),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Each metric counts the findings of its rules."""
        return READINESS.count(findings)


class _Checker:
    """Collects rules and findings across files."""

    def __init__(self, request: CollectRequest) -> None:
        self.base = request.base_dir
        self.prefixes = tuple(str(p) for p in request.options.get("runbook_url_prefix") or ())
        self.links = LinkChecker(self.base)
        self.backend = promql.backend()
        self.rules: list[Rule] = []
        self.findings: list[Finding] = []

    def check_file(self, path: Path, parsed: RuleFile) -> None:
        shown = _shown(path, self.base)
        for line, message in parsed.problems:
            where = f"{shown}:{line}" if line else shown
            self._add("invalid-rule", shown, line or None, None, f"{where}: {message}")
        if self.backend == "promtool":
            for message in promql.promtool_errors(path):
                self._add("invalid-rule", shown, None, None, f"promtool: {message}")
        for rule in parsed.rules:
            self.rules.append(rule)
            self._check_rule(rule, shown)

    def _check_rule(self, rule: Rule, shown: str) -> None:
        errors = list(rule.errors)
        if self.backend == "promql-parser" and rule.expr:
            reason = promql.expression_error(rule.expr)
            if reason:
                errors.append(f"could not parse expression: {reason}")
        if errors:
            kind = "alert" if rule.is_alert else "rule"
            where = f"{shown}:{rule.line}: group {rule.group!r}, {kind} {rule.name!r}"
            self._add("invalid-rule", shown, rule.line, rule.name, f"{where}: {'; '.join(errors)}")
        if rule.is_alert:
            self._check_alert(rule, shown)

    def _check_alert(self, rule: Rule, shown: str) -> None:
        labels = rule.body.get("labels") or {}
        notes = rule.body.get("annotations") or {}
        where = f"alert {rule.name!r} ({shown}:{rule.line})"
        if not isinstance(labels, dict) or not _text(labels.get("severity")):
            self._add(
                "alert-without-severity",
                shown,
                rule.line,
                rule.name,
                f"{where} has no severity label: add labels.severity (e.g. critical)",
            )
        if not isinstance(notes, dict) or not _text(notes.get("summary")):
            self._add(
                "alert-without-summary",
                shown,
                rule.line,
                rule.name,
                f"{where} has no summary annotation: add annotations.summary",
            )
        if "for" not in rule.body:
            self._add(
                "alert-without-for",
                shown,
                rule.line,
                rule.name,
                f"{where} has no 'for': add one (e.g. for: 5m) so a blip does not page",
            )
        runbook = _text(notes.get("runbook_url")) if isinstance(notes, dict) else ""
        if not runbook:
            self._add(
                "alert-without-runbook",
                shown,
                rule.line,
                rule.name,
                f"{where} has no runbook_url annotation: link the runbook to follow",
            )
        else:
            self._check_runbook(rule, shown, where, runbook)

    def _check_runbook(self, rule: Rule, shown: str, where: str, url: str) -> None:
        if "{{" in url:
            return  # filled in per alert by Alertmanager: cannot be resolved here
        target = next((url[len(p) :] for p in self.prefixes if url.startswith(p)), None)
        if target is None and ("://" in url or url.startswith(("mailto:", "//"))):
            return  # outside the repository: not fetched
        target = "/" + (target if target is not None else url).lstrip("/")
        reason = self.links.broken_reason(self.base / "runbook", target)
        if reason:
            self._add(
                "broken-runbook",
                shown,
                rule.line,
                rule.name,
                f"{where} has runbook_url {url!r}, which is broken: {reason}",
            )

    def check_required(self, names: Sequence[str]) -> None:
        have = {r.name for r in self.rules if r.is_alert}
        self.findings += READINESS.missing("missing-alert", names, have.__contains__, _absent)

    def _add(self, rule: str, path: str, line: int | None, name: str | None, message: str) -> None:
        location = Location(path=path or None, line=line, package=name)
        self.findings.append(
            READINESS.finding(rule, Problem(message, location, (name or message, path)))
        )


def _absent(name: str) -> Problem:
    message = f"required alert {name!r} is not defined in any rule file"
    return Problem(message, Location(package=name), (name, ""))


def _text(value: object) -> str:
    return str(value).strip() if value is not None and not isinstance(value, (dict, list)) else ""


def _shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
