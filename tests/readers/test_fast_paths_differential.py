"""Differential tests: every fast path against the reference parser, on mutated real reports.

The fast paths (the JSON window scanner, the XML skimmer) read what they can prove they
understand and hand the rest to a slow path. A hostile report can be written in any way the
format allows: keys and values spelled with escapes, attributes reordered or quoted
differently, character references, whitespace, comments, a repeated key or attribute. Real
reports (the bundled example's, the test data's, and the shared corpus when present) are
mutated in those ways, and what the adapter measures through its fast path must equal what it
measures through the reference parser (`json.loads`; expat element by element, with
ElementTree deciding what is well-formed): the same numbers, or both refusing the file.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qualitygates.adapters._xmlskim as xmlskim
import qualitygates.readers._slim as slim
import qualitygates.readers._window as window
from qualitygates.adapters.coverage.cobertura import read_cobertura
from qualitygates.adapters.coverage.jacoco import read_jacoco
from qualitygates.adapters.coverage.store import LineStore
from qualitygates.adapters.duplication import DuplicationAdapter
from qualitygates.adapters.junit.cases import Tally
from qualitygates.adapters.junit.reader import FileReader
from qualitygates.adapters.lint import LintAdapter
from qualitygates.adapters.sarif import SarifAdapter
from qualitygates.adapters.trivy import TrivyAdapter
from qualitygates.errors import AdapterError
from tests.helpers import ROOT, collect, corpus_files

REPORTS = ROOT / "examples" / "reports"
DATA = ROOT / "tests" / "data"

TRIVY = [REPORTS / "trivy.json", *sorted((DATA / "trivy").glob("*.json"))]
TRIVY += corpus_files("trivy/*.json", "set-b/trivy/*.json")
SARIF = [REPORTS / "bandit.sarif", DATA / "sarif" / "multi.sarif"]
SARIF += corpus_files("sarif/*.sarif", "set-b/*/*.sarif")
LINT = [REPORTS / "ruff.json", *corpus_files("lint/*.json", "set-b/eslint/*.json")]
LINT += corpus_files("set-b/ruff/ruff*.json")
JSCPD = [REPORTS / "jscpd-report.json", *corpus_files("duplication/*.json")]
COBERTURA = [REPORTS / "coverage.xml", *corpus_files("coverage/*.xml", "set-b/*/*.xml")]
JACOCO = [p for p in COBERTURA if b"<report" in p.read_bytes()[:3000]]
COBERTURA = [p for p in COBERTURA if b"<coverage" in p.read_bytes()[:3000]]
JUNIT = [REPORTS / "junit.xml", *corpus_files("junit/*.xml", "set-b/*/*.xml")]
JUNIT = [
    p for p in JUNIT if b"<testsuite" in p.read_bytes()[:3000] or b"<testcase" in p.read_bytes()
]

TRIVY_METRICS = (
    "vulnerabilities.critical",
    "vulnerabilities.high",
    "vulnerabilities.total",
    "secrets.total",
    "misconfigurations.total",
)
SARIF_METRICS = ("results.error", "results.warning", "results.total")
LINT_METRICS = ("errors", "warnings", "total")
JSCPD_METRICS = ("percentage", "duplicated_lines", "clones")


# --- JSON: the window scanner, ijson and json.loads give one answer -----------------------


def dump(value: Any, rng: random.Random) -> str:
    """`value` as JSON text written in one of the many ways the format allows."""
    if isinstance(value, dict):
        items = list(value.items())
        if rng.random() < 0.2:
            rng.shuffle(items)
        members = [f"{_blank(rng)}{_string(k, rng)}{_blank(rng)}:{_blank(rng)}{dump(v, rng)}"
                   for k, v in items]  # fmt: skip
        return "{" + ",".join(members) + _blank(rng) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_blank(rng) + dump(v, rng) for v in value) + _blank(rng) + "]"
    if isinstance(value, str):
        return _string(value, rng)
    return json.dumps(value)


def _blank(rng: random.Random) -> str:
    return rng.choice(["", "", "", " ", "\n", "\t", "\r\n  "])


def _string(text: str, rng: random.Random) -> str:
    """A JSON string for `text`, some characters spelled as `\\uXXXX` (surrogate pairs too)."""
    rate = rng.choice([0.0, 0.0, 0.05, 0.5, 1.0])
    out = []
    for char in text:
        if rng.random() < rate:
            out.append(json.dumps(char, ensure_ascii=True)[1:-1] if ord(char) > 0xFFFF
                       else f"\\u{ord(char):04{rng.choice('xX')}}")  # fmt: skip
        else:
            out.append(json.dumps(char, ensure_ascii=False)[1:-1])
    return '"' + "".join(out) + '"'


def repeat_a_key(text: str, value: Any, rng: random.Random) -> str | None:
    """The document with one member of one object written twice, or None if it has none."""
    objects = [o for o in _objects(value) if o]
    if not objects:
        return None
    target = rng.choice(objects)
    key = rng.choice(sorted(target))
    target[f"\x00{key}"] = target[key]
    return json.dumps(value).replace(json.dumps(f"\x00{key}"), json.dumps(key))


def _objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(o for v in value.values() for o in _objects(v))]
    if isinstance(value, list):
        return [o for v in value for o in _objects(v)]
    return []


def outcome(measure: Callable[[Path], Any], path: Path) -> Any:
    """What `measure` gives, or its error (where it says the fault is: parsers differ)."""
    try:
        return measure(path)
    except AdapterError as exc:
        message = str(exc).replace(str(path.parent), "")
        return ("error", re.sub(r"\(line \d+\)|line \d+ column \d+", "", message))


def _measure_with(adapter: type[Any], metrics: tuple[str, ...]) -> Callable[[Path], Any]:
    def measure(path: Path) -> Any:
        found = collect(adapter, metrics, path=str(path))
        counts = adapter().count_findings(found.findings)
        return dict(found.metrics) | counts, sorted(repr(f) for f in found.findings)

    return measure


def each_path(measure: Callable[[Path], Any], path: Path) -> dict[str, Any]:
    """The outcome through the window scanner, through ijson, and through `json.loads`."""
    results = {"window": outcome(measure, path)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(window.WindowReader, "read_object", _fallback)
        patch.setattr(window.WindowReader, "read_array", _fallback)
        results["ijson"] = outcome(measure, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slim, "ijson", None)
        results["json.loads"] = outcome(measure, path)
    return results


def _fallback(self: Any, root: Any) -> None:
    raise window.Fallback


JSON_CASES = [
    *((p, TrivyAdapter, TRIVY_METRICS) for p in TRIVY),
    *((p, SarifAdapter, SARIF_METRICS) for p in SARIF),
    *((p, LintAdapter, LINT_METRICS) for p in LINT),
    *((p, DuplicationAdapter, JSCPD_METRICS) for p in JSCPD),
]


@given(case=st.sampled_from(JSON_CASES), seed=st.integers(0, 2**32), repeat=st.booleans())
def test_json_fast_paths_equal_json_loads_on_mutated_real_reports(
    case: tuple[Path, type[Any], tuple[str, ...]], seed: int, repeat: bool
) -> None:
    source, adapter, metrics = case
    value = json.loads(source.read_text("utf-8-sig"))
    rng = random.Random(seed)
    text = repeat_a_key("", value, rng) if repeat else dump(value, rng)
    if text is None:
        return
    measure = _measure_with(adapter, metrics)
    with tempfile.TemporaryDirectory() as tmp:  # one name: a finding may name its file
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        canonical, mutated = Path(tmp) / "a" / source.name, Path(tmp) / "b" / source.name
        canonical.write_text(json.dumps(json.loads(source.read_text("utf-8-sig"))), "utf-8")
        mutated.write_text(text, "utf-8")
        reference = outcome(measure, canonical)
        results = each_path(measure, mutated)
    assert results["window"] == results["ijson"] == results["json.loads"]
    if repeat:
        assert results["window"][0] == "error" and "appears twice" in results["window"][1]
    else:
        assert results["window"] == reference


# --- XML: the skimmer against ElementTree --------------------------------------------------

_START_TAG = re.compile(rb"<(line|testcase)\s((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*("[^"]*"|'[^']*')""")


