"""Open a history store from what the user named: a file path or a database URL.

- a path, or `sqlite:///PATH`: an embedded SQLite file (its directory is created);
- `postgresql://USER:PASSWORD@HOST:PORT/DB` (also `postgres://`, `postgresql+psycopg://`):
  an organisation's shared PostgreSQL, through psycopg 3. libpq's parameters go in the
  query string (`?sslmode=require`, `?options=-csearch_path%3Dquality` for a schema).

SQLAlchemy and psycopg are imported here, when a store is opened, never when qualitygates
is imported: `qualitygates --version` must stay fast.
"""

from __future__ import annotations

import os
from pathlib import Path

from qualitygates.errors import UsageError
from qualitygates.history.interface import HistoryError, HistoryStore

SQLITE_BUSY_TIMEOUT = 60.0  # seconds a writer waits for another one (concurrent CI jobs)
CONNECT_TIMEOUT = 10  # seconds to reach a PostgreSQL server
INSTALL_HINT = "pip install 'qualitygates[postgresql]'"
SQLALCHEMY_HINT = "pip install 'SQLAlchemy>=2'"


def open_store(target: str | os.PathLike[str], existing: bool = False) -> HistoryStore:
    """Open (creating and migrating as needed) the store at a path or URL.

    With `existing` (the commands that only read), a SQLite file that is not there is a
    usage error: a mistyped path would otherwise be created and answer "nothing recorded".
    """
    text = os.fspath(target).strip()
    if not text:
        raise UsageError("the history store is empty: name a file path or a postgresql:// URL")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    try:
        import sqlalchemy  # noqa: F401  (one clear sentence rather than a traceback)
    except ImportError:
        raise HistoryError(f"the history store needs SQLAlchemy: {SQLALCHEMY_HINT}") from None
    if scheme in ("", "sqlite"):
        path = _sqlite_path(text) if scheme else Path(text).expanduser()
        if existing and not path.exists():
            raise UsageError(
                f"there is no history store at {path}: runs recorded with --history {path} "
                "create it"
            )
        return _open_sqlite(path)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return _open_postgresql(text)
    raise UsageError(
        f"unsupported history store {scheme}://…: name a file path, sqlite:///PATH "
        "or postgresql://USER@HOST/DATABASE"
    )


def _sqlite_path(url: str) -> Path:
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        raise UsageError(f"{url} names no file: write sqlite:///relative.db or sqlite:////abs.db")
    return Path(rest[1:]).expanduser()


def _open_sqlite(path: Path) -> HistoryStore:
    from sqlalchemy import URL, create_engine

    from qualitygates.history.sql import SqlHistoryStore

    if path.is_dir():
        raise HistoryError(f"the history store {path} is a directory: name a file inside it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryError(
            f"cannot create the directory of the history store {path}: {exc.strerror}"
        ) from None
    url = URL.create("sqlite+pysqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, hide_parameters=True)
    return SqlHistoryStore(engine, str(path))


def _open_postgresql(text: str) -> HistoryStore:
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.exc import ArgumentError

    from qualitygates.history.sql import SqlHistoryStore

    try:
        url = make_url(text).set(drivername="postgresql+psycopg")
    except (ArgumentError, ValueError):
        raise HistoryError(f"{_hide_password(text)} is not a valid postgresql:// URL") from None
    location = url.render_as_string(hide_password=True).replace(
        "postgresql+psycopg", "postgresql", 1
    )
    try:
        engine = create_engine(
            url,
            connect_args={"connect_timeout": CONNECT_TIMEOUT},
            pool_pre_ping=True,
            hide_parameters=True,
        )
    except ImportError:
        raise HistoryError(f"the PostgreSQL history store needs psycopg: {INSTALL_HINT}") from None
    return SqlHistoryStore(engine, location)


def _hide_password(text: str) -> str:
    """`postgresql://u:secret@h/db` -> `postgresql://u:***@h/db`, for error messages."""
    scheme, sep, rest = text.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return text
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"
