"""Which changed file a coverage report's file name means.

Reports name files in many ways: relative to a Cobertura `<source>` (coverage.py, gcovr),
relative to where the tool ran (coverage.py JSON and LCOV), absolute (LCOV from
istanbul/c8), on the machine that ran the tests (a CI path that is not this checkout), or
as `package/File.java` (JaCoCo). A name is matched, in this order:

1. an absolute name inside the checkout: its path there;
2. a relative name joined to each Cobertura `<source>`, each of `src_roots`, then the
   checkout's root: the first that is a file of the checkout;
3. otherwise by path suffix against the files git tracks: the tracked path that the name
   ends with, or that ends with the name (whole path components), sharing the most
   components. Two equally good tracked paths, one of them changed, are an error: the
   numbers would rest on a guess.

diff-cover does 1 and 2 only (and, for JaCoCo, needs `--src-roots`); a report written on
another machine matches nothing there, which it reports as "no lines with coverage".
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from qualitygates.errors import AdapterError

Parts = tuple[str, ...]


class PathMatcher:
    """Maps report file names to the repository-relative paths of changed files."""

    def __init__(
        self,
        root: Path,
        changed: Collection[str],
        src_roots: Sequence[str] = (),
        tracked: Callable[[], Iterable[str]] = lambda: (),
    ) -> None:
        self.root = root
        self.changed = frozenset(changed)
        self.src_roots = tuple(src_roots)
        self._roots = tuple(
            dict.fromkeys((root.as_posix(), Path(os.path.realpath(root)).as_posix()))
        )
        self._names = frozenset(posixpath.basename(path) for path in self.changed)
        self._tracked = tracked
        self._index: dict[str, set[Parts]] | None = None

    def match(self, name: str, sources: Sequence[str], report: Path) -> str | None:
        """The changed file that `name` (from `report`) means, or None for any other file."""
        text = name.strip().replace("\\", "/")
        if not text or posixpath.basename(text) not in self._names:
            return None  # a changed file's name ends the same way, whatever the folders
        if posixpath.isabs(text):
            inside = self._inside(text)
            if inside is not None:
                return inside if inside in self.changed else None
        else:
            for base in (*sources, *self.src_roots, ""):
                inside = self._inside(posixpath.join(self._folder(base), text))
                if inside is not None and (self.root / inside).is_file():
                    return inside if inside in self.changed else None
        return self._by_suffix(text, name, report)

    def _folder(self, base: str) -> str:
        """A report's source folder as an absolute path (a relative one is from the root)."""
        folder = base.strip().replace("\\", "/")
        return folder if posixpath.isabs(folder) else posixpath.join(self._roots[0], folder)

    def _inside(self, path: str) -> str | None:
        """`path` relative to the checkout's root, when it is inside it."""
        normal = posixpath.normpath(path)
        for candidate in dict.fromkeys((normal, Path(os.path.realpath(normal)).as_posix())):
            for root in self._roots:
                relative = posixpath.relpath(candidate, root)
                if relative not in {".", ".."} and not relative.startswith("../"):
                    return relative
        return None

    def _by_suffix(self, text: str, name: str, report: Path) -> str | None:
        parts = tuple(part for part in text.split("/") if part not in ("", "."))
        best, found = 0, []
        for own in self._tracked_index().get(parts[-1], ()):
            size = min(len(own), len(parts))
            if own[-size:] != parts[-size:]:
                continue
            if size > best:
                best, found = size, [own]
            elif size == best:
                found.append(own)
        paths = sorted("/".join(own) for own in found)
        if len(paths) > 1 and self.changed.intersection(paths):
            raise AdapterError(
                f"{report}: the file {name!r} it measures could be {paths[0]} or {paths[1]}: "
                "set `src_roots` to the folder(s) the report's file names start from"
            )
        return paths[0] if len(paths) == 1 and paths[0] in self.changed else None

    def _tracked_index(self) -> dict[str, set[Parts]]:
        """Tracked paths by file name, for the names of changed files only (built once)."""
        if self._index is None:
            index: dict[str, set[Parts]] = {}
            for path in (*self._tracked(), *self.changed):
                parts = tuple(path.split("/"))
                if parts[-1] in self._names:
                    index.setdefault(parts[-1], set()).add(parts)
            self._index = index
        return self._index
