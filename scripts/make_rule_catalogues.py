"""Write the rule catalogues qualitygates ships, by asking each linter for its rules.

    .venv/bin/python scripts/make_rule_catalogues.py           # rewrite the catalogues
    .venv/bin/python scripts/make_rule_catalogues.py --check   # exit 1 when one is stale

ruff, pylint and bandit are run from this Python's environment (the versions pinned in the
`tools` extra of pyproject.toml); ESLint from the folder `QUALITYGATES_NODE_BIN` names
(`.ci/run` installs the pinned version under `.tools/node`). Each catalogue is a header
`# <tool> <version>`, then one rule per line, sorted: the id the tool's reports carry and,
after a space, the other name the tool gives that rule where it has one (pylint's message
id, ruff's and bandit's rule name), so a policy that writes the other name is told which
one the reports use.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parents[1] / "qualitygates" / "catalogues"

#: One rule: the id the reports carry, and the tool's other name for it ("" for none).
Rule = tuple[str, str]


class ToolMissing(Exception):
    """The tool is not installed here, so its catalogue cannot be made (or checked)."""


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except FileNotFoundError as exc:
        raise ToolMissing(f"{command[0]} is not installed") from exc
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed: {done.stderr.strip()[:500]}")
    return done.stdout


def _python_tool(module: str, *args: str) -> str:
    if importlib.util.find_spec(module) is None:
        raise ToolMissing(f"{module} is not installed in {sys.executable}'s environment")
    return _run([sys.executable, "-m", module, *args])


def _version(text: str) -> str:
    """The first dotted version number in a tool's `--version` output."""
    found = re.search(r"\d+(?:\.\d+)+\S*", text)
    if found is None:
        raise RuntimeError(f"no version number in {text[:200]!r}")
    return found.group(0)


def ruff_rules() -> tuple[str, list[Rule]]:
    """ruff's codes (E722) and names (bare-except); removed rules can never be reported."""
    version = _version(_python_tool("ruff", "--version"))
    rules = json.loads(_python_tool("ruff", "rule", "--all", "--output-format", "json"))
    return version, [
        (r["code"], r["name"]) for r in rules if "Removed" not in (r.get("status") or {})
    ]


_PYLINT_EXTENSIONS = """
import pkgutil, pylint.extensions as e
print(",".join("pylint.extensions." + m.name for m in pkgutil.iter_modules(e.__path__)
               if not m.name.startswith("_")))
"""


def pylint_rules() -> tuple[str, list[Rule]]:
    """pylint's symbols (the rule its JSON reports are counted by) and message ids, with
    every optional extension of pylint loaded, so a policy may gate on those too."""
    version = _version(_python_tool("pylint", "--version").splitlines()[0])
    extensions = _run([sys.executable, "-c", _PYLINT_EXTENSIONS]).strip()
    listing = _python_tool("pylint", f"--load-plugins={extensions}", "--list-msgs")
    return version, re.findall(r"^:([a-z0-9-]+) \(([A-Z]\d{4})\):", listing, re.MULTILINE)


def bandit_rules() -> tuple[str, list[Rule]]:
    """bandit's test ids (B101) and plugin names (assert_used), as `bandit --help` lists them."""
    version = _version(_python_tool("bandit", "--version").splitlines()[0].split(" ", 1)[1])
    listing = _python_tool("bandit", "--help").split("The following tests were discovered", 1)
    if len(listing) != 2:
        raise RuntimeError("bandit --help no longer lists its tests")
    return version, re.findall(r"^\s+(B\d{3})\s+(\w+)\s*$", listing[1], re.MULTILINE)


_ESLINT_RULES = """
const api = require(require.resolve("eslint/use-at-your-own-risk", {paths: [process.argv[1]]}));
console.log(JSON.stringify([...api.builtinRules.keys()]));
"""


def eslint_rules() -> tuple[str, list[Rule]]:
    """ESLint's core rules; plugin rules (`react/no-danger`) are checked against reports."""
    folder = os.environ.get("QUALITYGATES_NODE_BIN", "")
    eslint = Path(folder) / "eslint"
    if not folder or not eslint.is_file():
        raise ToolMissing("ESLint is not installed: QUALITYGATES_NODE_BIN names no eslint")
    version = _version(_run([str(eslint), "--version"]))
    # The folder holding node_modules/, from which `require` finds the eslint package.
    root = str(Path(folder).resolve().parents[1])
    names = json.loads(_run(["node", "-e", _ESLINT_RULES, root]))
    return version, [(name, "") for name in names]


MAKERS: dict[str, Callable[[], tuple[str, list[Rule]]]] = {
    "ruff": ruff_rules,
    "pylint": pylint_rules,
    "bandit": bandit_rules,
    "eslint": eslint_rules,
}


def catalogue_text(tool: str) -> str:
    """The catalogue of `tool` as the installed tool makes it (ToolMissing when absent)."""
    version, rules = MAKERS[tool]()
    if not rules:
        raise RuntimeError(f"{tool} {version} listed no rules")
    lines = sorted({f"{rule} {other}".rstrip() for rule, other in rules})
    return "".join(f"{line}\n" for line in [f"# {tool} {version}", *lines])


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for tool in MAKERS:
        path = CATALOGUES / f"{tool}.txt"
        try:
            text = catalogue_text(tool)
        except ToolMissing as exc:
            print(f"{tool}: skipped: {exc}", file=sys.stderr)
            continue
        if check:
            if not path.is_file() or path.read_text("utf-8") != text:
                stale.append(tool)
            continue
        path.write_text(text, "utf-8")
        print(f"{path}: {text.splitlines()[0][2:]}, {text.count(chr(10)) - 1} rules")
    if stale:
        print(f"stale catalogues: {', '.join(stale)} (run {Path(__file__).name})", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
