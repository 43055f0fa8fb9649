"""`labkit serve`: the simulator on a loopback HTTP port, for any Anthropic client or curl."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from labkit.sim.app import MAX_BODY_BYTES, SimApp, SimResponse
from labkit.sim.batches import MAX_BATCH_BYTES as MAX_BATCH_BODY_BYTES
from labkit.sim.engine import Simulator

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK reuses connections
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body waits
    # for the client's delayed ACK (~40 ms a request on Linux).
    disable_nagle_algorithm = True
    # A client that promises a body and never sends it (or stalls mid-headers) must not hold a
    # thread forever: the socket read times out and the connection is closed.
    timeout = 30
    server: SimServer

    def _serve(self) -> None:
        limit = (
            MAX_BATCH_BODY_BYTES if self.path.startswith("/v1/messages/batches") else MAX_BODY_BYTES
        )
        try:
            length = int(self.headers.get("content-length") or 0)
            if length < 0:
                raise ValueError(length)
        except ValueError:
            self.close_connection = True
            response = self.server.app.error(400, "invalid Content-Length header")
        else:
            if length > limit:  # refused unread, as the real API refuses an oversized request
                self.close_connection = True
                response = self.server.app.error(
                    413, f"Request exceeds the maximum size of {limit} bytes"
                )
                self._send(response)
                return
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            response = self.server.app.handle(self.command, self.path, headers, body)
        self._send(response)

    def _send(self, response: SimResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.stream is None:
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for chunk in response.stream:
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write("labkit serve: " + (format % args) + "\n")


class SimServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: SimApp, host: str = "127.0.0.1", port: int = 0, verbose: bool = False):
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"labkit serve binds to loopback only, not {host!r}")
        self.app = app
        self.verbose = verbose
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}"


def start_in_thread(seed: int = 0, faults: Any = None, port: int = 0) -> SimServer:
    """A running server in a daemon thread (tests and benchmarks); call .shutdown() to stop."""
    server = SimServer(SimApp(Simulator(seed=seed, faults=faults)), port=port)
    threading.Thread(target=server.serve_forever, name="labkit-serve", daemon=True).start()
    return server
