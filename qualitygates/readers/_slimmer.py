"""Slimming a JSON document while it is being built: keeping only the keys an adapter reads.

`_slim` hands `Slimmer.drain` the document its parser is building after each chunk,
and `Slimmer.slim` the whole document at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

#: Called with the document while it is being built (False) and once complete (True).
Visit = Callable[[Any, bool], None]
#: Decides whether to keep a key not in `keep`, from the key and its value. A child
#: object or array arrives still empty (the parser attaches it before filling it).
KeepValue = Callable[[str, Any], bool]


class Slimmer:
    """Slims a document in place while ijson builds it, and the whole of it at the end.

    The builder attaches every object and array to its parent before filling it, and only
    ever adds to the last one it started: in each container all but the last child are
    complete. `drain` walks that path of last children from the root, slimming the complete
    children once each and remembering how many it has done per container; `slim` finishes
    a complete value, skipping what was done. The result is what filtering each key as
    it arrives would give.
    """

    def __init__(self, keep: frozenset[str], keep_value: KeepValue | None) -> None:
        self._keep = keep
        self._keep_value = keep_value
        self._done: dict[int, tuple[Any, int]] = {}  # id -> (container, children done)

    def drain(self, node: Any) -> int:
        """Slim the complete children of every container still being built; return how
        many containers are open (at most: the last child may be complete)."""
        path: dict[int, tuple[Any, int]] = {}  # replaces `_done`: what else it holds is
        depth = 0  # complete, or was replaced by a visitor, and would only take memory
        while isinstance(node, (dict, list)) and node:
            depth += 1
            done = self._take(node)
            if isinstance(node, dict):
                for key in list(itertools.islice(node, done, len(node) - 1)):
                    self._entry(node, key)
                key = next(reversed(node))
                path[id(node)] = (node, len(node) - 1)
                if not self._wanted(key, node[key]):  # dropped once complete
                    depth += _depth(node[key])
                    break
            else:
                node[done:-1] = [self.slim(item) for item in node[done:-1]]
                key = -1
                path[id(node)] = (node, len(node) - 1)
            node = node[key]
        else:
            depth += isinstance(node, (dict, list))
        self._done = path
        return depth

    def slim(self, value: Any) -> Any:
        """`value` (complete) with every object keeping only the wanted keys."""
        if isinstance(value, dict):
            done = self._take(value)
            if done:
                for key in list(itertools.islice(value, done, None)):
                    self._entry(value, key)
                return value
            return self._dict(value)
        if isinstance(value, list):
            done = self._take(value)
            value[done:] = [self.slim(item) for item in value[done:]]
            return value
        return value

    def _dict(self, value: dict[str, Any]) -> dict[str, Any]:
        keep, keep_value, slim = self._keep, self._keep_value, self.slim
        if keep_value is None:
            return {
                key: slim(item) if isinstance(item, (dict, list)) else item
                for key, item in value.items()
                if key in keep
            }
        out = {}
        for key, item in value.items():
            if key in keep:
                out[key] = slim(item) if isinstance(item, (dict, list)) else item
            elif keep_value(key, _empty(item)):
                out[key] = slim(item)
        return out

    def _entry(self, node: dict[str, Any], key: str) -> None:
        item = node[key]
        if self._wanted(key, item):
            node[key] = self.slim(item)
        else:
            del node[key]

    def _wanted(self, key: str, item: Any) -> bool:
        return key in self._keep or (
            self._keep_value is not None and self._keep_value(key, _empty(item))
        )

    def _take(self, node: Any) -> int:
        entry = self._done.pop(id(node), None)
        return 0 if entry is None else entry[1]


def _depth(node: Any) -> int:
    """How many containers there are on the path of last children from `node` down."""
    depth = 0
    while isinstance(node, (dict, list)):
        depth += 1
        if not node:
            break
        node = node[next(reversed(node))] if isinstance(node, dict) else node[-1]
    return depth


def _empty(value: Any) -> Any:
    """What `keep_value` is shown of a value: a container as if not filled yet."""
    if isinstance(value, dict):
        return {}
    return [] if isinstance(value, list) else value


def slim(value: Any, keep: frozenset[str], keep_value: KeepValue | None = None) -> Any:
    """A complete parsed `value` with every object keeping only the keys `load_slim_json`
    keeps (in place where it can)."""
    return Slimmer(keep, keep_value).slim(value)
