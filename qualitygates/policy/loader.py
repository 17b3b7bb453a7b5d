"""Load and validate a `gates.yaml` before anything runs.

Every problem is collected (not just the first) and reported as `FILE:LINE:COL: message`
in one `PolicyError`, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from qualitygates.adapters.interface import Adapter
from qualitygates.durations import parse_duration
from qualitygates.errors import PolicyError
from qualitygates.plugins import PluginError, Registry, adapter_registry
from qualitygates.policy.checks import validate_condition
from qualitygates.policy.files import Reader, environment_secrets, read_policy, read_policy_file
from qualitygates.policy.keys import CHECK_KEYS, GATE_KEYS, TOP_KEYS
from qualitygates.policy.model import Check, Gate, OnFail, Policy, Waiver
from qualitygates.policy.options import metric_units, validate_options
from qualitygates.policy.problems import Problems, suggest
from qualitygates.policy.variables import BadVariable, UnsetVariable, expand
from qualitygates.policy.waivers import parse_waivers
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml

SUPPORTED_VERSIONS = (1,)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def load_policy(
    path: str | Path,
    variables: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    reader: Reader | None = None,
) -> Policy:
    """Read, substitute and validate a policy; raise PolicyError listing every problem.

    `variables` defaults to the environment; `--var` values are merged over it by the
    caller. `reader` reads the policy and the waiver files it names (default: from the
    working tree; `--policy-ref` reads them from a git ref instead).
    """
    path = Path(path)
    reader = reader or read_policy_file
    text = read_policy(path, reader)
    env = dict(os.environ if variables is None else variables)
    loader = _Loader(str(path), path.resolve().parent, env, registry or adapter_registry(), reader)
    gates, root = loader.load(text)
    if loader.problems:
        raise PolicyError(sorted(loader.problems.messages, key=_position))
    notice = root.value.get("waiver_notice_days")
    return Policy(
        path=path.resolve(),
        gates=gates,
        waiver_notice_days=int(notice.value) if notice is not None else 14,
        secrets=frozenset(loader.secrets) | environment_secrets(env),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        history=_history(root, path.resolve().parent),
    )


def _position(message: str) -> tuple[str, int, int]:
    match = re.match(r"^(.*?):(\d+):(\d+): ", message)
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else (message, 0, 0)


def _history(root: Located, base_dir: Path) -> str | None:
    """The policy's `history:` store: a URL as written, a file path from the policy's folder."""
    node = root.value.get("history")
    if node is None or not isinstance(node.value, str) or not node.value:
        return None
    if "://" in node.value:
        return str(node.value)
    return str(base_dir / node.value)


class _Loader:
    def __init__(
        self, filename: str, base_dir: Path, env: dict[str, str], registry: Registry, reader: Reader
    ) -> None:
        self.problems = Problems(filename)
        self.base_dir = base_dir
        self.reader = reader
        self.env = env
        self.registry = registry
        self.secrets: set[str] = set()

    def load(self, text: str) -> tuple[tuple[Gate, ...], Located]:
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
        self._substitute(root)
        self.problems.unknown_keys(root, TOP_KEYS, "the policy")
        self._version(root)
        self._notice_days(root)
        history = root.value.get("history")
        if history is not None and (not isinstance(history.value, str) or not history.value):
            self.problems.add(history, "history must be a SQLite file path or a postgresql:// URL")
        shared = parse_waivers(root.value.get("waivers"), self.problems, self.base_dir, self.reader)
        return self._gates(root, shared), root

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

    def _notice_days(self, root: Located) -> None:
        node = root.value.get("waiver_notice_days")
        if node is not None and (
            not isinstance(node.value, int) or isinstance(node.value, bool) or node.value < 0
        ):
            self.problems.add(node, "waiver_notice_days must be a whole number of days, e.g. 14")

    def _gates(self, root: Located, shared: tuple[Waiver, ...]) -> tuple[Gate, ...]:
        node = root.value.get("gates")
        if node is None or not node.is_sequence or not node.value:
            self.problems.add(node or root, "'gates' must be a non-empty list of gates")
            return ()
        gates: list[Gate] = []
        seen: dict[str, Located] = {}
        for gate_node in node.value:
            gate = self._gate(gate_node, shared)
            if gate is None:
                continue
            if gate.id in seen:
                self.problems.add(
                    gate_node, f"duplicate gate id {gate.id!r} (first on line {seen[gate.id].line})"
                )
            seen[gate.id] = gate_node
            gates.append(gate)
        return tuple(gates)

    def _gate(self, node: Located, shared: tuple[Waiver, ...]) -> Gate | None:
        if not node.is_mapping:
            self.problems.add(node, "a gate must be a mapping with 'id' and 'checks'")
            return None
        self.problems.unknown_keys(node, GATE_KEYS, "a gate")
        gate_id = self._id(node, "gate")
        checks_node = node.value.get("checks")
        if checks_node is None or not checks_node.is_sequence or not checks_node.value:
            self.problems.add(
                checks_node or node, f"gate {gate_id!r} needs a non-empty list of 'checks'"
            )
            return None
        checks: list[Check] = []
        seen: dict[str, int] = {}
        for check_node in checks_node.value:
            check = self._check(check_node, shared)
            if check is None:
                continue
            if check.id in seen:
                self.problems.add(
                    check_node,
                    f"duplicate check id {check.id!r} in gate {gate_id!r} (first on line {seen[check.id]})",
                )
            seen[check.id] = check_node.line
            checks.append(check)
        name = self._string(node, "name") or gate_id
        return Gate(
            gate_id,
            name,
            tuple(checks),
            self._bool(node, "blocking"),
            self._string(node, "description"),
        )

    def _check(self, node: Located, shared: tuple[Waiver, ...]) -> Check | None:
        if not node.is_mapping:
            self.problems.add(
                node, "a check must be a mapping with 'id', 'adapter' and 'conditions'"
            )
            return None
        self.problems.unknown_keys(node, CHECK_KEYS, "a check")
        check_id = self._id(node, "check")
        adapter = self._adapter(node)
        if adapter is None:
            return None
        options = validate_options(
            node.value.get("with"), adapter, self.base_dir, self.problems, self.secrets
        )
        conditions_node = node.value.get("conditions")
        if conditions_node is None or not conditions_node.is_sequence or not conditions_node.value:
            self.problems.add(
                conditions_node or node,
                f"check {check_id!r} needs a non-empty list of 'conditions'",
            )
            return None
        units = metric_units(adapter, options)
        conditions = [
            validate_condition(c, adapter, self.problems, units, options)
            for c in conditions_node.value
        ]
        on_error = node.value.get("on_error")
        waivers = shared + parse_waivers(
            node.value.get("waivers"), self.problems, self.base_dir, self.reader
        )
        return Check(
            id=check_id,
            adapter=adapter.name,
            options=options,
            conditions=tuple(c for c in conditions if c is not None),
            name=self._string(node, "name"),
            blocking=self._bool(node, "blocking"),
            on_error=self._on_error(on_error),
            waivers=waivers,
            max_age=self._max_age(node.value.get("max_age"), adapter),
            commit=self._commit(node, adapter),
            where=self.problems.where(node),
        )

    def _max_age(self, node: Located | None, adapter: type[Adapter]) -> timedelta | None:
        if node is None:
            return None
        if not adapter.dated:
            self.problems.add(
                node,
                f"max_age: {adapter.name} reports do not say when they were made, so their "
                "age cannot be checked; remove max_age",
            )
            return None
        try:
            return parse_duration(node.value)
        except ValueError as exc:
            self.problems.add(node, f"max_age: {exc}")
            return None

    def _commit(self, node: Located, adapter: type[Adapter]) -> str | None:
        commit = self._string(node, "commit") or None
        if commit is not None and not adapter.names_commit:
            self.problems.add(
                node.value["commit"],
                f"commit: {adapter.name} reports do not say which commit they describe, so "
                "it cannot be checked; remove commit",
            )
            return None
        return commit

    def _adapter(self, node: Located) -> type[Adapter] | None:
        adapter_node = node.value.get("adapter")
        if adapter_node is None or not isinstance(adapter_node.value, str):
            self.problems.add(
                adapter_node or node,
                f"a check needs 'adapter', one of: {', '.join(self.registry.names())}",
            )
            return None
        name = adapter_node.value
        if name not in self.registry:
            hint = (
                suggest(name, self.registry.names())
                or f" (known: {', '.join(self.registry.names())})"
            )
            self.problems.add(adapter_node, f"unknown adapter {name!r}{hint}")
            return None
        try:
            adapter: type[Adapter] = self.registry.load(name)
        except PluginError as exc:
            self.problems.add(adapter_node, str(exc))
            return None
        return adapter

    def _on_error(self, node: Located | None) -> OnFail:
        if node is None:
            return OnFail.FAIL
        if node.value not in ("fail", "warn"):
            self.problems.add(node, f"on_error must be 'fail' or 'warn', not {node.value!r}")
            return OnFail.FAIL
        return OnFail(node.value)

    def _id(self, node: Located, what: str) -> str:
        id_node = node.value.get("id")
        if id_node is None or not isinstance(id_node.value, str) or not _ID.match(id_node.value):
            self.problems.add(
                id_node or node, f"a {what} needs an 'id' of letters, digits, '-', '_' or '.'"
            )
            return f"<{what} on line {node.line}>"
        return str(id_node.value)

    def _string(self, node: Located, key: str) -> str | None:
        value = node.value.get(key)
        if value is None:
            return None
        if not isinstance(value.value, str):
            self.problems.add(value, f"'{key}' must be a string")
            return None
        return str(value.value)

    def _bool(self, node: Located, key: str) -> bool:
        value = node.value.get(key)
        if value is None:
            return True
        if not isinstance(value.value, bool):
            self.problems.add(value, f"'{key}' must be true or false")
            return True
        return bool(value.value)
