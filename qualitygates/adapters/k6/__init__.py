"""k6 load-test results: summary JSON (three shapes) and raw NDJSON; see `K6Adapter`."""

from __future__ import annotations

from qualitygates.adapters.k6.adapter import K6Adapter

__all__ = ["K6Adapter"]
