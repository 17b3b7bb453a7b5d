"""The command line: a thin shell over the Python API.

The only module that parses argv, prints, writes report files and chooses exit codes
(0 passed, 1 failed, 2 invalid policy or usage, 3 could not evaluate). Heavy modules are
imported inside the commands so that `qualitygates --version` starts fast.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from qualitygates._version import __version__
from qualitygates.errors import PolicyError, QualityGatesError

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
                click.echo(f"error: {problem}", err=True)
            sys.exit(EXIT_USAGE)
        except QualityGatesError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debug:
                traceback.print_exc()
            click.echo(
                f"error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                err=True,
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
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


@cli.command()
@click.option("-c", "--config", default="gates.yaml", show_default=True, help="The policy file.")
@click.option(
    "--gate", "gates", multiple=True, metavar="ID", help="Run only this gate (repeatable)."
)
@click.option("--junit", type=click.Path(dir_okay=False), help="Write a JUnit XML report here.")
@click.option(
    "--json", "json_path", type=click.Path(dir_okay=False), help="Write the JSON result here."
)
@click.option(
    "--var", "variables", multiple=True, metavar="KEY=VALUE", help="Set a ${VAR} of the policy."
)
@click.option("--now", metavar="ISO-TIME", help="Fix the clock (waiver expiry, maximum ages).")
@click.option(
    "--policy-ref", metavar="REF", help="Read the policy, waivers and sign-offs from this git ref."
)
@click.option("--timeout", type=click.FloatRange(min=0.1), metavar="S", help="Bound the whole run.")
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
    junit: str | None,
    json_path: str | None,
    variables: tuple[str, ...],
    now: str | None,
    policy_ref: str | None,
    timeout: float | None,
    warn_only: bool,
    quiet: bool,
    verbose: int,
    debug: bool,
    no_color: bool,
) -> None:
    """Run the gates of a policy, write the reports, exit with the verdict."""
    from qualitygates.engine import RunOptions
    from qualitygates.engine import run as run_policy
    from qualitygates.reports.console import ansi, plain, render_console

    _configure_logging(verbose, debug)
    policy = _load(config, variables, policy_ref)
    options = RunOptions(gates=gates, now=_parse_now(now), timeout=timeout, warn_only=warn_only)
    result = run_policy(policy, options)
    _write_reports(result, {"junit": junit, "json": json_path}, policy.secrets)
    colour = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    text = render_console(result, -1 if quiet else verbose, ansi if colour else plain)
    click.echo(_redact(text, policy.secrets), nl=False)
    sys.exit(result.exit_code)


def _load(config: str, variables: tuple[str, ...], policy_ref: str | None) -> Any:
    """The policy, from the working tree or, with --policy-ref, from a git ref."""
    from qualitygates.policy import load_policy

    if policy_ref is None:
        return load_policy(config, _parse_vars(variables))
    from qualitygates.policy.gitref import GitRefReader, pin_signed_files

    reader = GitRefReader(policy_ref)
    return pin_signed_files(load_policy(config, _parse_vars(variables), reader=reader), reader)


def _write_reports(result: Any, targets: dict[str, str | None], secrets: frozenset[str]) -> None:
    from qualitygates.plugins import reporter_registry
    from qualitygates.reports.write import redact, write_atomic

    registry = reporter_registry()
    for name, path in targets.items():
        if path:
            data = registry.load(name)().render(result)
            write_atomic(path, redact(data.decode("utf-8"), secrets).encode("utf-8"))


def _redact(text: str, secrets: frozenset[str]) -> str:
    from qualitygates.reports.write import redact

    return redact(text, secrets)


@cli.command()
@click.option("-c", "--config", default="gates.yaml", show_default=True, help="The policy file.")
@click.option(
    "--var", "variables", multiple=True, metavar="KEY=VALUE", help="Set a ${VAR} of the policy."
)
@_fails_cleanly
def validate(config: str, variables: tuple[str, ...]) -> None:
    """Check the policy and run nothing (exit 2 on any problem)."""
    from qualitygates.policy import load_policy

    policy = load_policy(config, _parse_vars(variables))
    checks = sum(len(g.checks) for g in policy.gates)
    conditions = sum(len(c.conditions) for g in policy.gates for c in g.checks)
    click.echo(
        f"{config}: valid ({len(policy.gates)} gates, {checks} checks, {conditions} conditions)"
    )


@cli.command()
@click.argument("path", default="gates.yaml", required=False)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_fails_cleanly
def init(path: str, force: bool) -> None:
    """Write a starter policy with the four gates, commented."""
    from qualitygates.reports.write import write_atomic
    from qualitygates.starter import STARTER_POLICY

    if os.path.exists(path) and not force:
        raise click.UsageError(f"{path} exists; use --force to overwrite it")
    write_atomic(path, STARTER_POLICY.encode("utf-8"))
    click.echo(f"wrote {path}: edit the report paths, then run 'qualitygates validate -c {path}'")


@cli.command()
@_fails_cleanly
def adapters() -> None:
    """List the adapters, built-in and from plugins."""
    from qualitygates.plugins import PluginError, adapter_registry

    registry = adapter_registry()
    for name, ref in registry.refs().items():
        try:
            summary = registry.load(name).summary
        except PluginError as exc:
            summary = f"(cannot load: {exc})"
        click.echo(f"{name:<18} {summary}  [{ref.origin}]")


@cli.command()
@click.argument("adapter")
@_fails_cleanly
def explain(adapter: str) -> None:
    """Show an adapter's options, formats and metrics."""
    from qualitygates.explain import explain_adapter
    from qualitygates.plugins import adapter_registry
    from qualitygates.policy.problems import suggest

    registry = adapter_registry()
    if adapter not in registry:
        hint = suggest(adapter, registry.names()) or f" (known: {', '.join(registry.names())})"
        raise click.BadParameter(f"unknown adapter {adapter!r}{hint}", param_hint="ADAPTER")
    click.echo(explain_adapter(registry.load(adapter)), nl=False)


