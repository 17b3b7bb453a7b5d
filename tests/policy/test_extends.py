"""`extends:` with local bases: the merge rules, the floors a base keeps, and the places
each refusal is said at (in both files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualitygates.errors import PolicyError
from qualitygates.policy import load_policy
from qualitygates.policy.extends import BaseOptions
from tests.helpers import qualitygates

BASE = """\
version: 1
waivers:
  - {id: CVE-2024-1, reason: base accepts it}
gates:
  - id: code-quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: coverage.xml}
        conditions:
          - line_rate >= 80%
          - {expr: "branch_rate >= 70%", locked: true}
      - id: tests
        adapter: junit
        locked: true
        with: {path: junit.xml}
        conditions: [failures == 0]
  - id: performance
    blocking: true
    checks:
      - id: load
        adapter: k6
        with: {path: k6.json}
        conditions: [http_req_duration.p(95) < 300ms]
"""


def project(tmp_path: Path, policy: str, base: str = BASE) -> Path:
    (tmp_path / "org").mkdir(exist_ok=True)
    (tmp_path / "org" / "base.yaml").write_text(base)
    (tmp_path / "repo").mkdir(exist_ok=True)
    path = tmp_path / "repo" / "gates.yaml"
    path.write_text("version: 1\nextends: [../org/base.yaml]\n" + policy)
    return path


def problems(path: Path, **bases: object) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, bases=BaseOptions(**bases) if bases else None)  # type: ignore[arg-type]
    return caught.value.problems


def conditions(path: Path) -> dict[str, list[str]]:
    loaded = load_policy(path)
    return {
        f"{gate.id}.{check.id}": [c.expr for c in check.conditions]
        for gate in loaded.gates
        for check in gate.checks
    }


def test_a_policy_that_only_extends_gets_the_whole_base(tmp_path: Path) -> None:
    loaded = load_policy(project(tmp_path, ""))
    assert [g.id for g in loaded.gates] == ["code-quality", "performance"]
    assert [w.id for w in loaded.gates[0].checks[0].waivers] == ["CVE-2024-1"]
    # Adapter paths resolve from the policy's own folder, not the base's.
    assert loaded.gates[0].checks[0].options["path"] == [str(tmp_path / "repo" / "coverage.xml")]


def test_tightening_and_adding_are_accepted(tmp_path: Path) -> None:
    path = project(
        tmp_path,
        "gates:\n  - id: code-quality\n    checks:\n      - id: coverage\n"
        "        conditions: [line_rate >= 90%, total >= 85%]\n"
        "      - id: lint\n        adapter: lint\n        with: {path: ruff.json}\n"
        "        conditions: [errors == 0]\n"
        "  - id: performance\n    checks:\n      - id: load\n"
        "        conditions: [http_req_duration.p(95) <= 0.25s]\n",
    )
    assert conditions(path) == {
        "code-quality.coverage": ["branch_rate >= 70%", "line_rate >= 90%", "total >= 85%"],
        "code-quality.tests": ["failures == 0"],
        "code-quality.lint": ["errors == 0"],
        "performance.load": ["http_req_duration.p(95) <= 0.25s"],
    }


@pytest.mark.parametrize(
    ("override", "at", "message", "base_at"),
    [
        (
            "      - id: coverage\n        conditions: [line_rate >= 70%]\n",
            "gates.yaml:7:22",
            "loosens 'line_rate >= 80%': 'line_rate >= 70%' passes values that "
            "'line_rate >= 80%' fails",
            "base.yaml:11:13",
        ),
        (
            "      - id: coverage\n        conditions: [{expr: line_rate >= 95%, on_fail: warn}]\n",
            "gates.yaml:7:22",
            "loosens 'line_rate >= 80%': on_fail: warn where the base fails",
            "base.yaml:11:13",
        ),
        (
            "      - id: coverage\n        conditions: [branch_rate >= 90%]\n",
            "gates.yaml:7:22",
            "changes 'branch_rate >= 70%', which its base locks",
            "base.yaml:12:13",
        ),
        (
            "      - id: tests\n        with: {path: other.xml}\n",
            "gates.yaml:6:9",
            "changes check 'tests', which its base locks",
            "base.yaml:13:9",
        ),
        (
            "      - id: coverage\n        blocking: false\n",
            "gates.yaml:7:19",
            "loosens check 'coverage': blocking false",
            "base.yaml:7:9",
        ),
        (
            "      - id: coverage\n        adapter: junit\n",
            "gates.yaml:7:18",
            "changes the adapter 'coverage' of a base check: give it a new id",
            "base.yaml:8:18",
        ),
    ],
)
def test_loosening_or_changing_a_locked_item_is_refused_in_both_files(
    tmp_path: Path, override: str, at: str, message: str, base_at: str
) -> None:
    path = project(tmp_path, "gates:\n  - id: code-quality\n    checks:\n" + override)
    found = problems(path)
    own = next(p for p in found if p.startswith(f"{path}:"))
    assert own.startswith(f"{path.parent / at}: {message}"), own
    assert re.search(rf"base: \S*org/{re.escape(base_at)}\)$", own), own
    note = next(p for p in found if "org/base.yaml" in p.split(": ")[0])
    assert note.split(": ")[0].endswith(f"org/{base_at}")
    assert f"changed at {path}:{at.split(':', 1)[1]}" in note


def test_a_gates_blocking_cannot_be_turned_off(tmp_path: Path) -> None:
    found = problems(project(tmp_path, "gates:\n  - id: performance\n    blocking: false\n"))
    assert any("loosens gate 'performance': blocking false" in p for p in found)


def test_waivers_of_base_and_policy_are_both_kept(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "waivers.yaml").write_text(
        "waivers:\n  - {id: CVE-2024-2, reason: the repository accepts it}\n"
    )
    loaded = load_policy(project(tmp_path, "waivers: waivers.yaml\n"))
    assert [w.id for w in loaded.gates[0].checks[0].waivers] == ["CVE-2024-1", "CVE-2024-2"]


def test_a_cycle_and_a_missing_base_are_refused_where_they_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Paths near the working folder are shown relative to it (`../org/base.yaml`): work from
    # far away, so that where the checkout lies (beside the temporary files, in /tmp) does
    # not decide how they are shown.
    far = tmp_path / "a" / "b" / "c"
    far.mkdir(parents=True)
    monkeypatch.chdir(far)
    cycle = BASE.replace("version: 1\n", "version: 1\nextends: [../repo/gates.yaml]\n")
    found = problems(project(tmp_path, "", base=cycle))
    assert any("extends makes a cycle: " in p and p.startswith(str(tmp_path)) for p in found)
    path = project(tmp_path, "")
    path.write_text(path.read_text().replace("base.yaml", "missing.yaml"))
    assert any("missing.yaml: no such policy file" in p for p in problems(path))


def test_require_base_refuses_a_policy_that_dropped_its_extends(tmp_path: Path) -> None:
    path = project(tmp_path, "")
    required = str(tmp_path / "org" / "base.yaml")
    assert load_policy(path, bases=BaseOptions(require=(required,))).gates
    path.write_text(BASE)  # the pull request copies the base in, and loosens it at leisure
    done = qualitygates("validate", "--require-base", required, cwd=path.parent)
    assert done.returncode == 2
    assert f"the policy must extend {required} (--require-base)" in done.stderr
    env = {"QUALITYGATES_REQUIRE_BASE": required}
    assert qualitygates("run", "-q", cwd=path.parent, env=env).returncode == 2


def test_the_digest_covers_the_bases(tmp_path: Path) -> None:
    path = project(tmp_path, "")
    before = load_policy(path).digest
    base = tmp_path / "org" / "base.yaml"
    base.write_text(base.read_text().replace("80%", "85%"))
    after = load_policy(path)
    assert after.digest != before
    assert after.bases[0][1] == __import__("hashlib").sha256(base.read_bytes()).hexdigest()


def test_with_policy_ref_local_bases_are_read_from_that_ref(tmp_path: Path) -> None:
    """A pull request that lowers the base in its working tree does not lower the bar
    when CI reads the policy from main."""
    from qualitygates.api import load_gates_policy
    from tests.policy.test_extends_remote import git

    path = project(tmp_path, "")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "policy and base")
    base = tmp_path / "org" / "base.yaml"
    base.write_text(base.read_text().replace("line_rate >= 80%", "line_rate >= 10%"))
    assert conditions(path)["code-quality.coverage"][0] == "line_rate >= 10%"
    from_main = load_gates_policy(path, {}, policy_ref="main")
    assert from_main.gates[0].checks[0].conditions[0].expr == "line_rate >= 80%"


def test_history_conditions_merge_by_what_they_judge(tmp_path: Path) -> None:
    """anomaly(M, W) and drift(M, W) judge something other than M, and a threshold on
    history cannot be weighed against an absolute one: adding either keeps the base's
    condition beside it. Two on the same statistic compare by their factors."""
    history = "http_req_duration.p(95) <= history.median(last=10) * 1.10"
    base = BASE.replace(
        "conditions: [http_req_duration.p(95) < 300ms]",
        f'conditions: ["{history}"]',
    )

    def extended(*added: str) -> list[str]:
        lines = "".join(f'          - "{a}"\n' for a in added)
        text = "gates:\n  - id: performance\n    checks:\n      - id: load\n        conditions:\n"
        return conditions(project(tmp_path, text + lines, base))["performance.load"]

    anomaly = "anomaly(http_req_duration.p(95), last=20) < 3.5"
    ceiling = "http_req_duration.p(95) < 300ms"
    assert extended(anomaly, ceiling) == [history, anomaly, ceiling]
    tighter = history.replace("1.10", "1.05")
    assert extended(tighter) == [tighter]  # replaces the base's, as any tightening does
    looser = history.replace("1.10", "1.50")
    text = (
        "gates:\n  - id: performance\n    checks:\n      - id: load\n        conditions:\n"
        f'          - "{looser}"\n'
    )
    found = problems(project(tmp_path, text, base))
    assert any(f"{looser!r} passes values that {history!r} fails" in p for p in found), found
    other = history.replace("median(last=10)", "max(30d)")
    assert extended(other) == [history, other]  # another statistic: both are judged


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        ("line_rate >= baseline - 0.2%", True),
        ("line_rate >= baseline", True),
        ("line_rate >= baseline - 1%", False),
        ("line_rate > baseline - 0.5%", True),
    ],
)
def test_baseline_offsets_compare_in_one_unit(tmp_path: Path, written: str, accepted: bool) -> None:
    base = BASE.replace("- line_rate >= 80%", "- line_rate >= baseline - 0.5%")
    text = f"gates:\n  - id: code-quality\n    checks:\n      - id: coverage\n        conditions: [{written}]\n"
    path = project(tmp_path, text, base)
    if accepted:
        assert conditions(path)["code-quality.coverage"] == ["branch_rate >= 70%", written]
    else:
        assert any("passes values that 'line_rate >= baseline - 0.5%' fails" in p
                   for p in problems(path))  # fmt: skip
