"""End to end: the monorepo example, one policy over three services, driven as CI drives it.

The web service's tests fail (on purpose, see examples/monorepo/regenerate.sh), so the run
exits 1, and every report shows all three projects.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from junitparser import JUnitXml

from tests.helpers import qualitygates
from tests.servers import FakeServer, Reply, json_reply

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


SLOW_PROJECT_POLICY = """\
version: 1
projects:
  - {name: slow, root: slow, variables: {PROM: "%(hung)s"}}
  - {name: fast, root: fast, variables: {PROM: "%(live)s"}}
gates:
  - id: ops
    checks:
      - id: up
        adapter: prometheus
        with: {url: "${PROM}", queries: {up: up}}
        conditions: [up == 1]
      - id: tests
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0, tests >= 1]
"""


def test_one_slow_project_does_not_hold_the_others_past_the_timeout(tmp_path: Path) -> None:
    """The slow project's server never answers: it errors at --timeout, and the fast
    project's checks, run beside it, are judged in full."""
    suite = '<testsuite name="s" tests="1"><testcase classname="c" name="t"/></testsuite>\n'
    for name in ("slow", "fast"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "junit.xml").write_text(suite)
    up = {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1_700_000_000, "1"]}]}}  # fmt: skip
    query = "/api/v1/query"
    with (
        FakeServer({query: Reply(delay=3600)}) as hung,
        FakeServer({query: json_reply(up)}) as live,
    ):
        (tmp_path / "gates.yaml").write_text(
            SLOW_PROJECT_POLICY % {"hung": hung.url, "live": live.url}
        )
        started = time.monotonic()
        done = qualitygates("run", "--timeout", "2", "--json", "result.json", cwd=tmp_path)
        lived = time.monotonic() - started
    assert done.returncode == 3, done.stdout + done.stderr
    assert lived < 2 + 5, f"lived {lived:.1f} s"
    gates = {g["id"]: g for g in json.loads((tmp_path / "result.json").read_text())["gates"]}
    assert gates["fast/ops"]["status"] == "passed"
    assert [c["status"] for c in gates["fast/ops"]["checks"]] == ["passed", "passed"]
    assert gates["slow/ops"]["status"] == "error"
    slow_up = gates["slow/ops"]["checks"][0]
    assert slow_up["status"] == "error" and "timed out after" in slow_up["error"]
    assert gates["slow/ops"]["checks"][1]["status"] == "passed"
    assert "projects: slow error · fast passed" in done.stdout


BASELINE_POLICY = """\
version: 1
projects:
  - {name: api, root: api}
  - {name: web, root: web}
gates:
  - id: ci
    checks:
      - id: tests
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0, tests >= baseline]
"""


def test_each_project_takes_its_baseline_from_its_own_last_passing_run(tmp_path: Path) -> None:
    """web fails every run; api's baseline is still api's last passing run (the run as a
    whole never passed), and the history records both projects' gates."""
    for name, outcome in (("api", ""), ("web", '<failure message="no"/>')):
        cases = "".join(
            f'<testcase classname="c" name="t{i}">{outcome}</testcase>' for i in range(3)
        )
        (tmp_path / name).mkdir()
        (tmp_path / name / "junit.xml").write_text(f"<testsuite>{cases}</testsuite>\n")
    (tmp_path / "gates.yaml").write_text(BASELINE_POLICY)
    runs = []
    for _ in range(2):
        done = qualitygates(
            "run", "--history", "h.sqlite", "--json", "result.json", cwd=tmp_path,
            env={"QUALITYGATES_BRANCH": "main"},
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        result = json.loads((tmp_path / "result.json").read_text())
        runs.append({g["id"]: g for g in result["gates"]})
    assert runs[0]["api/ci"]["status"] == "warned"  # no baseline yet
    assert runs[1]["api/ci"]["status"] == "passed"  # the first run, in which api passed
    assert runs[1]["web/ci"]["status"] == "failed"
    trend = qualitygates("trend", "api/ci.tests.tests", "--history", "h.sqlite", cwd=tmp_path)
    assert trend.returncode == 0, trend.stdout + trend.stderr
    assert trend.stdout.count(" 3") >= 2, trend.stdout
