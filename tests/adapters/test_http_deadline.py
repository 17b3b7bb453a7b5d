"""The HTTP client's deadlines hold whatever the server does, and the thread really ends.

requests' timeouts bound each socket read, so a server that drips one byte a second, of
its body or of its headers, never trips them; one that sends its headers and then nothing
holds a read for the whole read timeout. Each case runs the client in a helper thread
with a hard limit, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters import _http
from qualitygates.adapters._http import HttpClient
from qualitygates.errors import AdapterError
from tests.servers import FakeServer, Reply, json_reply, make_certificate
from tests.timing import within

HOSTILE = {
    "drips its body": Reply(drip=0.2),
    "sends headers then no body": Reply(stall=True),
    "drips its headers": Reply(drip_headers=0.2),
    "never answers": Reply(delay=3600),
}
HARD_LIMIT = 10.0  # seconds; the old client stayed in these reads for ever


def error_after(server: FakeServer, **options: Any) -> tuple[str, float]:
    """The error of one GET to `server` with a client of `options`, and how long it took."""

    def get() -> None:
        with HttpClient(backoff=0.01, trusted=[server.url], **options) as client:
            client.get_json(f"{server.url}/api")

    raised, took = within(HARD_LIMIT, get)
    assert isinstance(raised, AdapterError), raised
    return str(raised), took


@pytest.mark.parametrize("reply", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_checks_time_bounds_every_phase_of_the_answer(reply: Reply) -> None:
    with FakeServer({"/api": reply}) as server:
        message, took = error_after(server, timeout=1.0, token="s3cr3t-token")
    assert message == f"GET {server.url}/api timed out after 1 s (1 attempt)"
    assert took < 2.0


@pytest.mark.parametrize("reply", HOSTILE.values(), ids=HOSTILE.keys())
def test_each_attempt_is_bounded_as_a_whole(reply: Reply) -> None:
    with FakeServer({"/api": reply}) as server:
        message, took = error_after(server, attempt_timeout=0.5, attempts=2)
    assert message == f"GET {server.url}/api timed out after 0.5 s (2 attempts)"
    assert took < 2.5
    assert len(server.requests) == 2


def test_without_a_timeout_the_check_gets_the_default_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The documented default bound, scaled down: the client needs no `timeout` to end."""
    monkeypatch.setattr(_http, "DEFAULT_TIMEOUT", 1.0, raising=False)
    with FakeServer({"/api": Reply(drip=0.2)}) as server:
        message, took = error_after(server)  # 3 attempts of 30 s each, were it not for it
    assert message == f"GET {server.url}/api timed out after 1 s (1 attempt)"
    assert took < 2.0


def test_the_default_time_is_the_documented_one() -> None:
    from qualitygates.deadline import DEFAULT_TIMEOUT

    assert DEFAULT_TIMEOUT == 600.0
    assert _http.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT


def test_a_dripping_server_over_tls_is_cut_off_too(tmp_path: Path) -> None:
    certificate = make_certificate(tmp_path)
    with FakeServer({"/api": Reply(drip=0.2)}, tls=certificate) as server:
        message, took = error_after(server, timeout=1.0, ca_bundle=str(certificate[0]))
    assert message == f"GET {server.url}/api timed out after 1 s (1 attempt)"
    assert took < 2.0


def test_a_kept_alive_connection_is_cut_off_too() -> None:
    """The second request reuses the first one's connection, which must be watched too."""
    with FakeServer({"/api": [json_reply({"a": 1}), Reply(drip=0.2)]}) as server:

        def two_requests() -> None:
            with HttpClient(timeout=1.5, attempts=1, trusted=[server.url]) as client:
                assert client.get_json(f"{server.url}/api").data == {"a": 1}
                client.get_json(f"{server.url}/api")

        raised, took = within(HARD_LIMIT, two_requests)
    assert isinstance(raised, AdapterError)
    assert str(raised).startswith(f"GET {server.url}/api timed out after ")
    assert took < 2.5


def test_a_slow_but_steady_answer_within_the_time_is_read_whole() -> None:
    body = b'{"status": "success"}'
    with (
        FakeServer({"/api": Reply(200, body, delay=0.3)}) as server,
        HttpClient(timeout=5.0, trusted=[server.url]) as client,
    ):
        assert client.get_json(f"{server.url}/api").data == {"status": "success"}
