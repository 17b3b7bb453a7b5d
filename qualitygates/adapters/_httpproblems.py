"""How an HTTP failure reads: one sentence for a status, a network fault or a TLS refusal.

Split from `_http` (the client); these read what requests and urllib3 raise or return
without importing either, so that start-up never pays for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING

from qualitygates.readers import InvalidJson, parse_json
from qualitygates.redaction import display_url as display_url  # noqa: PLC0414 (re-exported)

if TYPE_CHECKING:
    import requests

#: The longest Retry-After honoured, in seconds.
MAX_RETRY_AFTER = 10.0


def status_hint(status: int, token: bool, username: bool) -> str:
    """What to do about an HTTP error status, given the credentials the client sent."""
    if status == 401:
        if token:
            return ": check the token"
        if username:
            return ": check the username and password"
        return ": the server needs credentials (set 'token')"
    if status == 403:
        return ": the credentials lack the permission"
    if status == 404:
        return ": check the URL"
    if 300 <= status < 400:
        return ": a redirect without a usable Location"
    return ""


def untrusted(origin: str) -> str:
    return (
        f"was not sent: the check's credentials go only to servers its policy names, and "
        f"{origin} is not one (add it to the check's 'url' or 'allowed_hosts' if you trust it)"
    )


def timed_out(budget: float) -> str:
    return f"timed out after {budget:.3g} s"


def status_text(status: int, body: bytes) -> str:
    try:
        phrase = f" {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = ""
    said = server_message(body)
    return f"answered HTTP {status}{phrase}" + (f" ({said})" if said else "")


def server_message(body: bytes) -> str:
    """The error text of a JSON error body (Prometheus `error`, SonarQube `errors[].msg`)."""
    try:
        data = parse_json(body, "the answer", "server")
    except InvalidJson:
        return ""
    if not isinstance(data, dict):
        return ""
    found = data.get("error") or data.get("message")
    errors = data.get("errors")
    if not found and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        found = errors[0].get("msg") or errors[0].get("message")
    return " ".join(str(found).split())[:300] if found else ""


def retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return min(float(raw), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (args, `reason`, causes), depth first."""
    seen: set[int] = set()
    stack = [exc]
    while stack and len(seen) < 50:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [*current.args, getattr(current, "reason", None)]
        linked += [current.__cause__, current.__context__]
        stack.extend(e for e in linked if isinstance(e, BaseException))


def request_problem(exc: BaseException, budget: float) -> tuple[str, bool]:
    """The end of the sentence for what requests raised, and whether another try may heal it."""
    import requests  # already loaded: it raised `exc`

    errors = requests.exceptions
    if isinstance(exc, errors.SSLError):
        return tls_problem(exc), False
    if isinstance(exc, (errors.InvalidURL, errors.MissingSchema)):
        return f"is not a valid http(s) URL ({exc})", False
    if isinstance(exc, errors.InvalidSchema):
        return "is not an http or https URL", False
    if isinstance(exc, errors.TooManyRedirects):
        return "redirected too many times: check the URL", False
    network = (errors.Timeout, errors.ConnectionError, errors.ChunkedEncodingError)
    if isinstance(exc, (*network, errors.ContentDecodingError, OSError)):
        return network_problem(exc, budget), True
    return f"failed: {exc}", False


def network_problem(exc: BaseException, budget: float) -> str:
    import socket

    names = {type(e).__name__ for e in causes(exc)}
    if names & {"ReadTimeout", "ConnectTimeout", "ReadTimeoutError", "ConnectTimeoutError"} or any(
        isinstance(e, TimeoutError) for e in causes(exc)
    ):
        return timed_out(budget)
    if any(isinstance(e, socket.gaierror) for e in causes(exc)) or "NameResolutionError" in names:
        return "failed: the host name does not resolve: check the URL"
    if any(isinstance(e, ConnectionRefusedError) for e in causes(exc)):
        return "failed: connection refused: check the URL and that the server is running"
    if names & {"ConnectionResetError", "RemoteDisconnected", "ProtocolError", "BrokenPipeError"}:
        return "failed: the server closed the connection without answering"
    if "ChunkedEncodingError" in names or "IncompleteRead" in names:
        return "failed: the answer was cut off"
    return "failed: could not connect: check the URL and that the server is running"


def tls_problem(exc: BaseException) -> str:
    text = " ".join(str(e) for e in causes(exc))
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        detail = re.search(r"certificate verify failed: ([^()'\"]+)", text)
        why = f" ({detail.group(1).strip()})" if detail else ""
        return (
            f"failed TLS verification{why}: set 'ca_bundle' (or REQUESTS_CA_BUNDLE) to the "
            "certificate of the CA that signed the server's certificate"
        )
    return "failed to set up TLS: check that the URL's scheme and port match the server"
