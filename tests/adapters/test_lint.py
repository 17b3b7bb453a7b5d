"""The lint adapter: exact counts per format, every error path, and real ruff/pylint/ESLint runs.

ESLint and jscpd come from npm. The real-tool tests look for them in the folder named by
`QUALITYGATES_NODE_BIN`, then in `tests/.node_modules/node_modules/.bin` (what
`npm install --prefix tests/.node_modules eslint@9 jscpd@4` makes), then on PATH, and
skip when they are absent.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from qualitygates.adapters.interface import CollectRequest
from qualitygates.adapters.lint import LintAdapter
from qualitygates.adapters.lint.adapter import detect
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Measurement, Severity
from tests.helpers import DATA, FIXED_NOW

FIXTURES = DATA / "lint"
APP = Path("/work/app")  # the folder the hand-written reports say they were made in
NODE_MODULES = Path(__file__).resolve().parents[1] / ".node_modules" / "node_modules" / ".bin"


def run_lint(
    path: object, metrics: Sequence[str] = (), base_dir: Path = APP, **options: object
) -> tuple[tuple[Finding, ...], dict[str, float]]:
    """Collect, then count every finding (as the engine does when nothing is waived)."""
    adapter = LintAdapter()
    request = CollectRequest("lint", {"path": path, **options}, tuple(metrics), base_dir, FIXED_NOW)
    collection = adapter.collect(request)
    counted = {**collection.metrics, **adapter.count_findings(collection.findings)}
    return collection.findings, {name: m.value for name, m in counted.items()}


def levels(counts: dict[str, float]) -> dict[str, float]:
    return {k: counts[k] for k in ("errors", "warnings", "total", "fixable")}


def node_tool(name: str) -> Path:
    """An npm-installed binary (eslint, jscpd), or skip the test."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    folders = [os.environ.get("QUALITYGATES_NODE_BIN", ""), str(NODE_MODULES)]
    for folder in filter(None, folders):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (npm install --prefix tests/.node_modules {name})")
    return Path(found)


