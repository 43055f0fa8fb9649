"""Record a run once, replay it offline exactly; recordings never contain secrets."""

import json

import anthropic
import pytest

from labkit.clients import DEFAULT_MODEL_MAP, client
from labkit.record import ReplayError
from tests.test_live_backend import StandIn

MODEL = "sim-sonnet-4-6"


def conversation(api, n=4):
    out = []
    for i in range(n):
        message = api.messages.create(
            model=MODEL, max_tokens=30, messages=[{"role": "user", "content": f"Question {i % 2}"}]
        )
        out.append(message.content[0].text)
    return out


def test_replay_gives_back_exactly_what_was_recorded(tmp_path):
    path = tmp_path / "run.jsonl"
    with client(seed=11, record=path) as api:
        recorded = conversation(api)
    with client(replay=path) as api:
        assert conversation(api) == recorded
    with client(backend="replay", replay=path) as api:  # the backend name works as well
        assert conversation(api) == recorded


def test_replay_refuses_requests_that_were_not_recorded(tmp_path):
    path = tmp_path / "run.jsonl"
    with client(seed=11, record=path) as api:
        conversation(api, 1)
    with client(replay=path) as api:
        conversation(api, 1)
        with pytest.raises(anthropic.NotFoundError, match="no recorded response"):
            conversation(api, 1)


def test_recordings_hold_no_api_key(tmp_path, monkeypatch, sim_server):
    # The live backend sends real model ids: a loopback stand-in for the real API maps them back.
    stand_in = StandIn(sim_server.url, {real: sim for sim, real in DEFAULT_MODEL_MAP.items()})
    secret = "sk-ant-secret-value-123"
    monkeypatch.setenv("LABKIT_BACKEND", "anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stand_in.url)
    path = tmp_path / "live.jsonl"
    try:
        with client(record=path) as api:
            live = conversation(api, 2)
    finally:
        stand_in.stop()
    assert secret not in path.read_text()
    monkeypatch.delenv("LABKIT_BACKEND")
    with client(replay=path) as api:
        assert conversation(api, 2) == live


def test_malformed_recordings_are_reported_with_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"method": "POST"}) + "\n")
    with pytest.raises(ReplayError, match=r"bad.jsonl:1: not a recorded exchange"):
        client(replay=path)
    with pytest.raises(ReplayError, match="recording not found"):
        client(replay=tmp_path / "missing.jsonl")
