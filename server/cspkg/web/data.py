"""``/data/dataset.*`` (whole-dataset downloads) and ``/.well-known/void`` (VoID + DCAT).

The downloads are streamed as they are serialised; the description is small and
negotiated like any graph (Turtle unless the client asks for JSON-LD and so on).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import PageNotFound
from ..namespaces import PREFIXES
from ..services.dataset import describe_dataset, download, stream
from ..store.serialize import write_graph
from .context import services
from .respond import choose

bp = Blueprint("data", __name__)


@bp.get("/data/dataset.<extension>")
def dataset(extension: str) -> Response:
    """The whole store in one file; unknown extensions are 404, not a guess."""
    offered = download(extension)
    if offered is None:
        raise PageNotFound(f"There is no download named dataset.{extension}.")
    textual = offered.media_type.startswith("text/") or offered.extension == "jsonld"
    content_type = offered.media_type + ("; charset=utf-8" if textual else "")
    response = Response(stream(services().store, extension), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="dataset.{extension}"'
    return response


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID and DCAT about the dataset and how to reach it."""
    media_type = choose("graph", request.args.get("format"))
    found = services()
    triples = describe_dataset(request.url_root, found.store, found.settings)
    response = Response(write_graph(triples, media_type, PREFIXES))
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    response.headers["Content-Type"] = media_type + ("; charset=utf-8" if textual else "")
    return response
