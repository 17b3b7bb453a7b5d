"""The SonarQube / SonarCloud adapter: the server's quality gate and measures as metrics.

```yaml
- id: sonar
  adapter: sonarqube
  with: {url: "${SONAR_HOST_URL}", token: "${SONAR_TOKEN}", project: my-service}
  conditions: [quality_gate == OK, new_coverage >= 80%, complexity_per_function < 10]
```

The gate is computed server-side after the scanner uploads its report. With the scanner's
`report-task.txt` (option `report_task`, or a scanner's default location) the adapter
polls that analysis' Compute Engine task for up to `wait` seconds and reads the gate of
exactly that analysis; otherwise it reads the gate of `project` on `branch` or
`pull_request`. A failed or cancelled task, a timeout, 401/403/404 and any unexpected
answer are errors of the check (exit 3), never a failed gate and never a pass.

The server is one the policy names (`url`, SonarCloud for `organization`, or one of
`allowed_hosts`): a report-task.txt from the working tree never chooses it, and the
token is never sent anywhere else.

`NONE` (no gate, e.g. no New Code definition) cannot be judged: a condition on
`quality_gate` is then an error (exit 3) that says so, never a pass.
`ignored_conditions` is 1 when SonarQube's fudge factor skipped coverage and duplication
conditions because fewer than 20 lines were new; the sources then say so too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from qualitygates.adapters._http import HttpClient
from qualitygates.adapters._times import iso_time
from qualitygates.adapters._trust import allowed_hosts_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
)
from qualitygates.adapters.sonarqube.api import GateStatus, Measure, SonarApi
from qualitygates.adapters.sonarqube.metrics import (
    COMPLEXITY_PER_FUNCTION,
    IGNORED_CONDITIONS,
    PER_FUNCTION_INPUTS,
    QUALITY_GATE,
    complexity_per_function,
    gate_metrics,
    measure_metrics,
    per_function_gap,
)
from qualitygates.adapters.sonarqube.target import (
    Target,
    _server_url,
    policy_servers,
    resolve_target,
)
from qualitygates.domains import NON_NEGATIVE
from qualitygates.errors import AdapterError
from qualitygates.model import Measurement, Unit

METRIC_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
MEASURE_SPEC_NAME = "<metric key>"
DEFAULT_WAIT = 300.0  # seconds, as the quality-gate action and sonar.qualitygate.timeout
_RESERVE = 0.2  # part of the check's time kept for reading the gate after waiting


class SonarQubeAdapter(Adapter):
    """SonarQube or SonarCloud: the quality gate, its conditions and any measure."""

    dated = True  # the analysis task's executedAt
    names_commit = True  # the analysis's revision, asked of the server for `commit` only

    name: ClassVar[str] = "sonarqube"
    summary: ClassVar[str] = "SonarQube / SonarCloud quality gate and measures over the web API"
    formats: ClassVar[tuple[str, ...]] = (
        "the scanner's report-task.txt (Java properties), then GET api/ce/task until the "
        "analysis ends",
        "GET api/qualitygates/project_status (by analysisId, or projectKey with branch or "
        "pullRequest)",
        "GET api/measures/component with additionalFields=metrics (value, period.value, "
        "old servers' periods[])",
    )
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec("url", OptionKind.URL, "the server, e.g. \"${SONAR_HOST_URL}\" (default: "
                   "https://sonarcloud.io with organization; report-task.txt's serverUrl only "
                   "if allowed_hosts lists it)",
                   check=lambda url: _server_url({"url": url}, None) if url.strip() else None),
        OptionSpec("token", OptionKind.SECRET, "a user or analysis token, e.g. \"${SONAR_TOKEN}\""),
        OptionSpec("auth", OptionKind.CHOICE, "how the token is sent: bearer, or basic (token "
                   "as user name, for servers older than 10.0)", default="bearer",
                   choices=("bearer", "basic")),
        OptionSpec("project", OptionKind.STRING, "the project key (without report-task.txt)"),
        OptionSpec("branch", OptionKind.STRING, "the branch (default: the main branch)",
                   excludes=("pull_request",)),
        OptionSpec("pull_request", OptionKind.STRING, "the pull request id"),
        OptionSpec("organization", OptionKind.STRING, "the SonarCloud organization"),
        OptionSpec("report_task", OptionKind.PATH, "the scanner's report-task.txt (default: the first "
                   "of .scannerwork/, target/sonar/, build/sonar/, .sonarqube/out/.sonar/ under "
                   "the policy's folder)"),
        OptionSpec("wait", OptionKind.NUMBER, "seconds to wait for the analysis to finish, "
                   "within the run's --timeout", default=DEFAULT_WAIT, minimum=0),
        OptionSpec("ca_bundle", OptionKind.PATH, "PEM file of the CA that signed the server"),
        allowed_hosts_option(),
    )  # fmt: skip
    metrics: ClassVar[tuple[MetricSpec, ...]] = (
        MetricSpec(QUALITY_GATE, Unit.TEXT, "the gate's status: OK, WARN, ERROR or NONE "
                   "(no gate; not OK)", summary=True),
        MetricSpec(IGNORED_CONDITIONS, Unit.COUNT, "1 when the fudge factor ignored coverage "
                   "and duplication conditions (under 20 new lines), else 0; unavailable when "
                   "the server does not say (before 6.4, or no gate)", summary=True),
        MetricSpec("conditions.<metric key>.status", Unit.TEXT, "a gate condition's status",
                   pattern=rf"conditions\.{METRIC_KEY}\.status"),
        MetricSpec("conditions.<metric key>.actual", Unit.NUMBER, "a gate condition's actual "
                   "value, in the tool's own unit", pattern=rf"conditions\.{METRIC_KEY}\.actual"),
        MetricSpec(COMPLEXITY_PER_FUNCTION, Unit.NUMBER, "cyclomatic complexity per function "
                   "(complexity / functions)"),
        MetricSpec(MEASURE_SPEC_NAME, None, "any SonarQube metric key (coverage, new_coverage, "
                   "duplicated_lines_density, ...), in the unit its type gives it: PERCENT "
                   "needs %", pattern=METRIC_KEY,
                   # sqale_debt_ratio is a PERCENT that passes 100 when fixing costs more
                   # than writing the code.
                   domains=((Unit.PERCENT, NON_NEGATIVE),)),
    )  # fmt: skip

    def collect(self, request: CollectRequest) -> Collection:
        """Find the analysis, wait for it, and read its gate and the measures asked for."""
        options = request.options
        target = resolve_target(options, request.base_dir)
        keys = _measure_keys(request.metrics)
        with _client(options, request.timeout) as client:
            api = SonarApi(client, target.url)
            gate, executed_at, analysis = _read_gate(api, target, _wait(options, request.timeout))
            scope = {"component": target.project, **target.scope}
            measures = api.measures(scope, keys) if keys else {}
            revision = None
            if request.wants_revision:
                revision = api.analysis_revision(target.project, target.scope, analysis)
        per_function = COMPLEXITY_PER_FUNCTION in request.metrics
        collection = _collection(target, gate, measures, executed_at, per_function)
        return replace(collection, revision=revision)


def _measure_keys(wanted: tuple[str, ...]) -> list[str]:
    """The metric keys to ask `api/measures/component` for, in the policy's order."""
    keys: list[str] = []
    for metric in wanted:
        spec = SonarQubeAdapter.metric_spec(metric)
        if metric == COMPLEXITY_PER_FUNCTION:
            keys.extend(PER_FUNCTION_INPUTS)
        elif spec is not None and spec.name == MEASURE_SPEC_NAME and metric not in _OWN_NAMES:
            keys.append(metric)
    return list(dict.fromkeys(keys))


