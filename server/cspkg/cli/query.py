"""Answers from the graph: ``queries`` (the catalogue), ``query`` (a canned query in any
results format)."""

from __future__ import annotations

import click

from ..errors import QueryNotFound
from ..services.canned_queries import CannedQueries, precheck, request_values
from ..services.results import FORMATS, render
from .options import open_catalog, query_store, settings_of, store_options, with_store


@click.command("queries")
@click.pass_context
def list_queries(ctx: click.Context) -> None:
    """List the canned queries and their parameters (a thing by its name: label, code or IRI)."""
    for query in open_catalog(settings_of(ctx)).queries:
        click.echo(f"{query.name}: {query.title}")
        for parameter in query.parameters:
            default = "optional" if parameter.optional else f"default {parameter.default}"
            if parameter.default is None and not parameter.optional:
                default = "required"
            # Things of a class are found by name (services/parameters.py), so say so.
            kind = "name" if parameter.type == "iri" and parameter.rdf_class else parameter.type
            click.echo(f"    --param {parameter.name}=<{kind}>  ({default})")


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Repeatable.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="table", show_default=True)
@store_options
@click.pass_context
def run_query(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    form: str,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
) -> None:
    """Run the canned query NAME: on ontology/ and data/ in memory by default, or on
    the store `cspkg load --store DIR` / `--backend URL` filled (read as it is)."""
    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    pairs: list[tuple[str, str]] = []
    for param in params:
        key, equals, value = param.partition("=")
        if not equals:
            raise click.UsageError(f"--param expects KEY=VALUE, got '{param}'")
        pairs.append((key, value))
    catalog = open_catalog(settings)
    try:
        query = catalog.get(name)
    except QueryNotFound as exc:
        raise QueryNotFound(f"{exc} (cspkg queries lists every query)") from None
    precheck(query, request_values(query, pairs))  # refuse bad values before loading
    store = query_store(settings)
    try:
        if store.triple_count() == 0:
            click.echo("warning: the store is empty (fill it with cspkg load)", err=True)
        table = CannedQueries(catalog, store, settings).run(name, pairs).table
    finally:
        store.close()
    click.echo(render(table, form), nl=False)
    if table.truncated:
        click.echo(f"warning: only the first {settings.max_rows} rows are shown", err=True)
