"""Projects: one policy run over several roots of a monorepo, each with its own reports.

A `projects:` block (each a `name`, a `root` relative to the policy's folder, and
`variables` for its `${VAR}`s) or `--project-dir DIR` (repeatable; the folder's name names
the project) gives the roots. The policy's checks are loaded once per project: adapter paths
resolve from the project's root, while bases, waivers and sign-off records resolve from the
policy's own folder. A gate of a project is `NAME/GATE` in every report and history, so a
baseline or a trend only ever meets the same project's runs. `--project NAME` selects some.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from qualitygates.errors import PolicyError
from qualitygates.policy.model import Gate
from qualitygates.policy.nodes import node_id
from qualitygates.policy.problems import Problems
from qualitygates.policy.yaml_source import Located

PROJECT_KEYS = ("name", "root", "variables")


@dataclass(frozen=True)
class Project:
    name: str
    root: Path
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectOptions:
    """`--project-dir` (the roots, instead of the policy's block) and `--project` (a subset)."""

    dirs: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()


def projects_of(
    root: Located, problems: Problems, policy_dir: Path, options: ProjectOptions
) -> list[Project]:
    """The projects to run, in order; [] for a run without projects."""
    block = root.value.get("projects") if root.is_mapping else None
    if options.dirs:
        found = [Project(Path(d).name, Path(os.path.abspath(d))) for d in options.dirs]
        _unique([p.name for p in found], "--project-dir")
    elif block is not None:
        found = _from_block(block, problems, policy_dir)
    else:
        found = []
    return _select(found, options.selected)


def _from_block(block: Located, problems: Problems, policy_dir: Path) -> list[Project]:
    if not block.is_sequence or not block.value:
        problems.add(block, "'projects' is a list of {name, root, variables}")
        return []
    found: list[Project] = []
    for node in block.value:
        if not node.is_mapping:
            problems.add(node, "a project is a mapping with 'name' and 'root'")
            continue
        problems.unknown_keys(node, PROJECT_KEYS, "a project")
        if "name" not in node.value:
            problems.add(node, "a project needs a 'name' (letters, digits, '-', '_' or '.')")
            continue
        name = node_id(problems, _as_id(node), "project")
        where = node.value.get("root")
        if where is None or not isinstance(where.value, str) or not where.value:
            problems.add(where or node, f"project {name!r} needs a 'root' folder")
            continue
        found.append(
            Project(name, (policy_dir / where.value).resolve(), _variables(node, problems))
        )
    names = [p.name for p in found]
    for name in {n for n in names if names.count(n) > 1}:
        problems.add(block, f"two projects are named {name!r}")
    return found


def _as_id(node: Located) -> Located:
    """The project node with its `name` as the `id` that node_id checks."""
    return Located({"id": node.value["name"]}, node.line, node.col, source=node.source)


def _variables(node: Located, problems: Problems) -> dict[str, str]:
    given = node.value.get("variables")
    if given is None:
        return {}
    if not given.is_mapping or any(
        isinstance(v.value, (dict, list)) or v.value is None for v in given.value.values()
    ):
        problems.add(given, "a project's 'variables' map names to plain values")
        return {}
    return {k: str(v.value) for k, v in given.value.items()}


def _select(found: list[Project], selected: tuple[str, ...]) -> list[Project]:
    if not selected:
        return found
    names = [p.name for p in found]
    unknown = [s for s in selected if s not in names]
    if unknown:
        known = ", ".join(names) or "none: give a projects: block or --project-dir"
        raise PolicyError(f"--project {unknown[0]!r} is not a project of this run ({known})")
    return [p for p in found if p.name in selected]


def per_project(
    root: Located,
    projects: list[Project],
    judge: Callable[[Located, Project | None], tuple[tuple[Gate, ...], Located]],
) -> tuple[tuple[Gate, ...], Located]:
    """The policy's gates for each project (`NAME/GATE`, in project order), or once without
    projects; with the last substituted document, for its top-level settings."""
    if not projects:
        return judge(root, None)
    gates: list[Gate] = []
    top = root
    for project in projects:
        judged, top = judge(copy.deepcopy(root), project)  # each substitutes its variables
        gates.extend(
            replace(gate, id=f"{project.name}/{gate.id}", project=project.name, root=project.root)
            for gate in judged
        )
    return tuple(gates), top


def _unique(names: list[str], flag: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise PolicyError(f"{flag}: two folders are named {repeated[0]!r}; projects need names")
