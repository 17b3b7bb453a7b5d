"""A throwaway PostgreSQL server for the history tests, or the one CI names.

`QUALITYGATES_TEST_POSTGRES_URL` (a superuser's or a database owner's URL) wins; otherwise
Debian's postgresql package (`apt-get install postgresql`) is used to `initdb` a cluster in
a temporary directory and start it on a free loopback port with its socket beside it.
initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
Every test gets a schema of its own (`?options=-csearch_path=...`), dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ENV_URL = "QUALITYGATES_TEST_POSTGRES_URL"


class Unavailable(Exception):
    """Why no PostgreSQL server can be had here: the tests skip with this reason."""


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise Unavailable(
        f"PostgreSQL is not installed (apt-get install postgresql) and {ENV_URL} is not set"
    )


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A private cluster: initdb, pg_ctl start, and pg_ctl stop at the end."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.as_postgres = os.geteuid() == 0
        # Not under pytest's tmp_path: that is 0700 root, unreadable to the postgres user.
        self.root = Path(tempfile.mkdtemp(prefix="qg-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise Unavailable(f"{args[0]} failed: {tail[0]}")

    def start(self) -> str:
        if self.as_postgres:
            try:
                shutil.chown(self.root, "postgres", "postgres")
            except (LookupError, OSError) as exc:
                message = f"running as root, but there is no usable postgres user: {exc}"
                raise Unavailable(message) from None
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=100"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        with contextlib.suppress(Unavailable, OSError, subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The admin URL of a running server for the whole session; Unavailable says why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install 'psycopg[binary]')") from None
    if os.environ.get(ENV_URL):
        yield os.environ[ENV_URL]
        return
    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@contextlib.contextmanager
def fresh_schema(admin_url: str) -> Iterator[str]:
    """A URL whose tables land in a new, empty schema; the schema is dropped afterwards."""
    import psycopg

    name = f"qg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    separator = "&" if "?" in admin_url else "?"
    try:
        yield f"{admin_url}{separator}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')
