"""Which `rule.<id>` a lint check may count, so a misspelt id is an error, never a 0.

A rule exists when the catalogue of one of the check's tools lists it, when the adapter
itself names it (`parse-error`, `eslint-core`, `invalid-syntax`), when the check lists it
under `extra_rules` (a rule newer than the catalogues), or when a report found it. ESLint
plugin rules (`react/no-danger`) are let through: reports name only the rules that found
something (even json-with-metadata's `rulesMeta`), so nothing can list them.

`validate` checks against every tool the check may read (the `format` option, else all
three); a run checks against the tools whose reports it read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from qualitygates.adapters.lint.parsers import ESLINT_CORE, ESLINT_PARSE_ERROR, RUFF_SYNTAX_ERROR
from qualitygates.catalogues import extra_rules, rule_error, unknown_rule
from qualitygates.model import NEW_PREFIX

RULE_PREFIX = "rule."
#: The rules the adapter names itself, by the tool whose reports it reads them from.
ADAPTER_RULES = {
    "eslint": (ESLINT_PARSE_ERROR, ESLINT_CORE),
    "ruff": (RUFF_SYNTAX_ERROR,),
    "pylint": (),
}


def rule_problem(
    metric: str, tools: Sequence[str], options: Mapping[str, Any], found: Iterable[str] = ()
) -> str | None:
    """Why `metric` (`rule.<id>` or `new.rule.<id>`) counts a rule none of `tools` has,
    or None; `found` are the rules the reports found."""
    plain = metric.removeprefix(NEW_PREFIX)
    if not plain.startswith(RULE_PREFIX):
        return None
    known: set[str] = {*extra_rules(options), *found}
    for tool in tools:
        known.update(ADAPTER_RULES[tool])
    return unknown_rule(plain, plain.removeprefix(RULE_PREFIX), tools, known)


def check_requested(
    metrics: Sequence[str],
    tools: Sequence[str],
    options: Mapping[str, Any],
    found: Collection[str],
    paths: Sequence[Path],
) -> None:
    """Raise AdapterError for the first requested rule the reports' tools do not have."""
    for metric in metrics:
        problem = rule_problem(metric, tools, options, found)
        if problem is not None:
            raise rule_error(problem, paths)
