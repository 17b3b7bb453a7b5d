"""Finding paths relative to the repository's root, in the result and every report."""

from __future__ import annotations

import json
from pathlib import Path

from qualitygates.engine.paths import relative_to, repository_root
from qualitygates.model import Finding, Location, Severity
from tests.helpers import qualitygates


def finding(path: str | None) -> Finding:
    return Finding("F401", "ruff", Severity.HIGH, "unused", location=Location(path, 3),
                   identity=("ruff", "F401", path))  # fmt: skip


def test_paths_under_the_root_lose_it_and_others_are_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    inside, uri = finding(f"{root}/src/app.py"), finding(f"file://{root}/src/b.py")
    outside, relative, none = finding("/elsewhere/c.py"), finding("src/d.py"), finding(None)
    made = relative_to(root, (inside, uri, outside, relative, none))
    assert [f.location.path for f in made] == ["src/app.py", "src/b.py", "/elsewhere/c.py",
                                               "src/d.py", None]  # fmt: skip
    assert made[0].fingerprint == inside.fingerprint  # baselines still match
    assert made[0].location.line == 3
    untouched = (outside, relative)
    assert relative_to(root, untouched) is untouched
    assert relative_to(None, (inside,))[0] is inside


def test_the_root_is_the_nearest_folder_with_git(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    assert repository_root(deep) == tmp_path / "repo"
    assert repository_root(tmp_path) == tmp_path  # no repository: the folder itself


RUFF = [{"code": "F401", "message": "`os` imported but unused", "filename": "{root}/src/app.py",
         "location": {"row": 1, "column": 8}, "end_location": {"row": 1, "column": 10},
         "fix": None, "noqa_row": 1, "url": "https://docs.astral.sh/ruff/rules/unused-import",
         "cell": None}]  # fmt: skip
POLICY = """\
version: 1
gates:
  - id: code-quality
    checks:
      - id: lint
        adapter: lint
        with: {path: reports/ruff.json}
        conditions: [errors == 0]
"""


def test_reports_and_annotations_show_repository_paths(tmp_path: Path) -> None:
    """The policy in a subfolder (ci/): the tool's absolute paths are not under it, so the
    adapter keeps them, and the engine makes them relative to the repository's root."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "reports").mkdir()
    (repo / "reports" / "ruff.json").write_text(json.dumps(RUFF).replace("{root}", str(repo)))
    (repo / "ci").mkdir()
    (repo / "ci" / "gates.yaml").write_text(POLICY.replace("reports/", "../reports/"))
    done = qualitygates(
        "run", "-c", "ci/gates.yaml", "--json", "out/r.json", "--codequality", "out/cq.json",
        "--sarif", "out/r.sarif", cwd=repo, env={"GITHUB_ACTIONS": "true"},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads((repo / "out" / "r.json").read_text())
    found = result["gates"][0]["checks"][0]["findings"][0]
    assert found["location"]["path"] == "src/app.py"
    assert json.loads((repo / "out" / "cq.json").read_text())[0]["location"]["path"] == "src/app.py"
    sarif = json.loads((repo / "out" / "r.sarif").read_text())
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/app.py"
    assert "::warning file=src/app.py,line=1" in done.stdout  # F401: medium
    other = qualitygates("run", "-c", "ci/gates.yaml", "--json", "out/r2.json", "--root",
                         str(repo / "src"), cwd=repo, env={"GITHUB_ACTIONS": ""})  # fmt: skip
    assert other.returncode == 1
    again = json.loads((repo / "out" / "r2.json").read_text())
    assert again["gates"][0]["checks"][0]["findings"][0]["location"]["path"] == "app.py"
