"""Reading Prometheus rule files and validating them the way `promtool check rules` does.

The checks follow Prometheus's `rulefmt` package: unknown keys are errors (it decodes with
`KnownFields`), a group needs a unique non-empty name, a rule is either `record` or
`alert` with an `expr`, recording rules take no `for` or annotations, label and annotation
names must be valid label names, durations use Prometheus's syntax, and label and
annotation templates must parse (approximated here: balanced `{{ }}` and no undefined
`$variables`). YAML is parsed safely, with duplicate keys refused as Go's yaml.v3 does.
Kubernetes `PrometheusRule` resources (`spec.groups`) are read too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualitygates.adapters._io import decode_text, read_bytes
from qualitygates.errors import AdapterError

MAX_RULE_FILE_BYTES = 32 * 1024 * 1024
GROUP_KEYS = frozenset({"name", "interval", "query_offset", "limit", "rules", "labels"})
RULE_KEYS = frozenset(
    {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
)
_DURATION = re.compile(r"(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_TEMPLATE_VARS = {"labels", "externalLabels", "externalURL", "value"}
_DECLARED = re.compile(r"\$(\w+)\s*(?:,\s*\$(\w+)\s*)?:=")
_USED = re.compile(r"\$(\w+)")
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on."""

    line: int = 0


@dataclass
class Rule:
    """One rule of a group, with what is wrong with its structure."""

    group: str
    index: int
    line: int
    body: LineDict
    errors: list[str] = field(default_factory=list)

    @property
    def is_alert(self) -> bool:
        return "alert" in self.body

    @property
    def name(self) -> str:
        value = self.body.get("alert", self.body.get("record"))
        return str(value) if value is not None else f"{self.group}[{self.index}]"

    @property
    def expr(self) -> str:
        value = self.body.get("expr")
        return "" if value is None or isinstance(value, (dict, list)) else str(value)


@dataclass
class RuleFile:
    """The rules of one file and the problems found outside any rule."""

    rules: list[Rule]
    problems: list[tuple[int, str]]  # (line, message) for file- and group-level errors


