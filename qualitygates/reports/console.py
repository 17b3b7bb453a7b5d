"""The console summary: each gate and its verdict, why anything failed, and a total line.

Returns text; the CLI decides where it goes and whether it is coloured. Every value that
comes from a report or the policy passes through `value` (the CLI's redaction and
sanitising) as it is laid out: only what is shown is cleaned, however large the result.
"""

from __future__ import annotations

from collections.abc import Callable

from qualitygates.model import CheckResult, Finding, GateResult, RunResult, Status
from qualitygates.sanitise import LINE_BREAK

Style = Callable[[str, Status], str]
Value = Callable[[str], str]

LABELS = {
    Status.PASSED: "PASS",
    Status.WARNED: "WARN",
    Status.FAILED: "FAIL",
    Status.ERROR: "ERROR",
    Status.SKIPPED: "SKIP",
}
COLOURS = {
    Status.PASSED: "32",
    Status.WARNED: "33",
    Status.FAILED: "31",
    Status.ERROR: "35",
    Status.SKIPPED: "90",
}
MAX_FINDINGS_SHOWN = 10


def plain(text: str, _status: Status) -> str:
    return text


def ansi(text: str, status: Status) -> str:
    return f"\x1b[{COLOURS[status]}m{text}\x1b[0m"


def _as_is(text: str) -> str:
    return text


def render_console(
    result: RunResult, verbosity: int = 0, style: Style = plain, value: Value = _as_is
) -> str:
    """The summary; verbosity -1 shows only problems, 1 every condition and finding."""
    lines: list[str] = []
    for gate in result.gates:
        lines.extend(_gate_lines(gate, verbosity, style, value))
    if result.projects:
        lines.append(projects_line(result, style, value))
    lines.append(total_line(result))
    return "\n".join(lines) + "\n"


def projects_line(result: RunResult, style: Style = plain, value: Value = _as_is) -> str:
    """In a run over projects: `projects: api passed · web failed`."""
    shown = (f"{value(name)} {style(s.value, s)}" for name, s in result.projects.items())
    return "projects: " + " · ".join(shown)


def total_line(result: RunResult) -> str:
    """`3/4 gates passed — deployment blocked`."""
    judged = result.gates_judged
    counts = f"{result.gates_passed}/{judged} gates passed"
    if result.status is Status.PASSED:
        verdict = "deployment allowed"
    elif result.warn_only:
        verdict = "deployment would be blocked (--warn-only: exiting 0)"
    elif result.status is Status.ERROR:
        verdict = "deployment blocked: a check could not be evaluated"
    else:
        verdict = "deployment blocked"
    return f"{counts} — {verdict}"


def _label(status: Status, style: Style) -> str:
    return style(f"{LABELS[status]:<5}", status)


def _gate_lines(gate: GateResult, verbosity: int, style: Style, value: Value) -> list[str]:
    if verbosity < 0 and gate.status in (Status.PASSED, Status.SKIPPED):
        return []
    note = "" if gate.blocking else " (non-blocking)"
    lines = [f"{_label(gate.status, style)} {value(gate.name)} [{value(gate.id)}]{note}"]
    for check in gate.checks:
        lines.extend(_check_lines(check, verbosity, style, value))
    return lines


def _check_lines(check: CheckResult, verbosity: int, style: Style, value: Value) -> list[str]:
    quiet_ok = check.status in (Status.PASSED, Status.SKIPPED)
    if verbosity < 0 and quiet_ok:
        return []
    note = "" if check.blocking else " (non-blocking)"
    name = value(check.name or check.id)
    lines = [f"  {_label(check.status, style)} {name} ({value(check.adapter)}){note}"]
    if check.error:
        lines.append(f"        {value(check.error)}")
    else:
        for condition in check.conditions:
            if verbosity > 0 or condition.status is not Status.PASSED:
                label = _label(condition.status, style)
                lines.append(f"        {label} {value(condition.message)}")
    lines.extend(f"        {line}" for line in waiver_lines(check, with_check=False, value=value))
    if verbosity > 0 or not quiet_ok:
        lines.extend(_finding_lines(check.findings, verbosity, value))
    return lines


def waiver_lines(check: CheckResult, with_check: bool = True, value: Value = _as_is) -> list[str]:
    """One line per waiver: applied (with its reason), expiring, expired or unused."""
    prefix = f"{value(check.id)}: " if with_check else ""
    texts = {
        "applied": "waiver {id} applied to {matched} finding(s): {reason}",
        "expiring": "waiver {id} applied to {matched} finding(s), expires on {expires}: {reason}",
        "expired": "waiver {id} EXPIRED on {expires}: it no longer applies",
        "unused": "waiver {id} matched nothing: remove it if it is stale",
        "refused": "waiver {id} cannot accept {matched} finding(s) more severe than the "
        "policy's waiver_ceiling: fix them",
    }
    return [
        prefix
        + texts[n.state].format(
            **{k: value(v) if isinstance(v, str) else v for k, v in vars(n).items()}
        )
        for n in check.waivers
        if n.state in texts
    ]


def _finding_lines(findings: tuple[Finding, ...], verbosity: int, value: Value) -> list[str]:
    active = sorted((f for f in findings if not f.waived), key=lambda f: -f.severity.rank)
    waived = [f for f in findings if f.waived]
    limit = len(active) if verbosity > 0 else MAX_FINDINGS_SHOWN
    lines = [
        f"        - {f.severity.value}: {value(f.id)} {value(str(f.location))} "
        f"{_short(value(f.message))}".rstrip()
        for f in active[:limit]
    ]
    if len(active) > limit:
        lines.append(f"        … and {len(active) - limit} more findings (-v shows all)")
    for word, group in (("waived", [f for f in waived if not f.suppressed]),
                        ("suppressed", [f for f in waived if f.suppressed])):  # fmt: skip
        if group:
            ids = sorted({f.id for f in group})[:5]
            lines.append(f"        {len(group)} {word} finding(s): " + ", ".join(map(value, ids)))
    return lines


def _short(message: str, width: int = 100) -> str:
    """The first line of a message, cut to `width`; a cleaned value marks its lines with ⏎."""
    text = message.replace(LINE_BREAK, "\n").strip()
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= width else first[: width - 1] + "…"