def python_tool(module: str) -> list[str]:
    """`python -m module`, or skip when the package is not installed."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install {module})")
    return [sys.executable, "-m", module]


# --- formats -------------------------------------------------------------------------------


def test_eslint_json_counts_levels_fixes_and_scoped_rules() -> None:
    findings, counts = run_lint(
        FIXTURES / "eslint.json", metrics=("rule.@typescript-eslint/no-unused-vars",)
    )
    # errors: no-var, two no-unused-vars, the parse error; warnings: semi, eqeqeq and the
    # unused directive; fixable: no-var, semi and the directive (a suggestion is not a fix).
    assert levels(counts) == {"errors": 4, "warnings": 3, "total": 7, "fixable": 3}
    assert counts["rule.@typescript-eslint/no-unused-vars"] == 2
    assert counts["rule.parse-error"] == 1
    assert counts["rule.eslint-core"] == 1
    assert "rule.no-console" not in counts  # suppressed by an inline directive
    first = findings[0]
    assert (first.id, first.rule, first.tool, first.severity) == (
        "no-var",
        "no-var",
        "eslint",
        Severity.HIGH,
    )
    assert (first.location.path, first.location.line, first.fixable) == ("src/cart.ts", 3, True)
    assert first.message == "Unexpected var, use let or const instead."
    parse = next(f for f in findings if f.rule == "parse-error")
    assert (parse.severity, parse.location.path) == (Severity.HIGH, "src/broken.js")


def test_eslint_with_metadata_reads_like_plain_json() -> None:
    """The same findings and counts; only the severities of rules whose type the metadata
    gives differ (test_lint_severity)."""
    plain, plain_counts = run_lint(FIXTURES / "eslint.json")
    with_metadata, counts = run_lint(FIXTURES / "eslint-with-metadata.json")
    assert counts == plain_counts
    assert [dataclasses.replace(f, severity=Severity.HIGH) for f in with_metadata] == [
        dataclasses.replace(f, severity=Severity.HIGH) for f in plain
    ]


def test_ruff_every_violation_is_an_error_and_only_safe_fixes_count() -> None:
    findings, counts = run_lint(FIXTURES / "ruff.json")
    assert levels(counts) == {"errors": 5, "warnings": 0, "total": 5, "fixable": 1}
    assert (counts["rule.F401"], counts["rule.E711"], counts["rule.C901"]) == (2, 1, 1)
    assert counts["rule.invalid-syntax"] == 1  # code null: a syntax error (ruff < 0.12)
    assert [f.fixable for f in findings] == [True, False, False, False, False]
    assert {f.tool for f in findings} == {"ruff"}
    assert findings[0].location.path == "pkg/util.py"


def test_ruff_severity_field_of_newer_ruff(tmp_path: Path) -> None:
    entries = json.loads((FIXTURES / "ruff.json").read_text())
    for entry, level in zip(entries, ["error", "warning", "error", "error", "error"], strict=True):
        entry["severity"] = level
    report = tmp_path / "ruff.json"
    report.write_text(json.dumps(entries))
    _, counts = run_lint(report)
    assert levels(counts) == {"errors": 4, "warnings": 1, "total": 5, "fixable": 1}


@pytest.mark.parametrize("name", ["pylint.json", "pylint-json2.json"])
def test_pylint_fatal_and_error_are_errors_the_rest_warnings(name: str) -> None:
    findings, counts = run_lint(FIXTURES / name)
    assert levels(counts) == {"errors": 2, "warnings": 5, "total": 7, "fixable": 0}
    assert counts["rule.bare-except"] == 1
    assert counts["rule.missing-module-docstring"] == 1
    by_type = {f.extra["type"]: f.severity for f in findings}
    assert {f.kind for f in findings} == {FindingKind.LINT}
    assert by_type == {
        "fatal": Severity.HIGH,
        "error": Severity.HIGH,
        "warning": Severity.MEDIUM,
        "convention": Severity.LOW,
        "refactor": Severity.LOW,
        "info": Severity.INFO,
    }
    assert findings[1].location.path == "pkg/util.py"
    assert findings[1].id == "undefined-variable"


@pytest.mark.parametrize("text", ["[]", "[\n  \n]"])
def test_an_empty_list_is_a_clean_run(tmp_path: Path, text: str) -> None:
    report = tmp_path / "clean.json"
    report.write_text(text)
    findings, counts = run_lint(report, metrics=("rule.E501",))
    assert findings == ()
    assert counts == {"errors": 0, "warnings": 0, "total": 0, "fixable": 0, "rule.E501": 0}


def test_reports_of_several_tools_are_merged_from_globs() -> None:
    _, counts = run_lint([str(FIXTURES / "eslint.json"), str(FIXTURES / "ruff*.json")])
    assert levels(counts) == {"errors": 9, "warnings": 3, "total": 12, "fixable": 4}


def test_format_option_accepts_the_right_tool_and_refuses_another() -> None:
    _, counts = run_lint(FIXTURES / "ruff.json", format="ruff")
    assert counts["total"] == 5
    with pytest.raises(AdapterError) as info:
        run_lint(FIXTURES / "ruff.json", format="eslint")
    assert (
        str(info.value)
        == f"{FIXTURES / 'ruff.json'} is ruff JSON, not eslint as the `format` option says"
    )


# --- counting, waivers, metric names -----------------------------------------------------------


def test_counts_follow_the_findings_left_after_waivers() -> None:
    adapter = LintAdapter()
    request = CollectRequest(
        "lint",
        {"path": str(FIXTURES / "eslint.json")},
        ("rule.no-var", "rule.no-eval"),
        APP,
        FIXED_NOW,
    )
    collection = adapter.collect(request)
    kept = [f for f in collection.findings if f.rule != "no-var"]  # a waiver on no-var
    merged = {**collection.metrics, **adapter.count_findings(kept)}  # as the engine merges them
    counts = {k: m.value for k, m in merged.items()}
    assert levels(counts) == {"errors": 3, "warnings": 3, "total": 6, "fixable": 2}
    assert counts["rule.no-var"] == 0  # asked for: zero, not missing
    assert counts["rule.no-eval"] == 0
    assert all(isinstance(m, Measurement) for m in adapter.count_findings(kept).values())


def test_rule_pattern_accepts_eslint_ruff_and_pylint_ids() -> None:
    for name in ("rule.@typescript-eslint/no-unused-vars", "rule.react-hooks/exhaustive-deps",
                 "rule.E501", "rule.missing-module-docstring", "rule.parse-error"):  # fmt: skip
        spec = LintAdapter.metric_spec(name)
        assert spec is not None and spec.name == "rule.<rule>", name
    assert LintAdapter.metric_spec("rule.") is None
    assert LintAdapter.metric_spec("rules.E501") is None


def test_fingerprints_ignore_line_numbers(tmp_path: Path) -> None:
    entries = json.loads((FIXTURES / "ruff.json").read_text())
    first = run_lint(FIXTURES / "ruff.json")[0]
    for entry in entries:
        entry["location"]["row"] += 10
    moved = tmp_path / "ruff.json"
    moved.write_text(json.dumps(entries))
    second = run_lint(moved)[0]
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    assert [f.location.line for f in second] == [11, 15, 18, 12, 11]
    assert len({f.fingerprint for f in first}) == 5


def test_paths_outside_the_policy_folder_are_kept_as_written() -> None:
    findings, _ = run_lint(FIXTURES / "ruff.json", base_dir=Path("/elsewhere"))
    assert findings[0].location.path == "/work/app/pkg/util.py"


# --- errors ----------------------------------------------------------------------------------


def lint_error(tmp_path: Path, text: str | bytes, name: str = "report.json") -> str:
    report = tmp_path / name
    if isinstance(text, bytes):
        report.write_bytes(text)
    else:
        report.write_text(text)
    with pytest.raises(AdapterError) as info:
        run_lint(report)
    return str(info.value).replace(str(report), "REPORT")


def test_missing_file_and_unmatched_glob(tmp_path: Path) -> None:
    with pytest.raises(AdapterError) as info:
        run_lint(tmp_path / "eslint.json")
    assert str(info.value) == (
        f"{tmp_path / 'eslint.json'} does not exist: check the path, or that the tool ran before this step"
    )
    with pytest.raises(AdapterError, match=r"no file matches .*\*\.json: check the path"):
        run_lint(str(tmp_path / "*.json"))


def test_empty_and_truncated_files(tmp_path: Path) -> None:
    assert (
        lint_error(tmp_path, b"")
        == "REPORT is empty: the tool that writes it failed or did not run"
    )
    truncated = (FIXTURES / "eslint.json").read_text()[:300]
    assert re.fullmatch(
        r"REPORT is not valid lint JSON: .*truncated\)", lint_error(tmp_path, truncated)
    )


def test_wrong_formats_are_named(tmp_path: Path) -> None:
    sarif = '{"version": "2.1.0", "runs": []}'
    assert (
        lint_error(tmp_path, sarif) == "REPORT is a SARIF report: read it with the `sarif` adapter"
    )
    gitlab = (
        '[{"check_name": "F401", "description": "x", "severity": "major", "fingerprint": "a1"}]'
    )
    assert lint_error(tmp_path, gitlab) == (
        "REPORT is a GitLab Code Quality report; write ESLint, ruff or pylint JSON instead "
        "(ruff: --output-format json)"
    )
    expected = (
        "REPORT is not an ESLint, ruff or pylint JSON report: write it with eslint -f json, "
        "ruff check --output-format json or pylint --output-format=json2"
    )
    for other in ('{"a": 1}', "[1, 2]", '"text"', '[{"name": "x"}]', "{}"):
        assert lint_error(tmp_path, other) == expected, other


def test_malformed_entries_name_the_field(tmp_path: Path) -> None:
    no_severity = '[{"filePath": "a.js", "messages": [{"ruleId": "semi", "message": "x"}]}]'
    assert lint_error(tmp_path, no_severity) == (
        "REPORT: results[0].messages[0].severity is None, not 1 or 2 (ESLint's warning or error)"
    )
    list_severity = no_severity.replace('"semi"', '"semi", "severity": [2]')
    assert lint_error(tmp_path, list_severity) == (  # not a TypeError: a list is unhashable
        "REPORT: results[0].messages[0].severity is [2], not 1 or 2 (ESLint's warning or error)"
    )
    bad_messages = '[{"filePath": "a.js", "messages": {}}]'
    # The type named last is the parser's mapping type.
    assert lint_error(tmp_path, bad_messages).startswith(
        "REPORT: results[0].messages should be an array, not "
    )
    no_file = (
        '[{"code": "E501", "filename": "a.py", "message": "x"}, {"code": "E501", "message": "y"}]'
    )
    assert (
        lint_error(tmp_path, no_file)
        == "REPORT: [1].filename is missing; is this a complete report?"
    )
    bad_type = (
        '[{"type": "style", "symbol": "x", "message": "m", "path": "a.py", "message-id": "C1"}]'
    )
    assert lint_error(tmp_path, bad_type) == (
        "REPORT: messages[0].type is 'style', not one of fatal, error, warning, refactor, convention, info"
    )
    bad_results = '{"results": {}, "metadata": {}}'
    assert lint_error(tmp_path, bad_results).startswith(
        "REPORT: report.results should be an array, not "
    )
    bad_line = '[{"code": "E501", "filename": "a.py", "message": "x", "location": {"row": "1"}}]'
    assert (
        lint_error(tmp_path, bad_line) == "REPORT: [0].location.row should be an integer, not str"
    )


def test_detect_names_each_format() -> None:
    assert detect([], Path("x")) is None
    assert detect({"results": [], "metadata": {}}, Path("x")) == "eslint"
    assert detect({"messages": [], "statistics": {}}, Path("x")) == "pylint"


# --- real tools ------------------------------------------------------------------------------

BAD_PY = """import os, sys
import json


