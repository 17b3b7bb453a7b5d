"""The `coverage` adapter: line and branch coverage from any common report format.

Formats are told apart by content, never by file name: Cobertura XML (root `<coverage>`
with `<sources>`/`<packages>`), JaCoCo XML (root `<report>`), coverage.py JSON, LCOV
tracefiles, and coverage.py's `.coverage` SQLite data file. Several files (globs, lists)
are merged line by line (see `store`), so overlapping reports never count a line twice.

`total` is the figure `coverage report` prints, unrounded:
100 * (covered lines + covered branches) / (lines + branches). A source that measures no
line is an error, never 100 %; without branches `branch_rate` is left out.

Function coverage (`functions_covered`, `functions_valid`, `function_rate`, what c8, nyc and
jest print as `% Funcs`) needs every report to count functions: LCOV `FN`/`FNDA`, JaCoCo
`<method>`, Cobertura `<method>` where the generator writes them, Istanbul json-summary. If
one report does not (coverage.py's Cobertura or JSON), its files would be left out of the
rate, so the three are unavailable, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import decode_head, expand_paths, open_report
from qualitygates.adapters._xml import first_tags
from qualitygates.adapters.coverage.cobertura import read_cobertura
from qualitygates.adapters.coverage.coveragepy_json import read_coverage_json
from qualitygates.adapters.coverage.istanbul import looks_like_summary, read_summaries
from qualitygates.adapters.coverage.lcov import looks_like_lcov, read_lcov
from qualitygates.adapters.coverage.options import (
    FORMATS,
    READING,
    REPORTS,
    SQLITE_MAGIC,
    SUMMARY,
    format_option,
)
from qualitygates.adapters.coverage.store import LineStore, Totals
from qualitygates.adapters.coverage.summary import METRICS, metrics_of, unavailable_of
from qualitygates.adapters.interface import Adapter, Collection, CollectRequest, percent_metric
from qualitygates.errors import AdapterError

_NO_LINES_HINT = "check that the tests ran with coverage on and measured the right sources"
_COBERTURA_CHILDREN = frozenset({"sources", "packages"})
_HEAD_BYTES = 4096


class CoverageAdapter(Adapter):
    """Line and branch coverage from Cobertura, JaCoCo, LCOV and coverage.py reports."""

    dated = True  # Cobertura, JaCoCo and coverage.py JSON timestamps

    name = "coverage"
    summary = (
        "Line, branch and function coverage from Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON "
        "and .coverage data files; several reports are merged line by line."
    )
    formats = (
        "Cobertura XML (coverage.py, gcovr, istanbul/c8, coverlet, Cobertura)",
        "JaCoCo XML",
        "LCOV tracefile (.info, .lcov)",
        "coverage.py JSON (coverage json)",
        "coverage.py .coverage data file (needs the measured sources)",
        "Istanbul json-summary (c8, nyc --reporter=json-summary): totals only, not merged "
        "with other formats",
    )
    options = (REPORTS, format_option((*FORMATS, SUMMARY)), *READING[1:])
    metrics = METRICS

    def collect(self, request: CollectRequest) -> Collection:
        """Read every report, merge them, and return the coverage metrics."""
        options = request.options
        if not options.get("path"):
            raise AdapterError("the coverage adapter needs `path`: the report file(s) to read")
        paths = expand_paths(options["path"])
        forced = options.get("format") or "auto"
        kinds = [forced if forced != "auto" else detect(path) for path in paths]
        if SUMMARY in kinds:
            return _from_summaries(paths, kinds)
        store = LineStore()
        stamps: list[datetime] = []
        without_functions: list[Path] = []
        for path in paths:
            # Each report is read on its own first, so one that measures nothing shows.
            report = LineStore()
            stamp = _read(path, forced, report, options)
            if not report.totals().lines_valid:
                raise AdapterError(f"{path} measures no lines: {_NO_LINES_HINT}")
            if stamp is not None:
                stamps.append(stamp)
            if not report.functions.counted:
                without_functions.append(path)
            store.merge(report)
        totals = store.totals()
        if without_functions and totals.functions is not None:
            totals = replace(totals, functions=None)  # a rate over part of the files
        metrics = metrics_of(totals)
        return Collection(
            metrics=metrics,
            sources=tuple(str(p) for p in paths),
            # The oldest report dates the whole measurement (a stale file must show).
            timestamp=min(stamps) if stamps else None,
            available=tuple(metrics),
            unavailable=unavailable_of(metrics, without_functions, len(paths)),
        )


def _from_summaries(paths: list[Path], kinds: list[str]) -> Collection:
    """Istanbul json-summaries: their totals, never merged with line-level reports."""
    if any(kind != SUMMARY for kind in kinds):
        other = next(p for p, k in zip(paths, kinds, strict=True) if k != SUMMARY)
        raise AdapterError(
            f"{other} has lines, but other reports are Istanbul json-summaries, which have "
            "none to merge with: give c8's or nyc's lcov (or json) reports for all of them"
        )
    files, counters = read_summaries(paths)
    totals = Totals(files, *counters["lines"], *counters["branches"], counters["functions"])
    metrics = metrics_of(totals)
    covered, total = counters["statements"]
    metrics["total"] = percent_metric(100.0 * covered / total)  # Istanbul's own "total"
    return Collection(
        metrics=metrics,
        sources=tuple(str(p) for p in paths),
        available=tuple(metrics),
        unavailable=unavailable_of(metrics, [], len(paths)),
    )


def read_report(path: Path, store: LineStore, options: Mapping[str, Any]) -> datetime | None:
    """Add one report's lines to `store`; return its timestamp, if it has one.

    `options` are this adapter's (`format`, `source_root`, `config`; absent ones mean the
    defaults). Public for adapters that need the lines themselves (`diff_coverage`).
    """
    return _read(path, options.get("format") or "auto", store, options)


def _read(path: Path, forced: str, store: LineStore, options: Mapping[str, Any]) -> datetime | None:
    stamp = _read_format(path, forced, store, options)
    store.pack_all()  # while the next report is read, this one takes little memory
    return stamp


def _read_format(
    path: Path, forced: str, store: LineStore, options: Mapping[str, Any]
) -> datetime | None:
    kind = forced if forced != "auto" else detect(path)
    if kind == "cobertura":
        return read_cobertura(path, store)
    if kind == "jacoco":
        from qualitygates.adapters.coverage.jacoco import read_jacoco  # Java teams' only

        return read_jacoco(path, store)
    if kind == "coveragepy-json":
        return read_coverage_json(path, store)
    if kind == "lcov":
        read_lcov(path, store)
        return None
    if kind == SUMMARY:
        raise AdapterError(
            f"{path} is an Istanbul json-summary: totals without lines; give the line-level "
            "report of the same run (c8 or nyc --reporter=lcov)"
        )
    if kind != "coveragepy-data":
        raise AdapterError(f"format {kind!r} is not one of {', '.join(('auto', *FORMATS))}")
    # Here, not at the top: sqlite3 and coverage.py cost the other formats nothing.
    from qualitygates.adapters.coverage.coveragepy_data import read_data_file

    source_root, config = options.get("source_root"), options.get("config")
    read_data_file(
        path, store, Path(source_root) if source_root else None, Path(config) if config else None
    )
    return None


def detect(path: Path) -> str:
    """The format of a report, from its first bytes (and, for XML, its first elements)."""
    with open_report(path) as stream:
        head = stream.read(_HEAD_BYTES)
    if head.startswith(SQLITE_MAGIC):
        return "coveragepy-data"
    text = decode_head(head).lstrip("\ufeff \t\r\n")  # UTF-16 XML too
    if text.startswith("<"):
        return _xml_kind(path)
    if text.startswith(("{", "[")):
        return SUMMARY if looks_like_summary(text) else "coveragepy-json"
    if looks_like_lcov(text):
        return "lcov"
    raise AdapterError(
        f"{path} is not a coverage report this adapter reads (Cobertura or JaCoCo XML, "
        "LCOV, coverage.py JSON or .coverage data, Istanbul json-summary): check the path, "
        "or set `format`"
    )


def _xml_kind(path: Path) -> str:
    tags = first_tags(path)
    root = tags[0] if tags else ""
    if root == "report":
        return "jacoco"
    if root == "coverage" and (len(tags) == 1 or tags[1] in _COBERTURA_CHILDREN):
        return "cobertura"
    inside = f" whose first element is <{tags[1]}>" if len(tags) > 1 else ""
    raise AdapterError(
        f"{path} is XML with root <{root}>{inside}, neither Cobertura (<coverage> with "
        "<sources>/<packages>) nor JaCoCo (<report>): write a Cobertura, JaCoCo or LCOV report"
    )
