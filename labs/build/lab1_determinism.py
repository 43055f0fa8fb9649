"""Build the nbgrader SOURCE notebook of lab 1, "Same prompt, different answers".

    .venv/bin/python labs/build/lab1_determinism.py   # writes labs/source/lab1-determinism/

The notebook is generated from this file so that its prose, solutions and tests diff cleanly.
Reference code for the hidden tests lives only inside the hidden-test regions and is written
independently of the solutions (plain-Python loops where the solutions use NumPy), so that a
bug shared by both is unlikely and no hidden line can be found in the release.

Protocol facts this lab relies on (checked over hundreds of seeds when the lab was built): the
simulator derives all randomness of a request from the client seed and the request's glass-box
seed (the `labkit-seed` header, built with `labkit.glassbox`), so the experiments are reproducible
per student; the next-word logits after "the build" hold an exact real-arithmetic tie between
"could" and "passes" that float32 rounding breaks differently at different batch sizes, so
FLIP_PROMPT gives two answers at temperature 0 (about 5/8 and 3/8 of requests) unless batch
invariance is switched on. The sampling knobs travel only as glass-box headers: today's API
(2026-10-21) refuses them in the request body, and so does the simulator.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder import notebook_cells
from autograder.notebook_cells import answer, free, given, task, tests, text

LAB = "lab1-determinism"
LAB_ID = "lab1"  # cell ids: lab1-00, lab1-01, ...
OUT = Path(__file__).resolve().parent.parent / "source" / LAB / f"{LAB}.ipynb"

# The hidden check that a function was written in the notebook, not taken from the simulator.
# It is pasted into every hidden block that needs it (a hidden block may run without the others).
_OWNED = r"""
def _h_owned(_fn, _label):
    import types as _h_types
    import labkit.sim.sampling as _h_ref_module
    check(callable(_fn) and getattr(_fn, "__module__", None) == "__main__"
          and hasattr(_fn, "__code__"), f"where {_label} is defined",
          expected="a function defined in this notebook (module __main__)",
          found=getattr(_fn, "__module__", type(_fn).__name__),
          hint="write the function yourself in the answer cell; do not import it from labkit")
    _h_stack, _h_names = [_fn.__code__], set()
    while _h_stack:
        _h_code = _h_stack.pop()
        _h_names.update(_h_code.co_names)
        _h_stack.extend(c for c in _h_code.co_consts if isinstance(c, _h_types.CodeType))
    _h_bad = sorted(n for n in _h_names if n == "sampling" or globals().get(n) is _h_ref_module
                    or getattr(globals().get(n), "__module__", None) == "labkit.sim.sampling")
    check(not _h_bad, f"what {_label} calls", expected="nothing from labkit.sim.sampling",
          found=_h_bad, hint="labkit.sim.sampling is the simulator's own code: write your own")
""".strip("\n")


CELLS = [
    # ------------------------------------------------------------------ header
    text(
        "intro",
        r"""
# Lab 1: Same prompt, different answers

Ordinary software is *deterministic*: call a function twice with the same input and you get the
same output, so one test run tells you what the code does. A language model is *probabilistic*:
at every step it produces a probability distribution over the next token and a token is *chosen*
from it. Send the same prompt twice and you may get two different answers. In this lab you build
that choosing step yourself, measure how different the answers of a (simulated) model really
are, and find out why even "temperature 0" does not promise identical answers.

**You will learn to**
1. turn a model's scores (logits) into probabilities with a temperature, in a numerically stable way;
2. say exactly what top-k and top-p filtering keep, including at ties and boundaries;
3. sample reproducibly with a seed, and measure how spread out a distribution is (entropy);
4. measure the diversity of a model's answers through the Anthropic SDK, with effort set through
   `output_config` and the simulator's glass-box temperature and seed;
5. show that floating-point addition is not associative, and how that makes temperature 0
   non-deterministic on a real serving stack;
6. explain to a team what temperature 0 does and does not promise, and what to measure instead.

**Time:** 60-90 minutes. All the code together runs in a few seconds.

**How to work**
- Run the cells from top to bottom. Write code only where you see `# YOUR CODE HERE` (delete the
  `raise NotImplementedError()` line), and written answers only where you see *YOUR ANSWER HERE*.
- Keep the names the instructions ask for (functions, variables, columns): the tests look them up
  by name. You may add your own cells to explore.
- After each exercise, run the test cell below it. Its *visible self-checks* tell you, when
  something is wrong, what they *expected*, what they *found*, and a *hint*.
- Before you hand in: *Kernel > Restart Kernel and Run All Cells*, and check that every test cell
  runs without an error.

**How grading works (100 points)**
- 76 points are graded automatically. Every test cell also contains *hidden tests* that you do not
  see: they try your functions on more inputs (ties, boundaries, extreme values) and recompute
  your experiment results from your own seed with reference code. Passing the visible checks is a
  good sign, not a guarantee. A test cell scores all its points or none.
- **Write your own functions.** The simulator contains its own implementations of softmax, top-k,
  top-p and entropy (in `labkit.sim.sampling`). Do not import or call them: the hidden tests check
  that `softmax`, `top_k_filter`, `top_p_filter`, `sample_tokens` and `entropy_bits` are defined
  in this notebook and use nothing from `labkit.sim.sampling`. NumPy is fine.
- A test cell that writes *anything* to stderr (a Python warning, for example) scores zero, even
  if every check passed. Write code that runs without warnings.
- 24 points are written answers (section 6), graded by a person with a mark scheme. Use numbers
  from your own notebook.

**Why your numbers differ from your classmates'**
Sections 1-3 use fixed inputs: everyone's answers agree there. In sections 4 and 5 you talk to a
simulated model seeded with *your* seed, derived from your student id (the setup cell prints
both). Your answers, and so your tables, are yours; the autograder runs your notebook as you, so
it gets the same seed and the same answers. Never type a number from your output into your code:
compute it.

**About the model.** `labkit.client(...)` returns a real `anthropic.Anthropic` client from the
official SDK, wired to an offline simulator that speaks the Anthropic Messages API (no network,
no key, no cost). Its model ids say `sim`: the numbers you get describe the simulator, not Claude.
Today's Claude API (version 2026-10-21, the version the SDK sends) has no temperature, top-k,
top-p, seed or batch-invariance setting: it reportedly refuses them with an error. The simulator
offers them as labelled *glass-box* controls, sent as `labkit-*` request headers built by
`labkit.glassbox(...)`, so that you can see what happens inside a model and repeat an experiment
exactly. They are a window into the simulator, not a setting of the real API: on the live
backend (`LABKIT_BACKEND=anthropic`) they are not sent.
""",
    ),
    given(
        "setup",
        r"""
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import labkit
import labkit.student
from labkit.checks import check, check_all_close, check_close, check_raises, check_type
from labkit.sim import lm

STUDENT = labkit.student.student_id()
SEED = labkit.student.student_seed("lab1-determinism")

# The protocol of the experiments (sections 4 and 5): the tests rely on these values.
MODEL = "sim-sonnet-4-6"
DIVERSITY_PROMPT = "Write a function that sorts a list"
TEMPERATURES = [0.0, 0.3, 0.7, 1.0]
EFFORTS = ["medium", "high"]
N_REQUESTS = 30          # requests per (temperature, effort) setting; request i sends seed=i
MAX_TOKENS = 60
DIVERSITY_COLUMNS = ["temperature", "effort", "n", "distinct_share", "mean_words"]

FLIP_PROMPT = "Summarise the build"
N_REPEATS = 40           # requests per mode at temperature 0
FLIP_MAX_TOKENS = 20
FLIP_SEED_BASE = 1000    # request i of section 5 sends seed=FLIP_SEED_BASE + i

ENTROPY_TEMPERATURES = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
LM = lm.load()           # the simulator's small language model (used in sections 3 and 5)

print(f"student: {STUDENT}")
print(f"seed:    {SEED}")
""",
    ),
    # ------------------------------------------------------------------ 1
    text(
        "s1-text",
        r"""
## 1. From scores to probabilities: softmax with temperature (10 points)

At every step a language model gives one score, a *logit* $z_i$, to every token $i$ of its
vocabulary. The *softmax* turns the scores into probabilities, after dividing them by the
*temperature* $T > 0$:

$$p_i = \frac{e^{z_i/T}}{\sum_j e^{z_j/T}}.$$

- $T = 1$ gives the model's own distribution. $T < 1$ sharpens it (probability moves to the
  highest-scoring tokens); $T > 1$ flattens it.
- As $T \to 0$, all the probability goes to the largest logit. That limit is *greedy decoding*:
  always pick the top token. This is what "temperature 0" means in an API that offers it. The formula itself
  cannot be evaluated at $T = 0$ (division by zero), so a server treats 0 as a separate case and
  simply takes the argmax. Your `softmax` must refuse it.
- *Numerical stability.* `np.exp(1000.0)` overflows to `inf`, and `inf / inf` is `nan`. The
  probabilities do not change if you subtract the same number from every logit, so subtract the
  largest one first: then the largest exponent is $e^0 = 1$ and nothing overflows.
- A logit of `-np.inf` is how a server *forbids* a token: its probability must come out as exactly 0.

### Exercise 1
Write `softmax(logits, temperature=1.0)` that
- accepts a list or a 1-D NumPy array of logits (some may be `-np.inf`; at least one is finite);
- returns a new float64 NumPy array of probabilities that sums to 1 (it must not modify its input);
- is numerically stable: `softmax([1000.0, 1001.0])` must equal `softmax([0.0, 1.0])`, without
  any warning;
