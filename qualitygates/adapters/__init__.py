"""Adapters: one module per tool family, each a small class with declared metrics.

Writing an adapter (built-in or plugin):

1. Subclass `qualitygates.adapters.interface.Adapter` and set `name`, `summary`,
   `formats`, `options` (`path_option`, `OptionSpec`) and `metrics` (`MetricSpec`, with
   units, and domains where the unit's own does not fit). Set `dated` / `names_commit`
   only if the reports say when they were made / which commit they describe.
2. Implement `collect(request)`: read `request.options` (paths are already absolute),
   return a `Collection` of `Measurement`s and `Finding`s. Produce at least the metrics
   in `request.metrics` that the source has, plus the specs marked `summary`.
3. If findings are counted (vulnerabilities by severity, lint errors), compute those
   counts in `count_findings(findings)`: the engine calls it with the findings that
   survive waivers (`severity_counts`, `counts_by`, `rule_counts` build them). An adapter
   whose reports are findings and nothing else subclasses `FindingsAdapter` and writes
   `read(path)` instead of `collect`.
4. Fail closed: raise `AdapterError` with one sentence naming the file for anything
   missing, empty, truncated or of the wrong format. Never print, exit or judge.
5. Register it: built-ins in `qualitygates.plugins.BUILTIN_ADAPTERS`, third parties in
   the entry-point group `qualitygates.adapters`.

Use the helpers exported here rather than writing your own: globs, gzip, JSON with
limits and safe streaming XML (they fail closed with the messages every adapter uses),
`path_option` / `format_option` for the `path` and `format` options, the counting helpers,
and `iso_time` / `rfc3339_time` / `epoch_time` for the time a report says it was made (set
`dated = True` only when it says so).
`docs/plugins.md` is the guide for third parties; `examples/template/` the adapter it
shows, and `examples/plugin/` a complete plugin distribution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualitygates._lazy import lazy_exports

if TYPE_CHECKING:
    from qualitygates.adapters._counts import (
        counts_by,
        family_metrics,
        requested_zeros,
        rule_counts,
        severity_counts,
    )
    from qualitygates.adapters._io import (
        existing_file,
        expand_paths,
        open_report,
        read_bytes,
    )
    from qualitygates.adapters._options import check_format, format_option, path_option
    from qualitygates.adapters._times import epoch_time, iso_time, rfc3339_time
    from qualitygates.adapters._xml import BadReport, iter_xml, parse_xml

__all__ = [
    "BadReport",
    "check_format",
    "counts_by",
    "epoch_time",
    "existing_file",
    "expand_paths",
    "family_metrics",
    "format_option",
    "iso_time",
    "iter_xml",
    "open_report",
    "parse_xml",
    "path_option",
    "read_bytes",
    "requested_zeros",
    "rfc3339_time",
    "rule_counts",
    "severity_counts",
]

# Imported on first use: a k6 worker process imports one adapter module of this package,
# and must not pay for every helper (and the adapter interface) on its way in.
__getattr__ = lazy_exports(
    __name__,
    {
        "BadReport": "._xml",
        "check_format": "._options",
        "counts_by": "._counts",
        "epoch_time": "._times",
        "existing_file": "._io",
        "expand_paths": "._io",
        "family_metrics": "._counts",
        "format_option": "._options",
        "iso_time": "._times",
        "iter_xml": "._xml",
        "open_report": "._io",
        "parse_xml": "._xml",
        "path_option": "._options",
        "read_bytes": "._io",
        "requested_zeros": "._counts",
        "rfc3339_time": "._times",
        "rule_counts": "._counts",
        "severity_counts": "._counts",
    },
)
