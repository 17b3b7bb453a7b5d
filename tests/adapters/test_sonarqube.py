"""The sonarqube adapter against a loopback server that answers as SonarQube documents.

Every case a CI pipeline meets: the scanner's report-task.txt (with its Java escapes), an
analysis still queued, a failed or cancelled one, a gate of NONE, old servers' `periods[]`,
conditions without thresholds, 401/403/404, a 503 that heals, a server too slow for the
check's time, and an unknown metric key, each with its message pinned.
"""

from __future__ import annotations

import base64
import functools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.interface import Collection, CollectRequest
from qualitygates.adapters.sonarqube import SonarQubeAdapter
from qualitygates.adapters.sonarqube.report_task import (
    DEFAULT_LOCATIONS,
    parse_properties,
    read_report_task,
)
from qualitygates.adapters.sonarqube.target import resolve_target
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit
from qualitygates.plugins import adapter_registry
from tests.helpers import DATA, FIXED_NOW
from tests.servers import FakeServer, Reply, json_reply

FIXTURES = DATA / "sonarqube"
TASK, STATUS, MEASURES = (
    "/api/ce/task",
    "/api/qualitygates/project_status",
    "/api/measures/component",
)
TOKEN = "squ_0123456789abcdef0123456789abcdef01234567"


def answer(name: str, status: int = 200, **kwargs: Any) -> Reply:
    return json_reply(json.loads((FIXTURES / name).read_text()), status, **kwargs)


def sonar_error(message: str, status: int) -> Reply:
    return json_reply({"errors": [{"msg": message}]}, status)


def run(
    server: FakeServer,
    base_dir: Path,
    metrics: tuple[str, ...] = ("quality_gate",),
    timeout: float | None = None,
    wants_revision: bool = False,
    **options: Any,
) -> Collection:
    defaults = {"url": server.url, "token": TOKEN, "auth": "bearer", "wait": 300.0}
    request = CollectRequest(
        check_id="sonar",
        options={**defaults, **options},
        metrics=metrics,
        base_dir=base_dir,
        now=FIXED_NOW,
        timeout=timeout,
        wants_revision=wants_revision,
    )
    return SonarQubeAdapter().collect(request)


def failure(server: FakeServer, base_dir: Path, **kwargs: Any) -> str:
    with pytest.raises(AdapterError) as caught:
        run(server, base_dir, **kwargs)
    message = str(caught.value)
    assert TOKEN not in message
    return message


def write_task(folder: Path, server_url: str, extra: str = "") -> Path:
    path = folder / ".scannerwork" / "report-task.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = server_url.replace(":", "\\:")
    path.write_text(
        f"projectKey=shopcart\nserverUrl={url}\nserverVersion=10.6.0.92116\n"
        f"ceTaskId=AYhSC2-LY0CHkWJxvNA9\nceTaskUrl={url}/api/ce/task?id\\=AYhSC2-LY0CHkWJxvNA9\n"
        + extra
    )
    return path


# --- report-task.txt --------------------------------------------------------------------


def test_a_committed_report_task_is_refused(tmp_path: Path) -> None:
    """The scanner writes report-task.txt during the CI job; one that came with the change
    could name another, passing analysis, so it is never read."""
    scanner = tmp_path / ".scannerwork"
    scanner.mkdir()
    task = scanner / "report-task.txt"
    task.write_bytes((FIXTURES / "report-task-escaped.txt").read_bytes())
    run_git = functools.partial(subprocess.run, cwd=tmp_path, check=True, capture_output=True)
    run_git(["git", "init", "-q"])
    assert read_report_task(task).project == "acme:shop=cart"  # untracked: the scanner's
    run_git(["git", "add", ".scannerwork/report-task.txt"])
    with pytest.raises(AdapterError) as error:
        read_report_task(task)
    assert str(error.value) == (
        f"{task} is committed to the repository: the scanner writes it during the CI job, and "
        "a committed one could point at another analysis; remove it from git (and add "
        ".scannerwork/ to .gitignore)"
    )


