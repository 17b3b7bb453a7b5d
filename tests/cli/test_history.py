"""The commands that read the history store: history, trend, compare."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualitygates.cli import cli


def test_history_limit_is_bounded(tmp_path: Path) -> None:
    args = ["history", "--history", str(tmp_path / "h.sqlite"), "--limit", "100000000000000000000"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Invalid value for '--limit'" in result.output
