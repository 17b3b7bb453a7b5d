"""Validation of a check's `with:` against everything its adapter declares of its options:
kinds, choices (of a value, of each list item, of each mapping value), numeric bounds,
options that exclude or require each other, and the adapter's own pure checks.

A mistake is reported where it is written (a list item at its own line), so that nothing
an adapter would refuse at run time passes `qualitygates validate`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from qualitygates.adapters.interface import Adapter, OptionKind, OptionSpec
from qualitygates.errors import AdapterError
from qualitygates.model import Unit
from qualitygates.policy.problems import Problems, suggest
from qualitygates.policy.yaml_source import Located

_BAD = object()  # a value of the wrong kind, already reported
_STRING_KINDS = (
    OptionKind.STRING,
    OptionKind.SECRET,
    OptionKind.URL,
    OptionKind.PATH,
    OptionKind.CHOICE,
)


def validate_options(
    node: Located | None,
    adapter: type[Adapter],
    base_dir: Path,
    problems: Problems,
    secrets: set[str],
) -> dict[str, Any]:
    """Check `with:` against the adapter's declared options; resolve paths; fill defaults."""
    given: dict[str, Located] = {}
    if node is not None:
        if not node.is_mapping:
            problems.add(node, f"'with' must be a mapping of {adapter.name} options")
        else:
            given = node.value
    declared = [o.name for o in adapter.options]
    options: dict[str, Any] = {}
    for key, value in given.items():
        spec = adapter.option_spec(key)
        if spec is None:
            hint = suggest(key, declared) or f" (its options: {', '.join(declared) or 'none'})"
            problems.add_key(
                node, key, f"unknown option {key!r} for adapter {adapter.name!r}{hint}"
            )
            continue
        options[key] = _option_value(value, spec, base_dir, problems, secrets)
    if node is not None and given:
        _check_relations(node, adapter, problems)
    for spec in adapter.options:
        if spec.name not in given:
            if spec.required:
                problems.add(
                    node,
                    f"adapter {adapter.name!r} needs the option {spec.name!r}: {spec.description}",
                )
            else:
                options[spec.name] = spec.default
    return options


def metric_units(adapter: type[Adapter], options: Mapping[str, Any]) -> dict[str, Unit]:
    """Units the check's options give to metrics (`units: {error_ratio: ratio}`)."""
    units: dict[str, Unit] = {}
    for spec in adapter.options:
        given = options.get(spec.name)
        if spec.metric_units and isinstance(given, Mapping):
            words = dict(spec.metric_units)
            units.update({m: words[w] for m, w in given.items() if w in words})
    return units


def _option_value(
    node: Located, spec: OptionSpec, base_dir: Path, problems: Problems, secrets: set[str]
) -> Any:
    reader = _READERS.get(spec.kind, _scalar)
    value = reader(node, spec, problems)
    if value is _BAD:
        return _EMPTY.get(spec.kind)
    if spec.kind is OptionKind.SECRET and value:
        secrets.add(str(value))  # first: a check's message must not be what shows it
    if spec.check is not None and not _passes_check(node, spec, value, problems):
        return value
    if spec.kind is OptionKind.PATHS:
        return [_resolve(i, base_dir) for i in value]
    return _resolve(str(value), base_dir) if spec.kind is OptionKind.PATH else value


_EMPTY: dict[OptionKind, Any] = {
    OptionKind.PATHS: [],
    OptionKind.STRINGS: [],
    OptionKind.MAPPING: {},
}


def _strings(node: Located, spec: OptionSpec, problems: Problems) -> Any:
    """A string (a list of one) or a non-empty list of non-empty strings, each a choice."""
    items = [node] if isinstance(node.value, str) else node.value
    if not isinstance(items, list) or not items:
        problems.add(node, f"option {spec.name!r} must be a string or a non-empty list of strings")
        return _BAD
    values: list[str] = []
    for item in items:
        if not isinstance(item.value, str) or not item.value:
            problems.add(item, _not_a_string(spec, item, "each item of"))
        elif _is_choice(item, item.value, spec, problems, f" cannot list {item.value!r}"):
            values.append(item.value)
    return values if len(values) == len(items) else _BAD


