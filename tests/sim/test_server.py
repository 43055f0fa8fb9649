"""`labkit serve` on loopback: real HTTP, keep-alive, streaming, and no input that crashes it."""

import json
import socket
import subprocess
import sys
import time

import anthropic
import httpx2
import pytest
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming

from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator
from labkit.sim.server import SimServer

BODY: MessageCreateParamsNonStreaming = {
    "model": "sim-sonnet-4-6",
    "max_tokens": 16,
    "messages": [{"role": "user", "content": "hi"}],
}


def raw_exchange(server, payload: bytes) -> bytes:
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "payload",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /v1/messages HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        b"POST /v1/messages HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST /v1/messages HTTP/1.1\r\nx-api-key: k\r\nanthropic-version: 2026-10-21\r\nContent-Length: 9\r\n\r\n{not json",
        b'POST /v1/messages HTTP/1.1\r\nx-api-key: k\r\nanthropic-version: 2026-10-21\r\nContent-Length: 100\r\n\r\n{"model"',
        b"\x00\xff\xfe" * 100,
    ],
    ids=["garbage", "bad-length", "negative-length", "bad-json", "truncated-body", "binary"],
)
def test_malformed_http_never_takes_the_server_down(sim_server, payload):
    raw_exchange(sim_server, payload)
    with anthropic.Anthropic(api_key="k", base_url=sim_server.url) as api:
        assert api.messages.create(**BODY).type == "message"


def test_bad_json_gets_an_api_error_body(sim_server):
    reply = raw_exchange(
        sim_server,
        b"POST /v1/messages HTTP/1.1\r\nx-api-key: k\r\nanthropic-version: 2026-10-21\r\nContent-Length: 9\r\n\r\n{not json",
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


def test_curl_style_plain_http_and_streaming(sim_server):
    headers = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
    reply = httpx2.post(f"{sim_server.url}/v1/messages", json=BODY, headers=headers)
    assert reply.status_code == 200 and reply.json()["type"] == "message"
    assert reply.headers["request-id"].startswith("req_")
    streamed = httpx2.post(
        f"{sim_server.url}/v1/messages", json={**BODY, "stream": True}, headers=headers
    )
    events = [
        line.split(": ", 1)[1] for line in streamed.text.splitlines() if line.startswith("event: ")
    ]
    assert events[0] == "message_start" and events[-1] == "message_stop"
    assert "content_block_delta" in events


def test_the_server_refuses_non_loopback_addresses():
    with pytest.raises(ValueError, match="loopback only"):
        SimServer(SimApp(Simulator()), host="0.0.0.0")


def test_labkit_serve_command(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "labkit.cli",
            "serve",
            "--port",
            str(port),
            "--seed",
            "3",
            "--fault",
            "approx_topk:rate=0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "listening on http://127.0.0.1" in process.stdout.readline()
        deadline = time.monotonic() + 20
        while True:
            try:
                models = httpx2.get(
                    f"http://127.0.0.1:{port}/v1/models",
                    headers={"x-api-key": "k", "anthropic-version": "2026-10-21"},
                    timeout=2,
                ).json()
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "labkit serve did not answer"
                time.sleep(0.1)
        assert {m["id"] for m in models["data"]} >= {"sim-sonnet-4-6"}
        with anthropic.Anthropic(api_key="k", base_url=f"http://127.0.0.1:{port}") as api:
            assert api.messages.create(**BODY).content
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_labkit_serve_rejects_a_bad_fault_spec():
    result = subprocess.run(
        [sys.executable, "-m", "labkit.cli", "serve", "--fault", "gremlins"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "unknown fault kind 'gremlins'" in result.stderr
    assert "Traceback" not in result.stderr