- raises `ValueError` if `temperature <= 0`.
""",
    ),
    answer(
        "q1-softmax",
        r'''
def softmax(logits, temperature=1.0):
    """Probabilities (a float64 array summing to 1) from logits at a temperature > 0."""
    ### BEGIN SOLUTION
    if not temperature > 0:
        raise ValueError("temperature must be > 0; temperature 0 means argmax (greedy)")
    scaled = np.array(logits, dtype=np.float64) / temperature
    scaled = scaled - np.max(scaled)
    weights = np.exp(scaled)
    return weights / weights.sum()
    ### END SOLUTION
''',
    ),
    tests(
        "q1-softmax-test",
        10,
        r"""
# Visible self-checks.
probs = softmax([1.0, 2.0, 3.0])
check_type(probs, np.ndarray, "softmax([1.0, 2.0, 3.0])", "return a NumPy array")
exps = [math.exp(1.0), math.exp(2.0), math.exp(3.0)]
check_all_close(probs, [v / sum(exps) for v in exps], "softmax([1.0, 2.0, 3.0])", tol=1e-12,
                hint="exp(z_i / T) divided by the sum of all exp(z_j / T)")
check_all_close(softmax([1.0, 2.0, 3.0], 0.5), softmax([2.0, 4.0, 6.0]),
                "softmax at temperature 0.5 (the same as doubling the logits)", tol=1e-12,
                hint="divide the logits by the temperature")
check_all_close(softmax([1000.0, 1001.0]), softmax([0.0, 1.0]), "softmax([1000.0, 1001.0])",
                tol=1e-12, hint="subtract the largest logit before calling np.exp")
check_raises(lambda: softmax([1.0, 2.0], 0.0), ValueError, "softmax at temperature 0",
             "raise ValueError when temperature <= 0 (temperature 0 is argmax, not a softmax)")
check(softmax.__module__ == "__main__", "where softmax is defined",
      expected="in this notebook", found=softmax.__module__,
      hint="write softmax yourself; do not import it")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__OWNED__
_h_owned(softmax, "softmax")
with np.errstate(all="ignore"):
    _h_z = [0.3, -1.2, 2.5, 0.0, 2.5]
    for _h_t in (0.25, 1.0, 3.0):
        _h_top = max(_h_z)
        _h_w = [math.exp((v - _h_top) / _h_t) for v in _h_z]
        check_all_close(softmax(_h_z, _h_t), [w / sum(_h_w) for w in _h_w],
                        f"softmax({_h_z}, {_h_t})", tol=1e-12, hint="exp(z / T), normalised")
    _h_got = softmax(np.array([1, 2, 3]))
    check(isinstance(_h_got, np.ndarray) and _h_got.dtype == np.float64,
          "softmax of an integer array", expected="a float64 array",
          found=getattr(_h_got, "dtype", type(_h_got)), hint="convert with dtype=np.float64")
    check_all_close(softmax([-1000.0, -1000.0]), [0.5, 0.5], "softmax([-1000.0, -1000.0])",
                    tol=1e-12, hint="very negative logits must not underflow to 0 / 0")
    check_all_close(softmax([0.0, -np.inf, math.log(3.0)]), [0.25, 0.0, 0.75],
                    "softmax with a forbidden token (-inf)", tol=1e-12,
                    hint="exp(-inf) is 0: a forbidden token gets probability 0")
    check_all_close(softmax([1.0, 2.0, 1.5], 0.01), [0.0, 1.0, 0.0],
                    "softmax at temperature 0.01", tol=1e-12,
                    hint="near 0, all the probability goes to the largest logit")
    check_all_close(softmax([1.0, 2.0, 1.5, -3.0], 1e6), [0.25] * 4, "softmax at temperature 1e6",
                    tol=1e-5, hint="a very high temperature gives a nearly uniform distribution")
    check_all_close(softmax([750.0, 0.0], 0.5), [1.0, 0.0], "softmax([750.0, 0.0], 0.5)",
                    tol=1e-12, hint="divide by T, then subtract the maximum, then exp")
    _h_in = np.array([2.0, 1.0, 0.5])
    softmax(_h_in, 0.5)
    check(_h_in.tolist() == [2.0, 1.0, 0.5], "the input array after softmax",
          expected="unchanged [2.0, 1.0, 0.5]", found=_h_in.tolist(),
          hint="work on a copy (np.array(...) copies; in-place -= on the input does not)")
check_raises(lambda: softmax([1.0, 2.0], -0.5), ValueError, "softmax at temperature -0.5",
             "raise ValueError when temperature <= 0")
check_raises(lambda: softmax([1.0], 0), ValueError, "softmax at temperature 0 (an int)",
             "raise ValueError when temperature <= 0")
### END HIDDEN TESTS
""".replace("__OWNED__", _OWNED),
    ),
    # ------------------------------------------------------------------ 2
    text(
        "s2-text",
        r"""
## 2. Cutting the tail: top-k and top-p (16 points)

Sampling from the full distribution now and then picks a very unlikely token, and over hundreds
of tokens "now and then" becomes "in most answers". Two common filters cut the tail of the
distribution before sampling, then *renormalise* what is left so that it sums to 1 again:
- **top-k** keeps the $k$ most probable tokens;
- **top-p** (nucleus sampling) keeps the smallest set of most probable tokens whose total
  probability reaches $p$. Where the model is sure, that set is small; where it hesitates, large.