def mutate_xml(data: bytes, rng: random.Random) -> tuple[bytes, bool]:
    """`data` with some `<line>`/`<testcase>` start tags rewritten; and whether one of them
    now repeats an attribute (which makes the document malformed)."""
    malformed = [False]

    def rewrite(match: re.Match[bytes]) -> bytes:
        if rng.random() < 0.7:
            return match.group(0)
        attributes = _ATTRIBUTE.findall(match.group(2))
        if rng.random() < 0.3:
            rng.shuffle(attributes)
        if rng.random() < 0.5:  # as tools write it, so that the bulk pattern may take it
            written = [name + b"=" + value for name, value in attributes]
            if attributes and rng.random() < 0.3:
                name, value = rng.choice(attributes)
                written.append(name + b"=" + value)
                malformed[0] = True
            return b"<" + match.group(1) + b" " + b" ".join(written) + match.group(3) + b">"
        written = [_attribute(name, value, rng) for name, value in attributes]
        if rng.random() < 0.2:
            written.append(b'x-note="&lt;line number=&quot;9&quot; hits=&quot;5&quot;/&gt;"')
        if attributes and rng.random() < 0.1:
            name, value = rng.choice(attributes)
            written.append(name + b"=" + value)
            malformed[0] = True
        comment = b"<!-- <line number='1' hits='9'/> -->" if rng.random() < 0.1 else b""
        gap = rng.choice([b" ", b"  ", b"\n ", b"\t"])
        end = rng.choice([b"", b" ", b"\n"]) + match.group(3) + b">"
        return comment + b"<" + match.group(1) + gap + gap.join(written) + end

    return _START_TAG.sub(rewrite, data), malformed[0]


