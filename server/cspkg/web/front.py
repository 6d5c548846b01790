"""The gunicorn worker class ``cspkg serve`` runs: request threads only for whole requests.

gunicorn's ``gthread`` worker hands a connection to a request thread as soon as its
first byte arrives, and the thread then blocks until the request line, the headers and
the body are in.  Eight connections that send half a request and stop (the number of
threads) froze every endpoint, ``/health`` included, for as long as they stayed open.

Here the worker's event loop reads each request itself, without blocking, until the
head and a body of known length (``Content-Length``, up to ``max_upload_bytes`` plus
form overhead) are complete, and only then gives the connection to a thread, with the
bytes already in its parser's buffer.  So a thread is only ever busy with work:

* a head must be complete within ``header_timeout`` seconds of the connection (or of
  its previous request), a body within ``body_timeout`` of the head; else 408 and close;
* at most ``max_connections_per_client`` connections per address (429 past it), at most
  ``max_connections`` in all (the loop stops accepting);
* an idle kept-alive connection is closed after ``keepalive_timeout`` seconds;
* sockets carry kernel send/receive timeouts, so a client that stops reading its answer
  (or a chunked body, which is handed over after its head) holds a thread at most that
  long per send or receive.

Behind a reverse proxy every client has the proxy's address: set the per-client limit
there (see ``docs/hardening.md``).
"""

from __future__ import annotations

import contextlib
import select
import selectors
import socket
import struct
import time
from collections import Counter
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

KEEPALIVE_LINGER_MS = 5
"""How long a request thread waits on its keep-alive connection for the next request."""

HEAD_LIMIT = 65_536
"""A head longer than this is handed over as it is: gunicorn answers 400 for it."""

BUFFERED_BYTES_LIMIT = 256 * 2**20
"""All bodies being read by the loop together; past it new bodies are refused (503)."""


