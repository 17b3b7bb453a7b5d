"""The dashboards adapter: Grafana dashboards exist, are valid, and every panel queries data.

Reads dashboard JSON as Grafana exports or serves it: the classic model (bare, or the
HTTP API's `{"dashboard": ..., "meta": ...}` wrapper; `rows[].panels` of schema < 16;
panels nested in collapsed rows), the V1 resource (`apiVersion: dashboard.grafana.app/v1*`,
classic model under `spec`) and the V2 resource (`dashboard.grafana.app/v2*`, panels under
`spec.elements`, queries under `data.spec.queries[].spec.query.spec`). A library panel's
queries count when the file carries its model (`__elements`, as "export for sharing
externally" writes); otherwise the panel counts as one without queries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import expand_paths
from qualitygates.adapters._options import path_option
from qualitygates.adapters._required import Counted, Problem, Readiness
from qualitygates.adapters.interface import (
    Adapter,
    Collection,
    CollectRequest,
    MetricSpec,
    OptionKind,
    OptionSpec,
    count_metric,
)
from qualitygates.errors import AdapterError
from qualitygates.model import Finding, Location, Measurement, Severity, Unit
from qualitygates.readers import read_json

TOOL = "dashboards"
#: Panel types that show no query results by design.
NO_QUERY_TYPES = frozenset(
    {"row", "text", "news", "dashlist", "alertlist", "annolist", "welcome", "gettingstarted"}
)
#: Target fields that hold a query, across Grafana's common data sources.
QUERY_KEYS = (
    "expr", "expression", "query", "rawSql", "sql", "target", "metricName", "metric",
    "measurement", "queryText", "rawQueryText", "scenarioId", "panelId", "search",
    "labelSelector", "q",
)  # fmt: skip
READINESS = Readiness(
    TOOL,
    {
        "panels_without_queries": Counted(
            "Panels with no query.", ("panel-without-queries",), summary=True
        ),
        "missing_dashboards": Counted("Names in required not found.", ("missing-dashboard",)),
        "invalid_dashboards": Counted(
            "Dashboards with structural problems.", ("invalid-dashboard",)
        ),
    },
    {"panel-without-queries": Severity.MEDIUM},
    total=None,
)


@dataclass
class Dashboard:
    """What one file holds: identity, panels (title, has queries) and problems."""

    path: Path
    uid: str
    title: str
    panels: list[tuple[str, bool]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class DashboardsAdapter(Adapter):
    """Grafana dashboard JSON files."""

    name = "dashboards"
    summary = "Grafana dashboards: valid, required ones present, every panel has a query."
    formats = ("Grafana dashboard JSON (classic, API wrapper, V1 and V2 resources)",)
    options = (
        path_option("Grafana dashboard JSON files", "each is one dashboard"),
        OptionSpec("required", OptionKind.STRINGS, "Dashboards (uid or title) that must exist."),
    )
    metrics = (
        MetricSpec("dashboards", Unit.COUNT, "Dashboards read.", summary=True),
        MetricSpec("panels", Unit.COUNT, "Panels (rows excluded).", summary=True),
        *READINESS.metric_specs(),
    )

    def collect(self, request: CollectRequest) -> Collection:
        """Read every dashboard; problems become findings."""
        files = expand_paths(request.options["path"])
        boards = [read_dashboard(path) for path in files]
        _flag_duplicate_uids(boards)
        findings = [f for board in boards for f in _board_findings(board)]
        findings += _missing(boards, request.options.get("required") or ())
        panels = sum(len(b.panels) for b in boards)
        return Collection(
            metrics={"dashboards": count_metric(len(boards)), "panels": count_metric(panels)},
            findings=tuple(findings),
            sources=tuple(str(p) for p in files),
            available=tuple(sorted(b.uid or b.title for b in boards)),
        )

    def count_findings(self, findings: Sequence[Finding]) -> dict[str, Measurement]:
        """Each metric counts the findings of its rule."""
        return READINESS.count(findings)


def read_dashboard(path: Path) -> Dashboard:
    """Read one dashboard file of any supported shape; AdapterError when it is none."""
    data = read_json(path, "Grafana dashboard")
    if isinstance(data, Mapping) and isinstance(data.get("dashboard"), Mapping):
        return _classic(path, data["dashboard"], str(data["dashboard"].get("uid") or ""))
    if isinstance(data, Mapping) and str(data.get("apiVersion", "")).startswith(
        "dashboard.grafana"
    ):
        return _resource(path, data)
    if isinstance(data, Mapping) and any(k in data for k in ("panels", "rows", "schemaVersion")):
        return _classic(path, data, str(data.get("uid") or ""))
    raise AdapterError(
        f"{path} is not a Grafana dashboard: expected panels, a dashboard object "
        "or a dashboard.grafana.app resource"
    )


def _resource(path: Path, data: Mapping[str, Any]) -> Dashboard:
    spec, metadata = data.get("spec"), data.get("metadata")
    if data.get("kind") != "Dashboard" or not isinstance(spec, Mapping):
        raise AdapterError(f"{path} is a Grafana resource but not a Dashboard with a spec")
    uid = str(metadata.get("name") or "") if isinstance(metadata, Mapping) else ""
    if str(data["apiVersion"]).split("/")[-1].startswith("v2"):
        return _v2(path, spec, uid)
    return _classic(path, spec, uid or str(spec.get("uid") or ""))


def _classic(path: Path, board: Mapping[str, Any], uid: str) -> Dashboard:
    problems: list[str] = []
    result = Dashboard(path, uid, _title(board, problems), problems=problems)
    library = _library_models(board.get("__elements"))
    panels = board.get("panels", [])
    rows = board.get("rows", [])
    if not isinstance(panels, list) or not isinstance(rows, list):
        result.problems.append("panels and rows should be lists")
        return result
    for row in rows:  # schema < 16: rows hold their panels
        children = row.get("panels") if isinstance(row, Mapping) else None
        panels = panels + (children if isinstance(children, list) else [None])
    for panel in _flatten(panels, result.problems):
        result.panels.append(_classic_panel(panel, library))
    if not result.panels:
        result.problems.append("it has no panels")
    return result


def _flatten(panels: list[Any], problems: list[str]) -> Iterator[Mapping[str, Any]]:
    """Panels with collapsed rows opened: a row's `panels` hold its hidden children."""
    for panel in panels:
        if not isinstance(panel, Mapping):
            problems.append("a panel is not an object")
        elif panel.get("type") == "row":
            children = panel.get("panels") or []
            yield from _flatten(children if isinstance(children, list) else [None], problems)
        elif not panel.get("type") and "libraryPanel" not in panel:
            problems.append(f"panel {_panel_title(panel)!r} has no type")
        else:
            yield panel


