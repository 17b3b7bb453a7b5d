"""SonarQube's web API, the three calls a CI-side reader needs.

- `GET api/ce/task?id=…`: the Compute Engine task a scanner's upload started, polled until
  `SUCCESS`, `FAILED` or `CANCELED`;
- `GET api/qualitygates/project_status`: the gate the server computed, by `analysisId` or by
  `projectKey` with `branch` or `pullRequest`;
- `GET api/measures/component?metricKeys=…&additionalFields=metrics`: measures and the type
  of each metric. All numbers arrive as strings; new-code values sit under `period.value`
  (old servers: `periods[]`).

Every answer is checked for its shape: anything else is an AdapterError, never a pass.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qualitygates.adapters._http import HttpClient, display_url
from qualitygates.errors import AdapterError

TASK_PATH = "/api/ce/task"
STATUS_PATH = "/api/qualitygates/project_status"
MEASURES_PATH = "/api/measures/component"
ANALYSES_PATH = "/api/project_analyses/search"
GATE_STATUSES = ("OK", "WARN", "ERROR", "NONE")
_WAITING = ("PENDING", "IN_PROGRESS")
_ENDED = ("SUCCESS", "FAILED", "CANCELED")
_NOT_FOUND_HINT = "check 'project', 'branch' and 'pull_request', and the token's permissions"
_TASK_HINT = "check that 'url' is the server the scanner uploaded to"
_FIRST_POLL, _MAX_POLL = 0.2, 5.0  # seconds; the quality-gate action polls every 5 s


@dataclass(frozen=True)
class Task:
    """A Compute Engine task as `api/ce/task` shows it."""

    id: str
    status: str
    analysis_id: str | None = None
    error: str | None = None
    executed_at: str | None = None


@dataclass(frozen=True)
class GateCondition:
    """One server-side condition of the gate: its metric, status and actual value."""

    metric: str
    status: str
    actual: str | None
    threshold: str | None


@dataclass(frozen=True)
class GateStatus:
    """The quality gate's verdict and conditions."""

    status: str
    conditions: tuple[GateCondition, ...]
    # None when the answer has no `ignoredConditions` (servers before 6.4, status NONE):
    # whether the fudge factor dropped conditions is then unknown, not "no".
    ignored_conditions: bool | None


@dataclass(frozen=True)
class Measure:
    """One measure's raw value (a string) and its metric's type (`PERCENT`, `INT`, ...)."""

    metric: str
    value: str | None
    type: str | None


