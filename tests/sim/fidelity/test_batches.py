"""Message Batches: create/retrieve/list/cancel/delete/results shapes and errors.

Sources: platform.claude.com/docs/en/api/messages/batches (MessageBatch fields, cancel),
platform.claude.com/docs/en/api/deleting-message-batches.md (delete only after processing ends),
docs.claude.com/en/api/creating-message-batches (100,000 requests / 256 MB), SDK
messages/batch_create_params.py (custom_id unique) and message_batch_*_result.py.
API_RULES.md section K.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import HAIKU_45, accepted, create_batch, expect_api_error, user

STATUSES = {"in_progress", "canceling", "ended"}


def _request(custom_id: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": HAIKU_45, "max_tokens": 16, "messages": [user("hi")]}
    body.update(params)
    return {"custom_id": custom_id, "params": body}


def _ended(sdk: anthropic.Anthropic, batch_id: str) -> Any:
    """Poll without sleeping; past expires_at (simulated via labkit-time) a batch has ended."""
    batch = sdk.messages.batches.retrieve(batch_id)
    for _ in range(20):
        if batch.processing_status == "ended":
            return batch
        batch = sdk.messages.batches.retrieve(batch_id)
    later = (batch.expires_at + timedelta(seconds=1)).isoformat()
    batch = sdk.messages.batches.retrieve(batch_id, extra_headers={"labkit-time": later})
    assert batch.processing_status == "ended", (
        "docs: processing ends within 24 h (expires_at); the simulator must end the batch once "
        f"simulated time passes expires_at; got {batch.processing_status}"
    )
    return batch


def test_create_returns_message_batch(sdk: anthropic.Anthropic, tag: str) -> None:
    """Create answers a MessageBatch: msgbatch_ id, in_progress, counts, expires 24 h later."""
    batch = accepted(
        lambda: create_batch(sdk, [_request("a"), _request("b")]),
        rule="batches.create",
    )
    assert batch.id.startswith("msgbatch_") and batch.type == "message_batch"
    assert batch.processing_status == "in_progress", "docs: a new batch is in_progress"
    counts = batch.request_counts
    total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired
    assert total == 2 and counts.processing == 2, f"docs: both requests are processing: {counts!r}"
    assert batch.expires_at - batch.created_at == timedelta(hours=24), "docs: expires 24 h later"
    assert batch.ended_at is None and batch.results_url is None


def test_retrieve_and_list(sdk: anthropic.Anthropic) -> None:
    """retrieve returns the same batch; list includes it (newest first, paginated)."""
    batch = create_batch(sdk, [_request("a")])
    assert sdk.messages.batches.retrieve(batch.id).id == batch.id
    listed = [b.id for b in sdk.messages.batches.list(limit=100)]
    assert batch.id in listed, "docs: batches.list includes a created batch"


def test_results_round_trip(sdk: anthropic.Anthropic) -> None:
    """After processing ends, results give one JSONL entry per custom_id with its outcome."""
    batch = create_batch(
        sdk, [_request("ok-1"), _request("ok-2"), _request("bad", model="no-such-model")]
    )
    ended = _ended(sdk, batch.id)
    assert ended.ended_at is not None and ended.results_url, "docs: ended batches have results_url"
    counts = ended.request_counts
    assert (counts.succeeded, counts.errored, counts.processing) == (2, 1, 0), f"{counts!r}"
    results = {r.custom_id: r.result for r in sdk.messages.batches.results(batch.id)}
    assert set(results) == {"ok-1", "ok-2", "bad"}
    assert results["ok-1"].type == "succeeded" and results["ok-1"].message.type == "message"
    assert results["bad"].type == "errored", "docs: an invalid request errors in its result"
    assert results["bad"].error.error.type in ("not_found_error", "invalid_request_error")


def test_cancel_moves_to_canceling(sdk: anthropic.Anthropic) -> None:
    """Cancel: status canceling (or ended), cancel_initiated_at set; canceled results."""
    batch = create_batch(sdk, [_request("a"), _request("b")])
    canceled = sdk.messages.batches.cancel(batch.id)
    assert canceled.processing_status in ("canceling", "ended")
    assert canceled.cancel_initiated_at is not None, "docs: cancel sets cancel_initiated_at"
    ended = _ended(sdk, batch.id)
    kinds = {r.result.type for r in sdk.messages.batches.results(ended.id)}
    assert kinds <= {"canceled", "succeeded"}, f"docs: canceled or finished results only: {kinds}"


def test_delete_in_progress_refused_then_allowed(sdk: anthropic.Anthropic) -> None:
    """Batches can only be deleted once processing ended; cancel first (delete docs)."""
    batch = create_batch(sdk, [_request("a")])
    expect_api_error(
        lambda: sdk.messages.batches.delete(batch.id),
        400,
        "invalid_request_error",
        r"(?i)cancel|in progress|in_progress|processing",
        "an in-progress batch must be canceled before it can be deleted",
    )
    sdk.messages.batches.cancel(batch.id)
    _ended(sdk, batch.id)
    deleted = sdk.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    expect_api_error(
        lambda: sdk.messages.batches.retrieve(batch.id),
        404,
        "not_found_error",
        r".",
        "a deleted batch is gone",
    )


@pytest.mark.parametrize("verb", ["retrieve", "cancel", "delete", "results"])
def test_unknown_batch_id_is_404(sdk: anthropic.Anthropic, verb: str) -> None:
    """An id that names no batch is a not_found_error on every batch endpoint."""

    def call() -> Any:
        result = getattr(sdk.messages.batches, verb)("msgbatch_doesnotexist0000000000")
        return list(result) if verb == "results" else result

    expect_api_error(call, 404, "not_found_error", r".", f"batches.{verb} of an unknown id")


def test_duplicate_custom_id_refused(sdk: anthropic.Anthropic) -> None:
    """custom_id must be unique within a batch (SDK batch_create_params)."""
    expect_api_error(
        lambda: create_batch(sdk, [_request("same"), _request("same")]),
        400,
        "invalid_request_error",
        r"custom_id",
        "custom_id values must be unique within a batch",
    )


@pytest.mark.parametrize(
    "custom_id", ["has space", "x" * 65, ""], ids=["space", "65-chars", "empty"]
)
def test_custom_id_pattern_enforced(sdk: anthropic.Anthropic, custom_id: str) -> None:
    """custom_id is 1-64 characters of [a-zA-Z0-9_-] (batch-processing docs)."""
    expect_api_error(
        lambda: create_batch(sdk, [_request(custom_id)]),
        400,
        "invalid_request_error",
        r"custom_id",
        "custom_id must match ^[a-zA-Z0-9_-]{1,64}$",
    )


def test_empty_batch_refused(sdk: anthropic.Anthropic) -> None:
    """requests needs at least one element (API reference: 1..100,000 elements)."""
    expect_api_error(
        lambda: create_batch(sdk, []),
        400,
        "invalid_request_error",
        r"requests",
        "a batch holds at least one request",
    )
