"""Hidden tests of __LAB__: run by the grader, outside the student's kernel.

One function per autograded test cell, marked with the cell's grade id. `nb.function(name)` calls
the student's function in their kernel with plain arguments; `nb.value(name)` reads a value the
notebook holds; `nb.seed(experiment)` is the student's seed from the grader's own record. A
failed check (labkit.checks) is what the student reads: say what was expected, what was found,
and give a hint. Return None for all the cell's points.
"""

from __future__ import annotations

import numpy as np

from autograder.grader import Submission, hidden_test
from labkit.checks import check_close, check_raises


@hidden_test("q1-mean-test")
def mean_test(nb: Submission) -> None:
    mean_of = nb.function("mean_of")
    check_close(mean_of([1, 2, 3]), 2.0, "mean_of([1, 2, 3])", hint="sum divided by count")
    check_close(mean_of([-4.5]), -4.5, "mean_of([-4.5])", hint="one value is its own mean")
    check_raises(lambda: mean_of([]), ValueError, "mean_of([])", "raise ValueError when empty")
    nb.source.require_own("mean_of", not_from=["numpy", "statistics"])


@hidden_test("q2-sample-test")
def sample_test(nb: Submission) -> None:
    # Recomputed here from the grader's record of whose notebook this is, not from SEED.
    draws = np.random.default_rng(nb.seed("__LAB__")).standard_normal(1000)
    check_close(
        nb.value("sample_mean"),
        float(np.mean(draws)),
        "sample_mean",
        tol=1e-9,
        hint="use np.random.default_rng(SEED) and draw 1,000 standard normal numbers",
    )
