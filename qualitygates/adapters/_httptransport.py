"""The requests Session under `_http.HttpClient`: an absolute deadline per attempt, and
credentials only for trusted origins, both enforced where every request goes through.

Deadline. requests' timeouts bound each socket operation, not the answer: a server that
sends one byte a second, of its headers or its body, never trips them. So each socket an
attempt connects or reuses is noted (per thread: requests is synchronous) and, when the
attempt's time is up, a timer shuts it down. The blocked read then fails at once and the
thread goes on. Shut down, not closed: closing a descriptor another thread is reading
does not wake that thread, and shutting down the descriptor itself also works under TLS.
(Connecting and the TLS handshake are already bounded as a whole by the connect
timeout; a SOCKS proxy's sockets are not noted, so there only the per-read timeouts hold.)

Credentials. `GuardedSession.send` sees every request, redirects included, after the
auth is applied: one that carries an Authorization header to an origin the policy does
not name raises `UntrustedOrigin` before a byte is sent.

Imported only when a request is made: it imports requests and urllib3.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from qualitygates.adapters._trust import Origin, is_trusted, origin_of

_ACTIVE = threading.local()  # the AttemptTimer of the attempt this thread is making


class UntrustedOrigin(Exception):
    """A request would have sent credentials to an origin the policy does not name."""

    def __init__(self, origin: str) -> None:
        super().__init__(origin)
        self.origin = origin


class AttemptTimer:
    """Shuts down the sockets of one attempt when its `seconds` are up; a context manager."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> AttemptTimer:
        _ACTIVE.timer = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._timer.cancel()
        _ACTIVE.timer = None

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut_down(sock)  # connected after the time was up

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    # The plain socket's method, on the descriptor: an SSLSocket's own shutdown would unwrap
    # TLS under a thread that is still reading. A socket already closed raises.
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _note(sock: socket.socket | None) -> None:
    timer: AttemptTimer | None = getattr(_ACTIVE, "timer", None)
    if timer is not None and sock is not None:
        timer.watch(sock)


class _HTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _note(self.sock)


class _HTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _note(self.sock)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)
        _note(getattr(conn, "sock", None))  # a kept-alive connection is reused as it is
        return conn


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)
        _note(getattr(conn, "sock", None))
        return conn


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections note their sockets for the attempt's timer."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


class GuardedSession(requests.Session):
    """A Session that sends credentials only to `trusted` origins and notes its sockets."""

    def __init__(self, trusted: Iterable[Origin]) -> None:
        super().__init__()
        self.trusted = frozenset(trusted)
        for prefix in ("http://", "https://"):
            self.mount(prefix, _DeadlineAdapter())

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.headers.get("Authorization"):
            origin = origin_of(request.url or "")
            if origin is None or not is_trusted(origin, self.trusted):
                raise UntrustedOrigin(str(origin) if origin else str(request.url))
        return super().send(request, **kwargs)


class BearerAuth(requests.auth.AuthBase):
    """`Authorization: Bearer <token>`, applied like requests' own auth (so redirects drop it)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request
