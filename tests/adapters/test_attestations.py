"""The attestations adapter and `append_attestation`, on small records written by hand."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from qualitygates.adapters.attestations import AttestationsAdapter, append_attestation, read_record
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from tests.helpers import DATA, collect

HERE = DATA / "attestations"
RECORD = str(HERE / "record.yaml")  # the run's clock is 2026-11-24T12:00Z (FIXED_NOW)


def run(required: object, path: str = RECORD) -> tuple[dict[str, float], list[Finding]]:
    result = collect(AttestationsAdapter, path=path, required=required)
    metrics = {k: m.value for k, m in result.metrics.items()}
    counts = AttestationsAdapter().count_findings(result.findings)
    metrics.update({k: m.value for k, m in counts.items()})
    return metrics, list(result.findings)


def only_message(required: object) -> str:
    _, findings = run(required)
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0].message


def test_latest_entry_counts_and_passes() -> None:
    metrics, findings = run({"rollback-drill": "30d"})
    assert findings == []
    assert (metrics["passed"], metrics["problems"]) == (1, 0)


def test_failed_check() -> None:
    assert only_message({"restore-test": "30d"}) == (
        "'restore-test' failed on its latest run (2026-11-20, by carol, see "
        "https://ci.example.com/runs/150): fix the cause, run it again and record a pass"
    )


def test_stale_check() -> None:
    assert only_message({"failover-test": "30d"}) == (
        "'failover-test' was last attested 115d 4h ago (2026-08-01, by dave), more than its "
        "maximum age of 30d: run it again"
    )


def test_future_dated_check() -> None:
    assert only_message({"pen-test-signoff": None}) == (
        "'pen-test-signoff' is dated 2026-12-01T00:00:00+00:00, after the run's time "
        "2026-11-24T12:00:00+00:00: correct its date"
    )


def test_self_approval_when_a_distinct_approver_is_required() -> None:
    required = [{"check": "security-review", "max_age": "30d", "distinct_approver": True}]
    assert only_message(required) == (
        "'security-review' was approved by its own author (frank), but needs a different approver"
    )


def test_no_approver_when_one_is_required() -> None:
    required = [{"check": "dr-plan-review", "distinct_approver": True}]
    assert only_message(required) == (
        "'dr-plan-review' (by grace) has no approver, but needs one other than its author: "
        "record it with --approver"
    )
    metrics, _ = run(required)
    assert metrics["self_approved"] == 1


def test_missing_check() -> None:
    assert only_message(["chaos-day"]) == (
        "'chaos-day' has never been attested in " + RECORD + ": run it, then record it with "
        "`qualitygates attest chaos-day --result pass --by NAME`"
    )


def test_all_metrics_together() -> None:
    required = [
        {"check": "rollback-drill", "max_age": "30d", "distinct_approver": True},
        {"check": "restore-test", "max_age": "30d"},
        {"check": "failover-test", "max_age": "30d"},
        {"check": "pen-test-signoff"},
        {"check": "security-review", "distinct_approver": True},
        {"check": "chaos-day"},
    ]
    metrics, findings = run(required)
    assert metrics == {
        "passed": 1,
        "missing": 1,
        "failed": 1,
        "stale": 1,
        "future": 1,
        "self_approved": 1,
        "problems": 5,
    }
    assert {f.location.package for f in findings} == {
        "restore-test", "failover-test", "pen-test-signoff", "security-review", "chaos-day",
    }  # fmt: skip


def test_json_record() -> None:
    metrics, _ = run({"rollback-drill": "7d"}, path=str(HERE / "record.json"))
    assert metrics["passed"] == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.yaml", "missing.yaml does not exist: record sign-offs with `qualitygates attest"),
        ("empty.yaml", "empty.yaml is empty"),
        ("truncated.yaml", "truncated.yaml is not valid YAML"),
        ("bad-result.yaml", "bad-result.yaml: entry 1: result 'ok' should be pass or fail"),
        ("bad-date.yaml", "bad-date.yaml: entry 1 (rollback-drill): 'at' 'last tuesday' is not"),
        ("unknown-key.yaml", "unknown-key.yaml: entry 1 has an unknown key 'aprover'"),
    ],
)
def test_unreadable_records_are_errors(name: str, message: str) -> None:
    with pytest.raises(AdapterError) as caught:
        run(["rollback-drill"], path=str(HERE / name))
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("required", "message"),
    [
        ({}, "must name the checks"),
        ({"drill": "soon"}, r"entry 1 \(drill\): max_age 'soon' is not a duration"),
        (
            [{"check": "drill", "distinct_approver": "yes"}],
            "distinct_approver must be true or false",
        ),
        ([{"name": "drill"}], "unknown key 'name'"),
    ],
)
def test_bad_requirements(required: object, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        run(required)


# --- append_attestation ------------------------------------------------------------

AT = datetime(2026, 11, 24, 10, 30, tzinfo=timezone.utc)


def test_append_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ops" / "attestations.yaml"
    append_attestation(path, "rollback-drill", "pass", "alice", "https://ci/1", AT, approver="bob")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Manual checks signed off")
    assert yaml.safe_load(text) == {"attestations": [{
        "check": "rollback-drill", "result": "pass", "by": "alice",
        "at": "2026-11-24T10:30:00Z", "evidence": "https://ci/1", "approver": "bob",
    }]}  # fmt: skip
    [entry] = read_record(path)
    assert entry.at == AT


def test_append_keeps_comments_and_formatting(tmp_path: Path) -> None:
    path = tmp_path / "attestations.yaml"
    original = (HERE / "record.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    append_attestation(path, "restore-test", "pass", "carol", None, AT)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original) :] == (
        "  - check: restore-test\n    result: pass\n    by: carol\n    at: '2026-11-24T10:30:00Z'\n"
    )
    assert len(read_record(path)) == 8
    metrics, _ = run({"restore-test": "1d"}, path=str(path))
    assert metrics["passed"] == 1


def test_append_rewrites_when_other_keys_follow(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("# keep me\nattestations:\n- check: a\n  result: pass\n  by: x\n"
                    "  at: 2026-01-01\nowner: team\n", encoding="utf-8")  # fmt: skip
    append_attestation(path, "b", "fail", "y", None, AT)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e["check"] for e in data["attestations"]] == ["a", "b"]
    assert data["owner"] == "team"
    assert path.read_text(encoding="utf-8").startswith("# keep me\n")


def test_append_to_an_empty_list_and_to_json(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("attestations: []\n", encoding="utf-8")
    append_attestation(path, "a", "pass", "x", None, AT)
    assert [e.check for e in read_record(path)] == ["a"]
    json_path = tmp_path / "a.json"
    append_attestation(json_path, "a", "pass", "x", None, AT)
    append_attestation(json_path, "b", "fail", "y", "https://ci/2", AT)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [e["check"] for e in data["attestations"]] == ["a", "b"]


def test_append_refuses_bad_values_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    with pytest.raises(AdapterError, match="result 'ok' should be pass or fail"):
        append_attestation(path, "a", "ok", "x", None, AT)
    append_attestation(path, "a", "pass", "x", None, AT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


# --- durations and instants (qualitygates/durations.py) ------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30d", 30 * 86400), ("12h", 43200), ("2w", 14 * 86400), ("1d12h", 129600), ("90m", 5400)],
)
def test_durations(text: str, seconds: int) -> None:
    from qualitygates.durations import parse_duration

    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "30", "d", "1.5d", "0d", "30 days", None, 30])
def test_bad_durations(text: object) -> None:
    from qualitygates.durations import parse_duration

    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_instants() -> None:
    from datetime import date

    from qualitygates.durations import parse_instant

    utc = datetime(2026, 11, 20, tzinfo=timezone.utc)
    assert parse_instant("2026-11-20") == parse_instant(date(2026, 11, 20)) == utc
    assert parse_instant("2026-11-20T01:00:00+01:00") == utc
    assert parse_instant("2026-11-20T00:00:00Z") == parse_instant("2026-11-20T00:00:00") == utc
    with pytest.raises(ValueError, match="is not an ISO 8601"):
        parse_instant("20/11/2026")
