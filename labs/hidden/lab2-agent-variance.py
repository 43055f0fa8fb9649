"""The hidden tests of lab 2 (measuring an agent's variance), run by the grader.

Every expected value is recomputed here, by reference code written apart from the model
solutions: from the student's own run frames (read as plain data) for the numbers derived from
them, and from a fresh agent run with the student's seed, taken from the grader's record of
whose submission this is (never from the notebook's SEED), for the runs themselves. The
student's functions are called in their kernel, on frames and numbers built here, many calls to
a round trip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from autograder.grader import Submission, hidden_test
from autograder.grader.submission import Remote
from labkit import sandbox
from labkit.agent import RECORD_COLUMNS, run_suite
from labkit.checks import check, check_all_close, check_close, check_raises
from labkit.tasks import load_suite

# The lab's constants, as its setup cell defines them (tests/autograder/test_lab2.py holds the
# two to the same values).
EXPERIMENT = "lab2-agent-variance"  # the seed's experiment name in the setup cell
EPOCHS = 10
Z_ALPHA = 1.959963984540054
Z_POWER = 0.8416212335729143
Z_SUM = Z_ALPHA + Z_POWER
# What a run of the probe task must repeat exactly. Not the token counts or latency: the agent
# shows the model its tests' wall-clock duration, so those vary between processes (a notebook's
# own repeated runs agree only through labkit.sandbox's in-process memo of test outcomes).
PROBE_COLUMNS = ["epoch", "success", "submitted", "turns", "tool_calls", "tests_run", "stop_reason"]


def task_ids() -> list[str]:
    return [task.id for task in load_suite()]


def frame(data: dict[str, list[Any]], index: list[int] | None = None) -> pd.DataFrame:
    return pd.DataFrame(data, index=index)


def number(value: Any, what: str, hint: str) -> float:
    """`value` as a float, or a failed check when it is not a real number."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    check(ok and math.isfinite(value), what, expected="a number", found=value, hint=hint)
    return float(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def run_frames(nb: Submission) -> list[tuple[str, pd.DataFrame]]:
    """The student's runs_medium and runs_high, checked to be tables with the columns used."""
    found = nb.values("runs_medium", "runs_high")
    frames = []
    for name, value in zip(("runs_medium", "runs_high"), found, strict=True):
        check(
            isinstance(value, pd.DataFrame),
            name,
            expected="a pandas DataFrame",
            found=type(value).__name__,
            hint="assign the DataFrame that run_suite returns",
        )
        missing = [c for c in ("task", "epoch", "success") if c not in value.columns]
        check(
            not missing,
            f"the columns of {name}",
            expected="task, epoch and success among them",
            found=list(value.columns),
            hint="keep the frame as run_suite returns it",
        )
        check(len(value) > 0, f"the rows of {name}", expected="runs", found=0, hint="run_suite")
        frames.append((name, value))
    return frames


# -- reference computations (plain Python over the frame's columns) ------------------------
def outcomes(runs: pd.DataFrame) -> list[float]:
    return [1.0 if bool(v) else 0.0 for v in runs["success"].tolist()]


def task_means(runs: pd.DataFrame) -> dict[Any, float]:
    totals: dict[Any, tuple[float, int]] = {}
    for task, ok in zip(runs["task"].tolist(), outcomes(runs), strict=True):
        total, count = totals.get(task, (0.0, 0))
        totals[task] = (total + ok, count + 1)
    return {task: total / count for task, (total, count) in totals.items()}


def reference_clustered(runs: pd.DataFrame, column: str) -> float:
    values = outcomes(runs)
    centre = sum(values) / len(values)
    sums: dict[Any, float] = {}
    for key, value in zip(runs[column].tolist(), values, strict=True):
        sums[key] = sums.get(key, 0.0) + (value - centre)
    return math.sqrt(sum(s * s for s in sums.values())) / len(values)


def reference_pass_at(n: int, c: int, k: int) -> float:
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def reference_pass_hat(n: int, c: int, k: int) -> float:
    share = 1.0
    for j in range(k):
        share *= (c - j) / (n - j)
    return max(share, 0.0)


def reference_suite(
    runs: pd.DataFrame, k: int, per_task: Callable[[int, int, int], float]
) -> float:
    counts: dict[Any, list[int]] = {}
    for task, ok in zip(runs["task"].tolist(), outcomes(runs), strict=True):
        counts.setdefault(task, []).append(int(ok))
    values = [per_task(len(oks), sum(oks), k) for oks in counts.values()]
    return sum(values) / len(values)


def high_minus_medium(medium: pd.DataFrame, high: pd.DataFrame) -> list[float]:
    rate_high, rate_medium = task_means(high), task_means(medium)
    return [rate_high[t] - rate_medium[t] for t in rate_high if t in rate_medium]


def paired_tasks(medium: pd.DataFrame, high: pd.DataFrame) -> list[float]:
    """The per-task differences, failing the check when fewer than two tasks are in both."""
    d = high_minus_medium(medium, high)
    check(
        len(d) >= 2,
        "the tasks in both runs_high and runs_medium",
        expected="at least 2",
        found=len(d),
        hint="run the whole suite at both efforts",
    )
    return d


def sample_sd(values: list[float]) -> float:
    centre = sum(values) / len(values)
    return math.sqrt(sum((x - centre) ** 2 for x in values) / (len(values) - 1))


def ceiling_ok(value: Any, raw: float) -> bool:
    """`value` is ceil(raw); exactly on an integer, rounding noise may give either side."""
    near = round(raw)
    if abs(raw - near) < 1e-7:
        return value in (near, near + 1)
    return bool(value == math.ceil(raw))


def same_as_a_fresh_run(mine: pd.DataFrame, probe: str, effort: str, seed: int) -> bool:
    mine = mine.sort_values("epoch")
    for attempt in range(2):
        if attempt:  # a test run the overloaded grader timed out is remembered: forget it, retry
            sandbox.clear_cache()
        fresh = run_suite(
            tasks=[probe], epochs=EPOCHS, effort=effort, seed=seed, concurrency=1, progress=False
        )
        if all(mine[c].tolist() == fresh[c].tolist() for c in PROBE_COLUMNS):
            return True
    return False


@dataclass(frozen=True)
class Case:
    """One call of a student's function and what it must give (want None: raise ValueError)."""

    args: tuple[Any, ...]
    want: float | None
    what: str
    hint: str
    tol: float = 1e-9
    kwargs: dict[str, Any] = field(default_factory=dict)
    integer: bool = False  # the result must be this int exactly


def check_cases(function: Remote, cases: Sequence[Case]) -> None:
    """All the calls in one round trip, then each result checked in order."""
    calls = function.calls((case.args, case.kwargs) for case in cases)
    for case, call in zip(cases, calls, strict=True):
        if case.want is None:
            check_raises(call.result, ValueError, case.what, case.hint)
        elif case.integer:
            value = call.result()
            ok = is_int(value) and value == case.want
            check(ok, case.what, expected=f"{case.want:.0f} (an int)", found=value, hint=case.hint)
        else:
            check_close(call.result(), case.want, case.what, tol=case.tol, hint=case.hint)


# -- 1. the runs ---------------------------------------------------------------------------
@hidden_test("q1-runs-test")
def runs_test(nb: Submission) -> None:
    seed = nb.seed(EXPERIMENT)
    ids = task_ids()
    found = nb.values("runs_medium", "runs_high")
    # One task, chosen per student, is run again here: the frames must hold exactly its runs.
    probe = ids[nb.seed(EXPERIMENT + "-probe") % len(ids)]
    for name, runs, effort in zip(
        ("runs_medium", "runs_high"), found, ("medium", "high"), strict=True
    ):
        check(
            isinstance(runs, pd.DataFrame),
            name,
            expected="a value of type DataFrame",
            found=type(runs).__name__,
            hint="assign the DataFrame that run_suite returns",
        )
        check(
            list(runs.columns) == RECORD_COLUMNS,
            f"the columns of {name}",
            expected="labkit.agent.RECORD_COLUMNS",
            found=list(runs.columns),
            hint="keep the frame as run_suite returns it",
        )
        check(
            len(runs) == len(ids) * EPOCHS,
            f"the number of rows of {name}",
            expected=f"{len(ids) * EPOCHS} (N_TASKS * EPOCHS)",
            found=len(runs),
            hint="run the whole suite (no tasks=...) with epochs=EPOCHS",
        )
        efforts = sorted({str(e) for e in runs["effort"].tolist()})
        check(
            efforts == [effort],
            f"the effort of {name}",
            expected=repr(effort),
            found=efforts,
            hint=f"pass effort={effort!r}",
        )
        seeds = sorted(set(runs["seed"].tolist()), key=repr)
        check(
            seeds == [seed],
            f"the seed of {name}",
            expected=f"{seed} (your SEED, from your student id)",
            found=seeds,
            hint="pass seed=SEED, with SEED as the setup cell defines it",
        )
        check(
            same_as_a_fresh_run(runs[runs["task"] == probe], probe, effort, seed),
            f"the runs of task {probe!r} in {name}",
            expected="the same rows as a fresh run_suite with your SEED",
            found="different rows",
            hint="use run_suite(epochs=EPOCHS, effort=..., seed=SEED, ...) and keep its rows as they are",
        )
        tasks = sorted({str(t) for t in runs["task"].tolist()})
        check(
            tasks == sorted(ids),
            f"the tasks in {name}",
            expected="every task of the suite",
            found=tasks[:5],
            hint="do not filter the frame",
        )


# -- 2. a success rate with a standard error ----------------------------------------------
def check_rate_and_se(result: Any, mean: float, se: float, what: str, *, tol: float) -> None:
    check(
        isinstance(result, tuple) and len(result) == 2,
        f"success_rate_se({what})",
        expected="a tuple (mean, se)",
        found=result,
        hint="return mean, se",
    )
    check_close(
        result[0],
        mean,
        f"the mean of {what}",
        tol=tol,
        hint="the fraction of rows whose success is True",
    )
    check_close(
        result[1],
        se,
        f"the naive SE of {what}",
        tol=tol,
        hint="sqrt(p * (1 - p) / n), with n the number of rows",
    )


@hidden_test("q2-naive-small")
def naive_small_test(nb: Submission) -> None:
    success_rate_se = nb.function("success_rate_se")
    tiny = frame({"task": ["a", "a", "b", "b"], "success": [True, False, True, True]})
    all_ok = frame({"success": [True] * 7})
    none_ok = frame({"success": [False] * 3, "turns": [1, 2, 3]})
    # An index out of order: a function that reads rows by label, not position, goes wrong.
    odd = frame({"success": [False, True, False, False, True]}, index=[10, 3, 7, 1, 0])
    empty = pd.DataFrame({"success": pd.Series([], dtype=bool)})
    calls = success_rate_se.map([(tiny,), (all_ok,), (none_ok,), (odd,), (empty,)])
    check_rate_and_se(
        calls[0].result(), 0.75, math.sqrt(0.75 * 0.25 / 4), "3 successes in 4 runs", tol=1e-9
    )
    check_rate_and_se(calls[1].result(), 1.0, 0.0, "7 runs that all succeed", tol=1e-12)
    check_rate_and_se(calls[2].result(), 0.0, 0.0, "3 runs that all fail", tol=1e-12)
    check_rate_and_se(
        calls[3].result(), 0.4, math.sqrt(0.24 / 5), "2 successes in 5 runs", tol=1e-12
    )
    check_raises(
        calls[4].result,
        ValueError,
        "success_rate_se of an empty frame",
        "raise ValueError when there are no runs",
    )


@hidden_test("q2-naive-data")
def naive_data_test(nb: Submission) -> None:
    frames = run_frames(nb)
    calls = nb.function("success_rate_se").map([(runs,) for _, runs in frames])
    for (name, runs), call in zip(frames, calls, strict=True):
        result = call.result()
        check(
            isinstance(result, tuple) and len(result) == 2,
            f"success_rate_se({name})",
            expected="a tuple (mean, se)",
            found=result,
            hint="return mean, se",
        )
        rate = number(result[0], f"the success rate of {name}", "a rate is a fraction of runs")
        se = number(result[1], f"the naive SE of {name}", "sqrt(p * (1 - p) / n)")
        n = len(runs)
        check(
            0.0 <= rate <= 1.0,
            f"the success rate of {name}",
            expected="between 0 and 1",
            found=rate,
            hint="a rate is a fraction of runs",
        )
        bound = 0.5 / math.sqrt(n)
        check(
            0.0 <= se <= bound + 1e-12,
            f"the naive SE of {name}",
            expected=f"between 0 and {bound:.4f}",
            found=se,
            hint="sqrt(p * (1 - p) / n) is at most 0.5 / sqrt(n)",
        )
        p = sum(outcomes(runs)) / n
        check_close(
            rate, p, f"the success rate of {name}", tol=1e-9, hint="the mean of the success column"
        )
        check_close(
            se,
            math.sqrt(p * (1 - p) / n),
            f"the naive SE of {name}",
            tol=1e-9,
            hint="sqrt(p * (1 - p) / n), n = number of rows",
        )


# -- 3. clustered standard errors ----------------------------------------------------------
@hidden_test("q3-clustered-small")
def clustered_small_test(nb: Submission) -> None:
    split = frame({"task": ["a", "a", "b", "b"], "success": [True, True, False, False]})
    mixed = frame(
        {
            "task": ["x", "y", "x", "z", "y", "x"],
            "group": ["g1", "g1", "g2", "g2", "g2", "g1"],
            "success": [True, False, True, False, False, True],
        }
    )
    all_ok = frame({"task": list("aabbc"), "success": [True] * 5})
    empty = pd.DataFrame({"task": pd.Series([], dtype=str), "success": pd.Series([], dtype=bool)})
    # fmt: off
    cases = [
        Case((split,), math.sqrt(2) / 4, "clustered_se of the two-task example", "sum the residuals within each task, square the sums, add, divide by n**2"),
        Case((split.assign(run=[0, 1, 2, 3]),), 0.25, "clustered_se with one run per cluster", "with one run per cluster it equals the naive SE, sqrt(0.5 * 0.5 / 4)", kwargs={"cluster": "run"}),
        # by task: mean 1/2, residual sums x: 1.5, y: -1.0, z: -0.5
        Case((mixed,), math.sqrt(1.5**2 + 1.0**2 + 0.5**2) / 6, "clustered_se on an unsorted three-task frame", "clusters are the values of the column, wherever the rows are"),
        # by group: g1 holds x, y, x (residuals sum to 0.5), g2 holds x, z, y (-0.5)
        Case((mixed,), math.sqrt(0.5) / 6, "clustered_se(frame, cluster='group')", "use the column named by `cluster`", kwargs={"cluster": "group"}),
        Case((all_ok,), 0.0, "clustered_se when every run succeeds", "every residual is 0", tol=1e-12),
        Case((empty,), None, "clustered_se of an empty frame", "raise ValueError when there are no runs"),
    ]
    # fmt: on
    check_cases(nb.function("clustered_se"), cases)


@hidden_test("q3-clustered-data")
def clustered_data_test(nb: Submission) -> None:
    frames = run_frames(nb)
    plan = [(name, runs, column) for name, runs in frames for column in (None, "task", "epoch")]
    calls = nb.function("clustered_se").calls(
        [((runs,), {} if column is None else {"cluster": column}) for _, runs, column in plan]
    )
    for (name, runs, column), call in zip(plan, calls, strict=True):
        value = call.result()
        if column is None:
            check(
                isinstance(value, float) and value >= 0,
                f"clustered_se({name})",
                expected="a non-negative float",
                found=value,
                hint="return a float",
            )
            continue
        check_close(
            value,
            reference_clustered(runs, column),
            f"clustered_se({name}, cluster={column!r})",
            tol=1e-9,
            hint="the formula above, with the clusters named by `cluster`",
        )


# -- 4. pass@k and pass^k ------------------------------------------------------------------
BAD_NCK = "raise ValueError unless 0 <= c <= n and 1 <= k <= n"


@hidden_test("q4-pass-at-k-test")
def pass_at_k_test(nb: Submission) -> None:
    # fmt: off
    exact = [
        (10, 0, 1), (10, 0, 10), (10, 4, 3), (10, 9, 5), (7, 2, 6), (1, 1, 1), (1, 0, 1),
        (30, 11, 7), (200, 13, 50), (12, 6, 6), (10**4, 10, 5000),
    ]
    hint = "1 - prod over i from n-c+1 to n of (1 - k / i); 1.0 when n - c < k"
    cases = [
        Case((10, 3, 1), 0.3, "pass_at_k(10, 3, 1)", "with k = 1 it is the success rate c / n"),
        Case((4, 1, 2), 0.5, "pass_at_k(4, 1, 2)", "1 - C(3, 2) / C(4, 2) = 1 - 3/6"),
        Case((5, 5, 3), 1.0, "pass_at_k(5, 5, 3)", "every run succeeded", tol=1e-12),
        Case((8, 6, 3), 1.0, "pass_at_k(8, 6, 3) where n - c < k", "only 2 failures: any 3 runs include a success", tol=1e-12),
        *(Case(a, reference_pass_at(*a), f"pass_at_k{a}", hint) for a in exact),
        *(Case(a, None, f"pass_at_k{a}", BAD_NCK) for a in [(5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)]),
    ]
    # fmt: on
    check_cases(nb.function("pass_at_k"), cases)


@hidden_test("q4-pass-hat-k-test")
def pass_hat_k_test(nb: Submission) -> None:
    # fmt: off
    exact = [(10, 10, 10), (10, 9, 10), (10, 0, 1), (10, 7, 3), (6, 2, 3), (9, 9, 4), (25, 20, 12), (1, 1, 1)]
    cases = [
        Case((10, 3, 1), 0.3, "pass_hat_k(10, 3, 1)", "with k = 1 it is the success rate c / n"),
        Case((4, 3, 2), 0.5, "pass_hat_k(4, 3, 2)", "C(3, 2) / C(4, 2) = 3/6"),
        *(Case(a, reference_pass_hat(*a), f"pass_hat_k{a}", "C(c, k) / C(n, k); 0 when c < k") for a in exact),
        *(Case(a, None, f"pass_hat_k{a}", BAD_NCK) for a in [(4, 5, 1), (4, 2, 0), (4, 2, 5), (4, -2, 1)]),
    ]
    # fmt: on
    check_cases(nb.function("pass_hat_k"), cases)


@hidden_test("q4-suite-test")
def suite_test(nb: Submission) -> None:
    two_tasks = frame({"task": ["a"] * 3 + ["b"] * 3, "success": [True, True] + [False] * 4})
    uneven = frame(
        {
            "task": ["p", "q", "p", "r", "q", "p", "r", "r", "r", "p"],
            "success": [True, False, False, True, True, True, True, False, True, False],
        }
    )
    frames = run_frames(nb)
    at_k, hat_k = nb.function("suite_pass_at_k"), nb.function("suite_pass_hat_k")
    plan = [(name, runs, k) for name, runs in frames for k in (1, 2, 5, EPOCHS)]
    at_calls = at_k.map(
        [(two_tasks, 1), (two_tasks, 2), (uneven, 1), (uneven, 2), (uneven, 3)]
        + [(runs, k) for _, runs, k in plan]
    )
    hat_calls = hat_k.map(
        [(two_tasks, 2), (uneven, 1), (uneven, 2)] + [(runs, k) for _, runs, k in plan]
    )
    check_close(
        at_calls[0].result(),
        (2 / 3 + 0) / 2,
        "suite_pass_at_k(two_tasks, 1)",
        tol=1e-9,
        hint="average the per-task values: (2/3 + 0) / 2",
    )
    check_close(
        at_calls[1].result(),
        (1.0 + 0) / 2,
        "suite_pass_at_k(two_tasks, 2)",
        tol=1e-9,
        hint="task a has 1 failure < k = 2, so its pass@2 is 1",
    )
    check_close(
        hat_calls[0].result(),
        (1 / 3 + 0) / 2,
        "suite_pass_hat_k(two_tasks, 2)",
        tol=1e-9,
        hint="task a: C(2, 2) / C(3, 2) = 1/3",
    )
    hint = "use each task's own n and c, then take the plain mean over tasks"
    for k in (1, 2):
        check_close(
            at_calls[1 + k].result(),
            reference_suite(uneven, k, reference_pass_at),
            f"suite_pass_at_k on tasks with 2, 4 and 4 runs, k={k}",
            tol=1e-9,
            hint=hint,
        )
        check_close(
            hat_calls[k].result(),
            reference_suite(uneven, k, reference_pass_hat),
            f"suite_pass_hat_k on tasks with 2, 4 and 4 runs, k={k}",
            tol=1e-9,
            hint=hint,
        )
    check_raises(
        at_calls[4].result,
        ValueError,
        "suite_pass_at_k with k larger than a task's number of runs",
        "let the ValueError of pass_at_k propagate",
    )
    for (name, runs, k), at_call, hat_call in zip(plan, at_calls[5:], hat_calls[3:], strict=True):
        check_close(
            at_call.result(),
            reference_suite(runs, k, reference_pass_at),
            f"suite_pass_at_k({name}, {k})",
            tol=1e-9,
            hint="mean over tasks",
        )
        check_close(
            hat_call.result(),
            reference_suite(runs, k, reference_pass_hat),
            f"suite_pass_hat_k({name}, {k})",
            tol=1e-9,
            hint="mean over tasks",
        )


# -- 5. a paired difference ----------------------------------------------------------------
KEYS = ("diff", "se", "ci_low", "ci_high")


def check_paired_dict(value: Any, what: str) -> dict[str, Any]:
    check(
        isinstance(value, dict) and set(KEYS) <= set(value),
        what,
        expected="a dict with diff, se, ci_low, ci_high",
        found=value,
        hint="return {'diff': ..., 'se': ..., 'ci_low': ..., 'ci_high': ...}",
    )
    result: dict[str, Any] = value
    return result


@hidden_test("q5-paired-small")
def paired_small_test(nb: Submission) -> None:
    paired_difference = nb.function("paired_difference")
    setting_a = frame({"task": list("xxyyzz"), "success": [True, True, True, False, False, False]})
    setting_b = frame({"task": list("xxyyzz"), "success": [True, False, True, False, False, False]})
    runs_a = frame(
        {
            "task": ["u", "v", "w", "u", "v", "w", "u", "extra"],
            "success": [True, True, False, True, False, False, False, True],
        }
    )
    runs_b = frame(
        {
            "task": ["w", "v", "u", "w", "v", "u"],
            "success": [True, False, False, False, False, True],
        }
    )
    only_u = runs_a[runs_a["task"] == "u"]
    calls = paired_difference.map(
        [
            (setting_a, setting_b),
            (runs_a, runs_b),
            (runs_b, runs_a),
            (runs_b, runs_b),
            (only_u, runs_b),
        ]
    )
    small = check_paired_dict(calls[0].result(), "paired_difference(setting_a, setting_b)")
    check_close(
        small["diff"],
        1 / 6,
        "the mean paired difference",
        tol=1e-9,
        hint="mean of the per-task differences (0.5 + 0 + 0) / 3",
    )
    check_close(
        small["se"],
        math.sqrt(1 / 12) / math.sqrt(3),
        "the SE of the paired difference",
        tol=1e-9,
        hint="sample standard deviation (ddof=1) of the differences / sqrt(T)",
    )
    width = number(small["ci_high"], "ci_high", "diff + Z_ALPHA * se") - number(
        small["ci_low"], "ci_low", "diff - Z_ALPHA * se"
    )
    check_close(
        width,
        2 * Z_ALPHA * number(small["se"], "se", "a float"),
        "the width of the CI",
        tol=1e-4,
        hint="diff +/- Z_ALPHA * se",
    )
    # per task: u 2/3 - 1/2, v 1/2 - 0, w 0 - 1/2 ("extra" is only in a and is ignored)
    d = [2 / 3 - 1 / 2, 1 / 2 - 0.0, 0.0 - 1 / 2]
    mean, se = sum(d) / 3, sample_sd(d) / math.sqrt(3)
    out = check_paired_dict(calls[1].result(), "paired_difference(runs_a, runs_b)")
    check_close(
        out["diff"],
        mean,
        "diff with unequal runs per task and an unshared task",
        tol=1e-9,
        hint="per-task means; only tasks present in both frames",
    )
    check_close(
        out["se"],
        se,
        "se with unequal runs per task",
        tol=1e-9,
        hint="ddof=1 standard deviation over the T shared tasks, divided by sqrt(T)",
    )
    check_close(out["ci_low"], mean - Z_ALPHA * se, "ci_low", tol=1e-4, hint="diff - Z_ALPHA * se")
    check_close(
        out["ci_high"], mean + Z_ALPHA * se, "ci_high", tol=1e-4, hint="diff + Z_ALPHA * se"
    )
    back = check_paired_dict(calls[2].result(), "paired_difference(runs_b, runs_a)")
    check_close(back["diff"], -mean, "diff with the frames swapped", tol=1e-9, hint="a minus b")
    same = check_paired_dict(calls[3].result(), "paired_difference(runs_b, runs_b)")
    check_all_close(
        [same[key] for key in KEYS],
        [0, 0, 0, 0],
        "paired_difference of a frame with itself",
        tol=1e-12,
        hint="every d_t is 0",
    )
    check_raises(
        calls[4].result,
        ValueError,
        "paired_difference with a single shared task",
        "raise ValueError with fewer than 2 shared tasks",
    )


@hidden_test("q5-paired-data")
def paired_data_test(nb: Submission) -> None:
    (_, medium), (_, high) = run_frames(nb)
    paired = nb.value("paired")
    check(
        isinstance(paired, dict),
        "paired",
        expected="a dict",
        found=type(paired).__name__,
        hint="paired = paired_difference(runs_high, runs_medium)",
    )
    paired = check_paired_dict(paired, "paired")
    low, diff, high_end = (
        number(paired[k], f"paired[{k!r}]", "a float") for k in ("ci_low", "diff", "ci_high")
    )
    check(
        low <= diff <= high_end,
        "the order of the CI",
        expected="ci_low <= diff <= ci_high",
        found=paired,
        hint="diff -/+ Z_ALPHA * se",
    )
    d = paired_tasks(medium, high)
    mean = sum(d) / len(d)
    se = sample_sd(d) / math.sqrt(len(d))
    wanted = {"diff": mean, "se": se, "ci_low": mean - Z_ALPHA * se, "ci_high": mean + Z_ALPHA * se}
    for key, want in wanted.items():
        check_close(
            paired[key],
            want,
            f"paired[{key!r}] for high minus medium",
            tol=1e-9 if key in ("diff", "se") else 1e-4,
            hint="paired = paired_difference(runs_high, runs_medium), formulas as above",
        )


# -- 6. how big must an evaluation be? -----------------------------------------------------
@hidden_test("q6-power-functions-test")
def power_functions_test(nb: Submission) -> None:
    ceil_hint = "round the formula up with math.ceil"
    z_other = {"z_alpha": 2.5758293035489004, "z_power": 1.2815515655446004}
    # fmt: off
    tasks = [
        Case((0.25, 0.03), 546, "tasks_needed(0.25, 0.03)", "((Z_ALPHA + Z_POWER) * 0.25 / 0.03) ** 2 = 545.06..., rounded up", integer=True),
        *(
            Case((sd, delta), math.ceil((Z_SUM * sd / delta) ** 2 - 1e-9), f"tasks_needed({sd}, {delta})", ceil_hint, integer=True)
            for sd, delta in [(0.31, 0.05), (0.12, 0.03), (0.4, 0.09), (0.0, 0.03)]
        ),
        Case((0.3, 0.05), math.ceil((sum(z_other.values()) * 0.3 / 0.05) ** 2), "tasks_needed with other z values", "use the z_alpha and z_power arguments", kwargs=z_other, integer=True),
        Case((0.2, 0.0), None, "tasks_needed with delta = 0", "raise ValueError if delta <= 0"),
        Case((-0.2, 0.03), None, "tasks_needed with a negative sd", "raise ValueError if sd_diff < 0"),
    ]
    mde_hint = "(Z_ALPHA + Z_POWER) * sd_diff / sqrt(n_tasks)"
    effects = [
        Case((0.25, 30), 2.8015852 * 0.25 / math.sqrt(30), "minimum_detectable_effect(0.25, 30)", "(Z_ALPHA + Z_POWER) * sd / sqrt(T)", tol=1e-6),
        *(
            Case((sd, n), Z_SUM * sd / n**0.5, f"minimum_detectable_effect({sd}, {n})", mde_hint)
            for sd, n in [(0.2, 30), (0.35, 1), (0.0, 12)]
        ),
        Case((0.2, 50), 2.0 * 0.2 / 50**0.5, "minimum_detectable_effect with other z values", "use the z arguments", kwargs={"z_alpha": 1.0, "z_power": 1.0}),
        Case((0.2, 0), None, "minimum_detectable_effect with no tasks", "raise ValueError if n_tasks < 1"),
    ]
    runs = [
        Case((0.8, 0.03), 2791, "runs_needed(0.8, 0.03)", "(Z_ALPHA + Z_POWER)**2 * 2 * 0.8 * 0.2 / 0.03**2, rounded up", integer=True),
        *(
            Case((p, delta), math.ceil(Z_SUM**2 * 2 * p * (1 - p) / delta**2 - 1e-9), f"runs_needed({p}, {delta})", ceil_hint, integer=True)
            for p, delta in [(0.9, 0.03), (0.5, 0.1), (0.62, 0.07), (1.0, 0.03)]
        ),
        Case((1.2, 0.03), None, "runs_needed with p > 1", "raise ValueError if p is outside [0, 1]"),
        Case((0.5, -0.03), None, "runs_needed with delta < 0", "raise ValueError if delta <= 0"),
    ]
    # fmt: on
    check_cases(nb.function("tasks_needed"), tasks)
    check_cases(nb.function("minimum_detectable_effect"), effects)
    check_cases(nb.function("runs_needed"), runs)


@hidden_test("q6-power-data-test")
def power_data_test(nb: Submission) -> None:
    (_, medium), (_, high) = run_frames(nb)
    names = ("sd_diff", "tasks_for_3pp", "mde_suite", "p_high", "runs_for_3pp", "mde_twenty_runs")
    sd_diff, tasks_for_3pp, mde_suite, p_high, runs_for_3pp, mde_twenty = nb.values(*names)
    sd = number(sd_diff, "sd_diff", "std(ddof=1) of the per-task differences")
    check(
        sd >= 0,
        "sd_diff",
        expected="a standard deviation (>= 0)",
        found=sd,
        hint="std(ddof=1) of the per-task differences",
    )
    check(
        is_int(tasks_for_3pp),
        "tasks_for_3pp",
        expected="an int",
        found=tasks_for_3pp,
        hint="tasks_needed(sd_diff, 0.03)",
    )
    check(
        is_int(runs_for_3pp),
        "runs_for_3pp",
        expected="an int",
        found=runs_for_3pp,
        hint="runs_needed(p_high, 0.03)",
    )
    d = paired_tasks(medium, high)
    want_sd = sample_sd(d)
    check_close(
        sd,
        want_sd,
        "sd_diff (high minus medium, ddof=1)",
        tol=1e-9,
        hint="the sample standard deviation of the per-task differences",
    )
    raw_tasks = (Z_SUM * want_sd / 0.03) ** 2
    check(
        ceiling_ok(tasks_for_3pp, raw_tasks),
        "the value of tasks_for_3pp",
        expected=str(math.ceil(raw_tasks)),
        found=tasks_for_3pp,
        hint="use tasks_needed(sd_diff, 0.03)",
    )
    check_close(
        mde_suite,
        Z_SUM * want_sd / len(task_ids()) ** 0.5,
        "mde_suite",
        tol=1e-9,
        hint="minimum_detectable_effect(sd_diff, N_TASKS)",
    )
    want_p = sum(outcomes(high)) / len(high)
    check_close(p_high, want_p, "p_high", tol=1e-9, hint="the success rate of runs_high")
    raw_runs = Z_SUM**2 * 2 * want_p * (1 - want_p) / 0.03**2
    check(
        ceiling_ok(runs_for_3pp, raw_runs),
        "the value of runs_for_3pp",
        expected=str(math.ceil(raw_runs)),
        found=runs_for_3pp,
        hint="use runs_needed(p_high, 0.03)",
    )
    check_close(
        mde_twenty,
        Z_SUM * (2 * want_p * (1 - want_p) / 20) ** 0.5,
        "mde_twenty_runs",
        tol=1e-9,
        hint="(Z_ALPHA + Z_POWER) * sqrt(2 * p_high * (1 - p_high) / 20)",
    )
