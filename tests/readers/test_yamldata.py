"""Sign-off records and ignore files refuse a repeated key and alias bombs, as gates.yaml does."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualitygates.adapters.attestations.record import read_record
from qualitygates.adapters.trivy.ignore import load_ignore_file
from qualitygates.errors import AdapterError
from qualitygates.readers.yamldata import YamlDataError, load_yaml_data

SIGN_OFF = """attestations:
  - check: rollback-drill
    result: fail
    by: ana
    at: 2026-12-01T10:00:00Z
    result: pass
"""


def test_a_second_result_cannot_turn_a_failed_sign_off_into_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "attestations.yaml"
    path.write_text(SIGN_OFF)
    with pytest.raises(AdapterError) as error:
        read_record(path)
    assert str(error.value) == (
        f"{path} is not valid: the key 'result' appears twice in one mapping (line 6)"
    )


def test_a_json_sign_off_repeating_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "attestations.json"
    path.write_text('{"attestations": [{"check": "x", "result": "fail",\n"result": "pass"}]}')
    with pytest.raises(
        AdapterError, match=r'the key "result" appears twice in one object \(line 2\)'
    ):
        read_record(path)


def test_a_trivy_ignore_file_repeating_a_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / ".trivyignore.yaml"
    path.write_text("vulnerabilities:\n  - id: CVE-1\nvulnerabilities: []\n")
    with pytest.raises(
        AdapterError, match=r"the key 'vulnerabilities' appears twice in one mapping \(line 3\)"
    ):
        load_ignore_file(path, datetime(2026, 12, 1, tzinfo=timezone.utc))


def test_an_alias_bomb_is_refused_before_anything_walks_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    with pytest.raises(YamlDataError, match="holds more than 100,000 values once its aliases"):
        load_yaml_data("\n".join(lines))


def test_merge_keys_may_be_overridden_and_aliases_within_budget_read() -> None:
    text = "base: &b {a: 1, b: 2}\nitem:\n  <<: *b\n  b: 3\n"
    assert load_yaml_data(text) == {"base": {"a": 1, "b": 2}, "item": {"a": 1, "b": 3}}
