"""The simulator as an HTTP application: routes, JSON, errors. Transport-agnostic.

`SimApp.handle` takes a method, path, headers and body and returns a `SimResponse`; the in-process
httpx2 transport and the loopback HTTP server are thin adapters around it, so both behave alike.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from labkit.sim.batches import BatchStore
from labkit.sim.catalog import MODELS, model_info
from labkit.sim.engine import Simulator
from labkit.sim.errors import ApiError, invalid
from labkit.sim.sse import stream_events
from labkit.sim.validation import apply_glassbox, validate
from labkit.sim.versions import api_version, check_betas

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


class SimApp:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        self.batches = BatchStore(simulator.seed, self.run_message)

    def run_message(self, payload: Any, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """One Messages request as a batch runs it: (status, message or error body), no stream.

        `headers` are the batch-creating request's headers (lower-cased), so the version rules
        and glass-box headers of that request apply to each of its items.
        """
        request_id = f"req_sim_{uuid.uuid4().hex[:24]}"
        try:
            request = validate(payload, api_version(headers))
            apply_glassbox(headers, request)
            message, _ = self.simulator.respond(payload, request, headers)
        except ApiError as error:
            return error.status, error.body(request_id)
        return 200, message

    def error(self, status: int, message: str) -> SimResponse:
        """An error response outside any route (for transport-level problems)."""
        request_id = f"req_sim_{uuid.uuid4().hex[:24]}"
        return _json(status, ApiError(status, message).body(request_id), {"request-id": request_id})

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> SimResponse:
        request_id = f"req_sim_{uuid.uuid4().hex[:24]}"
        base = {"request-id": request_id, "labkit-simulator": "1"}
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            bare, _, query = path.partition("?")
            return self._route(method, bare.rstrip("/"), query, lowered, body, base)
        except ApiError as error:
            return _json(error.status, error.body(request_id), {**base, **error.headers})
        except Exception as error:  # a bug in the simulator must not take the server down
            return _json(
                500, ApiError(500, f"internal simulator error: {error!r}").body(request_id), base
            )

    def _route(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        base: dict[str, str],
    ) -> SimResponse:
        if not path.startswith("/v1/"):
            raise ApiError(404, f"Not found: {path or '/'}")
        _authenticate(headers)
        version = api_version(headers)
        check_betas(headers)
        if path.startswith("/v1/messages/batches"):
            reply = self.batches.handle(method, path, query, headers, body)
            kind = {"content-type": reply.content_type}
            return SimResponse(reply.status, {**base, **kind}, reply.body)
        if path == "/v1/models":
            _allow(method, "GET")
            return _json(200, _model_page(query), base)
        if path.startswith("/v1/models/"):
            _allow(method, "GET")
            model_id = path.removeprefix("/v1/models/")
            if model_id not in MODELS:
                raise ApiError(404, f"model: {model_id}")
            return _json(200, model_info(MODELS[model_id]), base)
        if path == "/v1/messages/count_tokens":
            _allow(method, "POST")
            payload = _parse(body)
            if isinstance(payload, dict):
                for name in ("max_tokens", "stream", "stop_sequences", "metadata", "service_tier"):
                    if name in payload:
                        raise invalid(f"{name}: Extra inputs are not permitted")
                payload = {"max_tokens": 1, **payload}
            request = validate(payload, version)
            return _json(200, {"input_tokens": request.input_tokens}, base)
        if path == "/v1/messages":
            _allow(method, "POST")
            payload = _parse(body)
            request = validate(payload, version)
            apply_glassbox(headers, request)
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
        raise ApiError(404, f"Not found: {path}")


def _authenticate(headers: dict[str, str]) -> None:
    """Any key is accepted (the simulator has no accounts), but one must be sent."""
    key = headers.get("x-api-key", "").strip()
    authorization = headers.get("authorization", "").strip()
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    if not key and not bearer:
        raise ApiError(401, "x-api-key header is required")


def _model_page(query: str) -> dict[str, Any]:
    """GET /v1/models: newest first, with limit (1-1000, default 20), after_id and before_id."""
    params = dict(urllib.parse.parse_qsl(query))
    raw_limit = params.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 1000:
        raise invalid(
            "limit: Input should be greater than or equal to 1 and less than or equal to 1000"
        )
    limit = int(raw_limit)
    ordered = sorted(MODELS.values(), key=lambda m: m.created_at, reverse=True)
    ids = [m.id for m in ordered]
    start, stop = 0, len(ordered)
    if "after_id" in params and "before_id" in params:
        raise invalid("Only one of `after_id` or `before_id` may be provided")
    if "after_id" in params:
        if params["after_id"] not in ids:
            raise invalid(f"after_id: {params['after_id']} is not a valid model id")
        start = ids.index(params["after_id"]) + 1
        window = ordered[start : start + limit]
        more = start + limit < stop
    elif "before_id" in params:
        if params["before_id"] not in ids:
            raise invalid(f"before_id: {params['before_id']} is not a valid model id")
        stop = ids.index(params["before_id"])
        window = ordered[max(0, stop - limit) : stop]
        more = stop - limit > 0
    else:
        window = ordered[:limit]
        more = limit < stop
    data = [model_info(m) for m in window]
    return {
        "data": data,
        "has_more": more,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }


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
