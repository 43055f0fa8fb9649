"""Message Batches through the real SDK, in-process and over loopback HTTP, in simulated time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, cast

import anthropic
import httpx2
import pytest

import labkit
from labkit.clients import _handler
from labkit.glassbox import glassbox
from labkit.sim import batches
from labkit.sim.app import SimApp
from labkit.sim.batches import POLLS_TO_END, BatchStore
from labkit.sim.engine import Simulator
from labkit.sim.server import start_in_thread

MODEL = "sim-sonnet-4-6"


def params(text: str = "Say hello to the batch", **extra: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "max_tokens": 48,
        "messages": [{"role": "user", "content": text}],
        **extra,
    }


def requests(n: int, prefix: str = "req") -> list[Any]:
    return [{"custom_id": f"{prefix}-{i}", "params": params(f"question {i}")} for i in range(n)]


def wait(client: anthropic.Anthropic, batch_id: str, **kwargs: Any) -> tuple[Any, int]:
    """Poll as the docs' loop does, minus the sleep: the simulator's time moves with polls."""
    for polls in range(1, 50):
        batch = client.messages.batches.retrieve(batch_id, **kwargs)
        if batch.processing_status == "ended":
            return batch, polls
    raise AssertionError("batch never ended")


def results(client: anthropic.Anthropic, batch_id: str) -> dict[str, Any]:
    return {line.custom_id: line.result for line in client.messages.batches.results(batch_id)}


def error_of(exc: anthropic.APIStatusError) -> dict[str, Any]:
    return cast(dict[str, Any], cast(dict[str, Any], exc.body)["error"])


def app_client(app: SimApp) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="sk-test",
        base_url="http://labkit.sim",
        http_client=httpx2.Client(transport=httpx2.MockTransport(_handler(app))),
        max_retries=0,
    )


def backend(kind: str) -> Iterator[anthropic.Anthropic]:
    if kind == "in-process":
        yield labkit.client(seed=0, max_retries=0)
        return
    server = start_in_thread(seed=0)
    try:
        yield anthropic.Anthropic(base_url=server.url, api_key="sk-test", max_retries=0)
    finally:
        server.shutdown()


# One simulator per module and backend: every test below but the list test makes its own batches
# and reads only those, and a server's shutdown costs half a second.
@pytest.fixture(scope="module", params=["in-process", "loopback"])
def client(request: pytest.FixtureRequest) -> Iterator[anthropic.Anthropic]:
    yield from backend(request.param)


@pytest.fixture(params=["in-process", "loopback"])
def fresh_client(request: pytest.FixtureRequest) -> Iterator[anthropic.Anthropic]:
    yield from backend(request.param)


# -- the round trip --------------------------------------------------------------------------
def test_create_poll_and_read_results(client: anthropic.Anthropic) -> None:
    batch = client.messages.batches.create(requests=requests(3))
    assert batch.id.startswith("msgbatch_") and batch.type == "message_batch"
    assert batch.processing_status == "in_progress"
    assert batch.request_counts.processing == 3 and batch.request_counts.succeeded == 0
    assert batch.expires_at - batch.created_at == timedelta(hours=24)
    assert batch.ended_at is None and batch.results_url is None
    assert batch.cancel_initiated_at is None and batch.archived_at is None

    ended, polls = wait(client, batch.id)
    assert polls == POLLS_TO_END
    assert ended.request_counts.succeeded == 3 and ended.request_counts.processing == 0
    assert ended.ended_at is not None and ended.created_at < ended.ended_at < ended.expires_at
    base = str(client.base_url).rstrip("/")
    assert ended.results_url == f"{base}/v1/messages/batches/{batch.id}/results"

    lines = results(client, batch.id)
    assert set(lines) == {"req-0", "req-1", "req-2"}
    for result in lines.values():
        assert result.type == "succeeded"
        assert result.message.model == MODEL and result.message.content
        assert result.message.usage.service_tier == "batch"


def test_results_url_points_at_the_server_that_made_it(client: anthropic.Anthropic) -> None:
    batch = client.messages.batches.create(requests=requests(1))
    ended, _ = wait(client, batch.id)
    assert ended.results_url is not None
    assert ended.results_url.startswith(str(client.base_url).rstrip("/") + "/v1/")
    raw = client.get(ended.results_url, cast_to=httpx2.Response)
    assert raw.headers["content-type"] == batches.RESULTS_CONTENT_TYPE
    assert raw.text.endswith("\n") and raw.text.count("\n") == 1


def test_results_come_in_their_own_order_so_join_on_custom_id() -> None:
    client = labkit.client(seed=0)
    batch = client.messages.batches.create(requests=requests(12))
    wait(client, batch.id)
    order = [line.custom_id for line in client.messages.batches.results(batch.id)]
    assert sorted(order) == sorted(f"req-{i}" for i in range(12))
    assert order != [f"req-{i}" for i in range(12)]


# -- determinism -------------------------------------------------------------------------------
def texts(client: anthropic.Anthropic, reqs: list[Any], **kwargs: Any) -> dict[str, str]:
    batch = client.messages.batches.create(requests=reqs, **kwargs)
    wait(client, batch.id)
    return {k: r.message.content[0].text for k, r in results(client, batch.id).items()}


def test_same_seed_same_results_in_two_separate_simulators() -> None:
    first, second = labkit.client(seed=0), labkit.client(seed=0)
    one = first.messages.batches.create(requests=requests(4))
    two = second.messages.batches.create(requests=requests(4))
    assert one.id == two.id and one.created_at == two.created_at
    wait(first, one.id), wait(second, two.id)
    a, b = results(first, one.id), results(second, two.id)
    assert {k: v.message.model_dump() for k, v in a.items()} == {
        k: v.message.model_dump() for k, v in b.items()
    }


def test_a_resubmitted_batch_samples_afresh_and_another_seed_differs() -> None:
    client = labkit.client(seed=0)
    reqs: list[Any] = [
        {"custom_id": f"rep-{i}", "params": params("Name a colour")} for i in range(6)
    ]
    first, again = texts(client, reqs), texts(client, reqs)
    assert first != again  # a repeat is a new draw, as on the real API
    assert len(set(first.values())) > 1  # identical prompts in one batch vary too
    other = texts(labkit.client(seed=1), reqs)
    assert other != first
    assert texts(labkit.client(seed=0), reqs) == first  # and the sequence itself reproduces


def test_a_client_seed_header_makes_a_batch_reproduce() -> None:
    client = labkit.client(seed=0)
    seeded = {"extra_headers": glassbox(seed=7)}
    reqs = requests(3)
    assert texts(client, reqs, **seeded) == texts(client, reqs, **seeded)


def test_other_traffic_does_not_change_a_batch() -> None:
    quiet, busy = labkit.client(seed=0), labkit.client(seed=0)
    for _ in range(3):
        busy.messages.create(**params("question 0"))
    assert texts(quiet, requests(3)) == texts(busy, requests(3))


# -- params are validated when the batch runs -------------------------------------------------
def test_invalid_params_become_errored_results_not_a_failed_create(
    client: anthropic.Anthropic,
) -> None:
    mixed: list[Any] = [
        {"custom_id": "good", "params": params()},
        {"custom_id": "no-messages", "params": {"model": MODEL, "max_tokens": 10}},
        {"custom_id": "streaming", "params": params(stream=True)},
        {"custom_id": "zero-tokens", "params": {**params(), "max_tokens": 0}},
        {"custom_id": "fast", "params": params(speed="fast")},
        {"custom_id": "no-model", "params": {**params(), "model": "sim-nope"}},
    ]
    batch = client.messages.batches.create(requests=mixed)
    assert batch.processing_status == "in_progress" and batch.request_counts.processing == 6
    ended, _ = wait(client, batch.id)
    assert ended.request_counts.succeeded == 1 and ended.request_counts.errored == 5
    lines = results(client, batch.id)
    assert lines["good"].type == "succeeded"
    assert lines["no-messages"].error.error.message == "messages: Field required"
    assert lines["zero-tokens"].error.error.message.startswith("max_tokens:")
    assert lines["no-model"].error.error.type == "not_found_error"
    for name in ("no-messages", "streaming", "zero-tokens", "fast"):
        assert lines[name].type == "errored"
        assert lines[name].error.type == "error"
        assert lines[name].error.error.type == "invalid_request_error"


# -- the batch itself is checked at once --------------------------------------------------------
@pytest.mark.parametrize(
    ("reqs", "message"),
    [
        ([], "requests: List should have at least 1 item after validation, not 0"),
        (
            [{"custom_id": "a" * 65, "params": params()}],
            "requests.0.custom_id: String should have at most 64 characters",
        ),
        (
            [{"custom_id": "", "params": params()}],
            "requests.0.custom_id: String should have at least 1 character",
        ),
        (
            [{"custom_id": "ok", "params": params()}, {"custom_id": "has space", "params": {}}],
            "requests.1.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
        ),
        ([{"params": params()}], "requests.0.custom_id: Field required"),
        (
            [{"custom_id": 3, "params": params()}],
            "requests.0.custom_id: Input should be a valid string",
        ),
        ([{"custom_id": "x"}], "requests.0.params: Field required"),
        (
            [{"custom_id": "x", "params": "hi"}],
            "requests.0.params: Input should be a valid dictionary",
        ),
        (
            [{"custom_id": "x", "params": params(), "priority": 1}],
            "requests.0.priority: Extra inputs are not permitted",
        ),
        (["x"], "requests.0: Input should be a valid dictionary"),
    ],
)
def test_a_malformed_batch_is_refused_with_400(
    client: anthropic.Anthropic, reqs: list[Any], message: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.batches.create(requests=reqs)
    assert error_of(caught.value) == {"type": "invalid_request_error", "message": message}


def test_duplicate_custom_ids_are_refused() -> None:
    client = labkit.client(seed=0)
    reqs: list[Any] = [{"custom_id": "same", "params": params()}] * 2
    with pytest.raises(anthropic.BadRequestError, match=r"requests\.1\.custom_id: Duplicate"):
        client.messages.batches.create(requests=reqs)


def test_unknown_top_level_fields_and_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    client = labkit.client(seed=0)
    with pytest.raises(anthropic.BadRequestError, match="mode: Extra inputs are not permitted"):
        client.messages.batches.create(requests=requests(1), extra_body={"mode": "fast"})
    monkeypatch.setattr(batches, "MAX_REQUESTS", 3)
    with pytest.raises(anthropic.BadRequestError, match="at most 3 items after validation, not 4"):
        client.messages.batches.create(requests=requests(4))
    monkeypatch.setattr(batches, "MAX_BATCH_BYTES", 200)
    with pytest.raises(anthropic.APIStatusError) as caught:
        client.messages.batches.create(requests=requests(3))
    assert caught.value.status_code == 413
    assert error_of(caught.value)["type"] == "request_too_large"


# -- cancel, expiry, delete ---------------------------------------------------------------------
def test_cancel_right_away_cancels_every_request(client: anthropic.Anthropic) -> None:
    batch = client.messages.batches.create(requests=requests(4))
    canceling = client.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None and canceling.results_url is None
    assert canceling.request_counts.processing == 4
    ended = client.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended" and ended.request_counts.canceled == 4
    assert ended.ended_at == ended.cancel_initiated_at
    assert {r.type for r in results(client, batch.id).values()} == {"canceled"}
    with pytest.raises(anthropic.BadRequestError, match="already ended"):
        client.messages.batches.cancel(batch.id)


def test_cancel_midway_keeps_what_already_ran() -> None:
    client = labkit.client(seed=0)
    start = datetime(2027, 1, 4, 9, 0, 0)
    at = {"labkit-time": start.isoformat()}
    batch = client.messages.batches.create(requests=requests(4), extra_headers=at)
    assert batch.created_at.replace(tzinfo=None) == start
    # Requests finish 32, 34, 36 and 38 simulated seconds after creation.
    later = {"labkit-time": (start + timedelta(seconds=35)).isoformat()}
    client.messages.batches.cancel(batch.id, extra_headers=later)
    again = client.messages.batches.cancel(
        batch.id, extra_headers=later
    )  # canceling twice is harmless
    assert again.processing_status == "canceling"
    ended = client.messages.batches.retrieve(batch.id, extra_headers=later)
    counts = ended.request_counts
    assert (counts.succeeded, counts.canceled, counts.processing) == (2, 2, 0)
    lines = results(client, batch.id)
    assert [lines[f"req-{i}"].type for i in range(4)] == ["succeeded"] * 2 + ["canceled"] * 2


def test_simulated_time_ends_a_batch_without_polling() -> None:
    client = labkit.client(seed=0)
    start = datetime(2027, 1, 4, 9, 0, 0)
    batch = client.messages.batches.create(
        requests=requests(2), extra_headers={"labkit-time": start.isoformat()}
    )
    hour_later = {"labkit-time": (start + timedelta(hours=1)).isoformat()}
    ended = client.messages.batches.retrieve(batch.id, extra_headers=hour_later)
    assert ended.processing_status == "ended"
    assert ended.ended_at is not None
    assert ended.ended_at - ended.created_at == timedelta(seconds=34)


def test_a_fixed_labkit_time_still_lets_polls_finish_the_batch() -> None:
    client = labkit.client(seed=0)
    fixed = {"labkit-time": "2027-01-04T09:00:00Z"}
    batch = client.messages.batches.create(requests=requests(2), extra_headers=fixed)
    _, polls = wait(client, batch.id, extra_headers=fixed)
    assert polls == POLLS_TO_END


def test_what_was_not_run_in_24_hours_expires() -> None:
    app = SimApp(Simulator(seed=0))
    app.batches = BatchStore(0, app.run_message, seconds_per_request=3600)
    client = app_client(app)
    batch = client.messages.batches.create(requests=requests(25))
    ended, _ = wait(client, batch.id)
    # Request i finishes 30 s + (i + 1) h in: 23 of them within the 24 h.
    assert (ended.request_counts.succeeded, ended.request_counts.expired) == (23, 2)
    assert ended.ended_at == ended.expires_at
    lines = results(client, batch.id)
    assert lines["req-24"].type == "expired" and lines["req-0"].type == "succeeded"


def test_delete_only_an_ended_batch_then_it_is_gone(client: anthropic.Anthropic) -> None:
    batch = client.messages.batches.create(requests=requests(1))
    with pytest.raises(anthropic.BadRequestError, match="cancel it before deleting"):
        client.messages.batches.delete(batch.id)
    wait(client, batch.id)
    deleted = client.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    for call in (
        client.messages.batches.retrieve,
        client.messages.batches.delete,
        client.messages.batches.cancel,
    ):
        with pytest.raises(anthropic.NotFoundError):
            call(batch.id)


def test_results_before_the_end_are_refused(client: anthropic.Anthropic) -> None:
    batch = client.messages.batches.create(requests=requests(1))
    with pytest.raises(anthropic.BadRequestError, match="has not ended"):
        client.get(f"/v1/messages/batches/{batch.id}/results", cast_to=httpx2.Response)
    with pytest.raises(anthropic.AnthropicError, match="No `results_url`"):
        client.messages.batches.results(batch.id)  # the SDK checks results_url itself


def test_an_unknown_batch_is_404_not_found_error(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.batches.retrieve("msgbatch_doesnotexist")
    body = cast(dict[str, Any], caught.value.body)
    assert body["type"] == "error" and body["error"]["type"] == "not_found_error"
    assert "msgbatch_doesnotexist" in body["error"]["message"]


# -- list ---------------------------------------------------------------------------------------
def test_list_is_newest_first_and_paginates(fresh_client: anthropic.Anthropic) -> None:
    client = fresh_client
    made = [client.messages.batches.create(requests=requests(1, f"b{i}")).id for i in range(5)]
    newest_first = made[::-1]
    page = client.messages.batches.list(limit=2)
    assert [b.id for b in page.data] == newest_first[:2]
    assert page.has_more is True
    assert (page.first_id, page.last_id) == (newest_first[0], newest_first[1])
    assert [b.id for b in client.messages.batches.list(limit=2)] == newest_first  # auto-paging
    after = client.messages.batches.list(limit=2, after_id=newest_first[3])
    assert [b.id for b in after.data] == newest_first[4:] and after.has_more is False
    before = client.messages.batches.list(limit=2, before_id=newest_first[3])
    assert [b.id for b in before.data] == newest_first[1:3] and before.has_more is True
    assert [b.id for b in client.messages.batches.list(before_id=newest_first[3], limit=1)] == (
        newest_first[:3][::-1]
    )
    assert len(client.messages.batches.list().data) == 5  # default limit 20
    empty = client.messages.batches.list(after_id=newest_first[-1])
    assert empty.data == [] and empty.has_more is False and empty.first_id is None


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0, "limit: Input should be greater than or equal to 1"),
        (1001, "limit: Input should be less than or equal to 1000"),
    ],
)
def test_list_limit_is_1_to_1000(limit: int, message: str) -> None:
    client = labkit.client(seed=0)
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.batches.list(limit=limit)
    assert error_of(caught.value)["message"] == message
    assert client.messages.batches.list(limit=1000).data == []


def test_listing_counts_as_polling() -> None:
    client = labkit.client(seed=0)
    batch = client.messages.batches.create(requests=requests(1))
    for _ in range(POLLS_TO_END):
        status = client.messages.batches.list().data[0].processing_status
    assert status == "ended"
    assert client.messages.batches.retrieve(batch.id).processing_status == "ended"


# -- bounded memory and threads -----------------------------------------------------------------
def test_the_store_forgets_its_oldest_batches_past_its_bound() -> None:
    app = SimApp(Simulator(seed=0))
    app.batches = BatchStore(0, app.run_message, max_batches=3)
    client = app_client(app)
    made = [client.messages.batches.create(requests=requests(1)).id for _ in range(4)]
    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve(made[0])
    assert [b.id for b in client.messages.batches.list()] == made[:0:-1]


def test_concurrent_clients_on_the_threaded_server() -> None:
    server = start_in_thread(seed=0)
    try:
        client = anthropic.Anthropic(base_url=server.url, api_key="sk-test", max_retries=0)
        done: dict[int, Any] = {}

        def work(k: int) -> None:
            batch = client.messages.batches.create(requests=requests(2, f"t{k}"))
            ended, _ = wait(client, batch.id)
            done[k] = (batch.id, ended.request_counts.succeeded, len(results(client, batch.id)))

        threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(done) == 6
        assert len({batch_id for batch_id, _, _ in done.values()}) == 6
        assert all((succeeded, lines) == (2, 2) for _, succeeded, lines in done.values())
    finally:
        server.shutdown()