@cli.command()
@click.argument("check")
@click.option("--result", type=click.Choice(["pass", "fail"]), required=True, help="The outcome.")
@click.option("--by", "by", required=True, metavar="NAME", help="Who ran the check.")
@click.option("--evidence", metavar="URL", help="A link to the evidence (run log, ticket).")
@click.option(
    "--approver", metavar="NAME", help="Who approved it, when a second person is required."
)
@click.option(
    "--file", "record", metavar="PATH", help="The record (default: the policy's attestations path)."
)
@click.option("-c", "--config", default="gates.yaml", show_default=True, help="The policy file.")
@click.option("--now", metavar="ISO-TIME", help="The time to record (default: now).")
@_fails_cleanly
def attest(
    check: str,
    result: str,
    by: str,
    evidence: str | None,
    approver: str | None,
    record: str | None,
    config: str,
    now: str | None,
) -> None:
    """Append a signed-off manual check (rollback drill, DR test, ...) to the record."""
    from qualitygates.adapters.attestations import append_attestation

    path = record or _attestations_path(config)
    at = _parse_now(now) or datetime.now(timezone.utc)
    append_attestation(Path(path), check, result, by, evidence, at, approver)
    click.echo(f"recorded {check}: {result} by {by} at {at.isoformat()} in {path}")


def _attestations_path(config: str) -> str:
    """The `path` of the policy's first attestations check, so nobody has to repeat it."""
    from qualitygates.policy import load_policy

    if not Path(config).is_file():
        raise click.UsageError(f"{config} not found: name the record with --file")
    policy = load_policy(config)
    for gate in policy.gates:
        for check in gate.checks:
            if check.adapter == "attestations":
                return str(check.options["path"])
    raise click.UsageError(f"{config} has no attestations check: name the record with --file")


@cli.command()
@_fails_cleanly
def schema() -> None:
    """Print the JSON Schema of gates.yaml, for editor completion."""
    import json

    from qualitygates.policy.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="qualitygates")
