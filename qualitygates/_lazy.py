"""Names a package exports but imports only when they are first read.

The packages that do this (`qualitygates`, `adapters`, `adapters.k6`, `history`) keep start-up
cheap: `qualitygates --version`, a k6 worker process or a run without a history store never
pays for the modules whose names it does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name in `homes` is read from the module
    there (relative to `package` when it starts with a dot) the first time it is asked for."""

    def __getattr__(name: str) -> Any:
        if name in homes:
            return getattr(import_module(homes[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
