"""Hypothesis strategies that turn a real report into a hostile one, and the fuzz targets.

A mutation works on the bytes of a seed report (one of the small fixtures under
`tests/data/<adapter>/`, or a corpus file when the corpus is present) and does what a broken
pipeline or an attacker does: truncate, flip bytes, drop or duplicate lines, swap a number for
a negative, huge or NaN one, put a value of the wrong type in a JSON field, remove a field, add
a BOM, turn LF into CRLF, re-encode as UTF-16, or replace the whole file with random bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.helpers import DATA, corpus_files

Mutation = Callable[[bytes], bytes]

#: Numbers a counter must never become: negative, huge, not a number, not finite.
HOSTILE_NUMBERS = (
    "-1",
    "-0",
    "-99999",
    "1e308",
    "1e999",
    "-1e999",
    "99999999999999999999999999999999",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "1_000",
    "",
    "½",
    "٣",
)
#: Values of the wrong type (or a hostile value of the right type) for a JSON field.
HOSTILE_JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    -(10**30),
    10**400,
    1e308,
    -1e308,
    0.5,
    "",
    "NaN",
    "-1",
    "ü\u202e\U0001f4a5\x00",
    "x" * 300,
    [],
    [None],
    {},
    {"": None},
)
_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
_ATTRIBUTE = re.compile(rb'="[^"<]*"')
TEXT_ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "latin-1")


@dataclass(frozen=True)
class Target:
    """One adapter to fuzz: its registry name, seed reports and how to pass the file."""

    adapter: str
    seeds: tuple[Path, ...]
    corpus: tuple[str, ...] = ()  # corpus globs used as extra seeds when present
    options: Callable[[Path], dict[str, Any]] = field(default=lambda p: {"path": [str(p)]})
    file_name: str | None = None  # the name the mutated copy must have (docs: the required file)

    def all_seeds(self) -> list[Path]:
        """The fixtures, plus up to four small corpus files of this tool."""
        extra = [p for p in corpus_files(*self.corpus) if p.stat().st_size < 256 * 1024]
        return [*self.seeds, *extra[:4]]


def _data(adapter: str, *names: str) -> tuple[Path, ...]:
    return tuple(DATA / adapter / name for name in names)


def _single(path: Path) -> dict[str, Any]:
    return {"path": str(path)}


def _docs(path: Path) -> dict[str, Any]:
    return {"required": [{"path": path.name, "sections": ["Rollback", "Escalation"]}]}


def _attestations(path: Path) -> dict[str, Any]:
    return {"path": str(path), "required": {"rollback-drill": "30d", "restore-test": "30d"}}


TARGETS: tuple[Target, ...] = (
    Target(
        "coverage",
        _data("coverage", "cobertura.xml", "jacoco.xml", "coverage.json", "coverage.lcov"),
        ("coverage/*.xml", "coverage/*.info"),
    ),
    Target("junit", _data("junit", "pytest-xunit1.xml", "surefire-reruns.xml"), ("junit/*.xml",)),
    Target(
        "lint",
        _data("lint", "eslint.json", "ruff.json", "pylint.json", "pylint-json2.json"),
        ("lint/*.json",),
    ),
    Target(
        "complexity",
        _data("complexity", "radon.json", "lizard.xml", "lizard.csv"),
        ("complexity/*",),
    ),
    Target("duplication", _data("duplication", "jscpd-report.json"), ("duplication/*.json",)),
    Target("zap", _data("zap", "two-sites.json", "two-sites.xml"), ("zap/*.xml",)),
    Target(
        "dependency_check",
        _data("dependency_check", "report.json", "report.xml"),
        ("dependency_check/*.xml",),
    ),
    Target("gitleaks", _data("gitleaks", "v8.json", "v7.json"), ("gitleaks/*.json",)),
    Target("ggshield", _data("ggshield", "path-scan.json", "commit-range.json")),
    Target("snyk", _data("snyk", "single-project.json", "all-projects.json", "container.json")),
    Target("trivy", _data("trivy", "image.json", "fs.json")),
    Target("sarif", _data("sarif", "multi.sarif"), ("sarif/*.sarif",)),
    Target(
        "k6",
        _data("k6", "summary-export.json", "handle-summary.json", "points.ndjson"),
    ),
    Target("docs", _data("docs", "runbook.md"), options=_docs, file_name="runbook.md"),
    Target("alerts", _data("alerts", "good.yml", "prometheusrule.yaml"), ("alerts/*.yml",)),
    Target("dashboards", _data("dashboards", "classic.json", "v2.json"), ("dashboards/*.json",)),
    Target("attestations", _data("attestations", "record.yaml", "record.json"), (), _attestations),
    Target(
        "evidence",
        _data("evidence", "restore-pass.xml", "rollback-pass.json"),
        options=_single,
    ),
)


# --- byte mutations ---------------------------------------------------------------------


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Truncate, flip, delete, insert or duplicate bytes of `data`."""
    size = max(len(data), 1)
    at = draw(st.integers(0, size - 1))
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert", "duplicate"]))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        flips = draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(1, 255)), max_size=8))
        mutable = bytearray(data)
        for position, mask in flips:
            if position < len(mutable):
                mutable[position] ^= mask
        return bytes(mutable)
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=32)) + data[at:]
    return data[:at] + data[at : at + 256] + data[at:]