def test_report_task_unescapes_like_java_properties(tmp_path: Path) -> None:
    copy = tmp_path / "report-task.txt"  # the fixture itself is committed: refused as such
    copy.write_bytes((FIXTURES / "report-task-escaped.txt").read_bytes())
    task = read_report_task(copy)
    assert task.project == "acme:shop=cart"
    assert task.server_url == "https://sonar.example.com"
    assert task.branch == "feature/café"
    assert task.task_id == "AYhSC2-LY0CHkWJxvNA9"
    assert task.organization == "acme"
    values = parse_properties((FIXTURES / "report-task-escaped.txt").read_text())
    assert (
        values["ceTaskUrl"] == "https://sonar.example.com/api/ce/task?id=AYhSC2-LY0CHkWJxvNA9&x=1"
    )
    assert values["note"] == "back\\slash\\"
    assert "#Thu Nov 24 12:00:00 UTC 2026" not in values and len(values) == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ceTaskUrl=https\\://x/y?id\\=a=b", {"ceTaskUrl": "https://x/y?id=a=b"}),
        ("a:b=c", {"a": "b=c"}),
        ("  key   value with  spaces", {"key": "value with  spaces"}),
        ("key\\ with\\ space = v", {"key with space": "v"}),
        ("k=line\\\r\n   two\r\nj=\\u0041\\ud83d\\ude00", {"k": "linetwo", "j": "A😀"}),
        ("k=\\t\\n\\x", {"k": "\t\nx"}),
        ("# c\n! c\n   \nk=", {"k": ""}),
        ("k=v\\", {"k": "v"}),
    ],
)
def test_properties_syntax(text: str, expected: dict[str, str]) -> None:
    assert parse_properties(text) == expected


