"""Run a policy: collect every check through its adapter, apply waivers, judge, combine.

Problems are data: an adapter that cannot read its source makes its check `error` with a
one-line reason; every gate is always evaluated so that every report can be written.
Checks run concurrently (those that wait on a server overlap) within `timeout`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from qualitygates._version import __version__
from qualitygates.adapters.interface import Adapter, CollectRequest, OptionKind
from qualitygates.deadline import DEFAULT_TIMEOUT, start_workers
from qualitygates.engine.check_result import asked_metrics, error_result, judge_check
from qualitygates.engine.judge import gate_status, run_status
from qualitygates.engine.paths import relative_to, repository_root
from qualitygates.engine.recent import NO_STORE, RecentHistory
from qualitygates.errors import AdapterError, PolicyError
from qualitygates.model import CheckResult, GateResult, RunResult, Status
from qualitygates.plugins import Registry, adapter_registry
from qualitygates.policy.model import Check, Gate, Policy
from qualitygates.readers import paused_gc, resume_gc

log = logging.getLogger("qualitygates.engine")
MAX_WORKERS = 8
FILE_WORKERS = 2  # threads for the checks that read files (see _run_checks)
PROGRESS_AFTER, PROGRESS_EVERY = 2.0, 10.0  # seconds (see RunOptions.progress)
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
    # False: adapters may leave out the summary metrics no condition asks for (see
    # CollectRequest.wants). `qualitygates run` sets it when no report or history reads them.
    summary_metrics: bool = True
    # Told, in one sentence, of each check still running PROGRESS_AFTER seconds into the
    # run, and every PROGRESS_EVERY seconds after (the command line prints it on stderr).
    progress: Callable[[str], None] | None = None
    # Finding paths under this folder are made relative to it (see engine.paths); None:
    # the repository that holds the policy (its nearest folder up with `.git`).
    root: Path | None = None
    # In a run over projects: each project gate's root, where its adapters work from.
    gate_roots: Mapping[str, Path] = field(default_factory=dict)
    # The windows of recent history the conditions read (see engine.recent), read from the
    # store before the run; NO_STORE: there is no store, and such conditions say so.
    recent: RecentHistory = NO_STORE


def run(
    policy: Policy, options: RunOptions | None = None, registry: Registry | None = None
) -> RunResult:
    """Judge every gate of `policy` and return the result; raises only PolicyError."""
    options = options or RunOptions()
    if options.root is None:  # found once, not once per check
        options = replace(options, root=repository_root(policy.base_dir))
    registry = registry or adapter_registry()
    _check_gate_selection(policy, options.gates)
    now = options.now or datetime.now(timezone.utc)
    started = time.monotonic()
    deadline = started + options.timeout if options.timeout else None
    selected = [g for g in policy.gates if not options.gates or _wanted(g, options.gates)]
    checks = {(g.id, c.id): c for g in selected for c in g.checks}
    roots = {g.id: g.root for g in selected if g.root is not None}
    options = replace(options, gate_roots=roots) if roots else options
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
        policy_digest=f"sha256:{policy.digest}" if policy.text else None,
    )


def _wanted(gate: Gate, wanted: Sequence[str]) -> bool:
    """`--gate ID` names a gate, or, in a run over projects, that gate of every project."""
    return gate.id in wanted or gate.id.partition("/")[2] in wanted


def _check_gate_selection(policy: Policy, wanted: Sequence[str]) -> None:
    known = list(dict.fromkeys(g.id.rpartition("/")[2] for g in policy.gates))
    known += [g.id for g in policy.gates if g.project is not None]
    unknown = [g for g in wanted if g not in known]  # NAME/GATE or GATE
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
    asks_server = {key: _asks_server(registry, check) for key, check in checks.items()}
    jobs = [
        (futures[key], partial(_run_check, policy, key[0], check, registry, now, deadline, options))
        # Checks that wait on a server start first, each on its own thread; the checks
        # that read files share two more: they need the CPU, and more threads only fight
        # over the interpreter lock (the bundled example's checks take a third longer on
        # eight); two, so that one stuck file does not hold up all the others.
        for key, check in sorted(checks.items(), key=lambda item: not asks_server[item[0]])
    ]
    start_workers(
        jobs, deadline, min(MAX_WORKERS, sum(asks_server.values()) + FILE_WORKERS, len(checks))
    )
    # A check that hit the deadline gets a moment to say so itself, in its own words.
    _wait_for(futures, checks, deadline + SETTLE_TIME, options.progress)
    results = {}
    for key, future in futures.items():
        if future.cancel() or not future.done():  # never started, or hung: left behind
            results[key] = error_result(checks[key], _late(options) + _reading(checks[key]))
        else:
            results[key] = future.result()
    if any(not future.done() for future in futures.values()):
        resume_gc()  # a check left behind must not keep the collector off
    return results


def _wait_for(
    futures: Mapping[tuple[str, str], Future[CheckResult]],
    checks: Mapping[tuple[str, str], Check],
    until: float,
    progress: Callable[[str], None] | None,
) -> None:
    """Wait for every check until `until`, telling `progress` which still run, and on what."""
    started = time.monotonic()
    note_at = started + PROGRESS_AFTER if progress is not None else until
    while True:
        _, pending = wait(
            futures.values(), timeout=max(0.0, min(until, note_at) - time.monotonic())
        )
        now = time.monotonic()
        if not pending or now >= until:
            return
        if progress is not None and now >= note_at:
            for key, future in futures.items():
                if future.running():
                    progress(f"{key[0]}.{key[1]} still running after {now - started:.0f} s"
                             f"{_reading(checks[key])}")  # fmt: skip
            note_at += PROGRESS_EVERY


def _asks_server(registry: Registry, check: Check) -> bool:
    """Whether the check's adapter may wait on a server: it takes a URL option."""
    try:
        adapter = registry.load(check.adapter)
    except Exception:  # its own check reports the failure, in its words
        return False
    options = getattr(adapter, "options", ())
    return any(getattr(spec, "kind", None) is OptionKind.URL for spec in options)


