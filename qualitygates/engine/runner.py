"""Run a policy: collect every check through its adapter, apply waivers, judge, combine.

Problems are data: an adapter that cannot read its source makes its check `error` with a
one-line reason; every gate is always evaluated so that every report can be written.
Checks run concurrently (those that wait on a server overlap) within `timeout`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial

from qualitygates._version import __version__
from qualitygates.adapters.interface import Adapter, Collection, CollectRequest
from qualitygates.deadline import DEFAULT_TIMEOUT, start_workers
from qualitygates.domains import default_domain, future_timestamp, impossible_value
from qualitygates.engine.baseline import (
    baseline_metrics,
    damaged_baseline,
    new_finding_metrics,
    uses_baseline,
)
from qualitygates.engine.judge import (
    check_status,
    gate_status,
    judge_condition,
    judge_provenance,
    run_status,
)
from qualitygates.engine.waivers import apply_waivers
from qualitygates.errors import AdapterError, PolicyError
from qualitygates.model import (
    NEW_PREFIX,
    CheckResult,
    ConditionResult,
    GateResult,
    Measurement,
    RunResult,
    Status,
)
from qualitygates.plugins import Registry, adapter_registry
from qualitygates.policy.model import Check, Gate, Policy

log = logging.getLogger("qualitygates.engine")
MAX_WORKERS = 8
SETTLE_TIME = 1.0  # seconds past the deadline a check may take to report its own timeout


@dataclass(frozen=True)
class RunOptions:
    """How to run a policy; the defaults are what `qualitygates run` does."""

    gates: tuple[str, ...] = ()
    now: datetime | None = None
    timeout: float | None = None
    warn_only: bool = False
    # The baseline's checks by "gate-id.check-id" (see qualitygates.engine.baseline.baseline_index).
    baseline: Mapping[str, CheckResult] | None = None


def run(
    policy: Policy, options: RunOptions | None = None, registry: Registry | None = None
) -> RunResult:
    """Judge every gate of `policy` and return the result; raises only PolicyError."""
    options = options or RunOptions()
    registry = registry or adapter_registry()
    _check_gate_selection(policy, options.gates)
    now = options.now or datetime.now(timezone.utc)
    started = time.monotonic()
    deadline = started + options.timeout if options.timeout else None
    selected = [g for g in policy.gates if not options.gates or g.id in options.gates]
    checks = {(g.id, c.id): c for g in selected for c in g.checks}
    results = _run_checks(policy, checks, registry, now, deadline, options)
    gates = tuple(_gate_result(g, results, g in selected) for g in policy.gates)
    return RunResult(
        status=run_status(gates),
        gates=gates,
        started_at=now.isoformat(),
        duration=time.monotonic() - started,
        policy_path=str(policy.path),
        version=__version__,
        warn_only=options.warn_only,
    )


def _check_gate_selection(policy: Policy, wanted: Sequence[str]) -> None:
    known = [g.id for g in policy.gates]
    unknown = [g for g in wanted if g not in known]
    if unknown:
        raise PolicyError(
            f"--gate {unknown[0]!r} is not a gate of {policy.path.name} (its gates: {', '.join(known)})"
        )


def _run_checks(
    policy: Policy,
    checks: dict[tuple[str, str], Check],
    registry: Registry,
    now: datetime,
    deadline: float | None,
    options: RunOptions,
) -> dict[tuple[str, str], CheckResult]:
    if not checks:
        return {}
    if deadline is None:  # without --timeout the run still ends: after the default time
        deadline = time.monotonic() + DEFAULT_TIMEOUT
    futures: dict[tuple[str, str], Future[CheckResult]] = {key: Future() for key in checks}
    jobs = [
        (futures[key], partial(_run_check, policy, key[0], check, registry, now, deadline, options))
        for key, check in checks.items()
    ]
    start_workers(jobs, deadline, min(MAX_WORKERS, len(checks)))
    # A check that hit the deadline gets a moment to say so itself, in its own words.
    wait(futures.values(), timeout=max(0.0, deadline - time.monotonic()) + SETTLE_TIME)
    results = {}
    for key, future in futures.items():
        if future.cancel() or not future.done():  # never started, or hung: left behind
            results[key] = _error_result(checks[key], _late(options) + _reading(checks[key]))
        else:
            results[key] = future.result()
    return results


def _late(options: RunOptions) -> str:
    if options.timeout:
        return f"did not finish within the run's --timeout of {options.timeout:g} s"
    return (
        f"did not finish within the run's default time of {DEFAULT_TIMEOUT:g} s "
        "(set --timeout to change it)"
    )


def _reading(check: Check) -> str:
    """What a check that ran out of time was reading: its server or its first files."""
    from qualitygates.adapters._http import display_url  # no token or userinfo shown

    url, path = check.options.get("url"), check.options.get("path")
    if isinstance(url, str) and url:
        return f" (reading {display_url(url)})"
    paths = [path] if isinstance(path, str) else path if isinstance(path, list) else []
    shown = ", ".join(str(p) for p in paths[:3]) + (", ..." if len(paths) > 3 else "")
    return f" (reading {shown})" if shown else ""


def _run_check(
    policy: Policy,
    gate_id: str,
    check: Check,
    registry: Registry,
    now: datetime,
    deadline: float | None,
    options: RunOptions,
) -> CheckResult:
    started = time.monotonic()
    try:
        adapter: Adapter = registry.load(check.adapter)()
        request = CollectRequest(
            check_id=check.id,
            options=check.options,
            metrics=_asked(check),
            base_dir=policy.base_dir,
            now=now,
            timeout=None if deadline is None else max(0.1, deadline - time.monotonic()),
            wants_revision=check.commit is not None,
        )
        collection = adapter.collect(request)
    except AdapterError as exc:
        return _error_result(check, str(exc), time.monotonic() - started)
    except Exception as exc:  # an adapter bug must still fail closed, with a sentence
        log.debug("adapter %s crashed", check.adapter, exc_info=True)
        message = f"the {check.adapter} adapter failed unexpectedly: {type(exc).__name__}: {exc}"
        return _error_result(check, message, time.monotonic() - started)
    baseline = (options.baseline or {}).get(f"{gate_id}.{check.id}")
    return _judge(policy, check, adapter, collection, now, baseline, time.monotonic() - started)


def _judge(
    policy: Policy,
    check: Check,
    adapter: Adapter,
    collection: Collection,
    now: datetime,
    baseline: CheckResult | None,
    duration: float,
) -> CheckResult:
    findings, notes = apply_waivers(
        collection.findings, check.waivers, now, policy.waiver_notice_days
    )
    metrics = dict(collection.metrics)
    counted = adapter.count_findings([f for f in findings if not f.waived])
    metrics.update(counted)
    corrupt = _impossible(check, adapter, collection, metrics, now)
    if corrupt is None and baseline is not None and uses_baseline(check):
        corrupt = damaged_baseline(adapter, baseline)
    if corrupt is not None:
        return replace(_error_result(check, corrupt, duration), sources=collection.sources)
    if baseline is not None and any(c.metric.startswith(NEW_PREFIX) for c in check.conditions):
        metrics.update(new_finding_metrics(adapter, findings, baseline, metrics, counted))
    for name in collection.unavailable:  # what the source cannot give, no count makes up
        metrics.pop(name, None)
        metrics.pop(NEW_PREFIX + name, None)
    available = collection.available or tuple(metrics)
    before = baseline_metrics(baseline)
    conditions = tuple(
        judge_condition(c, metrics, available, before, collection.unavailable)
        for c in check.conditions
    )
    conditions += judge_provenance(check, collection.timestamp, collection.revision, now)
    wanted = {c.metric for c in check.conditions}
    summary = {spec.name for spec in adapter.metrics if spec.summary}
    shown = {k: v for k, v in metrics.items() if k in wanted or k in summary}
    return CheckResult(
        id=check.id,
        adapter=check.adapter,
        name=check.name,
        status=check_status(conditions, None, check.on_error),
        blocking=check.blocking,
        metrics=shown,
        conditions=conditions,
        findings=findings,
        waivers=notes,
        sources=collection.sources,
        duration=duration,
    )


def _impossible(
    check: Check,
    adapter: Adapter,
    collection: Collection,
    metrics: Mapping[str, Measurement],
    now: datetime,
) -> str | None:
    """Why the report cannot be true, or None: a value outside its domain (every metric,
    read by a condition or not), or a time after the run's clock."""
    for name, measurement in metrics.items():
        spec = adapter.metric_spec(name)
        unit = measurement.unit
        domain = spec.domain(unit) if spec is not None else default_domain(unit)
        problem = impossible_value(collection.sources, check.adapter, name, measurement, domain)
        if problem is not None:
            return problem
    if collection.timestamp is None:
        return None
    return future_timestamp(
        collection.sources, collection.timestamp, now, collection.timestamp_has_zone
    )


