"""The hidden tests of lab 1, "Same prompt, different answers", run by the grader.

Each test calls the student's functions in their kernel with plain arguments (many calls in one
round trip) or reads their results as plain data, and compares them with reference code written
here, independently of the model solution (plain-Python loops where the solution uses NumPy).
Experiment results are recomputed with the simulator in this process, seeded from the grader's
record of whose submission it is (`nb.seed`), never from a seed the notebook holds.

"Write your own softmax" is checked on the submitted source: a `def` in the student's cells that
reaches nothing of labkit.sim.sampling, in a notebook that runs no code the grader cannot read
(exec, eval, computed imports or attribute names), since such code could reach it unseen.
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from autograder.grader import Submission, hidden_test
from autograder.grader.source import python_of
from autograder.grader.submission import Call
from labkit.checks import CheckFailed, check, check_all_close, check_close, check_raises

EXPERIMENT = "lab1-determinism"  # the set-up cell's student_seed(...) experiment
SAMPLING = "labkit.sim.sampling"

# The protocol of the set-up cell, held here so that a notebook that changes it gains nothing.
MODEL = "sim-sonnet-4-6"
DIVERSITY_PROMPT = "Write a function that sorts a list"
TEMPERATURES = [0.0, 0.3, 0.7, 1.0]
EFFORTS = ["medium", "high"]
N_REQUESTS = 30
MAX_TOKENS = 60
DIVERSITY_COLUMNS = ["temperature", "effort", "n", "distinct_share", "mean_words"]
FLIP_PROMPT = "Summarise the build"
N_REPEATS = 40
FLIP_MAX_TOKENS = 20
FLIP_SEED_BASE = 1000
ENTROPY_TEMPERATURES = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
FLIP_COLUMNS = ["request", "batch_size", "text"]

# -- ownership ------------------------------------------------------------------------------
# Code that reaches a module or a name the grader cannot see in the text: anywhere in the cells
# a student controls, it could bind a notebook name to the simulator's functions unseen.
DYNAMIC_NAMES = {
    "exec", "eval", "compile", "__import__", "globals", "vars", "locals", "importlib",
    "builtins", "__builtins__", "attrgetter", "methodcaller", "__loader__", "__spec__",
}  # fmt: skip
DYNAMIC_ATTRIBUTES = {
    "__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__",
    "__getattribute__", "__import__", "__loader__", "__spec__", "__func__", "__wrapped__",
    "modules", "import_module", "attrgetter", "methodcaller", "user_ns", "user_global_ns",
    "run_cell", "run_code", "ex", "ev", "push", "__self__", "f_globals", "f_locals",
}  # fmt: skip
NAMED_ACCESS = {"getattr", "setattr", "delattr", "hasattr"}


# Magics that run Python text in the kernel: a body the grader reads only if it is a constant,
# and whose imports (unlike a cell's) bind names nothing else sees. Files and history they run
# (%run, %load, %rerun...) the grader cannot read at all.
TEXT_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python3"}
UNREADABLE_MAGICS = {"run", "load", "rerun", "recall", "macro", "loadpy", "paste", "cpaste"}


def _constant_text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _magic(node: ast.Call) -> list[str]:
    """What a magic call (as IPython's transformer writes it) hides from the grader."""
    kind = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    args = [_constant_text(a) for a in node.args]
    name = args[0] if args else None
    body = args[-1] if kind == "run_cell_magic" and len(args) == 3 else None
    if kind == "run_line_magic" and len(args) == 2:
        body = args[1]
    if name is None or (body is None and len(args) >= 2):
        return [f"%{kind} with a computed argument"]
    name = name.split()[0] if name.strip() else name
    if name in UNREADABLE_MAGICS:
        return [f"%{name}"]
    if name not in TEXT_MAGICS or body is None:
        return []
    try:
        tree = ast.parse(python_of(body))
    except SyntaxError:
        return []  # it will not run either
    hidden = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return [f"an import inside %{name}"] * bool(hidden) + dynamic_code([tree])


def dynamic_code(trees: Iterable[ast.Module]) -> list[str]:
    """What in the student's cells reaches code by names computed at run time."""
    found: set[str] = set()
    direct: set[int] = set()  # getattr(x, "constant") nodes: readable, so allowed
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in NAMED_ACCESS:
                attribute = _constant_text(node.args[1]) if len(node.args) >= 2 else None
                if attribute is not None and not attribute.startswith("__"):
                    direct.add(id(node.func))
            elif isinstance(node.func, ast.Attribute) and node.func.attr in (
                "run_cell_magic",
                "run_line_magic",
                "magic",
            ):
                found.update(_magic(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                if node.id in DYNAMIC_NAMES:
                    found.add(node.id)
                elif node.id in NAMED_ACCESS and id(node) not in direct:
                    found.add(f"{node.id} with a computed name")
            elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
                found.add(f".{node.attr}")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module]
                found.update(m for m in modules if m.split(".")[0] in ("importlib", "builtins"))
    return sorted(found)


def owned(nb: Submission, name: str) -> None:
    """The ownership rule of the lab: `name` is the student's own `def`, using nothing of the
    simulator's sampling module, in a notebook whose code the grader can read."""
    nb.source.require_own(name, not_from=[SAMPLING])
    dynamic = dynamic_code(nb.source.trees)
    if dynamic:
        raise CheckFailed(
            f"what your notebook runs (so what {name} may call)",
            "code the grader can read: no exec, eval, computed imports or attribute names",
            ", ".join(dynamic[:6]),
            f"write {name} with plain calls; {SAMPLING} must not be reachable from your code",
        )


# -- reading what came back -----------------------------------------------------------------
def outcome(call: Call, what: str) -> Any:
    """The value of a call that should have returned; what the student raised fails `what`."""
    if call.error is not None:
        raise CheckFailed(
            what,
            "a value",
            f"{call.error.kernel_type}: {call.error}",
            "your function raised on this input; run it on the input shown",
        )
    return call.value


def array(call: Call, what: str, hint: str) -> np.ndarray:
    value = outcome(call, what)
    check(
        isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "biuf",
        what,
        expected="a 1-D NumPy array of numbers",
        found=f"an array {value.shape} of {value.dtype}"
        if isinstance(value, np.ndarray)
        else value,
        hint=hint,
    )
    assert isinstance(value, np.ndarray)
    return value


def probabilities(call: Call, expected: Sequence[float], what: str, hint: str, tol: float) -> None:
    found = array(call, what, "return a NumPy array")
    check_all_close(found.tolist(), expected, what, tol=tol, hint=hint)


def raises(call: Call, error: type[BaseException], what: str, hint: str) -> None:
    check_raises(call.result, error, what, hint)


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- reference code (independent of the model solution) -------------------------------------
def ref_softmax(logits: Sequence[float], t: float) -> list[float]:
    top = max(logits)
    weights = [math.exp((v - top) / t) for v in logits]
    return [w / sum(weights) for w in weights]


def ref_top_k(values: Sequence[float], k: int) -> list[float]:
    cut = sorted(values, reverse=True)[min(k, len(values)) - 1]
    kept = [v if v >= cut else 0.0 for v in values]
    return [v / sum(kept) for v in kept]


def ref_top_p(values: Sequence[float], p: float) -> list[float]:
    if p >= 1:
        return [v / sum(values) for v in values]
    keep, total = set(), 0.0
    for i in sorted(range(len(values)), key=lambda i: (-values[i], i)):
        keep.add(i)
        total += values[i]
        if total >= p:
            break
    kept = [values[i] if i in keep else 0.0 for i in range(len(values))]
    return [v / sum(kept) for v in kept]


def ref_draws(
    logits: Sequence[float], n: int, seed: int, t: float, k: int | None, p: float | None
) -> list[int]:
    z = [float(v) for v in logits]
    if t == 0:
        return [z.index(max(z))] * n
    probs = ref_softmax(z, t)
    if k is not None:
        probs = ref_top_k(probs, k)
    if p is not None:
        probs = ref_top_p(probs, p)
    draws: list[int] = (
        np.random.default_rng(seed).choice(len(probs), size=n, p=np.array(probs)).tolist()
    )
    return draws


def ref_entropy(probs: Sequence[float]) -> float:
    return -sum(v * math.log2(v) for v in probs if v > 0)


def ref_tiled(values: Sequence[float], tiles: int) -> float:
    vals = [np.float32(v) for v in values]
    edges = [round(j * len(vals) / tiles) for j in range(tiles + 1)]
    total = np.float32(0.0)
    for lo, hi in itertools.pairwise(edges):
        part = np.float32(0.0)
        for i in range(lo, hi):
            part = np.float32(part + vals[i])
        total = np.float32(total + part)
    return float(total)


def text_of(message: Any) -> str:
    return "".join(getattr(b, "text", "") for b in message.content if b.type == "text")


def simulator(nb: Submission) -> Any:
    """A client of the simulator seeded as this student's notebook must seed its own."""
    import labkit

    return labkit.client(seed=nb.seed(EXPERIMENT), backend="sim")


def ref_ask(api: Any, prompt: str, t: float, effort: str, seed: int, max_tokens: int) -> str:
    from labkit.glassbox import glassbox

    reply = api.messages.create(
        model=MODEL,
        max_tokens=max_tokens,
        messages=[{"role": "user", "content": prompt}],
        output_config={"effort": effort},
        extra_headers=glassbox(temperature=t, seed=seed),
    )
    return text_of(reply)


def ref_repeat(api: Any, prompt: str, count: int, invariant: bool) -> list[tuple[int, int, str]]:
    from labkit.glassbox import glassbox

    rows = []
    for k in range(count):
        raw = api.messages.with_raw_response.create(
            model=MODEL,
            max_tokens=FLIP_MAX_TOKENS,
            messages=[{"role": "user", "content": prompt}],
            extra_headers=glassbox(
                temperature=0.0, seed=FLIP_SEED_BASE + k, batch_invariant=invariant, base_model=True
            ),
        )
        rows.append((k, int(raw.headers["labkit-batch-size"]), text_of(raw.parse())))
    return rows


@cache
def example_logits() -> tuple[float, ...]:
    """The simulator's next-word logits after FLIP_PROMPT, as the set-up of section 3 has them."""
    from labkit.sim import lm

    model = lm.load()
    prev2, prev = model.encode_tail(FLIP_PROMPT)
    return tuple(float(v) for v in np.asarray(model.logits(prev2, prev), dtype=np.float64))


# -- 1. softmax -----------------------------------------------------------------------------
@hidden_test("q1-softmax-test")
def softmax_test(nb: Submission) -> None:
    owned(nb, "softmax")
    z = [0.3, -1.2, 2.5, 0.0, 2.5]
    cases: list[tuple[Sequence[Any], str, list[float], str, float]] = [
        (
            ([1.0, 2.0, 3.0],),
            "softmax([1.0, 2.0, 3.0])",
            ref_softmax([1.0, 2.0, 3.0], 1.0),
            "exp(z_i / T) divided by the sum of all exp(z_j / T)",
            1e-12,
        ),
        (
            ([1.0, 2.0, 3.0], 0.5),
            "softmax at temperature 0.5 (the same as doubling the logits)",
            ref_softmax([2.0, 4.0, 6.0], 1.0),
            "divide the logits by the temperature",
            1e-12,
        ),
        (
            ([1000.0, 1001.0],),
            "softmax([1000.0, 1001.0])",
            ref_softmax([0.0, 1.0], 1.0),
            "subtract the largest logit before calling np.exp",
            1e-12,
        ),
        *[
            ((z, t), f"softmax({z}, {t})", ref_softmax(z, t), "exp(z / T), normalised", 1e-12)
            for t in (0.25, 1.0, 3.0)
        ],
        (
            ([-1000.0, -1000.0],),
            "softmax([-1000.0, -1000.0])",
            [0.5, 0.5],
            "very negative logits must not underflow to 0 / 0",
            1e-12,
        ),
        (
            ([0.0, -math.inf, math.log(3.0)],),
            "softmax with a forbidden token (-inf)",
            [0.25, 0.0, 0.75],
            "exp(-inf) is 0: a forbidden token gets probability 0",
            1e-12,
        ),
        (
            ([1.0, 2.0, 1.5], 0.01),
            "softmax at temperature 0.01",
            [0.0, 1.0, 0.0],
            "near 0, all the probability goes to the largest logit",
            1e-12,
        ),
        (
            ([1.0, 2.0, 1.5, -3.0], 1e6),
            "softmax at temperature 1e6",
            [0.25] * 4,
            "a very high temperature gives a nearly uniform distribution",
            1e-5,
        ),
        (
            ([750.0, 0.0], 0.5),
            "softmax([750.0, 0.0], 0.5)",
            [1.0, 0.0],
            "divide by T, then subtract the maximum, then exp",
            1e-12,
        ),
        (
            (np.array([1, 2, 3]),),
            "softmax of an integer array",
            ref_softmax([1.0, 2.0, 3.0], 1.0),
            "convert with dtype=np.float64",
            1e-12,
        ),
    ]
    refused = [
        (([1.0, 2.0], 0.0), "softmax at temperature 0"),
        (([1.0, 2.0], -0.5), "softmax at temperature -0.5"),
        (([1.0], 0), "softmax at temperature 0 (an int)"),
    ]
    calls = nb.function("softmax").map([args for args, *_ in cases] + [a for a, _ in refused])
    for call, (_, what, want, hint, tol) in zip(calls, cases, strict=False):
        probabilities(call, want, what, hint, tol)
    found = array(calls[len(cases) - 1], "softmax of an integer array", "return a NumPy array")
    check(
        found.dtype == np.float64,
        "softmax of an integer array",
        expected="a float64 array",
        found=found.dtype,
        hint="convert with dtype=np.float64",
    )
    for call, (_, what) in zip(calls[len(cases) :], refused, strict=True):
        raises(
            call,
            ValueError,
            what,
            "raise ValueError when temperature <= 0 (temperature 0 is argmax, not a softmax)",
        )
    input_unchanged(
        nb, "softmax", [np.array([2.0, 1.0, 0.5]), 0.5], "the input array after softmax",
        "work on a copy (np.array(...) copies; in-place -= on the input does not)",
    )  # fmt: skip


def input_unchanged(nb: Submission, name: str, args: list[Any], what: str, hint: str) -> None:
    """The function must leave its input array as it was (it is called, and its argument read
    back as the function left it, in the student's kernel)."""
    (call,) = nb.function(name).map([args], return_arguments=True)
    outcome(call, what)
    before = np.asarray(args[0]).tolist()
    after = call.arguments[0] if call.arguments else None
    found = np.asarray(after).tolist() if isinstance(after, np.ndarray) else after
    check(found == before, what, expected=f"unchanged {before}", found=found, hint=hint)


# -- 2. top-k and top-p ---------------------------------------------------------------------
EXAMPLE = [0.5, 0.25, 0.125, 0.125]


def random_vectors(
    seed: int, size: int, alpha: float, digits: int, floor: float
) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    vectors = []
    for _ in range(6):
        raw = np.round(rng.dirichlet(np.full(size, alpha)), digits) + floor
        vectors.append((raw / raw.sum()).tolist())
    return vectors


def filter_test(
    nb: Submission,
    name: str,
    cases: list[tuple[list[float], Any, list[float], str]],
    refused: list[tuple[list[float], Any, str]],
    hint: str,
) -> None:
    owned(nb, name)
    calls = nb.function(name).map(
        [(v, x) for v, x, _, _ in cases] + [(v, x) for v, x, _ in refused]
    )
    for call, (values, x, want, case_hint) in zip(calls, cases, strict=False):
        probabilities(call, want, f"{name}({values}, {x})", case_hint or hint, 1e-12)
    for call, (values, x, why) in zip(calls[len(cases) :], refused, strict=True):
        raises(call, ValueError, f"{name}({values}, {x})", why)
    probe = 1 if name == "top_k_filter" else 0.5
    input_unchanged(
        nb,
        name,
        [np.array([0.1, 0.6, 0.3]), probe],
        f"the input after {name}",
        "return a new array",
    )


@hidden_test("q2-top-k-test")
def top_k_test(nb: Submission) -> None:
    cases = [
        (EXAMPLE, 1, [1.0, 0.0, 0.0, 0.0], "keep the largest entry, then renormalise"),
        (EXAMPLE, 2, [2 / 3, 1 / 3, 0.0, 0.0], "keep the two largest entries, divide by their sum"),
        (EXAMPLE, 3, EXAMPLE, "the 3rd largest value is 0.125; both entries equal to it are kept"),
        ([0.4, 0.2, 0.2, 0.2], 2, [0.4, 0.2, 0.2, 0.2], "ties at the boundary are all kept"),
        (
            [0.1, 0.3, 0.3, 0.3],
            1,
            [0.0, 1 / 3, 1 / 3, 1 / 3],
            "three entries tie for the largest value: all three are kept",
        ),
        ([0.2, 0.5, 0.3], 10, [0.2, 0.5, 0.3], "if k >= len(probs), keep everything"),
        (
            [0.5, 0.5, 0.0, 0.0],
            3,
            [0.5, 0.5, 0.0, 0.0],
            "entries equal to the k-th largest value (here 0) are kept, and stay 0",
        ),
    ]
    for probs in random_vectors(20250825, 15, 1.0, 2, 0.01):
        cases += [(probs, k, ref_top_k(probs, k), "") for k in (1, 2, 3, 5, 8, 14, 15)]
    refused = [(EXAMPLE, 0, "k must be at least 1"), ([0.5, 0.5], -2, "k must be at least 1")]
    hint = "keep every entry >= the k-th largest value, then renormalise"
    filter_test(nb, "top_k_filter", cases, refused, hint)


@hidden_test("q2-top-p-test")
def top_p_test(nb: Submission) -> None:
    cases = [
        (EXAMPLE, 0.7, [2 / 3, 1 / 3, 0.0, 0.0], "0.5 < 0.7 <= 0.5 + 0.25: keep two tokens"),
        (
            EXAMPLE,
            0.75,
            [2 / 3, 1 / 3, 0.0, 0.0],
            "the running total reaches exactly 0.75 at the 2nd token: stop there",
        ),
        (
            EXAMPLE,
            0.8,
            [4 / 7, 2 / 7, 1 / 7, 0.0],
            "0.75 < 0.8: a third token is needed; the tie goes to the lower index",
        ),
        (EXAMPLE, 1.0, EXAMPLE, "p == 1 keeps everything"),
        (
            [0.25] * 4,
            0.5,
            [0.5, 0.5, 0.0, 0.0],
            "equal probabilities: lower index first; stop when the total is exactly p",
        ),
        ([0.25] * 4, 0.6, [1 / 3, 1 / 3, 1 / 3, 0.0], "0.5 < 0.6: a third token is needed"),
        (
            [0.125, 0.25, 0.125, 0.5],
            0.875,
            [1 / 7, 2 / 7, 0.0, 4 / 7],
            "order by decreasing probability; ties by lower index",
        ),
        ([0.9, 0.05, 0.05], 0.01, [1.0, 0.0, 0.0], "at least one token is kept"),
        ([0.0, 1.0, 0.0], 0.999, [0.0, 1.0, 0.0], "one token has all the mass"),
    ]
    for probs in random_vectors(20250902, 12, 0.7, 3, 0.001):
        cases += [
            (probs, p, ref_top_p(probs, p), "") for p in (0.05, 0.33, 0.5, 0.61, 0.9, 0.97, 1.0)
        ]
    refused = [
        (EXAMPLE, 0.0, "p must be > 0"),
        ([0.5, 0.5], 1.5, "p must be at most 1"),
        ([0.5, 0.5], -0.1, "p must be > 0"),
    ]
    hint = "keep the most probable tokens until the running total is >= p"
    filter_test(nb, "top_p_filter", cases, refused, hint)


# -- 3. sampling and entropy ----------------------------------------------------------------
def draws_of(call: Call, what: str, n: int) -> list[int]:
    found = array(call, what, "rng.choice(len(probs), size=n, p=probs) returns integer ids")
    check(
        found.shape == (n,) and found.dtype.kind in "iu",
        what,
        expected=f"{n} integer token ids",
        found=f"shape {found.shape}, dtype {found.dtype}",
        hint="rng.choice(len(probs), size=n, p=probs) returns integer ids",
    )
    draws: list[int] = found.tolist()
    return draws


@hidden_test("q3-sample-test")
def sample_test(nb: Submission) -> None:
    owned(nb, "sample_tokens")
    logits = np.random.default_rng(11).normal(0.0, 2.0, size=40).tolist()
    cases = [
        (25, 5, 1.0, None, None),
        (25, 6, 0.4, None, None),
        (30, 7, 1.3, 5, None),
        (30, 8, 1.0, None, 0.8),
        (30, 9, 0.8, 10, 0.6),
        (10, 10, 0.0, None, None),
        (12, 11, 1.0, 1, None),
        (12, 12, 1.0, None, 0.001),
        (0, 13, 1.0, None, None),
        (3, 0, 0, None, None),
    ]
    requests: list[tuple[Sequence[Any], dict[str, Any]]] = [
        (([0.0, math.log(3.0)], 20000), {"seed": 1}),
        (([0.1, 0.2, 0.3], 50), {"seed": 7}),
        (([0.1, 0.2, 0.3], 50), {"seed": 7}),
        (([0.1, 2.0, 2.0, -1.0], 5), {"seed": 3, "temperature": 0}),
        *[
            ((logits, n, seed), {"temperature": t, "top_k": k, "top_p": p})
            for n, seed, t, k, p in cases
        ],
        (([0.0, 1.0], 3, 0), {"temperature": -1.0}),
    ]
    calls = nb.function("sample_tokens").calls(requests)
    draws = draws_of(calls[0], "sample_tokens([0.0, log(3)], 20000, seed=1)", 20000)
    check_close(
        sum(d == 1 for d in draws) / 20000,
        0.75,
        "the share of token 1 (probability 0.75)",
        tol=0.02,
        hint="sample with the probabilities of softmax(logits, temperature)",
    )
    check(
        draws_of(calls[1], "sample_tokens(seed=7)", 50) == draws_of(calls[2], "again", 50),
        "two calls with the same seed",
        expected="identical draws",
        found="different draws",
        hint="make a new generator from the seed inside the function",
    )
    greedy = draws_of(calls[3], "sample_tokens at temperature 0", 5)
    check(
        greedy == [1] * 5,
        "sample_tokens at temperature 0",
        expected="[1, 1, 1, 1, 1]",
        found=greedy,
        hint="temperature 0: the first index of the largest logit, n times",
    )
    for call, (n, seed, t, k, p) in zip(calls[4:-1], cases, strict=True):
        what = f"sample_tokens(n={n}, seed={seed}, temperature={t}, top_k={k}, top_p={p})"
        want = ref_draws(logits, n, seed, t, k, p)
        found = draws_of(call, what, n)
        check(
            found == want,
            what,
            expected=str(want[:10]),
            found=found[:10],
            hint="softmax, then top_k_filter, then top_p_filter, then default_rng(seed).choice",
        )
    raises(
        calls[-1],
        ValueError,
        "sample_tokens at temperature -1",
        "a negative temperature is an error",
    )


@hidden_test("q3-entropy-test")
def entropy_test(nb: Submission) -> None:
    owned(nb, "entropy_bits")
    cases: list[tuple[Any, float, str, str, float]] = [
        ([0.5, 0.5], 1.0, "entropy_bits([0.5, 0.5])", "a fair coin carries 1 bit", 1e-12),
        ([0.125] * 8, 3.0, "entropy_bits of 8 equal probabilities", "log2(8) = 3", 1e-12),
        (
            [1.0, 0.0, 0.0],
            0.0,
            "entropy_bits([1.0, 0.0, 0.0])",
            "a certain outcome has entropy 0; zeros contribute nothing (no nan)",
            1e-12,
        ),
        ([0.25, 0.75], 0.8112781244591328, "entropy_bits([0.25, 0.75])", "use log base 2", 1e-12),
    ]
    rng = np.random.default_rng(1024)
    for _ in range(5):
        probs = rng.dirichlet(np.full(20, 0.5))
        probs[rng.choice(20, size=6, replace=False)] = 0.0
        listed = (probs / probs.sum()).tolist()
        want = ref_entropy(listed)
        cases.append(
            (
                listed,
                want,
                "entropy_bits of a random vector with zeros",
                "-sum p log2 p over the non-zero p",
                1e-9,
            )
        )
        cases.append(
            (
                np.array(listed),
                want,
                "entropy_bits of a NumPy array",
                "accept lists and arrays",
                1e-9,
            )
        )
    calls = nb.function("entropy_bits").map([(probs,) for probs, *_ in cases])
    for call, (_, want, what, hint, tol) in zip(calls, cases, strict=True):
        value = outcome(call, what)
        check(
            isinstance(value, float),
            what,
            expected="a Python float",
            found=value,
            hint="return float(...)",
        )
        check_close(value, want, what, tol=tol, hint=hint)


@hidden_test("q3-entropies-test")
def entropies_test(nb: Submission) -> None:
    entropies = nb.value("entropies")
    check(
        isinstance(entropies, list) and all(number(h) for h in entropies),
        "entropies",
        expected="a list of floats",
        found=entropies,
        hint="one float per temperature of ENTROPY_TEMPERATURES",
    )
    check(
        len(entropies) == len(ENTROPY_TEMPERATURES),
        "len(entropies)",
        expected=str(len(ENTROPY_TEMPERATURES)),
        found=len(entropies),
        hint="one entropy per temperature of ENTROPY_TEMPERATURES",
    )
    want = [ref_entropy(ref_softmax(example_logits(), t)) for t in ENTROPY_TEMPERATURES]
    check_all_close(
        entropies,
        want,
        "entropies",
        tol=1e-9,
        hint="entropy_bits(softmax(EXAMPLE_LOGITS, T)) for T in ENTROPY_TEMPERATURES",
    )


# -- 4. measuring through the SDK -----------------------------------------------------------
def uses_its_client(nb: Submission, name: str, args: Sequence[Any]) -> None:
    """Called with no client, the function must fail: it sends its requests through its
    argument, not through a client of its own."""
    (call,) = nb.function(name).map([[None, *args]])
    check(
        call.error is not None,
        f"{name}(None, ...)",
        expected="an error (there is no client)",
        found="an answer",
        hint=f"send the requests with the client {name} is given, not a global one",
    )


@hidden_test("q4-ask-test")
def ask_test(nb: Submission) -> None:
    api = simulator(nb)
    cases = [
        (DIVERSITY_PROMPT, 1.0, "medium", 0, MAX_TOKENS),
        (DIVERSITY_PROMPT, 1.0, "medium", 1, MAX_TOKENS),
        *[(DIVERSITY_PROMPT, 0.0, "medium", s, MAX_TOKENS) for s in range(3)],
        (DIVERSITY_PROMPT, 0.7, "medium", 5, MAX_TOKENS),
        ("Explain why the test failed", 1.0, "high", 12, 25),
        (FLIP_PROMPT, 0.0, "low", 3, 10),
        ("Review this pull request", 0.3, "max", 4, 40),
        (DIVERSITY_PROMPT, 0.7, "medium", 5, 8),  # a long answer, cut short
    ]
    client = nb.name("client")
    requests: list[tuple[Sequence[Any], dict[str, Any]]] = [
        ((client, prompt, t, effort, seed), {} if m == MAX_TOKENS else {"max_tokens": m})
        for prompt, t, effort, seed, m in cases
    ]
    calls = nb.function("ask").calls(requests)
    for call, (prompt, t, effort, seed, m) in zip(calls, cases, strict=True):
        what = f"ask(client, {prompt!r}, {t}, {effort!r}, {seed}, max_tokens={m})"
        found = outcome(call, what)
        check(
            isinstance(found, str),
            what,
            expected="the text of the response, a str",
            found=found,
            hint="join the .text of the blocks whose .type is 'text'",
        )
        want = ref_ask(api, prompt, t, effort, seed, m)
        check(
            found == want,
            what,
            expected=repr(want[:60]),
            found=repr(found[:60]),
            hint="send the temperature and the seed with extra_headers=labkit.glassbox("
            "temperature=temperature, seed=seed), and use the prompt, effort and max_tokens "
            "you are given",
        )
    uses_its_client(nb, "ask", [DIVERSITY_PROMPT, 1.0, "medium", 0])


def column(frame: pd.DataFrame, name: str) -> list[Any]:
    values: list[Any] = frame[name].tolist()
    return values


@hidden_test("q4-diversity-test")
def diversity_test(nb: Submission) -> None:
    diversity = nb.value("diversity")
    check(
        isinstance(diversity, pd.DataFrame),
        "diversity",
        expected="a pandas DataFrame",
        found=diversity,
        hint="build a pandas DataFrame",
    )
    check(
        list(diversity.columns) == DIVERSITY_COLUMNS,
        "the columns of diversity",
        expected=str(DIVERSITY_COLUMNS),
        found=list(diversity.columns),
        hint="pd.DataFrame(rows, columns=DIVERSITY_COLUMNS)",
    )
    keys = [(t, e) for t in TEMPERATURES for e in EFFORTS]
    found_keys = list(
        zip(column(diversity, "temperature"), column(diversity, "effort"), strict=True)
    )
    check(
        found_keys == keys,
        "the (temperature, effort) of each row",
        expected=str(keys),
        found=found_keys,
        hint="outer loop over TEMPERATURES, inner loop over EFFORTS",
    )
    check(
        column(diversity, "n") == [N_REQUESTS] * len(keys),
        "the column n",
        expected=f"{N_REQUESTS} in every row",
        found=column(diversity, "n"),
        hint="N_REQUESTS responses per setting",
    )
    api = simulator(nb)
    shares, words = [], []
    for t, effort in keys:
        texts = [
            ref_ask(api, DIVERSITY_PROMPT, t, effort, i, MAX_TOKENS) for i in range(N_REQUESTS)
        ]
        shares.append(len(set(texts)) / N_REQUESTS)
        words.append(sum(len(x.split()) for x in texts) / N_REQUESTS)
    check_all_close(
        column(diversity, "distinct_share"),
        shares,
        "distinct_share (recomputed from your student id's seed)",
        tol=1e-12,
        hint="count distinct texts with seeds 0..N_REQUESTS-1 and the default max_tokens",
    )
    check_all_close(
        column(diversity, "mean_words"),
        words,
        "mean_words (recomputed from your student id's seed)",
        tol=1e-9,
        hint="the mean of len(text.split()) over the N_REQUESTS responses",
    )


# -- 5. temperature 0 is not a promise ------------------------------------------------------
def float32_exact(value: Any) -> bool:
    return isinstance(value, float) and (math.isnan(value) or float(np.float32(value)) == value)


@hidden_test("q5-assoc-test")
def assoc_test(nb: Submission) -> None:
    left, right = nb.values("left", "right")
    for label, value in (("left", left), ("right", right)):
        check(
            float32_exact(value),
            label,
            expected="an np.float32 number",
            found=value,
            hint="keep the float32 values a, b and c: do not convert them",
        )
    check(
        left != right,
        "left and right",
        expected="two different float32 numbers",
        found=(left, right),
        hint="(a + b) + c and a + (b + c), with the parentheses",
    )
    check(
        left == 1.0 and right == 0.0,
        "left and right",
        expected="(1.0, 0.0)",
        found=(left, right),
        hint="left = (a + b) + c; right = a + (b + c)",
    )


@hidden_test("q5-tiled-test")
def tiled_test(nb: Submission) -> None:
    four = [1e8, 1.0, -1e8, 1.0]
    cases: list[tuple[Any, int, float, str]] = [
        (four, tiles, wanted, f"tiled_sum({four}, {tiles})")
        for tiles, wanted in ((1, 1.0), (2, 0.0), (3, 1.0), (4, 1.0))
    ]
    rng = np.random.default_rng(26)
    for n in (1, 4, 5, 10, 11):
        scale = np.where(rng.random(n) < 0.5, 3.0e4, 1.0)
        values = (rng.normal(size=n) * scale).astype(np.float32)
        for tiles in range(1, 8):
            what = f"tiled_sum of {n} random values in {tiles} tiles"
            cases.append((values, tiles, ref_tiled(values.tolist(), tiles), what))
    half = [1e8, 3.0, 4.0, -1e8, 1.0]
    cases.append((half, 2, ref_tiled(half, 2), "tiled_sum of 5 values in 2 tiles"))
    cases.append(([], 3, 0.0, "tiled_sum([], 3)"))
    refused = [
        ([1e8, 1.0], 0, "tiled_sum(four, 0)"),
        ([1.0, 2.0], -1, "tiled_sum with n_tiles = -1"),
    ]
    calls = nb.function("tiled_sum").map(
        [(v, t) for v, t, *_ in cases] + [(v, t) for v, t, _ in refused]
    )
    hint = "tile j is values[round(j*n/n_tiles):round((j+1)*n/n_tiles)]; float32 throughout"
    for call, (_, _, want, what) in zip(calls, cases, strict=False):
        found = outcome(call, what)
        check(
            float32_exact(found),
            what,
            expected="an np.float32",
            found=found,
            hint="return the float32 sum (np.float32), not a float64",
        )
        check(
            found == want,
            what,
            expected=repr(np.float32(want)),
            found=found,
            hint=hint
            if "5 values" not in what
            else "Python's round(2.5) is 2: the first tile has 2 values",
        )
    for call, (_, _, what) in zip(calls[len(cases) :], refused, strict=True):
        raises(call, ValueError, what, "n_tiles must be >= 1")


def rows_of(frame: Any, label: str, n: int) -> list[tuple[int, int, str]]:
    check(
        isinstance(frame, pd.DataFrame),
        label,
        expected="a pandas DataFrame",
        found=frame,
        hint="repeat_greedy returns a DataFrame",
    )
    check(
        list(frame.columns) == FLIP_COLUMNS,
        f"the columns of {label}",
        expected=str(FLIP_COLUMNS),
        found=list(frame.columns),
        hint="one row per request with these three columns",
    )
    requests, sizes, texts = (column(frame, c) for c in FLIP_COLUMNS)
    check(
        requests == list(range(n)),
        f"the requests of {label}",
        expected=f"0 .. {n - 1}, in order",
        found=requests[:8],
        hint="n rows, request i in row i",
    )
    check(
        all(number(s) and s == int(s) for s in sizes) and all(isinstance(t, str) for t in texts),
        f"the batch sizes and texts of {label}",
        expected="int batch sizes and str texts",
        found=(sizes[:4], texts[:2]),
        hint="header values are strings: convert the batch size with int(...)",
    )
    return [(int(r), int(s), str(t)) for r, s, t in zip(requests, sizes, texts, strict=True)]


@hidden_test("q5-flips-test")
def flips_test(nb: Submission) -> None:
    from labkit.sim import lm

    frames = nb.values("flips_default", "flips_invariant")
    default, invariant = (
        rows_of(f, label, N_REPEATS)
        for f, label in zip(frames, ("flips_default", "flips_invariant"), strict=True)
    )
    distinct_default, distinct_invariant, sizes_seen, majority = nb.values(
        "distinct_default", "distinct_invariant", "batch_sizes_seen", "majority_share"
    )
    check(
        {row[1] for row in invariant} == {1},
        "the batch sizes with batch_invariant=True",
        expected="{1}",
        found=sorted({row[1] for row in invariant}),
        hint="pass batch_invariant to labkit.glassbox(...) and read the labkit-batch-size "
        "header; header values are strings, so convert it with int(...)",
    )
    check(
        distinct_invariant == 1 and number(distinct_invariant),
        "distinct_invariant",
        expected="1: a batch-invariant server gives the same answer every time at temperature 0",
        found=distinct_invariant,
        hint="the number of distinct texts in flips_invariant",
    )
    api = simulator(nb)
    want_default = ref_repeat(api, FLIP_PROMPT, N_REPEATS, False)
    want_invariant = ref_repeat(api, FLIP_PROMPT, N_REPEATS, True)
    check(
        default == want_default,
        "flips_default (recomputed from your student id's seed)",
        expected=str(want_default[:3]),
        found=default[:3],
        hint="seed FLIP_SEED_BASE + i, temperature 0.0, base_model=True, max_tokens "
        "FLIP_MAX_TOKENS, no effort",
    )
    check(
        invariant == want_invariant,
        "flips_invariant (recomputed from your student id's seed)",
        expected=str(want_invariant[:3]),
        found=invariant[:3],
        hint="the same requests with batch_invariant=True",
    )
    counts: dict[str, int] = {}
    for row in want_default:
        counts[row[2]] = counts.get(row[2], 0) + 1
    check(
        number(distinct_default) and distinct_default == len(counts),
        "distinct_default",
        expected=str(len(counts)),
        found=distinct_default,
        hint="the number of distinct texts in flips_default",
    )
    sizes = sorted({row[1] for row in want_default})
    check(
        isinstance(sizes_seen, list)
        and all(number(s) for s in sizes_seen)
        and sizes_seen == sizes
        and set(sizes) <= set(lm.BATCH_SIZES),
        "batch_sizes_seen",
        expected=str(sizes),
        found=sizes_seen,
        hint="the sorted distinct batch sizes of flips_default, as a list of ints",
    )
    check(
        number(majority),
        "majority_share",
        expected="a share in (0, 1]",
        found=majority,
        hint="the count of the most common text divided by N_REPEATS",
    )
    check_close(
        majority,
        max(counts.values()) / N_REPEATS,
        "majority_share",
        tol=1e-12,
        hint="the count of the most common text divided by N_REPEATS",
    )
    (small,) = nb.function("repeat_greedy").map(
        [[nb.name("client"), "Explain the build", 6, False]]
    )
    what = "repeat_greedy(client, 'Explain the build', 6, False)"
    found = rows_of(outcome(small, what), what, 6)
    want = ref_repeat(api, "Explain the build", 6, False)
    check(
        found == want,
        what,
        expected=str(want[:2]),
        found=found[:2],
        hint="use the client, prompt, n and batch_invariant arguments",
    )
    uses_its_client(nb, "repeat_greedy", [FLIP_PROMPT, 2, False])
