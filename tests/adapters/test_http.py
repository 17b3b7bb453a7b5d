"""The shared HTTP client: retries, deadlines, TLS, credentials, and its error sentences.

Every fault here is one a real server will not produce on demand, so a scripted loopback
server (tests/servers.py) plays it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from qualitygates.adapters._http import HttpClient, display_url
from qualitygates.adapters._httpproblems import retry_after
from qualitygates.errors import AdapterError
from tests.servers import FakeServer, Reply, free_port, json_reply, make_certificate, redirect

OK = json_reply({"status": "success"})
TOKEN = "s3cr3t-token-value"


def fast(**kwargs: Any) -> HttpClient:
    """A client with short pauses, so retry tests take milliseconds."""
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("attempts", 3)
    return HttpClient(**kwargs)


def error_of(
    routes: dict[str, Any], path: str = "/api", tls: tuple[Path, Path] | None = None, **kwargs: Any
) -> tuple[str, FakeServer]:
    """The AdapterError message of one GET, and the server (its url and what it saw)."""
    server = FakeServer(routes, tls=tls)
    with (
        server,
        fast(trusted=[server.url], **kwargs) as client,
        pytest.raises(AdapterError) as caught,
    ):
        client.get_json(server.url + path)
    return str(caught.value), server


def test_get_json_sends_params_and_returns_the_decoded_body() -> None:
    with FakeServer({"/api": OK}) as server, fast() as client:
        response = client.get_json(f"{server.url}/api", {"query": "up"})
    assert (response.status, response.data) == (200, {"status": "success"})
    seen = server.requests[0]
    assert seen.query == {"query": ["up"]}
    assert seen.headers["Accept"] == "application/json"
    assert seen.headers["User-Agent"].startswith("qualitygates/")
    assert "Authorization" not in seen.headers


def test_a_hanging_server_times_out_after_every_attempt() -> None:
    started = time.monotonic()
    message, server = error_of({"/api": Reply(delay=10)}, attempt_timeout=0.3)
    assert message == f"GET {server.url}/api timed out after 0.3 s (3 attempts)"
    assert time.monotonic() - started < 3


def test_the_checks_timeout_bounds_all_attempts_together() -> None:
    with FakeServer({"/api": Reply(delay=10)}) as server, fast(timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(
            AdapterError, match=r"^GET \S+/api timed out after 0\.\d+ s \(1 attempt\)$"
        ):
            client.get_json(f"{server.url}/api")
    assert time.monotonic() - started < 1.5


def test_503_then_success_is_retried_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="qualitygates.http")
    with FakeServer({"/api": [Reply(503), Reply(502), OK]}) as server, fast() as client:
        assert client.get_json(f"{server.url}/api").data == {"status": "success"}
    assert len(server.requests) == 3
    messages = [r.getMessage() for r in caplog.records if r.name == "qualitygates.http"]
    assert messages == [
        f"GET {server.url}/api answered HTTP 503 Service Unavailable; retrying in 0.0 s "
        "(attempt 2 of 3)",
        f"GET {server.url}/api answered HTTP 502 Bad Gateway; retrying in 0.0 s (attempt 3 of 3)",
    ]


def test_5xx_every_time_gives_the_status_and_the_servers_words() -> None:
    failing = json_reply({"status": "error", "error": "storage is full"}, 500)
    message, server = error_of({"/api": failing})
    assert message == (
        f"GET {server.url}/api answered HTTP 500 Internal Server Error (storage is full) "
        "(3 attempts)"
    )
    assert len(server.requests) == 3


def test_429_honours_retry_after() -> None:
    busy = Reply(429, headers={"Retry-After": "0"})
    with FakeServer({"/api": [busy, OK]}) as server, fast(backoff=5) as client:
        started = time.monotonic()
        assert client.get_json(f"{server.url}/api").status == 200
    assert time.monotonic() - started < 2  # Retry-After: 0 beat the 5 s backoff


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        ("3600", 10.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_and_capped(header: str, expected: float | None) -> None:
    assert retry_after(SimpleNamespace(headers={"Retry-After": header})) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "options", "hint"),
    [
        (401, {"token": TOKEN}, "401 Unauthorized: check the token"),
        (
            401,
            {"username": "ci", "password": "hunter22"},
            "401 Unauthorized: check the username and password",
        ),
        (401, {}, "401 Unauthorized: the server needs credentials (set 'token')"),
        (403, {"token": TOKEN}, "403 Forbidden: the credentials lack the permission"),
        (404, {}, "404 Not Found: check the URL"),
    ],
)
def test_4xx_is_never_retried(status: int, options: dict[str, Any], hint: str) -> None:
    message, server = error_of({"/api": Reply(status)}, **options)
    assert message == f"GET {server.url}/api answered HTTP {hint}"
    assert len(server.requests) == 1


def test_a_reset_connection_is_retried_then_reported() -> None:
    message, server = error_of({"/api": Reply(reset=True)})
    assert message == (
        f"GET {server.url}/api failed: the server closed the connection without answering (3 attempts)"
    )
    assert len(server.requests) == 3


def test_a_reset_then_success_recovers() -> None:
    with FakeServer({"/api": [Reply(reset=True), OK]}) as server, fast() as client:
        assert client.get_json(f"{server.url}/api").status == 200


def test_nothing_listening_is_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}/api"
    with fast(attempts=2) as client, pytest.raises(AdapterError) as caught:
        client.get_json(url)
    assert str(caught.value) == (
        f"GET {url} failed: connection refused: check the URL and that the server is running "
        "(2 attempts)"
    )


@pytest.mark.parametrize(
    ("reply", "got"),
    [
        (
            Reply(200, b"<html>login</html>", {"Content-Type": "text/html; charset=utf-8"}),
            "text/html",
        ),
        (Reply(200, b'{"truncated": ', {"Content-Type": "application/json"}), "application/json"),
        (Reply(200, b""), "an empty body"),
        (Reply(200, b"\xff\xfe garbage"), "no content type"),
    ],
)
def test_a_body_that_is_not_json(reply: Reply, got: str) -> None:
    message, server = error_of({"/api": reply})
    assert message == f"GET {server.url}/api did not answer with JSON (got {got}): check the URL"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b'{"status": "error",\n "status": "success"}',
            'the answer is not valid server JSON: the key "status" appears twice in one object '
            "(line 2)",
        ),
        (b'{"value": NaN}', "the answer is not valid server JSON: NaN is not a JSON number"),
    ],
)
def test_an_answer_that_strict_json_refuses_is_an_error(body: bytes, reason: str) -> None:
    reply = Reply(200, body, {"Content-Type": "application/json"})
    message, server = error_of({"/api": reply})
    assert message == f"GET {server.url}/api {reason}"


def test_an_answer_over_the_size_limit_is_refused() -> None:
    message, server = error_of({"/api": Reply(200, b"[" + b"1," * 100 + b"1]")}, max_bytes=100)
    assert message == f"GET {server.url}/api answered with more than 9.53674e-05 MiB"


def test_json_statuses_return_the_error_body_to_the_caller() -> None:
    body = {"status": "error", "errorType": "bad_data", "error": "parse error"}
    with FakeServer({"/api": json_reply(body, 400)}) as server, fast() as client:
        response = client.get_json(f"{server.url}/api", json_statuses=(400,))
    assert (response.status, response.data) == (400, body)


def test_bearer_token_and_basic_auth_are_sent() -> None:
    with FakeServer({"/api": OK}) as server:
        with fast(token=TOKEN, trusted=[server.url]) as client:
            client.get_json(f"{server.url}/api")
        with fast(username="ci", password="hunter22", trusted=[server.url]) as client:
            client.get_json(f"{server.url}/api")
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert server.requests[1].headers["Authorization"] == "Basic Y2k6aHVudGVyMjI="


@pytest.mark.parametrize("auth", [{"token": TOKEN}, {"username": "ci", "password": "hunter22"}])
def test_credentials_do_not_follow_a_redirect_to_another_host(auth: dict[str, str]) -> None:
    with FakeServer({"/api": OK}, host="localhost") as other, FakeServer() as first:
        first.route("/api", redirect(f"{other.url}/api"))
        first.route("/moved", redirect("/api"))
        first.route("/api", [redirect(f"{other.url}/api"), OK])
        with fast(trusted=[first.url], **auth) as client:
            assert client.get_json(f"{first.url}/api").status == 200  # 127.0.0.1 -> localhost
            assert client.get_json(f"{first.url}/moved").status == 200  # same host
    assert "Authorization" in first.requests[0].headers
    assert "Authorization" not in other.requests[0].headers
    assert "Authorization" in first.requests[-1].headers  # a same-host redirect keeps it


def test_credentials_do_not_follow_a_redirect_to_another_port() -> None:
    with FakeServer({"/api": OK}) as other, FakeServer() as first:
        first.route("/api", redirect(f"{other.url}/api"))
        with fast(token=TOKEN, trusted=[first.url]) as client:
            client.get_json(f"{first.url}/api")
    assert "Authorization" not in other.requests[0].headers


def test_secrets_never_appear_in_messages() -> None:
    echo = json_reply({"error": f"bad token {TOKEN}"}, 500)
    server = FakeServer({"/api": echo})
    with (
        server,
        fast(token=TOKEN, attempts=1, trusted=[server.url]) as client,
        pytest.raises(AdapterError) as caught,
    ):
        client.get_json(f"http://user:pw1234@127.0.0.1:{server.port}/api?api_key={TOKEN}&x=1")
    message = str(caught.value)
    assert TOKEN not in message
    assert "pw1234" not in message
    assert message == (
        f"GET http://127.0.0.1:{server.port}/api?api_key=***&x=1 answered HTTP 500 "
        "Internal Server Error (bad token ***) (1 attempt)"
    )


def test_display_url_strips_userinfo_and_token_like_parameters() -> None:
    shown = display_url("https://me:pw@sonar.example:8443/api/x?token=abc&project=p&access_key=k#f")
    assert shown == "https://sonar.example:8443/api/x?token=***&project=p&access_key=***"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"token": "t", "username": "u", "password": "p"},
            "give either 'token' or 'username'/'password', not both",
        ),
        ({"username": "u"}, "basic auth needs both 'username' and 'password'"),
        (
            {"ca_bundle": "/nonexistent/ca.pem"},
            "ca_bundle /nonexistent/ca.pem is not a file: give a PEM file of CA certificates",
        ),
    ],
)
def test_bad_client_settings(options: dict[str, Any], message: str) -> None:
    with pytest.raises(AdapterError) as caught:
        HttpClient(**options)
    assert str(caught.value) == message


def test_a_url_that_is_not_http() -> None:
    with fast() as client, pytest.raises(AdapterError) as caught:
        client.get_json("ftp://127.0.0.1/api")
    assert str(caught.value) == "GET ftp://127.0.0.1/api is not an http or https URL"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def test_a_self_signed_certificate_is_refused(certificate: tuple[Path, Path]) -> None:
    message, server = error_of({"/api": OK}, tls=certificate)
    assert message == (
        f"GET {server.url}/api failed TLS verification (self-signed certificate): set "
        "'ca_bundle' (or REQUESTS_CA_BUNDLE) to the certificate of the CA that signed the "
        "server's certificate"
    )
    assert server.requests == []


def test_ca_bundle_trusts_a_private_ca(certificate: tuple[Path, Path]) -> None:
    server = FakeServer({"/api": OK}, tls=certificate)
    with server, fast(ca_bundle=str(certificate[0])) as client:
        assert client.get_json(f"{server.url}/api").status == 200


def test_requests_ca_bundle_is_honoured(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    with FakeServer({"/api": OK}, tls=certificate) as server, fast() as client:
        assert client.get_json(f"{server.url}/api").status == 200


def test_http_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FakeServer({"/api/v1/query": OK}) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        with fast(attempts=1) as client:
            # .invalid never resolves: only the loopback proxy can have answered.
            assert client.get_json("http://prometheus.invalid:9090/api/v1/query").status == 200
    assert proxy.requests[0].headers["Host"] == "prometheus.invalid:9090"


def test_importing_the_http_adapters_does_not_import_requests() -> None:
    code = (
        "import sys, qualitygates.adapters._http, qualitygates.adapters.prometheus;"
        "print('requests' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