class SonarApi:
    """The calls above against one server, through one HttpClient."""

    def __init__(self, client: HttpClient, url: str) -> None:
        self.client = client
        self.url = url.rstrip("/")

    def task(self, task_id: str) -> Task:
        """The task's current state."""
        data = self._get(TASK_PATH, {"id": task_id}, f"analysis task {task_id}", hint=_TASK_HINT)
        task = data.get("task") if isinstance(data, dict) else None
        if not isinstance(task, dict) or not isinstance(task.get("status"), str):
            raise self._shape(TASK_PATH, "a task with a status")
        analysis = task.get("analysisId")
        return Task(
            id=task_id,
            status=task["status"],
            analysis_id=analysis if isinstance(analysis, str) and analysis else None,
            error=_text(task.get("errorMessage")),
            executed_at=_text(task.get("executedAt")),
        )

    def wait_for_task(self, task_id: str, wait: float) -> Task:
        """Poll the task until it ends, for at most `wait` seconds; raise unless SUCCESS."""
        deadline = time.monotonic() + wait
        pause = _FIRST_POLL
        while True:
            task = self.task(task_id)
            if task.status in _ENDED:
                return self._succeeded(task)
            if task.status not in _WAITING:
                raise AdapterError(
                    f"SonarQube analysis task {task_id} has an unknown status {task.status!r}"
                )
            left = deadline - time.monotonic()
            if left <= 0:
                raise AdapterError(
                    f"timed out after {wait:g} s waiting for SonarQube analysis task {task_id} "
                    f"(still {task.status}): raise 'wait' (and --timeout), or check the "
                    "server's background tasks"
                )
            time.sleep(min(pause, left))
            pause = min(pause * 2, _MAX_POLL)

    def _succeeded(self, task: Task) -> Task:
        if task.status != "SUCCESS":
            why = f" ({task.error})" if task.error else ""
            raise AdapterError(
                f"SonarQube analysis task {task.id} ended {task.status}{why}: the server "
                "computed no quality gate; see the task under the project's Background Tasks"
            )
        if task.analysis_id is None:
            raise self._shape(TASK_PATH, "an analysisId for a successful task")
        return task

    def project_status(self, params: Mapping[str, str], what: str) -> GateStatus:
        """The gate of one analysis, branch or pull request; `what` names it in errors."""
        data = self._get(STATUS_PATH, params, what)
        status = data.get("projectStatus") if isinstance(data, dict) else None
        if not isinstance(status, dict) or status.get("status") not in GATE_STATUSES:
            raise self._shape(
                STATUS_PATH, "a projectStatus with a status of OK, WARN, ERROR or NONE"
            )
        conditions = status.get("conditions", [])
        if not isinstance(conditions, list):
            raise self._shape(STATUS_PATH, "a list of conditions")
        return GateStatus(
            status=status["status"],
            conditions=tuple(self._condition(c) for c in conditions),
            ignored_conditions=_flag(status.get("ignoredConditions")),
        )

    def _condition(self, raw: Any) -> GateCondition:
        if not isinstance(raw, dict) or not isinstance(raw.get("metricKey"), str):
            raise self._shape(STATUS_PATH, "conditions with a metricKey")
        status = raw.get("status")
        if status not in GATE_STATUSES:
            raise self._shape(STATUS_PATH, f"a status for the condition on {raw['metricKey']}")
        return GateCondition(
            metric=raw["metricKey"],
            status=status,
            actual=_text(raw.get("actualValue")),
            threshold=_text(raw.get("errorThreshold")),  # absent on some conditions
        )

    def analysis_revision(
        self, project: str, scope: Mapping[str, str], analysis_id: str | None
    ) -> str | None:
        """The commit an analysis describes (the latest one without `analysis_id`), as the
        scanner sent it (`sonar.scm.revision`); None when the server does not say."""
        params = {"project": project, **scope, "ps": "1" if analysis_id is None else "100"}
        data = self._get(ANALYSES_PATH, params, f"analyses of {project}")
        analyses = data.get("analyses") if isinstance(data, dict) else None
        for analysis in analyses if isinstance(analyses, list) else []:
            if isinstance(analysis, dict) and analysis_id in (None, analysis.get("key")):
                revision = analysis.get("revision")
                return revision if isinstance(revision, str) and revision else None
        return None

    def measures(self, params: Mapping[str, str], keys: Sequence[str]) -> dict[str, Measure]:
        """The measures of `keys` that have a value; a key the server does not know raises."""
        query = {**params, "metricKeys": ",".join(keys), "additionalFields": "metrics"}
        data = self._get(MEASURES_PATH, query, "measures", keys)
        component = data.get("component") if isinstance(data, dict) else None
        found = component.get("measures") if isinstance(component, dict) else None
        if not isinstance(found, list):
            raise self._shape(MEASURES_PATH, "a component with measures")
        types = _metric_types(data.get("metrics"))
        measures: dict[str, Measure] = {}
        for raw in found:
            if not isinstance(raw, dict) or not isinstance(raw.get("metric"), str):
                raise self._shape(MEASURES_PATH, "measures with a metric key")
            key = raw["metric"]
            measures[key] = Measure(key, _measure_value(raw), types.get(key))
        return measures

    def _get(
        self,
        path: str,
        params: Mapping[str, str],
        what: str,
        keys: Sequence[str] = (),
        hint: str = _NOT_FOUND_HINT,
    ) -> Any:
        url = self.url + path
        try:
            response = self.client.get_json(url, params, json_statuses=(404,))
        except AdapterError as exc:
            raise AdapterError(f"SonarQube {what}: {exc}") from None
        if response.status == 404:
            raise self._not_found(url, what, _server_message(response.data), keys, hint)
        return response.data

    def _not_found(
        self, url: str, what: str, said: str, keys: Sequence[str], hint: str
    ) -> AdapterError:
        unknown = [k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", said)]
        if unknown and "metric key" in said.lower():
            named = ", ".join(repr(k) for k in unknown)
            return AdapterError(
                f"SonarQube does not know the metric key{'s' if len(unknown) > 1 else ''} "
                f"{named} (the server said: {said!r}): check the spelling against the "
                "server's metric keys"
            )
        return AdapterError(
            f"SonarQube {what}: GET {display_url(url)} answered HTTP 404 Not Found"
            + (f" ({said})" if said else "")
            + f": {hint}"
        )

    def _shape(self, path: str, expected: str) -> AdapterError:
        return AdapterError(
            f"SonarQube at {display_url(self.url)} answered {path} without {expected}: "
            "check that 'url' is a SonarQube server"
        )


def _flag(value: Any) -> bool | None:
    """A boolean the answer may leave out: None when it does."""
    return None if value is None else value is True


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value != "" else None


def _measure_value(raw: Mapping[str, Any]) -> str | None:
    """`value`, else the new-code `period.value`, else old servers' `periods[]` value."""
    value = _text(raw.get("value"))
    if value is not None:
        return value
    period = raw.get("period")
    if isinstance(period, dict) and _text(period.get("value")) is not None:
        return _text(period.get("value"))
    periods = raw.get("periods")
    if isinstance(periods, list):
        entries = [p for p in periods if isinstance(p, dict)]
        for entry in sorted(entries, key=_period_index):
            if _text(entry.get("value")) is not None:
                return _text(entry.get("value"))
    return None


def _period_index(period: Mapping[str, Any]) -> int:
    """Old servers number their periods from 1; the first is the new-code period."""
    index = period.get("index")
    return index if isinstance(index, int) and not isinstance(index, bool) else 99


def _metric_types(raw: Any) -> dict[str, str]:
    if not isinstance(raw, list):
        return {}
    return {
        m["key"]: m["type"]
        for m in raw
        if isinstance(m, dict) and isinstance(m.get("key"), str) and isinstance(m.get("type"), str)
    }


def _server_message(data: Any) -> str:
    """SonarQube's `{"errors": [{"msg": ...}]}`, joined."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return ""
    said = [str(e["msg"]) for e in errors if isinstance(e, dict) and e.get("msg")]
    return " ".join(" ".join(said).split())[:300]
