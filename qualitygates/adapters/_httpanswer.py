"""What one HTTP answer gives: its body, within the size limit and the attempt's time, and
the JSON that body decodes to; or why not, as a failure that may heal (`Retry`) or one that
will not (`Refused`).

Split from `_http`, the client, which owns the retries, the credentials and the one
sentence every failure ends as (the URL shown without secrets, then the reason given here).
Like `_httpproblems`, this reads what requests returns without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualitygates.adapters._httpproblems import retry_after, status_text, timed_out
from qualitygates.readers import InvalidJson, parse_json

if TYPE_CHECKING:
    import requests

    from qualitygates.adapters._httptransport import AttemptTimer


@dataclass(frozen=True)
class JsonResponse:
    """A decoded JSON answer and the HTTP status it came with."""

    status: int
    data: Any


class Retry(Exception):
    """A failed attempt that may be tried again; `reason` ends the sentence if it was the last."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class Refused(Exception):
    """A failure that trying again would not heal; `problem` ends the sentence."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_body(
    response: requests.Response, max_bytes: int, budget: float, timer: AttemptTimer
) -> bytes:
    """The body, chunk by chunk, within `max_bytes` and the attempt's deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Refused(f"answered with more than {_mib(max_bytes)}")
    chunks: list[bytes] = []
    size = 0
    for chunk in _chunks(response):
        size += len(chunk)
        if size > max_bytes:
            raise Refused(f"answered with more than {_mib(max_bytes)}")
        chunks.append(chunk)
        if timer.expired:
            break
    if timer.expired:  # the end may be where the timer cut the connection: not the body's
        raise Retry(timed_out(budget))
    return b"".join(chunks)


def plain(response: requests.Response, body: bytes, hint: Callable[[int], str]) -> bytes:
    """The body of a successful answer, as it is; Retry or Refused for an error status."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise Retry(status_text(status, body), wait=retry_after(response))
    if status >= 300:
        raise Refused(status_text(status, body) + hint(status))
    return body


def decode(
    response: requests.Response,
    body: bytes,
    json_statuses: Collection[int],
    hint: Callable[[int], str],
) -> JsonResponse:
    """The JSON of an answer; `json_statuses` are the 4xx whose JSON body the caller reads,
    `hint` says what to do about any other error status."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise Retry(status_text(status, body), wait=retry_after(response))
    if status >= 300 and status not in json_statuses:
        raise Refused(status_text(status, body) + hint(status))
    try:
        data = parse_json(body, "the answer", "server")
    except InvalidJson as exc:
        if exc.strict:  # JSON, but a repeated key or a NaN: the answer cannot be trusted
            raise Refused(str(exc)) from None
        if status >= 300:
            raise Refused(status_text(status, body) + hint(status)) from None
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        what = "an empty body" if not body.strip() else kind
        raise Refused(f"did not answer with JSON (got {what}): check the URL") from None
    return JsonResponse(status, data)


def _chunks(response: requests.Response) -> Iterator[bytes]:
    # iter_content decodes gzip, so the size limit holds for the decoded body too.
    yield from response.iter_content(chunk_size=64 * 1024)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"
