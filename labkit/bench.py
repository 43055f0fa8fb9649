"""`labkit bench`: throughput and memory figures for the simulator and the agent.

Printed, not asserted: these machines are shared and noisy, so the numbers are for reading and
for comparing within one run, never for a pass/fail test.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from typing import Any

import anthropic
import httpx2

from labkit.agent import run_suite
from labkit.clients import SIM_API_KEY, client
from labkit.glassbox import glassbox
from labkit.sim.catalog import DEFAULT_MODEL

TARGETS = {
    "sdk_messages_per_s": ">= 1000",
    "server_messages_per_s": ">= 300",
    "suite_seconds": "<= 20 (every task x 20 epochs, 2 cores)",
    "peak_rss_mb": "< 300",
}


def _messages_per_s(api: anthropic.Anthropic, count: int) -> float:
    def once(i: int) -> None:
        api.messages.create(
            model=DEFAULT_MODEL,
            max_tokens=8,
            messages=[{"role": "user", "content": "Write a short note about the tests."}],
            extra_headers=glassbox(seed=i),  # a simulator-only control: each request its own seed
        )

    once(-1)  # warm up: imports, model load, first connection
    started = time.perf_counter()
    for i in range(count):
        once(i)
    return count / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_rate(count: int) -> float:
    """The server in its own process (as `labkit serve` runs), the client in this one."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "labkit.cli", "serve", "--port", str(port), "--seed", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(f"{url}/v1/models", timeout=1.0)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("labkit serve did not start within 30 s") from None
                time.sleep(0.05)
        with anthropic.Anthropic(api_key=SIM_API_KEY, base_url=url) as api:
            return _messages_per_s(api, count)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(quick: bool = False) -> dict[str, Any]:
    sdk_count, server_count, epochs = (200, 100, 2) if quick else (2000, 1000, 20)
    results: dict[str, Any] = {"cpu_count": os.cpu_count(), "quick": quick}
    with client(seed=0) as api:
        results["sdk_messages_per_s"] = round(_messages_per_s(api, sdk_count), 1)
    results["server_messages_per_s"] = round(_server_rate(server_count), 1)
    started = time.perf_counter()
    frame = run_suite(epochs=epochs, effort="high", seed=0, concurrency=2, progress=False)
    elapsed = time.perf_counter() - started
    results["suite_runs"] = len(frame)
    results["suite_seconds"] = round(elapsed, 2)
    results["suite_runs_per_s"] = round(len(frame) / elapsed, 1)
    results["suite_success_rate"] = round(float(frame["success"].mean()), 3)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["targets"] = TARGETS
    return results