def _asked(check: Check) -> tuple[str, ...]:
    """The metrics a check's conditions read; for `new.X`, X too (its zero count, where the
    source has none of X, is what makes `new.X` 0)."""
    names = [c.metric for c in check.conditions]
    names += [n.removeprefix(NEW_PREFIX) for n in names if n.startswith(NEW_PREFIX)]
    return tuple(dict.fromkeys(names))


def _error_result(check: Check, message: str, duration: float = 0.0) -> CheckResult:
    """A check whose source could not be read: every one of its conditions is an error."""
    conditions = tuple(
        ConditionResult(c.expr, c.metric, Status.ERROR, message, operator=c.expression.operator)
        for c in check.conditions
    )
    return CheckResult(
        id=check.id,
        adapter=check.adapter,
        name=check.name,
        status=check_status(conditions, message, check.on_error),
        blocking=check.blocking,
        error=message,
        conditions=conditions,
        duration=duration,
    )


def _gate_result(
    gate: Gate, results: Mapping[tuple[str, str], CheckResult], selected: bool
) -> GateResult:
    if not selected:
        skipped = tuple(
            CheckResult(
                id=c.id,
                adapter=c.adapter,
                name=c.name,
                status=Status.SKIPPED,
                blocking=c.blocking,
                error="not selected with --gate",
            )
            for c in gate.checks
        )
        return GateResult(gate.id, gate.name, Status.SKIPPED, gate.blocking, skipped)
    checks = tuple(results[(gate.id, c.id)] for c in gate.checks)
    return GateResult(
        id=gate.id,
        name=gate.name,
        status=gate_status(checks, gate.blocking),
        blocking=gate.blocking,
        checks=checks,
        duration=sum(c.duration for c in checks),
    )
