"""A policy over the bases it extends: how they merge, and the floors a base keeps.

- Gates, and the checks of a gate, merge by `id`: the base's first, in its order, then the
  new ones. A gate's or check's own settings (`name`, `with` option by option, `commit`,
  ...) are the extending policy's where it gives them, unless that loosens the base:
  `blocking: false` over a blocking one, `on_error: warn` over `fail`, a longer `max_age`,
  another `adapter`, or any `severity_map` over a check's (a map can lower severities).
- Conditions are added. One on a metric the base already judges replaces the base's
  conditions on that metric, and only when it is at least as strict as each of them:
  every value it passes, they pass too (`line_rate >= 90%` over `>= 80%`), and it fails,
  not warns, where they fail.
- Waivers are added: the base's, then the extending policy's. A base's `waiver_ceiling`
  (the most severe finding a waiver may accept) can be lowered, never raised.
- `locked: true` on a gate, check or condition: an extending policy cannot change it.

Each refusal is said at the extending policy's `FILE:LINE:COL`, naming the base's place, and
again at the base's place, so an editor shows both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from qualitygates.durations import parse_duration
from qualitygates.finding import Severity
from qualitygates.policy.problems import Problems
from qualitygates.policy.strictness import (
    at_least_as_strict,
    comparable,
    condition_text,
    metric_of,
)
from qualitygates.policy.yaml_source import Located

#: Settings whose change would loosen a base: (key, the base's default, is it looser?).
_LOOSER: dict[str, tuple[object, Callable[[object, object], bool]]] = {
    "blocking": (True, lambda base, new: base is True and new is False),
    "on_error": ("fail", lambda base, new: base == "fail" and new == "warn"),
}


class Merger:
    """Merges one policy document over another, adding each refusal to `problems`."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def merge(self, base: Located, child: Located) -> Located:
        """`child` (a whole policy) over `base` (a whole resolved policy)."""
        merged = dict(base.value)
        for key, node in child.value.items():
            if key == "gates" and "gates" in merged and node.is_sequence:
                merged[key] = self._by_id(merged[key], node, self._gate)
            elif key == "waivers" and "waivers" in merged:
                merged[key] = _concatenated(merged[key], node)
            elif key == "version" and key in merged and merged[key].value != node.value:
                self._refuse(node, merged[key], "has another version than its base")
            elif key == "waiver_ceiling" and key in merged and _raises(merged[key], node):
                self._refuse(node, merged[key], f"raises the base's waiver_ceiling to {node.value}")
            else:
                merged[key] = node
        merged.pop("extends", None)
        return Located(merged, child.line, child.col, dict(child.key_marks), source=child.source)

    def _by_id(
        self, base: Located, child: Located, merge: Callable[[Located, Located], Located]
    ) -> Located:
        """Lists of gates or checks merged by id; an item without an id is only added."""
        if not base.is_sequence:
            return child
        items = list(base.value)
        index = {_id(item): n for n, item in enumerate(items) if _id(item) is not None}
        for item in child.value:
            found = index.get(_id(item))
            if found is None or not item.is_mapping or not items[found].is_mapping:
                items.append(item)
            else:
                items[found] = merge(items[found], item)
        return Located(items, base.line, base.col, source=base.source)

    def _gate(self, base: Located, child: Located) -> Located:
        return self._item(base, child, "gate", {"checks": self._checks})

    def _checks(self, base: Located, child: Located) -> Located:
        return self._by_id(base, child, self._check) if child.is_sequence else child

    def _check(self, base: Located, child: Located) -> Located:
        special = {
            "conditions": self._conditions,
            "with": _options,
            "waivers": _concatenated,
            "adapter": self._same_adapter,
            "max_age": self._max_age,
            "severity_map": self._severity_map,
        }
        return self._item(base, child, "check", special)

    def _item(
        self,
        base: Located,
        child: Located,
        kind: str,
        special: Mapping[str, Callable[[Located, Located], Located]],
    ) -> Located:
        """A gate or check: `child`'s settings over `base`'s, unless locked or looser."""
        if _locked(base):
            if set(child.value) - {"id"}:
                self._refuse(child, base, f"changes {kind} {_id(base)!r}, which its base locks")
            return base
        merged = dict(base.value)
        marks = dict(base.key_marks)
        for key, node in child.value.items():
            old = merged.get(key)
            if key == "id":
                continue  # the same id: the base's, which made the item
            if key in special and old is not None:
                merged[key] = special[key](old, node)
            elif key in _LOOSER and _looser(key, old, node):
                self._refuse(node, old or base, f"loosens {kind} {_id(base)!r}: {key} {node.text}")
                continue
            else:
                merged[key] = node
            if key in child.key_marks and old is None:
                marks[key] = child.key_marks[key]
        return Located(merged, base.line, base.col, marks, source=base.source)

    def _conditions(self, base: Located, child: Located) -> Located:
        if not (base.is_sequence and child.is_sequence):
            return child
        items = list(base.value)
        replaced: set[int] = set()
        for new in child.value:
            judged = [
                (n, c)
                for n, c in enumerate(base.value)
                if _same_metric(c, new) and (comparable(c, new) or _locked(c))
            ]
            refused = [c for _, c in judged if not self._tightens(c, new)]
            if not refused:
                replaced.update(n for n, _ in judged)
            items.append(new)
        kept = [c for n, c in enumerate(items) if n not in replaced]
        return Located(kept, base.line, base.col, source=base.source)

    def _tightens(self, base: Located, new: Located) -> bool:
        """Whether `new` may replace the base condition `base`; refuse it where not."""
        if _locked(base):
            self._refuse(new, base, f"changes {condition_text(base)!r}, which its base locks")
            return False
        verdict = at_least_as_strict(base, new)
        if verdict is not None:
            self._refuse(new, base, f"loosens {condition_text(base)!r}: {verdict}")
            return False
        return True

    def _same_adapter(self, base: Located, child: Located) -> Located:
        if child.value != base.value:
            self._refuse(
                child, base, f"changes the adapter {base.value!r} of a base check: give it a new id"
            )
            return base
        return child

    def _max_age(self, base: Located, child: Located) -> Located:
        longer = _duration(child) > _duration(base)
        if longer:
            self._refuse(child, base, f"loosens max_age {base.value}: {child.value} is longer")
            return base
        return child

    def _severity_map(self, base: Located, child: Located) -> Located:
        self._refuse(child, base, "changes a base check's severity_map, which can lower severities")
        return base

    def _refuse(self, child: Located, base: Located, message: str) -> None:
        """The problem at the extending policy's place, and a note at the base's."""
        here, there = self.problems.where(child), self.problems.where(base)
        self.problems.add(child, f"{message} (base: {there})")
        self.problems.add(base, f"this base setting is loosened or changed at {here}")


