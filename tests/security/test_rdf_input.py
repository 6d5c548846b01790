"""Every place that parses RDF a user supplies: XXE, billion laughs, remote contexts, fuzz.

Places: ``parse_rdf`` (uploads, ``cspkg validate FILE``), both stores'
``load_graph`` (the embedded parser and the Oxigraph server), and plan documents
(``.docx`` is XML too).  Nothing may read a local file, connect anywhere, take long, or
fail with anything but the project's input errors.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspkg.errors import CspkgError, PlanDocumentError, RdfInputError
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.safe_rdf import parse_rdf
from cspkg.store import EmbeddedStore, RemoteStore

from .conftest import FUZZ, Listener

SECRET = "LOCAL-SECRET-7f3a"
RDF_HEAD = (
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
)


def xml_with(dtd: bytes, value: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF ['
        + dtd
        + b"]>\n"
        + RDF_HEAD
        + b'<rdf:Description rdf:about="http://ex.org/a"><ex:p>'
        + value
        + b"</ex:p></rdf:Description></rdf:RDF>"
    )


def billion_laughs() -> bytes:
    dtd = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    return xml_with(dtd, b"&l9;")


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def hostile_documents(secret_file: Path, listener: Listener) -> dict[str, tuple[bytes, str]]:
    """(document, media type) by name: each would read the file or call the listener."""
    return {
        "xxe-file": (
            xml_with(b'<!ENTITY x SYSTEM "' + secret_file.as_uri().encode() + b'">', b"&x;"),
            "application/rdf+xml",
        ),
        "xxe-http": (
            xml_with(b'<!ENTITY x SYSTEM "' + listener.url.encode() + b'">', b"&x;"),
            "application/rdf+xml",
        ),
        "parameter-entity": (
            xml_with(b'<!ENTITY % p SYSTEM "' + listener.url.encode() + b'"> %p;', b"x"),
            "application/rdf+xml",
        ),
        "billion-laughs": (billion_laughs(), "application/rdf+xml"),
        "jsonld-file-context": (
            json.dumps({"@context": secret_file.as_uri(), "@id": "http://x/a"}).encode(),
            "application/ld+json",
        ),
        "jsonld-http-context": (
            json.dumps({"@context": listener.url, "@id": "http://x/a"}).encode(),
            "application/ld+json",
        ),
    }


def _check_refused(
    run: Callable[[bytes, str], object], secret_file: Path, listener: Listener
) -> None:
    for name, (document, media_type) in hostile_documents(secret_file, listener).items():
        started = time.monotonic()
        with pytest.raises(CspkgError) as caught:
            run(document, media_type)
        assert time.monotonic() - started < 2, name
        assert SECRET not in str(caught.value), name
    time.sleep(0.3)
    assert listener.connections == []


def test_parse_rdf_refuses_hostile_documents(secret_file: Path, listener: Listener) -> None:
    _check_refused(lambda d, m: parse_rdf(d, m), secret_file, listener)


def test_embedded_store_refuses_hostile_rdf_xml(secret_file: Path, listener: Listener) -> None:
    store = EmbeddedStore()
    try:
        _check_refused(lambda d, m: store.load_graph("urn:g", d, m), secret_file, listener)
        assert store.triple_count() == 0
    finally:
        store.close()


def test_oxigraph_server_never_sees_hostile_rdf_xml(
    remote_url: str, secret_file: Path, listener: Listener
) -> None:
    store = RemoteStore(remote_url)
    try:
        _check_refused(lambda d, m: store.load_graph("urn:g", d, m), secret_file, listener)
        assert "urn:g" not in store.graphs()
    finally:
        store.close()


def _docx_with_doctype(path: Path, dtd: str, value: str) -> Path:
    """A real .docx whose main part declares an entity and uses it in a paragraph."""
    document = docx.Document()
    document.add_paragraph("PLACEHOLDER")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                head, _, rest = text.partition("?>")
                text = f"{head}?><!DOCTYPE w:document [{dtd}]>{rest}"
                data = text.replace("PLACEHOLDER", value).encode()
            target.writestr(item, data)
    return path


def test_docx_external_entities_not_resolved(
    tmp_path: Path, secret_file: Path, listener: Listener
) -> None:
    dtd = f'<!ENTITY f SYSTEM "{secret_file.as_uri()}"><!ENTITY h SYSTEM "{listener.url}">'
    path = _docx_with_doctype(tmp_path / "plan.docx", dtd, "&f;&h;")
    try:
        text = " ".join(line.text for line in read_plan_document(path).lines)
    except PlanDocumentError:
        text = ""
    assert SECRET not in text
    time.sleep(0.3)
    assert listener.connections == []


def test_docx_billion_laughs_is_quick(tmp_path: Path) -> None:
    dtd = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    path = _docx_with_doctype(tmp_path / "plan.docx", dtd, "&l9;")
    started = time.monotonic()
    try:
        lines = read_plan_document(path).lines
    except PlanDocumentError:
        lines = ()
    assert time.monotonic() - started < 5
    assert sum(len(line.text) for line in lines) < 100_000


VALID = {
    "turtle": b'@prefix ex: <http://ex.org/> .\nex:a ex:p ( 1 2 [ ex:q "x"@en ] ) .\n',
    "nt": b'<http://ex.org/a> <http://ex.org/p> "v"^^<http://ex.org/t> .\n',
    "xml": b'<?xml version="1.0"?>'
    + RDF_HEAD
    + b'<rdf:Description rdf:about="a"><ex:p rdf:parseType="Literal"><b>x</b></ex:p>'
    + b"</rdf:Description></rdf:RDF>",
    "json-ld": b'{"@context": {"p": {"@id": "http://ex.org/p", "@type": "@id"}}, '
    + b'"@id": "http://ex.org/a", "p": ["b", {"@id": "c", "p": "d"}]}',
    "trig": b"<urn:g> { <urn:a> <urn:b> <urn:c> }\n",
    "nquads": b"<urn:a> <urn:b> <urn:c> <urn:g> .\n",
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid document of some format with random bytes inserted, deleted or replaced."""
    fmt = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[fmt])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=8),
                st.sampled_from([b"<", b">", b"{", b"(", b"[", b'"', b"&", b"@", b"\\", b"\xff"]),
            )
        )
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + len(chunk)]
        else:
            data[at : at + len(chunk)] = chunk
    return fmt, bytes(data)


