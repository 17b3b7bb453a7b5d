"""The metrics report parses with prometheus_client's text parser and carries the verdicts,
the gated metrics and the finding counts, with label values escaped."""

from __future__ import annotations

import math

import pytest

from qualitygates.model import (
    CheckResult,
    GateResult,
    Measurement,
    RunResult,
    Severity,
    Status,
    Unit,
)
from qualitygates.plugins import reporter_registry
from qualitygates.reports.metrics_report import MetricsReporter, escape_label
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(result: RunResult) -> Samples:
    parser = pytest.importorskip("prometheus_client.parser")
    text = MetricsReporter().render(result).decode("utf-8")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in parser.text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(f"qualitygates_{name}", frozenset(labels.items()))]


def test_golden() -> None:
    assert_golden("rich.prom", MetricsReporter().render(rich_result()))


def test_registered() -> None:
    assert reporter_registry().load("metrics") is MetricsReporter


def test_run_gate_and_check_statuses() -> None:
    samples = parse(rich_result())
    assert value(samples, "run_exit_code") == 1
    assert value(samples, "run_status", status="failed") == 1
    assert value(samples, "run_status", status="passed") == 0
    assert value(samples, "run_timestamp_seconds") == 1795521600
    assert value(samples, "gate_status", gate="security", status="error") == 1
    assert sum(v for (n, labels), v in samples.items() if n == "qualitygates_gate_status") == 3
    assert (
        value(
            samples,
            "check_status",
            gate="performance",
            check="load",
            adapter="k6",
            status="skipped",
        )
        == 1
    )
    assert value(samples, "gate_blocking", gate="code-quality") == 1


def test_gated_metrics_thresholds_and_findings() -> None:
    samples = parse(rich_result())
    metric = {"gate": "code-quality", "check": "coverage", "metric": "line_rate", "unit": "percent"}
    assert value(samples, "metric", **metric) == 72.5
    threshold = {**metric, "condition": "line_rate >= 80%"}
    assert value(samples, "condition_threshold", **threshold) == 80
    deps = {"gate": "security", "check": "deps"}
    assert value(samples, "findings", **deps, severity="low") == 1
    assert value(samples, "findings", **deps, severity="critical") == 0  # waived
    assert value(samples, "findings_waived", **deps) == 1
    # a check that errored or was skipped has no counts: unknown is not zero
    assert not [
        k for k in samples if k[0] == "qualitygates_findings" and ("check", "image") in k[1]
    ]


def test_label_values_are_escaped() -> None:
    odd = 'we"ird\\gate\nname'
    samples = parse(with_findings(finding(severity=Severity.INFO), gate_id=odd))
    assert value(samples, "findings", gate=odd, check="scan", severity="info") == 1
    assert escape_label(odd) == 'we\\"ird\\\\gate\\nname'


def test_special_numbers_and_text_metrics() -> None:
    metrics = {
        "nan": Measurement(float("nan"), Unit.NUMBER),
        "inf": Measurement(float("inf"), Unit.MILLISECONDS),
        "state": Measurement("OK", Unit.TEXT),
    }
    check = CheckResult("c", "prometheus", Status.PASSED, True, metrics=metrics)
    gate = GateResult("g", "G", Status.PASSED, True, (check,))
    samples = parse(RunResult(Status.PASSED, (gate,), "not a date", 0.25, "p", "0.1.0"))
    labels = {"gate": "g", "check": "c"}
    assert math.isnan(value(samples, "metric", **labels, metric="nan", unit="number"))
    assert value(samples, "metric", **labels, metric="inf", unit="ms") == math.inf
    assert not [k for k in samples if ("metric", "state") in k[1]]
    assert not [k for k in samples if k[0] == "qualitygates_run_timestamp_seconds"]
    assert value(samples, "run_exit_code") == 0
