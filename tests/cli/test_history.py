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


def test_an_empty_store_name_is_a_usage_error_not_a_run_without_history(tmp_path: Path) -> None:
    """`--history "$UNSET"` would otherwise turn every condition on history into a warning."""
    (tmp_path / "r.json").write_text('{"line_rate": 90}')
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: c\n        adapter: fake\n"
        "        with: {path: r.json}\n        conditions: [line_rate >= history.min(30d)]\n"
    )
    config = ["-c", str(tmp_path / "gates.yaml")]
    runner = CliRunner()
    given = runner.invoke(cli, ["run", *config, "--history", ""])
    assert given.exit_code == 2
    assert "--history is empty: name a file path or a postgresql:// URL" in given.output
    from_env = runner.invoke(cli, ["run", *config], env={"QUALITYGATES_HISTORY": " "})
    assert from_env.exit_code == 2
    assert "$QUALITYGATES_HISTORY is set but empty" in from_env.output


def test_reading_a_store_that_is_not_there_is_a_usage_error(tmp_path: Path) -> None:
    typo = tmp_path / "histroy.sqlite"
    for command in (["history"], ["history", "flaky"], ["trend", "line_rate"],
                    ["history", "report", "--period", "2026-11"]):  # fmt: skip
        result = CliRunner().invoke(cli, [*command, "--history", str(typo)])
        assert result.exit_code == 2, (command, result.output)
        assert f"there is no history store at {typo}" in result.output
    assert not typo.exists()


def test_a_metric_trend_cannot_find_is_a_usage_error(tmp_path: Path) -> None:
    store = str(tmp_path / "h.sqlite")
    from qualitygates.history import open_store

    open_store(store).close()
    result = CliRunner().invoke(cli, ["trend", "line_rat", "--history", store])
    assert result.exit_code == 2
    assert "no metric has been recorded in the history store" in result.output
    unsupported = CliRunner().invoke(cli, ["history", "--history", "mysql://u@h/db"])
    assert unsupported.exit_code == 2 and "unsupported history store mysql://" in unsupported.output


def test_since_says_what_is_wrong_with_an_age(tmp_path: Path) -> None:
    store = ["--history", str(tmp_path / "h.sqlite")]
    too_long = CliRunner().invoke(cli, ["history", "--since", "99999999d", *store])
    assert too_long.exit_code == 2
    assert "'99999999d' is longer than 100 years: write a shorter duration" in too_long.output
    word = CliRunner().invoke(cli, ["history", "--since", "yesterday", *store])
    assert "'yesterday' is neither a duration (7d) nor a date" in word.output
