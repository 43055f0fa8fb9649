"""Client factories: a real `anthropic.Anthropic` wired to the simulator, or to the real API.

The backend is chosen by `backend=` or the LABKIT_BACKEND environment variable:
- `sim` (default): in-process, through an httpx2 MockTransport; no network, no key.
- `anthropic`: the real API, only when ANTHROPIC_API_KEY is set (an explicit opt-in).
- `replay`: answers from a recording made with `record=` (see labkit.record).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anthropic
import httpx2

from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator

SIM_BASE_URL = "http://labkit.sim"
SIM_API_KEY = "sk-labkit-simulator-not-a-real-key"
BACKENDS = ("sim", "anthropic", "replay")


class BackendError(RuntimeError):
    """The requested backend cannot be used; the message says what to set."""


def _backend(backend: str | None) -> str:
    chosen = (backend or os.environ.get("LABKIT_BACKEND") or "sim").strip().lower()
    if chosen not in BACKENDS:
        raise BackendError(f"LABKIT_BACKEND={chosen!r} is not one of {', '.join(BACKENDS)}")
    return chosen


def _live_kwargs(max_retries: int) -> dict[str, Any]:
    if not os.environ.get("ANTHROPIC_API_KEY"):
        raise BackendError(
            "LABKIT_BACKEND=anthropic uses the real Claude API and needs ANTHROPIC_API_KEY; "
            "set it (it costs money), or unset LABKIT_BACKEND to use the offline simulator"
        )
    return {"max_retries": max_retries}


def _handler(app: SimApp) -> Any:
    def handle(request: httpx2.Request) -> httpx2.Response:
        response = app.handle(
            request.method, request.url.raw_path.decode(), dict(request.headers), request.read()
        )
        return httpx2.Response(
            response.status, headers=response.headers, content=b"".join(response.chunks())
        )

    return handle


def _offline_client(transport: httpx2.BaseTransport, max_retries: int) -> anthropic.Anthropic:
    """A real SDK client whose requests never leave the process (simulator or replay)."""
    return anthropic.Anthropic(
        api_key=SIM_API_KEY,
        base_url=SIM_BASE_URL,
        http_client=httpx2.Client(transport=transport),
        max_retries=max_retries,
    )


def simulator_transport(seed: int = 0, faults: Any = None) -> httpx2.MockTransport:
    return httpx2.MockTransport(_handler(SimApp(Simulator(seed=seed, faults=faults))))


def client(
    seed: int = 0,
    faults: Any = None,
    *,
    backend: str | None = None,
    record: str | Path | None = None,
    replay: str | Path | None = None,
    max_retries: int = 2,
) -> anthropic.Anthropic:
    """A real `anthropic.Anthropic`. Offline simulator unless you opt in to the real API.

    `faults` takes Fault objects, spec strings such as "approx_topk:rate=0.05", or a scenario
    name ("sep2025", "apr2026"). `record=path` appends every exchange to a JSONL file;
    `replay=path` (or backend "replay") answers from such a file without any network.
    """
    from labkit import record as recording

    chosen = "replay" if replay is not None else _backend(backend)
    if chosen == "replay":
        if replay is None:
            replay = os.environ.get("LABKIT_REPLAY")
        if not replay:
            raise BackendError("backend 'replay' needs replay=PATH or LABKIT_REPLAY=PATH")
        return _offline_client(recording.ReplayTransport(Path(replay)), max_retries)
    if chosen == "anthropic":
        kwargs = _live_kwargs(max_retries)
        if record is not None:
            kwargs["http_client"] = httpx2.Client(
                transport=recording.RecordingTransport(httpx2.HTTPTransport(), Path(record))
            )
        return anthropic.Anthropic(**kwargs)
    transport: httpx2.BaseTransport = simulator_transport(seed, faults)
    if record is not None:
        transport = recording.RecordingTransport(transport, Path(record))
    return _offline_client(transport, max_retries)


def async_client(
    seed: int = 0, faults: Any = None, *, backend: str | None = None, max_retries: int = 2
) -> anthropic.AsyncAnthropic:
    """The asyncio twin of `client` (simulator or real API)."""
    if _backend(backend) == "anthropic":
        return anthropic.AsyncAnthropic(**_live_kwargs(max_retries))
    return anthropic.AsyncAnthropic(
        api_key=SIM_API_KEY,
        base_url=SIM_BASE_URL,
        http_client=httpx2.AsyncClient(transport=simulator_transport(seed, faults)),
        max_retries=max_retries,
    )


def is_simulated(api_client: anthropic.Anthropic | anthropic.AsyncAnthropic) -> bool:
    """True when the client talks to this package's simulator (in-process or replay)."""
    return str(api_client.base_url).startswith(SIM_BASE_URL)
