"""Strict YAML for data files a pull request can change: sign-offs, ignore files.

`yaml.safe_load` keeps the last of two equal keys (a second `result: pass` after
`result: fail` would turn a failed sign-off into a pass) and expands aliases into shared
objects that a walk visits exponentially often (a "billion laughs"). Here a repeated key is
an error naming the key and its line, and a document whose values, counted through its
aliases, exceed `MAX_VALUES` is refused before anything walks it.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Values in a data document, counting each alias as often as it is used.
MAX_VALUES = 100_000


class YamlDataError(ValueError):
    """A data document that is not strict YAML: the end of a sentence that starts with its name."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key repeated within one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # what `<<` merges in may be overridden by the keys written here
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: the base class says so
                break
            if repeated:
                raise YamlDataError(
                    f"is not valid: the key {key!r} appears twice in one mapping "
                    f"(line {key_node.start_mark.line + 1})"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml_data(text: str) -> Any:
    """The document in `text`; YamlDataError for invalid YAML, a repeated key, too many values."""
    try:
        document = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise YamlDataError(f"is not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise YamlDataError("nests too deeply; refusing it") from None
    if _too_many_values(document):
        raise YamlDataError(
            f"holds more than {MAX_VALUES:,} values once its aliases are expanded; refusing it"
        )
    return document


def _too_many_values(document: Any) -> bool:
    """Whether a walk of `document` would visit more than MAX_VALUES values."""
    budget, stack = MAX_VALUES, [document]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False
