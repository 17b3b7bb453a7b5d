"""JUnit XML test results (see `adapter` for how test cases are counted)."""

from __future__ import annotations

from qualitygates.adapters.junit.adapter import JUnitAdapter
from qualitygates.adapters.junit.values import parse_seconds, parse_timestamp

__all__ = ["JUnitAdapter", "parse_seconds", "parse_timestamp"]
