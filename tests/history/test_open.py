"""Naming a store: paths, sqlite:/// and postgresql:// URLs, and the errors for anything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qualitygates.errors import UsageError
from qualitygates.history import HistoryError, RunContext, open_store
from tests.history.builders import coverage_run


def test_a_path_is_a_sqlite_file_and_its_directories_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "history.sqlite"
    with open_store(target) as store:
        assert (store.backend, store.location) == ("sqlite", str(target))
        store.record(coverage_run(80), RunContext())
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert sorted(p.name for p in target.parent.iterdir()) == ["history.sqlite"]  # one file


def test_a_sqlite_url_names_a_relative_or_absolute_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel/h.db") as store:
        assert store.location == "rel/h.db"
    with open_store(f"sqlite:///{tmp_path}/abs.db") as store:
        assert store.location == f"{tmp_path}/abs.db"
    assert (tmp_path / "rel" / "h.db").is_file()
    assert (tmp_path / "abs.db").is_file()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "the history store is empty: name a file path or a postgresql:// URL"),
        (
            "mysql://u:pw@db/x",
            "unsupported history store mysql://…: name a file path, sqlite:///PATH or "
            "postgresql://USER@HOST/DATABASE",
        ),
        (
            "sqlite:///:memory:",
            "sqlite:///:memory: names no file: write sqlite:///relative.db or sqlite:////abs.db",
        ),
        ("sqlite://", "sqlite:// names no file: write sqlite:///relative.db or sqlite:////abs.db"),
        (
            "postgresql://u:pw@host:notaport/db",
            "postgresql://u:***@host:notaport/db is not a valid postgresql:// URL",
        ),
    ],
)
def test_what_is_not_a_store_is_refused(target: str, message: str) -> None:
    """A name that cannot be a store is the command line's mistake (exit 2); a URL that
    libpq cannot read is the store's (exit 3)."""
    expected = HistoryError if target.startswith("postgresql://") else UsageError
    with pytest.raises((HistoryError, UsageError)) as caught:
        open_store(target)
    assert type(caught.value) is expected
    assert str(caught.value) == message


def test_a_reading_command_does_not_create_a_store_at_a_mistyped_path(tmp_path: Path) -> None:
    typo = tmp_path / "histroy.sqlite"
    with pytest.raises(UsageError, match=r"^there is no history store at .*histroy\.sqlite: "):
        open_store(typo, existing=True)
    assert not typo.exists()
    with open_store(typo):  # a run that records creates it
        pass
    with open_store(typo, existing=True) as store:
        assert store.runs() == []


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(
        HistoryError, match=f"^the history store {tmp_path} is a directory: name a file inside it$"
    ):
        open_store(tmp_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("hello, this is not SQLite at all\n" * 100)
    with pytest.raises(
        HistoryError, match=f"^cannot open the history store {target}: file is not a database$"
    ):
        open_store(target)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://qg:hunter2@127.0.0.1:{_closed_port()}/history"
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith(
        f"cannot open the history store postgresql://qg:***@127.0.0.1:{url.split(':')[3]}"
    )
    assert "hunter2" not in message
    assert "\n" not in message


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(HistoryError) as caught:
        open_store("postgres://u@h/db")
    assert str(caught.value) == (
        "the PostgreSQL history store needs psycopg: pip install 'qualitygates[postgresql]'"
    )


def test_importing_the_history_package_loads_no_database_library() -> None:
    code = "import qualitygates.history, sys; print(sorted(m for m in ('sqlalchemy', 'psycopg') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
