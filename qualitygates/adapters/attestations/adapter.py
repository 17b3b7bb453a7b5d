"""The attestations adapter: required manual checks were signed off, passed, and recently.

The policy lists the checks it requires (`required`): a mapping check -> maximum age
(`{rollback-drill: 30d}`; `null` for no maximum), or a list of `{check, max_age,
distinct_approver}`. For each, the latest entry of the record counts (by `at`, then by
position); it fails when it is absent, failed, older than its maximum age, dated after
the run's clock (`--now`), or, with `distinct_approver`, not approved by someone else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from qualitygates.adapters._io import existing_file
from qualitygates.adapters._options import path_option
from qualitygates.adapters._required import Counted, EntryForm, Problem, Readiness
from qualitygates.adapters.attestations.record import Attestation, read_record
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.durations import format_duration, parse_duration
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Unit

TOOL = "attestations"
READINESS = Readiness(
    TOOL,
    {
        "missing": Counted("Required checks never attested.", ("missing",)),
        "failed": Counted("Required checks whose latest result is fail.", ("failed",)),
        "stale": Counted("Required checks attested longer ago than max_age.", ("stale",)),
        "future": Counted("Latest entries dated after the run's clock.", ("future",)),
        "self_approved": Counted(
            "Approved by their author, or not approved.", ("self-approved", "unapproved")
        ),
    },
)
_REQUIREMENT = EntryForm(
    "attestations option required",
    ("check", "max_age", "distinct_approver"),
    "{check, max_age, distinct_approver}",
    "a name",
)


@dataclass(frozen=True)
class Requirement:
    """One check the policy requires."""

    check: str
    max_age: timedelta | None
    max_age_text: str | None
    distinct_approver: bool


class AttestationsAdapter(Adapter):
    """A record of manual checks (YAML or JSON), judged against the required ones."""

    name = "attestations"
    summary = "Signed-off manual checks: present, passed, recent, independently approved."
    formats = ("attestation record YAML/JSON (attestations: [{check, result, by, at, ...}])",)
    options = (
        path_option("the attestation record (YAML or JSON)", single=True),
        OptionSpec(
            "required",
            OptionKind.LIST,
            "Checks required: a mapping check -> max age (30d), or a list of "
            "{check, max_age, distinct_approver}.",
            required=True,
            check=lambda required: parse_requirements(required),  # noqa: PLW0108 (defined below)
        ),
    )
    metrics = (
        *READINESS.metric_specs(),
        MetricSpec("passed", Unit.COUNT, "Required checks with no problem.", summary=True),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Judge the latest entry of every required check."""
        path = existing_file(
            request.base_dir / str(request.options["path"]),
            "record sign-offs with `qualitygates attest CHECK --result pass --by NAME`",
        )
        requirements = parse_requirements(request.options.get("required"))
        latest = _latest(read_record(path))
        findings: list[Finding] = []
        passed = 0
        for need in requirements:
            found = list(_judge(need, latest.get(need.check), request.now, str(path)))
            findings.extend(found)
            passed += not found
        return Collection(
            metrics={"passed": count_metric(passed)},
            findings=tuple(findings),
            sources=(str(path),),
            available=tuple(sorted(latest)),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Each metric counts the findings of its rules; `problems` counts them all."""
        return READINESS.count(findings)


def parse_requirements(value: object) -> list[Requirement]:
    """The `required` option, in either of its two forms."""
    if isinstance(value, Mapping):
        value = [{"check": k, "max_age": v} for k, v in value.items()]
    if not isinstance(value, list) or not value:
        raise AdapterError("attestations option required must name the checks, e.g. {drill: 30d}")
    return [_requirement(item, index) for index, item in enumerate(value, 1)]


def _requirement(item: object, index: int) -> Requirement:
    where, check, fields = _REQUIREMENT.read(item, index)
    age_text = fields.get("max_age")
    try:
        age = parse_duration(age_text) if age_text is not None else None
    except ValueError as exc:
        raise AdapterError(f"{where} ({check}): max_age {exc}") from None
    distinct = fields.get("distinct_approver", False)
    if not isinstance(distinct, bool):
        raise AdapterError(f"{where} ({check}): distinct_approver must be true or false")
    return Requirement(check.strip(), age, str(age_text) if age_text else None, distinct)


def _latest(entries: list[Attestation]) -> dict[str, Attestation]:
    latest: dict[str, Attestation] = {}
    for entry in entries:
        known = latest.get(entry.check)
        if known is None or (entry.at, entry.index) >= (known.at, known.index):
            latest[entry.check] = entry
    return latest


def _judge(
    need: Requirement, entry: Attestation | None, now: datetime, path: str
) -> Iterator[Finding]:
    name = need.check
    if entry is None:
        yield _finding(
            "missing",
            name,
            path,
            None,
            f"{name!r} has never been attested in {path}: run it, then record it with "
            f"`qualitygates attest {name} --result pass --by NAME`",
        )
        return
    yield from _latest_entry(need, entry, now, path)
    if need.distinct_approver:
        yield from _approval(need, entry, path)


def _latest_entry(
    need: Requirement, entry: Attestation, now: datetime, path: str
) -> Iterator[Finding]:
    """What is wrong with a required check's latest entry: its date, result and age."""
    name = need.check
    when = f"{entry.at.date().isoformat()}, by {entry.by}"
    if entry.at > now:
        yield _finding(
            "future",
            name,
            path,
            entry,
            f"{name!r} is dated {entry.at.isoformat()}, after the run's time "
            f"{now.isoformat()}: correct its date",
        )
    if entry.result == "fail":
        evidence = f", see {entry.evidence}" if entry.evidence else ""
        yield _finding(
            "failed",
            name,
            path,
            entry,
            f"{name!r} failed on its latest run ({when}{evidence}): "
            "fix the cause, run it again and record a pass",
        )
    if need.max_age is not None and now - entry.at > need.max_age:
        yield _finding(
            "stale",
            name,
            path,
            entry,
            f"{name!r} was last attested {format_duration(now - entry.at)} ago "
            f"({when}), more than its maximum age of {need.max_age_text}: run it again",
        )


def _approval(need: Requirement, entry: Attestation, path: str) -> Iterator[Finding]:
    name = need.check
    if entry.approver is None:
        yield _finding(
            "unapproved",
            name,
            path,
            entry,
            f"{name!r} (by {entry.by}) has no approver, but needs one other than "
            "its author: record it with --approver",
        )
    elif entry.approver.casefold() == entry.by.casefold():
        yield _finding(
            "self-approved",
            name,
            path,
            entry,
            f"{name!r} was approved by its own author ({entry.by}), but needs a different approver",
        )


def _finding(rule: str, check: str, path: str, entry: Attestation | None, message: str) -> Finding:
    return READINESS.finding(rule, Problem(message, Location(path, None, check), (check,)))
