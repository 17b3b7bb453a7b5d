"""Reading a policy's own files: the policy, its waivers, and the secrets of its environment."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from qualitygates.errors import PolicyError
from qualitygates.policy.yaml_source import MAX_POLICY_BYTES
from qualitygates.readers import UnreadableFile, open_regular

Reader = Callable[[Path], str]


def read_policy_file(path: Path) -> str:
    """The text of a policy (or waivers) file in the working tree: a regular file (never a
    FIFO or a link to a device, which a pull request can commit) of at most 2 MiB."""
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    try:
        with open_regular(path) as stream:
            data = stream.read(MAX_POLICY_BYTES + 1)  # more is refused by the parser, at 1:1
    except UnreadableFile as exc:
        raise OSError(errno.EINVAL, str(exc)) from None
    if len(data) > MAX_POLICY_BYTES:  # cut anywhere, maybe inside a character
        return data.decode("utf-8-sig", errors="ignore")
    return data.decode("utf-8-sig")


def read_policy(path: Path, reader: Reader) -> str:
    """The policy's text through `reader`; PolicyError saying why it cannot be read."""
    try:
        return reader(path)
    except FileNotFoundError:
        raise PolicyError(
            f"{path}: no such policy file; create one with 'qualitygates init'"
        ) from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: cannot be read: {exc}") from None


_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIAL", re.IGNORECASE
)


def environment_secrets(env: Mapping[str, str]) -> frozenset[str]:
    """Values of variables whose names say they are secret (SONAR_TOKEN, DB_PASSWORD, ...).

    They are redacted from every output even when the policy never names them: a tool's
    error message or an HTTP library may echo them.
    """
    return frozenset(v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= 8)
