"""Secrets are redacted on the raw values, before any format escapes them, so no report
shows one in any spelling: raw, HTML/XML-escaped, JSON-escaped, Markdown-escaped or
percent-encoded."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape as xml_escape

import pytest
from click.testing import CliRunner

from qualitygates import plugins
from qualitygates.cli import cli
from qualitygates.reports.markdown_report import escape as markdown_escape
from qualitygates.reports.write import redact

OPTION_SECRET = 's3cr&t<"x\\>'
ENV_SECRET = "t0k&n<'y\\>z\""
POLICY = """\
version: 1
gates:
  - id: g
    name: Quality
    checks:
      - id: remote
        adapter: fake
        with: {path: remote.json, token: 's3cr&t<"x\\>'}
        conditions: [count == 0]
      - id: local
        adapter: fake
        with: {path: local.json}
        conditions: [count == 0]
"""
REPORT_FLAGS = ("json", "markdown", "html", "junit", "sarif", "codequality", "metrics")


def spellings(secret: str) -> dict[str, str]:
    """Every form a report format could give the secret."""
    return {
        "raw": secret,
        "html": html.escape(secret),
        "html-text": html.escape(secret, quote=False),
        "xml-attribute": xml_escape(secret, {'"': "&quot;", "'": "&apos;"}),
        "json": json.dumps(secret)[1:-1],
        "json-ascii": json.dumps(secret, ensure_ascii=True)[1:-1],
        "markdown": markdown_escape(secret),
        "url": quote(secret, safe=""),
        "url-form": quote_plus(secret),
        "url-lower": quote(secret, safe="").lower(),
    }


def assert_no_secret(text: str, where: str) -> None:
    for secret in (OPTION_SECRET, ENV_SECRET):
        for name, form in spellings(secret).items():
            assert form not in text, f"{where} shows the secret {name}-escaped: {form}"


@pytest.fixture
def leaky_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str]]:
    """A run whose reports hold both secrets in a URL, a message, a path, an id and a
    metric; returns the console output and every report's text."""
    monkeypatch.setitem(plugins.BUILTIN_ADAPTERS, "fake", "tests.fakes:FakeAdapter")
    monkeypatch.setenv("DEPLOY_API_TOKEN", ENV_SECRET)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    both = f"{OPTION_SECRET} / {ENV_SECRET}"
    url = f"https://sonar.example/api?q={quote_plus(OPTION_SECRET)}&e={quote(ENV_SECRET)}"
    (tmp_path / "remote.json").write_text(json.dumps({"error": f"GET {url} failed: {both}"}))
    finding = {"id": f"ID {both}", "message": f"leaked {both}", "path": f"{both}.py", "line": 1}
    metrics = {"count": [1, "count"], "state": [both, "text"]}
    (tmp_path / "local.json").write_text(json.dumps({"metrics": metrics, "findings": [finding]}))
    (tmp_path / "gates.yaml").write_text(POLICY)
    args = ["run", "-v", "-c", str(tmp_path / "gates.yaml")]
    for name in REPORT_FLAGS:
        args += [f"--{name}", str(tmp_path / f"report.{name}")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (1, 3), result.output
    reports = {name: (tmp_path / f"report.{name}").read_text() for name in REPORT_FLAGS}
    reports["step summary"] = (tmp_path / "summary.md").read_text()
    return result.output, reports


def test_the_console_and_annotations_show_no_secret_in_any_spelling(
    leaky_run: tuple[str, dict[str, str]],
) -> None:
    output, _ = leaky_run
    assert_no_secret(output, "the console")
    assert "GET https://sonar.example/api?q=***&e=*** failed: *** / ***" in output


@pytest.mark.parametrize("name", [*REPORT_FLAGS, "step summary"])
def test_no_report_shows_a_secret_in_any_spelling(
    leaky_run: tuple[str, dict[str, str]], name: str
) -> None:
    _, reports = leaky_run
    assert_no_secret(reports[name], f"the {name} report")
    if name != "metrics":  # numbers and ids only: nothing there to redact
        assert "***" in reports[name]


@pytest.mark.parametrize("form", spellings(OPTION_SECRET).values())
def test_the_text_redaction_finds_every_spelling(form: str) -> None:
    assert redact(f"before {form} after", [OPTION_SECRET]) == "before *** after"


def test_character_references_and_escapes_of_any_case_are_found() -> None:
    secret = "pä$$ wörd"
    for form in (
        "p&#228;&#x24;$ w&#XF6;rd",
        "p\\u00E4\\$\\$ w\\u00f6rd",
        "p%C3%A4%24%24+w%c3%b6rd",
    ):
        assert redact(form, [secret]) == "***", form


def test_short_values_are_left_alone_and_the_longest_secret_wins() -> None:
    assert redact("abc and abcdefgh", ["abc", "abcd", "abcdefgh"]) == "abc and ***"
