"""The count metrics made of findings, and their declarations.

`count_findings` is called with the findings left after waivers, and counts them: by
severity into `<prefix>.<severity>` and `<prefix>.total` (`severity_counts`, declared by
`family_metrics`), by rule into one metric per rule (`counts_by`), or into metrics that
each count a few rules (`rule_counts`). A metric the policy asks for in a family no
finding falls in counts 0 (`requested_zeros`, for `collect`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from qualitygates.adapters.interface import MetricSpec, count_metric
from qualitygates.model import Finding, Measurement, Severity, Unit


def severity_counts(
    prefix: str,
    findings: Iterable[Finding],
    levels: Sequence[str] | Mapping[Severity, str],
    weight: Callable[[Finding], int] | None = None,
) -> dict[str, Measurement]:
    """`<prefix>.<level>` for every level (0 when no finding has it), then `<prefix>.total`.

    `levels` are severity values (`"critical"`), or a mapping of each severity counted to
    the word its metric uses (ZAP's `informational`); none for a family counted in total
    only. `weight` counts a finding as more than one (the instances of a ZAP alert). The
    total counts every finding given.
    """
    names = levels if isinstance(levels, Mapping) else {Severity(w): w for w in levels}
    counts: Counter[Severity] = Counter()
    for finding in findings:
        counts[finding.severity] += 1 if weight is None else weight(finding)
    metrics = {f"{prefix}.{name}": count_metric(counts[sev]) for sev, name in names.items()}
    metrics[f"{prefix}.total"] = count_metric(sum(counts.values()))
    return metrics


def counts_by(
    findings: Iterable[Finding],
    metric: Callable[[Finding], str | None],
    total: str | None = None,
) -> dict[str, Measurement]:
    """One count per metric name that `metric` gives a finding (None: not counted), by name,
    then, when `total` names it, the count of every finding given."""
    names = [metric(finding) for finding in findings]
    counts = Counter(name for name in names if name is not None)
    metrics = {name: count_metric(counts[name]) for name in sorted(counts)}
    if total is not None:
        metrics[total] = count_metric(len(names))
    return metrics


def rule_counts(
    findings: Iterable[Finding], metric_rules: Mapping[str, Collection[str]]
) -> dict[str, Measurement]:
    """Each metric counts the findings of its rules (0 when none has one)."""
    by_rule = Counter(finding.rule for finding in findings)
    return {
        metric: count_metric(sum(by_rule[rule] for rule in rules))
        for metric, rules in metric_rules.items()
    }


def requested_zeros(requested: Iterable[str], prefix: str) -> dict[str, Measurement]:
    """0 for every requested metric of a family (`rule.`): a rule no report mentions has no
    finding; `count_findings`' counts replace these zeros where it has."""
    return {name: count_metric(0) for name in requested if name.startswith(prefix)}


def family_metrics(
    prefix: str,
    levels: Sequence[str],
    description: str,
    *,
    total: str | None = None,
    placeholder: str = "severity",
) -> tuple[MetricSpec, ...]:
    """The declaration of `severity_counts`' metrics: `<prefix>.<severity>`, whose pattern
    takes each of `levels` (add "total" to let it take `<prefix>.total` too), after
    `<prefix>.total` on its own, reported on every run, when `total` describes it."""
    pattern = re.escape(prefix) + r"\.(" + "|".join(map(re.escape, levels)) + ")"
    each = MetricSpec(f"{prefix}.<{placeholder}>", Unit.COUNT, description, pattern=pattern)
    if total is None:
        return (each,)
    return MetricSpec(f"{prefix}.total", Unit.COUNT, total, summary=True), each
