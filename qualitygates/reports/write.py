"""Writing reports atomically.

A report is written to a temporary file beside its target and renamed over it, so a
reader (or a killed run) never sees half a report; the previous one stays intact.
`redact` is re-exported from `qualitygates.redaction` for the callers that redact text.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from qualitygates.errors import ReportError
from qualitygates.redaction import REDACTED, redact

__all__ = ["REDACTED", "redact", "write_atomic"]


def _for_log(data: bytes) -> bytes:
    """A report bound for our own standard output or error: that is the CI log, so it is
    sanitised as everything the CLI prints is (`qualitygates.sanitise.for_log`)."""
    from qualitygates.sanitise import for_log

    return for_log(data.decode("utf-8", "replace")).encode("utf-8")


def _is_our_console(target: Path) -> bool:
    """Whether `target` (e.g. /dev/stdout) is the very pipe or terminal of fd 1 or 2."""
    try:
        found = os.stat(target)
        consoles = [os.fstat(fd) for fd in (1, 2)]
    except OSError:
        return False
    return any((found.st_dev, found.st_ino) == (c.st_dev, c.st_ino) for c in consoles)


def _write_stream(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(_for_log(data))
        sys.stdout.buffer.flush()
    except OSError as exc:
        raise ReportError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _write_through(target: Path, data: bytes) -> None:
    """Write into an existing FIFO or device; a FIFO nobody reads is an error, not a hang."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise ReportError(
                f"cannot write {target}: it is a FIFO that no process reads"
            ) from None
        raise ReportError(f"cannot write {target}: {exc.strerror}") from None
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb", closefd=True) as handle:
            handle.write(data)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` so that it is either the old file or the whole new one.

    `-` is standard output. A FIFO or a character device (`/dev/stdout`, `/dev/null`) is
    written through, never renamed over: replacing `/dev/full` with a regular file, as a
    rename would when run as root, breaks the machine for every later user of the device.
    """
    if str(path) == "-":
        _write_stream(data)
        return
    target = Path(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # missing (or unreadable: the write below says so)
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        _write_through(target, _for_log(data) if _is_our_console(target) else data)
        return
    if mode is not None and stat.S_ISDIR(mode):
        raise ReportError(f"cannot write {target}: it is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())  # mkstemp's 0600 would hide it from CI
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError(f"cannot write {target}: {exc.strerror}") from exc
