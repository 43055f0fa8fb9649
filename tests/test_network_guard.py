import socket

import pytest


def test_non_loopback_connections_are_refused():
    with socket.socket() as sock, pytest.raises(OSError, match="stay offline"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routable


def test_loopback_connections_are_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
