"""The HTML report laid out by headless Chromium at 375 px (a phone) and 1280 px: no table is
wider than the page. Chromium's window cannot be narrower than 500 px, so the report is
shown in an iframe of the width; a script added to it measures every table (each <details>
opened) and posts what it found to the page around it, which Chromium then dumps."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from qualitygates.reports.html_report import HtmlReporter
from tests.reports.golden import finding
from tests.reports.rich import rich_result

PROBE = """<script>
window.addEventListener("load", function () {
  var width = document.documentElement.clientWidth, wide = [];
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  document.querySelectorAll("table").forEach(function (t, i) {
    if (t.getBoundingClientRect().right > width + 1 || t.scrollWidth > t.clientWidth + 1) {
      wide.push(t.id || "table" + i);
    }
  });
  window.parent.postMessage("viewport=" + width + " page=" + document.documentElement.scrollWidth +
                            " wide=" + wide.join(","), "*");
});
</script></body>"""
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="report.html" style="width:{width}px;height:900px;border:0"></iframe>
<script>window.addEventListener("message", function (e) {{
  document.body.setAttribute("data-layout", e.data); }});</script></body></html>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (.ci/run installs it)")


def layout(html: bytes, width: int, folder: Path) -> dict[str, str]:
    (folder / "report.html").write_text(html.decode("utf-8").replace("</body>", PROBE))
    (folder / "frame.html").write_text(FRAME.format(width=width))
    done = subprocess.run(
        [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
         "--virtual-time-budget=5000", "--allow-file-access-from-files",
         "--dump-dom", (folder / "frame.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    said = re.search(r'data-layout="([^"]*)"', done.stdout)
    assert said, f"Chromium measured nothing: {done.stderr[-500:]}"
    return dict(item.split("=", 1) for item in said.group(1).split(" "))


def crowded() -> bytes:
    """The rich result, with long ids, paths and messages in many findings."""
    base = rich_result()
    long = [finding(f"RULE-{'X' * 60}-{n}", path=f"src/{'very_long_folder_name/' * 6}m{n}.py",
                    message="a message that goes on " * 30) for n in range(40)]  # fmt: skip
    check = replace(base.gates[0].checks[0], findings=tuple(long))
    gate = replace(base.gates[0], checks=(check,))
    return HtmlReporter().render(replace(base, gates=(gate, *base.gates[1:])))


@pytest.mark.parametrize("width", [375, 1280])
def test_no_table_is_wider_than_the_page(tmp_path: Path, width: int) -> None:
    measured = layout(crowded(), width, tmp_path)
    viewport = int(measured["viewport"])
    assert viewport <= width  # the frame's width, less its scroll bar
    assert measured["wide"] == "", f"tables wider than {viewport} px: {measured['wide']}"
    assert int(measured["page"]) <= viewport
