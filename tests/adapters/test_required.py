"""The readiness adapters' shared helper: problems become findings, findings become counts."""

from __future__ import annotations

from qualitygates.adapters._required import Counted, Problem, Readiness
from qualitygates.adapters.alerts import AlertsAdapter
from qualitygates.adapters.attestations import AttestationsAdapter
from qualitygates.adapters.dashboards import DashboardsAdapter
from qualitygates.adapters.docs import DocsAdapter
from qualitygates.adapters.evidence import EvidenceAdapter
from qualitygates.adapters.interface import fingerprint
from qualitygates.model import Finding, FindingKind, Location, Severity

RULES = Readiness(
    "drills",
    {
        "missing": Counted("Drills never run.", ("missing",)),
        "stale": Counted("Drills run too long ago.", ("stale", "future")),
    },
    {"stale": Severity.MEDIUM},
)


def test_a_problem_becomes_a_readiness_finding_named_by_its_rule() -> None:
    where = Location("ops/drills.yaml", None, "restore")
    finding = RULES.finding("stale", Problem("restore is old", where, ("restore",)))
    assert (finding.id, finding.rule, finding.tool, finding.kind) == (
        "stale", "stale", "drills", FindingKind.READINESS,
    )  # fmt: skip
    assert (finding.severity, finding.message, finding.location) == (
        Severity.MEDIUM, "restore is old", where,
    )  # fmt: skip
    assert finding.fingerprint == fingerprint("drills", "stale", "restore")
    assert RULES.finding("future", Problem("", where, ())).severity is Severity.HIGH


def test_missing_names_each_absent_item_in_order() -> None:
    found = RULES.missing(
        "missing",
        ["backup", "restore", "failover"],
        {"restore"}.__contains__,
        lambda name: Problem(f"{name} never ran", Location(package=name), (name,)),
    )
    assert [(f.message, f.location.package) for f in found] == [
        ("backup never ran", "backup"), ("failover never ran", "failover"),
    ]  # fmt: skip


def test_counts_by_rule_and_in_total_of_its_own_findings_only() -> None:
    problem = Problem("m", Location(), ())
    findings = [RULES.finding(rule, problem) for rule in ("missing", "stale", "future", "odd")]
    other = Finding("missing", "docs", Severity.HIGH, "not ours", rule="missing")
    counts = {name: m.value for name, m in RULES.count([*findings, other]).items()}
    assert counts == {"missing": 1, "stale": 2, "problems": 4}
    assert {name: m.value for name, m in RULES.count([]).items()} == dict.fromkeys(counts, 0)
    no_total = Readiness("drills", {"stale": Counted("Stale.", ("stale",))}, total=None)
    assert list(no_total.count(findings)) == ["stale"]


def test_all_five_readiness_adapters_count_through_it() -> None:
    for adapter in (
        DocsAdapter,
        AlertsAdapter,
        DashboardsAdapter,
        AttestationsAdapter,
        EvidenceAdapter,
    ):
        module = __import__(adapter.__module__, fromlist=["READINESS"])
        readiness = module.READINESS
        assert isinstance(readiness, Readiness) and readiness.tool == adapter.name
        declared = {spec.name for spec in adapter.metrics}
        assert set(readiness.count([])) <= declared, adapter.name
