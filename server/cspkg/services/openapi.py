"""An OpenAPI 3.1 description of the data API, generated from the canned-query catalogue.

Generated, not written by hand, so a new ``queries/*.rq`` file appears in the API
description without anyone remembering to document it.
"""

from __future__ import annotations

import re
from typing import Any

from ..catalog import CannedQuery, Catalog, Parameter
from .dataset import DOWNLOADS

OPENAPI_VERSION = "3.1.0"
_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "uri"},
    "date": {"type": "string", "format": "date"},
    "month": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string", "maxLength": 2000},
}
_ERROR = {"$ref": "#/components/responses/Error"}


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """JSON Schema for a parameter's value, with its default in the schema's own type."""
    schema = dict(_SCHEMAS[parameter.type])
    if parameter.minimum is not None:
        schema["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        schema["maximum"] = parameter.maximum
    default = parameter.default
    if default is None or default in ("today", "another"):
        return schema  # chosen when the query runs
    if parameter.type == "integer":
        schema["default"] = int(default)
    elif parameter.type == "boolean":
        schema["default"] = default.lower() in ("true", "1")
    else:
        schema["default"] = default
    return schema


def _parameter(parameter: Parameter) -> dict[str, Any]:
    words = [parameter.label + ":", parameter.expects() + "."]
    if parameter.type == "date" and parameter.default == "today":
        words.append("Defaults to today's date.")
    if parameter.default == "another":
        words.append("Defaults to another one than the other parameters name.")
    if parameter.rdf_class:
        words.append(f"Names an instance of <{parameter.rdf_class}>.")
    if parameter.optional:
        words.append("Leave out to match any.")
    out: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "description": " ".join(words),
        "required": parameter.default is None and not parameter.optional,
        "schema": parameter_schema(parameter),
    }
    if parameter.rdf_class:
        out["x-rdf-class"] = parameter.rdf_class
    return out


def _operation_id(name: str, suffix: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", name)
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:]) + suffix


def _query_paths(query: CannedQuery) -> dict[str, Any]:
    parameters = [_parameter(p) for p in query.parameters]
    summary = query.title
    description = query.description + (f"\n\nQuestion: {query.question}" if query.question else "")
    row = {
        "type": "object",
        "properties": {c: {"$ref": "#/components/schemas/Cell"} for c in query.columns},
        "required": list(query.columns),
        "additionalProperties": False,
    }
    result = {
        "allOf": [
            {"$ref": "#/components/schemas/QueryResult"},
            {
                "type": "object",
                "properties": {
                    "columns": {"const": list(query.columns)},
                    "rows": {"type": "array", "items": row},
                },
            },
        ]
    }
    columns = ", ".join(query.columns)
    return {
        f"/queries/{query.name}.json": {
            "get": {
                "operationId": _operation_id(query.name, "Json"),
                "summary": summary,
                "description": description,
                "tags": ["canned queries"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": f"One object per row, with columns {columns}.",
                        "content": {"application/json": {"schema": result}},
                    },
                    "400": _ERROR,
                    "503": _ERROR,
                },
            }
        },
        f"/queries/{query.name}.csv": {
            "get": {
                "operationId": _operation_id(query.name, "Csv"),
                "summary": summary + " (CSV)",
                "description": (
                    f"UTF-8 CSV with a byte-order mark and CRLF line ends; header: {columns}. "
                    "Cells that a spreadsheet would run as a formula start with a quote."
                ),
                "tags": ["canned queries"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": f"A header row ({columns}), then one line per row.",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "400": _ERROR,
                    "503": _ERROR,
                },
            }
        },
        f"/queries/{query.name}.xlsx": {
            "get": {
                "operationId": _operation_id(query.name, "Xlsx"),
                "summary": summary + " (Excel workbook)",
                "description": (
                    "An Excel workbook: an Answer sheet (column titles in words, a label and "
                    "an IRI column per thing), wide grids where the query is a matrix, and an "
                    "About sheet (query, values used, data version, generated at)."
                ),
                "tags": ["canned queries"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The workbook.",
                        "content": {XLSX: {"schema": {"type": "string", "contentMediaType": XLSX}}},
                    },
                    "400": _ERROR,
                    "503": _ERROR,
                },
            }
        },
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _components() -> dict[str, Any]:
    return {
        "schemas": {
            "Cell": {
                "description": "One value; null when the query left the column unbound.",
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {
                                "type": "string",
                                "description": "iri, bnode, string, integer, boolean, date, "
                                "decimal, double, dateTime, ... or literal (other datatypes)",
                            },
                            "value": {"type": ["string", "integer", "number", "boolean"]},
                            "label": {"type": "string", "description": "For IRIs."},
                            "lang": {"type": "string"},
                            "datatype": {"type": "string", "format": "uri"},
                        },
                        "required": ["type", "value"],
                    },
                ],
            },
            "QueryResult": {
                "type": "object",
                "properties": {
                    "query": {"type": "object"},
                    "parameters": {
                        "type": "object",
                        "description": "Each parameter's value as bound, and whether given.",
                    },
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "labels": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "IRI column -> the column holding its label.",
                    },
                    "rows": {"type": "array"},
                    "rowCount": {"type": "integer"},
                    "truncated": {"type": "boolean"},
                    "links": {"type": "object"},
                },
                "required": ["query", "parameters", "columns", "rows", "rowCount", "truncated"],
            },
            "Error": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    "message": {"type": "string"},
                    "parameter": {"type": "string"},
                    "expected": {"type": "string"},
                },
                "required": ["error", "message"],
            },
        },
        "responses": {
            "Error": {
                "description": "What went wrong, safe to show to a user.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                    "text/plain": {"schema": {"type": "string"}},
                },
            }
        },
    }


