"""`qualitygates policy show`: the resolved policy, each value with the file and line that
set it, as YAML with a comment on each line, or as JSON with a map of sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualitygates.policy.extends import BaseOptions, Extender, shown_label
from qualitygates.policy.fetch import BaseReader
from qualitygates.policy.files import Reader, read_policy, read_policy_file
from qualitygates.policy.problems import Problems
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml


def resolved(
    path: Path, reader: Reader | None = None, bases: BaseOptions | None = None
) -> tuple[Located, list[tuple[str, str]]]:
    """The policy at `path` merged over its bases (not validated: load it for that), and
    the bases as (source, pin)."""
    reader = reader or read_policy_file
    try:
        root = parse_yaml(read_policy(path, reader))
    except YamlProblem as exc:  # the caller validates first; this is a last guard
        raise ValueError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    extender = Extender(BaseReader(reader, (bases or BaseOptions()).offline), Problems(str(path)))
    tree = extender.resolve(root, path)
    return tree, [(base.label, base.pin) for base in extender.used]


def as_text(tree: Located, own: str, bases: list[tuple[str, str]]) -> str:
    """YAML of the resolved policy; each line ends with `# FILE:LINE` of what set it."""
    chain = [f"{source} ({pin[:12]})" for source, pin in bases]
    lines = [f"# {own}, resolved over: {', '.join(chain) if chain else 'no base'}"]
    _emit(tree, own, 0, "", lines)
    return "\n".join(lines) + "\n"


def as_json(tree: Located, own: str, bases: list[tuple[str, str]]) -> str:
    sources: dict[str, str] = {}
    _sources(tree, own, "", sources)
    data = {
        "policy": own,
        "bases": [{"source": source, "pin": pin} for source, pin in bases],
        "resolved": tree.plain(),
        "sources": sources,
    }
    return json.dumps(data, indent=2, default=str)


def _place(node: Located, own: str) -> str:
    return f"{shown_label(node.source) if node.source else own}:{node.line}"


def _emit(node: Located, own: str, depth: int, lead: str, lines: list[str]) -> None:
    """`node` under a line prefix `lead` (a key, or `- `), indented `depth` levels."""
    pad = "  " * depth
    if node.is_mapping and node.value:
        first = True
        for key, child in node.value.items():
            prefix = lead if first else " " * len(lead)
            first = False
            _entry(child, own, depth, f"{pad}{prefix}{key}:", lines, len(prefix))
    elif node.is_sequence and node.value:
        for child in node.value:
            _emit(child, own, depth, "- ", lines)
    else:
        lines.append(f"{pad}{lead}{_scalar(node.value)}  # {_place(node, own)}")


def _entry(child: Located, own: str, depth: int, head: str, lines: list[str], shift: int) -> None:
    if (child.is_mapping or child.is_sequence) and child.value:
        lines.append(f"{head}  # {_place(child, own)}")
        inner = depth + 1 + shift // 2
        _emit(child, own, inner, "", lines)
    else:
        lines.append(f"{head} {_scalar(child.value)}  # {_place(child, own)}")


def _scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return json.dumps(value, default=str)  # JSON scalars are YAML scalars


def _sources(node: Located, own: str, at: str, into: dict[str, str]) -> None:
    into[at or "$"] = _place(node, own)
    if node.is_mapping:
        for key, child in node.value.items():
            _sources(child, own, f"{at}.{key}" if at else key, into)
    elif node.is_sequence:
        for index, child in enumerate(node.value):
            _sources(child, own, f"{at}[{index}]", into)
