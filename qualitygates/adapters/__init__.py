"""Adapters: one module per tool family, each a small class with declared metrics.

Writing an adapter (built-in or plugin):

1. Subclass `qualitygates.adapters.interface.Adapter` and set `name`, `summary`,
   `formats`, `options` (`OptionSpec`) and `metrics` (`MetricSpec`, with units).
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

Use the helpers exported here (globs, gzip, JSON with limits, safe streaming XML) rather
than opening files directly: they fail closed with the messages every adapter uses.
`docs/plugins.md` is the guide for third parties; `examples/plugin/` a complete plugin.
"""

from __future__ import annotations

from qualitygates.adapters._io import expand_paths, load_json, open_report, read_bytes
from qualitygates.adapters._xml import BadReport, iter_xml, parse_xml

__all__ = [
    "BadReport",
    "expand_paths",
    "iter_xml",
    "load_json",
    "open_report",
    "parse_xml",
    "read_bytes",
]