_OWN_NAMES = (QUALITY_GATE, IGNORED_CONDITIONS, COMPLEXITY_PER_FUNCTION)


def _client(options: Mapping[str, Any], timeout: float | None) -> HttpClient:
    kind = _TokenAsUserClient if options.get("auth") == "basic" else HttpClient
    return kind(
        token=options.get("token") or None,
        ca_bundle=options.get("ca_bundle"),
        timeout=timeout,
        trusted=policy_servers(options),
    )


class _TokenAsUserClient(HttpClient):
    """Basic auth with the token as user name and no password (SonarQube before 10.0)."""

    def _auth(self) -> tuple[str, str] | None:
        return (self.token, "") if self.token else None


def _wait(options: Mapping[str, Any], timeout: float | None) -> float:
    raw = options.get("wait", DEFAULT_WAIT)
    wait = DEFAULT_WAIT if raw is None else raw
    if isinstance(wait, bool) or not isinstance(wait, (int, float)) or wait < 0:
        raise AdapterError(f"option 'wait' must be a number of seconds >= 0, not {raw!r}")
    if timeout is not None:
        wait = min(wait, timeout * (1 - _RESERVE))
    return float(wait)


def _read_gate(
    api: SonarApi, target: Target, wait: float
) -> tuple[GateStatus, str | None, str | None]:
    """The gate, when the analysis ran and its id (both None without report-task.txt)."""
    if target.task_id is None:
        params = {"projectKey": target.project, **target.scope}
        return api.project_status(params, f"quality gate of {target.described}"), None, None
    task = api.wait_for_task(target.task_id, wait)
    assert task.analysis_id is not None  # wait_for_task raises otherwise
    gate = api.project_status(
        {"analysisId": task.analysis_id}, f"quality gate of analysis {task.analysis_id}"
    )
    return gate, task.executed_at, task.analysis_id


