"""The docs adapter: runbooks and troubleshooting guides are there, complete and current.

Each file under `required` must exist and not be empty, have the sections it lists (by
heading; `3.1 Rollback` matches `Rollback`, case does not matter), leave no section empty
or a placeholder (`TODO`, `TBD`, `FIXME`), have relative links and anchors that resolve,
and, with `max_age`, have changed in git within that age. Every problem is a finding; the
metrics count them, so a waiver on one finding changes the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from qualitygates.adapters import _required
from qualitygates.adapters._io import read_bytes
from qualitygates.adapters._required import Counted
from qualitygates.adapters.docs import checks
from qualitygates.adapters.docs.checks import DocFile, Problem
from qualitygates.adapters.docs.markdown import MAX_MARKDOWN_BYTES, parse_markdown
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    OptionKind,
    OptionSpec,
)
from qualitygates.durations import format_duration, parse_duration
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Severity

TOOL = "docs"

READINESS = _required.Readiness(
    TOOL,
    {
        "missing_files": Counted("Required files absent or empty.", ("missing-file", "empty-file")),
        "missing_sections": Counted(
            "Required sections not found by heading.", ("missing-section",)
        ),
        "placeholder_sections": Counted(
            "Sections empty or only TODO/TBD.", ("placeholder-section",)
        ),
        "broken_links": Counted("Relative links or anchors that do not resolve.", ("broken-link",)),
        "stale_files": Counted("Files not changed in git within max_age.", ("stale-file",)),
    },
    {"missing-file": Severity.HIGH, "empty-file": Severity.HIGH},
    Severity.MEDIUM,
)


class DocsAdapter(Adapter):
    """Required Markdown files, their sections, links and age."""

    name = "docs"
    summary = "Runbooks and docs: required files, sections, placeholders, links, age in git."
    formats = ("Markdown (CommonMark + tables, GitHub heading anchors)",)
    options = (
        OptionSpec(
            "required",
            OptionKind.LIST,
            "Files to check: a list of paths or of {path, sections, max_age}, or a mapping "
            "path -> sections. Paths are relative to the policy's folder.",
            required=True,
            check=lambda required: _check_entries(required),  # noqa: PLW0108 (defined below)
        ),
        OptionSpec(
            "max_age",
            OptionKind.STRING,
            "Maximum age in git of every file (e.g. 90d).",
            check=lambda age: _max_age(age, "max_age"),
        ),
        OptionSpec(
            "placeholders",
            OptionKind.STRINGS,
            "Words that mark a section as unwritten when it starts with one.",
            default=("TODO", "TBD", "FIXME"),
        ),
        OptionSpec("check_links", OptionKind.BOOLEAN, "Check relative links.", default=True),
    )
    metrics = READINESS.metric_specs()

    def collect(self, request: CollectRequest) -> Collection:
        """Check every required file; problems become findings."""
        entries = checks.parse_entries(request.options.get("required"), request.base_dir)
        default_age = _max_age(request.options.get("max_age"), "max_age")
        markers = tuple(str(m) for m in _option(request, "placeholders") or ())
        problems: list[Problem] = []
        for entry in entries:
            problems.extend(self._check_file(entry, request, default_age, markers))
        findings = tuple(_finding(p, request.base_dir) for p in problems)
        return Collection(
            metrics={}, findings=findings, sources=tuple(str(e.path) for e in entries)
        )

    def _check_file(
        self,
        entry: DocFile,
        request: CollectRequest,
        default_age: str | None,
        markers: Sequence[str],
    ) -> list[Problem]:
        shown = _shown(entry.path, request.base_dir)
        if not entry.path.is_file():
            return checks.missing_file(entry, shown)
        if entry.path.stat().st_size == 0 or not read_bytes(entry.path, MAX_MARKDOWN_BYTES).strip():
            return [Problem("empty-file", entry.path, None, f"{shown} is empty: write it", "")]
        document = parse_markdown(entry.path)
        found = checks.sections(entry, document, shown)
        found += checks.placeholders(entry, document, shown, markers)
        if _option(request, "check_links"):
            found += checks.LinkChecker(request.base_dir).check(entry.path, document, shown)
        max_age = entry.max_age or default_age
        if max_age:
            found += _stale(entry, shown, max_age, request.now)
        return found

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Each metric counts the findings of its rules; `problems` counts them all."""
        return READINESS.count(findings)


def _option(request: CollectRequest, name: str) -> Any:
    """An option's value, or its declared default when the caller left it out."""
    if name in request.options and request.options[name] is not None:
        return request.options[name]
    spec = DocsAdapter.option_spec(name)
    return spec.default if spec else None


def _check_entries(required: object) -> None:
    """The `required` option as validate sees it: its entries and their maximum ages."""
    for index, entry in enumerate(checks.parse_entries(required, Path()), 1):
        _max_age(entry.max_age, f"required, entry {index}: max_age")


def _max_age(value: object, where: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        parse_duration(value)
    except ValueError as exc:
        raise AdapterError(f"docs option {where}: {exc}") from None
    return str(value)


def _stale(entry: DocFile, shown: str, max_age: str, now: datetime) -> list[Problem]:
    from qualitygates.adapters.docs.git import last_commit_time  # git only for max_age

    limit = parse_duration(max_age)
    changed = last_commit_time(entry.path)
    age = now - changed
    if age <= limit:
        return []
    message = (
        f"{shown} was last changed {format_duration(age)} ago ({changed.date().isoformat()}), "
        f"more than the maximum age of {max_age}: review it and commit an update"
    )
    return [Problem("stale-file", entry.path, None, message, "")]


def _shown(path: Path, base: Path) -> str:
    """A path as a person reads it: relative to the policy's folder where possible."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _finding(problem: Problem, base: Path) -> Finding:
    shown = _shown(problem.path, base)
    location = Location(path=shown, line=problem.line)
    return READINESS.finding(
        problem.rule, _required.Problem(problem.message, location, (shown, problem.key))
    )