@FUZZ
@given(mutated())
def test_fuzz_mutated_documents(case: tuple[str, bytes]) -> None:
    fmt, data = case
    started = time.monotonic()
    try:
        parse_rdf(data, fmt)
    except RdfInputError as exc:
        assert "Traceback" not in str(exc) and "/site-packages/" not in str(exc)
    assert time.monotonic() - started < 2


@FUZZ
@given(st.sampled_from(sorted(VALID)), st.binary(max_size=300))
def test_fuzz_random_bytes(fmt: str, data: bytes) -> None:
    with contextlib.suppress(RdfInputError):
        parse_rdf(data, fmt)


@pytest.mark.parametrize("fmt", sorted(VALID))
def test_huge_and_deep_inputs(fmt: str) -> None:
    deep = {
        "json-ld": b"[" * 100_000 + b"]" * 100_000,
        "xml": b"<a>" * 50_000 + b"</a>" * 50_000,
    }.get(fmt, b"<urn:a> <urn:b> " + b"(" * 50_000 + b")" * 50_000 + b" .")
    for data in (deep, b"\xff\xfe\x00" * 100_000, VALID[fmt] * 2000):
        started = time.monotonic()
        with contextlib.suppress(RdfInputError):
            parse_rdf(data, fmt)
        assert time.monotonic() - started < 10
