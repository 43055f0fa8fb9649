"""The isolated test runner: real runs, time and memory limits, nothing forged or leaked."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from labkit.sandbox import TestOutcome, run_tests

TESTS = """
from solution import double


def test_two():
    assert double(2) == 4


def test_zero():
    assert double(0) == 0
"""
GOOD = "def double(x):\n    return 2 * x\n"


def run(code, **kwargs):
    return run_tests(code, TESTS, use_cache=False, **kwargs)


def test_a_correct_solution_passes():
    outcome = run(GOOD)
    assert outcome.ok and (outcome.passed, outcome.failed, outcome.total) == (2, 0, 2)
    assert outcome.error is None and outcome.failures == () and not outcome.timed_out
    assert outcome.summary().splitlines()[-1] == "2 passed of 2"
    assert outcome.summary(timed=True).splitlines()[-1].startswith("2 passed of 2 in ")


def test_a_wrong_solution_fails_with_a_readable_message():
    outcome = run("def double(x):\n    return x + 2\n")
    assert not outcome.ok and outcome.passed == 1 and outcome.failed == 1
    assert outcome.failures == ("test_zero: AssertionError: assert 2 == 0",)
    assert outcome.summary().splitlines() == [
        "FAILED test_zero: AssertionError: assert 2 == 0",
        "1 failed, 1 passed of 2",
    ]


def test_what_the_agent_reads_has_no_wall_clock_time():
    """The summary becomes part of the model's context: a seeded run must not depend on how
    fast this machine ran the tests."""
    first, second = run(GOOD), run(GOOD)
    assert first.summary() == second.summary()


def test_an_exception_names_its_line_in_the_solution():
    outcome = run("def double(x):\n    return 4 // x * x\n")
    assert outcome.failures == (
        "test_zero: ZeroDivisionError: integer division or modulo by zero (solution.py, line 2)",
    )


def test_a_foreign_script_character_is_a_syntax_error():
    outcome = run("def double(x)\uff1a\n    return 2 * x\n")  # a full-width colon
    assert not outcome.ok and outcome.passed == outcome.failed == 0 and outcome.total == 2
    assert outcome.error == "SyntaxError: invalid character '：' (U+FF1A) (solution.py, line 1)"
    outcome = run("def double(x):\n    return 2 * x 中\n")
    assert outcome.error is not None and outcome.error.startswith("SyntaxError")


def test_a_missing_entry_point_is_an_import_error():
    outcome = run("def twice(x):\n    return 2 * x\n")
    assert not outcome.ok and outcome.total == 2 and outcome.passed == 0
    assert (
        outcome.error is not None and "ImportError" in outcome.error and "double" in outcome.error
    )


def test_an_endless_loop_is_stopped_in_time():
    started = time.monotonic()
    code = "def double(x):\n    while x == 0:\n        pass\n    return 2 * x\n"
    outcome = run(code, timeout_s=1.0)
    assert time.monotonic() - started < 2.5
    assert outcome.timed_out and not outcome.ok and outcome.error == "timed out after 1.0 s"
    assert (outcome.passed, outcome.failed) == (1, 1)
    assert outcome.failures == ("test_zero: timed out after 1.0 s",)


def test_a_memory_bomb_is_an_error_and_the_parent_is_fine():
    outcome = run("x = bytearray(10**10)\ndef double(x):\n    return 2 * x\n")
    assert not outcome.ok and outcome.error is not None and "MemoryError" in outcome.error
    inside = run("def double(x):\n    return len(bytearray(10**10))\n")
    assert inside.failed == 2 and all("MemoryError" in f for f in inside.failures)
    assert run(GOOD).ok


def test_printing_a_fake_report_cannot_forge_a_pass():
    forged = (
        "print(\"('result', 'test_two', True, '')\")\n"
        "print(\"('result', 'test_zero', True, '')\")\n"
        "print(\"('done',)\")\n"
        'print(\'{"passed": 2, "failed": 0, "total": 2}\')\n'
        "def double(x):\n    return 3\n"
    )
    outcome = run(forged)
    assert not outcome.ok and outcome.passed == 0 and outcome.failed == 2
    assert "('done',)" in outcome.output


@pytest.mark.parametrize("exit_call", ["import os; os._exit(0)", "import sys; sys.exit(0)"])
def test_exiting_early_does_not_count_as_passing(exit_call):
    at_import = run(f"{exit_call}\ndef double(x):\n    return 2 * x\n")
    assert not at_import.ok and at_import.passed == 0 and at_import.error
    in_function = run(f"def double(x):\n    {exit_call}\n")
    assert not in_function.ok and in_function.passed == 0 and in_function.failed >= 1


def test_the_parents_secrets_and_home_are_not_visible(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-parent-secret")
    code = (
        "import os\n"
        "def double(x):\n"
        "    assert 'ANTHROPIC_API_KEY' not in os.environ\n"
        f"    assert os.environ.get('HOME') != {os.environ.get('HOME', '')!r}\n"
        "    return 2 * x\n"
    )
    assert run(code).ok


def test_stdin_is_empty_not_inherited():
    outcome = run("def double(x):\n    return 2 * int(input())\n")
    assert outcome.failed == 2 and all("EOFError" in f for f in outcome.failures)


def test_output_is_captured_and_truncated():
    outcome = run("print('hello from the candidate')\n" + GOOD)
    assert outcome.ok and outcome.output == "hello from the candidate\n"
    noisy = run("print('x' * 100_000)\n" + GOOD)
    assert noisy.ok and 2000 <= len(noisy.output) < 2200 and "truncated" in noisy.output


def test_processes_left_behind_are_killed():
    code = (
        "import os, time\n"
        "try:\n"
        "    pid = os.fork()\n"
        "except OSError:\n"  # RLIMIT_NPROC works here (not root): nothing to clean up
        "    pid = None\n"
        "if pid == 0:\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print('child', pid)\n" + GOOD
    )
    outcome = run(code)
    assert outcome.ok
    pid = outcome.output.split()[1]
    if pid != "None":
        status = Path(f"/proc/{pid}/status")
        for _ in range(50):
            if not status.exists() or "zombie" in status.read_text():
                break
            time.sleep(0.02)
        assert not status.exists() or "zombie" in status.read_text()


def test_the_cache_returns_the_first_real_outcome_quickly():
    first = run_tests(GOOD + "# cache-test\n", TESTS)
    started = time.perf_counter()
    second = run_tests(GOOD + "# cache-test\n", TESTS)
    assert second is first and time.perf_counter() - started < 0.01
    assert run_tests(GOOD + "# cache-test\n", TESTS, timeout_s=2.0) is not first


def test_concurrent_runs_are_correct():
    codes = [GOOD if i % 2 == 0 else "def double(x):\n    return x\n" for i in range(12)]
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda c: run_tests(c, TESTS, use_cache=False), codes))
    assert [o.ok for o in outcomes] == [i % 2 == 0 for i in range(12)]


def test_concurrent_cached_calls_share_one_real_run():
    code = GOOD + "# shared\n"
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: run_tests(code, TESTS), range(8)))
    assert all(o is outcomes[0] for o in outcomes) and outcomes[0].ok


def test_a_run_is_fast():
    run(GOOD)  # warm the file-system caches
    started = time.perf_counter()
    for _ in range(5):
        run(GOOD)
    assert (time.perf_counter() - started) / 5 < 0.25  # ~15-30 ms on a laptop; lenient for CI


def test_outcome_ok_needs_tests():
    empty = TestOutcome(0, 0, 0, None, False, (), "", 0.0)
    assert not empty.ok


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        run_tests(GOOD, TESTS, timeout_s=0)
    with pytest.raises(ValueError):
        run_tests(GOOD, TESTS, memory_mb=1)
    with pytest.raises(TypeError):
        run_tests(None, TESTS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SyntaxError"):
        run_tests(GOOD, "def test_x(:\n")
    with pytest.raises(ValueError, match="no test functions"):
        run_tests(GOOD, "x = 1\n")
