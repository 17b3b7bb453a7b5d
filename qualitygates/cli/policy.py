"""`qualitygates policy show`: the policy as it is after `extends:`, with where each value
came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qualitygates.cli.common import (
    base_options,
    bases_of,
    choice_option,
    config_option,
    fails_cleanly,
)
from qualitygates.cli.output import echo


@click.group("policy")
def policy_group() -> None:
    """Look at a policy as qualitygates reads it."""


@policy_group.command("show")
@config_option
@base_options
@click.option(
    "--policy-ref", metavar="REF", help="Read the policy and its local bases from this git ref."
)
@choice_option(
    "--format",
    "format_",
    ("text", "json"),
    "text: YAML, each line ending with the FILE:LINE that set it; json: the resolved policy "
    "with a map of sources.",
)
@fails_cleanly
def show(config: str, format_: str, policy_ref: str | None, **bases: Any) -> None:
    """Print the resolved policy (its bases merged in), each value with its source.

    The policy is validated first: a policy with problems exits 2, as `validate` does.
    """
    from qualitygates.api import load_gates_policy
    from qualitygates.policy.gitref import GitRefReader
    from qualitygates.policy.show import as_json, as_text, resolved

    options = bases_of(bases)
    load_gates_policy(config, None, policy_ref, bases=options)
    reader = GitRefReader(policy_ref) if policy_ref else None
    tree, used = resolved(Path(config), reader, options)
    echo((as_json if format_ == "json" else as_text)(tree, config, used), nl=format_ == "json")