With temperature, these are the classic sampling knobs. Today's Claude API has none of the
three (the SDK's `messages.create` has no parameter for them), so in this lab you reach the
simulator's versions through its glass-box headers (section 4).

These filters are ordinary code, and ordinary code can break. In its post-mortem of
17 September 2025 ("A postmortem of three recent issues"), Anthropic describes a change to token
selection, deployed on 25 August, that exposed a latent bug in the XLA:TPU compiler: the
*approximate* top-k operation sometimes returned wrong results and dropped the most probable
token. The fix was to use exact top-k and more float32 arithmetic, at a small efficiency cost.
A filter that only occasionally drops the best token is hard to notice in any single answer.

Real implementations differ in small ways at ties and boundaries. In this lab the rules are:

**`top_k_filter(probs, k)`**
- `k` must be an integer $\ge 1$, otherwise raise `ValueError`.
- Let $t$ be the $k$-th largest value of `probs`, counting repeated values (the $k$-th entry of
  `probs` sorted in decreasing order). Keep every entry $\ge t$ and set the others to 0. So ties
  at the boundary are **all kept**, and more than $k$ entries may survive:
  `top_k_filter([0.4, 0.2, 0.2, 0.2], 2)` keeps all four.
- If `k >= len(probs)`, keep everything.

**`top_p_filter(probs, p)`**
- `p` must satisfy $0 < p \le 1$, otherwise raise `ValueError`. If `p == 1`, keep everything.
- Order the tokens by decreasing probability; among equal probabilities, the lower index comes
  first (this is the order of `np.argsort(-probs, kind="stable")`).
- Walk down that order adding up probabilities. Keep the tokens up to and **including** the first
  one at which the running total is $\ge p$; drop the rest. When the running total is exactly
  $p$, the token that reached it is kept and the next one is not. At least one token is kept.

Both functions take `probs` as a list or 1-D array of non-negative numbers that sum to 1, and
return a **new** float64 array of the same length: the kept entries divided by their sum, zeros
elsewhere. For example, with `probs = [0.5, 0.25, 0.125, 0.125]`:

| call | kept | result |
|---|---|---|
| `top_k_filter(probs, 1)` | index 0 | `[1, 0, 0, 0]` |
| `top_k_filter(probs, 3)` | all (a tie at the boundary) | `[0.5, 0.25, 0.125, 0.125]` |
| `top_p_filter(probs, 0.7)` | indices 0, 1 | `[2/3, 1/3, 0, 0]` |
| `top_p_filter(probs, 0.75)` | indices 0, 1 (the total reaches exactly 0.75) | `[2/3, 1/3, 0, 0]` |
| `top_p_filter(probs, 0.8)` | indices 0, 1, 2 | `[4/7, 2/7, 1/7, 0]` |

### Exercise 2
Write `top_k_filter(probs, k)` and `top_p_filter(probs, p)` following these rules.
""",
    ),
    answer(
        "q2-filters",
        r'''
def top_k_filter(probs, k):
    """Keep the entries >= the k-th largest (ties kept), zero the rest, renormalise."""
    ### BEGIN SOLUTION
    values = np.array(probs, dtype=np.float64)
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError("k must be an integer >= 1")
    if k >= values.size:
        return values / values.sum()
    threshold = np.sort(values)[::-1][int(k) - 1]
    kept = np.where(values >= threshold, values, 0.0)
    return kept / kept.sum()
    ### END SOLUTION


def top_p_filter(probs, p):
    """Keep the smallest most-probable prefix whose mass reaches p, zero the rest, renormalise."""
    ### BEGIN SOLUTION
    values = np.array(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    if p == 1:
        return values / values.sum()
    order = np.argsort(-values, kind="stable")
    running = np.cumsum(values[order])
    count = min(int(np.searchsorted(running, p, side="left")) + 1, values.size)
    kept = np.zeros_like(values)
    kept[order[:count]] = values[order[:count]]
    return kept / kept.sum()
    ### END SOLUTION
''',
    ),
    tests(
        "q2-top-k-test",
        8,
        r"""
# Visible self-checks: the examples of the table above.
example = [0.5, 0.25, 0.125, 0.125]
check_type(top_k_filter(example, 1), np.ndarray, "top_k_filter(example, 1)", "return a NumPy array")
check_all_close(top_k_filter(example, 1), [1.0, 0.0, 0.0, 0.0], "top_k_filter(example, 1)",
                tol=1e-12, hint="keep the largest entry, then renormalise")
check_all_close(top_k_filter(example, 2), [2 / 3, 1 / 3, 0.0, 0.0], "top_k_filter(example, 2)",
                tol=1e-12, hint="keep the two largest entries, divide by their sum")
check_all_close(top_k_filter(example, 3), example, "top_k_filter(example, 3)", tol=1e-12,
                hint="the 3rd largest value is 0.125; both entries equal to it are kept")
check_all_close(top_k_filter([0.4, 0.2, 0.2, 0.2], 2), [0.4, 0.2, 0.2, 0.2],
                "top_k_filter([0.4, 0.2, 0.2, 0.2], 2)", tol=1e-12,
                hint="ties at the boundary are all kept")
check_raises(lambda: top_k_filter(example, 0), ValueError, "top_k_filter(example, 0)",
             "k must be at least 1")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__OWNED__
_h_owned(top_k_filter, "top_k_filter")

def _h_reference_top_k(values, k):
    _ranked = sorted(values, reverse=True)
    _cut = _ranked[min(k, len(values)) - 1]
    _kept = [v if v >= _cut else 0.0 for v in values]
    return [v / sum(_kept) for v in _kept]

with np.errstate(all="ignore"):
    check_all_close(top_k_filter([0.1, 0.3, 0.3, 0.3], 1), [0.0, 1 / 3, 1 / 3, 1 / 3],
                    "top_k_filter([0.1, 0.3, 0.3, 0.3], 1)", tol=1e-12,
                    hint="three entries tie for the largest value: all three are kept")
    check_all_close(top_k_filter([0.2, 0.5, 0.3], 10), [0.2, 0.5, 0.3],
                    "top_k_filter with k larger than the vocabulary", tol=1e-12,
                    hint="if k >= len(probs), keep everything")
    check_all_close(top_k_filter([0.5, 0.5, 0.0, 0.0], 3), [0.5, 0.5, 0.0, 0.0],
                    "top_k_filter with zeros at the boundary", tol=1e-12,
                    hint="entries equal to the k-th largest value (here 0) are kept, and stay 0")
    _h_rng = np.random.default_rng(20250825)
    for _h_round in range(6):
        _h_raw = np.round(_h_rng.dirichlet(np.ones(15)), 2) + 0.01
        _h_probs = (_h_raw / _h_raw.sum()).tolist()
        for _h_k in (1, 2, 3, 5, 8, 14, 15):
            check_all_close(top_k_filter(_h_probs, _h_k), _h_reference_top_k(_h_probs, _h_k),
                            f"top_k_filter on a random vector with ties, k={_h_k}", tol=1e-12,
                            hint="keep every entry >= the k-th largest value, then renormalise")
    _h_in = np.array([0.1, 0.6, 0.3])
    top_k_filter(_h_in, 1)
    check(_h_in.tolist() == [0.1, 0.6, 0.3], "the input after top_k_filter",
          expected="unchanged", found=_h_in.tolist(), hint="return a new array")
check_raises(lambda: top_k_filter([0.5, 0.5], -2), ValueError, "top_k_filter with k = -2",
             "k must be at least 1")
### END HIDDEN TESTS
""".replace("__OWNED__", _OWNED),
    ),
    tests(
        "q2-top-p-test",
        8,
        r"""
# Visible self-checks: the examples of the table above.
example = [0.5, 0.25, 0.125, 0.125]
check_type(top_p_filter(example, 0.7), np.ndarray, "top_p_filter(example, 0.7)",
           "return a NumPy array")
check_all_close(top_p_filter(example, 0.7), [2 / 3, 1 / 3, 0.0, 0.0], "top_p_filter(example, 0.7)",
                tol=1e-12, hint="0.5 < 0.7 <= 0.5 + 0.25: keep two tokens")
check_all_close(top_p_filter(example, 0.75), [2 / 3, 1 / 3, 0.0, 0.0],
                "top_p_filter(example, 0.75)", tol=1e-12,
                hint="the running total reaches exactly 0.75 at the 2nd token: stop there")
check_all_close(top_p_filter(example, 0.8), [4 / 7, 2 / 7, 1 / 7, 0.0], "top_p_filter(example, 0.8)",
                tol=1e-12, hint="0.75 < 0.8: a third token is needed; the tie goes to the lower index")
check_all_close(top_p_filter(example, 1.0), example, "top_p_filter(example, 1.0)", tol=1e-12,
                hint="p == 1 keeps everything")
check_raises(lambda: top_p_filter(example, 0.0), ValueError, "top_p_filter(example, 0.0)",
             "p must be > 0")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__OWNED__
_h_owned(top_p_filter, "top_p_filter")

def _h_reference_top_p(values, p):
    if p >= 1:
        return [v / sum(values) for v in values]
    _order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    _keep, _total = set(), 0.0
    for _i in _order:
        _keep.add(_i)
        _total += values[_i]
        if _total >= p:
            break
    _kept = [values[i] if i in _keep else 0.0 for i in range(len(values))]
    return [v / sum(_kept) for v in _kept]

with np.errstate(all="ignore"):
    check_all_close(top_p_filter([0.25, 0.25, 0.25, 0.25], 0.5), [0.5, 0.5, 0.0, 0.0],
                    "top_p_filter of a uniform distribution, p = 0.5", tol=1e-12,
                    hint="equal probabilities: lower index first; stop when the total is exactly p")
    check_all_close(top_p_filter([0.25, 0.25, 0.25, 0.25], 0.6), [1 / 3, 1 / 3, 1 / 3, 0.0],
                    "top_p_filter of a uniform distribution, p = 0.6", tol=1e-12,
                    hint="0.5 < 0.6: a third token is needed")
    check_all_close(top_p_filter([0.125, 0.25, 0.125, 0.5], 0.875), [1 / 7, 2 / 7, 0.0, 4 / 7],
                    "top_p_filter with the largest token last, p = 0.875", tol=1e-12,
                    hint="order by decreasing probability; ties by lower index")
    check_all_close(top_p_filter([0.9, 0.05, 0.05], 0.01), [1.0, 0.0, 0.0],
                    "top_p_filter with a tiny p", tol=1e-12, hint="at least one token is kept")
    check_all_close(top_p_filter([0.0, 1.0, 0.0], 0.999), [0.0, 1.0, 0.0],
                    "top_p_filter of a one-hot distribution", tol=1e-12, hint="one token has all the mass")
    _h_rng = np.random.default_rng(20250902)
    for _h_round in range(6):
        _h_raw = np.round(_h_rng.dirichlet(np.full(12, 0.7)), 3) + 0.001
        _h_probs = (_h_raw / _h_raw.sum()).tolist()
        for _h_p in (0.05, 0.33, 0.5, 0.61, 0.9, 0.97, 1.0):
            check_all_close(top_p_filter(_h_probs, _h_p), _h_reference_top_p(_h_probs, _h_p),
                            f"top_p_filter on a random vector, p={_h_p}", tol=1e-12,
                            hint="keep the most probable tokens until the running total is >= p")
    _h_in = np.array([0.1, 0.6, 0.3])
    top_p_filter(_h_in, 0.5)
    check(_h_in.tolist() == [0.1, 0.6, 0.3], "the input after top_p_filter",
          expected="unchanged", found=_h_in.tolist(), hint="return a new array")
check_raises(lambda: top_p_filter([0.5, 0.5], 1.5), ValueError, "top_p_filter with p = 1.5",
             "p must be at most 1")
check_raises(lambda: top_p_filter([0.5, 0.5], -0.1), ValueError, "top_p_filter with p = -0.1",
             "p must be > 0")
### END HIDDEN TESTS
""".replace("__OWNED__", _OWNED),
    ),
    # ------------------------------------------------------------------ 3
    text(
        "s3-text",
        r"""
## 3. Sampling with a seed, and entropy (16 points)

Sampling is where randomness enters: the server draws a random number and picks a token with the
probabilities of the (filtered) distribution. A *pseudo-random* generator started from the same
*seed* produces the same draws, so seeded sampling is reproducible, provided everything else is
the same too: the inputs, the software, and the exact arithmetic that produced the probabilities.
Section 5 shows a server on which the last of these changes from one request to the next.

How spread out a distribution is can be measured by its *entropy* in bits,

$$H(p) = -\sum_{i:\,p_i > 0} p_i \log_2 p_i .$$

$H = 0$ when one token is certain, 1 bit for a fair coin between two tokens, $\log_2 V$ bits for a
uniform choice among $V$ tokens. Tokens with $p_i = 0$ contribute nothing (the limit of
$p \log p$ as $p \to 0$ is 0), so leave them out of the sum rather than computing `0 * log2(0)`,
which gives `nan` and a warning.

### Exercise 3a
Write `sample_tokens(logits, n, seed, temperature=1.0, top_k=None, top_p=None)` that returns a
NumPy array of `n` integer token ids, the way a server does it:
- if `temperature == 0`: greedy decoding, no randomness: `n` copies of the index of the largest
  logit (the first one if several are equal, as `np.argmax` does);
- otherwise: `probs = softmax(logits, temperature)`; then, if `top_k` is not `None`,
  `probs = top_k_filter(probs, top_k)`; then, if `top_p` is not `None`,
  `probs = top_p_filter(probs, top_p)`; finally draw the tokens with
  `np.random.default_rng(seed).choice(len(probs), size=n, p=probs)` (this exact call, so that your
  draws match the reference);
- a negative temperature raises `ValueError` (your `softmax` already does).

### Exercise 3b
Write `entropy_bits(probs)` that returns the entropy in bits as a Python `float`, without
warnings when some probabilities are 0.
""",
    ),
    answer(
        "q3-sampling",
        r'''
def sample_tokens(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    """n token ids drawn the way a server does: temperature, top-k, top-p, seeded draw."""
    ### BEGIN SOLUTION
    if temperature == 0:
        return np.full(n, int(np.argmax(np.asarray(logits, dtype=np.float64))), dtype=np.int64)
    probs = softmax(logits, temperature)
    if top_k is not None:
        probs = top_k_filter(probs, top_k)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    return np.random.default_rng(seed).choice(len(probs), size=n, p=probs)
    ### END SOLUTION


def entropy_bits(probs):
    """Shannon entropy in bits; zero probabilities contribute nothing."""
    ### BEGIN SOLUTION
    values = np.asarray(probs, dtype=np.float64)
    positive = values[values > 0]
    return float(-(positive * np.log2(positive)).sum())
    ### END SOLUTION
''',
    ),
    tests(
        "q3-sample-test",
        8,
        r"""
# Visible self-checks.
draws = sample_tokens([0.0, math.log(3.0)], 20000, seed=1)
check_type(draws, np.ndarray, "sample_tokens(...)", "return a NumPy array")
check(draws.shape == (20000,) and np.issubdtype(draws.dtype, np.integer), "the draws",
      expected="20000 integer token ids", found=f"shape {draws.shape}, dtype {draws.dtype}",
      hint="rng.choice(len(probs), size=n, p=probs) returns integer ids")
check_close(np.mean(draws == 1), 0.75, "the share of token 1 (probability 0.75)", tol=0.02,
            hint="sample with the probabilities of softmax(logits, temperature)")
check(np.array_equal(sample_tokens([0.1, 0.2, 0.3], 50, seed=7),
                     sample_tokens([0.1, 0.2, 0.3], 50, seed=7)),
      "two calls with the same seed", expected="identical draws", found="different draws",
      hint="make a new generator from the seed inside the function")
greedy = sample_tokens([0.1, 2.0, 2.0, -1.0], 5, seed=3, temperature=0)
check(greedy.tolist() == [1] * 5, "sample_tokens at temperature 0", expected="[1, 1, 1, 1, 1]",
      found=greedy.tolist(), hint="temperature 0: the first index of the largest logit, n times")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__OWNED__
_h_owned(sample_tokens, "sample_tokens")

def _h_reference_draws(logits, n, seed, t, k, p):
    _z = [float(v) for v in logits]
    if t == 0:
        return [_z.index(max(_z))] * n
    _top = max(_z)
    _w = [math.exp((v - _top) / t) for v in _z]
    _probs = [v / sum(_w) for v in _w]
    if k is not None:
        _cut = sorted(_probs, reverse=True)[min(k, len(_probs)) - 1]
        _probs = [v if v >= _cut else 0.0 for v in _probs]
        _probs = [v / sum(_probs) for v in _probs]
    if p is not None and p < 1:
        _order = sorted(range(len(_probs)), key=lambda i: (-_probs[i], i))
        _keep, _total = set(), 0.0
        for _i in _order:
            _keep.add(_i)
            _total += _probs[_i]
            if _total >= p:
                break
        _probs = [_probs[i] if i in _keep else 0.0 for i in range(len(_probs))]
        _probs = [v / sum(_probs) for v in _probs]
    return np.random.default_rng(seed).choice(len(_probs), size=n, p=np.array(_probs)).tolist()

with np.errstate(all="ignore"):
    _h_logits = np.random.default_rng(11).normal(0.0, 2.0, size=40).tolist()
    for _h_case in [(25, 5, 1.0, None, None), (25, 6, 0.4, None, None), (30, 7, 1.3, 5, None),
                    (30, 8, 1.0, None, 0.8), (30, 9, 0.8, 10, 0.6), (10, 10, 0.0, None, None),
                    (12, 11, 1.0, 1, None), (12, 12, 1.0, None, 0.001), (0, 13, 1.0, None, None)]:
        _h_n, _h_seed, _h_t, _h_k, _h_p = _h_case
        _h_got = sample_tokens(_h_logits, _h_n, _h_seed, temperature=_h_t, top_k=_h_k, top_p=_h_p)
        _h_want = _h_reference_draws(_h_logits, _h_n, _h_seed, _h_t, _h_k, _h_p)
        check(np.asarray(_h_got).tolist() == _h_want,
              f"sample_tokens(n={_h_n}, seed={_h_seed}, temperature={_h_t}, top_k={_h_k}, top_p={_h_p})",
              expected=str(_h_want[:10]), found=np.asarray(_h_got).tolist()[:10],
              hint="softmax, then top_k_filter, then top_p_filter, then default_rng(seed).choice")
    _h_got = sample_tokens(_h_logits, 3, 0, temperature=0)
    check(np.issubdtype(np.asarray(_h_got).dtype, np.integer), "the dtype at temperature 0",
          expected="integer token ids", found=np.asarray(_h_got).dtype, hint="use an integer array")
check_raises(lambda: sample_tokens([0.0, 1.0], 3, 0, temperature=-1.0), ValueError,
             "sample_tokens at temperature -1", "a negative temperature is an error")
### END HIDDEN TESTS
""".replace("__OWNED__", _OWNED),
    ),
    tests(
        "q3-entropy-test",
        5,
        r"""
# Visible self-checks.
check_close(entropy_bits([0.5, 0.5]), 1.0, "entropy_bits([0.5, 0.5])", tol=1e-12,
            hint="a fair coin carries 1 bit")
check_close(entropy_bits([0.125] * 8), 3.0, "entropy_bits of 8 equal probabilities", tol=1e-12,
            hint="log2(8) = 3")
check_close(entropy_bits([1.0, 0.0, 0.0]), 0.0, "entropy_bits([1.0, 0.0, 0.0])", tol=1e-12,
            hint="a certain outcome has entropy 0; zeros contribute nothing (no nan)")
check_type(entropy_bits([0.5, 0.5]), float, "entropy_bits([0.5, 0.5])", "return a Python float")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__OWNED__
_h_owned(entropy_bits, "entropy_bits")
_h_rng = np.random.default_rng(1024)
for _h_round in range(5):
    _h_probs = _h_rng.dirichlet(np.full(20, 0.5))
    _h_probs[_h_rng.choice(20, size=6, replace=False)] = 0.0
    _h_probs = (_h_probs / _h_probs.sum()).tolist()
    _h_want = -sum(v * math.log2(v) for v in _h_probs if v > 0)
    check_close(entropy_bits(_h_probs), _h_want, "entropy_bits of a random vector with zeros",
                tol=1e-9, hint="-sum p log2 p over the non-zero p")
    check_close(entropy_bits(np.array(_h_probs)), _h_want, "entropy_bits of a NumPy array",
                tol=1e-9, hint="accept lists and arrays")
check_close(entropy_bits([0.25, 0.75]), 0.8112781244591328, "entropy_bits([0.25, 0.75])",
            tol=1e-12, hint="use log base 2")
### END HIDDEN TESTS
""".replace("__OWNED__", _OWNED),
    ),
    text(
        "s3c-text",
        r"""
### Exercise 3c
The cell below takes the simulator's real next-word logits after the prompt `FLIP_PROMPT`
("Summarise the build"): one score per word of its vocabulary. Compute `entropies`: a list of
floats, `entropy_bits(softmax(EXAMPLE_LOGITS, T))` for every `T` in `ENTROPY_TEMPERATURES`, in
that order.
""",
    ),
    given(
        "s3-example",
        r"""
# The simulator's next-word logits after FLIP_PROMPT (its model only looks at the last two words).
prev2, prev = LM.encode_tail(FLIP_PROMPT)
EXAMPLE_LOGITS = np.asarray(LM.logits(prev2, prev), dtype=np.float64)
EXAMPLE_WORDS = LM.vocab
print(f"{len(EXAMPLE_LOGITS)} words in the vocabulary; the context is {LM.vocab[prev2]!r} {LM.vocab[prev]!r}")
""",
    ),
    answer(
        "q3-entropies",
        r"""
# entropies = [...]  (one float per temperature of ENTROPY_TEMPERATURES)
### BEGIN SOLUTION
entropies = [entropy_bits(softmax(EXAMPLE_LOGITS, t)) for t in ENTROPY_TEMPERATURES]
### END SOLUTION
for t, h in zip(ENTROPY_TEMPERATURES, entropies):
    print(f"T = {t:<5} entropy = {h:.3f} bits")
""",
    ),
    tests(
        "q3-entropies-test",
        3,
        r"""
# Visible self-checks: one value per temperature, growing with the temperature.
check(len(entropies) == len(ENTROPY_TEMPERATURES), "len(entropies)",
      expected=str(len(ENTROPY_TEMPERATURES)), found=len(entropies),
      hint="one entropy per temperature of ENTROPY_TEMPERATURES")
check(all(b >= a - 1e-9 for a, b in zip(entropies, entropies[1:])), "entropies",
      expected="non-decreasing with the temperature", found=[round(float(h), 3) for h in entropies],
      hint="a higher temperature flattens the distribution")
### BEGIN HIDDEN TESTS
_h_z = [float(v) for v in EXAMPLE_LOGITS]
_h_want = []
for _h_t in ENTROPY_TEMPERATURES:
    _h_top = max(_h_z)
    _h_w = [math.exp((v - _h_top) / _h_t) for v in _h_z]
    _h_s = sum(_h_w)
    _h_want.append(-sum((w / _h_s) * math.log2(w / _h_s) for w in _h_w if w > 0))
check_all_close(entropies, _h_want, "entropies", tol=1e-9,
                hint="entropy_bits(softmax(EXAMPLE_LOGITS, T)) for T in ENTROPY_TEMPERATURES")
### END HIDDEN TESTS
""",
    ),
    given(
        "s3-plot",
        r"""
# Not graded: entropy against temperature, and the most probable next words at two temperatures.
grid = np.linspace(0.05, 2.0, 40)
curve = [entropy_bits(softmax(EXAMPLE_LOGITS, t)) for t in grid]
top = np.argsort(-EXAMPLE_LOGITS)[:8]
fig, (left_ax, right_ax) = plt.subplots(1, 2, figsize=(11, 3.4))
left_ax.plot(grid, curve, marker=".")
left_ax.set(xlabel="temperature", ylabel="entropy (bits)", title="Entropy of the next word")
for offset, t in ((-0.2, 0.3), (0.2, 1.0)):
    right_ax.bar(np.arange(len(top)) + offset, softmax(EXAMPLE_LOGITS, t)[top], width=0.4,
                 label=f"T = {t}")
right_ax.set_xticks(np.arange(len(top)), [EXAMPLE_WORDS[i] for i in top], rotation=30)
right_ax.set(ylabel="probability", title="The 8 most probable next words")
right_ax.legend()
fig.tight_layout()
display(fig)
plt.close(fig)

for t in (0.3, 1.0):
    words = [EXAMPLE_WORDS[i] for i in sample_tokens(EXAMPLE_LOGITS, 20, seed=0, temperature=t)]
    print(f"T = {t}: {' '.join(words)}")
""",
    ),
    text(
        "s3-after",
        r"""
Look at the left end of the curve. Lowering the temperature usually drives the entropy to 0, but
here it levels off at about **1 bit**: two words, "could" and "passes", have (almost exactly) the
same logit. A lower temperature sharpens the distribution towards the top, but a tie at the top
stays a coin toss at every temperature above 0. At temperature 0 there is no coin: the argmax
must pick one of the two. Section 5 shows what decides which.
""",
    ),
    # ------------------------------------------------------------------ 4
    text(
        "s4-text",
        r"""
## 4. Measuring a model: the same prompt, N times (16 points)

Now the real API shape. `labkit.client(seed=SEED)` returns an `anthropic.Anthropic` client whose
HTTP transport is the simulator. In the anthropic Python SDK 2.x (2.15 here), `messages.create`
has no `temperature`, `top_p` or `top_k` parameter; its knobs include
`output_config={"effort": ...}` (`"low"`, `"medium"`, `"high"` or `"max"` on `MODEL`; `"xhigh"`
only on Opus 4.7), `thinking` and `speed`. The API itself (version 2026-10-21) reportedly answers
400 to a temperature, top-p or top-k in the request body, even at its default value. The
simulator keeps temperature and a per-request seed as glass-box controls, sent as request headers:
`labkit.glassbox(temperature=..., seed=...)` builds them for the SDK's `extra_headers`:

```python
message = client.messages.create(
    model=MODEL,
    max_tokens=MAX_TOKENS,
    messages=[{"role": "user", "content": "Write a function that sorts a list"}],
    output_config={"effort": "medium"},
    extra_headers=labkit.glassbox(temperature=0.7, seed=3),
)
```

The response's `content` is a list of blocks; the answer is in the blocks whose `type` is
`"text"`, in their `text` attribute. The glass-box temperature takes values from 0 to 1, the
range the classic API accepted (sections 1 and 3 went beyond 1 on the bare softmax only).

*Effort* is the knob behind the first change in Anthropic's post-mortem of 23 April 2026 ("An
update on recent Claude Code quality reports"): on 4 March the default reasoning effort of Claude
Code was lowered from high to medium (Sonnet 4.6 and Opus 4.6) because long thinking at high
effort made the interface look frozen. Internal evaluations showed medium as slightly less
intelligent with much lower latency; Anthropic later called it the wrong trade-off and reverted it
on 7 April. In the simulator, effort mainly changes how long an answer runs.

**The protocol.** The simulator derives all the randomness of a request from the client's seed
and the request's glass-box seed, so the same requests give the same answers, in any order.
Request `i` of every setting (`i = 0, 1, ..., N_REQUESTS - 1`) sends seed `i`. The real API has
no seed: there, every request draws fresh randomness and you cannot replay an experiment exactly.

### Exercise 4a
Write `ask(client, prompt, temperature, effort, seed, max_tokens=MAX_TOKENS)`: send one request to
`client` with model `MODEL`, the given `max_tokens`, a single user message with text `prompt`,
`output_config={"effort": effort}` and `extra_headers=labkit.glassbox(temperature=temperature,
seed=seed)`, and return the response text: the `text` of its text blocks joined with `""` (the empty string if
there are none).
""",
    ),
    given(
        "s4-client",
        r"""
client = labkit.client(seed=SEED)
print(f"simulated: {labkit.is_simulated(client)}; model ids: {[m.id for m in client.models.list()]}")
""",
    ),
    answer(
        "q4-ask",
        r'''
def ask(client, prompt, temperature, effort, seed, max_tokens=MAX_TOKENS):
    """Send one request and return the text of the response."""
    ### BEGIN SOLUTION
    message = client.messages.create(
        model=MODEL,
        max_tokens=max_tokens,
        messages=[{"role": "user", "content": prompt}],
        output_config={"effort": effort},
        extra_headers=labkit.glassbox(temperature=temperature, seed=seed),
    )
    return "".join(block.text for block in message.content if block.type == "text")
    ### END SOLUTION
''',
    ),
    tests(
        "q4-ask-test",
        4,
        r"""
# Visible self-checks.
first = ask(client, DIVERSITY_PROMPT, 1.0, "medium", 0)
check_type(first, str, "ask(...)", "return the text of the response, a str")
check(len(first) > 0, "the text of a response", expected="a non-empty string", found=first,
      hint="join the .text of the blocks whose .type is 'text'")
check(ask(client, DIVERSITY_PROMPT, 1.0, "medium", 0) == first, "the same request twice",
      expected="the same text (same seed)", found="a different text",
      hint="send the seed with extra_headers=labkit.glassbox(...)")
check(ask(client, DIVERSITY_PROMPT, 1.0, "medium", 1) != first, "requests with seeds 0 and 1",
      expected="different texts at temperature 1", found="the same text",
      hint="send the seed and the temperature with extra_headers=labkit.glassbox(...)")
# The same three requests sent by hand at temperature 0: ask must send the temperature too.
greedy_reference = [
    "".join(b.text for b in labkit.client(seed=SEED).messages.create(
        model=MODEL, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": DIVERSITY_PROMPT}],
        output_config={"effort": "medium"}, extra_headers=labkit.glassbox(temperature=0.0, seed=s),
    ).content if b.type == "text")
    for s in range(3)
]
check([ask(client, DIVERSITY_PROMPT, 0.0, "medium", s) for s in range(3)] == greedy_reference,
      "ask(..., temperature=0.0, ...) for seeds 0, 1, 2", expected="the greedy (temperature 0) answers",
      found="other answers", hint="send the temperature as well as the seed: "
      "extra_headers=labkit.glassbox(temperature=temperature, seed=seed)")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_theirs = labkit.client(seed=SEED + 17)
_h_ours = labkit.client(seed=SEED + 17)
for _h_prompt, _h_t, _h_effort, _h_seed, _h_max in [
    (DIVERSITY_PROMPT, 0.7, "medium", 5, MAX_TOKENS),
    ("Explain why the test failed", 1.0, "high", 12, 25),
    (FLIP_PROMPT, 0.0, "low", 3, 10),
    ("Review this pull request", 0.3, "max", 4, 40),
]:
    _h_reply = _h_ours.messages.create(
        model=MODEL, max_tokens=_h_max, messages=[{"role": "user", "content": _h_prompt}],
        output_config={"effort": _h_effort},
        extra_headers=labkit.glassbox(temperature=_h_t, seed=_h_seed))
    _h_want = "".join(getattr(b, "text", "") for b in _h_reply.content)
    _h_got = ask(_h_theirs, _h_prompt, _h_t, _h_effort, _h_seed, max_tokens=_h_max)
    check(_h_got == _h_want, f"ask(client, {_h_prompt!r}, {_h_t}, {_h_effort!r}, {_h_seed}, max_tokens={_h_max})",
          expected=repr(_h_want[:60]), found=repr(str(_h_got)[:60]),
          hint="use the client, prompt, temperature, effort, seed and max_tokens you are given")
### END HIDDEN TESTS
""",
    ),
    text(
        "s4b-text",
        r"""
### Exercise 4b
Send `DIVERSITY_PROMPT` `N_REQUESTS` times (seeds `0` to `N_REQUESTS - 1`) at every temperature
of `TEMPERATURES` and every effort of `EFFORTS`, with `ask` and `client` (and the default
`max_tokens`), and build a pandas DataFrame `diversity` with one row per setting, in this order:
temperatures as in `TEMPERATURES` (outer loop), efforts as in `EFFORTS` (inner loop). Its columns,
exactly `DIVERSITY_COLUMNS`:
- `temperature` (float) and `effort` (str): the setting;
- `n` (int): the number of responses, `N_REQUESTS`;
- `distinct_share`: the number of distinct response texts (exact string equality) divided by `n`;
  1/n means every response was identical, 1.0 means no two were;
- `mean_words`: the mean number of words of a response, counting words with `len(text.split())`.

That is 240 requests; they take about a second.
""",
    ),
    answer(
        "q4-diversity",
        r"""
# diversity = pd.DataFrame(...)
### BEGIN SOLUTION
rows = []
for temperature in TEMPERATURES:
    for effort in EFFORTS:
        texts = [ask(client, DIVERSITY_PROMPT, temperature, effort, i) for i in range(N_REQUESTS)]
        rows.append({
            "temperature": temperature,
            "effort": effort,
            "n": len(texts),
            "distinct_share": len(set(texts)) / len(texts),
            "mean_words": float(np.mean([len(t.split()) for t in texts])),
        })
diversity = pd.DataFrame(rows, columns=DIVERSITY_COLUMNS)
### END SOLUTION
display(diversity)
""",
    ),
    tests(
        "q4-diversity-test",
        12,
        r"""
# Visible self-checks: the shape of the table and the settings in its rows.
check_type(diversity, pd.DataFrame, "diversity", "build a pandas DataFrame")
check(list(diversity.columns) == DIVERSITY_COLUMNS, "the columns of diversity",
      expected=str(DIVERSITY_COLUMNS), found=list(diversity.columns),
      hint="pd.DataFrame(rows, columns=DIVERSITY_COLUMNS)")
wanted_keys = [(t, e) for t in TEMPERATURES for e in EFFORTS]
found_keys = list(zip(diversity["temperature"].tolist(), diversity["effort"].tolist()))
check(found_keys == wanted_keys, "the (temperature, effort) of each row",
      expected=str(wanted_keys), found=found_keys,
      hint="outer loop over TEMPERATURES, inner loop over EFFORTS")
check(diversity["n"].tolist() == [N_REQUESTS] * len(wanted_keys), "the column n",
      expected=f"{N_REQUESTS} in every row", found=diversity["n"].tolist(),
      hint="N_REQUESTS responses per setting")
check(diversity["distinct_share"].between(0, 1).all(), "distinct_share",
      expected="shares between 0 and 1", found=diversity["distinct_share"].tolist(),
      hint="the number of distinct texts divided by n")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_fresh = labkit.client(seed=SEED)
_h_expected = []
for _h_t in TEMPERATURES:
    for _h_effort in EFFORTS:
        _h_texts = []
        for _h_i in range(N_REQUESTS):
            _h_reply = _h_fresh.messages.create(
                model=MODEL, max_tokens=MAX_TOKENS,
                messages=[{"role": "user", "content": DIVERSITY_PROMPT}],
                output_config={"effort": _h_effort},
                extra_headers=labkit.glassbox(temperature=_h_t, seed=_h_i))
            _h_texts.append("".join(getattr(b, "text", "") for b in _h_reply.content))
        _h_expected.append((len(set(_h_texts)) / N_REQUESTS,
                            sum(len(x.split()) for x in _h_texts) / N_REQUESTS))
check_all_close(diversity["distinct_share"].tolist(), [x[0] for x in _h_expected],
                "distinct_share (recomputed from your SEED)", tol=1e-12,
                hint="count distinct texts with seeds 0..N_REQUESTS-1 and the default max_tokens")
check_all_close(diversity["mean_words"].tolist(), [x[1] for x in _h_expected],
                "mean_words (recomputed from your SEED)", tol=1e-9,
                hint="the mean of len(text.split()) over the N_REQUESTS responses")
### END HIDDEN TESTS
""",
    ),
    given(
        "s4-plot",
        r"""
# Not graded: diversity and length against temperature, one line per effort.
fig, (left_ax, right_ax) = plt.subplots(1, 2, figsize=(11, 3.4))
for effort, part in diversity.groupby("effort", sort=False):
    left_ax.plot(part["temperature"], part["distinct_share"], marker="o", label=effort)
    right_ax.plot(part["temperature"], part["mean_words"], marker="o", label=effort)
left_ax.set(xlabel="temperature", ylabel="share of distinct answers", ylim=(0, 1.05))
right_ax.set(xlabel="temperature", ylabel="mean words per answer")
left_ax.legend(title="effort")
fig.tight_layout()
display(fig)
plt.close(fig)
""",
    ),
    text(
        "s4-after",
        r"""
Read your table before you go on. At temperature 0 you (very probably) got one answer,
repeated `N_REQUESTS` times: greedy decoding looks deterministic. Already at 0.3 most answers
differ somewhere: a small chance of a different word at each of dozens of steps adds up, and once
one word differs, the rest of the answer follows a different path. Effort changed the length of
the answers, not whether they repeat. Section 5 shows that the single answer at temperature 0 is
a property of this prompt, not a promise.
""",
    ),
    # ------------------------------------------------------------------ 5
    text(
        "s5-text",
        r"""
## 5. Temperature 0 is not a promise (18 points)

Anthropic's API documentation said, while its API still took a temperature, that even at
temperature 0 results will not be fully deterministic. Thinking Machines Lab (H. He, "Defeating Nondeterminism in LLM Inference",
September 2025) reported an experiment that shows how far from deterministic: 1000 completions of
"Tell me about Richard Feynman" at temperature 0 on a Qwen3 model gave 80 different outputs,
identical for the first ~102 tokens, and all 1000 were identical once the kernels were made
*batch-invariant*. The cause they describe is not a random number: it is arithmetic.
Floating-point addition is not associative, and many GPU kernels add up the terms of a sum in an
order that depends on the *batch size*: how many requests the server is processing together,
which depends on the load from other users. Different order, different rounding; where two tokens
are nearly tied, a different argmax. (This course knows that post only through summaries: treat
its numbers as reported, not verified.)

### Exercise 5a: floating-point addition is not associative
In float32, numbers have a 24-bit mantissa: near $10^8$ they are spaced 8 apart, so adding 1 to
$10^8$ changes nothing. In the cell below, compute with the float32 values `a`, `b` and `c` given
there:
- `left = (a + b) + c` and `right = a + (b + c)`, both as `np.float32` (keep the parentheses:
  they set the order of the additions).
""",
    ),
    answer(
        "q5-assoc",
        r"""
a, b, c = np.float32(1e8), np.float32(-1e8), np.float32(1.0)
# left = ...; right = ...
### BEGIN SOLUTION
left = (a + b) + c
right = a + (b + c)
### END SOLUTION
print(f"(a + b) + c = {left!r}    a + (b + c) = {right!r}")
""",
    ),
    tests(
        "q5-assoc-test",
        2,
        r"""
# Visible self-checks.
for label, value in (("left", left), ("right", right)):
    check_type(value, np.float32, label, "keep the float32 values a, b and c: do not convert them")
check(left != right, "left and right", expected="two different float32 numbers",
      found=(left, right), hint="(a + b) + c and a + (b + c), with the parentheses")
check(left == np.float32(1.0) and right == np.float32(0.0), "left and right",
      expected="(1.0, 0.0)", found=(left, right), hint="left = (a + b) + c; right = a + (b + c)")
print("Visible self-checks passed.")
""",
    ),
    text(
        "s5-tiled-text",
        r"""
### Exercise 5b: a sum in tiles
A logit is a sum of many terms, and a GPU kernel does not add them one by one: it cuts the sum
into pieces (tiles), adds up each piece, then adds the pieces. Write `tiled_sum(values, n_tiles)`,
the way the simulator's "kernel" adds up the terms of a logit:
- convert `values` to a float32 array; raise `ValueError` if `n_tiles < 1`;
- cut it into `n_tiles` consecutive tiles: tile `j` (for `j = 0, ..., n_tiles - 1`) is
  `values[round(j * n / n_tiles) : round((j + 1) * n / n_tiles)]`, with `n = len(values)` and
  Python's built-in `round` (a tile may be empty);
- add up each tile from left to right in float32, then add the tile sums from left to right in
  float32 (an empty tile contributes 0);
- return the result as an `np.float32`.

Do not use `np.sum`, `math.fsum` or float64: NumPy's `sum` uses its own order (pairwise
summation), and the point here is the order. A plain loop is fine; the arrays are short.
""",
    ),
    answer(
        "q5-tiled",
        r'''
def tiled_sum(values, n_tiles):
    """The float32 sum of `values` in n_tiles consecutive tiles (see the instructions)."""
    ### BEGIN SOLUTION
    terms = np.asarray(values, dtype=np.float32)
    if n_tiles < 1:
        raise ValueError("n_tiles must be at least 1")
    n = len(terms)
    total = np.float32(0.0)
    for j in range(n_tiles):
        tile_sum = np.float32(0.0)
        for value in terms[round(j * n / n_tiles): round((j + 1) * n / n_tiles)]:
            tile_sum = np.float32(tile_sum + value)
        total = np.float32(total + tile_sum)
    return total
    ### END SOLUTION
''',
    ),
    tests(
        "q5-tiled-test",
        6,
        r"""
