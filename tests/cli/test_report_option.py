"""`run --report FORMAT=PATH`: every format, built-in or plugin, through one option; the
old per-format flags are aliases of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitygates.cli import cli
from tests.cli.shell import POLICY, invoke
from tests.fakes import write_fake

PLUGINS = {
    "teams": "tests.cli.plugin_reporters:TeamsReporter",
    "legacy": "tests.cli.plugin_reporters:LegacyReporter",
}


@pytest.fixture
def plugin_reporters(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reporters installed as a plugin distribution is: entry points in
    `qualitygates.reporters`, found on sys.path."""
    site = tmp_path_factory.mktemp("site")
    info = site / "qualitygates_teams-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qualitygates-teams\nVersion: 1.0\n"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in PLUGINS.items())
    (info / "entry_points.txt").write_text(f"[qualitygates.reporters]\n{lines}")
    monkeypatch.syspath_prepend(str(site))


def test_a_built_in_format_and_its_alias_write_the_same_report(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"]})
    by_option, by_alias = tmp_path / "out" / "a.xml", tmp_path / "out" / "b.xml"
    result = invoke(tmp_path, "run", "--report", f"junit={by_option}", "--junit", str(by_alias))
    assert result.exit_code == 1
    assert by_option.read_bytes() == by_alias.read_bytes()
    assert '<failure message="line_rate 72.5% is not &gt;= 80%"' in by_option.read_text()


def test_every_alias_still_writes_its_format(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    aliases = ("junit", "json", "markdown", "html", "sarif", "codequality", "metrics")
    args = [arg for name in aliases for arg in (f"--{name}", str(tmp_path / "out" / name))]
    assert invoke(tmp_path, "run", *args).exit_code == 0
    assert json.loads((tmp_path / "out" / "json").read_text())["status"] == "passed"
    assert "qualitygates_run_exit_code 0" in (tmp_path / "out" / "metrics").read_text()
    assert (tmp_path / "out" / "html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.usefixtures("plugin_reporters")
def test_a_plugin_format_is_written_with_its_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_SHA": "abc",
    }.items():
        monkeypatch.setenv(name, value)
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    out = tmp_path / "teams.txt"
    result = invoke(tmp_path, "run", "--report", f"teams={out}")
    assert result.exit_code == 0, result.output
    assert out.read_text() == (
        f"teams: passed link=https://github.example/o/r/blob/abc/ root={tmp_path} trends=[]\n"
    )


@pytest.mark.usefixtures("plugin_reporters")
def test_a_plugin_written_for_the_one_argument_render_still_works(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [72.5, "percent"]})
    saved, out = tmp_path / "r.json", tmp_path / "legacy.txt"
    result = invoke(tmp_path, "run", "--report", f"legacy={out}", "--report", f"json={saved}")
    assert result.exit_code == 1
    assert out.read_text() == "legacy: failed\n"
    rendered = CliRunner().invoke(cli, ["report", str(saved), "-f", "legacy"])
    assert (rendered.exit_code, rendered.output) == (0, "legacy: failed\n")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("jsn=r.json", "Invalid value for '--report': unknown format 'jsn' (did you mean 'json'?)"),
        ("teams=t.txt", "Invalid value for '--report': unknown format 'teams' (known: json, "),
        ("json", "Invalid value for '--report': 'json' is not FORMAT=PATH, e.g. --report sarif="),
        ("json=", "Invalid value for '--report': 'json=' is not FORMAT=PATH"),
    ],
)
def test_an_unknown_or_malformed_format_is_a_usage_error_before_anything_runs(
    tmp_path: Path, value: str, message: str
) -> None:
    result = invoke(tmp_path, "run", "--report", value, "--json", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.json").exists()  # nothing ran, nothing was written


def test_two_reports_on_stdout_are_a_usage_error_whichever_option_names_them(
    tmp_path: Path,
) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    result = invoke(tmp_path, "run", "--report", "sarif=-", "--junit", "-")
    assert result.exit_code == 2
    assert "only one report can go to standard output ('-')" in result.output
    assert "gates passed" not in result.output  # refused before the run


def test_one_report_on_stdout_moves_the_verdict_to_stderr(tmp_path: Path) -> None:
    write_fake(tmp_path / "m.json", {"line_rate": [91.0, "percent"]})
    (tmp_path / "gates.yaml").write_text(POLICY)
    args = ["run", "-c", str(tmp_path / "gates.yaml"), "--report", "json=-"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "passed"
    assert result.stderr.endswith("1/1 gates passed — deployment allowed\n")
