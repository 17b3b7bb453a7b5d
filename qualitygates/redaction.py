"""Secret values never reach an output, in any spelling.

The secrets are the policy's option values of kind `secret` and the values of environment
variables whose names say they are secret (see `qualitygates.policy.loader`). They are
redacted on the raw values of a result, before any reporter escapes anything: once HTML,
JSON or a URL has escaped `a&b"c` into `a&amp;b&quot;c`, `a&b\\"c` or `a%26b%22c`, a plain
search for the secret no longer finds it. The same search also runs over each rendered
report as a second line of defence, and it matches those spellings too: each character
of a secret may appear as itself, as an HTML/XML character reference, with a JSON or
Markdown backslash, as a JSON `\\uXXXX` escape, or percent-encoded (any case; `+` for a
space).

Values shorter than `MIN_SECRET_LENGTH` are not redacted: replacing every `abc` or `1` of
a report would wreck it, and the gaps would spell the value out anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qualitygates.sanitise import map_strings

if TYPE_CHECKING:
    from qualitygates.model import RunResult

REDACTED = "***"
MIN_SECRET_LENGTH = 4

_NAMED_REFERENCES = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
_JSON_SHORT = {"\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f"}
_PUNCTUATION = frozenset(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value, however escaped, replaced by `***` (longest first)."""
    pattern = _pattern(frozenset(s for s in secrets if len(s) >= MIN_SECRET_LENGTH))
    return pattern.sub(REDACTED, text) if pattern is not None else text


def redact_result(result: RunResult, secrets: Iterable[str]) -> RunResult:
    """`result` with every string in it redacted: what reporters may render and escape."""
    kept = frozenset(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)
    if not kept:
        return result
    return map_strings(result, lambda text: redact(text, kept))


@lru_cache(maxsize=16)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    if not secrets:
        return None
    ordered = sorted(secrets, key=lambda s: (-len(s), s))
    return re.compile("|".join("".join(_spellings(char) for char in s) for s in ordered))


def _spellings(char: str) -> str:
    """A regex for one character of a secret in every escaped form a report may give it."""
    code = ord(char)
    forms = {
        re.escape(char),
        f"&#0*{code};",
        f"&#[xX]0*(?i:{code:x});",
        "".join(f"%(?i:{byte:02x})" for byte in char.encode("utf-8", "surrogatepass")),
    }
    if char in _NAMED_REFERENCES:
        forms.add(f"&{_NAMED_REFERENCES[char]};")
    if char in _JSON_SHORT:
        forms.add(re.escape("\\" + _JSON_SHORT[char]))
    if code <= 0xFFFF:
        forms.add(f"\\\\u(?i:{code:04x})")
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.add(f"\\\\u(?i:{high:04x})\\\\u(?i:{low:04x})")
    if char == " ":
        forms.add(r"\+")
    if char == "@":
        forms.add("@\u2060")  # how the Markdown report keeps a mention from notifying
    group = "(?:" + "|".join(sorted(forms, key=lambda f: (-len(f), f))) + ")"
    # JSON and Markdown put a backslash before punctuation, in whatever form it then takes
    return f"\\\\?{group}" if char in _PUNCTUATION else group


#: Query parameters whose values are credentials, however a server spells them.
_SENSITIVE_PARAM = re.compile(r"token|key|secret|passw|pwd|auth|sig|credential|session", re.I)


def display_url(url: str) -> str:
    """The URL as it may be shown: no userinfo, token-like query values redacted, no fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = [
        (k, "***" if _SENSITIVE_PARAM.search(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*/:"), ""))
