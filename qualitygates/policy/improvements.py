"""The improvement registry, `improvements.yaml` beside the policy: read and checked.

It is a mapping whose `improvements` list holds one mapping per improvement, with the keys
of IMPROVEMENT_KEYS: e.g. `metric: {check: load, name: http_req_duration.p(95)}`,
`expected: -30%`, `guardrails: [{check: load, name: http_req_failed, limit: "< +10%"}]`
(or the short form `"NAME < +10%"` for a name that only one check records).

Every problem is reported at once as `FILE:LINE:COL: message` (PolicyError, exit 2). What
an entry means, and how it is judged, is `qualitygates.history.improvements`'.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from qualitygates.durations import parse_duration
from qualitygates.errors import PolicyError
from qualitygates.history.improvements import (
    DEFAULT_BRANCH,
    DEFAULT_WINDOW,
    ID_PATTERN,
    Guardrail,
    Improvement,
    Limit,
    MetricRef,
)
from qualitygates.policy.files import read_policy_file
from qualitygates.policy.problems import Problems, problem_order
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml

REGISTRY_NAME = "improvements.yaml"
IMPROVEMENT_KEYS: dict[str, str] = {
    "id": "IMP-YYYY-NNN, unique in the registry.",
    "title": "What the improvement changes.",
    "owner": "Who answers for it.",
    "metric": "The metric it should move: {check, name} (gate when the check id is not unique).",
    "expected": "The promised change of the metric's median, a signed percent: -30%.",
    "guardrails": "Metrics that must not move beyond a limit: {check, name, limit: '< +10%'}.",
    "start": "The day its work began (UTC): 'before' is the runs before this day.",
    "end": "The day its work ended (UTC): 'after' is the runs after this day.",
    "branch": "The branch whose runs are compared (default main).",
    "window": "How far before the start and after the end runs are taken (default 30d).",
}
METRIC_KEYS = ("check", "name", "gate")
GUARDRAIL_KEYS = (*METRIC_KEYS, "limit")
_NEEDED = {
    "title": "what it changes",
    "owner": "who answers for it",
    "metric": "{check, name} of the metric it should move",
    "expected": "the promised change of the metric's median, e.g. -30%",
    "start": "the day its work began, e.g. 2026-10-01",
    "end": "the day its work ended, e.g. 2026-10-15",
}
_SIGNED_PERCENT = r"([+-]\d+(?:\.\d+)?)\s*%"
_PERCENT = re.compile(_SIGNED_PERCENT)
_LIMIT = re.compile(r"(<=|>=|<|>)\s*" + _SIGNED_PERCENT)
_SHORT_GUARDRAIL = re.compile(r"(?P<name>[^\s<>=]+)\s*(?P<limit>[<>]=?.*)")

EARLIEST_DAY = date(1970, 1, 1)  # as --now: runs are recorded at times from 1970 to 9000
LATEST_DAY = date(8999, 12, 31)


def registry_path(policy: str | Path, given: str | Path | None = None) -> Path:
    """The registry: `--file`, else improvements.yaml in the policy's folder."""
    return Path(given) if given else Path(policy).parent / REGISTRY_NAME


