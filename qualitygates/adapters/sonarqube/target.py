"""Which analysis to read: the scanner's report-task.txt, or a project key and branch.

Like the SonarQube quality-gate action, the analysis a scanner just uploaded is found
through its `report-task.txt` (the option `report_task`, else the scanners' default
locations under the policy's folder); without one, the project's gate is read by `project`
and `branch` or `pull_request`, since without them SonarQube answers for the main branch
(opendevstack/ods-pipeline #701).

The server is one the policy names: its `url`, SonarCloud for its `organization`, or one
of its `allowed_hosts`. A report-task.txt comes from the working tree, which a pull
request writes, so its `serverUrl` is followed only when the policy names that server
too: otherwise whoever wrote the file would choose the gate that is read, and receive the
token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from qualitygates.adapters._http import display_url
from qualitygates.adapters._trust import Origin, is_trusted, origin_of, trusted_origins
from qualitygates.adapters.sonarqube.report_task import (
    DEFAULT_LOCATIONS,
    ReportTask,
    find_report_task,
    read_report_task,
)
from qualitygates.errors import AdapterError

SONARCLOUD_URL = "https://sonarcloud.io"


@dataclass(frozen=True)
class Target:
    """One analysis (or branch, or pull request) of one project on one server."""

    url: str
    project: str
    branch: str | None = None
    pull_request: str | None = None
    task_id: str | None = None
    report_task: Path | None = None

    @property
    def scope(self) -> dict[str, str]:
        """The `branch` or `pullRequest` parameter the web API needs, if any."""
        if self.pull_request:
            return {"pullRequest": self.pull_request}
        return {"branch": self.branch} if self.branch else {}

    @property
    def described(self) -> str:
        """`project 'x'` with its branch or pull request, for messages."""
        where = f"project {self.project!r}"
        if self.pull_request:
            return f"{where}, pull request {self.pull_request!r}"
        return f"{where}, branch {self.branch!r}" if self.branch else where

    @property
    def dashboard(self) -> str:
        """The project's page on the server, where a person looks next."""
        return f"{display_url(self.url)}/dashboard?{urlencode({'id': self.project, **self.scope})}"


def resolve_target(options: Mapping[str, Any], base_dir: Path) -> Target:
    """The analysis the options point at; raise AdapterError when they point at none."""
    branch, pull_request = _text(options, "branch"), _text(options, "pull_request")
    if branch and pull_request:
        raise AdapterError("give either 'branch' or 'pull_request', not both")
    project = _text(options, "project")
    report = _report_task(options, base_dir, project)
    if report is None:
        if project is None:
            places = ", ".join(DEFAULT_LOCATIONS)
            raise AdapterError(
                f"no report-task.txt under {base_dir} ({places}) and no 'project': run the "
                "scanner before this step, set 'report_task' to the file it wrote, or set "
                "'project' (with 'branch' or 'pull_request')"
            )
        url = _server_url(options, None)
        return Target(url, project, branch, pull_request)
    _check_agrees(report, project, branch, pull_request)
    url = _server_url(options, report)
    _check_named(url, options, report)
    return Target(
        url=url,
        project=report.project,
        branch=branch or (None if pull_request else report.branch),
        pull_request=pull_request or (None if branch else report.pull_request),
        task_id=report.task_id,
        report_task=report.path,
    )


def policy_servers(options: Mapping[str, Any]) -> frozenset[Origin]:
    """The servers the policy names: `url`, SonarCloud with `organization`, `allowed_hosts`."""
    cloud = [SONARCLOUD_URL] if _text(options, "organization") else []
    return trusted_origins(options, *cloud)


def _check_named(url: str, options: Mapping[str, Any], report: ReportTask) -> None:
    """A server only report-task.txt names is never read, nor sent the token."""
    origin = origin_of(url)
    if _text(options, "url") is None and not (
        origin is not None and is_trusted(origin, policy_servers(options))
    ):
        raise AdapterError(
            f"{report.path} names the server {display_url(url)}, which the policy does not: "
            "a file in the working tree cannot choose the server (nor receive the token); set "
            "'url' to it, or list it under 'allowed_hosts'"
        )


def _text(options: Mapping[str, Any], name: str) -> str | None:
    value = options.get(name)
    if value is None or value == "":
        return None
    return str(value).strip() or None


def _report_task(
    options: Mapping[str, Any], base_dir: Path, project: str | None
) -> ReportTask | None:
    given = _text(options, "report_task")
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise AdapterError(
                f"{path} does not exist: run the scanner before this step, or fix 'report_task'"
            )
        return read_report_task(path)
    found = find_report_task(base_dir)
    return read_report_task(found) if found else None


def _check_agrees(
    report: ReportTask, project: str | None, branch: str | None, pull_request: str | None
) -> None:
    """A report-task.txt for another project or branch is stale or misplaced: never read it."""
    clashes = []
    if project and project != report.project:
        clashes.append(f"project {report.project!r}, not {project!r}")
    if branch and report.branch and branch != report.branch:
        clashes.append(f"branch {report.branch!r}, not {branch!r}")
    if pull_request and report.pull_request and pull_request != report.pull_request:
        clashes.append(f"pull request {report.pull_request!r}, not {pull_request!r}")
    if clashes:
        raise AdapterError(
            f"{report.path} is for {' and '.join(clashes)}: delete the stale file, or point "
            "'report_task' at the one this build's scanner wrote"
        )


def _server_url(options: Mapping[str, Any], report: ReportTask | None) -> str:
    raw = _text(options, "url") or (report.server_url if report else None)
    if raw is None and (_text(options, "organization") or (report and report.organization)):
        raw = SONARCLOUD_URL
    if raw is None:
        raise AdapterError(
            "no SonarQube server: set 'url' (e.g. \"${SONAR_HOST_URL}\") or 'organization' "
            "for SonarCloud"
        )
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AdapterError(
            f"'url' must be the http(s) URL of a SonarQube server, not {display_url(raw)!r}"
        )
    return parts._replace(query="", fragment="").geturl().rstrip("/")
