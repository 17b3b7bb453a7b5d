"""The command line: a thin shell over the Python API (`qualitygates.api`).

Each command parses its options, calls the API and exits with an `ExitCode` (0 passed,
1 failed, 2 invalid policy or usage, 3 could not evaluate). Only this package parses argv
and prints. Heavy modules are imported inside the commands so that a command imports only
what it uses, and `qualitygates --version` is answered before even click is imported.

- `group`: the click group of the commands below, each imported when it runs
- `common`: turning problems into an exit code, shared options and their value types
- `run`: run, report, validate
- `history`: history, trend, compare
- `tools`: init, adapters, explain, attest, schema
- `output`, `logging`: all the printing
"""

from __future__ import annotations

import gc
import sys

from qualitygates._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see main)
if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        # Answered here, in click's words: importing click and typing would take three
        # times as long as the rest of the process (pipelines ask for it in every job).
        print(f"qualitygates, version {__version__}")
        return
    from qualitygates.cli.common import Process
    from qualitygates.cli.group import cli

    Process.owned = True  # a run may end this process when its time is up, and only this one
    try:
        cli.main(prog_name="qualitygates")
    finally:
        # The process ends here: its last garbage collection would walk every object
        # only to free nothing (a tenth of a small run). Files are closed, not left to it.
        gc.freeze()


def __getattr__(name: str) -> click.Group:
    if name == "cli":  # the click group, for tests and programs that invoke it
        from qualitygates.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
