"""The validated policy: gates, checks, conditions and waivers, all frozen.

Validation happens once, when a `gates.yaml` is loaded; inside the engine these types
are trusted. `where` fields keep `FILE:LINE:COL` for messages at run time.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qualitygates.finding import Severity
from qualitygates.policy.expressions import Expression, Threshold


class OnFail(str, enum.Enum):
    """What a violated condition (or an errored check) does to its check."""

    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True)
class Condition:
    """One threshold on one metric."""

    expression: Expression
    on_fail: OnFail = OnFail.FAIL
    on_no_baseline: OnFail = OnFail.WARN
    where: str = ""
    # False when the adapter only learns the unit from the source (SonarQube keys, k6
    # rates): a bare-number threshold is then in the tool's own unit.
    unit_declared: bool = True

    @property
    def expr(self) -> str:
        return self.expression.text

    @property
    def metric(self) -> str:
        return self.expression.metric

    @property
    def threshold(self) -> Threshold:
        return self.expression.threshold


@dataclass(frozen=True)
class Waiver:
    """An accepted finding: an id, optionally scoped, with a mandatory reason."""

    id: str
    reason: str
    expires: date | None = None
    owner: str | None = None
    package: str | None = None
    path: str | None = None
    purl: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Check:
    """One adapter run and the conditions judged on what it measured."""

    id: str
    adapter: str
    options: Mapping[str, Any]
    conditions: tuple[Condition, ...]
    name: str | None = None
    blocking: bool = True
    on_error: OnFail = OnFail.FAIL
    waivers: tuple[Waiver, ...] = ()
    max_age: timedelta | None = None  # the report's own timestamp must be this recent
    commit: str | None = None  # the commit the report must describe
    # (glob of a rule or id, severity), in the policy's order: the first that matches wins
    severity_map: tuple[tuple[str, Severity], ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Gate:
    """A named group of checks; its status is the worst of theirs."""

    id: str
    name: str
    checks: tuple[Check, ...]
    blocking: bool = True
    description: str | None = None
    project: str | None = None  # the project it belongs to (its id is then "NAME/GATE")
    root: Path | None = None  # that project's root: where its adapters work from


@dataclass(frozen=True)
class Policy:
    """A whole validated policy file."""

    path: Path
    gates: tuple[Gate, ...]
    version: int = 1
    waiver_notice_days: int = 14
    secrets: frozenset[str] = field(default_factory=frozenset)
    text: str = field(default="", repr=False)  # the policy file as read, for its digest
    history: str | None = None  # the history store the policy names, if any
    #: The most severe finding a waiver may accept (None: any).
    waiver_ceiling: Severity | None = None
    #: The projects it runs over, by name (none: the policy's own folder).
    projects: tuple[str, ...] = ()
    #: The bases it extends, resolved: (source, pin: a commit, or the SHA-256 of the text).
    bases: tuple[tuple[str, str], ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def digest(self) -> str:
        """The SHA-256 of the resolved policy: of the file as read, and, when it extends
        bases, of each base's source and pin with it. Recorded in results and histories."""
        import hashlib  # here: only a run with a history store asks for it

        if not self.bases:
            return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        import json

        pinned = [{"source": source, "pin": pin} for source, pin in self.bases]
        resolved = json.dumps({"policy": self.text, "bases": pinned}, sort_keys=True)
        return hashlib.sha256(resolved.encode("utf-8")).hexdigest()

    def gate(self, gate_id: str) -> Gate | None:
        return next((g for g in self.gates if g.id == gate_id), None)
