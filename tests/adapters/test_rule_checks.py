"""A run refuses a `rule.<id>` its reports' tools do not have: never a 0 for a typo.

The lint adapter checks a requested rule against the catalogues of the tools that wrote
its reports; the sarif adapter against the rules the runs list, the catalogues of the
catalogued tools among them, and the check's `extra_rules`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.interface import Collection
from qualitygates.adapters.lint import LintAdapter
from qualitygates.adapters.sarif import SarifAdapter
from qualitygates.catalogues import catalogue
from qualitygates.errors import AdapterError
from tests.helpers import DATA, collect, corpus_params, qualitygates

LINT = DATA / "lint"
TAIL = "a rule these lack (a newer version's, a plugin's) goes under the check's extra_rules"
RUFF = catalogue("ruff").label
BANDIT = catalogue("bandit").label


def counts(
    adapter: type[LintAdapter | SarifAdapter], metrics: tuple[str, ...], **options: Any
) -> dict[str, float | str]:
    collection: Collection = collect(adapter, metrics, **options)
    found = {**collection.metrics, **adapter().count_findings(collection.findings)}
    return {name: found[name].value for name in metrics if name in found}


# --- lint ----------------------------------------------------------------------------------


def test_lint_refuses_a_rule_the_reports_tool_does_not_have() -> None:
    path = LINT / "ruff.json"
    with pytest.raises(AdapterError) as info:
        collect(LintAdapter, ("rule.F401", "rule.no-unused-vars"), path=str(path))
    assert str(info.value) == (
        f"{path}: rule.no-unused-vars: 'no-unused-vars' is not a rule of {RUFF}; {TAIL}"
    )


@pytest.mark.parametrize(
    ("report", "metric", "right", "number"),
    [
        # A pylint message id or a ruff rule name counted 0 next to findings of the rule.
        ("pylint.json", "rule.C0114", "missing-module-docstring", 1),
        ("ruff.json", "rule.unused-import", "F401", 2),
    ],
)
def test_lint_names_the_id_a_tools_reports_count_a_rule_by(
    report: str, metric: str, right: str, number: int
) -> None:
    path = LINT / report
    tool = report.removesuffix(".json")
    with pytest.raises(AdapterError) as info:
        collect(LintAdapter, (metric,), path=str(path))
    rule = metric.removeprefix("rule.")
    assert str(info.value) == (
        f"{path}: {metric}: {tool} reports the rule {rule!r} as {right!r}: write 'rule.{right}'"
    )
    assert counts(LintAdapter, (f"rule.{right}",), path=str(path)) == {f"rule.{right}": number}


def test_lint_checks_a_rule_counted_against_a_baseline_too() -> None:
    with pytest.raises(AdapterError, match=r"rule\.E7222: 'E7222' is not a rule of ruff .*"):
        collect(LintAdapter, ("new.rule.E7222",), path=str(LINT / "ruff.json"))


def test_lint_accepts_catalogued_found_declared_and_plugin_rules(tmp_path: Path) -> None:
    ruff = counts(
        LintAdapter,
        ("rule.E722", "rule.F401", "rule.RUF999", "rule.invalid-syntax"),
        path=str(LINT / "ruff.json"),
        extra_rules=["RUF999"],
    )
    assert ruff == {"rule.E722": 0, "rule.F401": 2, "rule.RUF999": 0, "rule.invalid-syntax": 1}
    eslint = counts(
        LintAdapter,
        ("rule.no-eval", "rule.react/no-danger", "rule.@typescript-eslint/no-unused-vars"),
        path=str(LINT / "eslint.json"),
    )
    assert eslint == {
        "rule.no-eval": 0,
        "rule.react/no-danger": 0,  # a plugin rule: no list names it, so it is let through
        "rule.@typescript-eslint/no-unused-vars": 2,
    }


def test_lint_an_empty_report_may_be_any_tools(tmp_path: Path) -> None:
    empty = tmp_path / "pylint.json"
    empty.write_text("[]")  # a clean run of some tool: which one, it does not say
    both = [str(LINT / "ruff.json"), str(empty)]
    found = counts(LintAdapter, ("rule.F401", "rule.missing-module-docstring"), path=both)
    assert found == {"rule.F401": 2, "rule.missing-module-docstring": 0}
    with pytest.raises(AdapterError, match=r"'E7222' is not a rule of ESLint .*'E722'"):
        collect(LintAdapter, ("rule.E7222",), path=str(empty))
    with pytest.raises(AdapterError, match=r"'E722' is not a rule of pylint"):
        collect(LintAdapter, ("rule.E722",), path=str(empty), format="pylint")


# --- sarif ---------------------------------------------------------------------------------


def sarif(tmp_path: Path, *runs: dict[str, Any]) -> str:
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps({"version": "2.1.0", "runs": list(runs)}))
    return str(path)


def clean_run(tool: str, rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": tool, **({"rules": rules} if rules is not None else {})}
    return {"tool": {"driver": driver}, "results": []}


def test_sarif_refuses_a_misspelt_rule_of_a_clean_catalogued_run(tmp_path: Path) -> None:
    # A clean ruff run lists no rule at all: only the catalogue tells E7222 from E722.
    path = sarif(tmp_path, clean_run("ruff", []))
    assert counts(SarifAdapter, ("rule.E722.total",), path=path) == {"rule.E722.total": 0}
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.E7222.total",), path=path)
    assert str(info.value) == (
        f"{path}: rule.E7222.total: 'E7222' is not a rule of these SARIF runs or {RUFF} "
        f"(did you mean 'E722'?); {TAIL}"
    )


def test_sarif_checks_a_tools_own_rule_list(tmp_path: Path) -> None:
    rules = [{"id": "js/sql-injection", "name": "SqlInjection"}, {"id": "js/xss"}]
    path = sarif(tmp_path, clean_run("CodeQL", rules))
    found = counts(SarifAdapter, ("rule.js/xss.error", "new.rule.js/xss.total"), path=path)
    assert found == {"rule.js/xss.error": 0}  # new.* needs a baseline: the engine's part
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.js/sql-injections.error",), path=path)
    assert str(info.value) == (
        f"{path}: rule.js/sql-injections.error: 'js/sql-injections' is not a rule of these "
        f"SARIF runs (did you mean 'js/sql-injection'?); {TAIL}"
    )
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.SqlInjection.total",), path=path)
    assert str(info.value) == (
        f"{path}: rule.SqlInjection.total: these SARIF runs report the rule 'SqlInjection' "
        "as 'js/sql-injection': write 'rule.js/sql-injection.total'"
    )


def test_sarif_accepts_extension_found_declared_and_eslint_plugin_rules(tmp_path: Path) -> None:
    run = clean_run("CodeQL", [])
    run["tool"]["extensions"] = [{"name": "pack", "rules": [{"id": "py/eval"}]}]
    run["results"] = [{"ruleId": "py/flask-debug", "message": {"text": "debug"}}]
    path = sarif(tmp_path, run, clean_run("ESLint"), clean_run("Bandit"))
    metrics = (
        "rule.py/eval.total",  # listed by an extension
        "rule.py/flask-debug.warning",  # found, listed nowhere
        "rule.custom-1.total",  # declared by the check
        "rule.react/no-danger.error",  # an ESLint plugin, where ESLint ran
        "rule.no-eval.total",  # ESLint core
        "rule.B101.total",  # bandit
    )
    found = counts(SarifAdapter, metrics, path=path, extra_rules=["custom-1"])
    assert found == dict.fromkeys(metrics, 0) | {"rule.py/flask-debug.warning": 1}


def test_sarif_names_the_id_of_a_catalogued_rule_written_by_name(tmp_path: Path) -> None:
    path = sarif(tmp_path, clean_run("Bandit"))
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.assert_used.total",), path=path)
    assert str(info.value) == (
        f"{path}: rule.assert_used.total: bandit reports the rule 'assert_used' as 'B101': "
        "write 'rule.B101.total'"
    )
    with pytest.raises(AdapterError, match=rf"is not a rule of these SARIF runs or {BANDIT}"):
        collect(SarifAdapter, ("rule.B1010.total",), path=path)


def test_a_misspelt_sarif_rule_is_an_error_of_the_run_not_a_pass(tmp_path: Path) -> None:
    sarif(tmp_path, clean_run("ruff", []))
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: s\n        adapter: sarif\n"
        "        with: {path: scan.sarif}\n        conditions: ['rule.E7222.total == 0']\n"
    )
    done = qualitygates("run", "-c", "gates.yaml", cwd=tmp_path)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "'E7222' is not a rule of these SARIF runs" in done.stdout + done.stderr


# --- real reports --------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", corpus_params("lint/*.json", "set-b/eslint/*.json", "set-b/ruff/*.json")
)
def test_every_rule_a_real_lint_report_found_passes_validate(path: Path) -> None:
    """The catalogues know what the real tools write (ESLint plugins aside)."""
    try:
        findings = collect(LintAdapter, path=str(path)).findings
    except AdapterError:
        pytest.skip("a report the adapter refuses")
    rules = {(f"rule.{f.rule}", f.tool) for f in findings if f.rule and "/" not in f.rule}
    problems = [LintAdapter.metric_problem(metric, {"format": tool}) for metric, tool in rules]
    assert [p for p in problems if p] == []


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", corpus_params("sarif/*.sarif", "set-b/sarif/*", "set-b/*/*.sarif", "trivy/*.sarif")
)
def test_every_rule_a_real_sarif_run_lists_or_found_is_accepted(path: Path) -> None:
    try:
        findings = collect(SarifAdapter, path=str(path)).findings
    except AdapterError:
        pytest.skip("a log the adapter refuses")
    listed = {r["id"] for run in json.loads(path.read_text())["runs"]
              for r in run["tool"]["driver"].get("rules") or [] if "id" in r}  # fmt: skip
    metrics = tuple(sorted(f"rule.{rule}.total" for rule in listed | {f.id for f in findings}))
    collect(SarifAdapter, metrics, path=str(path))  # no error


def test_a_report_listing_a_flood_of_rules_cannot_slow_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitygates import formatting

    looked_among: list[int] = []
    real = formatting.suggest

    def counting(name: str, candidates: Any) -> str:
        names = list(candidates)
        looked_among.append(len(names))
        return real(name, names)

    monkeypatch.setattr(formatting, "suggest", counting)
    rules = [{"id": f"audit.subprocess-{n:05}"} for n in range(20_000)]
    rules += [{"id": "x" * 5000}]  # too long to be a near miss of anything asked for
    path = sarif(tmp_path, clean_run("Semgrep", rules))
    with pytest.raises(AdapterError, match=r"did you mean 'audit\.subprocess-\d{5}'"):
        collect(SarifAdapter, ("rule.audit.subprocess-0001.total",), path=path)
    assert looked_among == [2000]  # the first 2000 in order; a hint costs the same for any log


def test_rule_names_a_hostile_log_lists_are_shown_escaped(tmp_path: Path) -> None:
    rules = [{"id": "B1\n::error::forged\x1b[31m", "name": "evil"}]
    path = sarif(tmp_path, clean_run("x", rules))
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.evil.total",), path=path)
    assert str(info.value).endswith(
        "write 'rule.B1\\n::error::forged\\x1b[31m.total'"
    ) and "\n" not in str(info.value)
    with pytest.raises(AdapterError) as info:
        collect(SarifAdapter, ("rule.B1 ::error::forged.total",), path=path)
    assert "(did you mean 'B1\\n::error::forged\\x1b[31m'?)" in str(info.value)
