"""Run a candidate solution against a task's tests, really, in an isolated child process.

    outcome = run_tests(candidate.code, task.test_code, timeout_s=5.0)
    outcome.ok, outcome.passed, outcome.total, outcome.summary()

Each run writes solution.py and test_task.py into a fresh temporary folder and starts
`python -s -S -P -B labkit/_sandbox_runner.py` there: isolated flags and an explicit tiny
environment (no inherited secrets such as ANTHROPIC_API_KEY), stdin from /dev/null, its own
session so a timeout kills the whole process group, and resource limits set by the runner
before the candidate is imported (address space, CPU time, file size, processes).

This guards against the mistakes a model makes (infinite loops, memory bombs, exit() calls,
stray prints), not against deliberately malicious code: the candidate runs as the same user
with the same filesystem access.

Outcomes are memoised in-process by default: an agent makes hundreds of runs over a few
distinct candidates, and a cached outcome is the real outcome of the first real run (a
timeout included: a correct solution that timed out on an overloaded machine stays timed out
until clear_cache()).
"""

from __future__ import annotations

import ast
import collections
import contextlib
import functools
import hashlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from labkit.ast_symbols import COMPARISON_SYMBOLS

__all__ = ["TestOutcome", "clear_cache", "run_tests"]

_RUNNER = Path(__file__).with_name("_sandbox_runner.py")
_OUTPUT_LIMIT = 2000
_REPORT_LIMIT = 1024 * 1024
_CACHE_SIZE = 4096
_MIN_MEMORY_MB = 64


@dataclass(frozen=True)
class TestOutcome:
    """What happened when a candidate's tests ran.

    passed + failed <= total: tests that never ran (the solution did not import, or the
    process died or timed out first) count in neither.
    """

    __test__ = False  # not a pytest test class, despite the name

    passed: int
    failed: int
    total: int
    error: str | None
    timed_out: bool
    failures: tuple[str, ...]
    output: str
    duration_s: float

    @property
    def ok(self) -> bool:
        """Every test ran and passed, and nothing went wrong around them."""
        return self.error is None and self.total > 0 and self.passed == self.total

    def summary(self, timed: bool = False) -> str:
        """A few lines like a test runner's last lines, for people and for the agent.

        Without the wall-clock time unless `timed`: the agent hands this text to the model, and
        a duration in it would make a seeded run's tokens differ from one process to the next.
        """
        lines = [f"FAILED {failure}" for failure in self.failures]
        if self.error is not None:
            lines.append(f"ERROR {self.error}")
        counts = []
        if self.failed:
            counts.append(f"{self.failed} failed")
        counts.append(f"{self.passed} passed")
        not_run = self.total - self.passed - self.failed
        if not_run:
            counts.append(f"{not_run} not run")
        if self.error is not None:
            counts.append("1 error")
        took = f" in {self.duration_s:.2f}s" if timed else ""
        lines.append(f"{', '.join(counts)} of {self.total}{took}")
        return "\n".join(lines)


def run_tests(
    code: str,
    test_code: str,
    *,
    timeout_s: float = 5.0,
    memory_mb: int = 512,
    use_cache: bool = True,
) -> TestOutcome:
    """Run test_code's `test_*` functions against `code` saved as solution.py.

    Never raises because of the candidate's code; raises TypeError or ValueError for bad
    arguments, including test code that does not parse or has no test functions.
    """
    if not isinstance(code, str) or not isinstance(test_code, str):
        raise TypeError("code and test_code must be str")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)):
        raise TypeError("timeout_s must be a number of seconds")
    if not (math.isfinite(timeout_s) and timeout_s > 0):
        raise ValueError(f"timeout_s must be a positive number of seconds, not {timeout_s!r}")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int):
        raise TypeError("memory_mb must be an int")
    if memory_mb < _MIN_MEMORY_MB:
        raise ValueError(f"memory_mb must be at least {_MIN_MEMORY_MB}, not {memory_mb}")
    tests = _prepare_tests(test_code)
    if not use_cache:
        return _run_once(code, tests, float(timeout_s), memory_mb)
    return _cached_run(code, test_code, tests, float(timeout_s), memory_mb)