# Visible self-checks: a hand-made example (the exact sum is 2.0; float32 never finds it).
four = [1e8, 1.0, -1e8, 1.0]
check_type(tiled_sum(four, 1), np.float32, "tiled_sum(four, 1)", "return an np.float32")
for tiles, wanted in ((1, 1.0), (2, 0.0), (3, 1.0), (4, 1.0)):
    check(tiled_sum(four, tiles) == np.float32(wanted), f"tiled_sum({four}, {tiles})",
          expected=repr(np.float32(wanted)), found=tiled_sum(four, tiles),
          hint="sum each tile left to right in float32, then the tile sums left to right")
check_raises(lambda: tiled_sum(four, 0), ValueError, "tiled_sum(four, 0)", "n_tiles must be >= 1")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_reference_tiled(values, tiles):
    _vals = [np.float32(v) for v in values]
    _edges = [round(j * len(_vals) / tiles) for j in range(tiles + 1)]
    _acc = np.float32(0.0)
    for _lo, _hi in zip(_edges[:-1], _edges[1:]):
        _part = np.float32(0.0)
        for _i in range(_lo, _hi):
            _part = np.float32(_part + _vals[_i])
        _acc = np.float32(_acc + _part)
    return _acc

_h_rng = np.random.default_rng(26)
for _h_n in (1, 4, 5, 10, 11):
    _h_scale = np.where(_h_rng.random(_h_n) < 0.5, 3.0e4, 1.0)
    _h_vals = (_h_rng.normal(size=_h_n) * _h_scale).astype(np.float32)
    for _h_tiles in range(1, 8):
        _h_got = tiled_sum(_h_vals, _h_tiles)
        _h_want = _h_reference_tiled(_h_vals, _h_tiles)
        check(isinstance(_h_got, np.float32) and _h_got == _h_want,
              f"tiled_sum of {_h_n} random values in {_h_tiles} tiles",
              expected=repr(_h_want), found=_h_got,
              hint="tile j is values[round(j*n/n_tiles):round((j+1)*n/n_tiles)]; float32 throughout")
