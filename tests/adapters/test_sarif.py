"""The sarif adapter on a hand-written SARIF 2.1.0 log and on fresh ruff and bandit output."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.interface import Collection, CollectRequest
from qualitygates.adapters.sarif import SarifAdapter
from qualitygates.engine import RunOptions
from qualitygates.engine import run as run_engine
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Severity, Status
from qualitygates.policy import load_policy
from tests.helpers import DATA, FIXED_NOW

MULTI = DATA / "sarif" / "multi.sarif"


def run(
    path: Path | str, metrics: tuple[str, ...] = (), **options: Any
) -> tuple[Collection, dict[str, float]]:
    adapter = SarifAdapter()
    request = CollectRequest("test", {"path": str(path), **options}, metrics, Path.cwd(), FIXED_NOW)
    result = adapter.collect(request)
    counted = {
        **result.metrics,
        **adapter.count_findings([f for f in result.findings if not f.waived]),
    }
    return result, {name: m.value for name, m in counted.items()}


def test_levels_defaults_security_bands_and_suppressions() -> None:
    _, metrics = run(MULTI)
    nonzero = {k: v for k, v in metrics.items() if v and not k.startswith(("tool.", "rule."))}
    assert nonzero == {
        "results.error": 3,  # R1 by its rule's default level, and two ruff results
        "results.warning": 3,  # the SARIF default for a rule without one, and R2 under review
        "results.note": 1,
        "results.none": 1,  # kind: review defaults to none
        "results.total": 8,  # not: suppressed, baselineState absent, kind pass
        "security.critical": 1,  # rule property 9.8
        "security.high": 1,  # result property 7.5 wins over the rule's 5.0
        "security.medium": 1,
    }
    assert metrics["security.low"] == 0


def test_per_tool_and_per_rule_metrics() -> None:
    _, metrics = run(MULTI, ("rule.NOPE.total",), extra_rules=["NOPE"])
    assert metrics["tool.codeql.total"] == 6
    assert metrics["tool.codeql.none"] == 1
    assert (metrics["tool.ruff.error"], metrics["tool.ruff.total"]) == (2, 2)
    assert (metrics["rule.R2.total"], metrics["rule.R2.warning"]) == (2, 2)
    assert metrics["rule.S101.error"] == 2
    assert metrics["rule.NOPE.total"] == 0  # declared, no result: zero, not missing
    assert "tool.semgrep.total" not in metrics  # a tool the log does not have stays absent


def findings_by_message() -> dict[str, Finding]:
    result, _ = run(MULTI)
    return {f.message: f for f in result.findings}


def test_finding_fields() -> None:
    found = findings_by_message()
    sqli = found["SQL injection"]
    assert (sqli.id, sqli.rule, sqli.tool, sqli.severity) == (
        "R1",
        "R1",
        "CodeQL",
        Severity.CRITICAL,
    )
    assert (sqli.location.path, sqli.location.line) == ("src/app/main.py", 10)  # via SRCROOT
    assert (sqli.kind, sqli.extra) == (FindingKind.WEAKNESS, {"level": "error", "graded": True})
    weak = found["weak hash"]
    assert weak.id == "R2" and weak.severity is Severity.HIGH  # found through ruleIndex
    assert weak.location.path == "app/my util.py"
    assert (
        found["unused import"].severity is Severity.LOW
        and found["unused import"].location.path is None
    )
    assert found["rule not in the driver"].severity is Severity.MEDIUM
    assert found["needs a look"].severity is Severity.INFO
    assert found["Use of assert detected"].location.path in (
        "/home/runner/work/shop/pkg/a.py",
        "pkg/b.py",
    )
    assert "rule passed" not in found and "fixed since the baseline" not in found


def test_fingerprints_are_stable_and_ignore_lines() -> None:
    first, _ = run(MULTI)
    second, _ = run(MULTI)
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]
    ruff = [f for f in first.findings if f.tool == "ruff"]
    assert ruff[0].fingerprint != ruff[1].fingerprint  # different files


def test_suppressed_results_are_counted_out_and_said_to_be_suppressed_not_waived() -> None:
    found = findings_by_message()
    suppressed = found["suppressed in source"]
    assert suppressed.waived and suppressed.suppressed  # not counted, and no waiver of ours
    assert suppressed.waiver_reason == "suppressed in source: test data"
    assert not found["under review"].waived


def test_timestamp_and_revision() -> None:
    result, _ = run(MULTI)
    assert result.timestamp == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    assert result.revision == "4f1c2a9e0b7d"


def test_gzip_and_zero_results(tmp_path: Path) -> None:
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ruff"}}, "results": []}]}
    (tmp_path / "clean.sarif.gz").write_bytes(gzip.compress(json.dumps(log).encode()))
    result, metrics = run(tmp_path / "clean.sarif.gz", ("results.total",))
    assert (
        result.findings == () and metrics["results.total"] == 0 and metrics["tool.ruff.total"] == 0
    )


def log_with(run_extra: dict[str, Any] | None = None, **top: Any) -> str:
    body: dict[str, Any] = {"tool": {"driver": {"name": "scanner"}}, "results": []}
    body.update(run_extra or {})
    return json.dumps({"version": "2.1.0", "runs": [body], **top})


BAD_LOGS = [
    ("", "is empty: the tool that writes it failed or did not run"),
    ('{"version": "2.1.0", "runs": [{"tool"', "is not valid SARIF JSON: it ends early (truncated)"),
    (
        '{"errors": [], "results": []}',
        "is not SARIF: it has no 'runs' (write the report with the tool's SARIF format)",
    ),
    ('[{"runs": []}]', "is not SARIF: it has no 'runs'"),
    ('{"version": "2.1.0", "runs": []}', "has no runs: no tool ran, so there is nothing to judge"),
    ('{"version": "2.1.0", "runs": {}}', "'runs' should be an array: this is not valid SARIF"),
    ('{"version": "2.0.0", "runs": []}', "is SARIF version '2.0.0'; only SARIF 2.1.0 is supported"),
    (
        '{"version": "2.1.0", "runs": [{"results": []}]}',
        "runs[0] has no tool.driver.name: this is not valid SARIF",
    ),
    (
        log_with({"results": None}),
        "runs[0] (scanner) has no results array: the tool produced no results",
    ),
    (
        log_with({"invocations": [{"executionSuccessful": False, "exitCode": 2}]}),
        "the tool reports its run failed (scanner, runs[0].invocations[0].executionSuccessful is false, exit code 2)",
    ),
    (
        log_with({"results": [{"ruleId": "x", "level": "info"}]}),
        "runs[0].results[0].level 'info' is not a SARIF level",
    ),
    (log_with({"results": ["x"]}), "runs[0].results[0] should be an object"),
]


@pytest.mark.parametrize(("text", "message"), BAD_LOGS)
def test_broken_or_wrong_logs_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "scan.sarif"
    path.write_text(text)
    with pytest.raises(AdapterError, match=re.escape(message)) as caught:
        run(path)
    assert str(path) in str(caught.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist: check the path"):
        run(tmp_path / "scan.sarif")


def test_metric_names_fit_the_declared_patterns() -> None:
    for name in (
        "results.none",
        "security.low",
        "tool.semgrep-oss.error",
        "rule.python.lang.eval.total",
    ):
        assert SarifAdapter.metric_spec(name) is not None, name
    assert SarifAdapter.metric_spec("results.fatal") is None
    assert SarifAdapter.metric_spec("tool.ruff.errors") is None


# --- streaming -----------------------------------------------------------------------------

#: Results before the tool and base ids after them (ruff's order), two runs, artifacts by index.
RESULTS_FIRST = {
    "version": "2.1.0",
    "runs": [
        {
            "results": [
                {
                    "ruleIndex": 0,
                    "message": {"text": f"hit {n}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"index": n % 2},
                                "region": {"startLine": n + 1},
                            }
                        }
                    ],
                    "partialFingerprints": {"b": f"{n}", "a": "x" * 300, "SRCROOT": {"uri": 1}},
                    "codeFlows": [{"threadFlows": [{"locations": [{"message": {"text": "x"}}]}]}],
                }
                for n in range(40)
            ],
            "tool": {"driver": {"name": "ruff", "rules": [{"id": "E1"}]}},
            "artifacts": [
                {"location": {"uri": "a.py", "uriBaseId": "ROOT"}},
                {"location": {"uri": "b%20c.py"}},
            ],
            "originalUriBaseIds": {"ROOT": {"uri": "pkg/"}},
        },
        {
            "tool": {"driver": {"name": "Semgrep OSS"}},
            "results": [{"ruleId": "eval", "level": "note", "message": {"text": "eval"}}],
        },
    ],
}


def snapshot(path: Path) -> tuple[Any, ...]:
    result, metrics = run(path, ("rule.E1.total",), extra_rules=["E1"])
    return result.findings, metrics, result.timestamp, result.revision


@pytest.mark.parametrize("chunk", [1, 7, 300])
def test_any_chunk_size_and_the_whole_file_parser_read_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int
) -> None:
    import qualitygates.readers._slim as slim

    late = tmp_path / "late.sarif"
    late.write_text(json.dumps(RESULTS_FIRST))
    expected = {p: snapshot(p) for p in (MULTI, late)}
    found = {f.message: f for f in expected[late][0]}
    assert found["hit 3"].location.path == "b c.py" and found["hit 4"].location.path == "pkg/a.py"
    assert expected[late][1]["tool.semgrep-oss.note"] == 1
    monkeypatch.setattr(slim, "CHUNK_BYTES", chunk)
    assert {p: snapshot(p) for p in (MULTI, late)} == expected
    monkeypatch.setattr(slim, "ijson", None)  # the standard library reads the file whole
    assert {p: snapshot(p) for p in (MULTI, late)} == expected


def test_results_are_boiled_down_as_they_stream(tmp_path: Path) -> None:
    import tracemalloc

    from qualitygates.adapters.sarif.records import Result, load_log

    flow = [{"location": {"message": {"text": "step " * 40}}} for _ in range(16)]
    log = json.loads(json.dumps(RESULTS_FIRST))
    log["runs"][0]["results"] = [
        {"ruleId": "E1", "message": {"text": f"m{n}"}, "codeFlows": [{"threadFlows": flow}]}
        for n in range(2000)
    ]
    path = tmp_path / "big.sarif"
    path.write_text(json.dumps(log))
    tracemalloc.start()
    try:
        doc = load_log(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert all(isinstance(r, Result) for run in doc["runs"] for r in run["results"])
    # json.load would hold several times the file; the records are a small part of it.
    assert peak < path.stat().st_size / 5


def test_the_garbage_collector_is_switched_back_on(tmp_path: Path) -> None:
    import gc

    broken = tmp_path / "broken.sarif"
    broken.write_text(log_with({"results": [{"ruleId": "x", "level": "info"}]}))
    run(MULTI)
    with pytest.raises(AdapterError):
        run(broken)
    assert gc.isenabled()
    gc.disable()
    try:
        run(MULTI)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def _slim_reference(value: Any) -> Any:
    """The SARIF slimming written out plainly: what the adapter keeps of a parsed log."""
    from qualitygates.adapters.sarif.fields import KEEP, keep_free_form

    if isinstance(value, list):
        return [_slim_reference(v) for v in value]
    if not isinstance(value, dict):
        return value
    empty = {dict: {}, list: []}
    return {
        k: _slim_reference(v)
        for k, v in value.items()
        if k in KEEP or keep_free_form(k, empty.get(type(v), v))
    }


_KEYS = st.sampled_from(["results", "uri", "SRCROOT", "%B%", "codeFlows", "x", "text", "level"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.sampled_from(["s", "L" * 257]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@given(doc=st.dictionaries(_KEYS, _JSON, max_size=5), chunk=st.integers(1, 40))
def test_streamed_slimming_equals_a_plain_filter(doc: dict[str, Any], chunk: int) -> None:
    import tempfile

    import qualitygates.readers._slim as slim
    from qualitygates.adapters.sarif.fields import KEEP, keep_free_form

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_text(json.dumps(doc))
        saved = slim.CHUNK_BYTES
        slim.CHUNK_BYTES = chunk
        try:
            got = slim.load_slim_json(path, KEEP, "SARIF", keep_free_form)
        finally:
            slim.CHUNK_BYTES = saved
    assert got == _slim_reference(doc)


# --- real tools ---------------------------------------------------------------------------

BAD_CODE = """import pickle
import subprocess


