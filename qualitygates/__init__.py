"""qualitygates: judge a team's existing tool reports against one policy, fail closed.

The public API is small: `load_policy`, `run`, and the result model. The CLI is a thin
shell over it. Heavy modules are imported lazily so that the console script starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualitygates._version import __version__

if TYPE_CHECKING:
    from qualitygates.engine import run
    from qualitygates.model import RunResult, Status
    from qualitygates.policy import Policy, load_policy

__all__ = ["Policy", "RunResult", "Status", "__version__", "load_policy", "run"]

_LAZY = {
    "run": "qualitygates.engine",
    "RunResult": "qualitygates.model",
    "Status": "qualitygates.model",
    "Policy": "qualitygates.policy",
    "load_policy": "qualitygates.policy",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qualitygates' has no attribute {name!r}")
