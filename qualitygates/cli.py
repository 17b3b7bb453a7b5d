"""The command line: a thin shell over the Python API.

The only module that parses argv, prints, writes report files and chooses exit codes
(0 passed, 1 failed, 2 invalid policy or usage, 3 could not evaluate). Heavy modules are
imported inside the commands so that `qualitygates --version` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from functools import wraps
from typing import Any, TypeVar

import click

from qualitygates._version import __version__
from qualitygates.cli_output import (
    echo,
    echo_error,
    environment,
    publish_to_ci,
    render,
    report_options,
    reports_from,
    show_console,
    write_reports,
)
from qualitygates.cli_params import Assignment, Instant, Seconds
from qualitygates.errors import PolicyError, QualityGatesError, ReportError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


def _fails_cleanly(func: F) -> F:
    """Turn expected problems into one line on stderr and the right exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(
            click.get_current_context().find_root().params.get("debug") or kwargs.get("debug")
        )
        try:
            return func(*args, **kwargs)
        except PolicyError as exc:
            for problem in exc.problems:
                echo_error(problem)
            sys.exit(EXIT_USAGE)
        except UsageError as exc:
            echo_error(str(exc))
            sys.exit(EXIT_USAGE)
        except QualityGatesError as exc:
            echo_error(str(exc))
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debug:
                import traceback

                echo(traceback.format_exc(), err=True, nl=False)
            echo_error(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="qualitygates")
def cli() -> None:
    """Judge your tools' reports against one policy (gates.yaml) and block bad deploys.

    Exit codes: 0 passed, 1 a blocking check failed, 2 the policy or command line is
    invalid, 3 a blocking check could not be evaluated.
    """


def _parse_vars(values: tuple[str, ...]) -> dict[str, str]:
    variables = dict(os.environ)
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--var")
        variables[key] = value
    return variables


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date or time, e.g. 2026-11-24T12:00:00Z", param_hint="--now"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _configure_logging(verbose: int, debug: bool) -> None:
    import logging  # not at the top: --version must not pay for it

    from qualitygates.cli_logging import log_handler

    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, handlers=[log_handler()])


#: `--var KEY=VALUE`, on every command that loads a policy.
var_option = click.option(
    "--var",
    "variables",
    multiple=True,
    type=Assignment(),
    metavar="KEY=VALUE",
    help="Set a ${VAR} of the policy.",
)


@cli.command()
@click.option("-c", "--config", default="gates.yaml", show_default=True, help="The policy file.")
@click.option(
    "--gate", "gates", multiple=True, metavar="ID", help="Run only this gate (repeatable)."
)
@report_options
@var_option
@click.option(
    "--now", type=Instant(), metavar="ISO-TIME", help="Fix the clock (waiver expiry, maximum ages)."
)
@click.option(
    "--policy-ref", metavar="REF", help="Read the policy, waivers and sign-offs from this git ref."
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A saved JSON result to compare with (baseline thresholds, new.* findings).",
)
@click.option(
    "--baseline-any",
    is_flag=True,
    help="Accept a --baseline from a run that did not pass (by default it must have passed).",
)
@click.option(
    "--history", metavar="PATH|URL", help="Record the run here (SQLite file or postgresql:// URL)."
)
@click.option(
    "--baseline-branch",
    default="main",
    show_default=True,
    metavar="BRANCH",
    help="With a history store and no --baseline: the last passing run of this branch is the baseline.",
)
@click.option(
    "--timeout",
    type=Seconds(),
    metavar="S",
    help="Bound the whole run; the process ends within S + 5 s (default: 600).",
)
@click.option("--warn-only", is_flag=True, help="Judge and report everything, but exit 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the total line.")
@click.option("-v", "--verbose", count=True, help="Print every condition and finding.")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option(
    "--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too)."
)
@_fails_cleanly
def run(
    config: str,
    gates: tuple[str, ...],
    variables: tuple[str, ...],
    now: str | None,
    policy_ref: str | None,
    baseline: str | None,
    baseline_any: bool,
    history: str | None,
    baseline_branch: str,
    timeout: float | None,
    warn_only: bool,
    quiet: bool,
    verbose: int,
    debug: bool,
    no_color: bool,
    **reports: str | None,
) -> None:
    """Run the gates of a policy, write the reports, exit with the verdict."""
    from qualitygates.cli_history import history_target, judge
    from qualitygates.deadline import stop_run_by
    from qualitygates.engine import RunOptions

    _configure_logging(verbose, debug)
    # Whatever blocks, the process ends in its time + 5 s (when the process is ours to end).
    stop_run_by(timeout, EXIT_ERROR, owned=_PROCESS["owned"])
    targets = reports_from(reports)
    if list(targets.values()).count("-") > 1:  # two reports on one stream read as neither
        raise UsageError("only one report can go to standard output ('-'); give the others a file")
    policy = _load(config, variables, policy_ref)
    options = RunOptions(gates=gates, now=_parse_now(now), timeout=timeout, warn_only=warn_only)
    target = history_target(history, policy.history)
    result, trends = judge(policy, options, target, (baseline, baseline_any), baseline_branch)
    env = environment()
    to_stdout = "-" in targets.values()  # then the report alone is on stdout, the verdict on stderr
    stream = sys.stderr if to_stdout else sys.stdout
    colour = not no_color and "NO_COLOR" not in os.environ and stream.isatty()
    show_console(result, policy.secrets, -1 if quiet else verbose, colour, err=to_stdout)
    failures = write_reports(result, targets, policy.secrets, env, trends)
    try:
        publish_to_ci(result, policy.secrets, env)
    except ReportError as exc:
        failures.append(str(exc))
    for failure in failures:
        echo_error(failure, policy.secrets)
    if failures and result.exit_code != EXIT_FAILED:  # a missing report is 3; 1 wins over 3
        sys.exit(EXIT_ERROR)
    sys.exit(result.exit_code)