_NO_IGNORED = (
    "SonarQube's gate has no ignoredConditions (servers before 6.4 write none), so whether "
    "it ignored coverage and duplication conditions is unknown: upgrade the server, or gate "
    "on quality_gate alone"
)
_NO_IGNORED_NONE = (
    "SonarQube computed no quality gate for this analysis, so it says nothing of ignored "
    "conditions: assign the project a quality gate and a New Code definition"
)


def _collection(
    target: Target,
    gate: GateStatus,
    measures: dict[str, Measure],
    executed_at: str | None,
    per_function: bool,
) -> Collection:
    metrics: dict[str, Measurement] = gate_metrics(gate)
    metrics.update(measure_metrics(measures))
    unavailable: dict[str, str] = {}
    if gate.status == "NONE":  # no gate to judge is not a verdict: it cannot be evaluated
        del metrics[QUALITY_GATE]
        unavailable[QUALITY_GATE] = (
            "SonarQube computed no quality gate for this analysis (status NONE): assign the "
            "project a quality gate and a New Code definition"
        )
    if gate.ignored_conditions is None:
        unavailable[IGNORED_CONDITIONS] = _NO_IGNORED_NONE if gate.status == "NONE" else _NO_IGNORED
    if per_function:
        ratio = complexity_per_function(measures)
        if ratio is not None:
            metrics[COMPLEXITY_PER_FUNCTION] = ratio
        else:
            unavailable[COMPLEXITY_PER_FUNCTION] = per_function_gap(measures)
    return Collection(
        metrics=metrics,
        sources=_sources(target, gate),
        timestamp=iso_time(executed_at, naive="refuse"),  # `2023-05-25T10:34:25+0200`
        available=tuple(metrics),
        unavailable=unavailable,
    )


def _sources(target: Target, gate: GateStatus) -> tuple[str, ...]:
    sources = [str(target.report_task)] if target.report_task else []
    sources.append(target.dashboard)
    if gate.ignored_conditions:
        sources.append(
            "ignoredConditions: true: SonarQube ignored the gate's coverage and duplication "
            "conditions because fewer than 20 lines are new (the fudge factor)"
        )
    if gate.status == "NONE":
        sources.append("quality gate NONE: no gate was computed for this analysis")
    return tuple(sources)
