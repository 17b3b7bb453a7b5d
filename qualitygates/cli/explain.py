"""`qualitygates explain ADAPTER`: an adapter's own declaration, as text."""

from __future__ import annotations

from qualitygates.adapters.interface import Adapter


def explain_adapter(adapter: type[Adapter]) -> str:
    """Options, formats and metrics (with units) of an adapter."""
    lines = [f"{adapter.name}: {adapter.summary}", ""]
    if adapter.formats:
        lines.append("Reads:")
        lines.extend(f"  - {fmt}" for fmt in adapter.formats)
        lines.append("")
    lines.append("Options (under with:):")
    for option in adapter.options:
        flag = "required" if option.required else f"default {option.default!r}"
        choices = f"; one of {', '.join(option.choices)}" if option.choices else ""
        lines.append(f"  {option.name} ({option.kind.value}, {flag}{choices})")
        lines.append(f"      {option.description}")
    if not adapter.options:
        lines.append("  none")
    lines.append("")
    lines.append("Metrics:")
    for metric in adapter.metrics:
        unit = metric.unit.value if metric.unit else "unit from the source"
        summary = ", always reported" if metric.summary else ""
        lines.append(f"  {metric.name} [{unit}{summary}]")
        lines.append(f"      {metric.description}")
    return "\n".join(lines) + "\n"
