"""The rules of the linters qualitygates knows, so a misspelt `rule.<id>` is refused.

A condition such as `rule.E7222 == 0` would otherwise pass for ever: a report lists the
rules that found something, so a clean run cannot tell a typo from a rule that found
nothing. Each tool's rules are a text file in this package, made from the tool itself by
`scripts/make_rule_catalogues.py` at the version pyproject.toml pins (ESLint: `.ci/run`);
a test fails when a file goes stale. A file is a header `# <tool> <version>`, then one
rule per line: the id the tool's reports carry and, after a space, the other name the
tool gives it where it has one (pylint's message id, ruff's and bandit's rule name).

The files are read on first use only, never when qualitygates merely starts.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualitygates.errors import AdapterError

#: The tools with a catalogue, and how messages spell their names.
SHOWN = {"ruff": "ruff", "pylint": "pylint", "bandit": "bandit", "eslint": "ESLint"}
TOOLS = tuple(SHOWN)
EXTRA_RULES = "extra_rules"  # the check option naming rules newer than the catalogues
_MOST_REPORTED = 2000  # rules of a report a "did you mean" hint is looked for among


@dataclass(frozen=True)
class Catalogue:
    """The rules one version of one tool has."""

    tool: str
    version: str
    ids: frozenset[str]  # as the tool's reports carry them
    aliases: Mapping[str, str]  # the tool's other name for a rule -> its id

    @property
    def label(self) -> str:
        return f"{SHOWN[self.tool]} {self.version}"


def parse_catalogue(tool: str, text: str) -> Catalogue:
    """A catalogue from its file's text."""
    header, *lines = text.splitlines()
    name, _, version = header.removeprefix("# ").partition(" ")
    if name != tool or not version:
        raise ValueError(f"the {tool} rule catalogue starts with {header!r}")
    pairs = [line.partition(" ")[::2] for line in lines if line]
    ids = frozenset(rule for rule, _ in pairs)
    return Catalogue(tool, version, ids, {other: rule for rule, other in pairs if other})


@functools.cache
def catalogue(tool: str) -> Catalogue:
    """The catalogue qualitygates ships for `tool` (one of TOOLS)."""
    # Beside this module, as pip installs it (importlib.resources would cost a lint check
    # more than reading the file: it imports tempfile and shutil).
    text = Path(__file__).with_name(f"{tool}.txt").read_text("utf-8")
    return parse_catalogue(tool, text)


def extra_rules(options: Mapping[str, Any]) -> list[str]:
    """A check's `extra_rules` option, as validated (a string or a list of strings)."""
    given = options.get(EXTRA_RULES)
    if isinstance(given, str):
        return [given]
    return [r for r in given if isinstance(r, str)] if isinstance(given, list) else []


def unknown_rule(
    metric: str,
    rule: str,
    tools: Sequence[str],
    known: Collection[str] = (),
    where: str = "",
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """Why `metric` counts a rule that does not exist, or None when `rule` is one of
    `known` (the check's extra_rules, the reports' own rules) or of a tool in `tools`.

    `where` names the reports whose rules `known` holds, when they list some, and
    `aliases` their other names for those rules. An ESLint plugin rule (`react/no-danger`)
    is let through where ESLint is one of `tools`: no catalogue lists plugins, and reports
    name only the rules that found something.
    """
    catalogues = [catalogue(tool) for tool in tools]
    if rule in known or any(rule in c.ids for c in catalogues):
        return None
    if "/" in rule and "eslint" in tools:
        return None
    named = [(f"{where} report", aliases or {})]
    named += [(f"{SHOWN[c.tool]} reports", c.aliases) for c in catalogues]
    for who, other_names in named:
        if rule in other_names:
            right = other_names[rule]
            head, mark, tail = metric.partition(f"rule.{rule}")
            written = f"{head}rule.{right}{tail}" if mark else right
            return f"{metric}: {who} the rule {rule!r} as {right!r}: write {written!r}"
    # Here, not at the top: the policy package loads the adapters, which import this module.
    from qualitygates.formatting import suggest

    hint = suggest(rule, _candidates(rule, catalogues, known))
    sources = [where] if where else []
    sources += [c.label for c in catalogues]
    return (
        f"{metric}: {rule!r} is not a rule of {_either(sources)}{hint}; "
        f"a rule these lack (a newer version's, a plugin's) goes under the check's {EXTRA_RULES}"
    )


def rule_error(problem: str, paths: Sequence[Path]) -> AdapterError:
    """The run-time error for an unknown rule, naming the reports it was looked for in."""
    shown = ", ".join(str(p) for p in paths[:3]) + (", ..." if len(paths) > 3 else "")
    return AdapterError(f"{shown}: {problem}")


def _candidates(rule: str, catalogues: Iterable[Catalogue], known: Collection[str]) -> list[str]:
    """The names a near miss of `rule` is looked for among, in a stable order (ties go to
    the same suggestion on every run). A report may list any number of rules of any
    length: only names of a length that could be close count, and only the first
    _MOST_REPORTED of the report's, so a hostile report cannot make the hint take minutes."""
    longest = 2 * len(rule) + 8
    reported = sorted(name for name in known if len(name) <= longest)[:_MOST_REPORTED]
    names = set(reported)
    for found in catalogues:
        names |= found.ids
    return sorted(name for name in names if len(name) <= longest)


def _either(names: Sequence[str]) -> str:
    if not names:
        return "the rules known here"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
