"""The simulator as an HTTP application: routes, JSON, errors. Transport-agnostic.

`SimApp.handle` takes a method, path, headers and body and returns a `SimResponse`; the in-process
httpx2 transport and the loopback HTTP server are thin adapters around it, so both behave alike.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from labkit.sim.catalog import MODELS
from labkit.sim.engine import Simulator, count_tokens
from labkit.sim.errors import ApiError, invalid
from labkit.sim.sse import stream_events
from labkit.sim.validation import validate

MAX_BODY_BYTES = 32 * 1024 * 1024  # the real API's request size limit for Messages


@dataclass
class SimResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stream: Iterator[bytes] | None = None

    def chunks(self) -> Iterator[bytes]:
        if self.stream is not None:
            yield from self.stream
        else:
            yield self.body


def _json(status: int, payload: Any, headers: dict[str, str]) -> SimResponse:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return SimResponse(status, {"content-type": "application/json", **headers}, body)


def _model_info(model_id: str) -> dict[str, Any]:
    model = MODELS[model_id]
    return {
        "type": "model",
        "id": model.id,
        "display_name": model.display_name,
        "created_at": model.created_at,
    }


class SimApp:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def error(self, status: int, message: str) -> SimResponse:
        """An error response outside any route (for transport-level problems)."""
        request_id = f"req_sim_{uuid.uuid4().hex[:24]}"
        return _json(status, ApiError(status, message).body(request_id), {"request-id": request_id})

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> SimResponse:
        request_id = f"req_sim_{uuid.uuid4().hex[:24]}"
        base = {"request-id": request_id, "labkit-simulator": "1"}
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            return self._route(method, path.split("?", 1)[0].rstrip("/"), lowered, body, base)
        except ApiError as error:
            return _json(error.status, error.body(request_id), {**base, **error.headers})
        except Exception as error:  # a bug in the simulator must not take the server down
            return _json(
                500, ApiError(500, f"internal simulator error: {error!r}").body(request_id), base
            )

    def _route(
        self, method: str, path: str, headers: dict[str, str], body: bytes, base: dict[str, str]
    ) -> SimResponse:
        if path == "/v1/models":
            _allow(method, "GET")
            data = [_model_info(m) for m in MODELS]
            page = {
                "data": data,
                "has_more": False,
                "first_id": data[0]["id"],
                "last_id": data[-1]["id"],
            }
            return _json(200, page, base)
        if path.startswith("/v1/models/"):
            _allow(method, "GET")
            model_id = path.removeprefix("/v1/models/")
            if model_id not in MODELS:
                raise ApiError(404, f"model: {model_id}")
            return _json(200, _model_info(model_id), base)
        if path == "/v1/messages/count_tokens":
            _allow(method, "POST")
            payload = _parse(body)
            if isinstance(payload, dict):
                payload = {"max_tokens": 1, **payload}
            request = validate(payload)
            tokens = count_tokens(json.dumps([request.system, request.tools, request.messages]))
            return _json(200, {"input_tokens": tokens}, base)
        if path == "/v1/messages":
            _allow(method, "POST")
            if not headers.get("x-api-key") and not headers.get("authorization"):
                raise ApiError(401, "x-api-key header is required")
            payload = _parse(body)
            request = validate(payload)
            message, extra = self.simulator.respond(payload, request, headers)
            if request.stream:
                return SimResponse(
                    200,
                    {
                        "content-type": "text/event-stream",
                        "cache-control": "no-cache",
                        **base,
                        **extra,
                    },
                    stream=stream_events(message),
                )
            return _json(200, message, {**base, **extra})
        raise ApiError(404, f"Not found: {path or '/'}")


def _allow(method: str, expected: str) -> None:
    if method.upper() != expected:
        raise ApiError(405, f"Method {method.upper()} not allowed; use {expected}")


def _parse(body: bytes) -> Any:
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"Request exceeds the maximum size of {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise invalid(
            f"There was an error parsing the body: {error.msg if hasattr(error, 'msg') else error}"
        ) from None
