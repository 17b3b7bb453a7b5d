"""The shape of the command-line package: commands registered in one place, no import
cycles between its modules, and `--version` that loads nothing but the command line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from qualitygates._version import __version__
from qualitygates.cli import cli

PACKAGE = Path(__file__).resolve().parents[2] / "qualitygates" / "cli"
COMMANDS = {
    "run", "report", "validate", "policy", "history", "trend", "compare", "improvement", "comment",
    "init", "adapters", "explain", "attest", "schema",
}  # fmt: skip


def cli_imports(path: Path) -> set[str]:
    """The `qualitygates.cli` modules that `path` imports at its top level."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qualitygates.cli"):
            module = node.module or ""
            if module == "qualitygates.cli":  # a submodule (`import run`) or the package's own
                found.update(
                    f"qualitygates.cli.{alias.name}"
                    if (PACKAGE / f"{alias.name}.py").exists()
                    else "qualitygates.cli"
                    for alias in node.names
                )
            else:
                found.add(module)
    return found


def test_every_command_is_registered() -> None:
    assert set(cli.list_commands(click.Context(cli))) == COMMANDS
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)


def test_the_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        f"qualitygates.cli.{path.stem}": cli_imports(path)
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }
    assert all("qualitygates.cli" not in deps for deps in graph.values())  # only main's
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for dependency in graph.get(module, ()):
            visit(dependency, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert graph["qualitygates.cli.output"] == set()  # the printer depends on no command


def test_version_loads_only_the_command_line() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['qualitygates', '--version']\n"
        "from qualitygates.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('qualitygates')))\n"
        "print(sorted(m for m in ('click', 'typing', 'logging', 'dataclasses',"
        " 'importlib.metadata', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    version, ours, heavy = done.stdout.splitlines()
    assert version == f"qualitygates, version {__version__}"  # as click's --version says it
    assert set(ast.literal_eval(ours)) == {
        "qualitygates",
        "qualitygates._version",
        "qualitygates.cli",
    }
    assert heavy == "[]"


def test_version_reads_as_click_would_print_it() -> None:
    """main() answers a bare --version itself (above); click answers it with other options,
    and both say the same."""
    by_click = CliRunner().invoke(cli, ["--version", "--help"])
    assert by_click.exit_code == 0
    assert by_click.output == f"qualitygates, version {__version__}\n"
