"""One small record per SARIF result, made while the log streams in.

A result carries code flows, related locations, fixes and long messages; a run's findings
need a dozen fields of it, and some of those only make sense once the run's tool, rules
and base URIs are known, which a log may write after its results (ruff does). So each
result is boiled down to a `Result` as soon as it is complete, and `RunReader` turns the
records into findings when the run is whole. The records read exactly what the findings
read from a slimmed result.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from qualitygates.adapters.sarif.fields import (
    KEEP,
    index_of,
    keep_free_form,
    result_band,
    slim,
    suppression,
)
from qualitygates.model import Severity
from qualitygates.readers import read_json


class Result(NamedTuple):
    """What a finding needs from one SARIF result."""

    valid: bool = True  # false: the result is not a JSON object
    kind: str = "fail"  # "pass" for a result that is not a finding at all
    level: Any = None  # as written: checked against the rule's default later
    rule_id: str = ""  # `ruleId`
    ref_id: str = ""  # `rule.id`
    rule_index: int = -1  # `ruleIndex`, else `rule.index`
    component: int = -1  # `rule.toolComponent.index`
    # From the result's own security-severity; a plain str says why it cannot be read.
    band: Severity | str | None = None
    message: str = ""
    has_uri: bool = False
    uri: str = ""
    base_id: str = ""
    artifact: int = -1  # `artifactLocation.index`
    line: int | None = None
    prints: tuple[str, ...] = ()  # partial fingerprints, "name=value", sorted by name
    waiver: str | None = None  # the reason, when a suppression waives the result
    doubtful: bool = False  # bandit's `issue_confidence` is LOW: shown one step lower


SKIP = Result(kind="pass")
NOT_AN_OBJECT = Result(valid=False)


def record(result: Any) -> Result:
    """The record of one result (raw or slimmed: both read the same)."""
    if not isinstance(result, dict):
        return result if isinstance(result, Result) else NOT_AN_OBJECT
    get = result.get
    kind = get("kind", "fail")
    kind = kind if type(kind) is str and kind else "fail"
    if kind in ("pass", "notApplicable") or get("baselineState") == "absent":
        return SKIP
    ref = _object(get("rule"))
    locations = get("locations")
    first = locations[0] if type(locations) is list and locations else None
    physical = _object(_object(first).get("physicalLocation"))
    artifact = _object(physical.get("artifactLocation"))
    line = _object(physical.get("region")).get("startLine")
    level = get("level")
    properties = _object(get("properties"))
    return _new(
        Result,
        (
            True,
            kind,
            slim(level) if isinstance(level, (dict, list)) else level,  # as slimmed
            _text(get("ruleId")),
            _text(ref.get("id")),
            index_of(get("ruleIndex", ref.get("index"))),
            index_of(_object(ref.get("toolComponent")).get("index")),
            result_band(properties),
            _text(_object(get("message")).get("text")),
            "uri" in artifact,
            _text(artifact.get("uri")),
            _text(artifact.get("uriBaseId")),
            index_of(artifact.get("index")),
            line if type(line) is int and line > 0 else None,
            _prints(get("partialFingerprints")),
            suppression(result) if "suppressions" in result else None,
            str(properties.get("issue_confidence")).upper() == "LOW",
        ),
    )


def _prints(value: Any) -> tuple[str, ...]:
    """Partial fingerprints as "name=value", sorted by name, as slimming keeps them."""
    if not isinstance(value, dict) or not value:
        return ()
    if len(value) == 1:  # the usual case, made quick
        ((key, item),) = value.items()
        if type(item) is str:
            return (f"{key}={item}",) if len(item) <= 256 or key in KEEP else ()
    kept: list[tuple[str, Any]] = []
    for key, item in value.items():
        if type(item) is not str:  # rare: let slimming decide
            kept = list(slim(value).items())
            break
        if len(item) <= 256 or key in KEEP:
            kept.append((key, item))
    if len(kept) > 1:
        kept.sort()  # names are unique: values are never compared
    return tuple([f"{key}={item}" for key, item in kept])


_EMPTY: dict[str, Any] = {}
_new = tuple.__new__  # builds a record without a Python-level constructor call


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def _text(value: Any) -> str:
    return value if type(value) is str else ""


class Recorder:
    """A `read_json` visitor: replaces each complete result of each run by its record."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Forget all: `read_json` reads the log again from the start."""
        self._runs_done = 0  # runs whose results are all records
        self._done: dict[int, tuple[list[Any], int]] = {}  # id(results) -> (results, records)

    def __call__(self, doc: Any, complete: bool) -> None:
        runs = doc.get("runs") if isinstance(doc, dict) else None
        if not isinstance(runs, list):
            return
        for number in range(self._runs_done, len(runs)):
            run = runs[number]
            results = run.get("results") if isinstance(run, dict) else None
            whole = complete or number < len(runs) - 1  # earlier runs are complete
            if isinstance(results, list):
                self._record(results, whole)
            if whole:
                self._runs_done = number + 1

    def _record(self, results: list[Any], whole: bool) -> None:
        _, start = self._done.pop(id(results), (results, 0))
        end = len(results) if whole else len(results) - 1  # the last may be unfinished
        if end > start:
            results[start:end] = [record(r) for r in results[start:end]]
        if not whole:
            self._done[id(results)] = (results, max(start, end))


def load_log(path: Any) -> Any:
    """The slimmed SARIF log at `path`, each run's results as `Result` records."""
    return read_json(path, "SARIF", KEEP, keep_free_form, Recorder())
