"""`${VAR}` and `${VAR:-default}` in policy strings, from the environment and `--var`."""

from __future__ import annotations

import re
from collections.abc import Mapping

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?")


class UnsetVariable(Exception):
    """A `${VAR}` without a default whose variable is not set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class BadVariable(Exception):
    """A `${...}` that is not a valid reference."""


def expand(text: str, variables: Mapping[str, str]) -> str:
    """Replace every `${VAR}` / `${VAR:-default}`; `$$` stands for a literal `$`."""

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        if name is None:
            raise BadVariable(
                f"{whole!r} is not a variable reference; write ${{NAME}} or ${{NAME:-default}}"
            )
        if name in variables:
            return variables[name]
        if default is not None:
            return default
        raise UnsetVariable(name)

    if "$" not in text:
        return text
    return _VARIABLE.sub(replace, text)


def references(text: str) -> list[str]:
    """The names of the variables a string refers to."""
    return [m.group(1) for m in _VARIABLE.finditer(text) if m.group(1)]