def _raises(base: Located, new: Located) -> bool:
    """Whether a waiver_ceiling lets waivers accept more severe findings than the base's."""
    ranks = {s.value: s.rank for s in Severity}
    return ranks.get(str(new.value), 0) > ranks.get(str(base.value), 0)


def _id(node: Located) -> object:
    found = node.value.get("id") if node.is_mapping else None
    return found.value if found is not None and isinstance(found.value, str) else None


def _locked(node: Located) -> bool:
    found = node.value.get("locked") if node.is_mapping else None
    return found is not None and found.value is True


def _looser(key: str, old: Located | None, new: Located) -> bool:
    default, looser = _LOOSER[key]
    return looser(default if old is None else old.value, new.value)


def _same_metric(base: Located, new: Located) -> bool:
    metric = metric_of(base)
    return metric is not None and metric == metric_of(new)


def _options(base: Located, child: Located) -> Located:
    """`with:` option by option: the extending policy's value wins."""
    if not (base.is_mapping and child.is_mapping):
        return child
    marks = {**base.key_marks, **child.key_marks}
    return Located({**base.value, **child.value}, base.line, base.col, marks, source=base.source)


def _concatenated(base: Located, child: Located) -> Located:
    """Waivers: the base's, then the extending policy's (a file path counts as one item)."""

    def items(node: Located) -> list[Located]:
        if node.value is None:
            return []
        return list(node.value) if node.is_sequence else [node]

    return Located(items(base) + items(child), base.line, base.col, source=base.source)


def _duration(node: Located) -> timedelta:
    try:
        return parse_duration(str(node.value))
    except ValueError:
        return timedelta.max  # validation says what is wrong with it
