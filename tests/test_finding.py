"""The typed finding: every field survives the JSON result, the fingerprint is hashed only
when read (and then equals `fingerprint(*identity)`), and secrets or controls in `extra`
are redacted and cleaned like every other text."""

from __future__ import annotations

import dataclasses
import inspect
import json
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters.interface import fingerprint
from qualitygates.adapters.trivy.vulns import vulnerability_finding
from qualitygates.model import (
    CheckResult,
    Finding,
    FindingKind,
    GateResult,
    Location,
    RunResult,
    Severity,
    Status,
)
from qualitygates.redaction import redact_result
from qualitygates.result_findings import finding_from_dict, finding_to_dict
from qualitygates.result_io import result_from_dict, result_to_dict
from qualitygates.sanitise import clean_result

_text = st.text(max_size=30)
_maybe_text = st.none() | _text
_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text
_scalars |= st.floats(allow_nan=False, allow_infinity=False)
_positive = st.integers(min_value=1, max_value=10**9)
_locations = st.builds(
    Location,
    path=_maybe_text,
    line=st.none() | _positive,
    package=_maybe_text,
    column=st.none() | _positive,
)
_findings = st.builds(
    Finding,
    id=_text,
    tool=_text,
    severity=st.sampled_from(Severity),
    message=_text,
    rule=_maybe_text,
    location=_locations,
    fixable=st.booleans(),
    fingerprint=st.text(alphabet="0123456789abcdef", max_size=16),
    purl=_maybe_text,
    kind=st.sampled_from(FindingKind),
    cwe=st.lists(_positive, max_size=3).map(tuple),
    occurrences=_positive,
    extra=st.dictionaries(_text, _scalars, max_size=4),
    identity=st.lists(_text, max_size=3).map(tuple),
    waived=st.booleans(),
    waiver_reason=_maybe_text,
)


def _fields(finding: Finding) -> dict[str, Any]:
    """Every field as written, the fingerprint included (`identity` only makes it)."""
    return {f.name: getattr(finding, f.name) for f in dataclasses.fields(Finding) if f.compare}


@given(_findings)
def test_every_field_of_a_finding_survives_json(finding: Finding) -> None:
    back = finding_from_dict(json.loads(json.dumps(finding_to_dict(finding))), 2)
    assert _fields(back) == _fields(finding)
    assert back == finding and hash(back) == hash(finding)
    assert back.fingerprint == (finding.fingerprint or "")


@given(st.lists(_findings, max_size=4))
def test_a_whole_result_survives_json(findings: list[Finding]) -> None:
    check = CheckResult("c", "x", Status.FAILED, True, findings=tuple(findings))
    gate = GateResult("g", "G", Status.FAILED, True, (check,))
    result = RunResult(Status.FAILED, (gate,), "2026-11-24T12:00:00+00:00", 1.0, "p", "0.1")
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result


def test_the_fingerprint_is_hashed_from_the_identity_on_first_read_only() -> None:
    parts = ("trivy", "CVE-2024-1", "openssl@3.0.1", "image (alpine 3.20)")
    made = Finding("CVE-2024-1", "trivy", Severity.HIGH, "m", identity=parts)
    assert made.__dict__["_fingerprint"] == ""  # construction hashes nothing
    assert made.fingerprint == fingerprint(*parts) == made.__dict__["_fingerprint"]
    given_one = Finding("CVE-2024-1", "trivy", Severity.HIGH, "m", fingerprint="tool-own-print")
    assert given_one.fingerprint == "tool-own-print"
    assert Finding("x", "t", Severity.LOW, "m").fingerprint == ""  # nothing to hash


def test_a_finding_made_from_parts_equals_one_read_back() -> None:
    parts = ("trivy", "CVE-2024-1", "openssl@3.0.1", "t")
    made = Finding("CVE-2024-1", "trivy", Severity.HIGH, "m", identity=parts)
    read = Finding("CVE-2024-1", "trivy", Severity.HIGH, "m", fingerprint=fingerprint(*parts))
    assert made == read and hash(made) == hash(read) and repr(made) == repr(read)
    assert dataclasses.replace(made, waived=True).fingerprint == read.fingerprint
    assert pickle.loads(pickle.dumps(made)) == made
    assert json.loads(json.dumps(dataclasses.asdict(made)))["fingerprint"] == read.fingerprint