_h_half = [np.float32(1e8), np.float32(3.0), np.float32(4.0), np.float32(-1e8), np.float32(1.0)]
check(tiled_sum(_h_half, 2) == _h_reference_tiled(_h_half, 2), "tiled_sum of 5 values in 2 tiles",
      expected=repr(_h_reference_tiled(_h_half, 2)), found=tiled_sum(_h_half, 2),
      hint="Python's round(2.5) is 2: the first tile has 2 values")
check(tiled_sum([], 3) == np.float32(0.0), "tiled_sum([], 3)", expected="0.0",
      found=tiled_sum([], 3), hint="empty tiles contribute 0")
check_raises(lambda: tiled_sum([1.0, 2.0], -1), ValueError, "tiled_sum with n_tiles = -1",
             "n_tiles must be >= 1")
### END HIDDEN TESTS
""",
    ),
    text(
        "s5-hood-text",
        r"""
### Under the hood: why "could" and "passes" swap places
The simulator's logit for a word is the float32 sum of ten terms (evidence from the previous word,
the word before it, and so on). A few of the terms are very large and cancel *exactly* in real
arithmetic; in float32 they leave behind rounding errors of the order of 0.001 to 0.01, which is
more than the gap between "could" and "passes". The server cuts the ten terms into tiles, and
the number of tiles depends on the batch size (`lm.split_for_batch`): 5 tiles at batch size 1,
3 at 2-4, 2 at 8-16, 1 at 32 or more: a stand-in for kernels that split a reduction differently
for small and large batches, the cause Thinking Machines describes. Run the next cell: it adds up
the terms with **your** `tiled_sum` and checks that you reproduce the simulator's logits bit for
bit. Which word wins at which batch size? (When two
logits are exactly equal, `np.argmax` takes the lower index, and "could" comes before "passes" in
the vocabulary.)
""",
    ),
    given(
        "s5-hood",
        r"""
