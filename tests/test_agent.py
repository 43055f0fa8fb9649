"""The coding agent: real tests decide success, runs are reproducible, knobs move the numbers."""

from typing import Any

import anthropic
import pandas as pd
import pytest

from labkit.agent import RECORD_COLUMNS, run_suite, run_task
from labkit.clients import client
from labkit.sandbox import run_tests
from labkit.tasks import load_suite


@pytest.fixture(scope="module")
def suite():
    return load_suite()


def written_code(transcript):
    code = None
    for message in transcript:
        if message["role"] != "assistant":
            continue
        for block in message["content"]:
            if block["type"] == "tool_use" and block["name"] == "write_solution":
                code = block["input"]["code"]
    return code


def test_success_is_the_real_outcome_of_the_submitted_code(suite):
    checked = 0
    with client(seed=4) as api:
        for task in suite[:12]:
            for epoch in range(3):
                record = run_task(
                    api, task, epoch=epoch, seed=4, effort="low", keep_transcript=True
                )
                code = written_code(record.transcript)
                assert code is not None
                assert code in {c.code for c in task.candidates}  # a real candidate, uncorrupted
                if record.submitted:
                    assert record.success == run_tests(code, task.test_code, use_cache=False).ok
                    checked += 1
    assert checked >= 30


def test_corrupted_code_really_fails(suite):
    task = next(t for t in suite if t.difficulty < 0.3)
    with client(seed=1, faults="output_corruption:rate=1.0") as api:
        record = run_task(api, task, seed=1, keep_transcript=True)
    code = written_code(record.transcript)
    assert code not in {c.code for c in task.candidates}
    assert not run_tests(code, task.test_code).ok
    assert not record.success


def test_a_run_suite_frame_has_one_row_per_run(suite):
    frame = run_suite(suite[:4], epochs=3, seed=2, progress=False)
    assert list(frame.columns) == RECORD_COLUMNS
    assert len(frame) == 12
    assert frame.groupby("task")["epoch"].apply(list).tolist() == [[0, 1, 2]] * 4
    assert frame["success"].dtype == bool
    assert (frame["output_tokens"] > 0).all() and (frame["latency_ms"] > 0).all()


def test_runs_are_reproducible_whatever_the_concurrency(suite):
    one = run_suite(suite[:6], epochs=3, seed=5, concurrency=1, progress=False)
    many = run_suite(suite[:6], epochs=3, seed=5, concurrency=6, progress=False)
    pd.testing.assert_frame_equal(one, many)
    other = run_suite(suite[:6], epochs=3, seed=6, concurrency=1, progress=False)
    assert not one[["success", "turns", "output_tokens"]].equals(
        other[["success", "turns", "output_tokens"]]
    )


def test_loopback_server_gives_the_same_runs_as_in_process(suite, sim_server):
    with anthropic.Anthropic(api_key="k", base_url=sim_server.url) as remote:
        over_http = run_suite(suite[:3], epochs=2, seed=7, api=remote, progress=False)
    in_process = run_suite(suite[:3], epochs=2, seed=7, progress=False)
    pd.testing.assert_frame_equal(over_http, in_process)


def test_effort_moves_success_and_cost(suite):
    low = run_suite(suite, epochs=4, effort="low", seed=0, progress=False)
    high = run_suite(suite, epochs=4, effort="high", seed=0, progress=False)
    assert high["success"].mean() > low["success"].mean() + 0.03
    assert high["latency_ms"].mean() > low["latency_ms"].mean()


def test_misrouting_degrades_the_affected_users(suite):
    healthy = run_suite(suite, epochs=3, seed=0, progress=False)
    misrouted = run_suite(suite, epochs=3, seed=0, faults="misrouting:rate=1.0", progress=False)
    assert misrouted["success"].mean() < healthy["success"].mean() - 0.05