def clear_cache() -> None:
    """Forget memoised outcomes (for timing experiments; outcomes do not go stale)."""
    with _cache_lock:
        _cache.clear()


# --- memoisation -------------------------------------------------------------------------

_cache: collections.OrderedDict[str, Future[TestOutcome]] = collections.OrderedDict()
_cache_lock = threading.Lock()


def _cached_run(
    code: str, test_code: str, tests: _PreparedTests, timeout_s: float, memory_mb: int
) -> TestOutcome:
    key = hashlib.sha256(
        "\0".join([code, test_code, repr(timeout_s), str(memory_mb)]).encode(
            "utf-8", "surrogatepass"
        )
    ).hexdigest()
    with _cache_lock:
        future = _cache.get(key)
        owner = future is None
        if future is None:
            future = _cache[key] = Future()
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        else:
            _cache.move_to_end(key)
    if not owner:
        # Another thread may be running this very candidate: wait for its real outcome.
        return future.result()
    try:
        outcome = _run_once(code, tests, timeout_s, memory_mb)
    except BaseException as exc:  # e.g. no space for the temporary folder: do not cache
        with _cache_lock:
            if _cache.get(key) is future:
                del _cache[key]
        future.set_exception(exc)
        raise
    future.set_result(outcome)
    return outcome


# --- preparing the tests -----------------------------------------------------------------


@dataclass(frozen=True)
class _PreparedTests:
    names: tuple[str, ...]
    source: str  # asserts rewritten to explain themselves


class _AssertExplainer(ast.NodeTransformer):
    """`assert f(x) == 3` -> `assert (l := f(x)) == (r := 3), _sandbox_explain("==", l, r)`.

    The values are captured as they are compared, so nothing is evaluated twice; the message
    is built only when the assert fails.
    """

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        return node  # assignment expressions are not allowed everywhere in class bodies

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        if node.msg is not None:
            return node
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            operator = COMPARISON_SYMBOLS[type(test.ops[0])]
            left = _capture("_sandbox_left", test.left)
            right = _capture("_sandbox_right", test.comparators[0])
            new_test: ast.expr = ast.Compare(left=left, ops=test.ops, comparators=[right])
            arguments = [ast.Constant(operator), _load("_sandbox_left"), _load("_sandbox_right")]
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            new_test = ast.UnaryOp(op=ast.Not(), operand=_capture("_sandbox_value", test.operand))
            arguments = [ast.Constant("not"), _load("_sandbox_value")]
        else:
            new_test = _capture("_sandbox_value", test)
            arguments = [ast.Constant(""), _load("_sandbox_value")]
        message = ast.Call(func=_load("_sandbox_explain"), args=arguments, keywords=[])
        return ast.copy_location(ast.Assert(test=new_test, msg=message), node)


def _capture(name: str, value: ast.expr) -> ast.NamedExpr:
    return ast.NamedExpr(target=ast.Name(id=name, ctx=ast.Store()), value=value)


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


@functools.lru_cache(maxsize=256)
def _prepare_tests(test_code: str) -> _PreparedTests:
    try:
        tree = ast.parse(test_code, filename="test_task.py")
    except SyntaxError as exc:
        raise ValueError(f"test_code: SyntaxError at line {exc.lineno}: {exc.msg}") from None
    names = tuple(
        dict.fromkeys(
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test")
        )
    )
    if not names:
        raise ValueError("test_code defines no test functions (def test_...)")
    rewritten = ast.fix_missing_locations(_AssertExplainer().visit(tree))
    return _PreparedTests(names=names, source=ast.unparse(rewritten) + "\n")


# --- running -----------------------------------------------------------------------------


def _child_environment(folder: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": folder,
        "TMPDIR": folder,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",  # set iteration order is part of an outcome: keep it fixed
        "PYTHONIOENCODING": "utf-8",
    }