@st.composite
def number_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace one number of the file with a negative, huge, NaN or otherwise hostile one."""
    matches = list(_NUMBER.finditer(data))
    if not matches:
        return data
    match = draw(st.sampled_from(matches))
    number = draw(st.sampled_from(HOSTILE_NUMBERS)).encode()
    return data[: match.start()] + number + data[match.end() :]


@st.composite
def attribute_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Give one XML attribute (or quoted value) a hostile value, or drop a line."""
    matches = list(_ATTRIBUTE.finditer(data))
    if not matches or draw(st.booleans()):
        lines = data.splitlines(keepends=True)
        if not lines:
            return data
        drop = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[:drop] + lines[drop + 1 :])
    match = draw(st.sampled_from(matches))
    value = draw(st.sampled_from((*HOSTILE_NUMBERS, "ü\u202e", "&amp;", "x" * 300)))
    return data[: match.start()] + b'="' + value.encode() + b'"' + data[match.end() :]


@st.composite
def json_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Remove a field of a JSON document or give it a value of the wrong type."""
    try:
        document = json.loads(data)
    except ValueError:
        return data
    slots = list(_slots(document))
    if not slots:
        return data
    container, key = draw(st.sampled_from(slots))
    if isinstance(container, dict) and draw(st.booleans()):
        del container[key]
    else:
        container[key] = draw(st.sampled_from(HOSTILE_JSON_VALUES))
    return json.dumps(document, allow_nan=True).encode()


def _slots(node: Any) -> Any:
    """Every (container, key) pair of a JSON document, depth first, at most 2000."""
    stack, seen = [node] if isinstance(node, (dict, list)) else [], 0
    while stack and seen < 2000:
        current = stack.pop()
        items = current.items() if isinstance(current, dict) else enumerate(current)
        for key, value in list(items):
            seen += 1
            yield current, key
            if isinstance(value, (dict, list)):
                stack.append(value)


@st.composite
def encoding_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Add a BOM, turn LF into CRLF, or re-encode the text (UTF-16 with BOM, Latin-1)."""
    kind = draw(st.sampled_from(["bom", "crlf", "cr", "reencode", "nul"]))
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "nul":
        return data.replace(b" ", b"\x00", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data
    return text.encode(draw(st.sampled_from(TEXT_ENCODINGS)), "replace")


@st.composite
def unicode_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Insert unusual but valid text (RTL marks, astral characters, NUL, long runs)."""
    at = draw(st.integers(0, len(data)))
    text = draw(st.text(min_size=1, max_size=40))
    return data[:at] + text.encode("utf-8", "surrogatepass") + data[at:]


def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """Any one or two mutations of `data`, or random bytes, or nothing at all."""
    one = st.one_of(
        byte_mutations(data),
        number_mutations(data),
        attribute_mutations(data),
        json_mutations(data),
        encoding_mutations(data),
        unicode_mutations(data),
    )
    twice = one.flatmap(
        lambda first: st.one_of(
            byte_mutations(first), number_mutations(first), json_mutations(first)
        )
    )
    return st.one_of(
        one,
        twice,
        st.binary(max_size=512),
        st.just(b""),
        st.just(data[: len(data) // 2]),
    )
