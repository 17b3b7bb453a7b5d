"""`validate` refuses a `rule.<id>` no linter has, from catalogues made by the tools.

A misspelt rule id used to count 0 for ever, so `rule.E7222 == 0` passed on every run.
The catalogues are package data made by `scripts/make_rule_catalogues.py`; the last tests
here run the real tools and fail when a shipped catalogue is stale for the pinned version.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from qualitygates.catalogues import TOOLS, catalogue, parse_catalogue
from qualitygates.errors import PolicyError
from qualitygates.policy import load_policy
from tests.fakes import registry_with_fake

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_rule_catalogues.py"
VERSIONS = "ESLint {eslint}, ruff {ruff} or pylint {pylint}".format(
    **{tool: catalogue(tool).version for tool in TOOLS}
)
TAIL = "a rule these lack (a newer version's, a plugin's) goes under the check's extra_rules"


def lint_policy(tmp_path: Path, conditions: list[str], options: str = "") -> Path:
    path = tmp_path / "gates.yaml"
    lines = "\n".join(f"          - {c!r}" for c in conditions)
    path.write_text(
        textwrap.dedent(
            f"""\
            version: 1
            gates:
              - id: lint
                checks:
                  - id: lint
                    adapter: lint
                    with: {{path: lint.json{options}}}
                    conditions:
            """
        )
        + lines
        + "\n"
    )
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, {}, registry_with_fake())
    return [p.replace(str(path), "gates.yaml") for p in info.value.problems]


def accepted(path: Path) -> list[str]:
    policy = load_policy(path, {}, registry_with_fake())
    return [c.metric for c in policy.gates[0].checks[0].conditions]


# --- validate ------------------------------------------------------------------------------


def test_a_misspelt_rule_is_refused_at_its_condition_with_did_you_mean(tmp_path: Path) -> None:
    path = lint_policy(tmp_path, ["rule.E722 == 0", "rule.E7222 == 0"])
    assert problems(path) == [
        f"gates.yaml:10:13: rule.E7222: 'E7222' is not a rule of {VERSIONS} "
        f"(did you mean 'E722'?); {TAIL}"
    ]


def test_the_rules_of_every_linter_and_of_the_adapter_itself_are_accepted(
    tmp_path: Path,
) -> None:
    conditions = [
        "rule.E722 == 0",  # ruff (pycodestyle)
        "rule.no-unused-vars == 0",  # ESLint core
        "rule.missing-module-docstring == 0",  # pylint, by symbol as its reports count
        "rule.@typescript-eslint/no-unused-vars == 0",  # an ESLint plugin: not catalogued
        "rule.react/no-danger <= 2",
        "rule.parse-error == 0",  # rules the adapter names itself
        "rule.eslint-core == 0",
        "rule.invalid-syntax == 0",
        "new.rule.F401 == 0",
    ]
    assert accepted(lint_policy(tmp_path, conditions)) == [c.split()[0] for c in conditions]


def test_extra_rules_accepts_a_rule_newer_than_the_catalogues(tmp_path: Path) -> None:
    conditions = ["rule.RUF999 == 0", "rule.my-plugin-check == 0"]
    path = lint_policy(tmp_path, conditions, ", extra_rules: [RUF999, my-plugin-check]")
    assert accepted(path) == ["rule.RUF999", "rule.my-plugin-check"]
    assert problems(lint_policy(tmp_path, conditions, ", extra_rules: RUF999")) == [
        f"gates.yaml:10:13: rule.my-plugin-check: 'my-plugin-check' is not a rule of {VERSIONS}; "
        + TAIL
    ]


def test_a_pylint_message_id_is_refused_with_the_symbol_its_reports_count(
    tmp_path: Path,
) -> None:
    # pylint findings are counted by symbol: rule.C0114 would count 0 next to 9 findings.
    assert problems(lint_policy(tmp_path, ["rule.C0114 == 0"])) == [
        "gates.yaml:9:13: rule.C0114: pylint reports the rule 'C0114' as "
        "'missing-module-docstring': write 'rule.missing-module-docstring'"
    ]


def test_format_narrows_the_rules_to_that_tool(tmp_path: Path) -> None:
    conditions = ["rule.no-unused-vars == 0", "rule.react/no-danger == 0", "rule.bare-except == 0"]
    assert problems(lint_policy(tmp_path, conditions, ", format: ruff")) == [
        f"gates.yaml:9:13: rule.no-unused-vars: 'no-unused-vars' is not a rule of ruff "
        f"{catalogue('ruff').version}; {TAIL}",
        f"gates.yaml:10:13: rule.react/no-danger: 'react/no-danger' is not a rule of ruff "
        f"{catalogue('ruff').version}; {TAIL}",
        # pylint's bare-except is ruff's E722: on ruff reports it would count 0 for ever.
        "gates.yaml:11:13: rule.bare-except: ruff reports the rule 'bare-except' as 'E722': "
        "write 'rule.E722'",
    ]


def test_a_rule_counted_against_a_baseline_is_checked_too(tmp_path: Path) -> None:
    assert problems(lint_policy(tmp_path, ["new.rule.E7222 == 0"])) == [
        f"gates.yaml:9:13: rule.E7222: 'E7222' is not a rule of {VERSIONS} "
        f"(did you mean 'E722'?); {TAIL}"
    ]


def test_sarif_rules_are_left_to_the_run(tmp_path: Path) -> None:
    # Any tool writes SARIF: only its runs can say which rules it has.
    path = tmp_path / "gates.yaml"
    path.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: s\n        adapter: sarif\n"
        "        with: {path: scan.sarif}\n        conditions: ['rule.js/sql-injection.error == 0']\n"
    )
    assert load_policy(path, {}, registry_with_fake()).gates[0].checks[0].conditions


# --- the catalogues ------------------------------------------------------------------------


def test_catalogues_hold_each_tools_ids_and_other_names() -> None:
    assert {"E722", "F401", "RUF100"} <= catalogue("ruff").ids
    assert catalogue("ruff").aliases["bare-except"] == "E722"
    assert {"missing-module-docstring", "astroid-error"} <= catalogue("pylint").ids
    assert catalogue("pylint").aliases["C0114"] == "missing-module-docstring"
    assert "docstring-first-line-empty" in catalogue("pylint").ids  # an optional extension
    assert catalogue("bandit").aliases["assert_used"] == "B101"
    assert {"no-unused-vars", "eqeqeq"} <= catalogue("eslint").ids


def test_a_catalogue_with_a_wrong_header_is_refused() -> None:
    with pytest.raises(ValueError, match="the ruff rule catalogue starts with '# pylint 4'"):
        parse_catalogue("ruff", "# pylint 4\nE722\n")


def test_starting_qualitygates_reads_no_catalogue() -> None:
    code = (
        "import sys\nfrom qualitygates.catalogues import catalogue\nfrom qualitygates.cli import main\n"
        "sys.argv = ['qualitygates', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(catalogue.cache_info().currsize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "0"


# --- the catalogues against the pinned tools -----------------------------------------------


def make_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_rule_catalogues", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pins_are_the_versions_the_catalogues_were_made_from() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    for tool, package in (("ruff", "ruff"), ("pylint", "pylint"), ("bandit", r"bandit\[sarif\]")):
        pins = re.findall(rf'"{package}==([^"]+)"', pyproject)
        assert pins and set(pins) == {catalogue(tool).version}, tool
    run = (ROOT / ".ci" / "run").read_text()
    assert re.findall(r"eslint@(\S+)", run) == [catalogue("eslint").version]


@pytest.mark.realtool
@pytest.mark.parametrize("tool", TOOLS)
def test_the_shipped_catalogue_is_the_installed_tools_rule_list(
    tool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = make_script()
    if tool == "eslint" and not os.environ.get("QUALITYGATES_NODE_BIN"):
        local = ROOT / "tests" / ".node_modules" / "node_modules" / ".bin"
        monkeypatch.setenv("QUALITYGATES_NODE_BIN", str(local))
    try:
        live = script.catalogue_text(tool)
    except script.ToolMissing as exc:
        pytest.skip(f"cannot check the {tool} catalogue: {exc}")
    shipped = (ROOT / "qualitygates" / "catalogues" / f"{tool}.txt").read_text("utf-8")
    installed = live.splitlines()[0]
    assert installed == shipped.splitlines()[0], (
        f"the installed {installed[2:]} is not the version the catalogue was made from: "
        "install the pinned version, or run scripts/make_rule_catalogues.py and pin the new one"
    )
    assert live == shipped, f"the {tool} catalogue is stale: run scripts/make_rule_catalogues.py"
