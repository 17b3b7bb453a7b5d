"""One check's verdict: from what its adapter collected to its `CheckResult`.

Waivers are applied first, then the adapter counts the findings left; a value outside its
domain, a report time after the run's clock or a damaged baseline makes the check an error
before any condition is judged, so that an impossible report never passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from qualitygates.adapters.interface import Adapter, Collection
from qualitygates.domains import default_domain, future_timestamp, impossible_value
from qualitygates.engine.baseline import (
    baseline_metrics,
    damaged_baseline,
    new_finding_metrics,
    uses_baseline,
)
from qualitygates.engine.flaky import FlakyTests, applied, flaky_tests, named
from qualitygates.engine.history_judge import judge_against_history
from qualitygates.engine.judge import (
    check_status,
    judge_condition,
    judge_provenance,
    measured,
    no_baseline,
)
from qualitygates.engine.recent import FLAKY_METRIC, NO_STORE, CheckHistory, history_term
from qualitygates.engine.severities import mapped
from qualitygates.engine.waivers import apply_waivers
from qualitygates.model import (
    NEW_PREFIX,
    CheckResult,
    ConditionResult,
    Finding,
    Measurement,
    Status,
)
from qualitygates.policy.model import Check, Policy


def judge_check(
    policy: Policy,
    check: Check,
    adapter: Adapter,
    collection: Collection,
    now: datetime,
    baseline: CheckResult | None,
    duration: float,
    recent: CheckHistory | None = None,
) -> CheckResult:
    """The check's result from its adapter's collection (and the baseline's same check,
    and the recent history its conditions read)."""
    findings, notes = apply_waivers(
        collection.findings, check.waivers, now, policy.waiver_notice_days, policy.waiver_ceiling
    )
    metrics = dict(collection.metrics)
    counted = adapter.count_findings([f for f in findings if not f.waived])
    metrics.update(counted)
    record = recent.flaky() if recent is not None and FLAKY_METRIC in asked_metrics(check) else None
    flaky = FlakyTests((), {})
    if record is not None:
        flaky = flaky_tests(record, findings, check.waivers, now)
        metrics[FLAKY_METRIC] = flaky.measurement
        notes = applied(notes, flaky, now, policy.waiver_notice_days)
    corrupt = _impossible(check, adapter, collection, metrics, now)
    if corrupt is None and baseline is not None and uses_baseline(check):
        corrupt = damaged_baseline(adapter, baseline)
    if corrupt is not None:
        return replace(error_result(check, corrupt, duration), sources=collection.sources)
    _add_new_and_drop_unavailable(check, adapter, collection, findings, baseline, metrics, counted)
    wanted = {c.metric for c in check.conditions}
    summary = {spec.name for spec in adapter.metrics if spec.summary}
    return replace(
        _verdict(
            check,
            named(_judge_conditions(check, collection, metrics, (baseline, recent), now), flaky),
            None,
        ),
        metrics={k: v for k, v in metrics.items() if k in wanted or k in summary},
        # After counting: the policy's severities change how findings show, never a count.
        findings=mapped(check.severity_map, findings),
        waivers=notes,
        sources=collection.sources,
        duration=duration,
    )


def _judge_conditions(
    check: Check,
    collection: Collection,
    metrics: Mapping[str, Measurement],
    compared: tuple[CheckResult | None, CheckHistory | None],
    now: datetime,
) -> tuple[ConditionResult, ...]:
    """Every condition judged on the metrics, then the report's age and commit."""
    available = collection.available or tuple(metrics)
    before = baseline_metrics(compared[0])
    recent = compared[1] or NO_STORE.for_check("", "")
    conditions = []
    for condition in check.conditions:
        term = history_term(condition)
        if condition.metric == FLAKY_METRIC and recent.flaky() is None:
            judged = no_baseline(condition, None, "flaky tests are found in a history store")
        elif term is None:
            judged = judge_condition(condition, metrics, available, before, collection.unavailable)
        else:
            value = measured(condition, metrics, available, collection.unavailable)
            judged = (
                value
                if isinstance(value, ConditionResult)
                else judge_against_history(
                    condition, term, value, recent.window(condition.metric, term), now
                )
            )
        conditions.append(judged)
    return (*conditions, *judge_provenance(check, collection.timestamp, collection.revision, now))


def _verdict(
    check: Check, conditions: tuple[ConditionResult, ...], error: str | None
) -> CheckResult:
    """The check's result with its conditions judged: its status comes from them (and from
    `error`, which means the source could not be read)."""
    return CheckResult(
        id=check.id,
        adapter=check.adapter,
        name=check.name,
        status=check_status(conditions, error, check.on_error),
        blocking=check.blocking,
        error=error,
        conditions=conditions,
    )


def _add_new_and_drop_unavailable(
    check: Check,
    adapter: Adapter,
    collection: Collection,
    findings: tuple[Finding, ...],
    baseline: CheckResult | None,
    metrics: dict[str, Measurement],
    counted: Mapping[str, Measurement],
) -> None:
    """`new.*` counts against the baseline; then what the source cannot give is taken out,
    so that no count makes it up."""
    if baseline is not None and any(c.metric.startswith(NEW_PREFIX) for c in check.conditions):
        metrics.update(new_finding_metrics(adapter, findings, baseline, metrics, counted))
    for name in collection.unavailable:
        metrics.pop(name, None)
        metrics.pop(NEW_PREFIX + name, None)


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


def asked_metrics(check: Check) -> tuple[str, ...]:
    """The metrics a check's conditions read; for `new.X`, X too (its zero count, where the
    source has none of X, is what makes `new.X` 0)."""
    names = [c.metric for c in check.conditions]
    names += [n.removeprefix(NEW_PREFIX) for n in names if n.startswith(NEW_PREFIX)]
    return tuple(dict.fromkeys(names))


def error_result(check: Check, message: str, duration: float = 0.0) -> CheckResult:
    """A check whose source could not be read: every one of its conditions is an error."""
    conditions = tuple(
        ConditionResult(c.expr, c.metric, Status.ERROR, message, operator=c.expression.operator)
        for c in check.conditions
    )
    return replace(_verdict(check, conditions, message), duration=duration)
