"""Hostile plan documents through the /validation upload (checked in a limited process,
services/upload_check.py): each ends in a 400 naming the file, or a bounded read; the
served graph is untouched."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cspkg.config import PROJECT_ROOT
from cspkg.store import EmbeddedStore
from cspkg.web import create_app
from tests.fixtures.plans.corpus import EASTWOLD, GREYHAVEN
from tests.fixtures.plans.hostile import HOSTILE_PDFS

from ..conftest import _settings

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    store = EmbeddedStore(workers=1)
    store.load_graph("urn:test:kept", b"<urn:a> <urn:b> <urn:c> .", "text/turtle")
    yield create_app(_settings(data_dir=PROJECT_ROOT / "data"), store).test_client()
    assert store.triple_count() == 1  # no upload reached the served graph
    store.close()


def upload(client: FlaskClient, name: str, data: bytes) -> tuple[int, dict[str, object]]:
    # The body is encoded in memory: werkzeug's test client spools a large multipart body to
    # a temporary file that it never closes (a ResourceWarning, an error under -W error).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    response = client.post(
        "/validation",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=JSON,
    )
    return response.status_code, response.get_json()


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_hostile_pdfs_are_refused_with_a_clear_400(
    client: FlaskClient, tmp_path: Path, name: str
) -> None:
    make, phrase = HOSTILE_PDFS[name]
    status, body = upload(client, name, make(tmp_path))
    assert status == 400, body
    message = str(body["message"])
    assert phrase in message and name in message and "/tmp" not in message


def test_a_pdf_plan_is_checked(client: FlaskClient, tmp_path: Path) -> None:
    path = EASTWOLD.build(EASTWOLD, tmp_path / EASTWOLD.name)
    status, body = upload(client, EASTWOLD.name, path.read_bytes())
    assert status == 200, body
    assert body["file"] == EASTWOLD.name and int(body["triples"]) > 50  # type: ignore[call-overload]


def test_a_workbook_with_a_million_styled_empty_rows_is_a_bounded_read(
    client: FlaskClient, tmp_path: Path
) -> None:
    path = GREYHAVEN.build(GREYHAVEN, tmp_path / GREYHAVEN.name)
    assert path.stat().st_size < 5_000_000  # under the upload limit: the reader must bound it
    status, body = upload(client, GREYHAVEN.name, path.read_bytes())
    assert status == 200, body
    assert body["file"] == GREYHAVEN.name
