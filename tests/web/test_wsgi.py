"""The gunicorn pieces of ``cspkg serve``: the access-log line."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from cspkg.web.wsgi import ACCESS_LOG_FORMAT, AccessLogger


def _config() -> Config:
    config = Config()
    config.set("accesslog", None)
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    return config


@pytest.mark.parametrize(
    ("status", "sent", "uri"),
    [
        ("200 OK", 1234, '/sparql?query=ASK%7B%7D&x="quoted"'),
        (304, 0, "/queries/action"),
        ("503 SERVICE UNAVAILABLE", None, "/health"),
    ],
)
def test_access_line_is_gunicorns_own(status: object, sent: int | None, uri: str) -> None:
    """Same line as gunicorn's logger gives for the format, from fewer atoms."""
    resp = SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/plain")])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": uri.partition("?")[0],
    }
    req = SimpleNamespace(headers=[("Accept", "*/*")])
    took = datetime.timedelta(seconds=1, microseconds=234_567)
    lines = [
        ACCESS_LOG_FORMAT % SafeAtoms(logger(_config()).atoms(resp, req, environ, took))
        for logger in (Logger, AccessLogger)
    ]
    assert lines[0] == lines[1]
    assert lines[1].endswith(" 1234ms") and lines[1].startswith('127.0.0.1 "GET ')
