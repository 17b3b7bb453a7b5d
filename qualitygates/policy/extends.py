"""`extends:`: a policy resolved over its bases, in order, before it is validated.

Each base is read (`fetch`), parsed with every value marked with the base's name, resolved
over its own bases, and merged under the policy (`merge`), so that a problem anywhere is
said at its own file's `FILE:LINE:COL`. A base that extends one already being resolved is
a cycle; a chain deeper than `MAX_DEPTH` is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualitygates.errors import PolicyError
from qualitygates.policy.bases import Source, source_of
from qualitygates.policy.fetch import BaseReader
from qualitygates.policy.merge import Merger
from qualitygates.policy.problems import Problems
from qualitygates.policy.yaml_source import Located, YamlProblem, parse_yaml

MAX_DEPTH = 8


@dataclass(frozen=True)
class BaseOptions:
    """How bases are read: only from the cache (`--offline`), and which must be in the chain
    (`--require-base`, `QUALITYGATES_REQUIRE_BASE`)."""

    offline: bool = False
    require: tuple[str, ...] = ()


@dataclass(frozen=True)
class BaseUsed:
    """A base the policy was resolved over: its source and what pins its content."""

    source: Source
    pin: str  # the commit of a git base, else the SHA-256 of its text

    @property
    def label(self) -> str:
        return shown(self.source)


@dataclass
class Extender:
    """Resolves a policy's `extends:` chain, adding problems at the places they are."""

    reader: BaseReader
    problems: Problems
    used: list[BaseUsed] = field(default_factory=list)

    def resolve(self, root: Located, own: Path) -> Located:
        """`root`, the policy at `own`, merged over every base it extends."""
        return self._resolve(root, Source("path", os.path.abspath(own)), [])

    def _resolve(self, root: Located, own: Source, stack: list[str]) -> Located:
        entries = root.value.get("extends") if root.is_mapping else None
        if entries is None or entries.value is None:
            return root
        merger = Merger(self.problems)
        merged: Located | None = None
        for node in entries.value if entries.is_sequence else [entries]:
            base = self._base(node, own, [*stack, own.label])
            if base is not None:
                merged = base if merged is None else merger.merge(merged, base)
        return root if merged is None else merger.merge(merged, root)

    def _base(self, node: Located, naming: Source, stack: list[str]) -> Located | None:
        """One base, resolved over its own bases; None (a problem added) when it cannot be."""
        try:
            source = source_of(node, naming)
            if source.label in stack:
                cycle = " -> ".join(shown_label(label) for label in [*stack, source.label])
                raise PolicyError(f"extends makes a cycle: {cycle}")
            if len(stack) > MAX_DEPTH:
                raise PolicyError(f"extends goes more than {MAX_DEPTH} bases deep")
            text, pin = self.reader.read(source)
        except PolicyError as exc:
            self.problems.add(node, str(exc))
            return None
        try:
            root = parse_yaml(text).from_source(shown(source))
        except YamlProblem as exc:
            for message, line, col in exc.all:
                self.problems.add_at(line, col, message, shown(source))
            return None
        if not root.is_mapping:
            self.problems.add(root, "a base policy is a mapping, like a policy")
            return None
        self.used.append(BaseUsed(source, pin))
        return self._resolve(root, source, stack)


def shown(source: Source) -> str:
    """A source as messages name it: a path relative to here when it is below here."""
    return shown_label(source.label) if source.kind == "path" else source.label


def shown_label(label: str) -> str:
    if not os.path.isabs(label):
        return label
    try:
        relative = os.path.relpath(label)
    except ValueError:  # another drive (Windows)
        return label
    # `../org/base.yaml` beside the repository reads well; `../../../tmp/x` does not.
    return label if relative.startswith(os.path.join(os.pardir, os.pardir)) else relative


def missing_required(used: Iterable[BaseUsed], required: Iterable[str]) -> list[str]:
    """The required bases (`--require-base`) the resolved chain lacks."""
    labels = {base.source.label for base in used}
    return [
        wanted
        for wanted in required
        if wanted.strip() not in labels and os.path.abspath(wanted.strip()) not in labels
    ]