def request_state(data: bytes | bytearray, max_body: int) -> str:
    """``"incomplete"``, ``"complete"`` or ``"handover"`` (a thread reads the rest: a
    chunked body, one over ``max_body`` that the app will refuse, or a malformed head
    that gunicorn will answer)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return "handover" if len(data) > HEAD_LIMIT else "incomplete"
    length = 0
    for line in bytes(data[:end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return "handover"
        if name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return "handover"
    if length > max_body:
        return "handover"
    return "complete" if len(data) - (end + 4) >= length else "incomplete"


def _next_request_soon(conn: TConn, max_body: int) -> bool:
    """True when the connection's next request is whole in the buffers within the linger."""
    if conn.parser.unreader.buf.getvalue():
        return False  # read ahead: the loop checks it is whole first
    poller = select.poll()
    poller.register(conn.sock, select.POLLIN)
    if not poller.poll(KEEPALIVE_LINGER_MS):
        return False
    try:
        peeked = conn.sock.recv(HEAD_LIMIT, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except OSError:
        return False
    return bool(peeked) and request_state(peeked, max_body) == "complete"


class _Reading:
    """A connection whose request the loop is still reading."""

    __slots__ = ("conn", "data", "deadline", "head_done")

    def __init__(self, conn: TConn, data: bytes, deadline: float) -> None:
        self.conn = conn
        self.data = bytearray(data)
        self.deadline = deadline
        self.head_done = False


class GuardedConn(TConn):  # type: ignore[misc]
    """A connection that tells its worker when it closes (per-client counts)."""

    def __init__(self, *args: Any, on_close: Any) -> None:
        super().__init__(*args)
        self.ready = False
        self._on_close = on_close

    def close(self, graceful: bool = False) -> None:
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close(self)
        super().close(graceful)


class GuardedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` with whole requests only (see the module docstring), and a lingering
    keep-alive: a thread that has answered waits up to ``KEEPALIVE_LINGER_MS`` for the
    client's next request (when it arrives whole) before handing the connection back,
    which saves three thread wake-ups per request."""

    def init_process(self) -> None:
        settings = self.app.settings
        self.header_timeout = float(settings.header_timeout)
        self.body_timeout = float(settings.body_timeout)
        self.per_client = int(settings.max_connections_per_client)
        self.max_body = int(settings.max_upload_bytes) + 65_536
        self.reading: dict[TConn, _Reading] = {}
        self.clients: Counter[str] = Counter()
        super().init_process()

    # --- accepting ---------------------------------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        try:
            sock, address = listener.accept()
        except OSError:
            return
        client = address[0] if isinstance(address, tuple) and address else ""
        if self.clients[client] >= self.per_client:
            _refuse(sock, 429, "too many connections from your address")
            return
        self.nr_conns += 1
        self.clients[client] += 1
        timeout = struct.pack("ll", int(self.body_timeout), 0)
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeout)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeout)
        conn = GuardedConn(self.cfg, sock, address, listener.getsockname(), on_close=self._closed)
        self._read(conn, b"")

    def _closed(self, conn: TConn) -> None:
        client = conn.client[0] if isinstance(conn.client, tuple) and conn.client else ""
        self.clients[client] -= 1
        if self.clients[client] <= 0:
            del self.clients[client]

    # --- reading in the loop -----------------------------------------------------------

    def _read(self, conn: TConn, data: bytes) -> None:
        reading = _Reading(conn, data, time.monotonic() + self.header_timeout)
        conn.sock.setblocking(False)
        self.reading[conn] = reading
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, reading))
        self._advance(reading)

    def _readable(self, reading: _Reading, sock: socket.socket) -> None:
        try:
            data = sock.recv(262_144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(reading)
            return
        reading.data += data
        self._advance(reading)

    def _advance(self, reading: _Reading) -> None:
        """Give the request to a thread once it is whole (or a thread must read it)."""
        state = request_state(reading.data, self.max_body)
        if state == "incomplete":
            if not reading.head_done and b"\r\n\r\n" in reading.data:
                reading.head_done = True
                reading.deadline = time.monotonic() + self.body_timeout
                if sum(len(r.data) for r in self.reading.values()) > BUFFERED_BYTES_LIMIT:
                    self._drop(reading, 503)
            return
        self._unwatch(reading)
        conn = reading.conn
        conn.sock.setblocking(True)
        conn.init()
        conn.parser.unreader.unread(bytes(reading.data))
        conn.data_ready = True
        conn.ready = True
        self.enqueue_req(conn)

    def _unwatch(self, reading: _Reading) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(reading.conn.sock)
        self.reading.pop(reading.conn, None)

    def _drop(self, reading: _Reading, status: int | None = None) -> None:
        self._unwatch(reading)
        if status is not None:
            _refuse(reading.conn.sock, status, _MESSAGES[status])
        self.nr_conns -= 1
        reading.conn.close()

    def murder_pending(self) -> None:
        """gunicorn's timeouts, and requests not read whole in time (408)."""
        super().murder_pending()
        now = time.monotonic()
        for reading in [r for r in self.reading.values() if r.deadline <= now]:
            self._drop(reading, 408)

    # --- handing over ------------------------------------------------------------------

    def enqueue_req(self, conn: TConn) -> None:
        """Only whole requests go to a thread; anything else is read by the loop first
        (a kept-alive connection with read-ahead, for example)."""
        if getattr(conn, "ready", True):
            conn.ready = False
            super().enqueue_req(conn)
            return
        buffered = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        self._read(conn, buffered)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection has data: read its next request in the loop."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        buffered = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        self._read(conn, buffered)

    def handle(self, conn: TConn) -> Any:
        result = super().handle(conn)
        while (
            result is True
            and self.alive
            and not conn.is_http2
            and _next_request_soon(conn, self.max_body)
        ):
            result = super().handle(conn)
        return result


_MESSAGES = {
    408: "the request did not arrive in time",
    503: "the server is busy; try again shortly",
}


def _refuse(sock: socket.socket, status: int, message: str) -> None:
    """A short answer written without waiting, then the socket closed."""
    reasons = {408: "Request Timeout", 429: "Too Many Requests", 503: "Service Unavailable"}
    body = (message + "\n").encode()
    head = (
        f"HTTP/1.1 {status} {reasons[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
    ).encode()
    with contextlib.suppress(OSError):
        sock.setblocking(False)
        sock.send(head + body)
    if status == 429:
        with contextlib.suppress(OSError):
            sock.close()
