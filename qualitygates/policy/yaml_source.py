"""YAML with positions: parse a policy safely and remember where every value came from.

`yaml.safe_load` forgets line numbers, and every policy error must name `FILE:LINE:COL`.
So the document is composed into nodes with the safe loader (no object construction) and
turned into `Located` values that keep their marks. Alias bombs and huge documents are
refused by a node budget and a size limit; duplicate keys, which YAML silently collapses,
are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_POLICY_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000


MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Located:
    """A value from the YAML document with its 1-based line and column.

    Mappings hold `dict[str, Located]` (with the marks of their keys in `key_marks`),
    sequences `list[Located]`, scalars the plain Python value and, in `text`, the scalar
    as written (so a message can say that YAML read `yes` as a boolean).
    """

    value: Any
    line: int
    col: int
    key_marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    text: str | None = None
    #: The file it came from, when that is not the policy being loaded (a base it extends).
    source: str | None = None

    def from_source(self, source: str) -> Located:
        """Mark this value and everything in it as coming from `source`; return it."""
        self.source = source
        if isinstance(self.value, dict):
            for child in self.value.values():
                child.from_source(source)
        elif isinstance(self.value, list):
            for child in self.value:
                child.from_source(source)
        return self

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    def plain(self) -> Any:
        """The value with all positions stripped."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class YamlProblem(Exception):
    """A YAML document that cannot be read; `line`/`col` are 1-based.

    `more` holds further problems of the same kind found in the same pass (every
    duplicate key, not only the first), as (message, line, col).
    """

    def __init__(
        self, message: str, line: int = 1, col: int = 1, more: tuple[Spot, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.more = message, line, col, more

    @property
    def all(self) -> tuple[Spot, ...]:
        return ((self.message, self.line, self.col), *self.more)


#: One problem: its message, line and column.
Spot = tuple[str, int, int]


def parse_yaml(text: str) -> Located:
    """Parse one YAML document into `Located` values; raise YamlProblem when it cannot."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise YamlProblem(f"the file is larger than {MAX_POLICY_BYTES // (1024 * 1024)} MiB")
    try:
        loader = yaml.SafeLoader(text)  # checks the characters first: a NUL byte fails here
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        message = f"invalid YAML: {exc.reason} (character {exc.character!r})"
        raise YamlProblem(message, line, col) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem("the file is empty")
        converter = _Converter(loader)
        located = converter.convert(node)
        if converter.duplicates:
            raise YamlProblem(*converter.duplicates[0], more=tuple(converter.duplicates[1:]))
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = _colon_hint(text, line)
        raise YamlProblem(f"invalid YAML: {exc.problem or exc.context}{hint}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {' '.join(str(exc).split())}") from None  # one line
    except RecursionError:  # the composer recurses per level: `[[[[...` thousands deep
        mark = loader.get_mark()
        raise YamlProblem(
            "the document nests too deeply to be a policy", mark.line + 1, mark.column + 1
        ) from None
    finally:
        loader.dispose()


_KEYWORD_COLON = re.compile(r"\(\s*[^()]*\blast\s*:\s")


def _colon_hint(text: str, line: int) -> str:
    """`{expr: p95 <= history.median(last: 10)}` breaks the flow mapping at `last: `."""
    lines = text.splitlines()
    found = 0 < line <= len(lines) and _KEYWORD_COLON.search(lines[line - 1])
    return " (in a condition, write last=10, not last: 10)" if found else ""


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


class _Converter:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.budget = MAX_NODES
        self.duplicates: list[Spot] = []  # all are reported, the first value kept

    def convert(self, node: yaml.Node) -> Located:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                f"the document expands to more than {MAX_NODES} values (an alias bomb?)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, col)
        if isinstance(node, yaml.SequenceNode):
            return Located([self.convert(item) for item in node.value], line, col)
        return Located(self._scalar(node), line, col, text=str(node.value))

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar resolved by its tag, safely; its text when that fails.

        `expires: 2024-13-31` looks like a date to YAML, which then cannot make one: kept
        as text, it meets the policy's own check, which says what is wrong and where.
        """
        try:
            return self.loader.construct_object(node)
        except (ValueError, OverflowError):
            return str(node.value)

    def _mapping(self, node: yaml.MappingNode, line: int, col: int) -> Located:
        written = {id(key) for key, _ in node.value if key.tag != MERGE_TAG}
        self.loader.flatten_mapping(node)  # honour `<<` merge keys as safe_load does
        result: dict[str, Located] = {}
        marks: dict[str, tuple[int, int]] = {}
        here: set[str] = set()  # keys written in this mapping, not merged into it
        for key_node, value_node in node.value:
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a mapping key must be a plain name", kline, kcol)
            key = str(self._scalar(key_node))
            # Merged keys come first; a later one, or one written here, overrides them as
            # YAML says. Only a key written twice in this mapping is a duplicate.
            if key in here:
                first = f"duplicate key {key!r} (the first one is on line {marks[key][0]})"
                self.duplicates.append((first, kline, kcol))
                continue
            if id(key_node) in written:
                here.add(key)
            marks[key] = (kline, kcol)
            result[key] = self.convert(value_node)
        return Located(result, line, col, marks)
