"""The registry finds built-ins without reading installed packages' entry points."""

from __future__ import annotations

import importlib.metadata

import pytest

from qualitygates import plugins
from qualitygates.plugins import PluginError, adapter_registry


def test_a_broken_installed_package_does_not_stop_built_in_adapters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run that uses built-ins only must not depend on every installed package's metadata."""

    def broken(**_: object) -> object:
        raise RuntimeError("a damaged METADATA file")

    monkeypatch.setattr(importlib.metadata, "entry_points", broken)
    monkeypatch.setattr(plugins, "entry_points", broken, raising=False)  # however imported
    registry = adapter_registry()
    assert "junit" in registry
    assert registry.load("junit").name == "junit"


def test_an_unknown_name_still_reads_the_entry_points() -> None:
    registry = adapter_registry()
    assert "no-such-adapter" not in registry
    with pytest.raises(PluginError, match="no plugin named 'no-such-adapter'"):
        registry.load("no-such-adapter")
    assert "junit" in registry.names()  # the listing still starts with the built-ins
