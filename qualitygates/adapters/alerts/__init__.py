"""The alerts adapter (Prometheus rule files): see `adapter.AlertsAdapter`."""

from __future__ import annotations

from qualitygates.adapters.alerts.adapter import AlertsAdapter

__all__ = ["AlertsAdapter"]