def _fixed_paths() -> dict[str, Any]:
    rdf = {
        media: {"schema": {"type": "string"}}
        for media in ("text/turtle", "application/n-triples", "application/ld+json")
    }
    results = {
        media: {"schema": {"type": "string"}}
        for media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
    }
    return {
        "/sparql": {
            "get": {
                "operationId": "sparqlQuery",
                "summary": "SPARQL 1.1 query",
                "description": (
                    "The SPARQL 1.1 Protocol endpoint (POST works too). The default graph "
                    "is the union of the named graphs. Without `query` it answers with the "
                    "SPARQL Service Description."
                ),
                "tags": ["sparql"],
                "parameters": [
                    {
                        "name": "query",
                        "in": "query",
                        "required": False,
                        "description": "A SPARQL 1.1 query.",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "default-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
                    },
                    {
                        "name": "named-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
                    },
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "description": "Overrides Accept: json, xml, csv, tsv, turtle, ...",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE).",
                        "content": results | rdf,
                    },
                    "400": _ERROR,
                    "403": _ERROR,
                    "406": _ERROR,
                    "503": _ERROR,
                },
            }
        },
        "/store": _graph_store_path(rdf),
        "/queries.json": {
            "get": {
                "operationId": "listQueries",
                "summary": "The canned-query catalogue",
                "tags": ["canned queries"],
                "responses": {
                    "200": {
                        "description": "Every query with its parameters and links.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "operationId": "datasetDescription",
                "summary": "VoID and DCAT description of the dataset",
                "tags": ["dataset"],
                "responses": {"200": {"description": "Turtle by default.", "content": rdf}},
            }
        },
    } | {
        f"/data/dataset.{ext}": {
            "get": {
                "operationId": f"dump{ext.capitalize()}",
                "summary": f"The whole dataset as {title}",
                "tags": ["dataset"],
                "responses": {
                    "200": {
                        "description": title,
                        "content": {media: {"schema": {"type": "string"}}},
                    }
                },
            }
        }
        for ext, media, title in ((d.extension, d.media_type, d.title) for d in DOWNLOADS)
    }


def _graph_store_path(rdf: dict[str, Any]) -> dict[str, Any]:
    """``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (services/graph_store.py)."""
    text = {"schema": {"type": "string"}}
    params = [
        {"name": "graph", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "A named graph's IRI; with neither parameter, the whole store."},
        {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
         "schema": {"type": "string"}, "description": "The union of the named graphs (read-only)."},
    ]  # fmt: skip
    inputs = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
    errors = {code: _ERROR for code in ("400", "401", "403", "404", "405", "413", "415", "422")}
    auth = (
        " Needs `Authorization: Bearer TOKEN` when the service has an admin token (403 if "
        "it has none); the resulting dataset must pass the shapes (422, nothing written)."
    )

    def write(op: str, summary: str, about: str, ok: dict[str, Any]) -> dict[str, Any]:
        operation = {
            "operationId": "graphStore" + op.capitalize(),
            "parameters": params,
            "summary": summary,
            "description": about + auth,
            "tags": ["graph store"],
            "responses": ok | errors,
        }
        if op != "delete":
            operation["requestBody"] = {"required": True, "content": dict.fromkeys(inputs, text)}
        return operation

    created = {"description": "Created; `Location` names a graph made by POST to /store."}
    graphs = rdf | {"application/n-quads": text, "application/trig": text}
    return {
        "get": {
            "operationId": "graphStoreGet",
            "parameters": params,
            "summary": "Read a graph (Graph Store Protocol)",
            "description": "`?graph=IRI` one graph (404 if it holds no triple), `?default` "
            "the union; with neither, the whole dataset (N-Quads, TriG or JSON-LD).",
            "tags": ["graph store"],
            "responses": {
                "200": {"description": "By content negotiation.", "content": graphs},
                "404": _ERROR,
                "406": _ERROR,
            },
        },
        "put": write("put", "Replace a named graph", "Only with `?graph=IRI`.",
                     {"201": created, "204": {"description": "Replaced."}}),
        "post": write("post", "Merge into a named graph, or create one",
                      "With `?graph=IRI` the data is added (multipart/form-data: part by part); "
                      "on /store itself a new graph is made and named in `Location`.",
                      {"201": created, "204": {"description": "Merged."}}),
        "delete": write("delete", "Drop a named graph", "Only with `?graph=IRI`.",
                        {"204": {"description": "Dropped."}}),
    }  # fmt: skip


def openapi_document(catalog: Catalog, server_url: str) -> dict[str, Any]:
    """The whole OpenAPI document for a service at ``server_url``."""
    paths: dict[str, Any] = {}
    for query in catalog.queries:
        paths |= _query_paths(query)
    paths |= _fixed_paths()
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "CSP Knowledge Graph data API",
            "version": "1",
            "description": (
                "Canned questions about a Community Safety Partnership's delivery plan, "
                "the SPARQL endpoint and whole-dataset downloads. Every canned query is "
                "also a web page at /queries/{name}, which answers SPARQL result formats "
                "by content negotiation."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [
            {"name": "canned queries", "description": "Ready-made questions (queries/*.rq)."},
            {"name": "sparql", "description": "SPARQL 1.1 Protocol."},
            {"name": "dataset", "description": "Downloads and dataset description."},
            {"name": "graph store", "description": "SPARQL 1.1 Graph Store HTTP Protocol."},
        ],
        "paths": paths,
        "components": _components(),
    }
