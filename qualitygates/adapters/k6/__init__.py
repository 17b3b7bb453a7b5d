"""k6 load-test results: summary JSON (three shapes) and raw NDJSON; see `K6Adapter`.

`end_time(path)` tells when the run that wrote a k6 output ended (the prometheus adapter's
`at_end_of`). Names are imported on first use, so that a worker process scanning part of a
file (`worker`) imports only the scanner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualitygates._lazy import lazy_exports

if TYPE_CHECKING:
    from qualitygates.adapters.k6.adapter import K6Adapter
    from qualitygates.adapters.k6.endtime import end_time, end_time_ns

__all__ = ["K6Adapter", "end_time", "end_time_ns"]

__getattr__ = lazy_exports(
    __name__, {"K6Adapter": ".adapter", "end_time": ".endtime", "end_time_ns": ".endtime"}
)
