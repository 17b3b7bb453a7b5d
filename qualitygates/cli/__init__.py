"""The command line: a thin shell over the Python API (`qualitygates.api`).

Each command parses its options, calls the API and exits with an `ExitCode` (0 passed,
1 failed, 2 invalid policy or usage, 3 could not evaluate). Only this package parses argv
and prints. Heavy modules are imported inside the commands so that `qualitygates --version`
starts fast.

- `common`: turning problems into an exit code, shared options and their value types
- `run`: run, report, validate
- `history`: history, trend, compare
- `tools`: init, adapters, explain, attest, schema
- `output`, `logging`: all the printing
"""

from __future__ import annotations

import click

from qualitygates._version import __version__
from qualitygates.cli import history, run, tools
from qualitygates.cli.common import Process

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="qualitygates")
def cli() -> None:
    """Judge your tools' reports against one policy (gates.yaml) and block bad deploys.

    Exit codes: 0 passed, 1 a blocking check failed, 2 the policy or command line is
    invalid, 3 a blocking check could not be evaluated.
    """


cli.add_command(run.run)
cli.add_command(run.report)
cli.add_command(run.validate)
cli.add_command(history.history_command)
cli.add_command(history.trend)
cli.add_command(history.compare)
cli.add_command(tools.init)
cli.add_command(tools.adapters)
cli.add_command(tools.explain)
cli.add_command(tools.attest)
cli.add_command(tools.schema)


def main() -> None:
    """Console-script entry point."""
    Process.owned = True  # a run may end this process when its time is up, and only this one
    cli.main(prog_name="qualitygates")