def logit_terms(context, word):
    # The float32 terms whose sum is the simulator's logit for `word` after `context`.
    prev2, prev = LM.encode_tail(context)
    target = LM.index[word]
    terms = []
    for part in LM.components(prev2, prev):
        if isinstance(part, tuple):          # a sparse term: (indices, values)
            indices, part_values = part
            hits = np.flatnonzero(indices == target)
            terms.append(part_values[hits[0]] if hits.size else np.float32(0.0))
        else:
            terms.append(part[target])
    return np.array(terms, dtype=np.float32)


print("the terms for 'passes':", logit_terms(FLIP_PROMPT, "passes"))
print("their exact sum:        ", math.fsum(float(v) for v in logit_terms(FLIP_PROMPT, "passes")))
print("the exact sum for 'could':", math.fsum(float(v) for v in logit_terms(FLIP_PROMPT, "could")))
print()
prev2, prev = LM.encode_tail(FLIP_PROMPT)
for batch_size in (1, 2, 8, 32):
    tiles = lm.split_for_batch(batch_size)
    mine = {w: tiled_sum(logit_terms(FLIP_PROMPT, w), tiles) for w in ("could", "passes")}
    server = LM.logits(prev2, prev, batch_size=batch_size)
    same = all(mine[w] == server[LM.index[w]] for w in mine)
    greedy = LM.vocab[int(np.argmax(server))]
    print(f"batch size {batch_size:>3} -> {tiles} tiles: could {float(mine['could']):.8f}, "
          f"passes {float(mine['passes']):.8f}, argmax {greedy!r:>9}, matches the simulator: {same}")
