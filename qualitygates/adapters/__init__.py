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
   survive waivers.
4. Fail closed: raise `AdapterError` with one sentence naming the file for anything
   missing, empty, truncated or of the wrong format. Never print, exit or judge.
5. Register it: built-ins in `qualitygates.plugins.BUILTIN_ADAPTERS`, third parties in
   the entry-point group `qualitygates.adapters`.

Use the helpers exported here rather than writing your own: globs, gzip, JSON with
limits and safe streaming XML (they fail closed with the messages every adapter uses),
`path_option` for the `path` option, and `iso_time` / `rfc3339_time` / `epoch_time` for
the time a report says it was made (set `dated = True` only when it says so).
`docs/plugins.md` is the guide for third parties; `examples/template/` the adapter it
shows, and `examples/plugin/` a complete plugin distribution.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualitygates.adapters._io import expand_paths, load_json, open_report, read_bytes
    from qualitygates.adapters._options import path_option
    from qualitygates.adapters._times import epoch_time, iso_time, rfc3339_time
    from qualitygates.adapters._xml import BadReport, iter_xml, parse_xml

__all__ = [
    "BadReport",
    "epoch_time",
    "expand_paths",
    "iso_time",
    "iter_xml",
    "load_json",
    "open_report",
    "parse_xml",
    "path_option",
    "read_bytes",
    "rfc3339_time",
]

# Imported on first use: a k6 worker process imports one adapter module of this package,
# and must not pay for every helper (and the adapter interface) on its way in.
_LAZY = {
    "BadReport": "_xml",
    "epoch_time": "_times",
    "expand_paths": "_io",
    "iso_time": "_times",
    "iter_xml": "_xml",
    "load_json": "_io",
    "open_report": "_io",
    "parse_xml": "_xml",
    "path_option": "_options",
    "read_bytes": "_io",
    "rfc3339_time": "_times",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"qualitygates.adapters.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'qualitygates.adapters' has no attribute {name!r}")
