"""Shared fixtures. Every test runs with the network closed: only loopback connections work."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_real_connect = socket.socket.connect


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return isinstance(address, str | bytes)  # unix sockets stay on this machine


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"test tried to reach the network ({address!r}); tests must stay offline")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    for name in (
        "ANTHROPIC_API_KEY",
        "LABKIT_BACKEND",
        "ANTHROPIC_BASE_URL",
        "LABKIT_REPLAY",
        "LABKIT_MODEL_MAP",
    ):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def api() -> Any:
    import labkit

    with labkit.client(seed=7) as client:
        yield client


@pytest.fixture(scope="session")
def sim_server() -> Iterator[Any]:
    from labkit.sim.server import start_in_thread

    server = start_in_thread(seed=7)
    yield server
    server.shutdown()
    server.server_close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files (tests/**/golden/) from what the code now produces",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
