"""The JSON Schema of `gates.yaml`, made from the validator's own key lists and the
adapters' declared options and metrics, so editors complete what `validate` accepts."""

from __future__ import annotations

from typing import Any

from qualitygates.adapters.interface import Adapter, OptionKind, OptionSpec
from qualitygates.finding import Severity
from qualitygates.plugins import PluginError, Registry, adapter_registry
from qualitygates.policy.keys import CHECK_KEYS, CONDITION_KEYS, GATE_KEYS, TOP_KEYS, WAIVER_KEYS

SCHEMA_ID = "https://qualitygates.dev/schema/gates-v1.json"
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
_OPTION_TYPES: dict[OptionKind, dict[str, Any]] = {
    OptionKind.PATH: {"type": "string"},
    OptionKind.PATHS: {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
    OptionKind.STRING: {"type": "string"},
    OptionKind.SECRET: {"type": "string"},
    OptionKind.URL: {"type": "string"},
    OptionKind.INTEGER: {"type": "integer"},
    OptionKind.NUMBER: {"type": "number"},
    OptionKind.BOOLEAN: {"type": "boolean"},
    OptionKind.CHOICE: {"type": "string"},
    OptionKind.STRINGS: {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
    OptionKind.MAPPING: {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    OptionKind.LIST: {"type": ["array", "object"]},
}


def policy_schema(registry: Registry | None = None) -> dict[str, Any]:
    """The whole schema; adapters that fail to load are left out of the per-adapter rules."""
    adapters = _loadable(registry or adapter_registry())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "qualitygates policy (gates.yaml)",
        **_object(TOP_KEYS, ["version"], {
            "version": {"const": 1},
            "extends": {"anyOf": [{"$ref": "#/$defs/base"},
                                  {"type": "array", "items": {"$ref": "#/$defs/base"}}]},
            "gates": {"type": "array"},
            "waivers": {"$ref": "#/$defs/waivers"},
            "waiver_notice_days": {"type": "integer", "minimum": 0},
            "waiver_ceiling": {"enum": [s.value for s in Severity if s is not Severity.UNKNOWN]},
        }),
        # A policy that extends bases may restate only what it changes of a gate or check.
        "if": {"required": ["extends"]},
        "then": {"properties": {"gates": {"items": {"$ref": "#/$defs/partial_gate"}}}},
        "else": {"required": ["gates"],
                 "properties": {"gates": {"minItems": 1, "items": {"$ref": "#/$defs/gate"}}}},
        "$defs": _definitions(adapters),
    }  # fmt: skip


def _loadable(registry: Registry) -> list[Any]:
    """The adapters that load; a broken plugin is left out of the schema, not fatal."""
    adapters = []
    for name in registry.names():
        try:
            adapters.append(registry.load(name))
        except PluginError:
            continue
    return adapters


def _definitions(adapters: list[Any]) -> dict[str, Any]:
    return {
        "gate": _object(GATE_KEYS, ["id", "checks"], {
            "id": {"type": "string", "pattern": _ID_PATTERN},
            "blocking": {"type": "boolean"},
            "locked": {"type": "boolean"},
            "checks": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/check"}},
        }),
        "check": _check(adapters),
        "base": {"anyOf": [{"type": "string", "minLength": 1}, {
            "type": "object", "required": ["source"], "additionalProperties": False,
            "properties": {"source": {"type": "string"},
                           "sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                           "allow_moving_ref": {"type": "boolean"}}}]},
        "partial_gate": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string", "pattern": _ID_PATTERN},
            "checks": {"type": "array", "items": {"type": "object", "required": ["id"]}}}},
        "condition": {"anyOf": [
            {"type": "string", "pattern": r"(<|>|==|!=)"},
            _object(CONDITION_KEYS, ["expr"], {
                "on_fail": {"enum": ["fail", "warn"]},
                "on_no_baseline": {"enum": ["fail", "warn"]},
                "locked": {"type": "boolean"},
            }),
        ]},
        "waivers": {"anyOf": [{"type": "string"}, {"type": "null"},
                              {"type": "array", "items": {"$ref": "#/$defs/waiver"}}]},
        "waiver": _object(WAIVER_KEYS, ["id", "reason"], {
            "reason": {"type": "string", "minLength": 1},
            "expires": {"type": "string", "format": "date"},
        }),
    }  # fmt: skip


def _object(keys: dict[str, str], required: list[str], types: dict[str, Any]) -> dict[str, Any]:
    properties = {key: {"description": text, **types.get(key, {})} for key, text in keys.items()}
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _check(adapters: list[type[Adapter]]) -> dict[str, Any]:
    check = _object(CHECK_KEYS, ["id", "adapter", "conditions"], {
        "id": {"type": "string", "pattern": _ID_PATTERN},
        "adapter": {"enum": [a.name for a in adapters]},
        "with": {"type": "object"},
        "conditions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
        "blocking": {"type": "boolean"},
        "on_error": {"enum": ["fail", "warn"]},
        "locked": {"type": "boolean"},
        "waivers": {"$ref": "#/$defs/waivers"},
        "max_age": {"type": "string", "pattern": r"^(\d+[smhdw])+$"},
        "severity_map": {"type": "object", "additionalProperties": {"enum": [s.value for s in Severity]}},
    })  # fmt: skip
    check["allOf"] = [_adapter_rule(adapter) for adapter in adapters]
    return check


def _adapter_rule(adapter: type[Adapter]) -> dict[str, Any]:
    """When `adapter` is this one, `with` takes exactly its options."""
    options = {o.name: _option(o) for o in adapter.options}
    required = [o.name for o in adapter.options if o.required]
    with_schema = {
        "type": "object",
        "properties": options,
        "additionalProperties": False,
        "required": required,
    }
    metrics = "; ".join(m.name for m in adapter.metrics)
    return {
        "if": {"properties": {"adapter": {"const": adapter.name}}, "required": ["adapter"]},
        "then": {"properties": {"with": with_schema, "conditions": {"description": f"Metrics: {metrics}"}},
                 **({"required": ["with"]} if required else {})},
    }  # fmt: skip


def _option(option: OptionSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": option.description, **_OPTION_TYPES[option.kind]}
    if option.choices:
        schema.update(_choices(option))
    if option.minimum is not None:
        schema["minimum"] = option.minimum
    if option.maximum is not None:
        schema["maximum"] = option.maximum
    if option.default is not None:
        schema["default"] = (
            list(option.default) if isinstance(option.default, tuple) else option.default
        )
    return schema


def _choices(option: OptionSpec) -> dict[str, Any]:
    """The declared choices where the kind puts them: the value, each item, each value."""
    allowed = list(option.choices)
    if option.ignore_case:  # as the tool writes them too: Trivy's CRITICAL
        allowed += [c.upper() for c in option.choices]
    enum = {"enum": allowed}
    if option.kind is OptionKind.STRINGS:
        return {"anyOf": [enum, {"type": "array", "items": enum}]}
    if option.kind is OptionKind.MAPPING:
        return {"type": "object", "additionalProperties": enum}
    return enum