def test_a_malformed_unicode_escape_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "report-task.txt"
    bad.write_text("projectKey=x\\u00zz\nceTaskId=1\n")
    with pytest.raises(AdapterError, match=r"report-task.txt is not a valid properties file: "):
        read_report_task(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("projectKey=shopcart\n", "has no ceTaskId: it is not a SonarScanner report-task.txt"),
        ('{"projectKey": "x"}', "has no projectKey or ceTaskId"),
    ],
)
def test_a_report_task_that_is_not_one(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report-task.txt"
    path.write_text(content)
    with pytest.raises(AdapterError, match=message) as caught:
        read_report_task(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("location", DEFAULT_LOCATIONS)
def test_each_scanners_default_location_is_found(tmp_path: Path, location: str) -> None:
    path = tmp_path / location
    path.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "report-task-escaped.txt", path)
    target = resolve_target({"allowed_hosts": ["sonar.example.com"]}, tmp_path)
    assert (target.report_task, target.project, target.url) == (
        path,
        "acme:shop=cart",
        "https://sonar.example.com",
    )
    assert target.scope == {"branch": "feature/café"}


def test_without_report_task_or_project_it_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(AdapterError) as caught:
        resolve_target({"url": "http://sonar"}, tmp_path)
    assert str(caught.value).startswith(f"no report-task.txt under {tmp_path} (.scannerwork/")
    assert "set 'project' (with 'branch' or 'pull_request')" in str(caught.value)


def test_a_given_report_task_that_is_missing(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist: run the scanner before this step"):
        resolve_target({"report_task": str(tmp_path / "nope.txt")}, tmp_path)


def test_a_report_task_of_another_project_is_never_read(tmp_path: Path) -> None:
    path = write_task(tmp_path, "http://sonar", "branch=feature/a\n")
    with pytest.raises(AdapterError) as caught:
        resolve_target({"project": "billing", "branch": "feature/b"}, tmp_path)
    assert str(caught.value) == (
        f"{path} is for project 'shopcart', not 'billing' and branch 'feature/a', not "
        "'feature/b': delete the stale file, or point 'report_task' at the one this build's "
        "scanner wrote"
    )


def test_target_options(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="give either 'branch' or 'pull_request', not both"):
        resolve_target({"project": "p", "branch": "b", "pull_request": "7"}, tmp_path)
    with pytest.raises(AdapterError, match=r"no SonarQube server: set 'url'"):
        resolve_target({"project": "p"}, tmp_path)
    with pytest.raises(AdapterError, match="'url' must be the http"):
        resolve_target({"project": "p", "url": "ftp://user:pw@sonar"}, tmp_path)
    cloud = resolve_target({"project": "acme_shop", "organization": "acme"}, tmp_path)
    assert cloud.url == "https://sonarcloud.io"
    assert cloud.dashboard == "https://sonarcloud.io/dashboard?id=acme_shop"


# --- following an analysis --------------------------------------------------------------


ANALYSES = "/api/project_analyses/search"
#: api/project_analyses/search as SonarQube 10 answers it (the scanner sends the revision).
ANALYSES_REPLY = {
    "paging": {"pageIndex": 1, "pageSize": 100, "total": 2},
    "analyses": [
        {"key": "AYhSC3WDE6ILQDIMAPIp", "date": "2026-11-24T12:00:04+0100",
         "revision": "9f2c1e7a0b4d", "events": []},
        {"key": "AYhRzz000000000000", "date": "2026-11-23T09:00:00+0100",
         "revision": "1111111111aa", "events": []},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("task", "revision", "query"),
    [
        (True, "9f2c1e7a0b4d", {"ps": ["100"]}),  # the analysis the scanner uploaded
        (False, "9f2c1e7a0b4d", {"ps": ["1"]}),  # no report-task.txt: the latest one
    ],
)
def test_the_commit_of_the_analysis_when_the_check_names_one(
    tmp_path: Path, task: bool, revision: str, query: dict[str, list[str]]
) -> None:
    routes = {
        TASK: answer("task-success.json"),
        STATUS: answer("project-status-ok.json"),
        ANALYSES: json_reply(ANALYSES_REPLY),
    }
    if task:
        write_task(tmp_path, "http://unused.invalid", "branch=main\n")
        options: dict[str, Any] = {}
    else:
        options = {"project": "shopcart", "branch": "main"}
    with FakeServer(routes) as server:
        collection = run(server, tmp_path, wants_revision=True, **options)
        asked = [r.query for r in server.requests if r.path == ANALYSES]
    assert collection.revision == revision
    assert asked == [{"project": ["shopcart"], "branch": ["main"], **query}]


def test_the_commit_is_not_asked_for_unless_the_check_names_one(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    routes = {TASK: answer("task-success.json"), STATUS: answer("project-status-ok.json")}
    with FakeServer(routes) as server:
        collection = run(server, tmp_path)
        assert ANALYSES not in {r.path for r in server.requests}
    assert collection.revision is None


def test_pending_then_successful_task_then_its_gate(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid", "branch=feature/cart\n")
    routes = {
        TASK: [answer("task-pending.json"), answer("task-in-progress.json"), answer("task-success.json")],
        STATUS: answer("project-status-ok.json"),
        MEASURES: answer("measures.json"),
    }  # fmt: skip
    wanted = ("quality_gate", "new_coverage", "conditions.new_coverage.actual")
    with FakeServer(routes) as server:
        collection = run(server, tmp_path, metrics=wanted)
    assert collection.metrics["quality_gate"] == Measurement("OK", Unit.TEXT)
    assert collection.metrics["ignored_conditions"] == Measurement(0.0, Unit.COUNT)
    assert collection.metrics["new_coverage"] == Measurement(87.5, Unit.PERCENT)
    assert collection.metrics["conditions.new_coverage.actual"] == Measurement(87.5, Unit.NUMBER)
    assert collection.metrics["conditions.new_violations.status"] == Measurement("OK", Unit.TEXT)
    assert collection.timestamp is not None and collection.timestamp.isoformat() == (
        "2026-11-24T12:00:04+01:00"
    )
    paths = [(r.path, r.query) for r in server.requests]
    assert paths == [
        (TASK, {"id": ["AYhSC2-LY0CHkWJxvNA9"]}),
        (TASK, {"id": ["AYhSC2-LY0CHkWJxvNA9"]}),
        (TASK, {"id": ["AYhSC2-LY0CHkWJxvNA9"]}),
        (STATUS, {"analysisId": ["AYhSC3WDE6ILQDIMAPIp"]}),
        (
            MEASURES,
            {
                "component": ["shopcart"],
                "branch": ["feature/cart"],
                "metricKeys": ["new_coverage"],
                "additionalFields": ["metrics"],
            },
        ),
    ]
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in server.requests)
    assert collection.sources == (
        str(tmp_path / ".scannerwork" / "report-task.txt"),
        f"{server.url}/dashboard?id=shopcart&branch=feature%2Fcart",
    )


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            "task-failed.json",
            "SonarQube analysis task AYhSC2-LY0CHkWJxvNA9 ended FAILED (Date of analysis cannot "
            "be older than the date of the last known analysis on this project.): the server "
            "computed no quality gate; see the task under the project's Background Tasks",
        ),
        (
            "task-canceled.json",
            "SonarQube analysis task AYhSC2-LY0CHkWJxvNA9 ended CANCELED: the server computed "
            "no quality gate; see the task under the project's Background Tasks",
        ),
    ],
)
def test_a_failed_or_cancelled_analysis_is_an_error(
    tmp_path: Path, reply: str, message: str
) -> None:
    write_task(tmp_path, "http://unused.invalid")
    with FakeServer({TASK: answer(reply)}) as server:
        assert failure(server, tmp_path) == message
    assert [r.path for r in server.requests] == [TASK]


def test_an_analysis_that_does_not_finish_in_time(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    with FakeServer({TASK: answer("task-pending.json")}) as server:
        message = failure(server, tmp_path, wait=0.5)
    assert message == (
        "timed out after 0.5 s waiting for SonarQube analysis task AYhSC2-LY0CHkWJxvNA9 (still "
        "PENDING): raise 'wait' (and --timeout), or check the server's background tasks"
    )
    assert 2 <= len(server.requests) <= 5


def test_the_wait_is_bounded_by_the_checks_time(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    with FakeServer({TASK: answer("task-in-progress.json")}) as server:
        message = failure(server, tmp_path, timeout=1.0)
    assert message.startswith("timed out after 0.8 s waiting for SonarQube analysis task")


def test_a_slow_server_hits_the_checks_timeout(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    with FakeServer({TASK: answer("task-success.json", delay=5)}) as server:
        message = failure(server, tmp_path, timeout=0.6)
    assert message.startswith(
        f"SonarQube analysis task AYhSC2-LY0CHkWJxvNA9: GET {server.url}/api/ce/task "
        "timed out after 0.6 s"
    )


def test_503_then_success_is_retried(tmp_path: Path) -> None:
    routes = {STATUS: [Reply(503, b"<html>maintenance</html>"), answer("project-status-ok.json")]}
    with FakeServer(routes) as server:
        collection = run(server, tmp_path, project="shopcart")
    assert collection.metrics["quality_gate"] == Measurement("OK", Unit.TEXT)
    assert len(server.requests) == 2


# --- reading a gate by project ------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({}, {}),
        ({"branch": "release/2.0"}, {"branch": ["release/2.0"]}),
        ({"pull_request": "42"}, {"pullRequest": ["42"]}),
    ],
)
def test_by_project_branch_or_pull_request(
    tmp_path: Path, scope: dict[str, str], expected: dict[str, list[str]]
) -> None:
    with FakeServer({STATUS: answer("project-status-error.json")}) as server:
        collection = run(server, tmp_path, project="shopcart", **scope)
    assert server.requests[0].query == {"projectKey": ["shopcart"], **expected}
    assert collection.metrics["quality_gate"] == Measurement("ERROR", Unit.TEXT)
    assert collection.metrics["conditions.new_coverage.status"] == Measurement("ERROR", Unit.TEXT)
    assert collection.metrics["conditions.new_violations.actual"] == Measurement(4.0, Unit.NUMBER)


def test_a_condition_without_threshold_still_counts(tmp_path: Path) -> None:
    with FakeServer({STATUS: answer("project-status-error.json")}) as server:
        collection = run(server, tmp_path, project="shopcart")
    assert collection.metrics["conditions.reopened_issues.status"] == Measurement("OK", Unit.TEXT)
    assert collection.metrics["conditions.reopened_issues.actual"] == Measurement(0.0, Unit.NUMBER)


def test_none_means_the_gate_cannot_be_evaluated(tmp_path: Path) -> None:
    with FakeServer({STATUS: answer("project-status-none.json")}) as server:
        collection = run(server, tmp_path, project="shopcart")
    assert collection.metrics == {}  # NONE writes no ignoredConditions either
    assert collection.unavailable["ignored_conditions"].startswith(
        "SonarQube computed no quality gate for this analysis, so it says nothing"
    )
    assert collection.unavailable["quality_gate"].startswith(
        "SonarQube computed no quality gate for this analysis (status NONE)"
    )
    assert collection.sources[-1] == "quality gate NONE: no gate was computed for this analysis"


def test_ignored_conditions_are_surfaced(tmp_path: Path) -> None:
    with FakeServer({STATUS: answer("project-status-ignored.json")}) as server:
        collection = run(server, tmp_path, project="shopcart")
    assert collection.metrics["ignored_conditions"] == Measurement(1.0, Unit.COUNT)
    assert "ignored_conditions" in collection.available
    assert collection.sources[-1].startswith(
        "ignoredConditions: true: SonarQube ignored the gate's coverage and duplication"
    )


def test_no_ignored_conditions_field_is_unknown_rather_than_zero(tmp_path: Path) -> None:
    """Servers before 6.4 write no ignoredConditions: `ignored_conditions == 0` must not pass."""
    data = json.loads((FIXTURES / "project-status-ok.json").read_text())
    del data["projectStatus"]["ignoredConditions"]
    with FakeServer({STATUS: json_reply(data)}) as server:
        collection = run(server, tmp_path, project="shopcart")
    assert "ignored_conditions" not in collection.metrics
    assert collection.unavailable["ignored_conditions"].startswith(
        "SonarQube's gate has no ignoredConditions (servers before 6.4 write none)"
    )
    assert collection.metrics["quality_gate"] == Measurement("OK", Unit.TEXT)
    with FakeServer({STATUS: answer("project-status-ok.json")}) as server:  # false: a real 0
        told = run(server, tmp_path, project="shopcart")
    assert told.metrics["ignored_conditions"] == Measurement(0.0, Unit.COUNT)
    assert "ignored_conditions" not in told.unavailable


def test_old_servers_periods(tmp_path: Path) -> None:
    routes = {
        STATUS: answer("project-status-old-periods.json"),
        MEASURES: answer("measures-old-periods.json"),
    }
    wanted = ("quality_gate", "coverage", "new_coverage", "new_duplicated_lines_density")
    with FakeServer(routes) as server:
        metrics = run(server, tmp_path, metrics=wanted, project="shopcart").metrics
    assert metrics["quality_gate"] == Measurement("WARN", Unit.TEXT)
    assert metrics["conditions.new_coverage.status"] == Measurement("WARN", Unit.TEXT)
    assert metrics["coverage"] == Measurement(78.4, Unit.PERCENT)  # `value`, not its variation
    assert metrics["new_coverage"] == Measurement(85.2, Unit.PERCENT)  # periods[] index 1
    assert metrics["new_duplicated_lines_density"] == Measurement(0.0, Unit.PERCENT)


def test_units_follow_the_metric_types(tmp_path: Path) -> None:
    wanted = (
        "coverage", "duplicated_lines_density", "complexity_per_function", "sqale_rating",
        "sqale_index", "test_execution_time", "alert_status",
    )  # fmt: skip
    routes = {STATUS: answer("project-status-ok.json"), MEASURES: answer("measures.json")}
    with FakeServer(routes) as server:
        collection = run(server, tmp_path, metrics=wanted, project="shopcart")
    keys = server.requests[1].query["metricKeys"]
    assert keys == [
        "coverage,duplicated_lines_density,complexity,functions,sqale_rating,sqale_index,"
        "test_execution_time,alert_status"
    ]
    metrics = collection.metrics
    assert metrics["coverage"] == Measurement(78.4, Unit.PERCENT)
    assert metrics["duplicated_lines_density"] == Measurement(2.1, Unit.PERCENT)
    assert metrics["complexity"] == Measurement(174.0, Unit.COUNT)
    assert metrics["complexity_per_function"] == Measurement(3.0, Unit.NUMBER)
    assert metrics["sqale_rating"] == Measurement(1.0, Unit.NUMBER)
    assert metrics["sqale_index"] == Measurement(95.0, Unit.NUMBER)
    assert metrics["test_execution_time"] == Measurement(1523.0, Unit.MILLISECONDS)
    assert metrics["alert_status"] == Measurement("OK", Unit.TEXT)


def test_a_metric_without_data_is_left_out(tmp_path: Path) -> None:
    data = {
        "component": {
            "key": "shopcart",
            "measures": [
                {"metric": "functions", "value": "0"},
                {"metric": "complexity", "value": "0"},
            ],
        },
        "metrics": [{"key": "functions", "type": "INT"}, {"key": "complexity", "type": "INT"}],
    }
    routes = {STATUS: answer("project-status-ok.json"), MEASURES: json_reply(data)}
    with FakeServer(routes) as server:
        collection = run(
            server, tmp_path, metrics=("complexity_per_function", "new_coverage"), project="p"
        )
    assert "complexity_per_function" not in collection.metrics
    assert "new_coverage" not in collection.metrics
    assert "functions" in collection.available


@pytest.mark.parametrize(
    ("measures", "reason"),
    [
        ([{"metric": "functions", "value": "12"}], "SonarQube has no complexity measure"),
        ([{"metric": "complexity", "value": "30"}], "SonarQube has no functions measure"),
        ([{"metric": "functions", "value": "0"}, {"metric": "complexity", "value": "0"}],
         "the project has no functions to divide by"),
    ],
    ids=["no-complexity", "no-functions", "zero-functions"],
)  # fmt: skip
def test_complexity_per_function_says_which_measure_is_missing(
    tmp_path: Path, measures: list[dict[str, str]], reason: str
) -> None:
    """A language SonarQube computes no complexity for is not a project without functions."""
    data = {"component": {"key": "p", "measures": measures},
            "metrics": [{"key": "functions", "type": "INT"}, {"key": "complexity", "type": "INT"}]}  # fmt: skip
    routes = {STATUS: answer("project-status-ok.json"), MEASURES: json_reply(data)}
    with FakeServer(routes) as server:
        collection = run(server, tmp_path, metrics=("complexity_per_function",), project="p")
    assert collection.unavailable["complexity_per_function"].startswith(reason)


def test_an_unknown_metric_key_is_named(tmp_path: Path) -> None:
    said = "The following metric keys are not found: new_coverag"
    routes = {STATUS: answer("project-status-ok.json"), MEASURES: sonar_error(said, 404)}
    with FakeServer(routes) as server:
        message = failure(server, tmp_path, metrics=("new_coverag", "coverage"), project="p")
    assert message == (
        "SonarQube does not know the metric key 'new_coverag' (the server said: 'The following "
        "metric keys are not found: new_coverag'): check the spelling against the server's "
        "metric keys"
    )


# --- authentication and HTTP errors -------------------------------------------------------


def test_basic_auth_sends_the_token_as_user_name(tmp_path: Path) -> None:
    with FakeServer({STATUS: answer("project-status-ok.json")}) as server:
        run(server, tmp_path, project="shopcart", auth="basic")
    encoded = base64.b64encode(f"{TOKEN}:".encode()).decode()
    assert server.requests[0].headers["Authorization"] == f"Basic {encoded}"


def test_no_token_sends_no_authorization(tmp_path: Path) -> None:
    with FakeServer({STATUS: answer("project-status-ok.json")}) as server:
        run(server, tmp_path, project="shopcart", token=None)
    assert "Authorization" not in server.requests[0].headers


@pytest.mark.parametrize(
    ("reply", "ending"),
    [
        (Reply(401), "answered HTTP 401 Unauthorized: check the token"),
        (
            sonar_error("Insufficient privileges", 403),
            "answered HTTP 403 Forbidden (Insufficient privileges): the credentials lack the "
            "permission",
        ),
        (
            sonar_error("Project 'shopcart' not found", 404),
            "answered HTTP 404 Not Found (Project 'shopcart' not found): check 'project', "
            "'branch' and 'pull_request', and the token's permissions",
        ),
    ],
)
def test_http_errors_are_distinct_sentences(tmp_path: Path, reply: Reply, ending: str) -> None:
    with FakeServer({STATUS: reply}) as server:
        message = failure(server, tmp_path, project="shopcart", branch="main")
    assert message == (
        "SonarQube quality gate of project 'shopcart', branch 'main': GET "
        f"{server.url}/api/qualitygates/project_status {ending}"
    )


def test_an_unknown_task_names_the_server(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    reply = sonar_error("No activity found for task 'AYhSC2-LY0CHkWJxvNA9'", 404)
    with FakeServer({TASK: reply}) as server:
        message = failure(server, tmp_path)
    assert message.endswith(
        "answered HTTP 404 Not Found (No activity found for task 'AYhSC2-LY0CHkWJxvNA9'): "
        "check that 'url' is the server the scanner uploaded to"
    )


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            json_reply({"projectStatus": {"status": "GREEN"}}),
            "answered /api/qualitygates/project_status without a projectStatus with a status of "
            "OK, WARN, ERROR or NONE",
        ),
        (
            json_reply({"projectStatus": {"status": "OK", "conditions": [{"status": "OK"}]}}),
            "answered /api/qualitygates/project_status without conditions with a metricKey",
        ),
        (json_reply([1, 2]), "without a projectStatus"),
        (
            Reply(200, b"<html>login</html>", {"Content-Type": "text/html"}),
            "did not answer with JSON",
        ),
    ],
)
def test_an_answer_of_another_shape_fails_closed(
    tmp_path: Path, reply: Reply, message: str
) -> None:
    with FakeServer({STATUS: reply}) as server:
        assert message in failure(server, tmp_path, project="shopcart")


