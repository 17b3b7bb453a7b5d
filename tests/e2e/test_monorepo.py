"""End to end: the monorepo example, one policy over three services, driven as CI drives it.

The web service's tests fail (on purpose, see examples/monorepo/regenerate.sh), so the run
exits 1, and every report shows all three projects.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from junitparser import JUnitXml

from tests.helpers import qualitygates

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "monorepo"
PROJECTS = ("api", "web", "worker")


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "monorepo"))


def test_one_failing_service_fails_the_run_and_every_report_shows_all_three(monorepo: Path) -> None:
    done = qualitygates(
        "run", "--json", "out/result.json", "--junit", "out/junit.xml",
        "--markdown", "out/summary.md", "--html", "out/report.html", cwd=monorepo,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL  Code quality [web/code-quality]" in done.stdout
    assert "projects: api passed · web failed · worker passed" in done.stdout
    result = json.loads((monorepo / "out" / "result.json").read_text())
    assert [p["name"] for p in result["projects"]] == list(PROJECTS)
    assert [(g["project"], g["id"]) for g in result["gates"]] == [
        (p, f"{p}/code-quality") for p in PROJECTS
    ]
    # api asks for 90 % through its own variable; the others take the default 80 %.
    conditions = [g["checks"][1]["conditions"][0]["expr"] for g in result["gates"]]
    assert conditions == ["line_rate >= 90%", "line_rate >= 80%", "line_rate >= 80%"]
    suites = {s.name: s for s in JUnitXml.fromfile(str(monorepo / "out" / "junit.xml"))}
    assert set(suites) == {f"{p}/code-quality" for p in PROJECTS}
    assert suites["web/code-quality"].failures == 1
    for report in ("summary.md", "report.html"):
        text = (monorepo / "out" / report).read_text()
        assert all(f"{p}/code-quality" in text for p in PROJECTS), report


def test_projects_and_gates_can_be_selected(monorepo: Path) -> None:
    done = qualitygates("run", "-q", "--project", "api", "--project", "worker", cwd=monorepo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2/2 gates passed" in done.stdout
    assert qualitygates("run", "-q", "--gate", "web/code-quality", cwd=monorepo).returncode == 1
    unknown = qualitygates("run", "--project", "billing", cwd=monorepo)
    assert unknown.returncode == 2
    assert "--project 'billing' is not a project of this run (api, web, worker)" in unknown.stderr


def test_project_dirs_replace_the_policys_block(monorepo: Path) -> None:
    services = monorepo / "services"
    done = qualitygates(
        "run", "-q", "--project-dir", str(services / "api"), "--project-dir",
        str(services / "worker"), cwd=monorepo,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "projects: api passed · worker passed" in done.stdout