def handler(data, cmd):
    assert data
    subprocess.call(cmd, shell=True)
    password = "hunter2"
    try:
        eval(data)
    except Exception:
        pass
    return pickle.loads(data), password
"""


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(
            f"{name} is not installed (pip install {'bandit[sarif]' if name == 'bandit' else name})"
        )
    return found


def plain_counts(path: Path) -> dict[str, int]:
    """Count results by level straight from the JSON, the SARIF defaulting rules spelled out."""
    counts = {"error": 0, "warning": 0, "note": 0, "none": 0}
    for sarif_run in json.loads(path.read_text())["runs"]:
        defaults = {
            r["id"]: r.get("defaultConfiguration", {}).get("level")
            for r in sarif_run["tool"]["driver"].get("rules", [])
        }
        for result in sarif_run["results"]:
            counts[result.get("level") or defaults.get(result.get("ruleId")) or "warning"] += 1
    return counts


@pytest.fixture
def bad_code(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "handler.py").write_text(BAD_CODE)
    return folder


@pytest.mark.realtool
def test_fresh_ruff_sarif(bad_code: Path, tmp_path: Path) -> None:
    ruff = tool("ruff")
    args = [
        ruff,
        "check",
        "--no-cache",
        "--isolated",
        "--select",
        "E,F,S,B",
        "--exit-zero",
        str(bad_code),
    ]
    out = tmp_path / "ruff.sarif"
    out.write_text(
        subprocess.run(
            [*args, "--output-format", "sarif"], capture_output=True, text=True, check=True
        ).stdout
    )
    ruff_json = subprocess.run(
        [*args, "--output-format", "json"], capture_output=True, text=True, check=True
    ).stdout
    _, metrics = run(out)
    plain = plain_counts(out)
    assert metrics["results.total"] == sum(plain.values()) == len(json.loads(ruff_json)) > 3
    assert all(metrics[f"results.{level}"] == n for level, n in plain.items())


@pytest.mark.realtool
def test_fresh_bandit_sarif(bad_code: Path, tmp_path: Path) -> None:
    bandit = tool("bandit")
    out, out_json = tmp_path / "bandit.sarif", tmp_path / "bandit.json"
    for fmt, target in (("sarif", out), ("json", out_json)):
        done = subprocess.run(
            [bandit, "-q", "-r", str(bad_code), "-f", fmt, "-o", str(target)],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 1) or not target.exists():
            pytest.skip(f"bandit -f {fmt} did not run: {done.stderr.strip()[:200]}")
    result, metrics = run(out)
    plain = plain_counts(out)
    assert (
        metrics["results.total"]
        == sum(plain.values())
        == len(json.loads(out_json.read_text())["results"])
        > 3
    )
    assert all(metrics[f"results.{level}"] == n for level, n in plain.items())
    assert {f.id for f in result.findings} >= {"B602", "B307", "B301"}
    # bandit writes no security-severity: its own issue_severity gives the band.
    severities = Counter(r["issue_severity"] for r in json.loads(out_json.read_text())["results"])
    assert severities["HIGH"] > 0
    assert [metrics[f"security.{s.lower()}"] for s in ("HIGH", "MEDIUM", "LOW")] == [
        severities["HIGH"],
        severities["MEDIUM"],
        severities["LOW"],
    ]
    with pytest.raises(AdapterError, match="is not SARIF"):
        run(out_json)  # bandit's own JSON


UNGRADED = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {"driver": {"name": "ruff", "rules": [{"id": "F401"}]}},
            "results": [
                {"ruleId": "F401", "level": "error", "message": {"text": "unused import"}},
            ],
        }
    ],
}


def test_a_gate_on_security_bands_of_a_tool_that_grades_none_is_an_error(
    tmp_path: Path,
) -> None:
    # ruff grades nothing by security: "security.high == 0" must not pass on its results.
    (tmp_path / "ruff.sarif").write_text(json.dumps(UNGRADED))
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: lint\n        adapter: sarif\n"
        "        with: {path: ruff.sarif}\n"
        "        conditions: [security.high == 0, new.security.high == 0, results.error <= 1]\n"
    )
    result = run_engine(load_policy(tmp_path / "gates.yaml"), RunOptions(now=FIXED_NOW))
    high, new_high, errors = result.gates[0].checks[0].conditions
    assert (high.status, new_high.status, errors.status) == (
        Status.ERROR,
        Status.WARNED,  # no baseline: on_no_baseline's default
        Status.PASSED,
    )
    assert "carries a security-severity" in high.message
    assert result.exit_code == 3


def test_a_clean_run_of_any_tool_has_no_security_findings(tmp_path: Path) -> None:
    clean = {**UNGRADED, "runs": [{**UNGRADED["runs"][0], "results": []}]}
    (tmp_path / "clean.sarif").write_text(json.dumps(clean))
    result, metrics = run(tmp_path / "clean.sarif")
    assert (result.unavailable, metrics["security.high"]) == ({}, 0)


# --- severities that are not on the tool's scale ----------------------------------------


def _log(result_properties: object = None, rule_properties: object = None,
         default_level: object = None) -> dict[str, Any]:  # fmt: skip
    rules: list[dict[str, Any]] = [
        {"id": "R1"},
        {"id": "R2", "properties": {"security-severity": "8.0"}},
    ]
    if rule_properties is not None:
        rules[0]["properties"] = rule_properties
    if default_level is not None:
        rules[0]["defaultConfiguration"] = {"level": default_level}
    result: dict[str, Any] = {"ruleId": "R1", "ruleIndex": 0, "message": {"text": "m"}}
    if result_properties is not None:
        result["properties"] = result_properties
    return {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "scanner", "rules": rules}}, "results": [result]}],
    }


@pytest.mark.parametrize(
    ("log", "message"),
    [
        (_log({"security-severity": "high"}),
         "runs[0].results[0].properties.security-severity 'high' is not a number from 0 to 10"),
        (_log({"security-severity": 11}),
         "runs[0].results[0].properties.security-severity 11 is not a number from 0 to 10"),
        (_log({"security-severity": "NaN"}),
         "runs[0].results[0].properties.security-severity 'NaN' is not a number from 0 to 10"),
        (_log({"security-severity": [7]}),
         "runs[0].results[0].properties.security-severity [7] is not a number from 0 to 10"),
        (_log(rule_properties={"security-severity": "-1"}),
         "runs[0]: rule 'R1' has security-severity '-1' is not a number from 0 to 10"),
        (_log({"issue_severity": "SEVERE"}),
         "runs[0].results[0].properties.issue_severity 'SEVERE' is not one of "
         "UNDEFINED/LOW/MEDIUM/HIGH/CRITICAL"),
        (_log(default_level="fatal"),
         "rule 'R1' defaultConfiguration.level 'fatal' is not a SARIF level "
         "(error, warning, note, none)"),
    ],
    ids=["word", "above-10", "nan", "list", "rule-negative", "issue-severity", "default-level"],
)  # fmt: skip
def test_a_severity_off_the_scale_is_an_error_even_beside_a_valid_one(
    tmp_path: Path, log: dict[str, Any], message: str
) -> None:
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(log))
    with pytest.raises(AdapterError) as raised:
        run(path, ("security.high",))
    assert str(raised.value) == f"{path}: {message}"


def test_a_score_of_zero_carries_no_band_and_a_string_score_is_read(tmp_path: Path) -> None:
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(_log({"security-severity": "0.0"})))
    assert run(path, ("security.high",))[1]["security.high"] == 0
    path.write_text(json.dumps(_log({"security-severity": " 9.1"})))
    assert run(path, ("security.critical",))[1]["security.critical"] == 1
