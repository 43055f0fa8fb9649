"""Client factories: a real `anthropic.Anthropic` wired to the simulator, or to the real API.

The backend is chosen by `backend=` or the LABKIT_BACKEND environment variable:
- `sim` (default): in-process, through an httpx2 MockTransport; no network, no key.
- `anthropic`: the real API, only when ANTHROPIC_API_KEY is set (an explicit opt-in). The SDK
  reads ANTHROPIC_BASE_URL as usual, so a proxy or a local stand-in can take the requests.
- `replay`: answers from a recording made with `record=` (see labkit.record).

On the live backend the same notebook code keeps working, because a transport just above the
network rewrites each request before it leaves:
- simulated model ids become real ones, by default
  sim-opus-4-7 -> claude-opus-4-7, sim-sonnet-4-6 -> claude-sonnet-4-6,
  sim-haiku-4-5 -> claude-haiku-4-5;
  change entries with LABKIT_MODEL_MAP="sim-opus-4-7=claude-opus-4-8,sim-sonnet-4-6=claude-sonnet-5"
  or `client(model_map={...})` (the argument wins over the variable, which wins over the default).
  A `sim-*` id with no entry is answered 404 locally and never sent.
- `labkit-*` headers (the simulator's glass-box knobs, simulated time, user and session) are
  dropped; the first request in the process that asks for a knob prints one line to stderr.
The recording transport sits above this rewrite, so a recording made live stores what the
notebook sent (sim ids) and replays offline with the notebook unchanged.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import sys
import threading
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import anthropic
import httpx2

from labkit.glassbox import GlassBox, is_glassbox_header, live_notice
from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator

SIM_BASE_URL = "http://labkit.sim"
SIM_API_KEY = "sk-labkit-simulator-not-a-real-key"
BACKENDS = ("sim", "anthropic", "replay")
SIM_MODEL_PREFIX = "sim-"
MODEL_MAP_ENV = "LABKIT_MODEL_MAP"
DEFAULT_MODEL_MAP: Mapping[str, str] = MappingProxyType(
    {
        "sim-opus-4-7": "claude-opus-4-7",
        "sim-sonnet-4-6": "claude-sonnet-4-6",
        "sim-haiku-4-5": "claude-haiku-4-5",
    }
)
_MODEL_PATH = re.compile(r"^(.*/v1/models/)(sim-[^/]+)$")
_MODEL_MAP_EXAMPLE = "sim-opus-4-7=claude-opus-4-7,sim-haiku-4-5=claude-haiku-4-5"


class BackendError(RuntimeError):
    """The requested backend cannot be used; the message says what to set."""


def _backend(backend: str | None) -> str:
    chosen = (backend or os.environ.get("LABKIT_BACKEND") or "sim").strip().lower()
    if chosen not in BACKENDS:
        raise BackendError(f"LABKIT_BACKEND={chosen!r} is not one of {', '.join(BACKENDS)}")
    return chosen


def _require_key() -> None:
    if not os.environ.get("ANTHROPIC_API_KEY"):
        raise BackendError(
            "LABKIT_BACKEND=anthropic uses the real Claude API and needs ANTHROPIC_API_KEY; "
            "set it (it costs money), or unset LABKIT_BACKEND to use the offline simulator"
        )


# --- model ids -----------------------------------------------------------------------------


def _checked_pair(sim: str, real: str, source: str) -> tuple[str, str]:
    sim, real = sim.strip(), real.strip()
    good = (
        sim.startswith(SIM_MODEL_PREFIX)
        and bool(real)
        and not real.startswith(SIM_MODEL_PREFIX)
        and not any(c.isspace() or c in ",=" for c in sim + real)
    )
    if not good:
        raise BackendError(
            f"{source}: {sim}={real} is not sim-id=real-id (for example {_MODEL_MAP_EXAMPLE})"
        )
    return sim, real


def _parse_model_map(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue  # tolerate a trailing comma
        if entry.count("=") != 1:
            raise BackendError(
                f"{MODEL_MAP_ENV}: {entry.strip()!r} is not sim-id=real-id "
                f"(for example {MODEL_MAP_ENV}={_MODEL_MAP_EXAMPLE})"
            )
        sim, _, real = entry.partition("=")
        sim, real = _checked_pair(sim, real, MODEL_MAP_ENV)
        pairs[sim] = real
    return pairs


def resolve_model_map(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Simulated model id -> real model id: the default, then LABKIT_MODEL_MAP, then `overrides`."""
    models = dict(DEFAULT_MODEL_MAP)
    models.update(_parse_model_map(os.environ.get(MODEL_MAP_ENV, "")))
    for sim, real in (overrides or {}).items():
        sim, real = _checked_pair(str(sim), str(real), "model_map")
        models[sim] = real
    return models


