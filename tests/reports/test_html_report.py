"""The HTML report is one self-contained, escaped page whose table sorts and filters.

The browser tests load the page in headless Chromium (Debian's `chromium`) and read the DOM
after its script ran; they skip when no browser is installed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates.model import Severity, Status
from qualitygates.plugins import reporter_registry
from qualitygates.reports import html_report
from qualitygates.reports.html_report import HtmlReporter
from qualitygates.reports.interface import ReportContext
from tests.reports.golden import assert_golden, finding, with_findings
from tests.reports.rich import rich_result

BROWSER = os.environ.get("QUALITYGATES_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
FINDING_ROW = re.compile(r'<tr class="finding[^"]*"[^>]*>')


def page(result: object = None, **options: object) -> str:
    return HtmlReporter().render(result or rich_result(), **options).decode("utf-8")  # type: ignore[arg-type]


def test_golden() -> None:
    assert_golden("rich.html", HtmlReporter().render(rich_result()))


def test_registered() -> None:
    assert reporter_registry().load("html") is HtmlReporter


def test_verdict_gates_waivers_and_findings() -> None:
    text = page()
    assert (
        '<header id="verdict" class="verdict s-failed" data-status="failed" data-exit-code="1">'
        in text
    )
    assert '<div class="big">✘ Deployment blocked</div>' in text
    for gate in ("code-quality", "security", "performance"):
        assert f'id="gate-{gate}"' in text
    assert "<td><code>line_rate &gt;= 80%</code></td>" in text
    assert '<td class="expired">expired</td><td>—</td><td>2020-01-01</td>' in text
    assert "<td>sec-team</td><td>2026-12-31</td>" in text
    assert len(FINDING_ROW.findall(text)) == 2
    assert 'data-severity="critical" data-waived="true"' in text


def test_everything_is_escaped() -> None:
    hostile = finding(
        '"><img src=x onerror=alert(1)>', message="<script>alert(1)</script> & ü", path="a<b>.py"
    )
    text = page(with_findings(hostile))
    assert text.count("<script") == 1 and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ü" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<td>a&lt;b&gt;.py:3</td>" in text


def test_self_contained() -> None:
    text = page()
    links = re.findall(r'\b(?:src|href|action)\s*=\s*["\']?([^"\' >]*)', text)
    assert all(link.startswith("#") for link in links), links
    for external in ("<link", "@import", "url(", "<img", "<iframe", "http://", "https://"):
        assert external not in text
    assert "default-src 'none'" in text  # and the CSP forbids any fetch


def test_long_messages_are_folded() -> None:
    text = page()
    assert "<details><summary>ünïcødé ✓ " in text and "x" * 3000 in text


def test_the_most_severe_findings_are_kept_when_there_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_report, "MAX_FINDING_ROWS", 3)
    severities = [Severity.LOW, Severity.CRITICAL, Severity.INFO, Severity.HIGH, Severity.MEDIUM]
    text = page(with_findings(*(finding(f"R{i}", s) for i, s in enumerate(severities))))
    rows = FINDING_ROW.findall(text)
    assert [re.search(r'data-severity="(\w+)"', r).group(1) for r in rows] == [  # type: ignore[union-attr]
        "critical",
        "high",
        "medium",
    ]
    assert "Showing the 3 most severe of 5 findings" in text


def test_trend_hook_draws_one_chart_per_gated_metric() -> None:
    history = {"code-quality.coverage.line_rate": [70.0, "n/a", 75.0], "other.x.y": [1.0, 2.0]}
    text = page(context=ReportContext(trends=history))
    assert text.count('<figure class="trend"') == 1
    figure = text.split('<figure class="trend" data-metric="code-quality.coverage.line_rate">')[1]
    points = re.search(r'points="([^"]+)"', figure).group(1).split()  # type: ignore[union-attr]
    assert len(points) == 3  # two earlier numbers and this run's
    assert "stroke-dasharray" in figure.split("</figure>")[0]  # the threshold
    assert "line_rate: 72.5 (threshold 80)" in figure
    assert 'id="trends"' not in page()


def run_browser(tmp_path: Path, url: str, *args: str) -> str:
    if BROWSER is None:
        pytest.skip("no chromium browser installed (apt-get install chromium)")
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


INTERACTIONS = """<script>
(function () {
  var table = document.getElementById("findings"), out = {};
  function visible() {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; })
      .map(function (r) { return r.cells[1].textContent; }).join(",");
  }
  function set(id, prop, value, kind) {
    var el = document.getElementById(id); el[prop] = value; el.dispatchEvent(new Event(kind));
  }
  out.initial = visible();
  set("filter", "value", "ASSERT", "input"); out.text = visible(); set("filter", "value", "", "input");
  set("severity", "value", "critical", "change"); out.severity = visible();
  set("severity", "value", "", "change");
  set("show-waived", "checked", false, "change"); out.unwaived = visible();
  out.count = document.getElementById("shown-count").textContent;
  set("show-waived", "checked", true, "change");
  var heads = table.tHead.rows[0].cells;
  heads[1].click(); out.idUp = visible();
  heads[1].click(); out.idDown = visible();
  heads[0].click(); out.severitySort = visible();
  document.body.setAttribute("data-test", JSON.stringify(out));
}());
</script>
</body>"""


@pytest.mark.realtool
def test_browser_loads_the_page(tmp_path: Path) -> None:
    path = tmp_path / "gates.html"
    path.write_bytes(HtmlReporter().render(rich_result()))
    dom = run_browser(tmp_path, path.as_uri(), "--dump-dom")
    assert re.search(r'<header id="verdict" class="verdict s-failed" data-status="failed"', dom)
    assert len(FINDING_ROW.findall(dom)) == 2
    assert '<table id="findings" data-total="2" data-shown="2">' in dom
    assert "2 of 2 findings shown" in dom
    linked = run_browser(tmp_path, path.as_uri() + "#severity=low&waived=0", "--dump-dom")
    assert "1 of 2 findings shown" in linked


@pytest.mark.realtool
def test_browser_filters_and_sorts(tmp_path: Path) -> None:
    findings = (
        finding("Z-crit", Severity.CRITICAL, message="sql injection"),
        finding("M-med", Severity.MEDIUM, message="weak hash"),
        finding("A-low", Severity.LOW, message="assert used"),
        finding("K-high", Severity.HIGH, waived=True, waiver_reason="accepted"),
    )
    text = page(with_findings(*findings)).replace("</body>", INTERACTIONS)
    path = tmp_path / "interactions.html"
    path.write_text(text, "utf-8")
    dom = run_browser(tmp_path, path.as_uri(), "--dump-dom")
    found = re.search(r'data-test="([^"]*)"', dom)
    assert found, dom[-3000:]
    assert json.loads(html.unescape(found.group(1))) == {
        "initial": "Z-crit,M-med,A-low,K-high",
        "text": "A-low",
        "severity": "Z-crit",
        "unwaived": "Z-crit,M-med,A-low",
        "count": "3 of 4 findings shown",
        "idUp": "A-low,K-high,M-med,Z-crit",
        "idDown": "Z-crit,M-med,K-high,A-low",
        "severitySort": "Z-crit,K-high,M-med,A-low",
    }


@pytest.mark.realtool
def test_browser_screenshot(tmp_path: Path) -> None:
    path = tmp_path / "gates.html"
    path.write_bytes(HtmlReporter().render(rich_result()))
    shot = tmp_path / "gates.png"
    run_browser(tmp_path, path.as_uri(), f"--screenshot={shot}", "--window-size=1280,1400")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_failures_first_passing_gates_folded_and_reasons_on_the_page() -> None:
    from tests.reports.test_markdown_report import gates_with

    result = gates_with([Status.PASSED, Status.ERROR, Status.FAILED])
    page = HtmlReporter().render(result).decode()
    order = [page.index(f'id="gate-g{n}"') for n in (2, 1, 0)]
    assert order == sorted(order)  # failed, could not be evaluated, passed
    assert re.search(r'id="gate-g0" data-status="passed"><details><summary>', page)
    assert 'id="gate-g2" data-status="failed"><header>' in page
    assert '<td colspan="4">m0 &gt;= 1: metric m is not in the report</td>' in page
