"""Hostile RDF through every entry point a user or a remote reaches, not the parser alone.

The body is the one found expanding through ``/store``: a few hundred bytes of RDF/XML
whose nested entities grow a thousandfold.  Each entry must refuse it with a clear 4xx
(HTTP) or exit 2 (CLI) and store or write nothing.
"""

from __future__ import annotations

import gc
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cspkg.cli import cli
from cspkg.errors import RdfInputError
from cspkg.services.loading import open_loaded_store
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import FIXTURES, _settings

TOKEN = "entry-point-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENTITIES = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="urn:ex:">\n'
    b'<rdf:Description rdf:about="urn:ex:bomb"><ex:p>&d;</ex:p></rdf:Description>\n</rdf:RDF>\n'
)
REFUSAL = "document type declarations and entities are not accepted"
REMOTE_CONTEXT = json.dumps({"@context": "http://127.0.0.1:9/ctx", "@id": "urn:ex:a"}).encode()


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    made = EmbeddedStore()
    yield made
    made.close()


@pytest.fixture
def client(store: EmbeddedStore) -> FlaskClient:
    return create_app(_settings(admin_token=TOKEN), store).test_client()


def test_the_body_is_small_and_would_expand() -> None:
    assert len(ENTITIES) < 600 and ENTITIES.count(b"&c;") == 10


@pytest.mark.parametrize(
    ("method", "query"),
    [("PUT", "?graph=urn:ex:g"), ("POST", "?graph=urn:ex:g"), ("POST", "")],
)
@pytest.mark.parametrize(
    ("body", "media_type", "why"),
    [
        (ENTITIES, "application/rdf+xml", REFUSAL),
        (REMOTE_CONTEXT, "application/ld+json", "remote JSON-LD contexts are not fetched"),
    ],
)
def test_graph_store_writes_refuse_it(
    client: FlaskClient,
    store: EmbeddedStore,
    method: str,
    query: str,
    body: bytes,
    media_type: str,
    why: str,
) -> None:
    response = client.open(
        "/store" + query,
        method=method,
        data=body,
        headers={"Content-Type": media_type, "Accept": "application/json", **AUTH},
    )
    assert response.status_code == 400
    assert why in response.get_data(as_text=True)
    assert store.graphs() == [] and store.triple_count() == 0


def test_validation_upload_refuses_it(client: FlaskClient) -> None:
    response = client.post(
        "/validation",
        data={"file": (io.BytesIO(ENTITIES), "plan.rdf")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert REFUSAL in response.get_data(as_text=True)


def test_cspkg_validate_refuses_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_bytes(ENTITIES)
    for extra in ([], ["--alone"]):
        result = CliRunner().invoke(cli, ["validate", *extra, str(bomb)])
        assert result.exit_code == 2, result.output
        assert f"Error: {bomb}: XML {REFUSAL}" in result.output


def _data_with_bomb(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "plans").mkdir(parents=True)
    (data / "plans" / "tiny.ttl").write_bytes((FIXTURES / "mini-plan.ttl").read_bytes())
    (data / "bomb.rdf").write_bytes(ENTITIES)
    return data


def test_cspkg_load_refuses_it_and_loads_nothing(tmp_path: Path) -> None:
    data = _data_with_bomb(tmp_path)
    location = tmp_path / "store"
    env = {"CSPKG_DATA_DIR": str(data), "CSPKG_ONTOLOGY_DIR": str(FIXTURES / "ontology")}
    result = CliRunner().invoke(cli, ["load", "--store", str(location)], env=env)
    assert result.exit_code == 2, result.output
    assert f"Error: data/bomb.rdf: XML {REFUSAL}" in result.output
    assert "Nothing was loaded" in result.output
    gc.collect()  # the CLI's store handle is gone: the directory can be opened again
    reopened = EmbeddedStore(location)
    try:
        assert reopened.graphs() == []
    finally:
        reopened.close()


def test_start_up_refuses_it(tmp_path: Path) -> None:
    settings = _settings(data_dir=_data_with_bomb(tmp_path), query_workers=0)
    with pytest.raises(RdfInputError, match=f"data/bomb.rdf: XML {REFUSAL}"):
        open_loaded_store(settings)


class _Answers(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers every query with the entity body."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/rdf+xml")
        self.send_header("Content-Length", str(len(ENTITIES)))
        self.end_headers()
        self.wfile.write(ENTITIES)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def hostile_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_harvest_refuses_it_and_writes_nothing(hostile_endpoint: str, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n")
    data = tmp_path / "data"
    args = ["harvest", hostile_endpoint, "--query", str(query), "--retries", "0"]
    result = CliRunner().invoke(cli, args, env={"CSPKG_DATA_DIR": str(data)})
    assert result.exit_code == 2, result.output
    assert REFUSAL in result.output
    assert "The last harvest, if any, is unchanged." in result.output
    assert not data.exists()