def _map_body(payload: Any, real: Callable[[Any], Any]) -> bool:
    """Replace model ids in a JSON body in place; True when anything changed."""
    if not isinstance(payload, dict):
        return False
    changed = False
    targets = [payload]
    if isinstance(payload.get("requests"), list):  # Message Batches: requests[].params.model
        targets += [
            item["params"]
            for item in payload["requests"]
            if isinstance(item, dict) and isinstance(item.get("params"), dict)
        ]
    for target in targets:
        if "model" in target:
            mapped = real(target["model"])
            changed |= mapped != target["model"]
            target["model"] = mapped
    return changed


# --- the live rewrite ----------------------------------------------------------------------

# Process-wide, so a notebook that makes a thousand requests with a knob hears about it once.
_announced: set[str] = set()
_announced_lock = threading.Lock()


def _announce(headers: httpx2.Headers) -> None:
    for name in headers:
        sentence = live_notice(name)
        if sentence is None:
            continue
        with _announced_lock:
            if name.lower() in _announced:
                continue
            _announced.add(name.lower())
        print(sentence, file=sys.stderr)


def _unmapped(model: str, request: httpx2.Request) -> httpx2.Response:
    # The real API's answer to an unknown model (404 "model: <id>"), with what to do about it.
    message = (
        f"model: {model} (labkit: no real Claude model is mapped to this simulated one, so the "
        f"request was not sent; add it to {MODEL_MAP_ENV} or client(model_map=...))"
    )
    error = {"type": "error", "error": {"type": "not_found_error", "message": message}}
    return httpx2.Response(404, json=error, request=request)


def _rewrite(
    request: httpx2.Request, body: bytes, models: Mapping[str, str]
) -> httpx2.Request | httpx2.Response:
    """The request as the real API should see it, or a local answer when it must not be sent."""
    _announce(request.headers)
    unmapped: list[str] = []

    def real(model: Any) -> Any:
        if not isinstance(model, str) or not model.startswith(SIM_MODEL_PREFIX):
            return model
        if model not in models:
            unmapped.append(model)
        return models.get(model, model)

    url = request.url
    match = _MODEL_PATH.match(url.path)
    if match:
        url = url.copy_with(path=match[1] + real(match[2]))
    content = body
    if body and "json" in request.headers.get("content-type", ""):
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if _map_body(payload, real):
            content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if unmapped:
        return _unmapped(unmapped[0], request)
    headers = [
        (name, value)
        for name, value in request.headers.multi_items()
        if not is_glassbox_header(name) and name.lower() != "content-length"
    ]
    # httpx2 sets Content-Length again from `content`, so a longer model id stays consistent.
    return httpx2.Request(
        request.method, url, headers=headers, content=content, extensions=request.extensions
    )


class LiveTransport(httpx2.BaseTransport):
    """Maps sim model ids to real ones and drops `labkit-*` headers, then sends for real."""

    def __init__(self, inner: httpx2.BaseTransport, models: Mapping[str, str]) -> None:
        self.inner = inner
        self.models = dict(models)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        outgoing = _rewrite(request, request.read(), self.models)
        if isinstance(outgoing, httpx2.Response):
            return outgoing
        return self.inner.handle_request(outgoing)

    def close(self) -> None:
        self.inner.close()


class AsyncLiveTransport(httpx2.AsyncBaseTransport):
    """The asyncio twin of `LiveTransport`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, models: Mapping[str, str]) -> None:
        self.inner = inner
        self.models = dict(models)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        outgoing = _rewrite(request, await request.aread(), self.models)
        if isinstance(outgoing, httpx2.Response):
            return outgoing
        return await self.inner.handle_async_request(outgoing)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _network_options() -> dict[str, Any]:
    """What the SDK's own HTTP client would use; a custom transport gets none of it by default."""
    base_url = httpx2.URL(os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com")
    options: dict[str, Any] = {
        "limits": anthropic.DEFAULT_CONNECTION_LIMITS,
        "socket_options": [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)],
    }
    host = base_url.host
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not urllib.request.proxy_bypass(host):
        proxy = urllib.request.getproxies().get(base_url.scheme)  # HTTPS_PROXY and friends
        if proxy:
            options["proxy"] = proxy
    return options


