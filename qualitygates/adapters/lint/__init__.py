"""The `lint` adapter: ESLint, ruff and pylint JSON reports, counted by level and rule.

The format of each file is detected from its content (or named by the `format` option):

- ESLint `-f json` (a list of file results) and `-f json-with-metadata` (`{results,
  metadata}`). Severity 2 is an error, 1 a warning. A fatal parse error (`ruleId` null,
  `fatal: true`) is an error of rule `parse-error`; other messages without a rule (an
  unused `eslint-disable` directive, an ignored file) have rule `eslint-core`. A message
  is fixable when it carries a `fix` (suggestions are not applied by `--fix`). Counts
  come from the messages, not from the `errorCount` fields; `suppressedMessages` (inline
  `eslint-disable`) are not counted.
- ruff `check --output-format json`: every violation is an error (ruff has no levels;
  a `severity` of "warning", should ruff ever write one, is a warning). A syntax error
  has rule `invalid-syntax`, as ruff >= 0.12 names it (older ruff wrote code null). A
  violation is fixable when its fix is "safe": the count ruff prints as "[*] N fixable".
- pylint `--output-format=json` and `--output-format=json2`: types fatal and error are
  errors; warning, refactor, convention and info are warnings (so `errors == 0` gates
  on what pylint itself treats as broken code, and `total` counts everything). The rule
  (and the id a waiver names) is the message's symbol, e.g. `missing-module-docstring`.
  pylint fixes nothing, so its findings are never fixable.

An empty list (`[]`) is a clean run: ruff and pylint write it when they find nothing.

A `rule.<id>` must be a rule of the tools the check reads (the catalogues of ruff, pylint
and ESLint core qualitygates ships, the rules the adapter names itself, ESLint plugin
rules, the check's `extra_rules`): `validate` refuses any other at its condition, and a
run refuses one the tools of the reports it read do not have, so a typo is never a 0.
SARIF goes to the `sarif` adapter; a GitLab Code Quality file is refused with a hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualitygates._lazy import lazy_exports

if TYPE_CHECKING:
    from qualitygates.adapters.lint.adapter import LintAdapter

__all__ = ["LintAdapter"]

# Imported on first use: the sarif adapter reads ruff's severities (`severity`) alone.
__getattr__ = lazy_exports(__name__, {"LintAdapter": ".adapter"})
