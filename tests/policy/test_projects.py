"""`projects:` in a policy: where each project's paths resolve from, its variables, and the
problems of a block that cannot be run."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualitygates.errors import PolicyError
from qualitygates.policy import load_policy
from qualitygates.policy.projects import ProjectOptions

POLICY = """\
version: 1
waivers: waivers.yaml
projects:
  - {name: api, root: services/api, variables: {FLOOR: "90"}}
  - {name: web, root: services/web}
gates:
  - id: quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: reports/coverage.xml}
        conditions: ["line_rate >= ${FLOOR:-80}%"]
      - id: drill
        adapter: attestations
        with: {path: sign-offs.yaml, required: {drill: 30d}}
        conditions: [problems == 0]
"""


def write(tmp_path: Path, text: str = POLICY) -> Path:
    (tmp_path / "waivers.yaml").write_text("waivers:\n  - {id: CVE-1, reason: accepted}\n")
    path = tmp_path / "gates.yaml"
    path.write_text(text)
    return path


def test_each_project_resolves_reports_from_its_root_and_waivers_from_the_policy(
    tmp_path: Path,
) -> None:
    loaded = load_policy(write(tmp_path), variables={})
    assert loaded.projects == ("api", "web")
    assert [(g.id, g.project, g.root) for g in loaded.gates] == [
        ("api/quality", "api", tmp_path / "services" / "api"),
        ("web/quality", "web", tmp_path / "services" / "web"),
    ]
    coverage = [g.checks[0] for g in loaded.gates]
    assert [c.options["path"] for c in coverage] == [
        [str(tmp_path / "services" / p / "reports" / "coverage.xml")] for p in ("api", "web")
    ]
    assert [c.conditions[0].expr for c in coverage] == ["line_rate >= 90%", "line_rate >= 80%"]
    assert all(c.waivers[0].id == "CVE-1" for c in coverage)
    # Sign-off records are the policy's own evidence, not the project's.
    assert {str(g.checks[1].options["path"]) for g in loaded.gates} == {
        str(tmp_path / "sign-offs.yaml")
    }


def test_project_dirs_and_a_selection(tmp_path: Path) -> None:
    path = write(tmp_path)
    chosen = ProjectOptions(dirs=(str(tmp_path / "a"), str(tmp_path / "b")), selected=("b",))
    loaded = load_policy(path, variables={}, projects=chosen)
    assert [g.id for g in loaded.gates] == ["b/quality"]
    with pytest.raises(PolicyError, match="two folders are named 'a'"):
        load_policy(path, projects=ProjectOptions(dirs=(str(tmp_path / "a"), "x/a")))


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ("projects: []\n", "'projects' is a list of {name, root, variables}"),
        ("projects:\n  - {root: x}\n", "a project needs a 'name'"),
        ("projects:\n  - {name: a}\n", "project 'a' needs a 'root' folder"),
        ("projects:\n  - {name: a/b, root: x}\n", "project id"),
        (
            "projects:\n  - {name: a, root: x}\n  - {name: a, root: y}\n",
            "two projects are named 'a'",
        ),
        ("projects:\n  - {name: a, root: x, folder: y}\n", "unknown key 'folder' in a project"),
        ("projects:\n  - {name: a, root: x, variables: {K: [1]}}\n", "map names to plain values"),
    ],
)
def test_a_block_that_cannot_be_run_is_refused(tmp_path: Path, block: str, problem: str) -> None:
    text = (
        POLICY.split("projects:", maxsplit=1)[0] + block + "gates:" + POLICY.split("gates:", 1)[1]
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text), variables={})
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_a_problem_of_the_shared_policy_is_said_once_not_once_per_project(tmp_path: Path) -> None:
    broken = write(tmp_path, POLICY.replace("problems == 0", "problems === 0"))
    with pytest.raises(PolicyError) as caught:
        load_policy(broken, variables={})
    assert len([p for p in caught.value.problems if "===" in p]) == 1
