"""The alerts adapter on small Prometheus rule files written by hand."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates.adapters.alerts import AlertsAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from tests.helpers import DATA, collect

HERE = DATA / "alerts"
PREFIX = "https://github.com/acme/payments/blob/main/"


def run(name: str, **options: object) -> tuple[dict[str, float], list[Finding]]:
    result = collect(AlertsAdapter, base_dir=HERE, path=str(HERE / name), **options)
    metrics = {k: m.value for k, m in result.metrics.items()}
    counts = AlertsAdapter().count_findings(result.findings)
    metrics.update({k: m.value for k, m in counts.items()})
    return metrics, list(result.findings)


def messages(findings: list[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]


def test_complete_rules_have_no_problem() -> None:
    metrics, findings = run(
        "good.yml", runbook_url_prefix=[PREFIX], required_alerts=["PaymentsDown"]
    )
    assert findings == []
    assert metrics == {
        "rules": 4,
        "alerts": 3,
        "invalid_rules": 0,
        "alerts_without_runbook": 0,
        "alerts_without_severity": 0,
        "alerts_without_summary": 0,
        "alerts_without_for": 0,
        "missing_alerts": 0,
    }


def test_runbook_under_prefix_must_resolve_to_a_heading() -> None:
    # Without the prefix, the GitHub URL is external and not checked.
    assert run("good.yml")[1] == []
    _, findings = run("good.yml", runbook_url_prefix=["https://github.com/acme/payments/blob/dev/"])
    assert findings == []


def test_alert_without_runbook_url() -> None:
    metrics, findings = run("incomplete.yml")
    assert metrics["alerts_without_runbook"] == 4
    assert messages(findings, "alert-without-runbook")[0] == (
        "alert 'CheckoutNoRunbook' (incomplete.yml:4) has no runbook_url annotation: "
        "link the runbook to follow"
    )


def test_broken_runbook_links_count_as_without_runbook() -> None:
    _, findings = run("incomplete.yml")
    assert messages(findings, "broken-runbook") == [
        "alert 'CheckoutBrokenRunbook' (incomplete.yml:13) has runbook_url "
        "'docs/runbook.md#checkout-errors', which is broken: docs/runbook.md has no heading "
        "with the anchor #checkout-errors",
        "alert 'CheckoutMissingRunbookFile' (incomplete.yml:21) has runbook_url "
        "'docs/checkout.md', which is broken: docs/checkout.md does not exist",
    ]


def test_alert_without_severity_summary_and_for() -> None:
    metrics, findings = run("incomplete.yml")
    assert (metrics["alerts_without_severity"], metrics["alerts_without_summary"]) == (1, 1)
    assert metrics["alerts_without_for"] == 1
    assert messages(findings, "alert-without-severity") == [
        "alert 'CheckoutBareAlert' (incomplete.yml:11) has no severity label: "
        "add labels.severity (e.g. critical)"
    ]
    assert messages(findings, "alert-without-for") == [
        "alert 'CheckoutBareAlert' (incomplete.yml:11) has no 'for': add one (e.g. for: 5m) "
        "so a blip does not page"
    ]
    finding = next(f for f in findings if f.rule == "alert-without-summary")
    assert (finding.location.path, finding.location.line, finding.location.package) == (
        "incomplete.yml",
        11,
        "CheckoutBareAlert",
    )


def test_promql_syntax_error_is_an_invalid_rule() -> None:
    metrics, findings = run("bad-promql.yml")
    assert metrics["invalid_rules"] == 1
    assert messages(findings, "invalid-rule") == [
        "bad-promql.yml:4: group 'broken', alert 'BrokenExpression': could not parse "
        "expression: unclosed left parenthesis"
    ]


def test_structure_errors_follow_promtool() -> None:
    metrics, findings = run("bad-structure.yml")
    assert metrics["invalid_rules"] == 6
    assert messages(findings, "invalid-rule") == [
        "bad-structure.yml:16: group name 'structure' is repeated in the same file",
        "bad-structure.yml:4: group 'structure', rule 'job:up:sum': invalid field 'for' in "
        "recording rule",
        "bad-structure.yml:7: group 'structure', alert 'BothKinds': only one of 'record' and "
        "'alert' must be set",
        "bad-structure.yml:10: group 'structure', alert 'NoExpr': field 'expr' must be set in rule",
        "bad-structure.yml:13: group 'structure', alert 'UnknownField': unknown field 'severity'",
        "bad-structure.yml:18: group 'structure', alert 'BadTemplate': annotation 'summary': "
        "template has an unclosed {{ action",
    ]


def test_required_alerts_must_be_defined() -> None:
    metrics, findings = run("incomplete.yml", required_alerts=["CheckoutNoRunbook", "PaymentsDown"])
    assert metrics["missing_alerts"] == 1
    assert messages(findings, "missing-alert") == [
        "required alert 'PaymentsDown' is not defined in any rule file"
    ]


def test_waived_findings_leave_the_counts() -> None:
    _, findings = run("incomplete.yml")
    kept = [f for f in findings if f.location.package != "CheckoutBareAlert"]
    counts = AlertsAdapter().count_findings(kept)
    assert counts["alerts_without_runbook"].value == 3
    assert counts["alerts_without_for"].value == 0


def test_prometheus_rule_resource_is_read() -> None:
    result = collect(AlertsAdapter, base_dir=HERE, path=str(HERE / "prometheusrule.yaml"))
    assert result.metrics["alerts"].value == 1
    assert result.findings == ()


def test_several_files_and_globs() -> None:
    metrics, _ = run("[gi]*.yml")
    assert (metrics["rules"], metrics["alerts"]) == (8, 7)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.yml", "missing.yml does not exist"),
        ("empty.yml", "empty.yml is empty"),
        ("truncated.yml", "truncated.yml is not valid YAML: found unexpected end of stream"),
        ("duplicate-key.yml", "is not valid YAML: mapping key 'expr' already defined at line 6"),
        ("not-rules.yml", "not-rules.yml is not a Prometheus rule file: it needs a top-level"),
        ("no-rules.yml", "no-rules.yml hold no rules: add rule groups, or fix the path"),
    ],
)
def test_unreadable_files_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError, match=None) as caught:
        run(name)
    assert message in str(caught.value)


def test_no_checker_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from qualitygates.adapters.alerts import promql

    monkeypatch.setattr(promql, "parser_module", lambda: None)
    monkeypatch.setattr(promql.shutil, "which", lambda _name: None)
    with pytest.raises(AdapterError, match="install the promql-parser package"):
        run("good.yml")


# Files whose verdict promtool and this adapter must share (PrometheusRule resources are
# not promtool's format, and an empty file is "0 rules" to promtool but an error here).
VERDICT_FILES = ["good.yml", "incomplete.yml", "bad-promql.yml", "bad-structure.yml",
                 "duplicate-key.yml", "not-rules.yml", "truncated.yml"]  # fmt: skip


def our_verdict(path: Path) -> bool:
    try:
        result = collect(AlertsAdapter, base_dir=path.parent, path=str(path))
    except AdapterError:
        return False
    return not any(f.rule == "invalid-rule" for f in result.findings)


@pytest.mark.realtool
@pytest.mark.parametrize("name", VERDICT_FILES)
def test_verdict_agrees_with_promtool(name: str) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package prometheus)")
    done = subprocess.run(
        [promtool, "check", "rules", str(HERE / name)], capture_output=True, timeout=30, check=False
    )
    assert our_verdict(HERE / name) == (done.returncode == 0)


@pytest.mark.realtool
def test_promtool_fallback_when_the_parser_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed (Debian package prometheus)")
    from qualitygates.adapters.alerts import promql

    monkeypatch.setattr(promql, "parser_module", lambda: None)
    metrics, findings = run("bad-promql.yml")
    assert metrics["invalid_rules"] == 1
    assert "unclosed left parenthesis" in messages(findings, "invalid-rule")[0]
    assert run("good.yml")[0]["invalid_rules"] == 0
