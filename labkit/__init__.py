"""labkit: what the course's book and labs import.

- `labkit.client(seed=..., faults=...)`: a real `anthropic.Anthropic` wired to the offline
  simulator (or to the real API when LABKIT_BACKEND=anthropic and ANTHROPIC_API_KEY are set);
- `labkit.async_client(...)`: the same for `anthropic.AsyncAnthropic`;
- `labkit.agent.run_suite(...)`: run the coding agent on the task suite, one row per run;
- `labkit.tasks.load_suite()`: the coding tasks; `labkit.sim`: the simulator itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
_SUBMODULES = frozenset(
    {
        "agent",
        "checks",
        "clients",
        "record",
        "sandbox",
        "sim",
        "student",
        "tasks",
        "bench",
        "incidents",
        "glassbox",
    }
)
__all__ = [
    "BackendError",
    "GlassBox",
    "async_client",
    "client",
    "is_simulated",
    "run_suite",
]

if TYPE_CHECKING:
    from labkit.agent import run_suite
    from labkit.clients import BackendError, async_client, client, is_simulated
    from labkit.glassbox import GlassBox


def __getattr__(name: str) -> Any:
    # Lazy: `labkit serve` and the sandbox should not pay for importing pandas and the SDK.
    if name in ("client", "async_client", "is_simulated", "BackendError"):
        from labkit import clients

        return getattr(clients, name)
    if name == "GlassBox":
        return importlib.import_module("labkit.glassbox").GlassBox
    if name == "run_suite":
        from labkit.agent import run_suite

        return run_suite
    if name in _SUBMODULES:  # `import labkit; labkit.student.student_seed(...)` works
        return importlib.import_module(f"labkit.{name}")
    raise AttributeError(f"module 'labkit' has no attribute {name!r}")
