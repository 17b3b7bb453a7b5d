"""An example third-party adapter: TODO/FIXME markers in source files, as findings.

Installed, it is found through the `qualitygates.adapters` entry point and behaves like a
built-in: `qualitygates adapters` lists it, `explain todo` documents it, `validate`
checks its options and metrics, and its findings can be waived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from qualitygates.adapters import expand_paths, path_option
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    count_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, FindingKind, Location, Measurement, Severity, Unit

MARKER = re.compile(r"\b(TODO|FIXME|XXX)\b[:\s]*(.*)")


class TodoAdapter(Adapter):
    """Counts TODO, FIXME and XXX markers in the files the globs match."""

    name = "todo"
    summary = "TODO/FIXME/XXX markers left in source files (example plugin)"
    formats = ("any UTF-8 text file",)
    options = (path_option("source files", "each is searched"),)
    metrics = (
        MetricSpec("markers", Unit.COUNT, "markers not waived", summary=True),
        MetricSpec("fixme", Unit.COUNT, "FIXME markers not waived"),
        MetricSpec("files", Unit.COUNT, "files read", summary=True),
    )

    def collect(self, request: CollectRequest) -> Collection:
        paths = expand_paths(request.options["path"])
        findings: list[Finding] = []
        for path in paths:
            findings.extend(_markers(path, request.base_dir))
        return Collection(
            metrics={"files": count_metric(len(paths))},
            findings=tuple(findings),
            sources=tuple(str(p) for p in paths),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        return {
            "markers": count_metric(len(findings)),
            "fixme": count_metric(sum(1 for f in findings if f.id == "FIXME")),
        }


def _markers(path: Path, base: Path) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdapterError(f"{path} cannot be read as UTF-8 text: {exc}") from None
    shown = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
    return [
        Finding(
            id=match.group(1),
            tool="todo",
            rule=match.group(1),
            severity=Severity.MEDIUM if match.group(1) == "FIXME" else Severity.LOW,
            message=match.group(2).strip() or f"a {match.group(1)} marker",
            location=Location(shown, number),
            kind=FindingKind.LINT,
            # What tells this marker apart across runs (never the line): the fingerprint is
            # made from these parts when a baseline or a report reads it.
            identity=("todo", match.group(1), shown, match.group(2).strip()),
        )
        for number, line in enumerate(text.splitlines(), start=1)
        if (match := MARKER.search(line))
    ]
