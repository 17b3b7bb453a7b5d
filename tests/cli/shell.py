"""Driving the command line in-process: a small policy over the fake adapter, and `invoke`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from qualitygates.cli import cli

POLICY = """\
version: 1
gates:
  - id: g
    name: Quality
    checks:
      - id: c
        adapter: fake
        with: {path: m.json, token: "${TOKEN:-tok-123456}"}
        conditions: [line_rate >= 80%]
"""


def invoke(tmp_path: Path, *args: str, policy: str = POLICY) -> Result:
    """`qualitygates COMMAND -c TMP/gates.yaml ARGS...` with `policy` written first."""
    (tmp_path / "gates.yaml").write_text(textwrap.dedent(policy))
    runner = CliRunner()
    return runner.invoke(
        cli, [args[0], "-c", str(tmp_path / "gates.yaml"), *args[1:]], catch_exceptions=False
    )