def load_improvements(path: str | Path) -> tuple[Improvement, ...]:
    """Every improvement of the registry; PolicyError listing every problem of the file."""
    path = Path(path)
    try:
        root = parse_yaml(read_policy_file(path))
    except FileNotFoundError:
        raise PolicyError(
            f"{path}: no such improvement registry: write one, or name it with --file"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PolicyError(f"{path}: cannot be read: {reason}") from None
    except YamlProblem as exc:
        spots = exc.all
        raise PolicyError(
            [f"{path}:{line}:{col}: {message}" for message, line, col in spots]
        ) from None
    problems = Problems(str(path))
    entries = _entries(root, problems)
    found = [_Entry(node, problems).improvement() for node in entries]
    _duplicates(entries, problems)
    if problems:
        raise PolicyError(sorted(problems.messages, key=problem_order))
    return tuple(i for i in found if i is not None)


def _entries(root: Located, problems: Problems) -> list[Located]:
    if not root.is_mapping:
        problems.add(root, "the registry is a mapping with an 'improvements' list")
        return []
    problems.unknown_keys(root, ("improvements",), "the registry")
    items = root.value.get("improvements")
    if items is None or items.value is None or items.value == []:
        problems.add(items or root, "the registry lists no improvement under 'improvements'")
        return []
    if not items.is_sequence:
        problems.add(items, "'improvements' must be a list of improvements")
        return []
    return list(items.value)


def _duplicates(entries: list[Located], problems: Problems) -> None:
    first: dict[str, Located] = {}
    for entry in entries:
        node = entry.value.get("id") if entry.is_mapping else None
        if node is None or not isinstance(node.value, str):
            continue
        if node.value in first:
            earlier = problems.where(first[node.value])
            problems.add(node, f"duplicate id {node.value!r} (first at {earlier})")
        else:
            first[node.value] = node


class _Entry:
    """One improvement's fields, each checked; a problem leaves the entry out."""

    def __init__(self, node: Located, problems: Problems) -> None:
        self.node, self.problems, self.ok = node, problems, True
        self.fields: dict[str, Located] = node.value if node.is_mapping else {}
        ident = self.fields.get("id")
        named = ident is not None and isinstance(ident.value, str)
        self.label = f"improvement {ident.value}" if ident and named else "an improvement"

    def problem(self, node: Located | None, message: str) -> None:
        self.problems.add(node, message)
        self.ok = False

    def improvement(self) -> Improvement | None:
        if not self.node.is_mapping:
            self.problem(self.node, f"an improvement is a mapping of {', '.join(IMPROVEMENT_KEYS)}")
            return None
        self.problems.unknown_keys(self.node, IMPROVEMENT_KEYS, self.label)
        for key, what in _NEEDED.items():
            if self.fields.get(key) is None or self.fields[key].value is None:
                self.problem(self.node, f"{self.label} needs '{key}': {what}")
        ident = self._id()
        title, owner = self._text("title"), self._text("owner")
        metric, expected = self._metric(self.fields.get("metric"), "the metric"), self._expected()
        guardrails = self._guardrails()
        start, end = self._day("start"), self._day("end")
        if start and end and end < start:
            self.problem(self.fields["end"], f"end {end} is before start {start}")
        branch, window = self._text("branch") or DEFAULT_BRANCH, self._window()
        if not (self.ok and ident and title and owner and metric and expected and start and end):
            return None
        return Improvement(
            ident, title, owner, metric, expected, start, end, guardrails, branch, window
        )

    def _id(self) -> str | None:
        node = self.fields.get("id")
        if node is None or node.value is None:
            self.problem(self.node, "an improvement needs an 'id' such as IMP-2026-004")
            return None
        if not isinstance(node.value, str) or not ID_PATTERN.fullmatch(node.value):
            self.problem(
                node, f"id must look like IMP-2026-004 (IMP-, a year, a number), not {_shown(node)}"
            )
            return None
        return node.value

    def _text(self, key: str) -> str | None:
        node = self.fields.get(key)
        if node is None or node.value is None:
            return None
        if not isinstance(node.value, str) or not node.value.strip():
            self.problem(node, f"{key} must be text, not {_shown(node)}")
            return None
        return node.value.strip()

    def _day(self, key: str) -> date | None:
        node = self.fields.get(key)
        if node is None or node.value is None:
            return None
        if isinstance(node.value, datetime):
            self.problem(node, f"{key} must be a day such as 2026-10-01, not a time ({node.text})")
        elif isinstance(node.value, date) and not EARLIEST_DAY <= node.value <= LATEST_DAY:
            # the windows before and after are counted from it: 0001-01-01 less 30 days is
            # no date at all
            self.problem(node, f"{key} must be a day from {EARLIEST_DAY} to {LATEST_DAY}")
        elif isinstance(node.value, date):
            return node.value
        else:
            self.problem(node, f"{key} must be a date such as 2026-10-01, not {_shown(node)}")
        return None

    def _expected(self) -> float | None:
        node = self.fields.get("expected")
        if node is None or node.value is None:
            return None
        found = _PERCENT.fullmatch(str(node.value).strip()) if isinstance(node.value, str) else None
        if found is None:
            self.problem(
                node, f"expected must be a signed percent such as -30% or +5%, not {_shown(node)}"
            )
            return None
        if float(found[1]) == 0:
            self.problem(node, "expected must not be 0%: say which way the metric should move")
            return None
        return float(found[1])

    def _window(self) -> timedelta:
        node = self.fields.get("window")
        if node is None or node.value is None:
            return DEFAULT_WINDOW
        try:
            return parse_duration(node.value)
        except ValueError as exc:
            self.problem(node, f"window: {exc}")
            return DEFAULT_WINDOW

    def _metric(self, node: Located | None, what: str) -> MetricRef | None:
        """`{check, name}` (and `gate`), for the metric or a guardrail (with `limit`)."""
        if node is None or node.value is None:
            return None
        if not node.is_mapping:
            self.problem(node, f"{what} must be a mapping {{check: ..., name: ...}}: metric "
                               f"names hold dots, so check and name are given apart")  # fmt: skip
            return None
        self.problems.unknown_keys(
            node, GUARDRAIL_KEYS if what == "a guardrail" else METRIC_KEYS, what
        )
        parts: dict[str, str] = {}
        for key in METRIC_KEYS:
            part = node.value.get(key)
            if part is None and key != "gate":
                self.problem(node, f"{what} needs '{key}'")
            elif part is not None and (not isinstance(part.value, str) or not part.value.strip()):
                self.problem(part, f"{key} must be text, not {_shown(part)}")
            elif part is not None:
                parts[key] = part.value.strip()
        if "name" not in parts or "check" not in parts:
            return None
        return MetricRef(parts["name"], parts["check"], parts.get("gate"))

    def _guardrails(self) -> tuple[Guardrail, ...]:
        node = self.fields.get("guardrails")
        if node is None or node.value is None:
            return ()
        if not node.is_sequence:
            self.problem(node, "guardrails must be a list of {check, name, limit}")
            return ()
        return tuple(g for g in (self._guardrail(item) for item in node.value) if g)

    def _guardrail(self, node: Located) -> Guardrail | None:
        if isinstance(node.value, str):  # the short form: "NAME OP PERCENT", a unique name
            found = _SHORT_GUARDRAIL.fullmatch(node.value.strip())
            limit = self._limit(node, found["limit"] if found else node.value)
            return Guardrail(MetricRef(found["name"]), limit) if found and limit else None
        metric = self._metric(node, "a guardrail")
        limit_node = node.value.get("limit") if node.is_mapping else None
        if node.is_mapping and limit_node is None:
            self.problem(node, "a guardrail needs a 'limit' such as '< +10%'")
        limit = self._limit(limit_node, limit_node.value) if limit_node else None
        return Guardrail(metric, limit) if metric and limit else None

    def _limit(self, node: Located, text: object) -> Limit | None:
        found = _LIMIT.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            shown = repr(text) if isinstance(text, str) else _shown(node)
            self.problem(node, "a guardrail's limit is an operator and a signed percent "
                               f"such as '< +10%', not {shown}")  # fmt: skip
            return None
        return Limit(found[1], float(found[2]))


def _shown(node: Located) -> str:
    """A value as the message quotes it: as written, or what kind of thing it is."""
    if node.is_mapping:
        return "a mapping"
    return "a list" if node.is_sequence else repr(node.text)
