"""qualitygates: judge a team's existing tool reports against one policy, fail closed.

The public API:

- `run_gates(policy, ...) -> RunOutcome`: everything `qualitygates run` does (baseline,
  history, reports, job summary) as one call; see `qualitygates.api`.
- `load_policy` and `run(policy, RunOptions) -> RunResult`: load a policy and judge it,
  nothing else (no history, no reports).
- the result model (`RunResult`, `Status`, `ExitCode`) and the report context
  (`ReportContext`, `ReportLimits`) reporters receive.

The CLI is a thin shell over it. Heavy modules are imported lazily so that the console
script starts fast.
"""

from __future__ import annotations

from qualitygates._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `--version` is fast
if TYPE_CHECKING:
    from typing import Any

    from qualitygates.api import (
        Baseline,
        RunOutcome,
        load_gates_policy,
        render_result,
        render_saved,
        run_gates,
    )
    from qualitygates.engine import RunOptions, run
    from qualitygates.model import ExitCode, RunResult, Status
    from qualitygates.policy import Policy, load_policy
    from qualitygates.reports.interface import ReportContext, Reporter, ReportLimits

__all__ = [
    "Baseline",
    "ExitCode",
    "Policy",
    "ReportContext",
    "ReportLimits",
    "Reporter",
    "RunOptions",
    "RunOutcome",
    "RunResult",
    "Status",
    "__version__",
    "load_gates_policy",
    "load_policy",
    "render_result",
    "render_saved",
    "run",
    "run_gates",
]

_HOMES = {
    "Baseline": ".api",
    "RunOutcome": ".api",
    "load_gates_policy": ".api",
    "render_result": ".api",
    "render_saved": ".api",
    "run_gates": ".api",
    "RunOptions": ".engine",
    "run": ".engine",
    "ExitCode": ".model",
    "RunResult": ".model",
    "Status": ".model",
    "Policy": ".policy",
    "load_policy": ".policy",
    "ReportContext": ".reports.interface",
    "ReportLimits": ".reports.interface",
    "Reporter": ".reports.interface",
}


def __getattr__(name: str) -> Any:
    # Even the lazy-export helper is imported on first use: `--version` imports this module.
    from qualitygates._lazy import lazy_exports

    return lazy_exports(__name__, _HOMES)(name)
