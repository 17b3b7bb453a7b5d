"""Finding adapters and reporters: built-ins from a literal mapping, then entry points.

Built-ins are imported only when used, so `qualitygates --version` stays fast. Third-party
packages register classes in the entry-point groups `qualitygates.adapters` and
`qualitygates.reporters`; a built-in name cannot be overridden.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

from qualitygates.errors import QualityGatesError

ADAPTER_GROUP = "qualitygates.adapters"
REPORTER_GROUP = "qualitygates.reporters"

BUILTIN_ADAPTERS: dict[str, str] = {
    "coverage": "qualitygates.adapters.coverage:CoverageAdapter",
    "diff_coverage": "qualitygates.adapters.diff_coverage:DiffCoverageAdapter",
    "junit": "qualitygates.adapters.junit:JUnitAdapter",
    "k6": "qualitygates.adapters.k6:K6Adapter",
    "prometheus": "qualitygates.adapters.prometheus:PrometheusAdapter",
    "sonarqube": "qualitygates.adapters.sonarqube:SonarQubeAdapter",
    "trivy": "qualitygates.adapters.trivy:TrivyAdapter",
    "sarif": "qualitygates.adapters.sarif:SarifAdapter",
    "zap": "qualitygates.adapters.zap:ZapAdapter",
    "dependency_check": "qualitygates.adapters.dependency_check:DependencyCheckAdapter",
    "gitleaks": "qualitygates.adapters.secrets:GitleaksAdapter",
    "ggshield": "qualitygates.adapters.secrets:GgshieldAdapter",
    "snyk": "qualitygates.adapters.snyk:SnykAdapter",
    "lint": "qualitygates.adapters.lint:LintAdapter",
    "complexity": "qualitygates.adapters.complexity:ComplexityAdapter",
    "duplication": "qualitygates.adapters.duplication:DuplicationAdapter",
    "docs": "qualitygates.adapters.docs:DocsAdapter",
    "alerts": "qualitygates.adapters.alerts:AlertsAdapter",
    "dashboards": "qualitygates.adapters.dashboards:DashboardsAdapter",
    "attestations": "qualitygates.adapters.attestations:AttestationsAdapter",
    "evidence": "qualitygates.adapters.evidence:EvidenceAdapter",
}

BUILTIN_REPORTERS: dict[str, str] = {
    "json": "qualitygates.reports.json_report:JsonReporter",
    "junit": "qualitygates.reports.junit_report:JUnitReporter",
    "markdown": "qualitygates.reports.markdown_report:MarkdownReporter",
    "html": "qualitygates.reports.html_report:HtmlReporter",
    "sarif": "qualitygates.reports.sarif_report:SarifReporter",
    "codequality": "qualitygates.reports.codequality_report:CodeQualityReporter",
    "metrics": "qualitygates.reports.metrics_report:MetricsReporter",
}


class PluginError(QualityGatesError):
    """A plugin could not be loaded; the message names its package."""


@dataclass(frozen=True)
class PluginRef:
    """Where a named plugin comes from, before it is imported."""

    name: str
    target: str  # "module:attribute"
    origin: str  # "built-in" or the distribution that provides it


class Registry:
    """Named plugins of one kind (adapters or reporters)."""

    def __init__(self, builtins: dict[str, str], group: str) -> None:
        self._builtins = builtins
        self._group = group
        self._refs: dict[str, PluginRef] | None = None
        self._loaded: dict[str, Any] = {}

    def refs(self) -> dict[str, PluginRef]:
        """Every known plugin name, built-ins first; entry points are read once."""
        if self._refs is None:
            # Here, not at the top: a run of built-in plugins never pays for importing it.
            from importlib.metadata import entry_points

            refs = {n: PluginRef(n, t, "built-in") for n, t in self._builtins.items()}
            for ep in entry_points(group=self._group):
                if ep.name not in refs:
                    refs[ep.name] = PluginRef(ep.name, ep.value, _distribution(ep))
            self._refs = refs
        return self._refs

    def names(self) -> list[str]:
        return list(self.refs())

    def __contains__(self, name: object) -> bool:
        return name in self._builtins or name in self._loaded or name in self.refs()

    def load(self, name: str) -> Any:
        """Import and return the plugin class registered under `name`."""
        if name not in self._loaded:
            # A built-in is found without reading the installed packages' entry points.
            ref = self._builtin_ref(name) or self.refs().get(name)
            if ref is None:
                raise PluginError(f"no plugin named {name!r} in {self._group}")
            self._loaded[name] = _import(ref)
        return self._loaded[name]

    def _builtin_ref(self, name: str) -> PluginRef | None:
        target = self._builtins.get(name)
        return PluginRef(name, target, "built-in") if target is not None else None

    def register(self, name: str, obj: Any) -> None:
        """Add a plugin object directly (used by programs that embed qualitygates, and tests)."""
        self.refs()[name] = PluginRef(name, f"{obj.__module__}:{obj.__qualname__}", "registered")
        self._loaded[name] = obj


def _distribution(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "entry point"


def _import(ref: PluginRef) -> Any:
    module_name, _, attr = ref.target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split(".") if attr else []:
            obj = getattr(obj, part)
    except Exception as exc:  # a broken plugin must not take the tool down with a traceback
        raise PluginError(
            f"plugin {ref.name!r} ({ref.origin}) failed to load from {ref.target}: {exc}"
        ) from exc
    return obj


def adapter_registry() -> Registry:
    return Registry(BUILTIN_ADAPTERS, ADAPTER_GROUP)


def reporter_registry() -> Registry:
    return Registry(BUILTIN_REPORTERS, REPORTER_GROUP)