""",
    ),
    text(
        "s5b-text",
        r"""
### Exercise 5c: the same prompt at temperature 0, forty times
Now measure it through the API. `client.messages.with_raw_response.create(...)` takes the same
arguments as `create` and returns a raw response: `raw.headers` holds the HTTP headers (the
simulator reports the batch your request landed in as `raw.headers["labkit-batch-size"]`, a
string) and `raw.parse()` returns the usual message.

Write `repeat_greedy(client, prompt, n, batch_invariant)` that sends `n` requests (request `i`,
for `i = 0, ..., n - 1`) with model `MODEL`, `max_tokens=FLIP_MAX_TOKENS`, a single user message
`prompt`, no `output_config`, and the glass-box headers
`extra_headers=labkit.glassbox(temperature=0.0, seed=FLIP_SEED_BASE + i,
batch_invariant=batch_invariant)`, and returns a DataFrame with one row per request, in order,
and the columns `request` (the int `i`), `batch_size` (int, from the header) and `text` (the
response text, as in `ask`).

Then, with `client`:
- `flips_default = repeat_greedy(client, FLIP_PROMPT, N_REPEATS, False)` and
  `flips_invariant = repeat_greedy(client, FLIP_PROMPT, N_REPEATS, True)`;
- `distinct_default` and `distinct_invariant`: the number of distinct texts in each (ints);
- `batch_sizes_seen`: the sorted list of the distinct batch sizes in `flips_default` (ints);
- `majority_share`: the share of the requests in `flips_default` that gave its most common text.

Batch invariance is a glass-box switch of the simulator that makes the server add up the terms
in the same order whatever the batch (it always reports batch size 1). The real Anthropic API has
no such switch, and no temperature or seed setting either.
""",
    ),
    answer(
        "q5-flips",
        r'''
def repeat_greedy(client, prompt, n, batch_invariant):
    """n requests at temperature 0; one row per request: request, batch_size, text."""
    ### BEGIN SOLUTION
    rows = []
    for i in range(n):
        raw = client.messages.with_raw_response.create(
            model=MODEL,
            max_tokens=FLIP_MAX_TOKENS,
            messages=[{"role": "user", "content": prompt}],
            extra_headers=labkit.glassbox(temperature=0.0, seed=FLIP_SEED_BASE + i,
                                          batch_invariant=batch_invariant),
        )
        message = raw.parse()
        text = "".join(block.text for block in message.content if block.type == "text")
        rows.append({"request": i, "batch_size": int(raw.headers["labkit-batch-size"]), "text": text})
    return pd.DataFrame(rows, columns=["request", "batch_size", "text"])
    ### END SOLUTION


# flips_default = ...; flips_invariant = ...; distinct_default = ...; distinct_invariant = ...
# batch_sizes_seen = ...; majority_share = ...
### BEGIN SOLUTION
flips_default = repeat_greedy(client, FLIP_PROMPT, N_REPEATS, False)
flips_invariant = repeat_greedy(client, FLIP_PROMPT, N_REPEATS, True)
distinct_default = int(flips_default["text"].nunique())
distinct_invariant = int(flips_invariant["text"].nunique())
batch_sizes_seen = sorted(int(s) for s in flips_default["batch_size"].unique())
majority_share = float(flips_default["text"].value_counts(normalize=True).iloc[0])
### END SOLUTION
print(f"default:         {distinct_default} distinct answer(s) in {N_REPEATS} requests; "
      f"batch sizes seen: {batch_sizes_seen}; the most common answer: {majority_share:.0%}")
print(f"batch-invariant: {distinct_invariant} distinct answer(s) in {N_REPEATS} requests")
''',
    ),
    tests(
        "q5-flips-test",
        10,
        r"""
# Visible self-checks (these hold for every seed).
for label, frame in (("flips_default", flips_default), ("flips_invariant", flips_invariant)):
    check_type(frame, pd.DataFrame, label, "repeat_greedy returns a DataFrame")
    check(list(frame.columns) == ["request", "batch_size", "text"], f"the columns of {label}",
          expected="['request', 'batch_size', 'text']", found=list(frame.columns),
          hint="one row per request with these three columns")
    check(frame["request"].tolist() == list(range(N_REPEATS)), f"the requests of {label}",
          expected=f"0 .. {N_REPEATS - 1}, in order", found=frame["request"].tolist()[:8],
          hint="n rows, request i in row i")
check(set(flips_invariant["batch_size"]) == {1}, "the batch sizes with batch_invariant=True",
      expected="{1}", found=sorted(set(flips_invariant["batch_size"])),
      hint="pass batch_invariant to labkit.glassbox(...) and read the labkit-batch-size header; "
           "header values are strings, so convert it with int(...)")
check(distinct_invariant == 1, "distinct_invariant",
      expected="1: a batch-invariant server gives the same answer every time at temperature 0",
      found=distinct_invariant, hint="the number of distinct texts in flips_invariant")
check(set(batch_sizes_seen) <= set(lm.BATCH_SIZES) and batch_sizes_seen == sorted(batch_sizes_seen),
      "batch_sizes_seen", expected=f"a sorted list of sizes from {list(lm.BATCH_SIZES)}",
      found=batch_sizes_seen, hint="sorted distinct values of flips_default['batch_size'], as ints")
check(0 < majority_share <= 1, "majority_share", expected="a share in (0, 1]",
      found=majority_share, hint="the count of the most common text divided by N_REPEATS")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_reference_repeat(api, prompt, count, invariant):
    _out = []
    for _k in range(count):
        _raw = api.messages.with_raw_response.create(
            model=MODEL, max_tokens=FLIP_MAX_TOKENS,
            messages=[{"role": "user", "content": prompt}],
            extra_headers=labkit.glassbox(temperature=0.0, seed=FLIP_SEED_BASE + _k,
                                          batch_invariant=invariant))
        _msg = _raw.parse()
        _out.append((_k, int(_raw.headers["labkit-batch-size"]),
                     "".join(getattr(b, "text", "") for b in _msg.content)))
    return _out

def _h_rows(frame):
    return [(int(r), int(s), str(t)) for r, s, t in
            zip(frame["request"].tolist(), frame["batch_size"].tolist(), frame["text"].tolist())]