def _attribute(name: bytes, quoted: bytes, rng: random.Random) -> bytes:
    value = quoted[1:-1]
    if value and rng.random() < 0.3:  # one character as a character reference
        at = rng.randrange(len(value))
        if value[at : at + 1].isalnum():
            value = value[:at] + b"&#%d;" % value[at] + value[at + 1 :]
    quote = rng.choice([b'"', b"'"]) if b"'" not in value and b'"' not in value else quoted[:1]
    equals = rng.choice([b"=", b" = ", b"\n=\t"])
    return name + equals + quote + value + quote


def _cobertura(path: Path) -> Any:
    store = LineStore()
    read_cobertura(path, store)
    totals = store.totals()
    return (
        totals.lines_valid,
        totals.lines_covered,
        totals.branches_valid,
        totals.branches_covered,
    )


def _junit(path: Path) -> Any:
    tally = Tally()
    FileReader(path, tally).read()
    return tally.tests, tally.counts["passed"], round(tally.duration, 9)


def _jacoco(path: Path) -> Any:
    store = LineStore()
    read_jacoco(path, store)
    totals = store.totals()
    return (
        totals.lines_valid,
        totals.lines_covered,
        totals.branches_valid,
        totals.branches_covered,
    )


XML_CASES = [
    *((p, _cobertura) for p in COBERTURA),
    *((p, _jacoco) for p in JACOCO),
    *((p, _junit) for p in JUNIT),
]


def _element_by_element(measure: Callable[[Path], Any], path: Path) -> Any:
    """`measure` with the skimmer off: every element through expat's handlers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xmlskim, "_ascii_compatible", lambda chunk: False)
        return _xml_outcome(measure, path)


def _xml_outcome(measure: Callable[[Path], Any], path: Path) -> Any:
    try:
        return measure(path)
    except AdapterError as exc:
        return "malformed" if "well-formed" in str(exc) else ("error", str(exc))


@given(case=st.sampled_from(XML_CASES), seed=st.integers(0, 2**32))
def test_the_xml_skimmer_equals_expat_and_elementtree_on_mutated_real_reports(
    case: tuple[Path, Callable[[Path], Any]], seed: int
) -> None:
    source, measure = case
    data, malformed = mutate_xml(source.read_bytes(), random.Random(seed))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_bytes(data)
        try:
            ElementTree.parse(path)
            well_formed = True
        except ElementTree.ParseError:
            well_formed = False
        skimmed = _xml_outcome(measure, path)
        reference = _element_by_element(measure, path)
    assert skimmed == reference
    assert (skimmed == "malformed") == (not well_formed)
    assert not malformed or not well_formed
