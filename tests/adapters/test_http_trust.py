"""Credentials go only to the servers the policy names: the check's url and allowed_hosts.

The HTTP client checks every request it sends, redirects included, so an adapter that
follows an address from a file of the working tree can never hand its token to whoever
wrote that file. An "attacker" loopback server records what reaches it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters._http import HttpClient
from qualitygates.adapters._trust import (
    Origin,
    allowed_origins,
    check_allowed_hosts,
    is_trusted,
    origin_of,
    trusted_origins,
)
from qualitygates.errors import AdapterError
from tests.servers import FakeServer, json_reply, redirect

OK = json_reply({"status": "success"})
TOKEN = "s3cr3t-token-value"
CREDENTIALS = [{"token": TOKEN}, {"username": "ci", "password": "hunter22"}]


def refusal(url: str, origin: str) -> str:
    return (
        f"GET {url} was not sent: the check's credentials go only to servers its policy "
        f"names, and {origin} is not one (add it to the check's 'url' or 'allowed_hosts' if "
        "you trust it)"
    )


@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_credentials_are_never_sent_to_a_server_the_policy_does_not_name(
    credentials: dict[str, str],
) -> None:
    with (
        FakeServer({"/api": OK}) as named,
        FakeServer({"/api": OK}) as attacker,
        HttpClient(trusted=[named.url], **credentials) as client,
    ):
        assert client.get_json(f"{named.url}/api").status == 200
        with pytest.raises(AdapterError) as caught:
            client.get_json(f"{attacker.url}/api")
    assert str(caught.value) == refusal(f"{attacker.url}/api", attacker.url)
    assert attacker.requests == []  # not even a request without the header
    assert "Authorization" in named.requests[0].headers


def test_a_client_told_of_no_server_sends_credentials_nowhere() -> None:
    with (
        FakeServer({"/api": OK}) as server,
        HttpClient(token=TOKEN) as client,
        pytest.raises(AdapterError, match="was not sent: the check's credentials"),
    ):
        client.get_json(f"{server.url}/api")
    assert server.requests == []


def test_without_credentials_any_server_may_be_asked() -> None:
    with FakeServer({"/api": OK}) as server, HttpClient() as client:
        assert client.get_json(f"{server.url}/api").status == 200


def test_allowed_hosts_extend_the_trust() -> None:
    with FakeServer({"/api": OK}) as other:
        options = {"url": "https://sonar.example.com", "allowed_hosts": [other.url]}
        with HttpClient(token=TOKEN, trusted=trusted_origins(options)) as client:
            assert client.get_json(f"{other.url}/api").status == 200
    assert other.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_redirect_to_an_untrusted_server_carries_no_credentials() -> None:
    with FakeServer({"/api": OK}, host="localhost") as attacker, FakeServer() as named:
        named.route("/api", redirect(f"{attacker.url}/api"))
        with HttpClient(token=TOKEN, trusted=[named.url]) as client:
            assert client.get_json(f"{named.url}/api").status == 200
    assert "Authorization" not in attacker.requests[0].headers


def test_credentials_from_netrc_are_guarded_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests adds ~/.netrc logins by itself; they reach only trusted servers as well."""
    netrc = tmp_path / ".netrc"
    netrc.write_text("default login ci password hunter22\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    with (
        FakeServer({"/api": OK}) as attacker,
        HttpClient() as client,
        pytest.raises(AdapterError) as caught,
    ):
        client.get_json(f"{attacker.url}/api")
    assert str(caught.value) == refusal(f"{attacker.url}/api", attacker.url)
    assert attacker.requests == []


