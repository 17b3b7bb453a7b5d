"""Checking PromQL: with the `promql-parser` package when installed, else with promtool.

`promql-parser` (a Rust port of Prometheus's own parser) checks each expression: syntax,
argument types and counts, regular expressions, known functions. It follows Prometheus 3,
so `holt_winters` (renamed in 3.0, still valid in 2.x rule files) is registered as an extra
function. Without it, `promtool check rules FILE` judges a whole file at once.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

from qualitygates import subprocesses
from qualitygates.errors import AdapterError

PROMTOOL_TIMEOUT_SECONDS = 60.0
_registered = False


def parser_module() -> Any | None:
    """The promql_parser module, set up once, or None when it is not installed."""
    global _registered  # noqa: PLW0603 - the parser's function registry is process-wide
    try:
        import promql_parser
    except ImportError:
        return None
    if not _registered:
        _register_legacy_functions(promql_parser)
        _registered = True
    return promql_parser


def _register_legacy_functions(module: Any) -> None:
    vt = module.ValueType
    legacy = module.Function("holt_winters", [vt.Matrix, vt.Scalar, vt.Scalar], vt.Vector)
    with contextlib.suppress(ValueError):  # already known to this version of the parser
        module.register_extra_functions([legacy])


def backend() -> str:
    """Which checker this machine has: `promql-parser`, `promtool`, or raise AdapterError."""
    if parser_module() is not None:
        return "promql-parser"
    if shutil.which("promtool"):
        return "promtool"
    raise AdapterError(
        "cannot check PromQL: install the promql-parser package (pip) or put promtool on PATH"
    )


def expression_error(expr: str) -> str | None:
    """Why `expr` does not parse, or None when it does (needs promql-parser)."""
    module = parser_module()
    if module is None:
        raise AdapterError("promql-parser is not installed")
    try:
        module.parse(expr)
    except ValueError as exc:
        return str(exc) or "invalid PromQL"
    return None


def promtool_errors(path: Path) -> list[str]:
    """The errors `promtool check rules` prints for a file; empty when it passes."""
    exe = shutil.which("promtool")
    if exe is None:
        raise AdapterError("promtool is not on PATH")
    try:
        done = subprocesses.run(  # within the check's time too
            [exe, "check", "rules", str(path)], cwd=None, limit=PROMTOOL_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AdapterError(f"promtool check rules {path} failed to run: {exc}") from None
    if done.returncode == 0:
        return []
    lines = [ln.strip() for ln in done.stderr.splitlines() if ln.strip()]
    return [ln for ln in lines if not ln.startswith("FAILED")] or ["promtool check rules failed"]
