"""What `qualitygates run` prints from a hostile report can neither run a CI workflow
command nor steer the terminal: no line of report content starts `::`, none holds `##[`
or `##vso[`, and no control, bidi or invisible character reaches the log."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualitygates import plugins
from qualitygates.cli import cli
from tests.helpers import qualitygates

HOSTILE_NAMES = (
    "t1\n::add-mask::secret",
    "t2\n::error::x",
    "t3 \u202eevil\u2066 \u200f",
    "t4\r##vso[task.setvariable variable=x]y",
    "t5 \x85::warning::c1 line break",
    "t6\u2028  ::notice::line separator",
    "t7 ##[error]inline v1 command",
    "t8\n\t ::stop-commands::tok",
)
HOSTILE_MESSAGE = "boom\n::error file=x.py::forged\r\n##[add-mask]more"
# ESC, BEL and other C0 controls cannot be carried by XML 1.0: a JSON-based adapter brings them
ESCAPES = (
    "osc \x1b]8;;http://evil\x07link\x1b]8;;\x07 csi \x1b[2J\x1b[31m red \x9b31m bell\x07 nul\x00"
)

JUNIT_POLICY = """\
version: 1
gates:
  - id: tests
    name: Tests
    checks:
      - id: unit
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0]
"""
FAKE_POLICY = """\
version: 1
gates:
  - id: g
    name: Quality
    checks:
      - id: c
        adapter: fake
        with: {path: m.json}
        conditions: [count == 0]
"""

# What a runner would take for a workflow command: GitHub `::` at the start (after spaces)
# and `##[` anywhere; Azure `##vso[` anywhere.
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_STARTS_COMMAND = re.compile(r"^\s*::")
_INLINE_COMMAND = re.compile(r"##(vso)?\[", re.IGNORECASE)
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
_OUR_ANNOTATION = re.compile(r"^::(error|warning|notice) [^:]*::")


def _attribute(text: str) -> str:
    """An XML attribute value that keeps CR and LF (a literal one is normalised to a space)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def write_hostile_junit(folder: Path) -> None:
    cases = "".join(
        f'<testcase classname="c" name="{_attribute(name)}" file="src/{_attribute(name)}.py"'
        f' line="3"><failure message="{_attribute(HOSTILE_MESSAGE)}">'
        f"{_attribute(HOSTILE_MESSAGE)}</failure></testcase>"
        for name in HOSTILE_NAMES
    )
    count = len(HOSTILE_NAMES)
    (folder / "junit.xml").write_text(
        f'<testsuite name="s" tests="{count}" failures="{count}">{cases}</testsuite>',
        encoding="utf-8",
    )
    (folder / "gates.yaml").write_text(JUNIT_POLICY)


