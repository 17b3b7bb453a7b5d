"""Every JSON reader is strict: a repeated key, NaN or Infinity is an error, never a value.

`read_json` has three parse paths (the window reader, ijson for what it gives up on, the
standard library without ijson); each must refuse a repeated key and name it with its line,
including a key the slimmer drops and a key spelled with an escape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qualitygates.readers._slim as slim
import qualitygates.readers._window as window
from qualitygates.errors import AdapterError
from qualitygates.readers import InvalidJson, parse_json, read_json
from qualitygates.readers._strict import locate_duplicate

KEEP = frozenset({"Results", "Vulnerabilities", "Severity", "status", "a", "b"})
PATHS = ("window", "ijson", "stdlib", "whole")


def read(path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Read `path` through one parse path."""
    if how == "whole":
        return read_json(path, "test")
    if how == "ijson":
        monkeypatch.setattr(window.WindowReader, "read_object", _fallback)
        monkeypatch.setattr(window.WindowReader, "read_array", _fallback)
    if how == "stdlib":
        monkeypatch.setattr(slim, "ijson", None)
    return read_json(path, "test", KEEP)


def _fallback(self: Any, root: Any) -> None:
    raise window.Fallback


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.json"
    path.write_text(text, "utf-8")
    return path


TRIVY = """{
  "SchemaVersion": 2,
  "Results": [
    {"Target": "app", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "CRITICAL"}]}
  ],
  "Results": []
}"""


@pytest.mark.parametrize("how", PATHS)
def test_a_second_results_key_cannot_empty_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    with pytest.raises(AdapterError) as error:
        read(write(tmp_path, TRIVY), how, monkeypatch)
    assert str(error.value) == (
        f'{tmp_path}/report.json is not valid test JSON: the key "Results" appears twice '
        "in one object (line 6); a report must not repeat a key"
    )


@pytest.mark.parametrize("how", PATHS)
@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('{"status": "fail",\n "status": "pass"}', "status", 2),
        ('{"a": [{"b": 1,\n\n "b": 2}]}', "b", 3),
        ('[{"a": 1}, {"drop": 1, "x": 2,\n "drop": 3}]', "drop", 2),  # a key slimmed away
        ('{"a": 1, "\\u0061": 2}', "a", 1),  # the same key, escaped
        ('{"nested": {"deep": {"q": 1, "q": 1}}}', "q", 1),  # the same value twice
    ],
)
def test_every_parse_path_refuses_a_repeated_key_by_name_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, text: str, key: str, line: int
) -> None:
    with pytest.raises(
        AdapterError, match=rf'the key "{key}" appears twice in one object \(line {line}\)'
    ):
        read(write(tmp_path, text), how, monkeypatch)


def test_a_repeated_key_in_a_large_object_taken_apart_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Objects too large for a window are taken apart key by key; dropped keys too."""
    monkeypatch.setattr(slim, "CHUNK_BYTES", 64)
    items = ",".join(f'{{"Severity": "LOW", "n": {n}}}' for n in range(200))
    text = '{"Description": "x",\n"Results": [' + items + '],\n"Description": "y"}'
    with pytest.raises(AdapterError, match=r'the key "Description" appears twice.*\(line 3\)'):
        read_json(write(tmp_path, text), "test", KEEP)


@pytest.mark.parametrize("how", PATHS)
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, constant: str
) -> None:
    with pytest.raises(AdapterError, match="is not valid test JSON"):
        read(write(tmp_path, f'{{"a": [1, {constant}]}}'), how, monkeypatch)


def test_parse_json_is_as_strict_for_text_in_memory() -> None:
    with pytest.raises(InvalidJson) as error:
        parse_json('{"status":\n "ERROR", "status": "OK"}', "https://sonar/api", "SonarQube")
    assert str(error.value) == (
        'https://sonar/api is not valid SonarQube JSON: the key "status" appears twice in one '
        "object (line 2)"
    )
    with pytest.raises(InvalidJson, match="NaN is not a JSON number"):
        parse_json(b'{"value": NaN}', "reply", "Prometheus")
    with pytest.raises(InvalidJson, match=r"reply is not UTF-8 text \(byte 1\)"):
        parse_json(b'"\xff"', "reply", "Prometheus")
    assert parse_json('{"a": {"a": 1}}', "reply", "x") == {"a": {"a": 1}}  # nested: no repeat


_KEYS = st.sampled_from(["a", "b", "status", "drop", "Results", "k", ""])
_VALUES = st.recursive(
    st.none() | st.integers(-5, 5) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@given(doc=st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=4), data=st.data())
def test_a_repeat_injected_anywhere_is_found_by_every_path(doc: dict[str, Any], data: Any) -> None:
    """Repeat one member of any object of a valid document: every path refuses it."""
    text = json.dumps(doc)
    objects = [m for m in _objects(doc) if m]
    target = data.draw(st.sampled_from(objects))
    key = data.draw(st.sampled_from(sorted(target)))
    target[f"\x00{key}"] = target[key]  # a stand-in, renamed in the text below
    text = json.dumps(doc).replace(json.dumps(f"\x00{key}"), json.dumps(key))
    assert locate_duplicate(text) is not None
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_text(text, "utf-8")
        for how in PATHS:
            with (
                pytest.MonkeyPatch.context() as monkeypatch,
                pytest.raises(AdapterError, match="appears twice"),
            ):
                read(path, how, monkeypatch)


def _objects(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(_objects(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_objects(item))
    return found


def test_a_repeat_in_a_text_too_long_to_search_is_refused_without_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line is looked for token by token in Python: past a size, the error names the
    key the parser saw and no line, so a hostile file cannot make the error path slow."""
    import qualitygates.readers._slim as slim_module
    import qualitygates.readers._strict as strict

    monkeypatch.setattr(strict, "LOCATE_LIMIT", 10)
    monkeypatch.setattr(slim_module, "LOCATE_LIMIT", 10)
    text = '{"status": "fail",\n "status": "pass"}'
    expected = 'not valid test JSON: the key "status" appears twice in one object; a report'
    for keep in (None, KEEP):
        with pytest.raises(AdapterError, match=expected):
            read_json(write(tmp_path, text), "test", keep)
    with pytest.raises(InvalidJson, match=r'the key "status" appears twice in one object$'):
        parse_json(text, "reply", "test")
