"""The Python API: everything `qualitygates run` does, as one call.

    from qualitygates import Baseline, RunOptions, run_gates

    outcome = run_gates("gates.yaml", options=RunOptions(gates=("security",)),
                        baseline=Baseline(file="main-result.json"),
                        history=".qualitygates/history.sqlite",
                        reports={"junit": "out/gates.xml", "html": "out/gates.html"})
    outcome.exit_code       # ExitCode.PASSED, FAILED or ERROR
    outcome.result          # the RunResult every report renders

`run_gates` loads the policy (or takes a loaded one), picks the baseline, judges every
gate, records the run in the history store, writes the reports (atomically, secrets
redacted) and appends the Markdown summary to $GITHUB_STEP_SUMMARY. It never prints and
never exits: the command line prints the console summary and GitHub's workflow
annotations itself, then exits with `outcome.exit_code`. An invalid policy raises
`PolicyError` and an unusable argument `UsageError` (both exit 2 on the command line),
before anything is judged; a store that cannot be used raises `HistoryError`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualitygates.engine import RunOptions
from qualitygates.engine import run as run_engine
from qualitygates.engine.compared import Baseline, compared_with
from qualitygates.errors import ReportError, UsageError
from qualitygates.history.recording import history_target, open_history, record_run, trends_for
from qualitygates.model import ExitCode, RunResult
from qualitygates.plugins import Registry, reporter_registry
from qualitygates.policy import Policy, load_policy
from qualitygates.policy.extends import BaseOptions
from qualitygates.policy.projects import ProjectOptions
from qualitygates.reports.interface import (
    DEFAULT_LIMITS,
    ReportContext,
    ReportLimits,
    link_base_from_env,
)
from qualitygates.reports.publish import (
    Target,
    Targets,
    append_step_summary,
    check_format,
    render_format,
    report_targets,
    write_reports,
    writes_step_summary,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "Baseline",
    "ExitCode",
    "ReportContext",
    "ReportLimits",
    "RunOptions",
    "RunOutcome",
    "load_gates_policy",
    "render_result",
    "render_saved",
    "run_gates",
]

Trends = Mapping[str, list[float]]
#: Called with the result and the secrets to hide, after judging and before any report is
#: written (the command line prints its console summary there, so the verdict comes first).
BeforeReports = Callable[[RunResult, frozenset[str]], None]


@dataclass(frozen=True)
class RunOutcome:
    """What a run ends with."""

    result: RunResult
    #: The process's exit status: the result's, or ERROR when a report could not be
    #: written and nothing failed (FAILED wins over ERROR).
    exit_code: ExitCode
    #: One sentence per report (or job summary) that could not be written.
    report_failures: tuple[str, ...] = ()
    #: Earlier values of each gated metric ("gate.check.metric") for the HTML report's trend
    #: chart: with a store and an HTML report to write; else None.
    trends: Trends | None = None
    #: The values redacted from every report; whatever a caller prints should hide them too.
    secrets: frozenset[str] = field(default_factory=frozenset)


def run_gates(
    policy: Policy | str | Path,
    *,
    variables: Mapping[str, str] | None = None,
    policy_ref: str | None = None,
    bases: BaseOptions | None = None,
    projects: ProjectOptions | None = None,
    options: RunOptions | None = None,
    baseline: Baseline | None = None,
    history: str | None = None,
    reports: Targets = (),
    env: Mapping[str, str] | None = None,
    limits: ReportLimits = DEFAULT_LIMITS,
    adapters: Registry | None = None,
    reporters: Registry | None = None,
    before_reports: BeforeReports | None = None,
) -> RunOutcome:
    """Run a policy as `qualitygates run` does and return its outcome.

    `policy` is a loaded Policy or the path of one (then `variables` are set over the
    environment, as `--var` does, `policy_ref` reads it from a git ref, and `bases` says how
    the bases it extends are read and which it must extend; `projects` the roots it runs
    over). `history` is a
    SQLite path or a postgresql:// URL; None takes $QUALITYGATES_HISTORY, else the policy's
    `history:`, else no store. `reports` maps a format (built-in or plugin) to a path, `-`
    for standard output. `env` (default: the process's) gives the CI's variables.
    """
    environ = dict(os.environ if env is None else env)
    reporters = reporters or reporter_registry()  # its entry points are read once
    targets = report_targets(reports, reporters)  # refused before anything runs
    policy = _policy_of(policy, variables, policy_ref, (bases, projects), environ, adapters)
    target = history_target(history, policy.history, environ)
    options = options or RunOptions()
    if targets or target is not None or writes_step_summary(environ):  # they show summaries
        options = dataclasses.replace(options, summary_metrics=True)
    charted = any(name == "html" for name, _ in targets)  # only the HTML report draws trends
    result, trends = _judge_and_record(
        policy, options, baseline or Baseline(), (target, charted), environ, adapters
    )
    if before_reports is not None:
        before_reports(result, policy.secrets)
    context = ReportContext(policy.base_dir, link_base_from_env(environ), trends or {}, limits)
    failures = _publish(result, targets, policy.secrets, environ, context, reporters)
    return RunOutcome(result, _exit_code(result, failures), tuple(failures), trends, policy.secrets)


def load_gates_policy(
    path: str | Path,
    variables: Mapping[str, str] | None = None,
    policy_ref: str | None = None,
    adapters: Registry | None = None,
    bases: BaseOptions | None = None,
    projects: ProjectOptions | None = None,
) -> Policy:
    """The policy at `path`, from the working tree or, with `policy_ref`, from a git ref
    (its waiver files, local bases and sign-off records too, so a change cannot lower its
    own bar). `variables` are all the `${VAR}` values (default: the environment)."""
    if policy_ref is None:
        return load_policy(path, variables, registry=adapters, bases=bases, projects=projects)
    from qualitygates.policy.gitref import GitRefReader, pin_signed_files

    reader = GitRefReader(policy_ref)
    loaded = load_policy(path, variables, adapters, reader, bases, projects)
    return pin_signed_files(loaded, reader)


def render_result(
    result: RunResult,
    format_name: str,
    context: ReportContext | None = None,
    reporters: Registry | None = None,
) -> bytes:
    """`result` as the report `format_name` (built-in or plugin); UsageError if unknown.

    Nothing is redacted here: give a result saved by a run, or one passed through
    `qualitygates.redaction.redact_result(result, outcome.secrets)`.
    """
    check_format(format_name, reporters)
    return render_format(format_name, result, context or ReportContext(), reporters)


def render_saved(
    path: str | Path,
    format_name: str,
    env: Mapping[str, str] | None = None,
    reporters: Registry | None = None,
    limits: ReportLimits = DEFAULT_LIMITS,
) -> bytes:
    """A saved JSON result rendered again as `format_name`, without running anything;
    finding locations link to the CI's repository browser found in `env`."""
    from qualitygates.result_io import read_result

    try:
        saved = read_result(path)
    except ReportError as exc:  # the caller named a file that is no result: nothing judged
        raise UsageError(str(exc)) from None
    environ = os.environ if env is None else env
    context = ReportContext(Path.cwd(), link_base_from_env(environ), limits=limits)
    return render_result(saved, format_name, context, reporters)


def _policy_of(
    given: Policy | str | Path,
    variables: Mapping[str, str] | None,
    policy_ref: str | None,
    how: tuple[BaseOptions | None, ProjectOptions | None],
    env: Mapping[str, str],
    adapters: Registry | None,
) -> Policy:
    """The loaded policy, `variables` set over `env`; a loaded one is taken as it is."""
    if not isinstance(given, Policy):
        values = {**env, **(variables or {})}
        return load_gates_policy(given, values, policy_ref, adapters, *how)
    if variables is not None or policy_ref is not None or how != (None, None):  # else ignored
        raise UsageError(
            "variables, policy_ref, bases and projects apply when run_gates loads the policy: "
            "pass its path"
        )
    return given


def _judge_and_record(
    policy: Policy,
    options: RunOptions,
    baseline: Baseline,
    store_and_trends: tuple[str | None, bool],
    env: Mapping[str, str],
    adapters: Registry | None,
) -> tuple[RunResult, dict[str, list[float]] | None]:
    """Judge against the baseline, recording the run with a store (and reading the trends
    the HTML report draws, when one is written)."""
    target, charted = store_and_trends
    store = open_history(target)
    if store is None:
        return run_engine(policy, compared_with(options, baseline, None, policy), adapters), None
    with store:
        compared = compared_with(
            options, baseline, store, policy, lambda: _commit(env, policy.base_dir)
        )
        result = run_engine(policy, compared, adapters)
        trends = trends_for(store, result) if charted else None
        record_run(
            store,
            result,
            cwd=policy.base_dir,
            policy_digest=policy.digest,
            secrets=policy.secrets,
            now=options.now,
            env=env,
        )
        return result, trends


def _commit(env: Mapping[str, str], cwd: Path) -> str | None:
    """This run's commit, as the history records it."""
    from qualitygates.history.context import RunContext

    return RunContext.detect(env, cwd=cwd).commit


def _publish(
    result: RunResult,
    targets: list[Target],
    secrets: frozenset[str],
    env: Mapping[str, str],
    context: ReportContext,
    reporters: Registry | None,
) -> list[str]:
    """Write the reports and the job summary; return what could not be written."""
    failures = write_reports(result, targets, secrets, context, reporters)
    try:
        append_step_summary(result, secrets, env, context)
    except ReportError as exc:
        failures.append(str(exc))
    return failures


def _exit_code(result: RunResult, failures: list[str]) -> ExitCode:
    """The result's exit code; a report that could not be written makes it ERROR, unless
    the run failed: FAILED says more."""
    if failures and result.exit_code is not ExitCode.FAILED:
        return ExitCode.ERROR
    return result.exit_code
