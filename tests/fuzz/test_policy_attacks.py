"""Hostile YAML: in `gates.yaml` a PolicyError with a position; in rule files and attestation
records an AdapterError naming the file. Alias bombs, huge and deeply nested documents,
Python tags; each is run in a child with bounded memory and time, so a failure cannot take
the test run down. Mutated copies of the project's own policy give a policy or a PolicyError.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.errors import PolicyError
from qualitygates.policy.loader import load_policy
from tests.fuzz.sandbox import Outcome, run_bounded
from tests.fuzz.strategies import TARGETS, mutated
from tests.fuzz.test_fuzz_adapters import FUZZ, run_adapter

HEADER = "version: 1\ngates:\n  - id: g\n    checks: []\n"
POSITION = re.compile(r"gates\.yaml:(\d+):(\d+): ")


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The YAML billion laughs: each anchor is a list of `width` aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def flow_nesting(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth + "\n"


def block_nesting(depth: int = 990) -> str:
    """Nested block sequences, as deep as fits under the 2 MiB policy limit."""
    return "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "- x\n"


ATTACKS = {
    "alias-bomb": "version: 1\n" + alias_bomb() + "gates: *a9\n",
    "alias-bomb-in-gates": "version: 1\ngates:\n  - id: g\n    checks:\n      - "
    + alias_bomb().replace("\n", "\n        ")
    + "x: *a9\n",
    "ten-megabytes": HEADER + "# " + "x" * (10 * 1024 * 1024) + "\n",
    "ten-megabytes-of-gates": "version: 1\ngates:\n" + "  - {id: g, checks: []}\n" * 450_000,
    "flow-nesting": "version: 1\ngates: " + flow_nesting(),
    "block-nesting": "version: 1\ngates:\n" + block_nesting(),
    "python-tag": "version: 1\ngates: !!python/object/apply:os.system ['touch {canary}']\n",
    "nul-byte": "version: 1\ngates:\x00 []\n",
    "unicode-bidi": "version: 1\ngates:\n  - id: \u202egate\n    checks: []\n",
}


def load_bounded(path: Path) -> Outcome:
    """load_policy in a child: at most 512 MiB more memory and 10 seconds."""
    return run_bounded(
        lambda: load_policy(path, variables={}), memory_mib=512, timeout=10, expected=PolicyError
    )


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_policy_is_a_policy_error_with_a_position(name: str, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    path = tmp_path / "gates.yaml"
    path.write_text(ATTACKS[name].replace("{canary}", str(canary)), encoding="utf-8")
    outcome = load_bounded(path)
    assert outcome.kind == "error", f"{name}: {outcome}"
    first = outcome.detail.splitlines()[0]
    assert POSITION.search(first), first
    assert not canary.exists()


def test_alias_bomb_message(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(ATTACKS["alias-bomb"])
    outcome = load_bounded(path)
    assert outcome.kind == "error" and "alias bomb" in outcome.detail, outcome


def test_huge_policy_message(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(ATTACKS["ten-megabytes"])
    outcome = load_bounded(path)
    assert outcome.detail.endswith("gates.yaml:1:1: the file is larger than 2 MiB"), outcome


def test_deep_policy_message(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(ATTACKS["flow-nesting"])
    outcome = load_bounded(path)
    assert outcome.kind == "error", outcome
    assert re.search(r"gates\.yaml:2:\d+: the document nests too deeply", outcome.detail), outcome


THRESHOLD_POLICY = """\
version: 1
gates:
  - id: g
    checks:
      - id: tests
        adapter: junit
        with: {{path: junit.xml}}
        conditions: ["{condition}"]
"""


@pytest.mark.parametrize(
    "condition",
    ["pass_rate >= 1e999%", "duration < 1e99999999s", "failures <= 1e-99999999", "tests > 9e9999"],
)
def test_out_of_range_threshold_is_a_policy_error(condition: str, tmp_path: Path) -> None:
    """Fraction("1e99999999") would take minutes; float("1e999") overflows."""
    path = tmp_path / "gates.yaml"
    path.write_text(THRESHOLD_POLICY.format(condition=condition))
    outcome = load_bounded(path)
    assert outcome.kind == "error", outcome
    assert re.search(r"gates\.yaml:8:\d+: .*out of range for a threshold", outcome.detail), outcome


SEED_POLICY = Path(__file__).resolve().parents[2] / "gates.yaml"


@pytest.mark.skipif(not SEED_POLICY.is_file(), reason="the project's gates.yaml is absent")
@FUZZ
@given(data=st.data())
def test_mutated_policy_loads_or_is_a_policy_error(data: st.DataObject) -> None:
    content = data.draw(mutated(SEED_POLICY.read_bytes()), label="policy")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gates.yaml"
        path.write_bytes(content)
        try:
            load_policy(path, variables={})
        except PolicyError as exc:
            for line in exc.problems:
                assert line.startswith(str(path)), line


# --- YAML inside reports: alerting rules and attestation records ---------------------------

YAML_REPORTS = {
    "alerts": "rules.yml",
    "attestations": "record.yaml",
}
REPORT_ATTACKS = {
    "alias-bomb": "groups: *a9\nattestations: *a9\n",
    "flow-nesting": "groups: " + flow_nesting(),
    "block-nesting": "groups:\n" + block_nesting(3000),
    "python-tag": "groups: !!python/object/apply:os.system ['touch {canary}']\n",
}


@pytest.mark.parametrize("adapter", sorted(YAML_REPORTS))
@pytest.mark.parametrize("name", sorted(REPORT_ATTACKS))
def test_hostile_yaml_report_is_an_adapter_error(adapter: str, name: str, tmp_path: Path) -> None:
    target = next(t for t in TARGETS if t.adapter == adapter)
    canary = tmp_path / "pwned"
    text = REPORT_ATTACKS[name].replace("{canary}", str(canary))
    if name == "alias-bomb":
        text = alias_bomb() + text
    path = tmp_path / YAML_REPORTS[adapter]
    path.write_text(text)
    outcome = run_bounded(lambda: run_adapter(target, path), memory_mib=512, timeout=10)
    assert outcome.kind == "error", f"{adapter} {name}: {outcome}"
    assert str(path) in outcome.detail
    assert not canary.exists()
