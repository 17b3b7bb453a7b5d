"""Waivers in a policy: inline lists, or a file the policy names, validated with positions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from qualitygates.policy.keys import WAIVER_KEYS
from qualitygates.policy.model import Waiver
from qualitygates.policy.problems import Problems
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml


def parse_waivers(
    node: Located | None, problems: Problems, base_dir: Path, reader: Callable[[Path], str]
) -> tuple[Waiver, ...]:
    """Waivers written inline (a list) or in a file the policy names (a path)."""
    if node is None or node.value is None:  # `waivers:` left empty, e.g. all commented out
        return ()
    if isinstance(node.value, str):
        return _waiver_file(node, problems, base_dir, reader)
    if not node.is_sequence:
        problems.add(node, "'waivers' must be a list of waivers or the path of a waivers file")
        return ()
    waivers: list[Waiver] = []
    for item in node.value:  # a path among them: a waivers file (a base's, then this one's)
        if isinstance(item.value, str):
            waivers.extend(_waiver_file(item, problems, base_dir, reader))
        elif (waiver := _waiver(item, problems)) is not None:
            waivers.append(waiver)
    return tuple(waivers)


def _waiver_file(
    node: Located, problems: Problems, base_dir: Path, reader: Callable[[Path], str]
) -> tuple[Waiver, ...]:
    path = Path(node.value) if Path(node.value).is_absolute() else base_dir / node.value
    try:
        root = parse_yaml(reader(path))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problems.add(node, f"waivers file {node.value} cannot be read: {reason}")
        return ()
    except YamlProblem as exc:
        for message, line, col in exc.all:
            problems.add_at(node.line, node.col, f"waivers file {path}:{line}:{col}: {message}")
        return ()
    items = root.value.get("waivers") if root.is_mapping else root
    file_problems = Problems(str(path))
    if items is None or not items.is_sequence:
        file_problems.add(root, "a waivers file holds a list, or a mapping with a 'waivers' list")
        problems.messages.extend(file_problems.messages)
        return ()
    waivers = tuple(w for w in (_waiver(i, file_problems) for i in items.value) if w)
    problems.messages.extend(file_problems.messages)
    return waivers


def _waiver(node: Located, problems: Problems) -> Waiver | None:
    if not node.is_mapping:
        problems.add(node, "a waiver is a mapping with 'id' and 'reason'")
        return None
    problems.unknown_keys(node, WAIVER_KEYS, "a waiver")
    values = {k: v.value for k, v in node.value.items()}
    if not isinstance(values.get("id"), str) or not values["id"].strip():
        problems.add(
            node,
            "a waiver needs the 'id' of the finding it accepts (a CVE, rule or secret rule)",
        )
        return None
    reason = values.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.add(
            node, f"waiver {values['id']!r} needs a 'reason': say why this finding is accepted"
        )
        return None
    expires = values.get("expires")
    if isinstance(expires, datetime):
        expires = expires.date()
    if expires is not None and not isinstance(expires, date):
        problems.add(
            node.value["expires"], f"expires must be a date such as 2026-12-31, not {expires!r}"
        )
        return None
    scope = {
        k: str(values[k]) if values.get(k) is not None else None
        for k in ("owner", "package", "path", "purl")
    }
    return Waiver(
        id=values["id"].strip(),
        reason=reason.strip(),
        expires=expires,
        where=problems.where(node),
        **scope,
    )
