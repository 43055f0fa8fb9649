"""Message Batches (`/v1/messages/batches`) for the simulator, in simulated time.

The real API's rules, as documented (platform.claude.com, build-with-claude/batch-processing and
the Message Batches API reference; the SDK's types in anthropic/types/messages/):
- a batch holds 1 to 100,000 requests and at most 256 MB; each request is `{custom_id, params}`
  with `custom_id` matching `^[a-zA-Z0-9_-]{1,64}$` and unique in its batch. These are checked
  when the batch is created (400, or 413 `request_too_large` for the size);
- "Validation of the `params` object for each message request is performed asynchronously, and
  validation errors are returned when processing of the entire batch has ended": an invalid
  `params` (including the batch-only refusals `stream: true`, `speed` and `max_tokens: 0`)
  becomes an `errored` result, never a failed create;
- `request_counts` stay at `processing` until the whole batch ends; results are a `.jsonl` file
  at `results_url`, in no guaranteed order (here: a fixed shuffle, so code must join on
  `custom_id`); a batch expires 24 h after creation and what was not run by then is `expired`;
- cancel moves `in_progress` to `canceling`, then `ended`, with unrun requests `canceled`; only
  an ended batch can be deleted; the list is newest first, `limit` 1-1000 (default 20), with
  `after_id` / `before_id` cursors; succeeded messages report `usage.service_tier: "batch"`.

Time. A batch runs on a simulated clock, never on wall-clock time or thread timing, so its
results depend only on the simulator seed and the batch's content. It takes
`BASE_SECONDS + SECONDS_PER_REQUEST * n` simulated seconds (request i finishes at
`BASE_SECONDS + SECONDS_PER_REQUEST * (i + 1)`), capped at the 24 h expiry. How far a batch has
got is the larger of two clocks: each poll of it (retrieve, or a list page showing it) moves it
on by 1/POLLS_TO_END of its run, so a polling loop sees it end at its third poll without sleeping;
and simulated "now" (the `labkit-time` header when sent, otherwise a store clock that starts at
EPOCH and ticks one second per batches call), so a client that jumps the clock sees it ended.
Polls rather than now alone decide, because a client that sends the same `labkit-time` on every
call must still see its batch finish.

Randomness. Each request runs through `SimApp.run_message` with its own `labkit-seed`, derived
from the simulator seed's engine, the batch's content digest, how many times that same content
was submitted before, and the `custom_id`; a client's own `labkit-seed` replaces the digest and
count, so a seeded batch reproduces exactly and an unseeded resubmission samples afresh. The
requests run when the batch ends (lazily, under the store's lock), in request order.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from labkit.sim.errors import ApiError, invalid
from labkit.sim.faults import FaultSpecError, parse_time

MAX_REQUESTS = 100_000
MAX_BATCH_BYTES = 256 * 1024 * 1024
CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
CUSTOM_ID_MAX = 64
EXPIRY = timedelta(hours=24)
LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT = 20, 1000
BASE_SECONDS = 30.0
SECONDS_PER_REQUEST = 2.0  # about 1,000 requests in half an hour; 43,000 reach the 24 h expiry
POLLS_TO_END = 3
CALL_SECONDS = 1.0
EPOCH = datetime(2026, 12, 1, tzinfo=UTC)  # the store clock's start when no labkit-time is sent
MAX_BATCHES = 1000  # oldest batches are forgotten past this, to bound the simulator's memory
RESULTS_CONTENT_TYPE = "application/x-jsonl"
DEFAULT_BASE_URL = "http://labkit.sim"

RunMessage = Callable[[Any, dict[str, str]], tuple[int, dict[str, Any]]]


@dataclass
class BatchReply:
    """What a batches route answers; the app adds its own headers (request id) around it."""

    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class _Batch:
    id: str
    requests: list[dict[str, Any]]
    headers: dict[str, str]
    item_seed: Callable[[str], str]
    created_at: datetime
    base_url: str
    timed: bool  # the creating request carried labkit-time, so items run at simulated times
    seconds_per_request: float
    polls: int = 0
    status: str = "in_progress"
    cancel_at: float | None = None  # seconds after creation when cancel was initiated
    ended_at: datetime | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def span(self) -> float:
        """Seconds from creation to the end of processing, if nothing cancels it."""
        total = BASE_SECONDS + self.seconds_per_request * len(self.requests)
        return min(total, EXPIRY.total_seconds())

    def finish_offset(self, index: int) -> float:
        return BASE_SECONDS + self.seconds_per_request * (index + 1)


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(status: int, payload: Any) -> BatchReply:
    return BatchReply(status, json.dumps(payload, ensure_ascii=False).encode())


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class BatchStore:
    """All batches of one simulator: thread-safe, bounded, deterministic."""

    def __init__(
        self,
        seed: int,
        run_message: RunMessage,
        *,
        seconds_per_request: float = SECONDS_PER_REQUEST,
        max_batches: int = MAX_BATCHES,
    ) -> None:
        self.seed = seed
        self.run_message = run_message
        self.seconds_per_request = seconds_per_request
        self.max_batches = max_batches
        self._batches: OrderedDict[str, _Batch] = OrderedDict()  # oldest first
        self._submitted: Counter[str] = Counter()
        self._created = 0
        self._clock = EPOCH
        self._lock = threading.RLock()

    # -- routing -------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> BatchReply:
        """Answer one request under /v1/messages/batches (path without query or trailing /).

        The app has already checked the key and the API version.
        """
        parts = path.removeprefix("/v1/messages/batches").strip("/").split("/")
        method = method.upper()
        with self._lock:
            now = self._tick(headers)
            if parts == [""]:
                if method == "POST":
                    return self._create(body, headers, now)
                _allow(method, "GET")
                return self._list(query, now)
            batch_id, rest = parts[0], parts[1:]
            if rest == []:
                if method == "DELETE":
                    return self._delete(batch_id, now)
                _allow(method, "GET")
                return _json(200, self._view(self._observe(batch_id, now, poll=True)))
            if rest == ["cancel"]:
                _allow(method, "POST")
                return self._cancel(batch_id, now)
            if rest == ["results"]:
                _allow(method, "GET")
                return self._results(batch_id, now)
        raise ApiError(404, f"Not found: {path}")

    def _tick(self, headers: dict[str, str]) -> datetime:
        """Simulated now for this call; the store clock never runs backwards."""
        given = headers.get("labkit-time")
        if given:
            try:
                when = parse_time(given)
            except FaultSpecError as error:
                raise invalid(f"labkit-time: {error}") from None
            self._clock = max(self._clock, when)
            return when
        self._clock += timedelta(seconds=CALL_SECONDS)
        return self._clock

    # -- create --------------------------------------------------------------------------
    def _create(self, body: bytes, headers: dict[str, str], now: datetime) -> BatchReply:
        if len(body) > MAX_BATCH_BYTES:
            raise ApiError(413, f"Request exceeds the maximum size of {MAX_BATCH_BYTES} bytes")
        try:
            payload = json.loads(body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise invalid(f"There was an error parsing the body: {error}") from None
        requests = _check_create(payload)
        digest = _digest(json.dumps(requests, sort_keys=True))
        occurrence = self._submitted[digest]
        self._submitted[digest] += 1
        self._created += 1
        batch_id = "msgbatch_" + _digest("batch", self.seed, self._created, digest)[:24]
        client_seed = headers.get("labkit-seed")

        def item_seed(custom_id: str) -> str:
            if client_seed is not None:
                return _digest("item", client_seed, custom_id)
            return _digest("item", digest, occurrence, custom_id)

        item_headers = {k: v for k, v in headers.items() if k != "x-stainless-retry-count"}
        host = headers.get("host")
        batch = _Batch(
            id=batch_id,
            requests=requests,
            headers=item_headers,
            item_seed=item_seed,
            created_at=now,
            base_url=f"http://{host}" if host else DEFAULT_BASE_URL,
            timed=bool(headers.get("labkit-time")),
            seconds_per_request=self.seconds_per_request,
        )
        self._batches[batch_id] = batch
        while len(self._batches) > self.max_batches:
            self._batches.popitem(last=False)
        return _json(200, self._view(batch))

    # -- progress ------------------------------------------------------------------------
    def _get(self, batch_id: str) -> _Batch:
        batch = self._batches.get(batch_id)
        if batch is None:
            raise ApiError(404, f"Message Batch {batch_id} not found")
        return batch

    def _elapsed(self, batch: _Batch, now: datetime) -> float:
        by_polls = batch.polls * batch.span / POLLS_TO_END
        return max(by_polls, (now - batch.created_at).total_seconds())

    def _observe(self, batch_id: str, now: datetime, *, poll: bool) -> _Batch:
        """The batch as of `now`, ending it if its time has come; a poll moves it on."""
        batch = self._get(batch_id)
        if poll:
            batch.polls += 1
        if batch.status == "canceling" and poll:
            assert batch.cancel_at is not None
            self._finish(batch, batch.cancel_at)
        elif batch.status == "in_progress" and self._elapsed(batch, now) >= batch.span:
            self._finish(batch, batch.span)
        return batch

    def _finish(self, batch: _Batch, at: float) -> None:
        """Run every request that finished by `at` seconds; the rest are canceled or expired."""
        unrun = "canceled" if batch.status == "canceling" else "expired"
        results = []
        for index, request in enumerate(batch.requests):
            custom_id = request["custom_id"]
            if batch.finish_offset(index) <= at:
                result = self._run(batch, index, request["params"])
            else:
                result = {"type": unrun}
            results.append({"custom_id": custom_id, "result": result})
        # Results come in no guaranteed order in the real API; a fixed shuffle keeps that honest.
        results.sort(key=lambda line: _digest("order", batch.id, line["custom_id"]))
        batch.results = results
        batch.status = "ended"
        batch.ended_at = batch.created_at + timedelta(seconds=at)
        batch.requests = [{"custom_id": r["custom_id"]} for r in batch.requests]  # free params

    def _run(self, batch: _Batch, index: int, params: Any) -> dict[str, Any]:
        headers = {
            **batch.headers,
            "labkit-seed": batch.item_seed(batch.requests[index]["custom_id"]),
        }
        if batch.timed:
            when = batch.created_at + timedelta(seconds=batch.finish_offset(index))
            headers["labkit-time"] = when.isoformat()
        refusal = _batch_refusal(params)
        if refusal is not None:
            request_id = "req_sim_" + _digest("req", batch.id, index)[:24]
            return {"type": "errored", "error": invalid(refusal).body(request_id)}
        status, answer = self.run_message(params, headers)
        if status != 200:
            return {"type": "errored", "error": answer}
        usage = dict(answer.get("usage") or {})
        usage["service_tier"] = "batch"
        return {"type": "succeeded", "message": {**answer, "usage": usage}}

    # -- views ---------------------------------------------------------------------------
    def _view(self, batch: _Batch) -> dict[str, Any]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if batch.status == "ended":
            for line in batch.results:
                counts[line["result"]["type"]] += 1
        else:
            counts["processing"] = len(batch.requests)
        cancel_at = batch.cancel_at
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": batch.status,
            "request_counts": counts,
            "ended_at": _stamp(batch.ended_at) if batch.ended_at else None,
            "created_at": _stamp(batch.created_at),
            "expires_at": _stamp(batch.created_at + EXPIRY),
            "archived_at": None,
            "cancel_initiated_at": (
                _stamp(batch.created_at + timedelta(seconds=cancel_at))
                if cancel_at is not None
                else None
            ),
            "results_url": (
                f"{batch.base_url}/v1/messages/batches/{batch.id}/results"
                if batch.status == "ended"
                else None
            ),
        }

    # -- list, cancel, delete, results ---------------------------------------------------
    def _list(self, query: str, now: datetime) -> BatchReply:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        limit = _limit(params.get("limit"))
        after, before = params.get("after_id"), params.get("before_id")
        if after and before:
            raise invalid("after_id and before_id cannot both be given")
        newest_first = list(reversed(self._batches))
        if before:
            end = newest_first.index(before) if before in newest_first else 0
            ids = newest_first[max(0, end - limit) : end]
            has_more = end - limit > 0
        else:
            if after is None or after == "":
                start = 0
            elif after in newest_first:
                start = newest_first.index(after) + 1
            else:
                start = len(newest_first)  # an unknown cursor has nothing after it
            ids = newest_first[start : start + limit]
            has_more = start + limit < len(newest_first)
        data = [self._view(self._observe(batch_id, now, poll=True)) for batch_id in ids]
        page = {
            "data": data,
            "has_more": has_more,
            "first_id": ids[0] if ids else None,
            "last_id": ids[-1] if ids else None,
        }
        return _json(200, page)

    def _cancel(self, batch_id: str, now: datetime) -> BatchReply:
        batch = self._observe(batch_id, now, poll=False)
        if batch.status == "ended":
            raise invalid(f"Message Batch {batch_id} has already ended and cannot be canceled")
        if batch.status == "in_progress":
            batch.status = "canceling"
            batch.cancel_at = min(self._elapsed(batch, now), batch.span)
        return _json(200, self._view(batch))

    def _delete(self, batch_id: str, now: datetime) -> BatchReply:
        batch = self._observe(batch_id, now, poll=False)
        if batch.status != "ended":
            raise invalid(
                f"Message Batch {batch_id} is still processing; cancel it before deleting it"
            )
        del self._batches[batch_id]
        return _json(200, {"id": batch_id, "type": "message_batch_deleted"})

    def _results(self, batch_id: str, now: datetime) -> BatchReply:
        batch = self._observe(batch_id, now, poll=False)
        if batch.status != "ended":
            raise invalid(
                f"Message Batch {batch_id} has not ended; its results are available once "
                "processing has ended"
            )
        lines = (json.dumps(line, ensure_ascii=False) + "\n" for line in batch.results)
        return BatchReply(200, "".join(lines).encode(), RESULTS_CONTENT_TYPE)


# -- checks done when a batch is created ---------------------------------------------------
def _check_create(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise invalid("Input should be a valid dictionary or object")
    for name in payload:
        if name != "requests":
            raise invalid(f"{name}: Extra inputs are not permitted")
    if "requests" not in payload:
        raise invalid("requests: Field required")
    requests = payload["requests"]
    if not isinstance(requests, list):
        raise invalid("requests: Input should be a valid list")
    if not requests:
        raise invalid("requests: List should have at least 1 item after validation, not 0")
    if len(requests) > MAX_REQUESTS:
        raise invalid(
            f"requests: List should have at most {MAX_REQUESTS} items after validation, "
            f"not {len(requests)}"
        )
    seen: dict[str, int] = {}
    for i, request in enumerate(requests):
        where = f"requests.{i}"
        if not isinstance(request, dict):
            raise invalid(f"{where}: Input should be a valid dictionary")
        for name in request:
            if name not in ("custom_id", "params"):
                raise invalid(f"{where}.{name}: Extra inputs are not permitted")
        custom_id = _check_custom_id(request, where)
        if "params" not in request:
            raise invalid(f"{where}.params: Field required")
        if not isinstance(request["params"], dict):
            raise invalid(f"{where}.params: Input should be a valid dictionary")
        if custom_id in seen:
            raise invalid(
                f"{where}.custom_id: Duplicate custom_id {custom_id!r}; it is already used by "
                f"requests.{seen[custom_id]}. Each custom_id must be unique within a batch"
            )
        seen[custom_id] = i
    return requests


def _check_custom_id(request: dict[str, Any], where: str) -> str:
    if "custom_id" not in request:
        raise invalid(f"{where}.custom_id: Field required")
    custom_id = request["custom_id"]
    if not isinstance(custom_id, str):
        raise invalid(f"{where}.custom_id: Input should be a valid string")
    if not custom_id:
        raise invalid(f"{where}.custom_id: String should have at least 1 character")
    if len(custom_id) > CUSTOM_ID_MAX:
        raise invalid(f"{where}.custom_id: String should have at most {CUSTOM_ID_MAX} characters")
    if not CUSTOM_ID.match(custom_id):
        raise invalid(f"{where}.custom_id: String should match pattern '{CUSTOM_ID.pattern}'")
    return custom_id


def _batch_refusal(params: dict[str, Any]) -> str | None:
    """The Messages parameters a batch refuses though /v1/messages takes them (docs table)."""
    if params.get("stream") is True:
        return "stream: streaming is not supported in batch requests"
    if params.get("speed") is not None:
        return "speed: fast mode is not supported in batch requests"
    if params.get("max_tokens") == 0 and not isinstance(params.get("max_tokens"), bool):
        return "max_tokens: Input should be greater than or equal to 1"
    return None


def _limit(raw: str | None) -> int:
    if raw is None:
        return LIST_DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise invalid(
            "limit: Input should be a valid integer, unable to parse string as an integer"
        ) from None
    if limit < 1:
        raise invalid("limit: Input should be greater than or equal to 1")
    if limit > LIST_MAX_LIMIT:
        raise invalid(f"limit: Input should be less than or equal to {LIST_MAX_LIMIT}")
    return limit


def _allow(method: str, expected: str) -> None:
    if method != expected:
        raise ApiError(405, f"Method {method} not allowed; use {expected}")
