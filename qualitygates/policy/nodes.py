"""The small parts of a policy node, each checked where it is: ids, strings, flags, the
adapter, `on_error`, `max_age`, `commit` and `history`. Each adds its problem at the node's
`FILE:LINE:COL` and returns a safe default, so that loading goes on and finds the rest."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from qualitygates.adapters.interface import Adapter
from qualitygates.durations import parse_duration
from qualitygates.finding import Severity
from qualitygates.plugins import PluginError, Registry
from qualitygates.policy.model import OnFail
from qualitygates.policy.problems import Problems, suggest
from qualitygates.policy.yaml_source import Located

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_ID_CHAR = re.compile(r"[A-Za-z0-9_.\-]")


def max_age_of(
    problems: Problems, node: Located | None, adapter: type[Adapter]
) -> timedelta | None:
    if node is None:
        return None
    if not adapter.dated:
        problems.add(
            node,
            f"max_age: {adapter.name} reports do not say when they were made, so their "
            "age cannot be checked; remove max_age",
        )
        return None
    try:
        return parse_duration(node.value)
    except ValueError as exc:
        problems.add(node, f"max_age: {exc}")
        return None


def severity_map_of(problems: Problems, node: Located | None) -> tuple[tuple[str, Severity], ...]:
    """`severity_map:` as (glob, severity) pairs; each bad entry is a problem at its line."""
    if node is None:
        return ()
    if not node.is_mapping:
        problems.add(node, "severity_map must map rules or ids (globs) to severities")
        return ()
    words = [s.value for s in Severity]
    pairs = []
    for pattern, value in node.value.items():
        word = value.value if isinstance(value.value, str) else None
        if word not in words:
            hint = suggest(str(value.value), words) or f" (one of {', '.join(words)})"
            problems.add(value, f"severity_map: {value.value!r} is not a severity{hint}")
            continue
        pairs.append((pattern, Severity(word)))
    return tuple(pairs)


def commit_of(problems: Problems, node: Located, adapter: type[Adapter]) -> str | None:
    commit = node_string(problems, node, "commit") or None
    if commit is not None and not adapter.names_commit:
        problems.add(
            node.value["commit"],
            f"commit: {adapter.name} reports do not say which commit they describe, so "
            "it cannot be checked; remove commit",
        )
        return None
    return commit


def adapter_of(problems: Problems, node: Located, registry: Registry) -> type[Adapter] | None:
    adapter_node = node.value.get("adapter")
    if adapter_node is None or not isinstance(adapter_node.value, str):
        problems.add(
            adapter_node or node,
            f"a check needs 'adapter', one of: {', '.join(registry.names())}",
        )
        return None
    name = adapter_node.value
    if name not in registry:
        hint = suggest(name, registry.names()) or f" (known: {', '.join(registry.names())})"
        problems.add(adapter_node, f"unknown adapter {name!r}{hint}")
        return None
    try:
        adapter: type[Adapter] = registry.load(name)
    except PluginError as exc:
        problems.add(adapter_node, str(exc))
        return None
    return adapter


def on_error_of(problems: Problems, node: Located | None) -> OnFail:
    if node is None:
        return OnFail.FAIL
    if node.value not in ("fail", "warn"):
        problems.add(node, f"on_error must be 'fail' or 'warn', not {node.value!r}")
        return OnFail.FAIL
    return OnFail(node.value)


def node_id(problems: Problems, node: Located, what: str) -> str:
    id_node = node.value.get("id")
    if id_node is None or not isinstance(id_node.value, str) or not _ID.match(id_node.value):
        problems.add(id_node or node, _id_problem(what, id_node))
        return f"<{what} on line {node.line}>"
    return str(id_node.value)


def _id_problem(what: str, id_node: Located | None) -> str:
    """What is wrong with an id: none, not text, or the first character it may not hold."""
    allowed = "letters, digits, '-', '_' or '.'"
    if id_node is None:
        return f"a {what} needs an 'id' of {allowed}"
    if not isinstance(id_node.value, str) or not id_node.value:
        return f"a {what}'s 'id' must be text of {allowed}, not {id_node.value!r}"
    bad = next((c for c in id_node.value if not _ID_CHAR.fullmatch(c)), None)
    if bad is None:
        return f"{what} id {id_node.value!r} must start with a letter or a digit"
    return f"{what} id {id_node.value!r} holds {bad!r}: an id is {allowed}"


def node_string(problems: Problems, node: Located, key: str) -> str | None:
    value = _scalar(problems, node, key, str, "a string")
    return None if value is None else str(value)


def node_bool(problems: Problems, node: Located, key: str) -> bool:
    """The flag under `key`: true unless it says false."""
    return _scalar(problems, node, key, bool, "true or false") is not False


def _scalar(problems: Problems, node: Located, key: str, kind: type, must_be: str) -> object:
    """The value under `key` if it is a `kind`; None when there is none or (a problem added)
    when it is something else."""
    value = node.value.get(key)
    if value is None:
        return None
    if not isinstance(value.value, kind):
        problems.add(value, f"'{key}' must be {must_be}")
        return None
    return value.value


def history_of(root: Located, base_dir: Path) -> str | None:
    """The policy's `history:` store: a URL as written, a file path from the policy's folder."""
    node = root.value.get("history")
    if node is None or not isinstance(node.value, str) or not node.value:
        return None
    if "://" in node.value:
        return str(node.value)
    return str(base_dir / node.value)
