"""k6 load-test results: summary JSON (three shapes) and raw NDJSON; see `K6Adapter`.

`end_time(path)` tells when the run that wrote a k6 output ended (the prometheus adapter's
`at_end_of`). Names are imported on first use, so that a worker process scanning part of a
file (`worker`) imports only the scanner.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualitygates.adapters.k6.adapter import K6Adapter
    from qualitygates.adapters.k6.endtime import end_time, end_time_ns

__all__ = ["K6Adapter", "end_time", "end_time_ns"]

_LAZY = {
    "K6Adapter": "qualitygates.adapters.k6.adapter",
    "end_time": "qualitygates.adapters.k6.endtime",
    "end_time_ns": "qualitygates.adapters.k6.endtime",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
