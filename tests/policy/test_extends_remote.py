"""`extends:` from a real git repository over file:// URLs, and from a loopback HTTPS server
whose self-signed certificate is trusted through REQUESTS_CA_BUNDLE."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates.errors import PolicyError
from qualitygates.policy import load_policy
from qualitygates.policy.extends import BaseOptions
from tests.servers import FakeServer, Reply, make_certificate

BASE = """\
version: 1
gates:
  - id: code-quality
    checks:
      - id: coverage
        adapter: coverage
        with: {path: coverage.xml}
        conditions: [line_rate >= {floor}%]
"""


def git(cwd: Path, *args: str) -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An organisation's policy repository: v1 floors coverage at 80 %, v2 at 85 %, and
    the branch `main` has moved on to 90 %."""
    monkeypatch.setenv("QUALITYGATES_CACHE_DIR", str(tmp_path / "cache"))
    origin = tmp_path / "policies"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    for floor, tag in ((80, "v1"), (85, "v2"), (90, None)):
        (origin / "base.yaml").write_text(BASE.replace("{floor}", str(floor)))
        git(origin, "add", "base.yaml")
        git(origin, "commit", "-q", "-m", f"floor {floor}")
        if tag:
            git(origin, "tag", tag)
    return origin


def policy(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "repo" / "gates.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"version: 1\nextends:\n  - {source}\n")
    return path


def floor(path: Path, **options: object) -> str:
    loaded = load_policy(path, bases=BaseOptions(**options))  # type: ignore[arg-type]
    return loaded.gates[0].checks[0].conditions[0].expr


def refused(path: Path, **options: object) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, bases=BaseOptions(**options))  # type: ignore[arg-type]
    return "\n".join(caught.value.problems)


def test_a_tag_pins_the_base_and_each_tag_gives_its_own(tmp_path: Path, repository: Path) -> None:
    url = f"file://{repository}"
    assert floor(policy(tmp_path, f"git+{url}@v1#base.yaml")) == "line_rate >= 80%"
    path = policy(tmp_path, f"git+{url}@v2#base.yaml")
    assert floor(path) == "line_rate >= 85%"
    pinned = ((f"git+{url}@v2#base.yaml", git(repository, "rev-parse", "v2")),)
    assert load_policy(path).bases == pinned  # the commit the tag named, for the digest
    commit = git(repository, "rev-parse", "v1")
    assert floor(policy(tmp_path, f"git+{url}@{commit}#base.yaml")) == "line_rate >= 80%"


def test_a_branch_moves_so_it_is_refused_unless_allowed(tmp_path: Path, repository: Path) -> None:
    source = f"git+file://{repository}@main#base.yaml"
    assert "main is a branch, which moves" in refused(policy(tmp_path, source))
    allowed = policy(tmp_path, f"{{source: '{source}', allow_moving_ref: true}}")
    assert floor(allowed) == "line_rate >= 90%"


def test_offline_reads_the_cache_and_refuses_what_is_not_there(
    tmp_path: Path, repository: Path
) -> None:
    path = policy(tmp_path, f"git+file://{repository}@v1#base.yaml")
    assert "is not in the cache" in refused(path, offline=True)
    assert floor(path) == "line_rate >= 80%"  # fetched once, online
    shutil.rmtree(repository)  # the server is gone: the cache still answers
    assert floor(path, offline=True) == "line_rate >= 80%"


def test_unsafe_or_malformed_git_sources_are_refused(tmp_path: Path) -> None:
    said = refused(policy(tmp_path, "'git+ext::sh -c touch% /tmp/x@v1#base.yaml'"))
    assert "only https://, ssh:// and file:// repositories are read" in said
    said = refused(policy(tmp_path, "git+https://example.com/p.git#base.yaml"))
    assert "write git+URL@REF#path/in/repo" in said


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def test_a_pinned_https_base_is_fetched_over_verified_tls(
    tmp_path: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALITYGATES_CACHE_DIR", str(tmp_path / "cache"))
    text = BASE.replace("{floor}", "80").encode()
    pin = hashlib.sha256(text).hexdigest()
    with FakeServer({"/base.yaml": Reply(200, text)}, tls=certificate) as server:
        url = f"{server.url}/base.yaml"
        untrusted = refused(policy(tmp_path, f"{{source: '{url}', sha256: {pin}}}"))
        assert "certificate" in untrusted
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
        assert floor(policy(tmp_path, f"{{source: '{url}', sha256: {pin}}}")) == (
            "line_rate >= 80%"
        )
        other = "0" * 64
        said = refused(policy(tmp_path, f"'{url}#sha256={other}'"))
        assert f"has SHA-256 {pin}, not the pinned {other}" in said
        assert "must be pinned with its SHA-256" in refused(policy(tmp_path, url))
    # The server is gone; the pinned copy in the cache is still this base.
    assert floor(policy(tmp_path, f"'{url}#sha256={pin}'"), offline=True) == "line_rate >= 80%"