@pytest.mark.parametrize(
    ("item", "origins"),
    [
        ("sonar.example.com", [("http", 80), ("https", 443)]),
        ("Sonar.Example.COM.:9000", [("http", 9000), ("https", 9000)]),
        ("https://sonar.example.com:8443/sonarqube", [("https", 8443)]),
        ("http://sonar.example.com", [("http", 80)]),
    ],
)
def test_allowed_hosts_forms(item: str, origins: list[tuple[str, int]]) -> None:
    expected = tuple(Origin(scheme, "sonar.example.com", port) for scheme, port in origins)
    assert allowed_origins(item) == expected


def test_ip_addresses_and_international_names() -> None:
    assert allowed_origins("http://[::1]:9000") == (Origin("http", "::1", 9000),)
    assert str(Origin("http", "::1", 9000)) == "http://[::1]:9000"
    assert allowed_origins("10.0.0.5:9000")[0] == Origin("http", "10.0.0.5", 9000)
    assert origin_of("https://bücher.example/x") == Origin("https", "xn--bcher-kva.example", 443)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["*.example.com"], "'*.example.com' has a wildcard: list each host by its name"),
        (
            ["ok.example.com", "https://ci:pw@sonar"],
            "'https://***@sonar' holds a user name or password: list the host only",
        ),
        (["sonar:99999"], "'sonar:99999' has a port that is not a number from 1 to 65535"),
        (["sonar:0"], "'sonar:0' has a port that is not a number from 1 to 65535"),
        (
            ["sonar/api"],
            "'sonar/api' is not a host name or an http(s) URL (e.g. sonar.example.com, "
            "sonar.example.com:9000 or https://sonar.example.com)",
        ),
        (
            ["ftp://sonar"],
            "'ftp://sonar' is not an http or https URL (e.g. sonar.example.com, "
            "sonar.example.com:9000 or https://sonar.example.com)",
        ),
        (
            ["sonar example"],
            "'sonar example' is not a host name or an http(s) URL (e.g. sonar.example.com, "
            "sonar.example.com:9000 or https://sonar.example.com)",
        ),
    ],
)
def test_bad_allowed_hosts_are_refused(items: list[str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_allowed_hosts(items)
    assert str(caught.value) == message
    with pytest.raises(AdapterError) as refused:
        trusted_origins({"allowed_hosts": items})
    assert str(refused.value) == f"option 'allowed_hosts': {message}"


@pytest.mark.parametrize(
    ("origin", "trusted", "expected"),
    [
        (Origin("https", "h", 443), {Origin("http", "h", 80)}, True),  # requests' own upgrade
        (Origin("http", "h", 80), {Origin("https", "h", 443)}, False),  # never a downgrade
        (Origin("https", "h", 8443), {Origin("http", "h", 80)}, False),
        (Origin("http", "h", 9000), {Origin("http", "h", 9001)}, False),
        (Origin("http", "evil.h", 80), {Origin("http", "h", 80)}, False),
    ],
)
def test_is_trusted(origin: Origin, trusted: set[Origin], expected: bool) -> None:
    assert is_trusted(origin, trusted) is expected


def test_the_policy_validates_allowed_hosts(tmp_path: Path) -> None:
    from qualitygates.errors import PolicyError
    from qualitygates.policy import load_policy

    policy = tmp_path / "gates.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - id: ops\n    checks:\n      - id: p\n        adapter: "
        "prometheus\n        with:\n          url: http://prometheus:9090\n          "
        "queries: {up: up}\n          allowed_hosts: [prometheus-2:9090, '*.example.com']\n"
        "        conditions: [up == 1]\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(policy, {})
    assert [str(p) for p in caught.value.problems] == [
        f"{policy}:10:26: option 'allowed_hosts': '*.example.com' has a wildcard: list each "
        "host by its name"
    ]


def _options(**given: Any) -> dict[str, Any]:
    return {"url": "http://prometheus:9090", **given}


def test_from_options_trusts_the_url_and_allowed_hosts() -> None:
    client = HttpClient.from_options(_options(allowed_hosts=["https://other:8443"]), None)
    assert client.trusted == {Origin("http", "prometheus", 9090), Origin("https", "other", 8443)}