def test_a_task_answer_without_analysis_fails_closed(tmp_path: Path) -> None:
    write_task(tmp_path, "http://unused.invalid")
    reply = json_reply({"task": {"id": "AYhSC2-LY0CHkWJxvNA9", "status": "SUCCESS"}})
    with FakeServer({TASK: reply}) as server:
        assert "without an analysisId for a successful task" in failure(server, tmp_path)


def test_the_server_url_comes_from_report_task(tmp_path: Path) -> None:
    routes = {TASK: answer("task-success.json"), STATUS: answer("project-status-ok.json")}
    with FakeServer(routes) as server:
        write_task(tmp_path, server.url)
        collection = run(server, tmp_path, url=None, allowed_hosts=[server.url])
    assert collection.metrics["quality_gate"] == Measurement("OK", Unit.TEXT)
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


# --- a report-task.txt from a pull request cannot choose the server ----------------------


def not_named(path: Path, url: str) -> str:
    return (
        f"{path} names the server {url}, which the policy does not: a file in the working "
        "tree cannot choose the server (nor receive the token); set 'url' to it, or list it "
        "under 'allowed_hosts'"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"url": None},
        {"url": ""},  # "${SONAR_HOST_URL:-}" with the variable unset
        {"url": None, "organization": "acme"},  # names SonarCloud, not the file's server
        {"url": None, "allowed_hosts": ["sonar.example.com"]},
        {"url": None, "token": None},  # nor may it choose the gate that is read
    ],
)
def test_a_report_task_cannot_send_the_token_to_its_own_server(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    routes = {TASK: answer("task-success.json"), STATUS: answer("project-status-ok.json")}
    with FakeServer(routes) as attacker:
        path = write_task(tmp_path, attacker.url)
        assert failure(attacker, tmp_path, **options) == not_named(path, attacker.url)
    assert attacker.requests == []


def test_the_policys_url_wins_over_the_report_tasks(tmp_path: Path) -> None:
    routes = {TASK: answer("task-success.json"), STATUS: answer("project-status-ok.json")}
    with FakeServer(routes) as attacker, FakeServer(routes) as named:
        write_task(tmp_path, attacker.url)
        collection = run(named, tmp_path)
    assert collection.metrics["quality_gate"] == Measurement("OK", Unit.TEXT)
    assert attacker.requests == []
    assert named.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_sonarcloud_is_named_by_the_policys_organization(tmp_path: Path) -> None:
    write_task(tmp_path, "https://sonarcloud.io", "organization=acme\n")
    target = resolve_target({"organization": "acme"}, tmp_path)
    assert target.url == "https://sonarcloud.io"


def test_wait_must_be_a_number_of_seconds(tmp_path: Path) -> None:
    with FakeServer({}) as server:
        assert "option 'wait' must be a number of seconds >= 0, not -1" in failure(
            server, tmp_path, project="p", wait=-1
        )


def test_it_is_registered() -> None:
    assert adapter_registry().load("sonarqube") is SonarQubeAdapter
