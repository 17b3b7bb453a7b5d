"""Which servers may receive a check's credentials: only those its policy names.

A token in gates.yaml is meant for the server gates.yaml names. Any other address a run
meets comes from somewhere a pull request can write (a scanner's report-task.txt, a
redirect), so sending the token there hands it to whoever wrote that. The HTTP client
therefore gets the origins (scheme, host, port) the policy names, the check's `url` and
its `allowed_hosts`, and refuses to send credentials anywhere else.

An `allowed_hosts` item is a URL (`https://sonar.example.com:8443`: that one origin; a
path is ignored) or a host name or IP address with an optional port
(`sonar.example.com`: http on port 80 and https on 443; `sonar.example.com:9000`: port
9000 with either scheme). Wildcards, user names and passwords are refused.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from qualitygates.adapters.interface import OptionKind, OptionSpec
from qualitygates.errors import AdapterError

ALLOWED_HOSTS = "allowed_hosts"
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_USERINFO = re.compile(r"(^|//)[^/@]*@")
_EXAMPLES = "e.g. sonar.example.com, sonar.example.com:9000 or https://sonar.example.com"


@dataclass(frozen=True)
class Origin:
    """Where a request goes: scheme, host (lower case, IDNA) and port."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def origin_of(url: str) -> Origin | None:
    """The origin of an http(s) URL, or None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return Origin(scheme, _normal(parts.hostname), port or DEFAULT_PORTS[scheme])


def is_trusted(origin: Origin, trusted: Iterable[Origin]) -> bool:
    """True when `origin` is trusted, or is the https upgrade of a trusted http origin
    (the one change of origin requests itself keeps credentials across)."""
    pool = set(trusted)
    if origin in pool:
        return True
    upgrade = origin.scheme == "https" and origin.port == DEFAULT_PORTS["https"]
    return upgrade and Origin("http", origin.host, DEFAULT_PORTS["http"]) in pool


def allowed_origins(item: str) -> tuple[Origin, ...]:
    """The origins one `allowed_hosts` item trusts; ValueError says what is wrong with it."""
    text = item.strip()
    if not text or any(c.isspace() for c in text):
        raise ValueError(f"is not a host name or an http(s) URL ({_EXAMPLES})")
    if "*" in text:
        raise ValueError("has a wildcard: list each host by its name")
    with_scheme = "://" in text
    try:
        parts = urlsplit(text if with_scheme else f"//{text}")
        port = parts.port
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError("holds a user name or password: list the host only")
    scheme = parts.scheme.lower()
    if with_scheme and scheme not in DEFAULT_PORTS:
        raise ValueError(f"is not an http or https URL ({_EXAMPLES})")
    extra = parts.query or parts.fragment or (parts.path if not with_scheme else "")
    if port == 0:
        raise ValueError("has a port that is not a number from 1 to 65535")
    if not parts.hostname or extra or not _valid_host(parts.hostname):
        raise ValueError(f"is not a host name or an http(s) URL ({_EXAMPLES})")
    host = _normal(parts.hostname)
    if with_scheme:
        return (Origin(scheme, host, port or DEFAULT_PORTS[scheme]),)
    if port:
        return (Origin("http", host, port), Origin("https", host, port))
    return tuple(Origin(s, host, p) for s, p in DEFAULT_PORTS.items())


def trusted_origins(options: Mapping[str, Any], *extra: str) -> frozenset[Origin]:
    """The origins a check's options name: its `url`, its `allowed_hosts`, and `extra`."""
    origins: set[Origin] = set()
    for url in (options.get("url"), *extra):
        found = origin_of(url) if isinstance(url, str) else None
        if found is not None:
            origins.add(found)
    raw = options.get(ALLOWED_HOSTS) or ()
    for item in [raw] if isinstance(raw, str) else raw:
        try:
            origins.update(allowed_origins(str(item)))
        except ValueError as exc:  # validated with the policy; here for API callers
            raise AdapterError(f"option 'allowed_hosts': {_shown(str(item))!r} {exc}") from None
    return frozenset(origins)


def _shown(item: str) -> str:
    """The item without what a user name and password would be."""
    return _USERINFO.sub(r"\1***@", item)


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    name = _normal(host)
    return len(name) <= 253 and _HOST_NAME.fullmatch(name) is not None


def _normal(host: str) -> str:
    """Lower case, no trailing dot, and an international name in its IDNA (xn--) form, as
    requests sends it."""
    name = host.lower().rstrip(".")
    if name.isascii():
        return name
    try:
        import idna  # requests' own dependency, for the same encoding it uses

        return str(idna.encode(name, uts46=True).decode("ascii"))
    except Exception:  # an unencodable name never matches a request's host
        return name


def check_allowed_hosts(items: Iterable[str]) -> None:
    """Policy validation of `allowed_hosts`: raise ValueError naming the first bad item."""
    for item in items:
        try:
            allowed_origins(item)
        except ValueError as exc:
            raise ValueError(f"{_shown(item)!r} {exc}") from None


def allowed_hosts_option() -> OptionSpec:
    """The `allowed_hosts` option of an adapter that sends credentials to a server."""
    return OptionSpec(
        ALLOWED_HOSTS,
        OptionKind.STRINGS,
        "other servers the credentials may be sent to besides 'url' (host, host:port or "
        "http(s) URL); any other server gets none",
        default=(),
        check=check_allowed_hosts,
    )
