"""The value types of options, checked when the command line is read (exit 2, one sentence).

A bad value never reaches a command: `--timeout nan` would never time out, `--now 0001-01-01`
would overflow the first date it meets, a `--var` no `${...}` can name is a typo, a
`--report` format no reporter renders would be found out only after the run. The modules a
check needs are imported when a value is checked.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # generic from click 8.4 only; the package supports 8.1
    _SecondsType = click.ParamType[float]
    _TextType = click.ParamType[str]
    _TargetType = click.ParamType[tuple[str, str]]
else:
    _SecondsType = _TextType = _TargetType = click.ParamType

ONE_DAY = 86400.0
_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Seconds(_SecondsType):
    """A finite number of seconds, from `minimum` to `maximum` (default 0.1 s to a day)."""

    name = "seconds"

    def __init__(self, minimum: float = 0.1, maximum: float = ONE_DAY) -> None:
        self.minimum, self.maximum = minimum, maximum

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            seconds = float(str(value).strip())
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds) or not self.minimum <= seconds <= self.maximum:
            self.fail(
                f"{str(value)[:40]!r} is not a number of seconds from {self.minimum:g} to "
                f"{self.maximum:g} (one day)",
                param,
                ctx,
            )
        return seconds


class Instant(_TextType):
    """An ISO date or time (UTC without a zone), kept as written for the command to parse.

    With `past_only`, a time later than this machine's clock (beyond `CLOCK_SKEW`) is
    refused: a sign-off dated in the future would stay fresh longer than it should.
    """

    name = "iso-time"

    def __init__(self, past_only: bool = False) -> None:
        self.past_only = past_only

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{text[:40]!r} is not an ISO date or time, e.g. 2026-11-24T12:00:00Z", param, ctx
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        if not _EARLIEST <= moment < _LATEST:
            self.fail(f"{text!r} is not between 1970 and 9000", param, ctx)
        from qualitygates.domains import CLOCK_SKEW  # not at the top: --version pays for none

        if self.past_only and moment > datetime.now(timezone.utc) + CLOCK_SKEW:
            self.fail(f"{text!r} is in the future: record a time that has passed", param, ctx)
        return text.strip()


class Assignment(_TextType):
    """`KEY=VALUE` with KEY a variable name a policy's `${KEY}` can refer to."""

    name = "key=value"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        # Only the key is ever shown: the value may be a secret.
        text = str(value)
        key, sep, _ = text.partition("=")
        if not sep:
            self.fail("write KEY=VALUE, e.g. --var REPORTS_DIR=out (no '=' given)", param, ctx)
        if not _VARIABLE.fullmatch(key):
            self.fail(
                f"{key[:40]!r} is not a variable name: use letters, digits and _, "
                "not starting with a digit",
                param,
                ctx,
            )
        return text


class ReportTarget(_TargetType):
    """`FORMAT=PATH`: a report format that a reporter (built-in or plugin) renders, and
    where to write it (`-` for standard output)."""

    name = "format=path"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        name, sep, path = str(value).partition("=")
        if not sep or not path:
            self.fail(
                f"{str(value)[:60]!r} is not FORMAT=PATH, e.g. --report sarif=findings.sarif",
                param,
                ctx,
            )
        from qualitygates.reports.publish import format_problem

        problem = format_problem(name)
        if problem:
            self.fail(problem, param, ctx)
        return name, path
