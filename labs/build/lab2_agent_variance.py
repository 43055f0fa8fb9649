"""Build the nbgrader SOURCE notebook of lab 2, "Measuring an agent's variance".

    .venv/bin/python labs/build/lab2_agent_variance.py   # writes labs/source/lab2-agent-variance/

The notebook is generated from this file so that its prose, solutions and tests diff cleanly.
Reference code for the hidden tests lives only inside the hidden-test regions, written
independently of the solutions (and with different lines, so that no hidden line can be found
in the release or in feedback).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder import notebook_cells
from autograder.notebook_cells import answer, free, given, task, tests, text

LAB = "lab2-agent-variance"
LAB_ID = "lab2"  # cell ids: lab2-00, lab2-01, ...
OUT = Path(__file__).resolve().parent.parent / "source" / LAB / f"{LAB}.ipynb"

CELLS = [
    # ------------------------------------------------------------------ header
    text(
        "intro",
        r"""
# Lab 2: Measuring an agent's variance

Run a coding agent many times on the same tasks and you will not get the same result every time.
This lab is about what to do with that fact: how to put honest error bars on an agent's success
rate, and how to tell a real difference between two settings from noise.

**You will learn to**
1. run a coding agent repeatedly (several *epochs* per task) and read its run records;
2. compute a success rate with a standard error (SE) that assumes independent runs, and see why
   that assumption is wrong for an agent run several times on the same tasks;
3. compute a *task-clustered* standard error;
4. compute pass@k and pass^k and explain what each one promises a user;
5. compare two settings (effort `medium` vs `high`) with a *paired* difference and a 95%
   confidence interval;
6. work out how many tasks an evaluation needs to see a 3-point regression, and relate that to a
   real incident;
7. explain all this to a colleague, with numbers.

**Time:** 60-90 minutes. The code runs in about 10-20 seconds in total.

**How to work**
- Run the cells from top to bottom. Write code only where you see `# YOUR CODE HERE` (delete the
  `raise NotImplementedError()` line), and written answers only where you see *YOUR ANSWER HERE*.
- Do not rename the functions or variables the instructions ask for: the tests look them up by
  name. You may add your own cells to explore.
- After each exercise, run the test cell below it. A failed check tells you what it *expected*,
  what it *found*, and gives a *hint*.
- Before you hand in: *Kernel > Restart Kernel and Run All Cells*, and check that every test cell
  runs without an error.

**How grading works (100 points)**
- 78 points are graded automatically. Each test cell has visible self-checks and hidden tests. The
  hidden tests recompute every expected value from *your own* runs with reference code and
  compare it with your answer to about nine decimal places, and also try your functions on small
  hand-made inputs (edge cases). Passing the visible checks is a good sign, not a guarantee.
- A test cell that writes *anything* to stderr (a Python warning, for example) scores zero, even
  if every check passed. Write warning-free code.
- 22 points are written answers (section 7), graded by a person with a mark scheme. Use the
  numbers from your own notebook.

**Why your numbers differ from your classmates'**
Every student gets their own seed, derived from their student id (printed by the setup cell).
Your runs, and so your success rates, error bars and sample sizes, are yours. The autograder runs
your notebook as you, so it gets the same seed and the same runs. Never type a number from your
output into your code: compute it.

**About the agent.** `labkit` runs a small tool-using coding agent (write the solution, run the
tests, fix, submit) against an offline simulator that speaks the Anthropic Messages API. The
model's choices are random; the tests it runs are real. The model ids say `sim`: the numbers you
get describe the simulator, not Claude.
""",
    ),
    given(
        "setup",
        r"""
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import labkit.student
from labkit.agent import RECORD_COLUMNS, run_suite
from labkit.checks import check, check_all_close, check_close, check_raises, check_type
from labkit.tasks import load_suite

STUDENT = labkit.student.student_id()
SEED = labkit.student.student_seed("lab2-agent-variance")

EPOCHS = 10                    # runs of every task at every effort
TASK_IDS = [t.id for t in load_suite()]
N_TASKS = len(TASK_IDS)
Z_ALPHA = 1.959963984540054    # standard normal quantile for a two-sided test at alpha = 0.05
Z_POWER = 0.8416212335729143   # standard normal quantile for 80% power

print(f"student: {STUDENT}")
print(f"seed:    {SEED}")
print(f"suite:   {N_TASKS} tasks x {EPOCHS} epochs = {N_TASKS * EPOCHS} runs per effort")
""",
    ),
    # ------------------------------------------------------------------ 1
    text(
        "s1-text",
        r"""
## 1. Run the agent (4 points)

Ordinary software is *deterministic*: the same input gives the same output, so one test run tells
you what the code does. An agent built on a language model is *probabilistic*: at every turn the
model samples its next action, so the same task can succeed on one run and fail on the next. One
run tells you what happened once. To describe the agent you need a *distribution*, which means
many runs.

