"""The docs adapter (runbooks, troubleshooting guides): see `adapter.DocsAdapter`."""

from __future__ import annotations

from qualitygates.adapters.docs.adapter import DocsAdapter

__all__ = ["DocsAdapter"]