def test_the_shared_empty_extra_cannot_be_changed_for_every_finding() -> None:
    one, other = (Finding(i, "t", Severity.LOW, "m") for i in ("a", "b"))
    assert one.extra is other.extra and one.extra == {}
    with pytest.raises(TypeError):
        one.extra["ungated"] = True  # type: ignore[index]
    assert other.extra == {}


def test_the_trivy_hot_path_hashes_nothing() -> None:
    item = {
        "VulnerabilityID": "CVE-1",
        "PkgName": "zlib",
        "InstalledVersion": "1.3",
        "Severity": "LOW",
    }
    finding = vulnerability_finding(item, "image")
    assert finding is not None and finding.__dict__["_fingerprint"] == ""
    assert finding.fingerprint == fingerprint("trivy", "CVE-1", "zlib@1.3", "image")
    assert (finding.kind, finding.is_security, finding.extra) == (
        FindingKind.VULNERABILITY,
        True,
        {},
    )


def test_security_comes_from_kind_cwe_or_purl_not_from_text() -> None:
    plain = Finding("CVE-2024-1", "plugin", Severity.HIGH, "CWE-79 vulnerability secret")
    assert not plain.is_security  # an id or message is never parsed
    for kind in FindingKind:
        finding = dataclasses.replace(plain, kind=kind)
        expected = kind in (FindingKind.VULNERABILITY, FindingKind.SECRET, FindingKind.WEAKNESS)
        assert finding.is_security is expected
    assert dataclasses.replace(plain, cwe=(79,)).is_security
    assert dataclasses.replace(plain, purl="pkg:npm/lodash@4.17.20").is_security


def _result_with(finding: Finding) -> RunResult:
    check = CheckResult("c", "x", Status.FAILED, True, findings=(finding,))
    gate = GateResult("g", "G", Status.FAILED, True, (check,))
    return RunResult(Status.FAILED, (gate,), "2026-11-24T12:00:00+00:00", 1.0, "p", "0.1")


def test_secrets_in_extra_are_redacted_and_fingerprints_kept() -> None:
    secret = "hunter2-token-value"
    parts = ("tool", "rule", f"at {secret}")
    finding = Finding(
        "rule", "tool", Severity.HIGH, "m", identity=parts,
        extra={"url": f"https://x/?t={secret}", secret: 3, "n": 1.5, "ok": True},
    )  # fmt: skip
    redacted = redact_result(_result_with(finding), [secret]).gates[0].checks[0].findings[0]
    assert redacted.extra == {"url": "https://x/?t=***", "***": 3, "n": 1.5, "ok": True}
    assert redacted.fingerprint == fingerprint(*parts)  # as the unredacted run matches it
    assert secret not in json.dumps(finding_to_dict(redacted))


def test_controls_in_extra_are_made_visible_for_a_console() -> None:
    finding = Finding("r", "t", Severity.LOW, "m", extra={"site": "a\x1b[31m\nb", "n": 2})
    cleaned = clean_result(_result_with(finding)).gates[0].checks[0].findings[0]
    assert cleaned.extra == {"site": "a\\u001b[31m⏎b", "n": 2}


@pytest.mark.parametrize("cls", [Finding, Location])
def test_the_hand_written_init_takes_every_field_with_its_default(cls: type) -> None:
    """`Finding` and `Location` write their fields without `object.__setattr__`: their
    `__init__` must still be the one the dataclass would make, field for field."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in params] == [f.name for f in dataclasses.fields(cls)]
    for param, spec in zip(params, dataclasses.fields(cls), strict=True):
        default = (
            spec.default if spec.default_factory is dataclasses.MISSING else spec.default_factory()
        )
        if spec.name == "fingerprint":
            default = ""  # the lazy descriptor's "none given"
        assert param.default == (
            inspect.Parameter.empty if default is dataclasses.MISSING else default
        )
    made = cls(*[f"v{n}" for n, p in enumerate(params) if p.default is inspect.Parameter.empty])
    assert dataclasses.replace(made) == made and hash(dataclasses.replace(made)) == hash(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, params[0].name, "other")  # frozen, as the dataclass would be
