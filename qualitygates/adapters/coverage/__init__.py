"""The `coverage` adapter: Cobertura, JaCoCo, LCOV, coverage.py JSON and data files.

One module per format, each adding lines to a shared `store.LineStore`; `adapter` holds
the adapter class, format detection and the metrics.
"""

from __future__ import annotations

from qualitygates.adapters.coverage.adapter import CoverageAdapter

__all__ = ["CoverageAdapter"]
