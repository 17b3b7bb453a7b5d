"""The README's Python API example runs as written, on the bundled example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qualitygates
from qualitygates import ExitCode
from qualitygates.history import open_store

ROOT = Path(__file__).resolve().parents[1]


def readme_api_example() -> str:
    """The Python code block of the README's "Python API" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the Python API section has no python code block"
    return found.group(1)


def test_the_readme_example_runs_on_the_bundled_example(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(example)
    for name in ("GITHUB_STEP_SUMMARY", "QUALITYGATES_HISTORY"):
        monkeypatch.delenv(name, raising=False)
    namespace: dict[str, object] = {}
    exec(compile(readme_api_example(), "README.md", "exec"), namespace)
    outcome = namespace["outcome"]
    assert isinstance(outcome, qualitygates.RunOutcome)
    assert outcome.exit_code is ExitCode.PASSED, capsys.readouterr().out
    assert capsys.readouterr().out == "passed: 2/2 gates passed\n"
    assert (example / "out" / "gates.xml").read_text().startswith("<?xml")
    assert "Deployment allowed" in (example / "out" / "gates.html").read_text()
    with open_store(example / ".qualitygates" / "history.sqlite") as store:
        assert len(store.runs()) == 1
