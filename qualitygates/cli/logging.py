"""The log handler of the command line: log lines are redacted and sanitised like `echo`.

Apart from `cli.output` so that `qualitygates --version` never imports `logging`.
"""

from __future__ import annotations

import logging
import sys

from qualitygates.cli.output import environment_secrets, redact


def log_handler() -> logging.Handler:
    """A stderr handler whose lines go through the same redaction and sanitising as `echo`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    return handler


class _SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from qualitygates.sanitise import for_log

        return for_log(redact(super().format(record), environment_secrets()))