_h_api = labkit.client(seed=SEED)
_h_default = _h_reference_repeat(_h_api, FLIP_PROMPT, N_REPEATS, False)
_h_invariant = _h_reference_repeat(_h_api, FLIP_PROMPT, N_REPEATS, True)
check(_h_rows(flips_default) == _h_default, "flips_default (recomputed from your SEED)",
      expected=str(_h_default[:3]), found=_h_rows(flips_default)[:3],
      hint="seed FLIP_SEED_BASE + i, temperature 0.0, max_tokens FLIP_MAX_TOKENS, no effort")
check(_h_rows(flips_invariant) == _h_invariant, "flips_invariant (recomputed from your SEED)",
      expected=str(_h_invariant[:3]), found=_h_rows(flips_invariant)[:3],
      hint="the same requests with batch_invariant=True")
_h_texts = [row[2] for row in _h_default]
_h_counts = {}
for _h_text in _h_texts:
    _h_counts[_h_text] = _h_counts.get(_h_text, 0) + 1
check(distinct_default == len(_h_counts), "distinct_default", expected=str(len(_h_counts)),
      found=distinct_default, hint="the number of distinct texts in flips_default")
check(list(batch_sizes_seen) == sorted({row[1] for row in _h_default}), "batch_sizes_seen",
      expected=str(sorted({row[1] for row in _h_default})), found=batch_sizes_seen,
      hint="the sorted distinct batch sizes of flips_default")
check_close(majority_share, max(_h_counts.values()) / N_REPEATS, "majority_share", tol=1e-12,
            hint="the count of the most common text divided by N_REPEATS")
_h_small_theirs = repeat_greedy(labkit.client(seed=SEED + 5), "Explain the build", 6, False)
_h_small_ours = _h_reference_repeat(labkit.client(seed=SEED + 5), "Explain the build", 6, False)
check(_h_rows(_h_small_theirs) == _h_small_ours, "repeat_greedy on another client and prompt",
      expected=str(_h_small_ours[:2]), found=_h_rows(_h_small_theirs)[:2],
      hint="use the client, prompt, n and batch_invariant arguments")
### END HIDDEN TESTS
""",
    ),
    given(
        "s5-crosstab",
        r"""
# Not graded: which answer came from which batch size?
display(pd.crosstab(flips_default["batch_size"], flips_default["text"]))
""",
    ),
    text(
        "s5-after",
        r"""
Every request was greedy, none used a random number to choose a word, and yet the answers
differ: which one you get depends on how busy the (simulated) server was. Nothing in the answer
tells you which batch it came from, and on a real API you cannot see or set the batch size. The
batch-invariant mode fixes the order of the additions and with it the answer. Thinking Machines
reported that this has a price: in their measurement 1000 sequences took 26 s with the default
kernels, 55 s with a naive deterministic version and 42 s with an improved one.

Only some prompts are sensitive: it takes a near-tie between the two best words somewhere along
the answer. In this simulator a few prompts in a hundred are; `DIVERSITY_PROMPT` is not, which is
why section 4 showed one answer at temperature 0. Real prompts are longer and real answers run to
hundreds of tokens, each one a new chance for a near-tie.
""",
    ),
    # ------------------------------------------------------------------ 6
    text(
        "s6-text",
        r"""
## 6. Reflection (24 points, graded by a person)

Answer in the cells marked *YOUR ANSWER HERE*, in plain language, using **numbers from your own
notebook** (quote them with sensible rounding). A grader reads these with a mark scheme: correct
reasoning with your numbers matters more than length.
""",
    ),
    task(
        "q6a-review-bot",
        14,
        r"""
### Question 6a (14 points)
Your team runs a code-review bot on every pull request. It calls a model with temperature 0
(through an API that still offers the setting), and the team expects that re-running it on the
same diff gives the same review. Last week a re-run gave a different verdict and a reviewer is
upset. Write a reply to the team (about 150-250
words): is temperature 0 deterministic, and why or why not (use your section 5 results)? What
else could change a review between two runs? What would you measure before promising anything,
and what would you change in how the bot is used?

### BEGIN MARK SCHEME
14 points. Numbers must come from the student's notebook (they differ per student); accept any
sensible rounding. Deduct for a number that is wrong for their notebook, and for invented facts
(numbers, dates, API features that are not in the lab).

- **Temperature 0 is greedy, not deterministic (3 pts).** Temperature 0 means argmax, with no
  random draw, but the logits themselves vary: the server's reduction order depends on the batch
  size (load from other users), float32 addition is not associative (their `left`/`right`), and a
  near-tie between the top tokens flips; after one different token the rest of the answer
  diverges. Anthropic's API documentation stated (while the API took a temperature) that temperature 0 is
  not fully deterministic.
  1 pt for "not deterministic" without the mechanism.
- **Their own evidence (3 pts).** Quotes `distinct_default` (almost always 2) of `N_REPEATS` = 40
  at temperature 0 with the batch sizes seen (`batch_sizes_seen`), `majority_share` (about
  0.5-0.8), versus `distinct_invariant` = 1 with `batch_invariant`; may quote section 4 (one
  answer at temperature 0 for `DIVERSITY_PROMPT`) to show that it depends on the prompt. Citing
  Thinking Machines as *reported* (80 distinct outputs of 1000 at temperature 0, identical first
  ~102 tokens; 1000 identical with batch-invariant kernels) is a plus; stating it as certain
  or with other numbers is not.
- **Other sources of change (2 pts).** At least two of: a new model version or snapshot; a
  changed system prompt, harness or default setting (Anthropic's 23 Apr 2026 post-mortem: a
  lowered effort default and a verbosity instruction changed Claude Code's behaviour without any
  change to the API or the model); different context (the diff, the repository state, retrieved
  files, the order of files); effort or thinking settings; a bug in the serving stack (Sep 2025
  post-mortem: approximate top-k dropped the most probable token).
- **What to measure (4 pts).** Re-run the bot K times (e.g. 5-20) on a fixed set of real pull
  requests; measure per PR whether the *verdict* (or the set of findings) agrees across runs, not
  byte-identical text; report the share of PRs with disagreeing verdicts with an error bar (the
  PR is the unit: clustered/binomial SE over PRs); keep measuring after model, prompt or setting
  changes to catch regressions. 2 pts if only "run it several times" without saying what is
  compared or how many.
- **What to change (2 pts).** Do not promise identical text. Options: store the review for a given
  commit + model + prompt version and show the stored one on re-runs; make decisions robust
  (majority vote over several runs, structured verdicts, a human for disagreements); treat a
  re-run as a second opinion. Noting that today's Claude API offers no temperature,
  `seed` or batch-invariant mode (glass-box controls of the simulator only), and that determinism has a throughput cost (reported
  26 s vs 42 s), is a plus.
### END MARK SCHEME
""",
    ),
    free(r"""
YOUR ANSWER HERE
"""),
    task(
        "q6b-testing",
        10,
        r"""
### Question 6b (10 points)
A colleague proposes a test for "the bot is deterministic": send one prompt twice at temperature 0
and check that the two answers are identical. Using your numbers (about 100-200 words):
1. What would this test have reported for `DIVERSITY_PROMPT` and for `FLIP_PROMPT`?
2. Treat your `majority_share` as the probability $s$ of the most common answer to `FLIP_PROMPT`
   (there were two answers, probably). What is the probability that two requests give the same
   answer? Show the calculation.
3. How many requests of `FLIP_PROMPT` would you need to see at least one disagreement with
   probability at least 95%?
4. What test would you write instead, and what would it report?

### BEGIN MARK SCHEME
10 points. Use the student's own `majority_share` s (typically 0.5-0.8; two answers,
"passes." and "could break it.", expected shares 5/8 and 3/8).

- **1. What the test reports (2 pts).** `DIVERSITY_PROMPT`: always identical at temperature 0 in
  their section 4 table (`distinct_share` = 1/30) -> the test says "deterministic".
  `FLIP_PROMPT`: sometimes identical, sometimes not: the verdict of the test is itself random.
- **2. Probability of agreement (3 pts).** With two answers: P(same) = s^2 + (1 - s)^2 (e.g.
  s = 0.625 -> 0.39 + 0.14 = 0.53; s = 0.7 -> 0.58). Full marks for the formula applied to their s
  with a correct result; 1 pt for s^2 alone with the idea that both must match.
- **3. Requests needed (2 pts).** P(all n agree) = s^n + (1 - s)^n <= 0.05; roughly
  n >= ln(0.05) / ln(s): s = 0.5 -> n = 6; s = 0.625 -> n = 7; s = 0.7 -> n = 9; s = 0.75 ->
  n = 11; s = 0.8 -> n = 14. Accept the approximation ignoring (1 - s)^n. A number that fits
  their s.
- **4. A better test (3 pts).** Many prompts, not one (in the simulator only a few prompts in a
  hundred are sensitive; real prompts and long answers give more chances for near-ties), each
  repeated several times; report the share of prompts whose answers disagree (or the flip rate)
  with an error bar, i.e. a rate, not a yes/no; compare what matters (the verdict or the
  findings), not only exact text; rerun it after model, prompt or infrastructure changes. 1 pt for
  "repeat more" without a rate or more prompts.
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
- Anthropic (17 September 2025). *A postmortem of three recent issues.* Anthropic engineering
  blog. (the approximate top-k miscompilation)
- Anthropic (23 April 2026). *An update on recent Claude Code quality reports.* Anthropic
  engineering blog. (the effort default and other product-layer changes)
- Anthropic. Messages API documentation. (temperature 0 is not fully deterministic)
- Anthropic. `anthropic` Python SDK 2.x. (`output_config`, `extra_headers`; it sends API version
  2026-10-21, under which temperature, top-p and top-k are reportedly refused)
- He, H., Thinking Machines Lab (September 2025). *Defeating Nondeterminism in LLM Inference.*
  (known to this course through summaries; its numbers are quoted as reported)
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