def _classic_panel(panel: Mapping[str, Any], library: Mapping[str, Any]) -> tuple[str, bool]:
    title = _panel_title(panel)
    ref = panel.get("libraryPanel")
    if isinstance(ref, Mapping) and not panel.get("targets"):
        model = library.get(str(ref.get("uid")))
        panel = model if isinstance(model, Mapping) else panel
    if _no_query_type(panel.get("type")):
        return title, True
    targets = panel.get("targets")
    return title, isinstance(targets, list) and any(_has_query(t) for t in targets)


def _library_models(elements: object) -> dict[str, Any]:
    if not isinstance(elements, Mapping):
        return {}
    return {
        str(uid): item.get("model")
        for uid, item in elements.items()
        if isinstance(item, Mapping) and item.get("kind") == 1  # 1 = library panel
    }


def _v2(path: Path, spec: Mapping[str, Any], uid: str) -> Dashboard:
    problems: list[str] = []
    result = Dashboard(path, uid, _title(spec, problems), problems=problems)
    elements = spec.get("elements", {})
    if not isinstance(elements, Mapping):
        result.problems.append("spec.elements should be an object")
        return result
    for key, element in elements.items():
        if not isinstance(element, Mapping) or not isinstance(element.get("spec"), Mapping):
            result.problems.append(f"element {key!r} has no spec")
            continue
        body = element["spec"]
        title = str(body.get("title") or key)
        if element.get("kind") == "LibraryPanel":
            result.panels.append((title, False))
        else:
            result.panels.append((title, _v2_has_query(body)))
    if not result.panels:
        result.problems.append("it has no panels")
    return result


def _v2_has_query(body: Mapping[str, Any]) -> bool:
    viz = body.get("vizConfig")
    viz_type = (viz.get("group") or viz.get("kind")) if isinstance(viz, Mapping) else None
    if _no_query_type(viz_type):
        return True
    data = body.get("data")
    group = data.get("spec") if isinstance(data, Mapping) else None
    queries = group.get("queries") if isinstance(group, Mapping) else None
    if not isinstance(queries, list):
        return False
    for item in queries:
        spec = item.get("spec") if isinstance(item, Mapping) else None
        query = spec.get("query") if isinstance(spec, Mapping) else None
        if isinstance(query, Mapping) and _has_query(query.get("spec")):
            return True
    return False


def _no_query_type(kind: object) -> bool:
    """A text or row panel, which needs no query (a hostile `type` may be any JSON value)."""
    return isinstance(kind, str) and kind in NO_QUERY_TYPES


def _has_query(target: object) -> bool:
    if not isinstance(target, Mapping):
        return False
    for key in QUERY_KEYS:
        value = target.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str):
            if value.strip():
                return True
        elif isinstance(value, int) or value:  # a panel id, or a structured query
            return True
    return False


def _title(board: Mapping[str, Any], problems: list[str]) -> str:
    title = board.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("it has no title")
        return ""
    return title


def _panel_title(panel: Mapping[str, Any]) -> str:
    return str(panel.get("title") or f"id {panel.get('id', '?')}")


def _flag_duplicate_uids(boards: list[Dashboard]) -> None:
    seen: dict[str, Path] = {}
    for board in boards:
        if board.uid and board.uid in seen:
            board.problems.append(f"its uid {board.uid!r} is also used by {seen[board.uid]}")
        seen.setdefault(board.uid, board.path)


def _board_findings(board: Dashboard) -> Iterator[Finding]:
    name = board.title or board.uid or board.path.name
    if board.problems:
        message = f"dashboard {name!r} ({board.path}) is invalid: {'; '.join(board.problems)}"
        yield _finding("invalid-dashboard", board, message, board.uid or str(board.path))
    for title, has_query in board.panels:
        if not has_query:
            message = f"dashboard {name!r}: panel {title!r} has no query: add one or remove it"
            yield _finding("panel-without-queries", board, message, f"{board.uid}/{title}")


def _missing(boards: list[Dashboard], required: Sequence[str]) -> list[Finding]:
    uids = {b.uid for b in boards if b.uid}
    titles = {b.title.casefold() for b in boards if b.title}
    shown = ", ".join(sorted(b.title or b.uid for b in boards)[:10])

    def absent(name: str) -> Problem:
        message = f"required dashboard {name!r} is not among the dashboards read ({shown})"
        return Problem(message, Location(), (name,))

    present = lambda name: name in uids or name.casefold() in titles  # noqa: E731
    return READINESS.missing("missing-dashboard", required, present, absent)


def _finding(rule: str, board: Dashboard, message: str, key: str) -> Finding:
    location = Location(str(board.path), None, board.uid or None)
    return READINESS.finding(rule, Problem(message, location, (key,)))
