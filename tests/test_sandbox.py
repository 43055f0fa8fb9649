"""The isolated test runner: real runs, time and memory limits, nothing forged or leaked."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from labkit.sandbox import run_tests

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
    assert "2 passed" in outcome.summary()


def test_a_wrong_solution_fails_with_a_readable_message():
    outcome = run("def double(x):\n    return x + 2\n")
    assert not outcome.ok and outcome.passed == 1 and outcome.failed == 1
    assert any("test_zero" in f for f in outcome.failures)


def test_a_foreign_script_token_is_a_syntax_error():
    outcome = run("def double(x):\n    return 2 * x 中\n")
    assert not outcome.ok and outcome.error and "SyntaxError" in outcome.error
    assert outcome.passed == 0 and outcome.total == 2


def test_an_endless_loop_is_stopped_in_time():
    started = time.monotonic()
    outcome = run("def double(x):\n    while True:\n        pass\n", timeout_s=1.0)
    assert outcome.timed_out and not outcome.ok
    assert time.monotonic() - started < 10


def test_a_memory_bomb_is_an_error_not_a_crash():
    outcome = run("x = bytearray(10**10)\ndef double(x):\n    return 2 * x\n")
    assert not outcome.ok and outcome.error


def test_printing_a_fake_report_cannot_forge_a_pass():
    forged = (
        "import sys, json\n"
        "print(json.dumps({'passed': 2, 'failed': 0, 'total': 2}))\n"
        "def double(x):\n    return 3\n"
    )
    assert not run(forged).ok


@pytest.mark.parametrize("exit_call", ["import os; os._exit(0)", "import sys; sys.exit(0)"])
def test_exiting_early_does_not_count_as_passing(exit_call):
    assert not run(f"{exit_call}\ndef double(x):\n    return 2 * x\n").ok
    assert not run(f"def double(x):\n    {exit_call}\n").ok


def test_the_parents_secrets_are_not_visible(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-parent-secret")
    code = "import os\ndef double(x):\n    assert 'ANTHROPIC_API_KEY' not in os.environ\n    return 2 * x\n"
    assert run(code).ok


def test_the_cache_returns_the_first_real_outcome_quickly():
    first = run_tests(GOOD + "# cache-test\n", TESTS)
    started = time.perf_counter()
    second = run_tests(GOOD + "# cache-test\n", TESTS)
    assert second == first and time.perf_counter() - started < 0.05


def test_concurrent_runs_are_correct():
    codes = [GOOD if i % 2 == 0 else "def double(x):\n    return x\n" for i in range(12)]
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda c: run_tests(c, TESTS, use_cache=False), codes))
    assert [o.ok for o in outcomes] == [i % 2 == 0 for i in range(12)]


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        run_tests(GOOD, TESTS, timeout_s=0)
    with pytest.raises(TypeError):
        run_tests(None, TESTS)  # type: ignore[arg-type]
