"""Which `rule.<id>.<level>` a SARIF check may count, so a misspelt id is an error, not a 0.

Some tools list every rule they ran in `tool.driver.rules` (CodeQL, Semgrep, gitleaks),
others only the rules that found something (ruff, bandit, ESLint), and a clean run of
those lists none. So a requested rule must be one the runs list (driver or extension) or
report a result of, one of the catalogued rules of a catalogued tool among the runs
(ruff, bandit, ESLint; its plugin rules, `react/no-danger`, pass where ESLint ran), or
one of the check's `extra_rules`. A rule's `name` written where its `id` belongs is
refused with the id to write: results are counted by id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qualitygates.adapters.sarif.fields import text
from qualitygates.adapters.sarif.run import LEVELS, RunReader
from qualitygates.catalogues import extra_rules, rule_error, unknown_rule
from qualitygates.model import NEW_PREFIX, Finding

#: Driver names (lower case) of the tools with a rule catalogue, and that catalogue.
CATALOGUED = {"ruff": "ruff", "bandit": "bandit", "eslint": "eslint"}
_LONGEST_SHOWN = 200  # a longer id is not offered as the one to write
_RULE_METRIC = re.compile(r"rule\.(.+)\.(?:" + "|".join((*LEVELS, "total")) + ")")


class RunRules:
    """The rules the runs of a check's SARIF files list, gathered run by run."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, str] = {}  # a rule's `name` -> its `id`
        self.tools: set[str] = set()  # catalogues of the runs' tools

    def add(self, reader: RunReader) -> None:
        """The rules one run lists, in its driver and its extensions."""
        catalogued = CATALOGUED.get(reader.tool.strip().lower())
        if catalogued is not None:
            self.tools.add(catalogued)
        for rules in reader.rules_by_index:
            for rule in rules:
                rule_id, name = text(rule.get("id")), text(rule.get("name"))
                if rule_id:
                    self.ids.add(rule_id)
                    if name and name != rule_id and len(rule_id) <= _LONGEST_SHOWN:
                        self.names.setdefault(name, rule_id)

    def check(
        self,
        metrics: Sequence[str],
        options: Mapping[str, Any],
        findings: Sequence[Finding],
        paths: Sequence[Path],
    ) -> None:
        """Raise AdapterError for the first requested rule no run has nor the check names."""
        requested = [m.removeprefix(NEW_PREFIX) for m in metrics]
        wanted = [(m, found.group(1)) for m in requested if (found := _RULE_METRIC.fullmatch(m))]
        if not wanted:
            return
        known = self.ids | {f.id for f in findings} | set(extra_rules(options))
        tools = sorted(self.tools)
        for metric, rule in wanted:
            problem = unknown_rule(metric, rule, tools, known, "these SARIF runs", self.names)
            if problem is not None:
                raise rule_error(problem, paths)
