"""The alerts adapter over real Prometheus rule files, against promtool's own counts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from qualitygates.adapters.alerts import AlertsAdapter
from tests.helpers import collect, corpus_params

pytestmark = pytest.mark.corpus

RULE_FILES = corpus_params(
    "alerts/*.yml", "alerts/*.yaml", "set-b/alerts/*.yml", "set-b/alerts/*.yaml"
)


def plain_rules(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group.get("rules") or []]


@pytest.mark.parametrize("path", RULE_FILES)
def test_counts_equal_a_plain_count(path: Path) -> None:
    result = collect(AlertsAdapter, base_dir=path.parent, path=str(path))
    counts = AlertsAdapter().count_findings(result.findings)
    rules = plain_rules(path)
    alerts = [r for r in rules if "alert" in r]
    no_runbook = [r for r in alerts if not (r.get("annotations") or {}).get("runbook_url")]
    assert result.metrics["rules"].value == len(rules)
    assert result.metrics["alerts"].value == len(alerts)
    assert counts["alerts_without_runbook"].value == len(no_runbook)
    no_severity = [r for r in alerts if not (r.get("labels") or {}).get("severity")]
    assert counts["alerts_without_severity"].value == len(no_severity)
    assert counts["alerts_without_for"].value == sum(1 for r in alerts if "for" not in r)


@pytest.mark.parametrize("path", RULE_FILES)
def test_agrees_with_saved_promtool_output(path: Path) -> None:
    saved = path.with_suffix(".promtool.txt")
    if not saved.is_file():
        pytest.skip(f"no promtool output saved beside {path.name}")
    found = re.search(r"SUCCESS: (\d+) rules found", saved.read_text(encoding="utf-8"))
    result = collect(AlertsAdapter, base_dir=path.parent, path=str(path))
    counts = AlertsAdapter().count_findings(result.findings)
    assert found is not None, "the corpus's promtool runs all passed"
    assert result.metrics["rules"].value == int(found.group(1))
    assert counts["invalid_rules"].value == 0


@pytest.mark.realtool
@pytest.mark.parametrize("path", RULE_FILES)
def test_agrees_with_promtool_run_now(path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package prometheus)")
    done = subprocess.run(
        [promtool, "check", "rules", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result = collect(AlertsAdapter, base_dir=path.parent, path=str(path))
    invalid = AlertsAdapter().count_findings(result.findings)["invalid_rules"].value
    assert (invalid == 0) == (done.returncode == 0)
    found = re.search(r"SUCCESS: (\d+) rules found", done.stdout)
    if found:
        assert result.metrics["rules"].value == int(found.group(1))