def _late(options: RunOptions) -> str:
    if options.timeout:
        return f"did not finish within the run's --timeout of {options.timeout:g} s"
    return (
        f"did not finish within the run's default time of {DEFAULT_TIMEOUT:g} s "
        "(set --timeout to change it)"
    )


def _reading(check: Check) -> str:
    """What a check that ran out of time was reading: its server or its first files."""
    from qualitygates.redaction import display_url  # no token or userinfo shown

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
            metrics=asked_metrics(check),
            # A project's adapters work from its root; sign-offs stay the policy's own.
            base_dir=policy.base_dir
            if check.adapter == "attestations"
            else options.gate_roots.get(gate_id, policy.base_dir),
            now=now,
            timeout=None if deadline is None else max(0.1, deadline - time.monotonic()),
            wants_revision=check.commit is not None,
            summary=options.summary_metrics,
        )
        # Adapters make many objects and no reference cycles: no collection walks them
        # while they do (a large SARIF log takes a third longer with the collector on).
        with paused_gc():
            collection = adapter.collect(request)
    except AdapterError as exc:
        return error_result(check, str(exc), time.monotonic() - started)
    except Exception as exc:  # an adapter bug must still fail closed, with a sentence
        log.debug("adapter %s crashed", check.adapter, exc_info=True)
        message = f"the {check.adapter} adapter failed unexpectedly: {type(exc).__name__}: {exc}"
        return error_result(check, message, time.monotonic() - started)
    collection = replace(collection, findings=relative_to(options.root, collection.findings))
    baseline = (options.baseline or {}).get(f"{gate_id}.{check.id}")
    recent = options.recent.for_check(gate_id, check.id)
    return judge_check(
        policy, check, adapter, collection, now, baseline, time.monotonic() - started, recent
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
        return GateResult(
            gate.id, gate.name, Status.SKIPPED, gate.blocking, skipped, project=gate.project
        )
    checks = tuple(results[(gate.id, c.id)] for c in gate.checks)
    return GateResult(
        id=gate.id,
        name=gate.name,
        status=gate_status(checks, gate.blocking),
        blocking=gate.blocking,
        checks=checks,
        duration=sum(c.duration for c in checks),
        project=gate.project,
    )