class _Loader(yaml.SafeLoader):
    """A safe loader that records lines and refuses duplicate keys."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"mapping key {key_node.value!r} already defined",
                    key_node.start_mark,
                )
            seen.add(key_node.value)
    data.update(loader.construct_mapping(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def load_rule_file(path: Path) -> RuleFile:
    """Parse and validate one rule file; raise AdapterError when it is not one."""
    text = decode_text(read_bytes(path, MAX_RULE_FILE_BYTES), path)
    if not text.strip():
        raise AdapterError(f"{path} is empty: a rule file needs a groups list")
    try:
        document = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise AdapterError(f"{path} is not valid YAML: {_yaml_message(exc)}") from None
    except RecursionError:
        raise AdapterError(f"{path} nests too deeply to be a rule file; refusing it") from None
    groups, problems = _groups(document, path)
    rules: list[Rule] = []
    names: set[str] = set()
    for group in groups:
        rules.extend(_group(group, names, problems))
    return RuleFile(rules, problems)


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem


def _groups(document: object, path: Path) -> tuple[list[Any], list[tuple[int, str]]]:
    if isinstance(document, Mapping) and document.get("kind") == "PrometheusRule":
        document = document.get("spec")
    if not isinstance(document, LineDict) or "groups" not in document:
        raise AdapterError(
            f"{path} is not a Prometheus rule file: it needs a top-level groups list"
        )
    problems = [(document.line, f"unknown top-level key {k!r}") for k in document if k != "groups"]
    groups = document["groups"]
    if groups is None:
        groups = []
    if not isinstance(groups, list):
        raise AdapterError(f"{path}: groups should be a list of rule groups")
    return groups, problems


def _group(group: object, names: set[str], problems: list[tuple[int, str]]) -> list[Rule]:
    if not isinstance(group, LineDict):
        problems.append((0, "a group should be a mapping with name and rules"))
        return []
    line = group.line
    for key in sorted(set(group) - GROUP_KEYS):
        problems.append((line, f"unknown key {key!r} in a rule group"))
    name = group.get("name")
    if not isinstance(name, str) or not name:
        problems.append((line, "a group has no name (Groupname must not be empty)"))
        name = str(name or "")
    elif name in names:
        problems.append((line, f"group name {name!r} is repeated in the same file"))
    names.add(name)
    for key in ("interval", "query_offset"):
        if key in group and not _is_duration(group[key]):
            problems.append((line, f"group {name!r}: {key} {group[key]!r} is not a duration"))
    rules = group.get("rules") or []
    if not isinstance(rules, list):
        problems.append((line, f"group {name!r}: rules should be a list"))
        return []
    return [_rule(name, index, body, line) for index, body in enumerate(rules, 1)]


def _rule(group: str, index: int, body: object, group_line: int) -> Rule:
    if not isinstance(body, LineDict):
        rule = Rule(group, index, group_line, LineDict())
        rule.errors.append("a rule should be a mapping")
        return rule
    rule = Rule(group, index, body.line, body)
    rule.errors.extend(_rule_errors(body))
    return rule


def _rule_errors(body: LineDict) -> Iterator[str]:
    for key in sorted(set(body) - RULE_KEYS):
        yield f"unknown field {key!r}"
    record, alert = body.get("record"), body.get("alert")
    if record and alert:
        yield "only one of 'record' and 'alert' must be set"
    if not record and not alert:
        yield "one of 'record' or 'alert' must be set"
    if body.get("expr") in (None, ""):
        yield "field 'expr' must be set in rule"
    for key in ("for", "keep_firing_for"):
        if key in body and not _is_duration(body[key]):
            yield f"{key} {body[key]!r} is not a duration such as 5m"
    if record:
        yield from _recording_errors(body, str(record))
    yield from _map_errors(body, "labels", is_alert=bool(alert))
    yield from _map_errors(body, "annotations", is_alert=bool(alert))


def _recording_errors(body: LineDict, record: str) -> Iterator[str]:
    if body.get("annotations"):
        yield "invalid field 'annotations' in recording rule"
    for key in ("for", "keep_firing_for"):
        if key in body and _duration_nonzero(body[key]):
            yield f"invalid field {key!r} in recording rule"
    if not _METRIC_NAME.fullmatch(record):
        yield f"invalid recording rule name: {record}"


def _map_errors(body: LineDict, key: str, is_alert: bool) -> Iterator[str]:
    values = body.get(key)
    if values is None:
        return
    if not isinstance(values, Mapping):
        yield f"{key} should be a mapping of names to values"
        return
    for name, value in values.items():
        if not isinstance(name, str) or not _LABEL_NAME.fullmatch(name) or name == "__name__":
            yield f"invalid {key[:-1]} name: {name}"
        if isinstance(value, (Mapping, list)):
            yield f"{key[:-1]} {name!r} should be a string"
        elif is_alert and isinstance(value, str):
            yield from _template_errors(f"{key[:-1]} {name!r}", value)


def _template_errors(where: str, text: str) -> Iterator[str]:
    """An approximation of Go's template parsing: balanced actions, defined variables."""
    if text.count("{{") != text.count("}}") or _ACTION.sub("", text).count("{{"):
        yield f"{where}: template has an unclosed {{{{ action"
        return
    actions = " ".join(_ACTION.findall(text))
    declared = {n for pair in _DECLARED.findall(actions) for n in pair if n}
    for name in _USED.findall(actions):
        if name not in _TEMPLATE_VARS and name not in declared:
            yield f"{where}: template uses an undefined variable ${name}"
            return


def _is_duration(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return value == 0  # Prometheus accepts a bare 0 only
    if not isinstance(value, str):
        return False
    return value == "0" or (value != "" and _DURATION.fullmatch(value) is not None)


def _duration_nonzero(value: object) -> bool:
    return _is_duration(value) and bool(re.search(r"[1-9]", str(value)))
