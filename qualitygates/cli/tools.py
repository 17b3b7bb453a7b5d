"""The policy-author commands: init, adapters, explain, attest, schema."""

from __future__ import annotations

import os
from pathlib import Path

import click

from qualitygates.cli.common import config_option, fails_cleanly, parse_now
from qualitygates.cli.output import echo
from qualitygates.cli.params import Instant


@click.command()
@click.argument("path", default="gates.yaml", required=False)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@fails_cleanly
def init(path: str, force: bool) -> None:
    """Write a starter policy with the four gates, commented."""
    from qualitygates.cli.starter import STARTER_POLICY
    from qualitygates.reports.write import write_atomic

    if os.path.isdir(path):  # a folder: the policy goes in it, as `git init DIR` would
        path = os.path.join(path, "gates.yaml")
    if os.path.exists(path) and not force:
        raise click.UsageError(f"{path} exists; use --force to overwrite it")
    write_atomic(path, STARTER_POLICY.encode("utf-8"))
    _ignore_history_folder(Path(path).resolve().parent)
    echo(f"wrote {path}: edit the report paths, then run 'qualitygates validate -c {path}'")


@click.command()
@fails_cleanly
def adapters() -> None:
    """List the adapters, built-in and from plugins."""
    from qualitygates.plugins import PluginError, adapter_registry

    registry = adapter_registry()
    for name, ref in registry.refs().items():
        try:
            summary = registry.load(name).summary
        except PluginError as exc:
            summary = f"(cannot load: {exc})"
        echo(f"{name:<18} {summary}  [{ref.origin}]")


@click.command()
@click.argument("adapter")
@fails_cleanly
def explain(adapter: str) -> None:
    """Show an adapter's options, formats and metrics."""
    from qualitygates.cli.explain import explain_adapter
    from qualitygates.plugins import adapter_registry
    from qualitygates.policy.problems import suggest

    registry = adapter_registry()
    if adapter not in registry:
        hint = suggest(adapter, registry.names()) or f" (known: {', '.join(registry.names())})"
        raise click.BadParameter(f"unknown adapter {adapter!r}{hint}", param_hint="ADAPTER")
    echo(explain_adapter(registry.load(adapter)), nl=False)


@click.command()
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
@config_option
@click.option(
    "--now",
    type=Instant(past_only=True),
    metavar="ISO-TIME",
    help="The time to record (default: now; never later).",
)
@fails_cleanly
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
    from datetime import datetime, timezone

    from qualitygates.adapters.attestations import append_attestation

    path, digest = _sign_off_record(config, record, check)
    at = parse_now(now) or datetime.now(timezone.utc)
    append_attestation(Path(path), check, result, by, evidence, at, approver, digest)
    echo(f"recorded {check}: {result} by {by} at {at.isoformat()} in {path}")


def _sign_off_record(config: str, record: str | None, check: str) -> tuple[str, str | None]:
    """The record to append `check` to (`--file`, else the one the policy reads it from),
    and the digest of the resolved policy the sign-off was made under, when there is one.

    The policy must require `check` in an attestations check reading that record: a
    misspelt name would be recorded, and the required check would stay missing.
    """
    if not Path(config).is_file():
        if record is not None:  # no policy to check against: the record is the user's word
            return record, None
        raise click.UsageError(f"{config} not found: name the record with --file")
    from qualitygates.adapters.attestations.adapter import parse_requirements
    from qualitygates.policy import load_policy
    from qualitygates.policy.problems import suggest

    wanted = Path(record).resolve() if record is not None else None
    required: dict[str, str] = {}  # check -> the record that requires it
    policy = load_policy(config)
    for gate in policy.gates:
        for found in gate.checks:
            reads = str(found.options.get("path"))
            if found.adapter != "attestations" or wanted not in (None, Path(reads).resolve()):
                continue
            for need in parse_requirements(found.options.get("required")):
                required.setdefault(need.check, reads)
    if check in required:
        return record or required[check], f"sha256:{policy.digest}"
    if not required and record is None:
        raise click.UsageError(f"{config} has no attestations check: name the record with --file")
    if not required:
        raise click.UsageError(f"{config} has no attestations check that reads {record}")
    hint = suggest(check, required) or f" (it requires: {', '.join(sorted(required))})"
    raise click.BadParameter(
        f"{config} requires no sign-off named {check!r}{hint}", param_hint="CHECK"
    )


@click.command()
@fails_cleanly
def schema() -> None:
    """Print the JSON Schema of gates.yaml, for editor completion."""
    import json

    from qualitygates.policy.schema import policy_schema

    echo(json.dumps(policy_schema(), indent=2, ensure_ascii=False))


def _ignore_history_folder(folder: Path) -> None:
    """Keep the embedded history store (.qualitygates/) out of git, as `init` promises."""
    gitignore = folder / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if ".qualitygates/" in existing.splitlines():
        return
    separator = "" if not existing or existing.endswith("\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as handle:
        handle.write(
            f"{separator}# qualitygates history store (--history .qualitygates/history.sqlite)\n.qualitygates/\n"
        )
