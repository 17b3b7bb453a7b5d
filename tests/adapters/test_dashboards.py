"""The dashboards adapter on small Grafana dashboards written by hand, in every shape."""

from __future__ import annotations

import pytest

from qualitygates.adapters.dashboards import DashboardsAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from tests.helpers import DATA, collect

HERE = DATA / "dashboards"


def run(*names: str, **options: object) -> tuple[dict[str, float], list[Finding]]:
    result = collect(DashboardsAdapter, path=[str(HERE / n) for n in names], **options)
    metrics = {k: m.value for k, m in result.metrics.items()}
    counts = DashboardsAdapter().count_findings(result.findings)
    metrics.update({k: m.value for k, m in counts.items()})
    return metrics, list(result.findings)


def messages(findings: list[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]


def test_classic_dashboard_with_collapsed_rows_and_library_panels() -> None:
    metrics, findings = run("classic.json")
    # text, Requests, Empty query, Slow queries, No targets, Errors (library), Unexported
    assert metrics["panels"] == 7
    assert metrics["panels_without_queries"] == 3
    assert messages(findings, "panel-without-queries") == [
        "dashboard 'Payments / Overview': panel 'Empty query' has no query: add one or remove it",
        "dashboard 'Payments / Overview': panel 'No targets' has no query: add one or remove it",
        "dashboard 'Payments / Overview': panel 'Unexported' has no query: add one or remove it",
    ]
    assert findings[0].location.package == "payments-overview"


def test_api_wrapper_old_rows_and_resources() -> None:
    metrics, findings = run("api-wrapper.json", "old-rows.json", "v1-resource.json", "v2.json")
    assert metrics["dashboards"] == 4
    assert metrics["panels"] == 2 + 2 + 1 + 3
    assert messages(findings, "panel-without-queries") == [
        "dashboard 'Legacy': panel 'Uptime' has no query: add one or remove it",
        "dashboard 'Inventory': panel 'Nothing yet' has no query: add one or remove it",
    ]
    assert metrics["invalid_dashboards"] == 0


def test_required_dashboards_by_uid_or_title() -> None:
    metrics, findings = run(
        "classic.json",
        "v2.json",
        required=["payments-overview", "inventory", "CHECKOUT", "Shipping"],
    )
    assert metrics["missing_dashboards"] == 2
    assert messages(findings, "missing-dashboard") == [
        "required dashboard 'CHECKOUT' is not among the dashboards read "
        "(Inventory, Payments / Overview)",
        "required dashboard 'Shipping' is not among the dashboards read "
        "(Inventory, Payments / Overview)",
    ]
    metrics, _ = run("api-wrapper.json", "v1-resource.json", required=["checkout", "shipping"])
    assert metrics["missing_dashboards"] == 0


def test_invalid_dashboard_without_title_or_panels() -> None:
    metrics, findings = run("invalid.json")
    assert metrics["invalid_dashboards"] == 1
    assert messages(findings, "invalid-dashboard") == [
        f"dashboard 'broken' ({HERE / 'invalid.json'}) is invalid: it has no title; it has no panels"
    ]


def test_duplicate_uid_is_invalid() -> None:
    metrics, findings = run("api-wrapper.json", "duplicate-uid.json")
    assert metrics["invalid_dashboards"] == 1
    assert messages(findings, "invalid-dashboard")[0].endswith(
        f"is invalid: its uid 'checkout' is also used by {HERE / 'api-wrapper.json'}"
    )


def test_waiving_a_panel_changes_the_count() -> None:
    _, findings = run("classic.json")
    kept = [f for f in findings if "Unexported" not in f.message]
    assert DashboardsAdapter().count_findings(kept)["panels_without_queries"].value == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.json", "missing.json does not exist"),
        ("empty.json", "empty.json is empty"),
        ("truncated.json", "is not valid Grafana dashboard JSON"),
        ("not-dashboard.json", "not-dashboard.json is not a Grafana dashboard"),
    ],
)
def test_unreadable_files_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as caught:
        run(name)
    assert message in str(caught.value)
