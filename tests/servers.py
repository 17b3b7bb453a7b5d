"""Loopback servers for adapter tests: a scripted fake HTTP(S) server and a real Prometheus.

`FakeServer` answers from a route table (path -> one `Reply`, or a sequence served in turn,
the last one repeated), so tests can produce the faults a real server will not produce on
demand: a hang, "503 then success", a reset connection, a garbage body, a redirect, and a
server that drips its answer one byte at a time or sends its headers and then nothing.

    with FakeServer({"/api/v1/query": [Reply(503), json_reply({...})]}) as server:
        ...  # server.url, server.requests (what the client sent)

Everything listens on 127.0.0.1 (or `localhost`) only and stops with the `with` block.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass(frozen=True)
class Reply:
    """One scripted answer: status, body, headers, a delay first, or a reset connection."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a hang, when over the timeout)
    reset: bool = False  # close the connection with a TCP RST instead of answering
    # Hostile pacing, each until the server stops or the client goes away: the headers (a
    # body of 1 MB announced), then one body byte every `drip` seconds; the headers, then
    # no body at all (`stall`); the status line and headers one byte every `drip_headers` s.
    drip: float = 0.0
    stall: bool = False
    drip_headers: float = 0.0


def json_reply(data: Any, status: int = 200, **kwargs: Any) -> Reply:
    """A Reply whose body is `data` as JSON."""
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return Reply(status, json.dumps(data).encode(), headers, **kwargs)


def redirect(location: str, status: int = 302) -> Reply:
    """A Reply that redirects to `location`."""
    return Reply(status, headers={"Location": location})


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Routes = Mapping[str, "Reply | Sequence[Reply]"]


class FakeServer:
    """A threaded loopback HTTP server answering from a route table; a context manager."""

    def __init__(
        self,
        routes: Routes | None = None,
        host: str = "127.0.0.1",
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.host = host
        self.tls = tls
        self.requests: list[Seen] = []
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for path, replies in (routes or {}).items():
            self.route(path, replies)

    def route(self, path: str, replies: Reply | Sequence[Reply]) -> None:
        """Answer `path` with `replies` in turn (the last one repeats)."""
        with self._lock:
            self._routes[path] = [replies] if isinstance(replies, Reply) else list(replies)

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not running"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The server's base URL, e.g. http://127.0.0.1:43521."""
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def next_reply(self, path: str) -> Reply:
        """The reply for one request to `path`, advancing its sequence."""
        with self._lock:
            replies = self._routes.get(path)
            if not replies:
                return json_reply({"error": f"no route for {path}"}, 404)
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def __enter__(self) -> FakeServer:
        httpd = _QuietServer((self.host, 0), _handler_for(self))
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()  # wakes handlers that are hanging on purpose
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and abandoned requests are what these tests are about


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)  # absolute when we are someone's proxy
            server.requests.append(
                Seen("GET", parts.path, parse_qs(parts.query), dict(self.headers.items()))
            )
            reply = server.next_reply(parts.path)
            if reply.delay and server._stop.wait(reply.delay):
                return
            if reply.reset:
                self._reset()
                return
            if reply.drip or reply.stall or reply.drip_headers:
                self._pace(reply)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def _pace(self, reply: Reply) -> None:
            self.close_connection = True
            head = (
                f"HTTP/1.1 {reply.status} OK\r\nContent-Type: application/json\r\n"
                "Content-Length: 1000000\r\n\r\n"
            ).encode()
            if reply.drip_headers:
                self._trickle(head, reply.drip_headers)
                return
            self.wfile.write(head)
            self.wfile.flush()
            if reply.stall:
                server._stop.wait()
                return
            self._trickle(b'{"status": "success", "data": ' + b" " * 999_000, reply.drip)

        def _trickle(self, data: bytes, interval: float) -> None:
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                if server._stop.wait(interval):
                    return
            server._stop.wait()  # never end: the client must give up by itself

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send a RST, not a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def handle(self) -> None:
            # The client gave up (timeout tests) or we reset the connection on purpose.
            with contextlib.suppress(OSError):
                super().handle()

    return Handler


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (cert, key), made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed: cannot make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    return cert, key


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read())


def _wait(ready: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"Prometheus did not {what} within {timeout:g} s; its log ends:\n{tail}")


@contextmanager
def prometheus_server(folder: Path) -> Iterator[str]:
    """A real Prometheus on loopback scraping itself every second; yields its base URL.

    Skips the test when the `prometheus` binary is absent (Debian package `prometheus`).
    Ready once /-/ready answers and at least two scrapes are stored, so rate() has data.
    """
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("the prometheus binary is not installed (apt-get install prometheus)")
    port = free_port()
    config = folder / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: self\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
    )
    log = folder / "prometheus.log"
    url = f"http://127.0.0.1:{port}"
    command = [
        binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
        f"--storage.tsdb.path={folder / 'data'}",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: urllib.request.urlopen(f"{url}/-/ready", timeout=2).status == 200,
              30, "become ready", log)  # fmt: skip
        query = f"{url}/api/v1/query?query=count_over_time(up%5B1m%5D)"

        def scraped_twice() -> bool:
            result = _get_json(query)["data"]["result"]
            return bool(result) and float(result[0]["value"][1]) >= 2

        _wait(scraped_twice, 30, "scrape itself twice", log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
