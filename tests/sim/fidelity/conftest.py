"""Fixtures: every request-sending probe runs once in-process and once over loopback HTTP."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

# `from labkit import glassbox` inside labkit resolves through the package's lazy __getattr__,
# which recurses unless the submodule is already loaded; loading it first sidesteps that.
importlib.import_module("labkit.glassbox")

from tests.sim.fidelity._api import RawSend, inprocess_sender, loopback_sender  # noqa: E402

TRANSPORTS = ("inprocess", "loopback")


@pytest.fixture(scope="session")
def fidelity_server() -> Iterator[Any]:
    from labkit.sim.server import start_in_thread

    server = start_in_thread(seed=0)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sdk(transport: str, request: pytest.FixtureRequest) -> Iterator[anthropic.Anthropic]:
    """The real SDK; no retries, so 429/5xx probes see the first answer and nothing sleeps."""
    if transport == "inprocess":
        import labkit

        client = labkit.client(seed=0, max_retries=0)
    else:
        server = request.getfixturevalue("fidelity_server")
        client = anthropic.Anthropic(base_url=server.url, api_key="sk-test", max_retries=0)
    with client:
        yield client


@pytest.fixture
def raw(transport: str, request: pytest.FixtureRequest) -> RawSend:
    """Header-level requests that the SDK would never send (no version, no key)."""
    if transport == "inprocess":
        return inprocess_sender()
    return loopback_sender(request.getfixturevalue("fidelity_server").url)


@pytest.fixture
def tag(transport: str, request: pytest.FixtureRequest) -> str:
    """A per-test, per-transport marker so shared loopback state (caches, batches) never leaks."""
    return f"{request.node.name}:{transport}"
