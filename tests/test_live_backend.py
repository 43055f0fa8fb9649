"""The live backend (LABKIT_BACKEND=anthropic), pointed at a loopback stand-in for the real API.

The stand-in is what the real service looks like from the client's side: it knows only real
model ids (unknown ones get 404 "model: <id>"), refuses the sampling knobs in the body with 400
"<field>: Extra inputs are not permitted" (API version 2026-10-21, /work/shared/FACTS.md G),
and ignores unknown headers. Behind it the simulator does the answering, under its sim ids.
It records every request as it arrived, so the tests can check what really left the client.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic.types import MessageParam
from anthropic.types.messages.batch_create_params import Request as BatchItem

from labkit import clients
from labkit.clients import DEFAULT_MODEL_MAP, BackendError, client, is_simulated
from labkit.glassbox import GlassBox, glassbox
from labkit.sim.server import start_in_thread

FAKE_KEY = "sk-ant-api03-FAKE-labkit-test-key-0123456789"
USER: list[MessageParam] = [{"role": "user", "content": "How do I test a parser?"}]
BODY_KNOBS = ("temperature", "top_k", "top_p")  # refused in the body by today's API


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class StandIn(ThreadingHTTPServer):
    """A loopback 'api.anthropic.com': records, refuses what the real API refuses, forwards."""

    daemon_threads = True

    def __init__(self, upstream: str, real_to_sim: dict[str, str]) -> None:
        self.upstream = httpx2.Client(base_url=upstream, trust_env=False)
        self.real_to_sim = real_to_sim
        self.seen: list[Seen] = []
        super().__init__(("127.0.0.1", 0), _StandInHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.upstream.close()

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        path, _, query = seen.path.partition("?")
        payload = seen.json if "json" in seen.headers.get("content-type", "") else None
        if isinstance(payload, dict):
            for knob in BODY_KNOBS:
                if knob in payload:
                    return _error(
                        400, "invalid_request_error", f"{knob}: Extra inputs are not permitted"
                    )
        models: list[str] = []
        if path.startswith("/v1/models/"):
            models.append(path.removeprefix("/v1/models/"))
        if isinstance(payload, dict) and "model" in payload:
            models.append(payload["model"])
        for model in models:
            if model not in self.real_to_sim:  # sim ids included: the real API never heard of them
                return _error(404, "not_found_error", f"model: {model}")
        body = seen.body
        for real, sim in self.real_to_sim.items():
            body = body.replace(f'"{real}"'.encode(), f'"{sim}"'.encode())
            path = path.replace(f"/v1/models/{real}", f"/v1/models/{sim}")
        drop = {"host", "content-length", "connection"}
        headers = {k: v for k, v in seen.headers.items() if k.lower() not in drop}
        response = self.upstream.request(
            seen.method, path + ("?" + query if query else ""), headers=headers, content=body
        )
        content = response.read()
        for real, sim in self.real_to_sim.items():  # answers name the real model, as the API does
            content = content.replace(f'"{sim}"'.encode(), f'"{real}"'.encode())
        # A batch's results_url names the host that answered; that must be us, not the simulator.
        content = content.replace(
            str(self.upstream.base_url).rstrip("/").encode(), self.url.encode()
        )
        hop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        kept = {k: v for k, v in response.headers.items() if k.lower() not in hop}
        return response.status_code, kept, content


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_x"}
    return status, {"content-type": "application/json"}, json.dumps(body).encode()


class _StandInHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK
    server: StandIn

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        seen = Seen(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        self.server.seen.append(seen)
        status, headers, content = self.server.answer(seen)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def simulator() -> Iterator[Any]:
    server = start_in_thread(seed=11)
    yield server
    server.shutdown()
    server.server_close()


def _stand_in(simulator: Any, monkeypatch: pytest.MonkeyPatch, **extra: str) -> StandIn:
    real_to_sim = {real: sim for sim, real in DEFAULT_MODEL_MAP.items()} | extra
    stand_in = StandIn(simulator.url, real_to_sim)
    monkeypatch.setenv("LABKIT_BACKEND", "anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stand_in.url)
    monkeypatch.delenv("LABKIT_MODEL_MAP", raising=False)
    monkeypatch.setattr(clients, "_announced", set())  # each test starts a fresh "process"
    return stand_in


@pytest.fixture
def stand_in(simulator: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    server = _stand_in(simulator, monkeypatch)
    yield server
    server.stop()


def assert_nothing_simulated_left(stand_in: StandIn) -> None:
    assert stand_in.seen
    for seen in stand_in.seen:
        assert not [name for name in seen.headers if name.lower().startswith("labkit-")], seen
        assert b"sim-" not in seen.body and "sim-" not in seen.path, seen


def notebook(api: anthropic.Anthropic) -> list[dict[str, Any]]:
    """What a lab notebook does, written against sim ids and glass-box knobs."""
    knobs = glassbox(temperature=0, seed=3)
    first = api.messages.create(
        model="sim-sonnet-4-6", max_tokens=24, messages=USER, extra_headers=knobs
    )
    again = api.messages.create(
        model="sim-sonnet-4-6", max_tokens=24, messages=USER, extra_headers=knobs
    )
    with api.messages.stream(
        model="sim-haiku-4-5", max_tokens=24, messages=USER, extra_headers=glassbox(top_p=0.9)
    ) as stream:
        streamed = stream.get_final_message()
    counted = api.messages.count_tokens(model="sim-opus-4-7", messages=USER)
    info = api.models.retrieve("sim-opus-4-7")
    return [m.model_dump() for m in (first, again, streamed, counted, info)]


def test_sim_ids_and_knob_headers_never_leave(stand_in: StandIn, capsys: Any) -> None:
    with client() as api:
        assert not is_simulated(api)
        results = notebook(api)
    assert_nothing_simulated_left(stand_in)
    sent = [s.json["model"] for s in stand_in.seen if s.method == "POST"]
    assert sent == ["claude-sonnet-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-7"]
    assert stand_in.seen[-1].path == "/v1/models/claude-opus-4-7"
    assert results[0]["model"] == "claude-sonnet-4-6"  # the answer names the model that answered
    assert results[4]["id"] == "claude-opus-4-7"
    # The key did reach the API (the SDK sends it as a bearer token), and only the API.
    assert all(s.headers["authorization"] == f"Bearer {FAKE_KEY}" for s in stand_in.seen)
    out, err = capsys.readouterr()
    assert FAKE_KEY not in out + err
    assert err.splitlines() == [
        "labkit: the real Claude API has no temperature setting; labkit-temperature is used only "
        "by the simulator and was not sent.",
        "labkit: the real Claude API has no seed setting; labkit-seed is used only by the "
        "simulator and was not sent.",
        "labkit: the real Claude API has no top-p setting; labkit-top-p is used only by the "
        "simulator and was not sent.",
    ]


def test_simulated_time_user_and_session_are_dropped_silently(
    stand_in: StandIn, capsys: Any
) -> None:
    quiet = {"labkit-time": "2026-04-01T12:00:00Z", "labkit-user": "u1", "labkit-session": "s1"}
    with client() as api:
        api.messages.create(model="sim-haiku-4-5", max_tokens=8, messages=USER, extra_headers=quiet)
    assert_nothing_simulated_left(stand_in)
    assert capsys.readouterr().err == ""


def test_client_wide_glassbox_is_stripped_and_announced_once(
    stand_in: StandIn, capsys: Any
) -> None:
    box = GlassBox(temperature=0.5, top_k=4, top_p=0.9, batch_size=8)
    with client(glassbox=box) as api:
        for _ in range(3):
            api.messages.create(model="sim-haiku-4-5", max_tokens=8, messages=USER)
    with client(glassbox=box) as api:  # a second client in the same process stays quiet
        api.messages.create(model="sim-haiku-4-5", max_tokens=8, messages=USER)
    assert_nothing_simulated_left(stand_in)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and len(set(err)) == 4
    for knob in ("temperature", "top-k", "top-p", "batch size"):
        assert sum(f"has no {knob} setting" in line for line in err) == 1


def test_record_live_then_replay_offline(
    simulator: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    recording = tmp_path / "live.jsonl"
    stand_in = _stand_in(simulator, monkeypatch)
    try:
        with client(record=recording) as api:
            live = notebook(api)
    finally:
        stand_in.stop()  # replay must not need it: nothing listens on its port any more
    assert_nothing_simulated_left(stand_in)
    text = recording.read_text(encoding="utf-8")
    assert FAKE_KEY not in text and "labkit-temperature" not in text
    entries = [json.loads(line) for line in text.splitlines()]
    # Stored as the notebook sent it, so the notebook replays unchanged.
    assert [e["request"]["model"] for e in entries if e["method"] == "POST"] == [
        "sim-sonnet-4-6",
        "sim-sonnet-4-6",
        "sim-haiku-4-5",
        "sim-opus-4-7",
    ]
    assert entries[-1]["path"] == "/v1/models/sim-opus-4-7"
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with client(replay=recording) as api:
        assert is_simulated(api)
        replayed = notebook(api)
    assert replayed == live
    out, err = capsys.readouterr()
    assert FAKE_KEY not in out + err


def test_async_client_is_rewritten_too(stand_in: StandIn, capsys: Any) -> None:
    async def go() -> list[anthropic.types.Message]:
        async with clients.async_client(glassbox=GlassBox(top_k=5)) as api:
            return list(
                await asyncio.gather(
                    *[
                        api.messages.create(
                            model="sim-opus-4-7",
                            max_tokens=8,
                            messages=USER,
                            extra_headers=glassbox(seed=i),
                        )
                        for i in range(4)
                    ]
                )
            )

    messages = asyncio.run(go())
    assert [m.model for m in messages] == ["claude-opus-4-7"] * 4
    assert_nothing_simulated_left(stand_in)
    assert {s.json["model"] for s in stand_in.seen} == {"claude-opus-4-7"}
    err = capsys.readouterr().err.splitlines()
    assert sorted(err) == sorted(
        [
            "labkit: the real Claude API has no top-k setting; labkit-top-k is used only by the "
            "simulator and was not sent.",
            "labkit: the real Claude API has no seed setting; labkit-seed is used only by the "
            "simulator and was not sent.",
        ]
    )


def test_a_knob_in_the_body_is_refused_like_the_real_api(stand_in: StandIn) -> None:
    with client() as api, pytest.raises(anthropic.BadRequestError) as caught:
        api.messages.create(
            model="sim-sonnet-4-6", max_tokens=8, messages=USER, extra_body={"temperature": 0}
        )
    assert caught.value.status_code == 400
    assert caught.value.body["error"] == {  # type: ignore[index]
        "type": "invalid_request_error",
        "message": "temperature: Extra inputs are not permitted",
    }
    # The client does not hide the mistake: the body went out as written, model id mapped.
    assert stand_in.seen[-1].json == {
        "max_tokens": 8,
        "messages": USER,
        "model": "claude-sonnet-4-6",
        "temperature": 0,
    }


def test_an_unmapped_sim_id_is_answered_locally(stand_in: StandIn) -> None:
    with client() as api, pytest.raises(anthropic.NotFoundError, match="LABKIT_MODEL_MAP"):
        api.messages.create(model="sim-opus-9-9", max_tokens=8, messages=USER)
    assert stand_in.seen == []


def test_the_model_map_comes_from_the_environment_and_the_argument(
    simulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = _stand_in(
        simulator,
        monkeypatch,
        **{"claude-sonnet-5": "sim-sonnet-4-6", "claude-opus-4-8": "sim-opus-4-7"},
    )
    monkeypatch.setenv(
        "LABKIT_MODEL_MAP", "sim-opus-4-7=claude-opus-4-8, sim-sonnet-4-6=claude-sonnet-5,"
    )
    try:
        with client() as api:
            api.messages.create(model="sim-opus-4-7", max_tokens=8, messages=USER)
            api.messages.create(model="sim-sonnet-4-6", max_tokens=8, messages=USER)
            api.messages.create(model="sim-haiku-4-5", max_tokens=8, messages=USER)
        with client(model_map={"sim-opus-4-7": "claude-opus-4-7"}) as api:
            api.messages.create(model="sim-opus-4-7", max_tokens=8, messages=USER)
    finally:
        stand_in.stop()
    assert [s.json["model"] for s in stand_in.seen] == [
        "claude-opus-4-8",
        "claude-sonnet-5",
        "claude-haiku-4-5",  # entries the variable does not name keep their default
        "claude-opus-4-7",  # the argument wins over the variable
    ]


@pytest.mark.parametrize(
    "value",
    [
        "sim-opus-4-7",
        "sim-opus-4-7=",
        "opus=claude-opus-4-7",
        "sim-a=b=c",
        "sim-a=sim-b",
        "sim-a=x y",
    ],
)
def test_a_malformed_model_map_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("LABKIT_BACKEND", "anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("LABKIT_MODEL_MAP", value)
    with pytest.raises(BackendError) as caught:
        client()
    message = str(caught.value)
    assert message.startswith("LABKIT_MODEL_MAP") and "\n" not in message
    assert FAKE_KEY not in message


def test_a_malformed_model_map_argument_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABKIT_BACKEND", "anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    with pytest.raises(BackendError, match=r"^model_map: "):
        client(model_map={"claude-opus-4-7": "claude-opus-4-8"})


def test_a_message_batch_runs_on_real_ids(stand_in: StandIn, capsys: Any) -> None:
    items: list[BatchItem] = [
        {"custom_id": "h", "params": {"model": "sim-haiku-4-5", "max_tokens": 8, "messages": USER}},
        {"custom_id": "o", "params": {"model": "sim-opus-4-7", "max_tokens": 8, "messages": USER}},
    ]
    with client() as api:
        batch = api.messages.batches.create(requests=items, extra_headers=glassbox(seed=1))
        for _ in range(10):  # the simulated batch ends within a few polls
            if batch.processing_status == "ended":
                break
            batch = api.messages.batches.retrieve(batch.id)
        results = {r.custom_id: r.result for r in api.messages.batches.results(batch.id)}
    assert_nothing_simulated_left(stand_in)
    created = stand_in.seen[0].json
    assert [item["params"]["model"] for item in created["requests"]] == [
        "claude-haiku-4-5",
        "claude-opus-4-7",
    ]
    assert stand_in.seen[-1].path.endswith(f"/v1/messages/batches/{batch.id}/results")
    assert results["h"].type == "succeeded" and results["h"].message.model == "claude-haiku-4-5"
    assert results["o"].type == "succeeded" and results["o"].message.model == "claude-opus-4-7"
    assert "no seed setting" in capsys.readouterr().err


def test_batch_items_and_model_paths_are_mapped() -> None:
    # Below the SDK, above the network: the transport alone, over a recording stub.
    seen: list[httpx2.Request] = []

    def stub(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"id": "x", "type": "message_batch"})

    transport = clients.LiveTransport(httpx2.MockTransport(stub), clients.resolve_model_map())
    items: list[BatchItem] = [
        {"custom_id": name, "params": {"model": "sim-haiku-4-5", "max_tokens": 8, "messages": USER}}
        for name in ("a", "b")
    ]
    with anthropic.Anthropic(
        api_key=FAKE_KEY,
        base_url="https://api.example.invalid/prefix",
        http_client=httpx2.Client(transport=transport),
    ) as api:
        api.messages.batches.create(requests=items)
        api.beta.models.retrieve("sim-sonnet-4-6")
    batch = json.loads(seen[0].read())
    assert [item["params"]["model"] for item in batch["requests"]] == ["claude-haiku-4-5"] * 2
    assert seen[0].headers["content-length"] == str(len(seen[0].read()))
    assert seen[1].url.path == "/prefix/v1/models/claude-sonnet-4-6"
    direct = httpx2.Request("GET", "https://api.example.invalid/v1/models/sim-opus-4-7?beta=true")
    transport.handle_request(direct)
    assert str(seen[2].url) == "https://api.example.invalid/v1/models/claude-opus-4-7?beta=true"


def test_every_simulated_model_has_a_real_counterpart() -> None:
    from labkit.sim.catalog import MODELS

    assert set(MODELS) <= set(DEFAULT_MODEL_MAP)