def _run_once(code: str, tests: _PreparedTests, timeout_s: float, memory_mb: int) -> TestOutcome:
    cpu_s = math.ceil(timeout_s) + 1
    with (
        tempfile.TemporaryDirectory(prefix="labkit-sandbox-", ignore_cleanup_errors=True) as folder,
        tempfile.TemporaryFile() as report,
        tempfile.TemporaryFile() as output,
    ):
        Path(folder, "solution.py").write_text(code, encoding="utf-8", errors="surrogatepass")
        Path(folder, "test_task.py").write_text(tests.source, encoding="utf-8")
        # -s -S -P -B is -I -S -B without -E, so that PYTHONHASHSEED above is honoured;
        # the environment is explicit anyway.
        command = [
            sys.executable, "-s", "-S", "-P", "-B", str(_RUNNER),
            str(report.fileno()), str(memory_mb), str(cpu_s), *tests.names,
        ]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=_child_environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(report.fileno(),),
            start_new_session=True,
        )
        timed_out = False
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(process.pid)
            process.wait()
        duration_s = time.perf_counter() - started
        events = _read_events(report)
        captured = _read_output(output)
    return _interpret(
        events,
        tests.names,
        timed_out=timed_out,
        timeout_s=timeout_s,
        returncode=process.returncode,
        output=captured,
        duration_s=duration_s,
    )


def _kill_group(pid: int) -> None:
    """Kill the child's whole session, including anything it left running."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _read_events(report: IO[bytes]) -> list[tuple[object, ...]]:
    report.seek(0)
    events: list[tuple[object, ...]] = []
    for line in report.read(_REPORT_LIMIT).decode("utf-8", "replace").splitlines():
        try:
            event = ast.literal_eval(line)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            event = None
        if not (isinstance(event, tuple) and event and isinstance(event[0], str)):
            event = ("corrupt", line[:80])
        events.append(event)
    return events


def _read_output(output: IO[bytes]) -> str:
    size = os.fstat(output.fileno()).st_size
    output.seek(0)
    text = output.read(4 * _OUTPUT_LIMIT).decode("utf-8", "replace")
    if len(text) > _OUTPUT_LIMIT or size > 4 * _OUTPUT_LIMIT:
        text = text[:_OUTPUT_LIMIT] + f"\n... [output truncated, {size} bytes in all]"
    return text


def _interpret(
    events: list[tuple[object, ...]],
    names: tuple[str, ...],
    *,
    timed_out: bool,
    timeout_s: float,
    returncode: int,
    output: str,
    duration_s: float,
) -> TestOutcome:
    results: dict[str, tuple[bool, str]] = {}
    running: str | None = None
    error: str | None = None
    done = False
    for event in events:
        match event:
            case ("start", str(name)):
                running = name
            case ("result", str(name), bool(passed), str(message)):
                results[name] = (passed, message)
                running = None
            case ("error", str(message)):
                error = message
            case ("done",):
                done = True
            case _:
                error = "the test report was corrupted (did the solution write to it?)"
                break
    failures = [f"{name}: {message}" for name, (passed, message) in results.items() if not passed]
    failed = len(failures)
    if timed_out:
        error = f"timed out after {timeout_s} s"
        if running is not None:
            failures.append(f"{running}: timed out after {timeout_s} s")
            failed += 1
    elif error is None and not done:
        death = _death(returncode)
        if running is None:
            error = f"{death} before the tests finished"
        else:
            error = f"{death} during {running}"
            failures.append(f"{running}: {death}")
            failed += 1
    elif error is None and returncode != 0:
        error = f"{_death(returncode)} after the tests finished"
    return TestOutcome(
        passed=sum(passed for passed, _ in results.values()),
        failed=failed,
        total=len(names),
        error=error,
        timed_out=timed_out,
        failures=tuple(failures),
        output=output,
        duration_s=duration_s,
    )


def _death(returncode: int) -> str:
    if returncode >= 0:
        return f"the process exited with status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    if name == "SIGXCPU":
        return "the process ran out of CPU time (SIGXCPU)"
    return f"the process was killed by {name}"
