from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualitygates.adapters import expand_paths, path_option
from qualitygates.adapters.interface import Adapter, Collection, CollectRequest, MetricSpec
from qualitygates.domains import any_sign
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Measurement, Severity, Unit
from qualitygates.readers import read_json


class BundlesAdapter(Adapter):
    """A build's bundle sizes; a bundle over its budget is a finding a waiver can name."""

    name = "bundles"
    summary = "Bundle sizes from a build's bundles.json (the plugin guide's example)"
    formats = ('{"bundles": [{"name": "app.js", "bytes": 48213, "budget": 50000, "change": -96}]}',)
    options = (path_option("bundles.json file(s)", "their bundles are added up"),)
    metrics = (
        MetricSpec("bytes", Unit.BYTES, "all bundles together", summary=True),
        MetricSpec("change", Unit.BYTES, "growth since last build", domains=any_sign(Unit.BYTES)),
        MetricSpec("over_budget", Unit.COUNT, "bundles over their budget, not waived"),
    )
    # `dated` and `names_commit` stay False: the report says neither when nor for what commit.

    def collect(self, request: CollectRequest) -> Collection:
        paths = expand_paths(request.options["path"])
        bundles = [bundle for path in paths for bundle in _bundles(path)]
        sizes = {key: sum(bundle[key] for bundle in bundles) for key in ("bytes", "change")}
        return Collection(
            metrics={key: Measurement(size, Unit.BYTES) for key, size in sizes.items()},
            findings=tuple(_finding(b) for b in bundles if b["bytes"] > b["budget"]),
            sources=tuple(map(str, paths)),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Called with the findings left after waivers: a waived bundle is not counted."""
        return {"over_budget": Measurement(len(findings), Unit.COUNT)}


def _bundles(path: Path) -> list[dict[str, Any]]:
    report = read_json(path, "bundles.json")  # strict: a repeated key or NaN is an error
    bundles = report.get("bundles") if isinstance(report, dict) else None
    if not isinstance(bundles, list) or not bundles or not all(map(_valid, bundles)):
        raise AdapterError(f"{path} is not a bundles.json: see `qualitygates explain bundles`")
    return bundles


def _valid(item: Any) -> bool:
    shape = {"name": str, "bytes": int, "budget": int, "change": int}
    return type(item) is dict and all(type(item.get(key)) is kind for key, kind in shape.items())


def _finding(bundle: dict[str, Any]) -> Finding:
    message = f"{bundle['bytes']} bytes, over its budget of {bundle['budget']}"
    return Finding(bundle["name"], "bundles", Severity.MEDIUM, message)
