"""What people expect of a command line: colour on their terms, the policy found from any
subfolder, `validate` for machines, and a word on stderr while a slow check runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualitygates.adapters.interface import Collection, CollectRequest
from qualitygates.engine import RunOptions, run
from qualitygates.engine import runner as engine_runner
from qualitygates.policy import load_policy
from tests.fakes import FakeAdapter, registry_with_fake, write_fake
from tests.helpers import ROOT, qualitygates

ANSI = "\x1b["
NO_CI = {"GITHUB_ACTIONS": "", "NO_COLOR": "", "FORCE_COLOR": "", "QUALITYGATES_CONFIG": ""}


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),  # not a terminal
        ([], {"FORCE_COLOR": "1"}, True),  # a CI log that renders colour
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins over FORCE_COLOR
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # the flag wins over both
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "always", "--no-color"], {}, False),
    ],
)
def test_colour_follows_the_flag_then_no_color_then_force_color(
    example: Path, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    done = qualitygates("run", *args, cwd=example, env={**NO_CI, **env})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (ANSI in done.stdout) is coloured


def test_the_policy_is_found_from_a_subfolder_up_to_the_repository_root(example: Path) -> None:
    (example / ".git").mkdir()  # the repository's root
    deep = example / "examples" / "reports"
    done = qualitygates("validate", cwd=deep, env=NO_CI)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{example / 'gates.yaml'}: valid (4 gates")
    assert qualitygates("run", "-q", cwd=deep, env=NO_CI).returncode == 0  # paths from the policy


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text((ROOT / "gates.yaml").read_text())  # outside the repo
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    done = qualitygates("validate", cwd=repo, env=NO_CI)
    assert done.returncode == 2
    assert "gates.yaml" in done.stderr and str(tmp_path / "gates.yaml") not in done.stdout


def test_qualitygates_config_names_the_policy(example: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**NO_CI, "QUALITYGATES_CONFIG": str(example / "gates.yaml")}
    done = qualitygates("validate", cwd=elsewhere, env=env)
    assert done.returncode == 0 and done.stdout.startswith(str(example / "gates.yaml"))


BAD = """\
version: 1
gates:
  - id: g
    checks:
      - id: c
        adapter: junitt
        with: {path: r.xml}
        conditions: [tests > 0]
"""


def test_validate_json_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text(BAD)
    done = qualitygates("validate", "--format", "json", cwd=tmp_path, env=NO_CI)
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["valid"] is False and report["policy"] == "gates.yaml"
    assert report["problems"] == [
        {"file": "gates.yaml", "line": 6, "column": 18,
         "message": "unknown adapter 'junitt' (did you mean 'junit'?)"},
    ]  # fmt: skip
    good = qualitygates("validate", "--format", "json", cwd=ROOT, env=NO_CI)
    assert json.loads(good.stdout) | {"policy": ""} == {
        "policy": "", "valid": True, "gates": 4, "checks": 12, "conditions": 28, "problems": [],
    }  # fmt: skip


def test_validate_github_annotates_the_policy_lines(tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text(BAD)
    done = qualitygates("validate", "--format", "github", cwd=tmp_path, env=NO_CI)
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        "::error file=gates.yaml,line=6,col=18,title=qualitygates validate::"
        "unknown adapter 'junitt' (did you mean 'junit'?)"
    ]


def test_a_check_still_running_is_told_what_it_reads_and_for_how_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_runner, "PROGRESS_AFTER", 0.2)
    monkeypatch.setattr(engine_runner, "PROGRESS_EVERY", 0.3)
    original = FakeAdapter.collect

    def slow(self: FakeAdapter, request: CollectRequest) -> Collection:
        time.sleep(0.7)
        return original(self, request)

    monkeypatch.setattr(FakeAdapter, "collect", slow)
    write_fake(tmp_path / "m.json", {"count": [0, "count"]})
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: slow\n        adapter: fake\n"
        "        with: {path: m.json}\n        conditions: [count == 0]\n"
    )
    registry = registry_with_fake()
    heard: list[str] = []
    policy = load_policy(tmp_path / "gates.yaml", {}, registry)
    result = run(policy, RunOptions(progress=heard.append), registry)
    assert result.exit_code == 0
    assert len(heard) == 2  # at 0.2 s and 0.5 s: then it was done
    assert heard[0] == f"g.slow still running after 0 s (reading {tmp_path / 'm.json'})"


def test_the_documented_shell_completion_works(tmp_path: Path) -> None:
    done = qualitygates(cwd=tmp_path, env={**NO_CI, "_QUALITYGATES_COMPLETE": "bash_source"})
    assert done.returncode == 0 and "_qualitygates_completion()" in done.stdout
    words = qualitygates(
        cwd=tmp_path,
        env={**NO_CI, "_QUALITYGATES_COMPLETE": "bash_complete", "COMP_WORDS": "qualitygates va",
             "COMP_CWORD": "1"},
    )  # fmt: skip
    assert "plain,validate" in words.stdout.splitlines()


def test_json_on_standard_output_is_what_its_consumers_read(example: Path) -> None:
    """`--json -`: the result alone on stdout (the verdict goes to stderr), read back by
    a program at the other end of a pipe, as a shell pipeline would."""
    done = qualitygates("run", "--json", "-", cwd=example, env=NO_CI)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["schema"] == "qualitygates/result/v2" and result["status"] == "passed"
    assert "4/4 gates passed" in done.stderr
    consumer = "import json, sys; print(json.load(sys.stdin)['summary']['gates_passed'])"
    piped = subprocess.run(
        f'"{sys.executable}" -m qualitygates run -q --json - | "{sys.executable}" -c "{consumer}"',
        shell=True, cwd=example, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == "4\n"  # the pipe holds the result and nothing else


def test_an_unexpected_error_is_one_line_and_offers_debug_only_where_there_is_one() -> None:
    import click
    from click.testing import CliRunner

    from qualitygates.cli.common import fails_cleanly

    @click.command()
    @click.option("--debug", is_flag=True)
    @fails_cleanly
    def with_debug(debug: bool) -> None:
        raise RuntimeError("x" * 1000)

    @click.command()
    @fails_cleanly
    def without_debug() -> None:
        raise RuntimeError("boom")

    offered = CliRunner().invoke(with_debug, [])
    assert offered.exit_code == 3
    assert (
        offered.output
        == f"error: internal error: RuntimeError: {'x' * 300} (run with --debug for details)\n"
    )
    plain = CliRunner().invoke(without_debug, [])
    assert (plain.exit_code, plain.output) == (3, "error: internal error: RuntimeError: boom\n")
    shown = CliRunner().invoke(with_debug, ["--debug"])
    assert "Traceback" in shown.output and "(run with --debug" not in shown.output
