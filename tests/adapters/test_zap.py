"""The zap adapter: alerts and instances by risk from ZAP traditional JSON and XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualitygates.adapters.zap import ZapAdapter
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity
from tests.helpers import DATA, collect, qualitygates

ZAP = DATA / "zap"


def _counts(findings: tuple[Finding, ...]) -> dict[str, float]:
    return {k: float(v.value) for k, v in ZapAdapter().count_findings(findings).items()}


@pytest.mark.parametrize("name", ["two-sites.json", "two-sites.xml"])
def test_two_sites_counts_alert_entries_by_risk(name: str) -> None:
    collection = collect(ZapAdapter, path=str(ZAP / name))
    assert _counts(collection.findings) == {
        "alerts.high": 1, "alerts.medium": 2, "alerts.low": 0, "alerts.informational": 1,
        "alerts.total": 4,
        # the report's `count` (5 for the CSP alert on shop) wins over the instances listed
        "instances.high": 2, "instances.medium": 6, "instances.low": 0,
        "instances.informational": 3, "instances.total": 11,
    }  # fmt: skip
    assert collection.sources == (str(ZAP / name),)


@pytest.mark.parametrize("name", ["two-sites.json", "two-sites.xml"])
def test_findings_carry_id_rule_location_and_cwe(name: str) -> None:
    findings = collect(ZapAdapter, path=str(ZAP / name)).findings
    xss = findings[0]
    assert (xss.id, xss.rule, xss.severity, xss.message) == (
        "40012", "40012", Severity.HIGH, "Cross Site Scripting (Reflected)",
    )  # fmt: skip
    assert xss.location.path == "https://shop.example.com/search?q=x"
    assert (xss.kind, xss.cwe, xss.is_security) == (FindingKind.WEAKNESS, (79,), True)
    assert xss.occurrences == 2
    assert xss.extra == {"site": "https://shop.example.com", "confidence": 2}
    csp = findings[1]
    assert (csp.id, csp.rule) == ("10038-1", "10038")
    # the same alert on two sites is two findings with different fingerprints
    assert findings[1].fingerprint != findings[3].fingerprint
    assert [f.fingerprint for f in findings] == [
        f.fingerprint for f in collect(ZapAdapter, path=str(ZAP / name)).findings
    ]


def test_false_positive_is_waived_and_not_counted() -> None:
    findings = collect(ZapAdapter, path=str(ZAP / "two-sites.json")).findings
    waived = [f for f in findings if f.waived]
    assert [(f.id, f.waiver_reason) for f in waived] == [
        ("10021", "marked as a false positive in ZAP")
    ]


def test_json_and_xml_give_the_same_findings() -> None:
    from_json = collect(ZapAdapter, path=str(ZAP / "two-sites.json")).findings
    from_xml = collect(ZapAdapter, path=str(ZAP / "two-sites.xml")).findings
    assert from_json == from_xml


def test_engine_waiver_keeps_instance_count() -> None:
    import dataclasses

    findings = list(collect(ZapAdapter, path=str(ZAP / "two-sites.json")).findings)
    findings[1] = dataclasses.replace(findings[1], waived=True, waiver_reason="accepted")
    counts = _counts(tuple(findings))
    assert (counts["alerts.medium"], counts["instances.medium"]) == (1, 1)


def test_site_without_alerts_is_clean() -> None:
    collection = collect(ZapAdapter, path=str(ZAP / "clean.json"))
    assert collection.findings == ()
    assert _counts(collection.findings)["alerts.total"] == 0


def test_old_json_with_single_objects() -> None:
    findings = collect(ZapAdapter, path=str(ZAP / "single-site-object.json")).findings
    assert [(f.id, f.severity, f.location.path) for f in findings] == [
        ("10020", Severity.MEDIUM, "https://www.example.com/")
    ]


def test_several_files_are_merged() -> None:
    findings = collect(
        ZapAdapter, path=[str(ZAP / "two-sites.json"), str(ZAP / "clean.json")]
    ).findings
    assert len(findings) == 5


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-site.xml", "no-site.xml lists no site: ZAP scanned nothing; check the target URL"),
        ("af-plan-errors.json", "ZAP's automation plan reported errors, so the scan may be "
         "incomplete: Job spider failed to access URL"),
        ("bad-risk.json", "alert 'Missing Anti-clickjacking Header' on https://shop.example.com "
         "has riskcode 'high', not 0 to 3"),
        ("not-zap.xml", "is not a ZAP report (its root element is <testsuites>, not <OWASPZAPReport>)"),
        ("not-zap.json", "is not a ZAP traditional JSON report (it has no `site`)"),
        ("truncated.xml", "is not well-formed XML"),
        ("truncated.json", "is not valid ZAP JSON"),
    ],
)  # fmt: skip
def test_broken_reports_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as info:
        collect(ZapAdapter, path=str(ZAP / name))
    assert message in str(info.value)


def test_truncated_files_say_so() -> None:
    for name in ("truncated.xml", "truncated.json"):
        with pytest.raises(AdapterError, match="looks truncated"):
            collect(ZapAdapter, path=str(ZAP / name))


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist"):
        collect(ZapAdapter, path=str(tmp_path / "zap.json"))
    with pytest.raises(AdapterError, match="no file matches"):
        collect(ZapAdapter, path=str(tmp_path / "*.json"))
    (tmp_path / "zap.json").write_bytes(b"")
    with pytest.raises(AdapterError, match=r"zap.json is empty"):
        collect(ZapAdapter, path=str(tmp_path / "zap.json"))


def test_gzipped_report(tmp_path: Path) -> None:
    import gzip

    target = tmp_path / "zap.xml.gz"
    target.write_bytes(gzip.compress((ZAP / "two-sites.xml").read_bytes()))
    assert len(collect(ZapAdapter, path=str(target)).findings) == 5


def test_declared_metrics() -> None:
    for name in ("alerts.high", "alerts.informational", "alerts.total", "instances.total"):
        assert ZapAdapter.metric_spec(name) is not None
    assert ZapAdapter.metric_spec("alerts.critical") is None


def _zap(tmp_path: Path, alert: dict[str, object]) -> Path:
    base = {"pluginid": "10020", "alert": "Missing header", "riskcode": "2", "confidence": "2",
            "count": "2", "instances": [{"uri": "http://a/1"}, {"uri": "http://a/2"}]}  # fmt: skip
    path = tmp_path / "zap.json"
    path.write_text(json.dumps({"site": [{"@name": "http://a", "alerts": [{**base, **alert}]}]}))
    return path


@pytest.mark.parametrize(
    ("alert", "message"),
    [
        ({"confidence": "7"}, "alert 'Missing header' on http://a has confidence '7', not 0 to 4"),
        ({"count": "1"}, "alert 'Missing header' on http://a has count 1 but lists 2 instances: "
                         "the report contradicts itself"),
        ({"count": "-3"}, "alert 'Missing header' on http://a has count '-3', not a number of "
                          "instances"),
    ],
    ids=["confidence", "count-below-listed", "count-not-a-number"],
)  # fmt: skip
def test_an_alert_that_is_not_zaps_is_an_error(
    tmp_path: Path, alert: dict[str, object], message: str
) -> None:
    path = _zap(tmp_path, alert)
    with pytest.raises(AdapterError) as raised:
        collect(ZapAdapter, path=str(path))
    assert str(raised.value) == f"{path}: {message}"


def test_a_count_above_the_listed_instances_is_zaps_own(tmp_path: Path) -> None:
    findings = collect(ZapAdapter, path=str(_zap(tmp_path, {"count": "40"}))).findings
    assert [f.occurrences for f in findings] == [40]


def test_an_alert_with_no_count_and_no_instance_makes_instances_unavailable(
    tmp_path: Path,
) -> None:
    """Every alert stands for one instance at least: read as 0, `instances.medium == 0`
    passed beside `alerts.medium == 1`."""
    path = _zap(tmp_path, {"count": None, "instances": None})
    collection = collect(ZapAdapter, path=str(path))
    for name in ("instances.medium", "instances.high", "instances.total"):
        assert collection.unavailable[name].startswith(
            "an alert in the reports has no count and lists no instance"
        )
    assert not any(name.startswith("alerts.") for name in collection.unavailable)
    assert _counts(collection.findings)["alerts.medium"] == 1
    listed = collect(ZapAdapter, path=str(_zap(tmp_path, {"count": None})))
    assert listed.unavailable == {} and [f.occurrences for f in listed.findings] == [2]
    _zap(tmp_path, {"count": None, "instances": None})
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: z\n        adapter: zap\n"
        "        with: {path: zap.json}\n        conditions: [instances.medium == 0]\n"
    )
    done = qualitygates("run", cwd=tmp_path)
    assert done.returncode == 3
    assert "instances.medium: an alert in the reports has no count" in done.stdout
