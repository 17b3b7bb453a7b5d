"""The reporter interface: render a RunResult into bytes, never judge it again."""

from __future__ import annotations

import abc
from typing import ClassVar

from qualitygates.model import RunResult


class Reporter(abc.ABC):
    """A report format; plugins register subclasses in `qualitygates.reporters`."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def render(self, result: RunResult) -> bytes:
        """The whole report for `result`."""
