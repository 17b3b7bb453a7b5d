"""The exceptions of qualitygates; each carries one sentence a person can act on."""

from __future__ import annotations


class QualityGatesError(Exception):
    """Base of every expected problem; the CLI prints it as one line, never a traceback."""


class PolicyError(QualityGatesError):
    """The policy or the command line is invalid: nothing is judged (exit 2).

    Holds every problem found, each already formatted as `FILE:LINE:COL: message`.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UsageError(QualityGatesError):
    """The command line names something unusable (a file that is no saved result): exit 2."""


class AdapterError(QualityGatesError):
    """A source could not be read or measured: the check's status becomes `error`."""


class ReportError(QualityGatesError):
    """A report could not be written or a saved result could not be read."""


class HistoryError(QualityGatesError):
    """The history store cannot be opened, read or written; one sentence, password hidden."""