@cli.command()
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "format_",
    required=True,
    metavar="FORMAT",
    help="markdown, html, junit, json, sarif, codequality, metrics, or a plugin's.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
@_fails_cleanly
def report(result_file: str, format_: str, output: str | None) -> None:
    """Render a saved JSON result in another format, without running the checks again."""
    from qualitygates.plugins import reporter_registry
    from qualitygates.policy.problems import suggest
    from qualitygates.reports.write import write_atomic
    from qualitygates.result_io import read_result

    registry = reporter_registry()
    if format_ not in registry:
        hint = suggest(format_, registry.names()) or f" (known: {', '.join(registry.names())})"
        raise click.BadParameter(f"unknown format {format_!r}{hint}", param_hint="--format")
    try:
        saved = read_result(result_file)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    rendered = render(format_, saved, environment())
    if output:
        write_atomic(output, rendered)
    else:
        echo(rendered.decode("utf-8"), nl=False)


def _load(config: str, variables: tuple[str, ...], policy_ref: str | None) -> Any:
    """The policy, from the working tree or, with --policy-ref, from a git ref."""
    from qualitygates.policy import load_policy

    if policy_ref is None:
        return load_policy(config, _parse_vars(variables))
    from qualitygates.policy.gitref import GitRefReader, pin_signed_files

    reader = GitRefReader(policy_ref)
    return pin_signed_files(load_policy(config, _parse_vars(variables), reader=reader), reader)


@cli.command()
@click.option("-c", "--config", default="gates.yaml", show_default=True, help="The policy file.")
@var_option
@_fails_cleanly
def validate(config: str, variables: tuple[str, ...]) -> None:
    """Check the policy and run nothing (exit 2 on any problem)."""
    from qualitygates.policy import load_policy

    policy = load_policy(config, _parse_vars(variables))
    checks = sum(len(g.checks) for g in policy.gates)
    conditions = sum(len(c.conditions) for g in policy.gates for c in g.checks)
    echo(f"{config}: valid ({len(policy.gates)} gates, {checks} checks, {conditions} conditions)")


#: Whether this process is the console script's own (then a run may end it at its deadline).
_PROCESS = {"owned": False}


def main() -> None:
    """Console-script entry point."""
    _PROCESS["owned"] = True  # a run may end this process when its time is up, and only this one
    cli.main(prog_name="qualitygates")


# The policy-author commands live in their own module and register themselves on `cli`.
from qualitygates import cli_history, cli_tools  # noqa: E402, F401
