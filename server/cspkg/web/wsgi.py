"""Running the app on gunicorn (production WSGI) from ``cspkg serve``.

One worker process with many threads: the embedded store is loaded once and shared by
every request thread (a second worker would load, and hold, a second copy; writes made
through one would not be seen by the other).  Queries still run in parallel, in the
store's query worker processes.  The app is built inside the worker (no preload), so
the query processes belong to the process that uses them.  The worker class
(``front.py``) reads each request whole in its event loop before a thread gets it, so
slow and idle clients hold no thread.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

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


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn driven from Python, so ``cspkg serve`` needs no separate config file."""

    def __init__(self, settings: Settings, threads: int | None = None) -> None:
        self.settings = settings
        self.options: dict[str, Any] = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": 1,
            "worker_class": "cspkg.web.front.GuardedThreadWorker",
            "threads": threads or settings.http_threads,
            "worker_connections": settings.max_connections,
            "keepalive": max(1, round(settings.keepalive_timeout)),
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": f"{__name__}.AccessLogger",
            "timeout": int(settings.query_timeout) + 30,
            "graceful_timeout": 10,
            # GET /sparql?query=... of a canned query can pass gunicorn's default 4094 bytes;
            # 8190 is gunicorn's largest bound, and the app answers 414 first.
            "limit_request_line": 8190,
            # gunicorn 24+ opens a control socket at one fixed path per user: a second
            # `cspkg serve` (another port) took it over and stopping either deleted the
            # other's.  Nothing here uses it (SIGTERM/SIGHUP control the server).
            "control_socket_disable": True,
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
