"""The starter policy that `qualitygates init` writes."""

from __future__ import annotations

STARTER_POLICY = """\
# qualitygates policy: four gates, each a list of checks over your tools' reports.
# Paths are relative to this file. Run `qualitygates validate` after editing, and
# `qualitygates explain ADAPTER` to see an adapter's options and metrics.
version: 1
gates:
  - id: code-quality
    name: Code quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: reports/coverage.xml}     # Cobertura, coverage.py JSON, LCOV, JaCoCo
        conditions:
          - line_rate >= 80%
          - {expr: "branch_rate >= 70%", on_fail: warn}
      - id: tests
        adapter: junit
        with: {path: "reports/junit*.xml"}
        conditions: [failures == 0, errors == 0]
"""