`run_suite(epochs=E, effort=..., seed=..., ...)` runs the agent `E` times on every task of the
suite and returns a pandas DataFrame with one row per run. The columns you need today are `task`
(which task), `epoch` (which repetition, 0 to E-1) and `success` (a bool: the submitted solution
passed the task's tests). The other columns (turns, tokens, latency, ...) are there to explore.
Runs are reproducible: the same seed gives the same rows, whatever the `concurrency`.

`effort` is the knob behind the first change in Anthropic's post-mortem of 23 April 2026, "An
update on recent Claude Code quality reports": on 4 March the default reasoning effort of Claude
Code was lowered from `high` to `medium` (Sonnet 4.6 and Opus 4.6) because long thinking at high
effort made the interface look frozen; internal evaluations showed medium as slightly less
intelligent with much lower latency. Anthropic later called it the wrong trade-off and reverted
it on 7 April. In this lab you measure the same trade-off on the simulated agent.

### Exercise 1
Create two DataFrames with `run_suite`, on the whole suite (leave `tasks` at its default), with
`epochs=EPOCHS`, `seed=SEED`, `concurrency=2` and `progress=False`:
- `runs_medium` with `effort="medium"`,
- `runs_high` with `effort="high"`.

Keep the frames as `run_suite` returns them (do not filter, sort or add columns).
""",
    ),
    answer(
        "q1-runs",
        r"""
# Two calls to run_suite, as described above: runs_medium and runs_high.
### BEGIN SOLUTION
runs_medium = run_suite(epochs=EPOCHS, effort="medium", seed=SEED, concurrency=2, progress=False)
runs_high = run_suite(epochs=EPOCHS, effort="high", seed=SEED, concurrency=2, progress=False)
### END SOLUTION
""",
    ),
    tests(
        "q1-runs-test",
        4,
        r"""
# Visible self-checks: the frames have the right shape and settings.
for frame_name, frame, wanted_effort in (("runs_medium", runs_medium, "medium"),
                                         ("runs_high", runs_high, "high")):
    check_type(frame, pd.DataFrame, frame_name, "assign the DataFrame that run_suite returns")
    check(list(frame.columns) == RECORD_COLUMNS, f"the columns of {frame_name}",
          expected="labkit.agent.RECORD_COLUMNS", found=list(frame.columns),
          hint="keep the frame as run_suite returns it")
    check(len(frame) == N_TASKS * EPOCHS, f"the number of rows of {frame_name}",
          expected=f"{N_TASKS * EPOCHS} (N_TASKS * EPOCHS)", found=len(frame),
          hint="run the whole suite (no tasks=...) with epochs=EPOCHS")
    check(set(frame["effort"]) == {wanted_effort}, f"the effort of {frame_name}",
          expected=repr(wanted_effort), found=sorted(set(frame["effort"])),
          hint=f"pass effort={wanted_effort!r}")
    check(set(frame["seed"]) == {SEED}, f"the seed of {frame_name}",
          expected=f"{SEED} (SEED)", found=sorted(set(frame["seed"])), hint="pass seed=SEED")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_probe = TASK_IDS[len(TASK_IDS) // 2]
for _h_label, _h_frame, _h_effort in [("runs_medium", runs_medium, "medium"), ("runs_high", runs_high, "high")]:
    _h_fresh = run_suite(tasks=[_h_probe], epochs=EPOCHS, effort=_h_effort, seed=SEED,
                         concurrency=1, progress=False)
    _h_mine = _h_frame[_h_frame["task"] == _h_probe].sort_values("epoch")
    _h_cols = ["epoch", "success", "turns", "tool_calls", "output_tokens"]
    check(_h_mine[_h_cols].to_numpy().tolist() == _h_fresh[_h_cols].to_numpy().tolist(),
          f"the runs of task {_h_probe!r} in {_h_label}",
          expected="the same rows as a fresh run_suite with your SEED",
          found="different rows",
          hint="use run_suite(epochs=EPOCHS, effort=..., seed=SEED, ...) and keep its rows as they are")
    check(sorted(_h_frame["task"].unique().tolist()) == sorted(TASK_IDS),
          f"the tasks in {_h_label}", expected="every task of the suite",
          found=sorted(_h_frame["task"].unique().tolist())[:5], hint="do not filter the frame")
### END HIDDEN TESTS
""",
    ),
    given(
        "s1-look",
        r"""
# A first look (not graded): one row per run, and the success rate of every task at both efforts.
display(runs_medium.head())
per_task = pd.DataFrame({
    "medium": runs_medium.groupby("task")["success"].mean(),
    "high": runs_high.groupby("task")["success"].mean(),
})
per_task.plot.bar(figsize=(11, 3), ylabel="success rate", title="success rate per task")
plt.show()
""",
    ),
    text(
        "s1-after",
        r"""
Look at the bar chart before you go on. Some tasks succeed in every epoch, some fail in most of
them: the *task* explains a large part of whether a run succeeds. Keep that in mind for section 3.
""",
    ),
    # ------------------------------------------------------------------ 2
    text(
        "s2-text",
        r"""
## 2. A success rate with a standard error (10 points)

The success rate is the mean of the 0/1 outcomes $x_1, \dots, x_n$ of the $n$ runs:
$\hat p = \frac{1}{n}\sum_i x_i$. It is an *estimate*: rerun the experiment with another seed and
you get a different number. The central limit theorem (CLT) says that, if the runs are
independent draws, $\hat p$ is approximately normal around the true rate with standard error

$$\mathrm{SE}_{\text{naive}} = \sqrt{\frac{\hat p\,(1-\hat p)}{n}},$$

and $\hat p \pm 1.96\,\mathrm{SE}$ is an approximate 95% confidence interval. Evan Miller's
"Adding Error Bars to Evals" (2024) argues that every evaluation score should be
reported with such a standard error: a score without one cannot be compared with anything.

We call this one *naive* because it treats every run as an independent draw. Section 3 shows
why that is not true here.

### Exercise 2
Write `success_rate_se(runs)` that returns a tuple `(mean, se)`:
- `mean`: the fraction of rows of `runs` whose `success` is true;
- `se`: exactly the formula above, $\sqrt{\hat p(1-\hat p)/n}$ with $n$ the number of rows (the
  variance with divisor $n$, not $n-1$);
- raise `ValueError` if `runs` has no rows.

Use only the `success` column (other columns may be missing in the tests' small frames).
""",
    ),
    answer(
        "q2-naive",
        r'''
def success_rate_se(runs):
    """Success rate of `runs` and its naive CLT standard error, as a tuple (mean, se)."""
    ### BEGIN SOLUTION
    outcomes = runs["success"].to_numpy(dtype=float)
    if outcomes.size == 0:
        raise ValueError("no runs: the success rate is undefined")
    mean = float(outcomes.mean())
    return mean, math.sqrt(mean * (1.0 - mean) / outcomes.size)
    ### END SOLUTION
''',
    ),
    tests(
        "q2-naive-small",
        4,
        r"""
# Visible self-checks on a hand-made frame: 3 successes out of 4 runs.
tiny = pd.DataFrame({"task": ["a", "a", "b", "b"], "success": [True, False, True, True]})
result = success_rate_se(tiny)
check(isinstance(result, tuple) and len(result) == 2, "success_rate_se(tiny)",
      expected="a tuple (mean, se)", found=result, hint="return mean, se")
check_close(result[0], 0.75, "the mean of 3 successes in 4 runs", tol=1e-9,
            hint="the fraction of rows whose success is True")
check_close(result[1], math.sqrt(0.75 * 0.25 / 4), "the naive SE of 3 successes in 4 runs",
            tol=1e-9, hint="sqrt(p * (1 - p) / n), with n the number of rows")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_all_ok = pd.DataFrame({"success": np.ones(7, dtype=bool)})
_h_res = success_rate_se(_h_all_ok)
check_close(_h_res[0], 1.0, "the mean when every run succeeds", tol=1e-12, hint="7 of 7")
check_close(_h_res[1], 0.0, "the SE when every run succeeds", tol=1e-12,
            hint="p * (1 - p) is 0 when p is 1")
_h_none_ok = pd.DataFrame({"success": np.zeros(3, dtype=bool), "turns": [1, 2, 3]})
_h_res = success_rate_se(_h_none_ok)
check_close(_h_res[0], 0.0, "the mean when no run succeeds", tol=1e-12, hint="0 of 3")
check_close(_h_res[1], 0.0, "the SE when no run succeeds", tol=1e-12, hint="p is 0")
_h_odd = pd.DataFrame({"success": [False, True, False, False, True]}, index=[10, 3, 7, 1, 0])
_h_res = success_rate_se(_h_odd)
check_close(_h_res[0], 0.4, "the mean of 2 successes in 5 runs", tol=1e-12, hint="2 / 5")
check_close(_h_res[1], (0.24 / 5) ** 0.5, "the naive SE of 2 successes in 5 runs", tol=1e-12,
            hint="sqrt(p * (1 - p) / n) with n = 5")
check_raises(lambda: success_rate_se(pd.DataFrame({"success": pd.Series([], dtype=bool)})),
             ValueError, "success_rate_se of an empty frame", "raise ValueError when there are no runs")
### END HIDDEN TESTS
""",
    ),
    tests(
        "q2-naive-data",
        6,
        r"""
# Visible self-checks on your runs: the values are plausible (the hidden tests check them exactly).
for frame_name, frame in (("runs_medium", runs_medium), ("runs_high", runs_high)):
    rate, se = success_rate_se(frame)
    check(0.0 <= rate <= 1.0, f"the success rate of {frame_name}", expected="between 0 and 1",
          found=rate, hint="a rate is a fraction of runs")
    check(0.0 <= se <= 0.5 / math.sqrt(len(frame)) + 1e-12, f"the naive SE of {frame_name}",
          expected=f"between 0 and {0.5 / math.sqrt(len(frame)):.4f}", found=se,
          hint="sqrt(p * (1 - p) / n) is at most 0.5 / sqrt(n)")
    print(f"{frame_name}: success rate {rate:.3f} +/- {se:.3f} (naive SE)")
### BEGIN HIDDEN TESTS
for _h_label, _h_frame in (("runs_medium", runs_medium), ("runs_high", runs_high)):
    _h_ok = [bool(v) for v in _h_frame["success"]]
    _h_p = sum(_h_ok) / len(_h_ok)
    _h_res = success_rate_se(_h_frame)
    check_close(_h_res[0], _h_p, f"the success rate of {_h_label}", tol=1e-9,
                hint="the mean of the success column")
    check_close(_h_res[1], (_h_p * (1 - _h_p) / len(_h_ok)) ** 0.5, f"the naive SE of {_h_label}",
                tol=1e-9, hint="sqrt(p * (1 - p) / n), n = number of rows")
### END HIDDEN TESTS
""",
    ),
    # ------------------------------------------------------------------ 3
    text(
        "s3-text",
        r"""
## 3. Clustered standard errors (14 points)

The naive SE assumes that every run is a fresh, independent draw. Your runs are not: each task
was run `EPOCHS` times, and the bar chart in section 1 showed that runs of the same task tend to
agree (an easy task succeeds in nearly every epoch, a hard one fails in most). Ten runs of one
task carry much less information than ten runs of ten different tasks. What we sampled, in the
sense that matters, is the *tasks*; the epochs only measure each task's rate more precisely.

Miller (2024) recommends clustering the standard error by the unit actually sampled,
and reports that clustered SEs can be more than three times the naive ones on real evaluations.
With $n$ runs in total, overall mean $\bar x$, and clusters $c$ (here: tasks), the clustered
standard error is

$$\mathrm{SE}_{\text{clustered}} = \sqrt{\frac{1}{n^2}\sum_{c}\Big(\sum_{i \in c} (x_i - \bar x)\Big)^2 }.$$

Inside each cluster you add up the residuals $x_i - \bar x$ *first* and square the sum: residuals
of the same sign within a task (a task that always fails) reinforce each other. If every cluster
holds a single run, the formula is exactly $\sqrt{\hat p(1-\hat p)/n}$, the naive SE.

Some software multiplies the variance by a small-sample factor $G/(G-1)$, with $G$ the number of
clusters. **Do not** apply it here: implement the formula exactly as written above.

### Exercise 3
Write `clustered_se(runs, cluster="task")` that returns $\mathrm{SE}_{\text{clustered}}$ (a
float) for the 0/1 outcomes in `runs["success"]`, with clusters given by the values of the column
named `cluster`. Raise `ValueError` if `runs` has no rows.
""",
    ),
    answer(
        "q3-clustered",
        r'''
def clustered_se(runs, cluster="task"):
    """Cluster-robust standard error of the success rate (Miller 2024), no small-sample factor."""
    ### BEGIN SOLUTION
    outcomes = runs["success"].to_numpy(dtype=float)
    if outcomes.size == 0:
        raise ValueError("no runs: the standard error is undefined")
    residuals = pd.Series(outcomes - outcomes.mean())
    per_cluster = residuals.groupby(runs[cluster].to_numpy()).sum().to_numpy()
    return float(math.sqrt(float(np.sum(per_cluster**2))) / outcomes.size)
    ### END SOLUTION
''',
    ),
    tests(
        "q3-clustered-small",
        6,
        r"""
# Visible self-checks: task "a" always succeeds, task "b" always fails.
split = pd.DataFrame({"task": ["a", "a", "b", "b"], "success": [True, True, False, False]})
# mean 0.5; residual sums +1 (task a) and -1 (task b); SE = sqrt((1 + 1) / 4**2)
check_close(clustered_se(split), math.sqrt(2) / 4, "clustered_se of the two-task example",
            tol=1e-9, hint="sum the residuals within each task, square the sums, add, divide by n**2")
check_close(clustered_se(split.assign(run=[0, 1, 2, 3]), cluster="run"), 0.25,
            "clustered_se with one run per cluster", tol=1e-9,
            hint="with one run per cluster it equals the naive SE, sqrt(0.5 * 0.5 / 4)")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_frame = pd.DataFrame({"task": ["x", "y", "x", "z", "y", "x"],
                         "group": ["g1", "g1", "g2", "g2", "g2", "g1"],
                         "success": [True, False, True, False, False, True]})
# by task: mean 1/2, residual sums x: 3 * 0.5 = 1.5, y: -1.0, z: -0.5 -> sqrt(3.5) / 6
check_close(clustered_se(_h_frame), math.sqrt(1.5**2 + 1.0**2 + 0.5**2) / 6,
            "clustered_se on an unsorted three-task frame", tol=1e-9,
            hint="clusters are the values of the column, wherever the rows are")
# by group: g1 rows x, y, x -> residuals .5 -.5 .5 = 0.5; g2 rows x, z, y -> .5 -.5 -.5 = -0.5
check_close(clustered_se(_h_frame, cluster="group"), math.sqrt(0.5) / 6,
            "clustered_se(frame, cluster='group')", tol=1e-9, hint="use the column named by `cluster`")
_h_all = pd.DataFrame({"task": list("aabbc"), "success": np.ones(5, dtype=bool)})
check_close(clustered_se(_h_all), 0.0, "clustered_se when every run succeeds", tol=1e-12,
            hint="every residual is 0")
check_raises(lambda: clustered_se(pd.DataFrame({"task": pd.Series([], dtype=str),
                                                "success": pd.Series([], dtype=bool)})),
             ValueError, "clustered_se of an empty frame", "raise ValueError when there are no runs")
### END HIDDEN TESTS
""",
    ),
    tests(
        "q3-clustered-data",
        8,
        r"""
# Visible self-checks on your runs (the hidden tests compare with a reference computation).
for frame_name, frame in (("runs_medium", runs_medium), ("runs_high", runs_high)):
    value = clustered_se(frame)
    check(isinstance(value, (float, np.floating)) and value >= 0, f"clustered_se({frame_name})",
          expected="a non-negative float", found=value, hint="return a float")
### BEGIN HIDDEN TESTS
def _h_reference_clustered(frame, column):
    _vals = [float(v) for v in frame["success"]]
    _centre = sum(_vals) / len(_vals)
    _totals = {}
    for _key, _v in zip(frame[column].tolist(), _vals, strict=True):
        _totals[_key] = _totals.get(_key, 0.0) + (_v - _centre)
    return math.sqrt(sum(t * t for t in _totals.values())) / len(_vals)

for _h_label, _h_frame in (("runs_medium", runs_medium), ("runs_high", runs_high)):
    for _h_col in ("task", "epoch"):
        check_close(clustered_se(_h_frame, cluster=_h_col),
                    _h_reference_clustered(_h_frame, _h_col),
                    f"clustered_se({_h_label}, cluster={_h_col!r})", tol=1e-9,
                    hint="the formula above, with the clusters named by `cluster`")
### END HIDDEN TESTS
""",
    ),
    given(
        "s3-compare",
        r"""
# Not graded: naive vs task-clustered standard errors on your runs.
for frame_name, frame in (("medium", runs_medium), ("high", runs_high)):
    rate, naive = success_rate_se(frame)
    clustered = clustered_se(frame)
    print(f"{frame_name:>6}: rate {rate:.3f}   naive SE {naive:.4f}   clustered SE {clustered:.4f}"
          f"   ratio {clustered / naive if naive else float('nan'):.2f}")
""",
    ),
    text(
        "s3-after",
        r"""
Look at the ratio. For most seeds the clustered SE comes out larger than the naive one, most
clearly at `medium` effort: the naive SE is too optimistic. The reason is the positive
correlation between runs of the same task: with $m$ runs per task and a within-task correlation
$\rho$, the variance of the mean grows by roughly $1 + (m-1)\rho$ (the *design effect*), so the
SE grows by its square root. If $\rho$ were 0 (every run an independent coin flip with the same
odds) the two SEs would agree; if $\rho$ were 1 (every task all-or-nothing) your
`N_TASKS * EPOCHS` runs would be worth only `N_TASKS` independent ones, and the ratio would be
$\sqrt{m}$ (about 3.2 for 10 epochs).

On this simulated suite the effect is moderate: most tasks succeed in nearly every epoch and
differ only in how often they fail, and at `high` effort nearly every task is close to the
ceiling, so the ratio there is often close to 1. Miller (2024) notes that on real evaluations
clustered SEs can be more than three times the naive ones. (With only `N_TASKS` clusters the
clustered SE is itself a noisy estimate: if yours came out close to, or even a little below, the
naive one, the within-task correlation in your sample is close to 0.) Either way, the lesson for
the design of an evaluation holds: adding epochs shrinks only the within-task part of the noise;
only adding *tasks* shrinks the between-task part.
""",
    ),
    # ------------------------------------------------------------------ 4
    text(
        "s4-text",
        r"""
## 4. pass@k and pass^k (20 points)

Two different questions can be asked of $k$ attempts at a task:

- **pass@k** (Chen et al. 2021): the probability that *at least one* of $k$ attempts
  succeeds. It fits a workflow where you can check the attempts and keep a good one (for example
  with tests). From $n \ge k$ runs of a task of which $c$ succeeded, an *unbiased* estimator is
  $$\text{pass@}k = 1 - \frac{\binom{n-c}{k}}{\binom{n}{k}} = 1 - \prod_{i=n-c+1}^{n}\Big(1 - \frac{k}{i}\Big),$$
  and it is exactly 1 when $n - c < k$ (there are too few failures to fill $k$ attempts). The
  product form avoids huge binomial coefficients; use it.
- **pass^k** (tau-bench, Yao et al. 2024): the probability that *all* $k$ attempts
  succeed. It fits an agent that must work every time it is used, unattended. Its estimator is
  $$\text{pass}^k = \frac{\binom{c}{k}}{\binom{n}{k}},$$
  which is 0 when $c < k$.

Both are computed per task and then **averaged over tasks** (each task counts once). With $k=1$
both equal the task's success rate. As $k$ grows, pass@k rises and pass^k falls: an agent can
look excellent by one measure and unreliable by the other.

### Exercise 4a
Write `pass_at_k(n, c, k)` and `pass_hat_k(n, c, k)` for one task with `n` runs of which `c`
succeeded. Both return a float, and both raise `ValueError` unless `0 <= c <= n` and
`1 <= k <= n`. `pass_at_k` returns `1.0` when `n - c < k` and uses the product form otherwise.
(`math.comb` may help for pass^k.)
""",
    ),
    answer(
        "q4-pass-functions",
        r'''
def pass_at_k(n, c, k):
    """Unbiased pass@k (Chen et al. 2021) for one task: n runs, c successes."""
    ### BEGIN SOLUTION
    if not (0 <= c <= n and 1 <= k <= n):
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=float)))
    ### END SOLUTION


def pass_hat_k(n, c, k):
    """pass^k (tau-bench, Yao et al. 2024) for one task: the chance that k runs all succeed."""
    ### BEGIN SOLUTION
    if not (0 <= c <= n and 1 <= k <= n):
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    return math.comb(c, k) / math.comb(n, k)
    ### END SOLUTION
''',
    ),
    tests(
        "q4-pass-at-k-test",
        6,
        r"""
# Visible self-checks for pass_at_k.
check_close(pass_at_k(10, 3, 1), 0.3, "pass_at_k(10, 3, 1)", tol=1e-9,
            hint="with k = 1 it is the success rate c / n")
check_close(pass_at_k(4, 1, 2), 0.5, "pass_at_k(4, 1, 2)", tol=1e-9,
            hint="1 - C(3, 2) / C(4, 2) = 1 - 3/6")
check_close(pass_at_k(5, 5, 3), 1.0, "pass_at_k(5, 5, 3)", tol=1e-12, hint="every run succeeded")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_ref_at(_n, _c, _k):
    return 1.0 - math.comb(_n - _c, _k) / math.comb(_n, _k)

for _h_n, _h_c, _h_k in [(10, 0, 1), (10, 0, 10), (10, 4, 3), (10, 9, 5), (7, 2, 6), (1, 1, 1),
                         (1, 0, 1), (30, 11, 7), (200, 13, 50), (12, 6, 6)]:
    check_close(pass_at_k(_h_n, _h_c, _h_k), _h_ref_at(_h_n, _h_c, _h_k),
                f"pass_at_k({_h_n}, {_h_c}, {_h_k})", tol=1e-9,
                hint="1 - prod over i from n-c+1 to n of (1 - k / i); 1.0 when n - c < k")
check_close(pass_at_k(8, 6, 3), 1.0, "pass_at_k(8, 6, 3) where n - c < k", tol=1e-12,
            hint="only 2 failures: any 3 runs include a success")
check_close(pass_at_k(10**4, 10, 5000), _h_ref_at(10**4, 10, 5000), "pass_at_k(10000, 10, 5000)",
            tol=1e-9, hint="the product form stays accurate for large n")
for _h_bad in [(5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)]:
    check_raises(lambda bad=_h_bad: pass_at_k(*bad), ValueError, f"pass_at_k{_h_bad}",
                 "raise ValueError unless 0 <= c <= n and 1 <= k <= n")
### END HIDDEN TESTS
""",
    ),
    tests(
        "q4-pass-hat-k-test",
        4,
        r"""
# Visible self-checks for pass_hat_k.
check_close(pass_hat_k(10, 3, 1), 0.3, "pass_hat_k(10, 3, 1)", tol=1e-9,
            hint="with k = 1 it is the success rate c / n")
check_close(pass_hat_k(4, 3, 2), 0.5, "pass_hat_k(4, 3, 2)", tol=1e-9, hint="C(3, 2) / C(4, 2) = 3/6")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_ref_hat(_n, _c, _k):
    _p = 1.0
    for _j in range(_k):
        _p *= (_c - _j) / (_n - _j)
    return max(_p, 0.0)

for _h_n, _h_c, _h_k in [(10, 10, 10), (10, 9, 10), (10, 0, 1), (10, 7, 3), (6, 2, 3), (9, 9, 4),
                         (25, 20, 12), (1, 1, 1)]:
    check_close(pass_hat_k(_h_n, _h_c, _h_k), _h_ref_hat(_h_n, _h_c, _h_k),
                f"pass_hat_k({_h_n}, {_h_c}, {_h_k})", tol=1e-9,
                hint="C(c, k) / C(n, k); 0 when c < k")
for _h_bad in [(4, 5, 1), (4, 2, 0), (4, 2, 5), (4, -2, 1)]:
    check_raises(lambda bad=_h_bad: pass_hat_k(*bad), ValueError, f"pass_hat_k{_h_bad}",
                 "raise ValueError unless 0 <= c <= n and 1 <= k <= n")
### END HIDDEN TESTS
""",
    ),
    text(
        "s4b-text",
        r"""
### Exercise 4b
Write `suite_pass_at_k(runs, k)` and `suite_pass_hat_k(runs, k)`: for every task in
`runs["task"]`, count its runs `n` and its successes `c`, compute `pass_at_k(n, c, k)` (or
`pass_hat_k`), and return the **mean over tasks** as a float. Tasks may have different numbers of
runs. Let the `ValueError` of your per-task functions propagate (for example when `k` is larger
than some task's `n`).
""",
    ),
    answer(
        "q4-suite",
        r'''
def suite_pass_at_k(runs, k):
    """pass@k of every task in `runs`, averaged over tasks."""
    ### BEGIN SOLUTION
    counts = runs.groupby("task")["success"].agg(["size", "sum"])
    return float(np.mean([pass_at_k(int(n), int(c), k) for n, c in counts.to_numpy()]))
    ### END SOLUTION


def suite_pass_hat_k(runs, k):
    """pass^k of every task in `runs`, averaged over tasks."""
    ### BEGIN SOLUTION
    counts = runs.groupby("task")["success"].agg(["size", "sum"])
    return float(np.mean([pass_hat_k(int(n), int(c), k) for n, c in counts.to_numpy()]))
    ### END SOLUTION
''',
    ),
    tests(
        "q4-suite-test",
        10,
        r"""
# Visible self-checks: task "a" succeeded 2 of 3 times, task "b" 0 of 3 times.
two_tasks = pd.DataFrame({"task": ["a"] * 3 + ["b"] * 3,
                          "success": [True, True, False, False, False, False]})
check_close(suite_pass_at_k(two_tasks, 1), (2 / 3 + 0) / 2, "suite_pass_at_k(two_tasks, 1)",
            tol=1e-9, hint="average the per-task values: (2/3 + 0) / 2")
check_close(suite_pass_at_k(two_tasks, 2), (1.0 + 0) / 2, "suite_pass_at_k(two_tasks, 2)",
            tol=1e-9, hint="task a has 1 failure < k = 2, so its pass@2 is 1")
check_close(suite_pass_hat_k(two_tasks, 2), (1 / 3 + 0) / 2, "suite_pass_hat_k(two_tasks, 2)",
            tol=1e-9, hint="task a: C(2, 2) / C(3, 2) = 1/3")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_suite_reference(frame, kk, hat):
    _vals = []
    for _t in sorted(set(frame["task"].tolist())):
        _ok = [bool(v) for v in frame.loc[frame["task"] == _t, "success"]]
        _nn, _cc = len(_ok), sum(_ok)
        if hat:
            _vals.append(math.comb(_cc, kk) / math.comb(_nn, kk))
        else:
            _vals.append(1.0 - math.comb(_nn - _cc, kk) / math.comb(_nn, kk))
    return sum(_vals) / len(_vals)

_h_uneven = pd.DataFrame({"task": ["p", "q", "p", "r", "q", "p", "r", "r", "r", "p"],
                          "success": [True, False, False, True, True, True, True, False, True, False]})
for _h_k in (1, 2):
    check_close(suite_pass_at_k(_h_uneven, _h_k), _h_suite_reference(_h_uneven, _h_k, False),
                f"suite_pass_at_k on tasks with 2, 4 and 4 runs, k={_h_k}", tol=1e-9,
                hint="use each task's own n and c, then take the plain mean over tasks")
    check_close(suite_pass_hat_k(_h_uneven, _h_k), _h_suite_reference(_h_uneven, _h_k, True),
                f"suite_pass_hat_k on tasks with 2, 4 and 4 runs, k={_h_k}", tol=1e-9,
                hint="use each task's own n and c, then take the plain mean over tasks")
check_raises(lambda: suite_pass_at_k(_h_uneven, 3), ValueError,
             "suite_pass_at_k with k larger than a task's number of runs",
             "let the ValueError of pass_at_k propagate")
for _h_label, _h_frame in (("runs_medium", runs_medium), ("runs_high", runs_high)):
    for _h_k in (1, 2, 5, EPOCHS):
        check_close(suite_pass_at_k(_h_frame, _h_k), _h_suite_reference(_h_frame, _h_k, False),
                    f"suite_pass_at_k({_h_label}, {_h_k})", tol=1e-9, hint="mean over tasks")
        check_close(suite_pass_hat_k(_h_frame, _h_k), _h_suite_reference(_h_frame, _h_k, True),
                    f"suite_pass_hat_k({_h_label}, {_h_k})", tol=1e-9, hint="mean over tasks")
### END HIDDEN TESTS
""",
    ),
    given(
        "s4-plot",
        r"""
# Not graded: pass@k and pass^k against k, at both efforts.
ks = list(range(1, EPOCHS + 1))
fig, ax = plt.subplots(figsize=(7, 4))
for frame_name, frame, colour in (("medium", runs_medium, "tab:orange"), ("high", runs_high, "tab:blue")):
    ax.plot(ks, [suite_pass_at_k(frame, k) for k in ks], "o-", color=colour, label=f"pass@k, {frame_name}")
    ax.plot(ks, [suite_pass_hat_k(frame, k) for k in ks], "s--", color=colour, label=f"pass^k, {frame_name}")
ax.set_xlabel("k (attempts)")
ax.set_ylabel("mean over tasks")
ax.set_ylim(0, 1.02)
ax.set_title("pass@k rises, pass^k falls")
ax.legend()
plt.show()
""",
    ),
    # ------------------------------------------------------------------ 5
    text(
        "s5-text",
        r"""
## 5. A paired difference between two efforts (14 points)

Is `high` effort better than `medium`, and by how much? You could compute the two success rates,
each with its clustered SE, and combine them as if the two samples were unrelated:
$\mathrm{SE}_{\text{diff}} = \sqrt{\mathrm{SE}_a^2 + \mathrm{SE}_b^2}$. But both efforts ran on
the *same tasks*, and part of the variance comes from the tasks (section 3). Miller (2024)
recommends a *paired* comparison on the same items: compute the difference task by task, so
that a task's difficulty, which both settings share, cancels out.

For every task $t$ that appears in both frames, let $d_t = \bar x_{a,t} - \bar x_{b,t}$ be the
difference between its mean success at setting $a$ and at setting $b$. With $T$ such tasks:

$$\bar d = \frac{1}{T}\sum_t d_t, \qquad
\mathrm{SE}(\bar d) = \frac{s_d}{\sqrt T}, \qquad
s_d = \sqrt{\frac{1}{T-1}\sum_t (d_t - \bar d)^2},$$

and the 95% confidence interval (normal approximation) is $\bar d \pm z\,\mathrm{SE}(\bar d)$ with
$z$ = `Z_ALPHA` from the setup cell (1.95996...; the tests also accept 1.96 for the interval).

### Exercise 5
Write `paired_difference(runs_a, runs_b)` that returns a dict with the keys `"diff"` ($\bar d$,
a minus b), `"se"`, `"ci_low"` and `"ci_high"`, all floats, following the formulas above exactly
(per-task *means*, so tasks with different numbers of runs count equally; sample standard
deviation with divisor $T-1$). Use only the tasks present in both frames, and raise `ValueError`
if there are fewer than 2 of them. Then compute `paired = paired_difference(runs_high, runs_medium)`
(high minus medium).
""",
    ),
    answer(
        "q5-paired",
        r'''
def paired_difference(runs_a, runs_b):
    """Mean per-task difference a - b in success rate, its SE and a 95% normal CI."""
    ### BEGIN SOLUTION
    rate_a = runs_a.groupby("task")["success"].mean()
    rate_b = runs_b.groupby("task")["success"].mean()
    common = rate_a.index.intersection(rate_b.index)
    if len(common) < 2:
        raise ValueError("a paired difference needs at least 2 tasks present in both frames")
    d = (rate_a.loc[common] - rate_b.loc[common]).to_numpy(dtype=float)
    diff = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(d.size))
    return {"diff": diff, "se": se, "ci_low": diff - Z_ALPHA * se, "ci_high": diff + Z_ALPHA * se}
    ### END SOLUTION


# The comparison on your runs, high minus medium: paired = ...
### BEGIN SOLUTION
paired = paired_difference(runs_high, runs_medium)
### END SOLUTION
''',
    ),
    tests(
        "q5-paired-small",
        6,
        r"""
# Visible self-checks on hand-made frames: per-task differences 0.5, 0 and 0.
setting_a = pd.DataFrame({"task": list("xxyyzz"), "success": [True, True, True, False, False, False]})
setting_b = pd.DataFrame({"task": list("xxyyzz"), "success": [True, False, True, False, False, False]})
small = paired_difference(setting_a, setting_b)
check(isinstance(small, dict) and {"diff", "se", "ci_low", "ci_high"} <= set(small),
      "paired_difference(setting_a, setting_b)", expected="a dict with diff, se, ci_low, ci_high",
      found=small, hint="return {'diff': ..., 'se': ..., 'ci_low': ..., 'ci_high': ...}")
check_close(small["diff"], 1 / 6, "the mean paired difference", tol=1e-9,
            hint="mean of the per-task differences (0.5 + 0 + 0) / 3")
check_close(small["se"], math.sqrt(1 / 12) / math.sqrt(3), "the SE of the paired difference",
            tol=1e-9, hint="sample standard deviation (ddof=1) of the differences / sqrt(T)")
check_close(small["ci_high"] - small["ci_low"], 2 * Z_ALPHA * small["se"], "the width of the CI",
            tol=1e-4, hint="diff +/- Z_ALPHA * se")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_a = pd.DataFrame({"task": ["u", "v", "w", "u", "v", "w", "u", "extra"],
                     "success": [True, True, False, True, False, False, False, True]})
_h_b = pd.DataFrame({"task": ["w", "v", "u", "w", "v", "u"],
                     "success": [True, False, False, False, False, True]})
# per task: u 2/3 - 1/2, v 1/2 - 0, w 0 - 1/2 ("extra" is only in a and is ignored)
_h_d = [2 / 3 - 1 / 2, 1 / 2 - 0.0, 0.0 - 1 / 2]
_h_mean = sum(_h_d) / 3
_h_sd = math.sqrt(sum((x - _h_mean) ** 2 for x in _h_d) / 2)
_h_out = paired_difference(_h_a, _h_b)
check_close(_h_out["diff"], _h_mean, "diff with unequal runs per task and an unshared task",
            tol=1e-9, hint="per-task means; only tasks present in both frames")
check_close(_h_out["se"], _h_sd / math.sqrt(3), "se with unequal runs per task", tol=1e-9,
            hint="ddof=1 standard deviation over the T shared tasks, divided by sqrt(T)")
check_close(_h_out["ci_low"], _h_mean - Z_ALPHA * _h_sd / math.sqrt(3), "ci_low", tol=1e-4,
            hint="diff - Z_ALPHA * se")
check_close(_h_out["ci_high"], _h_mean + Z_ALPHA * _h_sd / math.sqrt(3), "ci_high", tol=1e-4,
            hint="diff + Z_ALPHA * se")
_h_back = paired_difference(_h_b, _h_a)
check_close(_h_back["diff"], -_h_mean, "diff with the frames swapped", tol=1e-9, hint="a minus b")
_h_same = paired_difference(_h_b, _h_b)
check_all_close([_h_same[key] for key in ("diff", "se", "ci_low", "ci_high")], [0, 0, 0, 0],
                "paired_difference of a frame with itself", tol=1e-12, hint="every d_t is 0")
check_raises(lambda: paired_difference(_h_a[_h_a["task"] == "u"], _h_b), ValueError,
             "paired_difference with a single shared task", "raise ValueError with fewer than 2 shared tasks")
### END HIDDEN TESTS
""",
    ),
    tests(
        "q5-paired-data",
        8,
        r"""
# Visible self-checks on your runs.
check(isinstance(paired, dict), "paired", expected="a dict", found=type(paired).__name__,
      hint="paired = paired_difference(runs_high, runs_medium)")
check(paired["ci_low"] <= paired["diff"] <= paired["ci_high"], "the order of the CI",
      expected="ci_low <= diff <= ci_high", found=paired, hint="diff -/+ Z_ALPHA * se")
print(f"high - medium: {paired['diff']:+.3f}  SE {paired['se']:.4f}  "
      f"95% CI [{paired['ci_low']:+.3f}, {paired['ci_high']:+.3f}]")
### BEGIN HIDDEN TESTS
def _h_task_means(frame):
    _acc = {}
    for _t, _s in zip(frame["task"].tolist(), frame["success"].tolist(), strict=True):
        _tot, _cnt = _acc.get(_t, (0.0, 0))
        _acc[_t] = (_tot + float(_s), _cnt + 1)
    return {key: tot / cnt for key, (tot, cnt) in _acc.items()}

_h_hi, _h_me = _h_task_means(runs_high), _h_task_means(runs_medium)
_h_diffs = [_h_hi[t] - _h_me[t] for t in sorted(set(_h_hi) & set(_h_me))]
_h_dbar = sum(_h_diffs) / len(_h_diffs)
_h_se = math.sqrt(sum((x - _h_dbar) ** 2 for x in _h_diffs) / (len(_h_diffs) - 1) / len(_h_diffs))
for _h_name, _h_want in (("diff", _h_dbar), ("se", _h_se), ("ci_low", _h_dbar - Z_ALPHA * _h_se),
                         ("ci_high", _h_dbar + Z_ALPHA * _h_se)):
    check_close(paired[_h_name], _h_want, f"paired[{_h_name!r}] for high minus medium",
                tol=1e-9 if _h_name in ("diff", "se") else 1e-4,
                hint="paired = paired_difference(runs_high, runs_medium), formulas as above")
### END HIDDEN TESTS
""",
    ),
    given(
        "s5-compare",
        r"""
# Not graded: the paired SE against the SE you would get by ignoring the pairing.
unpaired_se = math.sqrt(clustered_se(runs_high) ** 2 + clustered_se(runs_medium) ** 2)
print(f"paired SE of high - medium:             {paired['se']:.4f}")
print(f"unpaired SE (two clustered SEs combined): {unpaired_se:.4f}")
""",
    ),
    text(
        "s5-after",
        r"""
The paired SE is usually clearly smaller than the unpaired one: a task that is hard at one
effort tends to be hard at the other, and the pairing cancels that shared difficulty. The
comparison is sharper for free, simply because both settings ran on the same tasks. (The two SEs are not computed in exactly the same way, the paired one uses the divisor
$T-1$, so compare their sizes, not their last digits.) Does your confidence interval include 0?
Does it include a drop of 3 points?
""",
    ),
    # ------------------------------------------------------------------ 6
    text(
        "s6-text",
        r"""
## 6. How big must an evaluation be? (16 points)

On 16 April 2026 Anthropic added a system-prompt instruction to make Claude Code less verbose.
Their internal testing showed no regression; the broader ablations run during the later
investigation found a 3% drop on coding evaluations, and the instruction was reverted on 20 April
(Anthropic, 23 April 2026). A small eval that "shows no regression" is only reassuring if it
could have seen one. *Power analysis* (Miller 2024) asks the question before the experiment: how
many tasks do we need so that a real drop of size $\delta$ is detected with probability $1-\beta$ (the
*power*) by a two-sided test at level $\alpha$?

We model the drop as $\delta = 0.03$ (3 percentage points; the post-mortem says "3%", and the
order of magnitude is what matters here). For a paired comparison over tasks, with $\sigma_d$
the standard deviation of the per-task differences $d_t$, the number of tasks needed is

$$T_{\text{needed}} = \left\lceil \left(\frac{(z_{1-\alpha/2} + z_{1-\beta})\,\sigma_d}{\delta}\right)^2 \right\rceil,$$

with $z_{1-\alpha/2}$ = `Z_ALPHA` (alpha = 0.05) and $z_{1-\beta}$ = `Z_POWER` (80% power).
Turned around, with $T$ tasks the *minimum detectable effect* is

$$\mathrm{MDE} = \frac{(z_{1-\alpha/2} + z_{1-\beta})\,\sigma_d}{\sqrt T}.$$

For comparison, if you ignored tasks and compared two *independent* groups of runs with success
rate about $p$ (what an informal "I ran it 20 times" comparison does), each group would need

$$n_{\text{runs}} = \left\lceil \frac{(z_{1-\alpha/2} + z_{1-\beta})^2 \cdot 2p(1-p)}{\delta^2} \right\rceil$$

runs, and with $n$ runs in each group the minimum detectable effect is
$(z_{1-\alpha/2} + z_{1-\beta})\sqrt{2p(1-p)/n}$.

Your $\sigma_d$ is estimated from tasks run `EPOCHS` times each, so $T_{\text{needed}}$ counts
tasks run `EPOCHS` times at both settings; more epochs per task would lower $\sigma_d$ a little
(the within-task noise), never below the spread of the tasks' true differences.

### Exercise 6a
Write three functions (each takes optional `z_alpha=Z_ALPHA, z_power=Z_POWER`):
- `tasks_needed(sd_diff, delta)`: $T_{\text{needed}}$ as an `int` (round *up*);
- `minimum_detectable_effect(sd_diff, n_tasks)`: the MDE as a float;
- `runs_needed(p, delta)`: $n_{\text{runs}}$ per group as an `int` (round *up*).

Raise `ValueError` if `delta <= 0`, `sd_diff < 0`, `n_tasks < 1`, or `p` is outside $[0, 1]$.
""",
    ),
    answer(
        "q6-power-functions",
        r'''
def tasks_needed(sd_diff, delta, z_alpha=Z_ALPHA, z_power=Z_POWER):
    """Tasks needed to detect a paired difference `delta` (two-sided test, given power)."""
    ### BEGIN SOLUTION
    if delta <= 0 or sd_diff < 0:
        raise ValueError("need delta > 0 and sd_diff >= 0")
    return math.ceil(((z_alpha + z_power) * sd_diff / delta) ** 2)
    ### END SOLUTION


def minimum_detectable_effect(sd_diff, n_tasks, z_alpha=Z_ALPHA, z_power=Z_POWER):
    """The smallest paired difference that n_tasks tasks detect with the given power."""
    ### BEGIN SOLUTION
    if n_tasks < 1 or sd_diff < 0:
        raise ValueError("need n_tasks >= 1 and sd_diff >= 0")
    return (z_alpha + z_power) * sd_diff / math.sqrt(n_tasks)
    ### END SOLUTION


def runs_needed(p, delta, z_alpha=Z_ALPHA, z_power=Z_POWER):
    """Runs per group to detect `delta` between two independent groups of runs at rate p."""
    ### BEGIN SOLUTION
    if delta <= 0 or not 0 <= p <= 1:
        raise ValueError("need delta > 0 and 0 <= p <= 1")
    return math.ceil((z_alpha + z_power) ** 2 * 2 * p * (1 - p) / delta**2)
    ### END SOLUTION
''',
    ),
    tests(
        "q6-power-functions-test",
        8,
        r"""
# Visible self-checks on hand-made numbers.
check(tasks_needed(0.25, 0.03) == 546, "tasks_needed(0.25, 0.03)", expected="546",
      found=tasks_needed(0.25, 0.03), hint="((Z_ALPHA + Z_POWER) * 0.25 / 0.03) ** 2 = 545.06..., rounded up")
check_close(minimum_detectable_effect(0.25, 30), 2.8015852 * 0.25 / math.sqrt(30),
            "minimum_detectable_effect(0.25, 30)", tol=1e-6, hint="(Z_ALPHA + Z_POWER) * sd / sqrt(T)")
check(runs_needed(0.8, 0.03) == 2791, "runs_needed(0.8, 0.03)", expected="2791",
      found=runs_needed(0.8, 0.03), hint="(Z_ALPHA + Z_POWER)**2 * 2 * 0.8 * 0.2 / 0.03**2, rounded up")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_zsum = 1.959963984540054 + 0.8416212335729143
for _h_sd, _h_delta in [(0.31, 0.05), (0.12, 0.03), (0.4, 0.09), (0.0, 0.03)]:
    _h_raw = (_h_zsum * _h_sd / _h_delta) ** 2
    _h_got = tasks_needed(_h_sd, _h_delta)
    check(isinstance(_h_got, (int, np.integer)) and _h_got == math.ceil(_h_raw - 1e-9),
          f"tasks_needed({_h_sd}, {_h_delta})", expected=f"{math.ceil(_h_raw - 1e-9)} (an int)",
          found=_h_got, hint="round the formula up with math.ceil")
_h_got = tasks_needed(0.3, 0.05, z_alpha=2.5758293035489004, z_power=1.2815515655446004)
check(_h_got == math.ceil(((2.5758293035489004 + 1.2815515655446004) * 0.3 / 0.05) ** 2),
      "tasks_needed with other z values", expected="the formula with the given z_alpha, z_power",
      found=_h_got, hint="use the z_alpha and z_power arguments")
for _h_sd, _h_t in [(0.2, 30), (0.35, 1), (0.0, 12)]:
    check_close(minimum_detectable_effect(_h_sd, _h_t), _h_zsum * _h_sd / _h_t ** 0.5,
                f"minimum_detectable_effect({_h_sd}, {_h_t})", tol=1e-9,
                hint="(Z_ALPHA + Z_POWER) * sd_diff / sqrt(n_tasks)")
check_close(minimum_detectable_effect(0.2, 50, z_alpha=1.0, z_power=1.0), 2.0 * 0.2 / 50 ** 0.5,
            "minimum_detectable_effect with other z values", tol=1e-9, hint="use the z arguments")
for _h_p, _h_delta in [(0.9, 0.03), (0.5, 0.1), (0.62, 0.07), (1.0, 0.03)]:
    _h_raw = _h_zsum ** 2 * 2 * _h_p * (1 - _h_p) / _h_delta ** 2
    _h_got = runs_needed(_h_p, _h_delta)
    check(isinstance(_h_got, (int, np.integer)) and _h_got == math.ceil(_h_raw - 1e-9),
          f"runs_needed({_h_p}, {_h_delta})", expected=f"{math.ceil(_h_raw - 1e-9)} (an int)",
          found=_h_got, hint="round the formula up with math.ceil")
check_raises(lambda: tasks_needed(0.2, 0.0), ValueError, "tasks_needed with delta = 0",
             "raise ValueError if delta <= 0")
check_raises(lambda: tasks_needed(-0.2, 0.03), ValueError, "tasks_needed with a negative sd",
             "raise ValueError if sd_diff < 0")
check_raises(lambda: minimum_detectable_effect(0.2, 0), ValueError,
             "minimum_detectable_effect with no tasks", "raise ValueError if n_tasks < 1")
check_raises(lambda: runs_needed(1.2, 0.03), ValueError, "runs_needed with p > 1",
             "raise ValueError if p is outside [0, 1]")
check_raises(lambda: runs_needed(0.5, -0.03), ValueError, "runs_needed with delta < 0",
             "raise ValueError if delta <= 0")
### END HIDDEN TESTS
""",
    ),
    text(
        "s6b-text",
        r"""
### Exercise 6b
Now use your own data. Compute:
- `sd_diff`: the sample standard deviation (divisor $T-1$) of the per-task differences in mean
  success, high minus medium, over the tasks in both frames (the $s_d$ of section 5);
- `tasks_for_3pp = tasks_needed(sd_diff, 0.03)`;
- `mde_suite = minimum_detectable_effect(sd_diff, N_TASKS)`: what this suite can detect;
- `p_high`: the success rate of `runs_high`;
- `runs_for_3pp = runs_needed(p_high, 0.03)`: runs per group for an unpaired comparison;
- `mde_twenty_runs`: the minimum detectable effect of an unpaired comparison with 20 runs in each
  group at rate `p_high`, $(z_{1-\alpha/2} + z_{1-\beta})\sqrt{2p(1-p)/20}$.
""",
    ),
    answer(
        "q6-power-data",
        r"""
# Define sd_diff, tasks_for_3pp, mde_suite, p_high, runs_for_3pp and mde_twenty_runs.
### BEGIN SOLUTION
per_task_high = runs_high.groupby("task")["success"].mean()
per_task_medium = runs_medium.groupby("task")["success"].mean()
shared = per_task_high.index.intersection(per_task_medium.index)
sd_diff = float((per_task_high.loc[shared] - per_task_medium.loc[shared]).std(ddof=1))
tasks_for_3pp = tasks_needed(sd_diff, 0.03)
mde_suite = minimum_detectable_effect(sd_diff, N_TASKS)
p_high = success_rate_se(runs_high)[0]
runs_for_3pp = runs_needed(p_high, 0.03)
mde_twenty_runs = (Z_ALPHA + Z_POWER) * math.sqrt(2 * p_high * (1 - p_high) / 20)
### END SOLUTION
print(f"sd of per-task differences:            {sd_diff:.4f}")
print(f"tasks needed to see a 3-point drop:    {tasks_for_3pp} (this suite has {N_TASKS})")
print(f"smallest effect this suite can detect: {mde_suite:.3f}")
print(f"unpaired runs per group for 3 points:  {runs_for_3pp}")
print(f"what 20 + 20 unpaired runs can detect: {mde_twenty_runs:.3f}")
""",
    ),
    tests(
        "q6-power-data-test",
        8,
        r"""
# Visible self-checks on your numbers.
check(sd_diff >= 0, "sd_diff", expected="a standard deviation (>= 0)", found=sd_diff,
      hint="std(ddof=1) of the per-task differences")
check(isinstance(tasks_for_3pp, (int, np.integer)), "tasks_for_3pp", expected="an int",
      found=tasks_for_3pp, hint="tasks_needed(sd_diff, 0.03)")
check(isinstance(runs_for_3pp, (int, np.integer)), "runs_for_3pp", expected="an int",
      found=runs_for_3pp, hint="runs_needed(p_high, 0.03)")
### BEGIN HIDDEN TESTS
def _h_rates(frame):
    _grouped = {}
    for _t, _s in zip(frame["task"].tolist(), frame["success"].tolist(), strict=True):
        _grouped.setdefault(_t, []).append(1.0 if _s else 0.0)
    return {key: sum(vals) / len(vals) for key, vals in _grouped.items()}

def _h_ceil_ok(value, raw):
    _near = round(raw)
    if abs(raw - _near) < 1e-7:  # exactly on an integer: rounding noise may give either side
        return value in (_near, _near + 1)
    return value == math.ceil(raw)

_h_zs = 1.959963984540054 + 0.8416212335729143
_h_r_hi, _h_r_me = _h_rates(runs_high), _h_rates(runs_medium)
_h_ds = [_h_r_hi[t] - _h_r_me[t] for t in _h_r_hi if t in _h_r_me]
_h_avg = sum(_h_ds) / len(_h_ds)
_h_sdd = math.sqrt(sum((x - _h_avg) ** 2 for x in _h_ds) / (len(_h_ds) - 1))
check_close(sd_diff, _h_sdd, "sd_diff (high minus medium, ddof=1)", tol=1e-9,
            hint="the sample standard deviation of the per-task differences")
_h_raw_t = (_h_zs * _h_sdd / 0.03) ** 2
check(_h_ceil_ok(tasks_for_3pp, _h_raw_t), "the value of tasks_for_3pp",
      expected=str(math.ceil(_h_raw_t)), found=tasks_for_3pp, hint="use tasks_needed(sd_diff, 0.03)")
check_close(mde_suite, _h_zs * _h_sdd / len(TASK_IDS) ** 0.5, "mde_suite", tol=1e-9,
            hint="minimum_detectable_effect(sd_diff, N_TASKS)")
_h_ph = sum(bool(v) for v in runs_high["success"]) / len(runs_high)
check_close(p_high, _h_ph, "p_high", tol=1e-9, hint="the success rate of runs_high")
_h_raw_n = _h_zs ** 2 * 2 * _h_ph * (1 - _h_ph) / 0.03 ** 2
check(_h_ceil_ok(runs_for_3pp, _h_raw_n), "the value of runs_for_3pp",
      expected=str(math.ceil(_h_raw_n)), found=runs_for_3pp, hint="use runs_needed(p_high, 0.03)")
check_close(mde_twenty_runs, _h_zs * (2 * _h_ph * (1 - _h_ph) / 20) ** 0.5, "mde_twenty_runs",
            tol=1e-9, hint="(Z_ALPHA + Z_POWER) * sqrt(2 * p_high * (1 - p_high) / 20)")
### END HIDDEN TESTS
""",
    ),
    # ------------------------------------------------------------------ 7
    text(
        "s7-text",
        r"""
## 7. Interpretation (22 points, graded by a person)

Answer in the cells marked *YOUR ANSWER HERE*, in plain language, using **numbers from your own
notebook** (quote them with sensible rounding). A grader reads these with a mark scheme; correct
reasoning with your numbers matters more than length.
""",
    ),
    task(
        "q7a-teammate",
        14,
        r"""
### Question 7a (14 points)
A teammate ran the agent 20 times at `medium` effort and 20 times at `high` effort, on tasks
picked at random, got similar success rates, and posts in the team channel: *"medium is just as
good as high, let's make it the default, it's much faster."* Write a reply (about 150-250 words).
Say what 20 runs per setting can and cannot show, what your own paired comparison says (with its
confidence interval), how large an evaluation would have to be to see a 3-point drop, why a
3-point drop is worth caring about (Anthropic's April 2026 post-mortem), and what experiment you
would run instead.

### BEGIN MARK SCHEME
14 points. Numbers must come from the student's notebook (they differ per student); accept any
sensible rounding. Deduct if a number is wrong for their notebook or misinterpreted.

- **What 20 runs can show (3 pts).** Quotes `mde_twenty_runs` (about 0.18-0.26, i.e. around 20
  percentage points, for typical seeds) and/or the naive SE of a rate from 20 runs, about sqrt(p(1-p)/20). States that "no
  visible difference" is not evidence of "no difference" (absence of evidence; the test has low
  power). 1 pt for the idea without numbers.
- **Their own paired comparison (3 pts).** Quotes `paired["diff"]` high minus medium with its SE
  and 95% CI, and interprets it correctly (whether the CI excludes 0; whether it is compatible with
  a 3-point drop). Mentions that runs of the same task are correlated (clustered SE larger than
  naive; the task is the unit sampled) and that pairing on the same tasks removes task
  difficulty from the comparison.
- **How big an eval must be (3 pts).** Quotes `tasks_for_3pp` versus the suite's `N_TASKS`, and/or
  `mde_suite`, and/or `runs_for_3pp`: detecting 3 points at 80% power needs far more than 20 runs
  (typically 55-110 tasks at 10 epochs and both efforts, i.e. one to two thousand runs, versus
  the suite's 30 tasks; unpaired, roughly 700-1,500 runs per group), and `mde_suite` (about
  4-6 points) shows that this suite alone cannot reliably see a 3-point drop.
- **The post-mortem (3 pts).** Anthropic, 23 Apr 2026: the default effort was lowered from high to
  medium on 4 Mar (internal evals: slightly less intelligent, much lower latency), later called
  the wrong trade-off and reverted on 7 Apr; a brevity instruction added on 16 Apr passed internal
  testing with no regression yet broader ablations found a 3% drop on coding evals, reverted
  20 Apr. Point: regressions of a few points are real, matter to users, and are invisible to small
  evals. No invented facts (deduct for made-up numbers or dates).
- **What to do instead (2 pts).** A pre-registered paired experiment on the same (ideally more)
  tasks with several epochs per task, sized by power analysis; report the difference with a
  clustered or paired SE and CI; weigh the result against latency and cost explicitly (the
  speed-up is a real benefit; the decision is a trade-off, not "just as good"). Mentioning
  pass^k / reliability or latency numbers from the data is a plus.
### END MARK SCHEME
""",
    ),
    free(r"""
YOUR ANSWER HERE
"""),
    task(
        "q7b-pass-k",
        8,
        r"""
### Question 7b (8 points)
Your team ships an agent that fixes failing builds in CI, unattended: nobody looks at its
attempts, and it runs on every build. For the release notes, would you report pass@k or pass^k
(and for which k)? Use your plot from section 4: how do the two measures move as k grows, and
what happens to the gap between `medium` and `high`? Answer in about 80-150 words.

### BEGIN MARK SCHEME
8 points.
- **Definitions (2 pts).** pass@k: at least one of k attempts succeeds (useful when attempts can be
  checked and the best kept); pass^k: all k attempts succeed (consistency).
- **Choice (2 pts).** pass^k for an unattended agent that runs on every build: what matters is that
  it works every time; k chosen to reflect repeated use (e.g. the number of builds in a day or the
  largest k measured, k <= EPOCHS). pass@k would overstate what an unattended user experiences.
  Accept pass@1 plus pass^k if argued.
- **Reading their plot (2 pts).** Correctly describes their own curves: pass@k rises and pass^k
  falls with k, both start at the success rate at k = 1; says (with numbers) how the medium/high
  gap changes with k in their data (often it is larger for pass^k at large k, but credit any
  correct description of their plot).
- **Caveat (2 pts).** At least one of: estimates are per task and averaged over tasks, so their
  uncertainty is driven by the number of tasks (cluster by task); k cannot exceed the number of
  runs per task; the simulated agent is not Claude; the result depends on the task mix.
### END MARK SCHEME
""",
    ),
    free(r"""
YOUR ANSWER HERE
"""),
    text(
        "references",
        r"""
## References
- Anthropic (23 April 2026). *An update on recent Claude Code quality reports.* Anthropic
  engineering blog. (the effort default and the brevity instruction)
- Chen, M., et al. (2021). arXiv:2107.03374. (pass@k and its unbiased estimator)
- Miller, E. (2024). *Adding Error Bars to Evals.* arXiv:2411.00640. (CLT and clustered standard
  errors, paired differences, power analysis)
- Yao, S., et al. (2024). tau-bench. arXiv:2406.12045. (pass^k)
""",
    ),
]


def build() -> nbformat.NotebookNode:
    return notebook_cells.source_notebook(CELLS, LAB_ID)


def main() -> None:
    notebook_cells.write_notebook(build(), OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
