"""What the grading boundary costs: the time of one grader request, in a real kernel.

A hidden test asks the student's kernel for plain data (autograder.grader); each request is one
execute round trip that ships the kernel-side code and brings JSON back. This measures that
round trip for three kinds of request (a value, a table of 1,000 rows, a batch of 100 calls),
in a plain kernel so that sandbox start-up does not count; `course bench` prints the figures.
"""

from __future__ import annotations

import json
import secrets
import statistics
import time
from typing import Any

from jupyter_client.manager import start_new_kernel

from autograder.execution import boundary_code
from autograder.grader import kernel_side

SETUP = """
import numpy as np, pandas as pd
def mean(xs):
    return sum(xs) / len(xs)
answer = 0.25
runs = pd.DataFrame({"task": [f"t{i % 40}" for i in range(1000)],
                     "success": np.arange(1000) % 3 == 0, "tokens": np.arange(1000)})
"""
REQUESTS: dict[str, dict[str, Any]] = {
    "value": {"op": "values", "names": ["answer"]},
    "table_1000_rows": {"op": "values", "names": ["runs"]},
    "call_batch_100": {
        "op": "call",
        "name": "mean",
        "calls": [{"args": [[1.0, 2.0, float(i)]], "kwargs": {}} for i in range(100)],
    },
}


def _round_trip(client: Any, payload: dict[str, Any]) -> float:
    nonce = secrets.token_hex(8)
    started = time.perf_counter()
    msg_id = client.execute(boundary_code(json.dumps(payload), nonce), store_history=False)
    while True:
        message = client.get_iopub_msg(timeout=30)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "display_data":
            reply = json.loads(message["content"]["data"][kernel_side.MIME])
            assert reply.get("nonce") == nonce and "failed" not in reply, reply
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return time.perf_counter() - started


def boundary_cost(repeats: int = 20) -> dict[str, float]:
    """Median milliseconds per request of each kind."""
    manager, client = start_new_kernel()
    try:
        client.execute_interactive(SETUP, timeout=60)
        figures = {}
        for name, payload in REQUESTS.items():
            times = [_round_trip(client, payload) for _ in range(repeats)]
            figures[name] = round(1000 * statistics.median(times), 2)
        return figures
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    print(json.dumps(boundary_cost()))
