"""End to end, as CI runs it: `qualitygates run` in a subprocess over the bundled example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml

from tests.helpers import ROOT, qualitygates


def test_bundled_example_passes_from_the_repository_root() -> None:
    result = qualitygates("run", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].endswith("gates passed — deployment allowed")


def test_threshold_above_the_real_value_fails_with_both_values(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rate >= 99%"))
    result = qualitygates("run", "--junit", "out/gates.xml", cwd=example)
    assert result.returncode == 1
    assert "FAIL  line_rate 97.14% is not >= 99%" in result.stdout
    cases = {
        c.name: c for suite in JUnitXml.fromfile(str(example / "out" / "gates.xml")) for c in suite
    }
    failure = cases["line_rate >= 99%"].result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "line_rate 97.14% is not >= 99%"


@pytest.mark.parametrize(
    ("damage", "sentence"),
    [
        (
            "delete",
            "examples/reports/coverage.xml does not exist: check the path, or that the tool ran",
        ),
        ("truncate", "coverage.xml is not well-formed XML: unclosed token"),
        (
            "empty",
            "examples/reports/coverage.xml is empty: the tool that writes it failed or did not run",
        ),
    ],
)
def test_missing_or_broken_report_exits_3_with_one_sentence(
    example: Path, damage: str, sentence: str
) -> None:
    report = example / "examples" / "reports" / "coverage.xml"
    if damage == "delete":
        report.unlink()
    elif damage == "truncate":
        report.write_bytes(report.read_bytes()[:500])
    else:
        report.write_bytes(b"")
    result = qualitygates(
        "run", "--junit", "out/gates.xml", "--json", "out/gates.json", cwd=example
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr
    assert sentence in result.stdout
    errors = [
        c
        for s in JUnitXml.fromfile(str(example / "out" / "gates.xml"))
        for c in s
        if c.result and isinstance(c.result[0], Error)
    ]
    assert errors and sentence in errors[0].result[0].message
    assert (example / "out" / "gates.json").is_file()


def test_misspelt_metric_exits_2_with_position(example: Path) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text().replace("line_rate >= 80%", "line_rat >= 80%"))
    result = qualitygates("run", cwd=example)
    assert result.returncode == 2
    assert (
        "gates.yaml:14:13: unknown metric 'line_rat' for adapter 'coverage' (did you mean 'line_rate'?)"
        in (result.stderr)
    )


def test_init_writes_a_policy_that_validates(tmp_path: Path) -> None:
    assert qualitygates("init", cwd=tmp_path).returncode == 0
    result = qualitygates("validate", "--var", "PEAK_RPS=150", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert qualitygates("init", cwd=tmp_path).returncode == 2  # never overwrites silently


def test_the_starter_load_gate_never_passes_by_default(tmp_path: Path) -> None:
    assert qualitygates("init", cwd=tmp_path).returncode == 0
    result = qualitygates("validate", cwd=tmp_path)
    assert result.returncode == 2
    # One sentence for the cause, not a second one for the text it left behind.
    (line,) = result.stderr.strip().splitlines()
    assert re.fullmatch(
        r"error: gates\.yaml:\d+:\d+: \$\{PEAK_RPS\} is not set: set it, pass --var "
        r"PEAK_RPS=VALUE, or give a default with \$\{PEAK_RPS:-default\}",
        line,
    )
