"""Load and validate a `gates.yaml` before anything runs.

Every problem is collected (not just the first) and reported as `FILE:LINE:COL: message`
in one `PolicyError`, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from qualitygates.adapters.interface import Adapter
from qualitygates.errors import PolicyError
from qualitygates.finding import Severity
from qualitygates.plugins import Registry, adapter_registry
from qualitygates.policy.checks import validate_condition
from qualitygates.policy.extends import BaseOptions, Extender, missing_required
from qualitygates.policy.fetch import BaseReader
from qualitygates.policy.files import Reader, environment_secrets, read_policy, read_policy_file
from qualitygates.policy.keys import CHECK_KEYS, GATE_KEYS, TOP_KEYS
from qualitygates.policy.model import Check, Condition, Gate, Policy, Waiver
from qualitygates.policy.nodes import (
    adapter_of,
    commit_of,
    history_of,
    max_age_of,
    node_bool,
    node_id,
    node_string,
    on_error_of,
    severity_map_of,
)
from qualitygates.policy.options import metric_units, validate_options
from qualitygates.policy.problems import Problems, problem_order
from qualitygates.policy.projects import Project, ProjectOptions, per_project, projects_of
from qualitygates.policy.variables import BadVariable, UnsetVariable, expand
from qualitygates.policy.waivers import parse_waivers
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml

SUPPORTED_VERSIONS = (1,)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_Identified)  # a gate or a check


def load_policy(
    path: str | Path,
    variables: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    reader: Reader | None = None,
    bases: BaseOptions | None = None,
    projects: ProjectOptions | None = None,
) -> Policy:
    """Read, substitute and validate a policy; raise PolicyError listing every problem.

    `variables` defaults to the environment; `--var` values are merged over it by the
    caller. `reader` reads the policy and the waiver files it names (default: from the
    working tree; `--policy-ref` reads them from a git ref instead), and its local bases.
    """
    path = Path(path)
    reader = reader or read_policy_file
    text = read_policy(path, reader)
    env = dict(os.environ if variables is None else variables)
    loader = _Loader(str(path), path.resolve().parent, env, registry or adapter_registry(), reader)
    extender = Extender(BaseReader(reader, (bases or BaseOptions()).offline), loader.problems)
    root = loader.parse(text, lambda parsed: extender.resolve(parsed, path))
    chosen = projects_of(root, loader.problems, path.resolve().parent, projects or ProjectOptions())
    gates, root = per_project(root, chosen, loader.judge)
    if loader.problems:  # a problem of the shared policy is found once per project: say it once
        raise PolicyError(sorted(dict.fromkeys(loader.problems.messages), key=problem_order))
    missing = missing_required(extender.used, (bases or BaseOptions()).require)
    if missing:
        chain = ", ".join(base.label for base in extender.used) or "no base"
        raise PolicyError(
            f"{path}: the policy must extend {missing[0]} (--require-base), but its chain "
            f"is {chain}: restore its extends: entry"
        )
    notice = root.value.get("waiver_notice_days")
    return Policy(
        path=path.resolve(),
        gates=gates,
        waiver_notice_days=int(notice.value) if notice is not None else 14,
        waiver_ceiling=loader.ceiling,
        secrets=frozenset(loader.secrets) | environment_secrets(env),
        text=text,
        history=history_of(root, path.resolve().parent),
        bases=tuple((base.label, base.pin) for base in extender.used),
        projects=tuple(project.name for project in chosen),
    )


class _Loader:
    def __init__(
        self, filename: str, base_dir: Path, env: dict[str, str], registry: Registry, reader: Reader
    ) -> None:
        self.problems = Problems(filename)
        self.base_dir = base_dir
        self.options_dir = base_dir  # where adapter paths resolve from: a project's root
        self.reader = reader
        self.env = self.shared_env = env
        self.registry = registry
        self.secrets: set[str] = set()
        self.ceiling: Severity | None = None

    def parse(self, text: str, extend: Callable[[Located], Located]) -> Located:
        """The policy's document, over its bases; not yet substituted nor validated."""
        try:
            root = parse_yaml(text)
        except YamlProblem as exc:
            raise PolicyError(
                [
                    f"{self.problems.filename}:{line}:{col}: {message}"
                    for message, line, col in exc.all
                ]
            ) from None
        if not root.is_mapping:
            raise PolicyError(
                f"{self.problems.where(root)}: a policy is a mapping with 'version' and 'gates'"
            )
        return extend(root)

    def judge(self, root: Located, project: Project | None) -> tuple[tuple[Gate, ...], Located]:
        """Substitute and validate the document (for `project`: its variables, its root)."""
        if project is not None:
            self.env = {**self.shared_env, **project.variables}
            self.options_dir = project.root
        self._substitute(root)
        self.problems.unknown_keys(root, TOP_KEYS, "the policy")
        self._version(root)
        self._notice_days(root)
        self._ceiling(root)
        history = root.value.get("history")
        if history is not None and (not isinstance(history.value, str) or not history.value):
            self.problems.add(history, "history must be a SQLite file path or a postgresql:// URL")
        shared = parse_waivers(root.value.get("waivers"), self.problems, self.base_dir, self.reader)
        return self._gates(root, shared), root

    def _conditions(
        self, node: Located, check_id: str, adapter: type[Adapter], options: dict[str, Any]
    ) -> tuple[Condition, ...] | None:
        """The check's valid conditions; None (a problem added) when it has none at all."""
        nodes = self._list(
            node, "conditions", f"check {check_id!r} needs a non-empty list of 'conditions'"
        )
        if nodes is None:
            return None
        units = metric_units(adapter, options)
        conditions = [validate_condition(c, adapter, self.problems, units, options) for c in nodes]
        return tuple(c for c in conditions if c is not None)

    def _substitute(self, node: Located) -> None:
        if isinstance(node.value, dict):
            for child in node.value.values():
                self._substitute(child)
        elif isinstance(node.value, list):
            for child in node.value:
                self._substitute(child)
        elif isinstance(node.value, str):
            try:
                node.value = expand(node.value, self.env)
            except UnsetVariable as exc:
                self.problems.add_cause(
                    node,
                    f"${{{exc.name}}} is not set: set it, pass --var {exc.name}=VALUE, "
                    f"or give a default with ${{{exc.name}:-default}}",
                )
            except BadVariable as exc:
                self.problems.add_cause(node, str(exc))

    def _version(self, root: Located) -> None:
        version = root.value.get("version")
        if version is None:
            self.problems.add(root, "the policy needs 'version: 1' at the top")
        elif version.value not in SUPPORTED_VERSIONS or isinstance(version.value, bool):
            self.problems.add(
                version, f"unknown version {version.value!r}; this qualitygates reads version 1"
            )

    def _ceiling(self, root: Located) -> None:
        node = root.value.get("waiver_ceiling")
        if node is None:
            return
        names = [s.value for s in Severity if s is not Severity.UNKNOWN]
        if node.value not in names:
            self.problems.add(node, f"waiver_ceiling must be one of {', '.join(names)}")
            return
        self.ceiling = Severity(node.value)

    def _notice_days(self, root: Located) -> None:
        node = root.value.get("waiver_notice_days")
        if node is not None and (
            not isinstance(node.value, int) or isinstance(node.value, bool) or node.value < 0
        ):
            self.problems.add(node, "waiver_notice_days must be a whole number of days, e.g. 14")

    def _list(self, node: Located, key: str, problem: str) -> list[Located] | None:
        """The items of the non-empty list under `key`; None (`problem` added) otherwise."""
        found = node.value.get(key)
        if found is None or not found.is_sequence or not found.value:
            self.problems.add(found or node, problem)
            return None
        return list(found.value)

    def _unique(
        self, nodes: list[Located], read: Callable[[Located], _Item | None], kind: str, scope: str
    ) -> tuple[_Item, ...]:
        """What `read` makes of each node that it can read; an id that repeats an earlier one
        is a problem ("duplicate `kind` id 'x'`scope`")."""
        items: list[_Item] = []
        seen: dict[str, int] = {}
        for node in nodes:
            item = read(node)
            if item is None:
                continue
            if item.id in seen:
                self.problems.add(
                    node, f"duplicate {kind} id {item.id!r}{scope} (first on line {seen[item.id]})"
                )
            seen[item.id] = node.line
            items.append(item)
        return tuple(items)

    def _gates(self, root: Located, shared: tuple[Waiver, ...]) -> tuple[Gate, ...]:
        nodes = self._list(root, "gates", "'gates' must be a non-empty list of gates")
        if nodes is None:
            return ()
        return self._unique(nodes, lambda node: self._gate(node, shared), "gate", "")

    def _gate(self, node: Located, shared: tuple[Waiver, ...]) -> Gate | None:
        if not node.is_mapping:
            self.problems.add(node, "a gate must be a mapping with 'id' and 'checks'")
            return None
        self.problems.unknown_keys(node, GATE_KEYS, "a gate")
        gate_id = node_id(self.problems, node, "gate")
        nodes = self._list(node, "checks", f"gate {gate_id!r} needs a non-empty list of 'checks'")
        if nodes is None:
            return None
        checks = self._unique(
            nodes, lambda check: self._check(check, shared), "check", f" in gate {gate_id!r}"
        )
        name = node_string(self.problems, node, "name") or gate_id
        return Gate(
            gate_id,
            name,
            checks,
            node_bool(self.problems, node, "blocking"),
            node_string(self.problems, node, "description"),
        )

    def _check(self, node: Located, shared: tuple[Waiver, ...]) -> Check | None:
        if not node.is_mapping:
            self.problems.add(
                node, "a check must be a mapping with 'id', 'adapter' and 'conditions'"
            )
            return None
        self.problems.unknown_keys(node, CHECK_KEYS, "a check")
        check_id = node_id(self.problems, node, "check")
        adapter = adapter_of(self.problems, node, self.registry)
        if adapter is None:
            return None
        # Sign-off records are the policy's, like its waivers; reports are the project's.
        folder = self.base_dir if adapter.name == "attestations" else self.options_dir
        options = validate_options(
            node.value.get("with"), adapter, folder, self.problems, self.secrets
        )
        conditions = self._conditions(node, check_id, adapter, options)
        if conditions is None:
            return None
        on_error = node.value.get("on_error")
        waivers = shared + parse_waivers(
            node.value.get("waivers"), self.problems, self.base_dir, self.reader
        )
        return Check(
            id=check_id,
            adapter=adapter.name,
            options=options,
            conditions=conditions,
            name=node_string(self.problems, node, "name"),
            blocking=node_bool(self.problems, node, "blocking"),
            on_error=on_error_of(self.problems, on_error),
            waivers=waivers,
            max_age=max_age_of(self.problems, node.value.get("max_age"), adapter),
            commit=commit_of(self.problems, node, adapter),
            severity_map=severity_map_of(self.problems, node.value.get("severity_map")),
            where=self.problems.where(node),
        )
