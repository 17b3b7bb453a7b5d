"""The one HTTP client of the adapters that read a server's JSON API (Prometheus, SonarQube).

What each such adapter needs, in one place:

- One deadline for the whole check (`CollectRequest.timeout`, else `DEFAULT_TIMEOUT`), and
  one for each attempt within it (at most `attempt_timeout`). An attempt's deadline holds
  for connecting, the headers and the body together: when it passes, its sockets are shut
  down (`_httptransport`), so a server that drips one byte a second, or sends its headers
  and then nothing, cannot hold the check, or its thread, past it.
- Bounded retries with exponential backoff on connection errors, timeouts, HTTP 5xx and 429
  (Retry-After honoured up to a cap), never on other 4xx: a bad token or URL does not heal.
- TLS verified by default; `ca_bundle` for a private CA. requests' `trust_env` honours
  REQUESTS_CA_BUNDLE, HTTPS_PROXY and NO_PROXY.
- Credentials only for the origins the policy names (`trusted`: the check's `url` and
  `allowed_hosts`, see `_trust`), checked on every request the session sends, redirects
  included, so no adapter can forget. requests also drops the Authorization header on a
  redirect that changes the scheme, host or port (`Session.rebuild_auth`); tests pin both.
- A response size limit, and every failure as one AdapterError sentence naming the URL
  without its userinfo, token-like query parameters or the secret values themselves
  (what an answer means, `_httpanswer`; why a request failed, `_httpproblems`).

`requests` is imported inside functions so that `qualitygates --version` never loads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from qualitygates._version import __version__
from qualitygates.adapters._httpanswer import (
    JsonResponse,
    Refused,
    Retry,
    decode,
    plain,
    read_body,
)
from qualitygates.adapters._httpproblems import (
    display_url,
    request_problem,
    status_hint,
    timed_out,
    untrusted,
)
from qualitygates.adapters._trust import Origin, origin_of, trusted_origins
from qualitygates.deadline import DEFAULT_TIMEOUT
from qualitygates.errors import AdapterError

if TYPE_CHECKING:
    import requests

    from qualitygates.adapters._httptransport import GuardedSession

__all__ = ["DEFAULT_TIMEOUT", "HttpClient", "JsonResponse", "display_url"]
LOG = logging.getLogger("qualitygates.http")
MAX_BYTES = 32 * 1024 * 1024
ATTEMPTS = 3
ATTEMPT_TIMEOUT = 30.0  # seconds per attempt: connecting, the headers and the body
CONNECT_TIMEOUT = 10.0
BACKOFF = 0.5  # first pause between attempts; it doubles each time
_Answer = TypeVar("_Answer")
_MIN_ATTEMPT = 0.05  # below this much time left, another attempt cannot succeed


class HttpClient:
    """GET JSON from one server within one check's time; use it as a context manager."""

    def __init__(
        self,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        ca_bundle: str | None = None,
        timeout: float | None = None,
        trusted: Iterable[Origin | str] = (),
        attempts: int = ATTEMPTS,
        attempt_timeout: float = ATTEMPT_TIMEOUT,
        backoff: float = BACKOFF,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        if token and (username or password):
            raise AdapterError("give either 'token' or 'username'/'password', not both")
        if bool(username) != bool(password):
            raise AdapterError("basic auth needs both 'username' and 'password'")
        self.token, self.username, self.password = token or None, username or None, password
        self.ca_bundle = ca_bundle or None
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise AdapterError(
                f"ca_bundle {self.ca_bundle} is not a file: give a PEM file of CA certificates"
            )
        self.attempts = max(1, attempts)
        self.attempt_timeout = attempt_timeout
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.trusted = frozenset(_origins(trusted))
        # Without a time of its own the check still ends: after the run's default time.
        self._deadline = time.monotonic() + (DEFAULT_TIMEOUT if timeout is None else timeout)
        self._secrets = [s for s in (token, password) if s]  # redact() skips short ones
        self._session: GuardedSession | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any], timeout: float | None) -> HttpClient:
        """A client from the usual options: token, username, password, ca_bundle, and the
        origins it may send them to: url and allowed_hosts."""
        return cls(
            token=options.get("token"),
            username=options.get("username"),
            password=options.get("password"),
            ca_bundle=options.get("ca_bundle"),
            timeout=timeout,
            trusted=trusted_origins(options),
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def redact(self, text: str) -> str:
        """`text` with every secret value of this client replaced by `***`, in any spelling
        (a token percent-encoded in a URL too): the one redaction of `qualitygates.redaction`."""
        from qualitygates.redaction import redact

        return redact(text, self._secrets)

    def get_json(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        json_statuses: Collection[int] = (),
    ) -> JsonResponse:
        """GET `url` and decode its JSON, retrying what may heal; raise AdapterError otherwise.

        `json_statuses` are 4xx statuses whose JSON body the caller reads itself (Prometheus
        explains a bad query in the body of an HTTP 400).
        """
        return self._get(url, params, lambda r, body: decode(r, body, json_statuses, self._hint))

    def get_bytes(self, url: str) -> bytes:
        """GET a file's bytes (a policy, not an API), as `get_json` does its JSON."""
        return self._get(url, None, lambda r, body: plain(r, body, self._hint))

    def _get(
        self,
        url: str,
        params: Mapping[str, str] | None,
        answer: Callable[[requests.Response, bytes], _Answer],
    ) -> _Answer:
        """GET `url` and make `answer` of it, retrying what may heal; AdapterError otherwise."""
        shown = display_url(url)
        reason, tried = "was not tried: the check's time had run out", 0
        for attempt in range(1, self.attempts + 1):
            budget = self._budget()
            if budget < _MIN_ATTEMPT:
                break
            tried = attempt
            try:
                return self._attempt(url, params, budget, answer)
            except Refused as refused:
                raise self._error(shown, refused.problem) from None
            except Retry as retry:
                reason = retry.reason
                pause = self.backoff * 2 ** (attempt - 1) if retry.wait is None else retry.wait
                if attempt == self.attempts or self._budget() - pause < _MIN_ATTEMPT:
                    break
                LOG.info(
                    "GET %s %s; retrying in %.1f s (attempt %d of %d)",
                    shown,
                    self.redact(reason),
                    pause,
                    attempt + 1,
                    self.attempts,
                )
                time.sleep(pause)
        counted = f" ({tried} attempt{'s' if tried != 1 else ''})" if tried else ""
        raise AdapterError(self.redact(f"GET {shown} {reason}{counted}"))

    def _budget(self) -> float:
        return min(self.attempt_timeout, self._deadline - time.monotonic())

    def _attempt(
        self,
        url: str,
        params: Mapping[str, str] | None,
        budget: float,
        answer: Callable[[requests.Response, bytes], _Answer],
    ) -> _Answer:
        """One GET within `budget` seconds; Retry or Refused when it fails."""
        import requests

        from qualitygates.adapters._httptransport import AttemptTimer, UntrustedOrigin

        session = self._open()
        with AttemptTimer(budget) as timer:
            try:
                response = session.get(
                    url,
                    params=params,
                    timeout=(min(CONNECT_TIMEOUT, budget), budget),
                    stream=True,
                    verify=self.ca_bundle or True,
                    auth=self._auth(),
                )
                with response:
                    body = read_body(response, self.max_bytes, budget, timer)
            except UntrustedOrigin as exc:
                raise Refused(untrusted(exc.origin)) from None
            except (requests.exceptions.RequestException, OSError) as exc:
                if timer.expired:  # the timer cut the connection: that is the fault
                    raise Retry(timed_out(budget)) from None
                problem, heals = request_problem(exc, budget)
                raise (Retry(problem) if heals else Refused(problem)) from None
        return answer(response, body)

    def _open(self) -> GuardedSession:
        if self._session is None:
            from qualitygates.adapters._httptransport import GuardedSession

            self._session = GuardedSession(self.trusted)
            self._session.headers["User-Agent"] = f"qualitygates/{__version__}"
            self._session.headers["Accept"] = "application/json"
        return self._session

    def _auth(self) -> requests.auth.AuthBase | tuple[str, str] | None:
        if self.token:
            from qualitygates.adapters._httptransport import BearerAuth

            return BearerAuth(self.token)
        if self.username and self.password:
            return (self.username, self.password)
        return None

    def _hint(self, status: int) -> str:
        return status_hint(status, bool(self.token), bool(self.username))

    def _error(self, shown: str, problem: str) -> AdapterError:
        return AdapterError(self.redact(f"GET {shown} {problem}"))


def _origins(trusted: Iterable[Origin | str]) -> Iterator[Origin]:
    for item in trusted:
        origin = item if isinstance(item, Origin) else origin_of(item)
        if origin is not None:
            yield origin
