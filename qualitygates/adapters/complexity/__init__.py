"""The `complexity` adapter: cyclomatic complexity per function from radon or lizard.

Formats, detected from the content (or named by the `format` option):

- radon `cc -j` (JSON, `{file: [block, ...]}`). radon lists each method twice (at the top
  level and inside its class's `methods`) and closures inside their function (and again
  at the top level with `--show-closures`): every function, method and closure is counted
  once, by file, line and column; class entries are not functions and are skipped. A file
  radon could not parse (`{"error": ...}`) is an error: its functions were not measured.
  Run radon with `--show-closures`: without it radon leaves out the methods of classes
  nested in classes. Names are radon's: `Class.method`, `Outer.Inner.method`, `outer.inner`.
- lizard `--xml` (cppncss XML, read as a stream) and `--csv` (with or without the header
  that `-V` adds).

`max`, `average` and `functions` describe every function measured; a waiver does not
change them. A function whose complexity is above `max_complexity` is a finding (id: the
function's name, as radon or lizard shows it); `over_threshold` counts those findings
that are not waived. `max_complexity` reads like ruff's `max-complexity` and lizard's
`-C`: the highest complexity allowed. Its default, 9, matches the gate "cyclomatic
complexity < 10".
"""

from __future__ import annotations

from qualitygates.adapters.complexity.adapter import ComplexityAdapter

__all__ = ["ComplexityAdapter"]