# --- factories -----------------------------------------------------------------------------


def _handler(app: SimApp) -> Any:
    def handle(request: httpx2.Request) -> httpx2.Response:
        response = app.handle(
            request.method, request.url.raw_path.decode(), dict(request.headers), request.read()
        )
        return httpx2.Response(
            response.status, headers=response.headers, content=b"".join(response.chunks())
        )

    return handle


def _default_headers(glassbox: GlassBox | None) -> dict[str, str] | None:
    return glassbox.headers() if glassbox is not None else None


def _offline_client(
    transport: httpx2.BaseTransport, max_retries: int, glassbox: GlassBox | None
) -> anthropic.Anthropic:
    """A real SDK client whose requests never leave the process (simulator or replay)."""
    return anthropic.Anthropic(
        api_key=SIM_API_KEY,
        base_url=SIM_BASE_URL,
        http_client=httpx2.Client(transport=transport),
        max_retries=max_retries,
        default_headers=_default_headers(glassbox),
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
    glassbox: GlassBox | None = None,
    model_map: Mapping[str, str] | None = None,
) -> anthropic.Anthropic:
    """A real `anthropic.Anthropic`. Offline simulator unless you opt in to the real API.

    `faults` takes Fault objects, spec strings such as "approx_topk:rate=0.05", or a scenario
    name ("sep2025", "apr2026"). `record=path` appends every exchange to a JSONL file;
    `replay=path` (or backend "replay") answers from such a file without any network.
    `glassbox=GlassBox(...)` sends the simulator's knobs on every request (dropped on the live
    backend); `model_map` changes which real model a sim id means on the live backend.
    """
    from labkit import record as recording

    chosen = "replay" if replay is not None else _backend(backend)
    if chosen == "replay":
        if replay is None:
            replay = os.environ.get("LABKIT_REPLAY")
        if not replay:
            raise BackendError("backend 'replay' needs replay=PATH or LABKIT_REPLAY=PATH")
        return _offline_client(recording.ReplayTransport(Path(replay)), max_retries, glassbox)
    if chosen == "anthropic":
        _require_key()
        transport: httpx2.BaseTransport = LiveTransport(
            httpx2.HTTPTransport(**_network_options()), resolve_model_map(model_map)
        )
        if record is not None:
            transport = recording.RecordingTransport(transport, Path(record))
        return anthropic.Anthropic(
            http_client=anthropic.DefaultHttpxClient(transport=transport),
            max_retries=max_retries,
            default_headers=_default_headers(glassbox),
        )
    transport = simulator_transport(seed, faults)
    if record is not None:
        transport = recording.RecordingTransport(transport, Path(record))
    return _offline_client(transport, max_retries, glassbox)


def async_client(
    seed: int = 0,
    faults: Any = None,
    *,
    backend: str | None = None,
    max_retries: int = 2,
    glassbox: GlassBox | None = None,
    model_map: Mapping[str, str] | None = None,
) -> anthropic.AsyncAnthropic:
    """The asyncio twin of `client` (simulator or real API)."""
    if _backend(backend) == "anthropic":
        _require_key()
        transport = AsyncLiveTransport(
            httpx2.AsyncHTTPTransport(**_network_options()), resolve_model_map(model_map)
        )
        return anthropic.AsyncAnthropic(
            http_client=anthropic.DefaultAsyncHttpxClient(transport=transport),
            max_retries=max_retries,
            default_headers=_default_headers(glassbox),
        )
    return anthropic.AsyncAnthropic(
        api_key=SIM_API_KEY,
        base_url=SIM_BASE_URL,
        http_client=httpx2.AsyncClient(transport=simulator_transport(seed, faults)),
        max_retries=max_retries,
        default_headers=_default_headers(glassbox),
    )


def is_simulated(api_client: anthropic.Anthropic | anthropic.AsyncAnthropic) -> bool:
    """True when the client talks to this package's simulator (in-process or replay)."""
    return str(api_client.base_url).startswith(SIM_BASE_URL)
