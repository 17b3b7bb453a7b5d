"""The click group: `qualitygates` and its commands, each imported when it is asked for."""

from __future__ import annotations

from importlib import import_module
from typing import ClassVar

import click

from qualitygates._version import __version__

#: Every command, in the order `--help` lists them, and where it is defined. A command's
#: module is imported only when it runs (or `--help` lists it): `--version` imports none.
COMMANDS = {
    "run": "run:run",
    "report": "run:report",
    "validate": "run:validate",
    "policy": "policy:policy_group",
    "history": "history:history_group",
    "trend": "history:trend",
    "compare": "history:compare",
    "improvement": "improvement:improvement_group",
    "comment": "comment:comment",
    "init": "tools:init",
    "adapters": "tools:adapters",
    "explain": "tools:explain",
    "attest": "tools:attest",
    "schema": "tools:schema",
}


class LazyGroup(click.Group):
    """A group whose commands (`lazy`: name -> "module:attribute" under qualitygates.cli)
    are each imported when first asked for."""

    lazy: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        home = self.lazy.get(cmd_name)
        if home is None:
            return super().get_command(ctx, cmd_name)
        module, _, name = home.partition(":")
        command: click.Command = getattr(import_module(f"qualitygates.cli.{module}"), name)
        return command


class _Commands(LazyGroup):
    lazy = COMMANDS


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="qualitygates")
def cli() -> None:
    """Judge your tools' reports against one policy (gates.yaml) and block bad deploys.

    Exit codes: 0 passed, 1 a blocking check failed, 2 the policy or command line is
    invalid, 3 a blocking check could not be evaluated.
    """
