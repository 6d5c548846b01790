"""Running the app on gunicorn (production WSGI) from ``cspkg serve``.

One worker process with many threads: the embedded store is loaded once and shared by
every request thread (a second worker would load, and hold, a second copy; writes made
through one would not be seen by the other).  Queries still run in parallel, in the
store's query worker processes.  The app is built inside the worker (no preload), so
the query processes belong to the process that uses them.
"""

from __future__ import annotations

import logging
import select
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.workers.gthread import TConn, ThreadWorker

from ..config import Settings
from .app import create_app

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)sB %(M)sms'
"""One line per request, ending with its duration in milliseconds."""


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, computing only the atoms ``ACCESS_LOG_FORMAT`` uses.

    gunicorn's own ``atoms`` builds every atom for any format: a timestamp through
    ``strftime`` and a dict entry per request header, response header and environ
    variable, about a tenth of a small request's time here.  Values are the same.
    """

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        method, uri, protocol = (
            environ["REQUEST_METHOD"], environ["RAW_URI"], environ["SERVER_PROTOCOL"]
        )  # fmt: skip
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "r": f"{method} {uri} {protocol}",
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "M": request_time.seconds * 1000 + int(request_time.microseconds / 1000),
        }


KEEPALIVE_LINGER_MS = 5
"""How long a request thread waits on its keep-alive connection for the next request."""


class LingeringThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's ``gthread`` worker, except that a thread which has answered on a
    keep-alive connection waits up to ``KEEPALIVE_LINGER_MS`` for that client's next
    request before handing the connection back to the main loop.

    Why: each hand-back costs three thread wake-ups and a pipe write (thread -> main
    loop -> poller -> thread pool), about as much as answering a small cached query.
    A client that is not that quick still goes back to the poller, so no thread is
    held longer than the linger, and a stopping worker stops lingering at once.
    """

    def handle(self, conn: TConn) -> Any:
        result = super().handle(conn)
        while result is True and self.alive and not conn.is_http2 and _next_request_soon(conn):
            result = super().handle(conn)
        return result


def _next_request_soon(conn: TConn) -> bool:
    """True when the connection's next request is buffered or arrives within the linger."""
    if conn.parser.unreader.buf.getvalue():
        return True
    poller = select.poll()
    poller.register(conn.sock, select.POLLIN)
    return bool(poller.poll(KEEPALIVE_LINGER_MS))


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn driven from Python, so ``cspkg serve`` needs no separate config file."""

    def __init__(self, settings: Settings, threads: int = 8) -> None:
        self.settings = settings
        self.options: dict[str, Any] = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": 1,
            "worker_class": f"{__name__}.LingeringThreadWorker",
            "threads": threads,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": f"{__name__}.AccessLogger",
            "timeout": int(settings.query_timeout) + 30,
            "graceful_timeout": 10,
            # GET /sparql?query=... of a canned query can pass gunicorn's default 4094 bytes;
            # 8190 is gunicorn's largest bound, and the app answers 414 first.
            "limit_request_line": 8190,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        _log_to_stderr()
        return create_app(self.settings)


def _log_to_stderr() -> None:
    """The project's loggers (``cspkg.audit`` above all) write to stderr, as gunicorn does."""
    logger = logging.getLogger("cspkg")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("[%(asctime)s] [%(name)s] %(levelname)s %(message)s")
        )
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