def check(value, other, flag=False):
    if value == None:
        return 1
    if other and flag or value:
        try:
            return int(value)
        except:
            pass
    return undefined_name
"""


def _python_project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "bad.py").write_text(BAD_PY)
    (source / "broken.py").write_text("def broken(:\n    pass\n")
    return source


@pytest.mark.realtool
def test_ruff_counts_equal_ruff_own_summary(tmp_path: Path) -> None:
    ruff = python_tool("ruff")
    source = _python_project(tmp_path)
    args = [*ruff, "check", "--no-cache", "--isolated", "--select", "E,F,W,B", "."]
    report = tmp_path / "ruff.json"
    with report.open("w") as out:
        subprocess.run([*args, "--output-format", "json"], cwd=source, stdout=out, check=False)
    text = subprocess.run(args, cwd=source, capture_output=True, text=True, check=False).stdout
    found = int(re.search(r"Found (\d+) errors?", text)[1])  # type: ignore[index]
    fixable = re.search(r"\[\*\] (\d+) fixable", text)
    findings, counts = run_lint(report, base_dir=source)
    assert counts["total"] == counts["errors"] == found > 5
    assert counts["fixable"] == (int(fixable[1]) if fixable else 0) > 0
    assert counts["rule.invalid-syntax"] >= 1
    assert {f.location.path for f in findings} == {"bad.py", "broken.py"}


@pytest.mark.realtool
def test_pylint_counts_equal_pylint_own_statistics(tmp_path: Path) -> None:
    pylint = python_tool("pylint")
    source = _python_project(tmp_path)
    reports = {}
    for fmt in ("json", "json2"):
        reports[fmt] = tmp_path / f"pylint-{fmt}.json"
        with reports[fmt].open("w") as out:
            cmd = [*pylint, f"--output-format={fmt}", "--persistent=n", "bad.py", "broken.py"]
            subprocess.run(cmd, cwd=source, stdout=out, check=False)
    said = json.loads(reports["json2"].read_text())["statistics"]["messageTypeCount"]
    expected_errors = said["fatal"] + said["error"]
    for report in reports.values():
        _, counts = run_lint(report, base_dir=source)
        assert counts["errors"] == expected_errors >= 2
        assert counts["total"] == sum(said.values())
        assert (
            counts["warnings"]
            == said["warning"] + said["convention"] + said["refactor"] + said["info"]
        )
        assert counts["rule.syntax-error"] == 1


BAD_JS = """// TODO: drop this
var total = 1
function add(x) {
  let y = x * 2;
  if (x == 2) return y
  return total;
}
module.exports = { add };
"""

ESLINT_CONFIG = """const local = {
  rules: {
    "no-todo": {
      meta: { type: "problem", schema: [] },
      create(context) {
        return {
          Program() {
            for (const c of context.sourceCode.getAllComments()) {
              if (c.value.includes("TODO")) context.report({ loc: c.loc, message: "TODO left" });
            }
          },
        };
      },
    },
  },
};
module.exports = [{
  files: ["**/*.js"],
  plugins: { "@local": local },
  languageOptions: { sourceType: "commonjs" },
  rules: { "no-var": "error", "prefer-const": "warn", semi: "warn", eqeqeq: "error",
           "no-unused-vars": "error", "@local/no-todo": "warn" },
}];
"""


@pytest.mark.realtool
@pytest.mark.parametrize("formatter", ["json", "json-with-metadata"])
def test_eslint_counts_equal_eslint_own_counts(tmp_path: Path, formatter: str) -> None:
    eslint = node_tool("eslint")
    (tmp_path / "eslint.config.js").write_text(ESLINT_CONFIG)
    (tmp_path / "bad.js").write_text(BAD_JS)
    (tmp_path / "broken.js").write_text("function (\n")
    report = tmp_path / "eslint.json"
    cmd = [str(eslint), "-f", formatter, "-o", str(report), "bad.js", "broken.js"]
    subprocess.run(cmd, cwd=tmp_path, capture_output=True, check=False, timeout=60)
    data = json.loads(report.read_text())
    results = data["results"] if isinstance(data, dict) else data
    findings, counts = run_lint(report, metrics=("rule.@local/no-todo",), base_dir=tmp_path)
    assert counts["errors"] == sum(r["errorCount"] for r in results) == 3
    assert counts["warnings"] == sum(r["warningCount"] for r in results) == 4
    fixable = sum(r["fixableErrorCount"] + r["fixableWarningCount"] for r in results)
    assert counts["fixable"] == fixable == 4
    assert counts["rule.@local/no-todo"] == 1
    assert counts["rule.parse-error"] == 1
    assert {f.location.path for f in findings} == {"bad.js", "broken.js"}
