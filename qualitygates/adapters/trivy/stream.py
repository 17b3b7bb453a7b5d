"""Vulnerabilities made into findings while a Trivy report streams in.

A large image report is mostly `Results[].Vulnerabilities[]`: tens of thousands of objects
with descriptions, CVSS vectors and references, of which a finding needs a few fields.
`Streamer` is a `read_json` visitor that turns the complete vulnerabilities of the
result being parsed into findings after each chunk and takes them out of the document, so
they are neither slimmed nor kept. `ReportReader.findings` then reads the rest: the last
vulnerability of each result, those of a result whose `Target` (or `Class`, when the gate
filters on it) comes after them, and from the first malformed one on, so that every error
is raised in report order, as without streaming.
"""

from __future__ import annotations

from typing import Any

from qualitygates.adapters.trivy.findings import ReportReader, Streamed


class Streamer:
    """Takes each complete vulnerability of the result being parsed out as its finding."""

    def __init__(self, reader: ReportReader) -> None:
        self._reader = reader
        self.restart()

    def restart(self) -> None:
        """Forget all: `read_json` reads the report again from the start."""
        self.streamed: Streamed = {}  # what `ReportReader.findings` reads first
        self._stopped: set[int] = set()  # arrays with a malformed item: left as they are

    def __call__(self, doc: Any, complete: bool) -> None:
        """Called after each chunk (and once complete, when `findings` does the rest)."""
        results = doc.get("Results") if not complete and type(doc) is dict else None
        result = results[-1] if type(results) is list and results else None
        vulns = result.get("Vulnerabilities") if type(result) is dict else None
        if type(vulns) is not list or len(vulns) < 2 or id(vulns) in self._stopped:
            return
        assert type(result) is dict  # for mypy: vulns came from it
        target, klass = result.get("Target"), result.get("Class")
        if type(target) is not str or (
            "Class" not in result and not self._reader.subset.everything
        ):
            return  # `findings` will need what comes after: leave the array to it
        klass = klass if type(klass) is str and klass else None
        if id(vulns) not in self.streamed:
            self.streamed[id(vulns)] = (vulns, [])
        end = len(vulns) - 1  # the last may be unfinished
        made = self._reader.vulnerabilities(vulns, end, target, klass, self.streamed[id(vulns)][1])
        if made < end:
            self._stopped.add(id(vulns))
        del vulns[:made]