def _mapping(node: Located, spec: OptionSpec, problems: Problems) -> Any:
    """Names to strings or numbers (never booleans, NaN or infinity), each value a choice."""
    if not node.is_mapping:
        problems.add(node, f"option {spec.name!r} must be a mapping of names to values")
        return _BAD
    values: dict[str, str] = {}
    for key, item in node.value.items():
        value = item.value
        if (
            isinstance(value, bool)
            or not isinstance(value, (str, int, float))
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            problems.add(
                item,
                f"option {spec.name!r}: {key!r} must be a string or a number, not {_shown(item)}",
            )
        elif _is_choice(item, str(value), spec, problems, f": {key!r} cannot be {value!r}"):
            values[str(key)] = str(value)
    return values if len(values) == len(node.value) else _BAD


def _structured(node: Located, spec: OptionSpec, problems: Problems) -> Any:
    """A list or a mapping whose items the adapter's `check` validates."""
    if not isinstance(node.value, (list, dict)):
        problems.add(node, f"option {spec.name!r} must be a list or a mapping, not {_shown(node)}")
        return _BAD
    return node.plain()


def _scalar(node: Located, spec: OptionSpec, problems: Problems) -> Any:
    value = node.value
    if spec.kind in _STRING_KINDS:
        if not isinstance(value, str):
            problems.add(node, _not_a_string(spec, node, "option"))
            return _BAD
        if spec.kind is OptionKind.CHOICE and not _is_choice(
            node, value, spec, problems, f" cannot be {value!r}"
        ):
            return _BAD
        return value
    if spec.kind is OptionKind.BOOLEAN:
        if not isinstance(value, bool):
            problems.add(node, f"option {spec.name!r} must be true or false, not {_shown(node)}")
            return _BAD
        return value
    return _number(node, spec, problems)


def _number(node: Located, spec: OptionSpec, problems: Problems) -> Any:
    value = node.value
    whole = spec.kind is OptionKind.INTEGER
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
        what = "a whole number" if whole else "a finite number"
        problems.add(node, f"option {spec.name!r} must be {what}, not {_shown(node)}")
        return _BAD
    if spec.minimum is not None and value < spec.minimum:
        problems.add(node, f"option {spec.name!r} must be at least {spec.minimum:g}, not {value}")
        return _BAD
    if spec.maximum is not None and value > spec.maximum:
        problems.add(node, f"option {spec.name!r} must be at most {spec.maximum:g}, not {value}")
        return _BAD
    return value


_READERS: dict[OptionKind, Callable[[Located, OptionSpec, Problems], Any]] = {
    OptionKind.PATHS: _strings,
    OptionKind.STRINGS: _strings,
    OptionKind.MAPPING: _mapping,
    OptionKind.LIST: _structured,
}


def _is_choice(node: Located, value: str, spec: OptionSpec, problems: Problems, fault: str) -> bool:
    """True when `value` is one of the declared choices (or none are declared)."""
    if not spec.choices:
        return True
    wanted = value.strip().lower() if spec.ignore_case else value
    if wanted in spec.choices:
        return True
    hint = suggest(wanted, spec.choices) or f" (one of {', '.join(spec.choices)})"
    problems.add(node, f"option {spec.name!r}{fault}{hint}")
    return False


def _not_a_string(spec: OptionSpec, node: Located, where: str) -> str:
    """Say that a string is wanted; for a scalar YAML typed, say how to keep it a word."""
    item = where != "option"
    subject = f"{where} option {spec.name!r}" if item else f"option {spec.name!r}"
    value = node.value
    if spec.kind is OptionKind.SECRET:  # never shown, not even mistyped
        return f"{subject} must be a string: write it in quotes"
    if isinstance(value, (bool, int, float)) and node.text:
        kind = "a boolean" if isinstance(value, bool) else "a number"
        return (
            f"{subject} must be a string, and YAML reads {node.text} as {kind}: "
            f'write it in quotes, "{node.text}"'
        )
    return f"{subject} must be a {'non-empty ' if item else ''}string, not {_shown(node)}"


def _shown(node: Located) -> str:
    """A value as a message shows it: strings quoted, scalars as written."""
    if isinstance(node.value, str):
        return repr(node.value)
    if isinstance(node.value, dict):
        return "a mapping"
    if isinstance(node.value, list):
        return "a list"
    if node.value is None:
        return "nothing"
    return node.text or repr(node.value)


def _passes_check(node: Located, spec: OptionSpec, value: Any, problems: Problems) -> bool:
    assert spec.check is not None
    try:
        spec.check(value)
    except AdapterError as exc:
        problems.add(node, str(exc))
        return False
    except (ValueError, OverflowError) as exc:
        problems.add(node, f"option {spec.name!r}: {exc}")
        return False
    return True


def _check_relations(node: Located, adapter: type[Adapter], problems: Problems) -> None:
    """Options that exclude or require each other, reported at the later option's key."""
    given = {k for k, v in node.value.items() if _is_set(v.value)}
    reported: set[frozenset[str]] = set()
    for spec in adapter.options:
        if spec.name not in given:
            continue
        for other in spec.excludes:
            pair = frozenset((spec.name, other))
            if other in given and pair not in reported:
                reported.add(pair)
                first, second = sorted(pair, key=lambda k: node.key_marks.get(k, (0, 0)))
                problems.add_key(node, second, f"give either {first!r} or {second!r}, not both")
        for other in spec.requires:
            if other not in given:
                problems.add_key(node, spec.name, f"option {spec.name!r} needs {other!r} too")


def _is_set(value: Any) -> bool:
    """Given, for exclusion: `token: "${TOKEN:-}"` left empty is not given."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _resolve(path: str, base_dir: Path) -> str:
    """The path from the policy's folder, `..` folded (`ci/../reports/x` is `reports/x`)
    so that messages name the file as a person would; left as it is where a symlink
    before the `..` would make the folded path another file."""
    expanded = Path(path).expanduser()
    joined = str(expanded if expanded.is_absolute() else base_dir / expanded)
    folded = os.path.normpath(joined)
    same = folded == joined or os.path.realpath(folded) == os.path.realpath(joined)
    return folded if same else joined
