"""When the `prometheus` adapter evaluates its queries: the `time` option, or the end of a
k6 run (`at_end_of`), which also dates the check's report for `max_age`."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._times import iso_time
from qualitygates.errors import AdapterError

_UNIX_TIME = re.compile(r"\d+(?:\.\d+)?")


def evaluation_time(
    given: Any, k6_output: Any
) -> tuple[dict[str, str], datetime | None, tuple[str, ...]]:
    """The `time` parameter, the check's timestamp and the k6 files read for them."""
    if not k6_output:
        return time_param(given), None, ()
    if given not in (None, ""):
        raise AdapterError("give either 'time' or 'at_end_of', not both")
    from qualitygates.adapters.k6 import end_time_ns  # the k6 package, only when asked

    paths = expand_paths(str(k6_output))
    end_ms = -(-max(end_time_ns(path) for path in paths) // 1_000_000)  # rounded up
    stamp = datetime.fromtimestamp(end_ms / 1000, tz=timezone.utc)
    return {"time": f"{end_ms // 1000}.{end_ms % 1000:03d}"}, stamp, tuple(map(str, paths))


def time_param(raw: Any) -> dict[str, str]:
    """The query API's `time` parameter for the `time` option: none, a Unix time as given,
    or an RFC 3339 time with its zone; AdapterError for anything else."""
    if raw is None or raw == "":
        return {}
    text = str(raw).strip()
    if _UNIX_TIME.fullmatch(text):
        return {"time": text}
    when = iso_time(text, naive="refuse")  # without a zone, whose clock it is would be a guess
    if when is None:
        raise AdapterError(
            f"option 'time' must be an RFC 3339 time with a zone such as "
            f"2026-01-31T12:00:00Z, or a Unix time, not {text!r}"
        )
    return {"time": when.isoformat()}