def write_hostile_fake(folder: Path) -> None:
    findings = [
        {"id": f"F{i}{ESCAPES}", "message": f"{name}{ESCAPES}", "path": f"a{ESCAPES}.py", "line": 2}
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    data = {"metrics": {"count": [len(findings), "count"]}, "findings": findings}
    (folder / "m.json").write_text(json.dumps(data))
    (folder / "gates.yaml").write_text(FAKE_POLICY)


def assert_log_is_safe(text: str) -> None:
    """No line starts a workflow command except our own annotations, whose content is
    escaped; no line holds `##[` / `##vso[`; no control, bidi or invisible character."""
    assert not _FORBIDDEN.search(text), repr(_FORBIDDEN.search(text))
    for line in _LINE_BREAKS.split(text):
        assert not _INLINE_COMMAND.search(line), line
        if _STARTS_COMMAND.match(line):
            assert _OUR_ANNOTATION.match(line), line


def run(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["run", "-c", str(folder / "gates.yaml"), *args], env=env, catch_exceptions=False
    )


@pytest.fixture(autouse=True)
def fake_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(plugins.BUILTIN_ADAPTERS, "fake", "tests.fakes:FakeAdapter")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.mark.parametrize("flags", [(), ("-v",), ("-q",), ("-vv", "--debug")])
@pytest.mark.parametrize("write", [write_hostile_junit, write_hostile_fake])
def test_console_output_of_a_hostile_report_is_safe(
    tmp_path: Path, write: Callable[[Path], None], flags: tuple[str, ...]
) -> None:
    write(tmp_path)
    result = run(tmp_path, *flags)
    assert result.exit_code == 1
    assert_log_is_safe(result.output)
    assert result.output.splitlines()[-1] == "0/1 gates passed — deployment blocked"


def test_annotations_of_a_hostile_report_are_our_commands_only(tmp_path: Path) -> None:
    write_hostile_junit(tmp_path)
    result = run(tmp_path, "-v", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert_log_is_safe(result.output)
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 + len(HOSTILE_NAMES)  # the condition, then each test
    assert all(_OUR_ANNOTATION.match(line) for line in annotations)


def test_annotations_carry_escape_sequences_visibly(tmp_path: Path) -> None:
    write_hostile_fake(tmp_path)
    result = run(tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert_log_is_safe(result.output)
    annotation = next(line for line in result.output.splitlines() if "::error file=" in line)
    assert "\\u001b]8;;http%3A//evil\\u0007link" in annotation  # a property: `:` escaped too
    assert annotation.endswith("\\u0000")


def test_a_value_stays_on_its_line_and_shows_what_it_hid(tmp_path: Path) -> None:
    write_hostile_junit(tmp_path)
    output = run(tmp_path, "-v").output
    assert "c::t1⏎::add-mask::secret src/t1⏎::add-mask::secret.py:3 boom" in output
    assert "t3 \\u202eevil\\u2066 \\u200f" in output
    assert "t4⏎##vso [task.setvariable variable=x]y" in output


def test_the_step_summary_has_no_control_or_bidi_character(tmp_path: Path) -> None:
    write_hostile_fake(tmp_path)
    summary = tmp_path / "summary.md"
    run(tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert "F0" in text
    assert not _FORBIDDEN.search(text.replace("@\u2060", "@"))  # the anti-mention joiner is ours


def test_an_error_message_is_one_safe_line(tmp_path: Path) -> None:
    write_hostile_fake(tmp_path)
    (tmp_path / "m.json").write_text(json.dumps({"error": f"bad\n::add-mask::x {ESCAPES}"}))
    result = run(tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 3
    assert_log_is_safe(result.output)
    assert "        bad⏎::add-mask::x osc \\u001b]8;;http://evil\\u0007link" in result.output


def test_a_saved_result_printed_by_report_is_safe(tmp_path: Path) -> None:
    write_hostile_fake(tmp_path)
    saved = tmp_path / "r.json"
    run(tmp_path, "--json", str(saved))
    for fmt in ("markdown", "junit", "json", "sarif"):
        result = CliRunner().invoke(cli, ["report", str(saved), "-f", fmt])
        assert result.exit_code == 0, result.output
        assert_log_is_safe(result.output)


def test_a_real_ci_step_prints_no_workflow_command_from_a_report(tmp_path: Path) -> None:
    write_hostile_junit(tmp_path)
    result = qualitygates("run", "-v", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1, result.stderr
    assert_log_is_safe(result.stdout + result.stderr)


def test_only_the_output_module_prints() -> None:
    """Everything the CLI prints goes through `cli.output.echo`; the other writers to
    standard output are a report written to `-`, which `reports/write.py` sanitises too,
    and main()'s answer to --version, made of our own constants before click is imported."""
    package = Path(__file__).resolve().parents[2] / "qualitygates"
    printing = re.compile(
        r"\bclick\.s?echo\(|(?<![\w.])print\(|print_exc\(|sys\.std(out|err)(\.buffer)?\.write"
    )
    allowed = {
        "cli/output.py": "click.echo(",
        "reports/write.py": "sys.stdout.buffer.write(_for_log(",
        "cli/__init__.py": 'print(f"qualitygates, version {__version__}")',
    }
    offenders = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if printing.search(line) and allowed.get(str(path.relative_to(package)), "\0") not in line
    ]
    assert offenders == []


@pytest.mark.parametrize("target", ["-", "/dev/stdout", "/dev/stderr"])
def test_a_report_written_to_the_log_is_sanitised_too(tmp_path: Path, target: str) -> None:
    write_hostile_junit(tmp_path)
    logs = ""
    for report in ("--junit", "--markdown"):  # one report per stream: two would read as neither
        result = qualitygates("run", "-q", report, target, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        logs += result.stdout + result.stderr
    assert "<testsuites" in logs
    assert_log_is_safe(logs)
