"""Every SonarQube file of the corpus, served by a loopback server or read from disk.

The web API's own documented example responses (both sets) must map to the numbers a plain
`json` reading of the same file gives; the scanners' report-task.txt files must read as a
plain `key=value` split does (they have no escapes); the other SonarQube answers in the
corpus (issues, hotspots, measures/search, ce/analysis_status, a generic coverage XML) are
not answers to the calls this adapter makes, and served in their place they fail closed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.interface import CollectRequest
from qualitygates.adapters.sonarqube import SonarQubeAdapter
from qualitygates.adapters.sonarqube.report_task import read_report_task
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit
from tests.helpers import FIXED_NOW, corpus_params
from tests.servers import FakeServer, Reply, json_reply

pytestmark = pytest.mark.corpus

TASK, STATUS, MEASURES = (
    "/api/ce/task",
    "/api/qualitygates/project_status",
    "/api/measures/component",
)
PROJECT_STATUS = corpus_params(
    "sonarqube/project_status-example.json",
    "set-b/sonarqube/api-qualitygates-project_status-example.json",
)
TASKS = corpus_params("sonarqube/task-example.json", "set-b/sonarqube/api-ce-task-example.json")
COMPONENTS = corpus_params("sonarqube/component-example.json")
REPORT_TASKS = corpus_params("set-b/sonarqube/report-task-*.txt")
OTHERS = corpus_params(
    "set-b/sonarqube/api-ce-analysis_status-example.json",
    "set-b/sonarqube/api-hotspots-search-example.json",
    "set-b/sonarqube/api-issues-search-example.json",
    "set-b/sonarqube/api-measures-search-example.json",
    "set-b/sonarqube/analysis-model-sonarqube-api-issues.json",
    "set-b/sonarqube/defectdojo-api-issues.json",
    "set-b/sonarqube/gcovr-sonarqube-generic-coverage.xml",
)
OK_STATUS = {"projectStatus": {"status": "OK", "conditions": []}}


def served(path: Path) -> Reply:
    kind = "application/xml" if path.suffix == ".xml" else "application/json"
    return Reply(200, path.read_bytes(), {"Content-Type": kind})


def collect(server: FakeServer, base_dir: Path, metrics: tuple[str, ...], **options: Any) -> Any:
    request = CollectRequest(
        check_id="sonar",
        options={"url": server.url, "wait": 5.0, **options},
        metrics=metrics,
        base_dir=base_dir,
        now=FIXED_NOW,
        timeout=10.0,
    )
    return SonarQubeAdapter().collect(request)


@pytest.mark.parametrize("path", PROJECT_STATUS)
def test_project_status_examples(path: Path, tmp_path: Path) -> None:
    data = json.loads(path.read_text())["projectStatus"]
    expected = {
        "quality_gate": Measurement(data["status"], Unit.TEXT),
        "ignored_conditions": Measurement(float(data["ignoredConditions"]), Unit.COUNT),
    }
    for condition in data["conditions"]:
        key = condition["metricKey"]
        expected[f"conditions.{key}.status"] = Measurement(condition["status"], Unit.TEXT)
        expected[f"conditions.{key}.actual"] = Measurement(
            float(condition["actualValue"]), Unit.NUMBER
        )
    with FakeServer({STATUS: served(path)}) as server:
        collection = collect(server, tmp_path, ("quality_gate",), project="my_project")
    assert collection.metrics == expected
    assert len(expected) == 2 + 2 * 7


@pytest.mark.parametrize("path", COMPONENTS)
def test_component_example(path: Path, tmp_path: Path) -> None:
    data = json.loads(path.read_text())
    types = {m["key"]: m["type"] for m in data["metrics"]}
    assert set(types.values()) == {"INT"}
    expected = {
        m["metric"]: Measurement(float(m.get("value", m["period"]["value"])), Unit.COUNT)
        for m in data["component"]["measures"]
    }
    routes = {STATUS: json_reply(OK_STATUS), MEASURES: served(path)}
    with FakeServer(routes) as server:
        collection = collect(server, tmp_path, tuple(expected), project="MY_PROJECT")
    measured = {k: v for k, v in collection.metrics.items() if k in expected}
    assert (
        measured
        == expected
        == {
            "complexity": Measurement(12.0, Unit.COUNT),
            "new_violations": Measurement(25.0, Unit.COUNT),  # only under period.value
            "ncloc": Measurement(114.0, Unit.COUNT),
        }
    )


@pytest.mark.parametrize("path", TASKS)
def test_task_examples(path: Path, tmp_path: Path) -> None:
    task = json.loads(path.read_text())["task"]
    report = tmp_path / ".scannerwork" / "report-task.txt"
    report.parent.mkdir()
    report.write_text(f"projectKey={task['componentKey']}\nceTaskId={task['id']}\n")
    with FakeServer({TASK: served(path), STATUS: json_reply(OK_STATUS)}) as server:
        collection = collect(server, tmp_path, ("quality_gate",))
    assert server.requests[0].query == {"id": [task["id"]]}
    assert server.requests[1].query == {"analysisId": [task["analysisId"]]}
    assert collection.timestamp.strftime("%Y-%m-%dT%H:%M:%S%z") == task["executedAt"]


@pytest.mark.parametrize("path", REPORT_TASKS)
def test_report_task_files(path: Path) -> None:
    plain = dict(line.split("=", 1) for line in path.read_text().splitlines() if line)
    task = read_report_task(path)
    assert (task.project, task.task_id, task.server_url, task.server_version) == (
        plain["projectKey"],
        plain["ceTaskId"],
        plain["serverUrl"],
        plain["serverVersion"],
    )
    assert task.branch == plain.get("branch")
    assert plain["ceTaskUrl"].endswith(f"/api/ce/task?id={task.task_id}")


@pytest.mark.parametrize("path", OTHERS)
@pytest.mark.parametrize("route", [STATUS, MEASURES])
def test_other_answers_fail_closed(path: Path, route: str, tmp_path: Path) -> None:
    routes = {STATUS: json_reply(OK_STATUS), route: served(path)}
    with FakeServer(routes) as server, pytest.raises(AdapterError) as caught:
        collect(server, tmp_path, ("quality_gate", "coverage"), project="p")
    message = str(caught.value)
    assert message.startswith("SonarQube ")
    assert "without" in message or "did not answer with JSON" in message
