"""What every command shares: turning problems into one line and an exit code, the
options that load a policy, and the parsing of `--var` and `--now` (the value types of
options are in `qualitygates.cli.params`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from functools import wraps
from typing import Any, TypeVar

import click

from qualitygates.cli.output import echo, echo_error
from qualitygates.cli.params import Assignment

F = TypeVar("F", bound=Callable[..., Any])


class Process:
    """Whether this process is the console script's own: then a run may end it when its
    time is up (`main` says so), and only then: a run inside another program (a test
    runner, a script) never ends that program."""

    owned = False


def fails_cleanly(func: F) -> F:
    """Turn expected problems into one line on stderr and the right exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from qualitygates.errors import PolicyError, QualityGatesError, UsageError
        from qualitygates.model import ExitCode

        debug = bool(
            click.get_current_context().find_root().params.get("debug") or kwargs.get("debug")
        )
        try:
            return func(*args, **kwargs)
        except PolicyError as exc:
            for problem in exc.problems:
                echo_error(problem)
            sys.exit(ExitCode.USAGE)
        except UsageError as exc:
            echo_error(str(exc))
            sys.exit(ExitCode.USAGE)
        except QualityGatesError as exc:
            echo_error(str(exc))
            sys.exit(ExitCode.ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            has_debug = any(p.name == "debug" for p in click.get_current_context().command.params)
            _internal_error(exc, debug, has_debug)
            sys.exit(ExitCode.ERROR)

    return wrapper  # type: ignore[return-value]


def _internal_error(exc: Exception, debug: bool, has_debug: bool) -> None:
    if debug:
        import traceback

        echo(traceback.format_exc(), err=True, nl=False)
    hint = " (run with --debug for details)" if has_debug and not debug else ""
    echo_error(f"internal error: {type(exc).__name__}: {str(exc)[:300]}{hint}")


def parse_vars(values: tuple[str, ...]) -> dict[str, str]:
    """The `--var KEY=VALUE` values over the environment: what `${VAR}` may name."""
    variables = dict(os.environ)
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--var")
        variables[key] = value
    return variables


def parse_now(value: str | None) -> datetime | None:
    """`--now` as a time (UTC when it names no zone), None when not given."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date or time, e.g. 2026-11-24T12:00:00Z", param_hint="--now"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def configure_logging(verbose: int, debug: bool) -> None:
    import logging  # not at the top: --version must not pay for it

    from qualitygates.cli.logging import log_handler

    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, handlers=[log_handler()])


#: `-c/--config`, on every command that reads the policy.
def choice_option(
    name: str, dest: str, choices: tuple[str, ...], help_text: str
) -> Callable[[F], F]:
    """An option taking one of `choices`, the first by default."""
    return click.option(
        name, dest, type=click.Choice(choices), default=choices[0], show_default=True,
        help=help_text,
    )  # fmt: skip


POLICY_NAME = "gates.yaml"


def find_policy(given: str | None) -> str:
    """The policy to read: `-c`, else $QUALITYGATES_CONFIG, else the nearest gates.yaml from
    the working folder up to the repository's root (the folder that holds `.git`), so that
    a command works from any subfolder; else gates.yaml, which the loader then reports."""
    if given:
        return given
    from_env = os.environ.get("QUALITYGATES_CONFIG")
    if from_env:
        return from_env
    here = os.path.abspath(os.curdir)
    while True:
        candidate = os.path.join(here, POLICY_NAME)
        if os.path.isfile(candidate):
            return candidate if here != os.path.abspath(os.curdir) else POLICY_NAME
        parent = os.path.dirname(here)
        if os.path.exists(os.path.join(here, ".git")) or parent == here:
            return POLICY_NAME
        here = parent


config_option = click.option(
    "-c",
    "--config",
    callback=lambda _ctx, _param, value: find_policy(value),
    help="The policy file (default: $QUALITYGATES_CONFIG, else the nearest gates.yaml up to "
    "the repository root).",
)

#: `--var KEY=VALUE`, on every command that loads a policy.
var_option = click.option(
    "--var",
    "variables",
    multiple=True,
    type=Assignment(),
    metavar="KEY=VALUE",
    help="Set a ${VAR} of the policy.",
)


def base_options(func: F) -> F:
    """`--require-base SOURCE` (repeatable; $QUALITYGATES_REQUIRE_BASE, space-separated)
    and `--offline`, on every command that loads a policy, as `require_base` and `offline`."""
    func = click.option(
        "--offline",
        is_flag=True,
        help="Read fetched bases (git, https) only from the cache; one not there is an error.",
    )(func)
    return click.option(
        "--require-base",
        "require_base",
        multiple=True,
        envvar="QUALITYGATES_REQUIRE_BASE",
        metavar="SOURCE",
        help="Refuse (exit 2) a policy whose extends: chain lacks this base, as written "
        "there (a path, git+URL@REF#path or https URL). Repeatable.",
    )(func)


def bases_of(given: dict[str, Any]) -> Any:
    """The BaseOptions of `--offline` and `--require-base`."""
    from qualitygates.policy.extends import BaseOptions

    return BaseOptions(bool(given.get("offline")), tuple(given.get("require_base") or ()))


def project_options(func: F) -> F:
    """`--project-dir DIR` and `--project NAME` (both repeatable), as `project_dirs` and
    `projects`."""
    func = click.option(
        "--project",
        "projects",
        multiple=True,
        metavar="NAME",
        help="Run only this project (of the policy's projects: or --project-dir). Repeatable.",
    )(func)
    return click.option(
        "--project-dir",
        "project_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        metavar="DIR",
        help="Run the policy over this folder as a project named after it, its reports "
        "read from there (instead of the policy's projects:). Repeatable.",
    )(func)


def projects_chosen(given: dict[str, Any]) -> Any:
    """The ProjectOptions of `--project-dir` and `--project`."""
    from qualitygates.policy.projects import ProjectOptions

    return ProjectOptions(
        tuple(given.get("project_dirs") or ()), tuple(given.get("projects") or ())
    )