def test_thinking_dropped_shows_repeated_calls_and_cache_misses(suite):
    healthy = run_suite(suite, epochs=2, seed=0, thinking=True, progress=False)
    broken = run_suite(
        suite, epochs=2, seed=0, thinking=True, faults="thinking_dropped:rate=1.0", progress=False
    )
    assert broken["repeated_tool_calls"].sum() > healthy["repeated_tool_calls"].sum()

    def read_per_turn(runs):
        # From the third turn on, the prefix written last turn held thinking that is now
        # cleared, so only the part before the first thinking block is read from the cache.
        long = runs[runs["turns"] >= 4]
        return long["cache_read_tokens"].sum() / long["turns"].sum()

    assert read_per_turn(broken) < read_per_turn(healthy)


def test_turn_budget_and_api_errors_are_recorded_not_raised(suite):
    with client(seed=0) as api:
        record = run_task(api, suite[0], max_turns=1)
    assert record.stop_reason == "turn_budget" and not record.success
    with client(seed=0, faults="overloaded:rate=1.0", max_retries=0) as api:
        record = run_task(api, suite[0])
    assert record.stop_reason == "api_error" and "529" in record.error


def test_tasks_can_be_named_by_id(suite):
    frame = run_suite([suite[0].id, suite[1]], epochs=1, seed=0, progress=False)
    assert frame["task"].tolist() == sorted([suite[0].id, suite[1].id])


def _scripted_api(replies, seen):
    """A client whose 'model' says what the test scripts, and whose every request is judged by
    the simulator's validator: the agent must only send what the real API accepts."""
    import json

    import httpx2

    from labkit.sim.app import SimApp
    from labkit.sim.engine import Simulator

    app = SimApp(Simulator(seed=0))
    queue = list(replies)

    def handle(request):
        if request.url.path.startswith("/v1/models"):
            response = app.handle(
                request.method, request.url.raw_path.decode(), dict(request.headers), b""
            )
            return httpx2.Response(response.status, headers=response.headers, content=response.body)
        payload = json.loads(request.read())
        seen.append(payload)
        check = app.handle(
            "POST",
            "/v1/messages/count_tokens",  # validates the conversation exactly as /v1/messages does
            dict(request.headers),
            json.dumps({k: v for k, v in payload.items() if k != "max_tokens"}).encode(),
        )
        assert check.status == 200, check.body
        return httpx2.Response(200, json=queue.pop(0))

    return anthropic.Anthropic(
        api_key="k",
        base_url="http://scripted",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )


def _reply(blocks, stop_reason):
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "sim-sonnet-4-6",
        "content": blocks,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10},
    }


def test_the_agent_answers_every_parallel_call_and_passes_thinking_back(suite):
    from labkit.sim.thinking import sign

    task = suite[0]
    correct = next(c.code for c in task.candidates if c.kind == "correct")
    thought = "Write it, then test it, in one go."
    first = _reply(
        [
            {"type": "thinking", "thinking": thought, "signature": sign(thought)},
            {
                "type": "tool_use",
                "id": "toolu_a",
                "name": "write_solution",
                "input": {"code": correct},
            },
            {"type": "tool_use", "id": "toolu_b", "name": "run_tests", "input": {}},
        ],
        "tool_use",
    )
    second = _reply(
        [{"type": "tool_use", "id": "toolu_c", "name": "submit", "input": {}}], "tool_use"
    )
    seen: list[dict[str, Any]] = []
    record = run_task(_scripted_api([first, second], seen), task, thinking=True)
    assert record.success and record.tool_calls == 3 and record.tests_run == 1
    follow_up = seen[1]["messages"]
    assert follow_up[1]["content"][0] == first["content"][0]  # thinking returned unmodified
    results = follow_up[2]["content"]
    assert [r["tool_use_id"] for r in results] == ["toolu_a", "toolu_b"]  # both, in order, first
    assert results[1]["is_error"] is False  # the tests ran on the code written in the same turn
