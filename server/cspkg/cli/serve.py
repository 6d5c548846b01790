"""Running the service: ``serve`` (gunicorn, after the port and the backend are checked,
each with one line) and ``token`` (a write token and the hash its settings keep)."""

from __future__ import annotations

import click

from ..config import Settings
from ..errors import CspkgError
from .options import settings_of, store_options, with_store


@click.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@store_options
@click.option("--threads", type=int, help="Request threads (default: the http_threads setting).")
@click.option("--check-port", is_flag=True, help="Only check that the port is free, then exit.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
    threads: int | None,
    check_port: bool,
) -> None:
    """Serve the SPARQL endpoint and query page on gunicorn."""
    from ..web.wsgi import GunicornServer

    given = settings_of(ctx)
    settings = with_store(
        given,
        store_dir,
        backend,
        backend_profile,
        host=host or given.host,
        port=port or given.port,
        progress_files=True,  # updates written on the service go back to data/progress
    )
    ensure_port_free(settings.host, settings.port)  # before gunicorn: one line, not ten
    if check_port:
        return
    _check_backend(settings)
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(
        f"cspkg: open {url} (the plan, its questions and pages); SPARQL endpoint {url}sparql",
        err=True,
    )
    GunicornServer(settings, threads=threads).run()


def ensure_port_free(host: str, port: int) -> None:
    """``CspkgError`` saying how to choose another port if ``host:port`` is taken.

    Bound the way gunicorn binds (``SO_REUSEADDR``), so a port in TIME_WAIT counts as
    free, as it will be for gunicorn."""
    import errno
    import socket

    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror:
        raise CspkgError(f"cannot listen on '{host}': no such host or interface") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CspkgError(
                    f"port {port} on {host} is already in use; choose another with "
                    f"--port N (make run PORT=N)"
                ) from None
            raise CspkgError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _check_backend(settings: Settings) -> None:
    """An unknown profile, a backend showing its own graphs or refusing the account stop
    ``serve`` with one line, before gunicorn starts."""
    from ..store.factory import open_store
    from ..store.profiles import get_profile

    try:
        get_profile(settings.backend_profile)
    except CspkgError as exc:
        raise click.UsageError(str(exc)) from None
    if settings.backend:
        open_store(settings).close()


@click.command("token")
def token_command() -> None:
    """Make a random write token: the token for its holder, and the salted hash to put in
    the settings (admin_token, or an [agency_tokens] entry) instead of the token."""
    from ..token_hash import new_token

    token, stored = new_token()
    click.echo(f"token (give it to its holder, once): {token}")
    click.echo(f"settings value (keep this):         {stored}")
