"""The hidden tests of the fixture lab (autograder.quicklab): copied to <course>/hidden/lab0-fixture.py.

They run in the grader: `add` and `mean` are called in the student's kernel with plain
arguments, and the seed comes from the grader's record of whose submission it is.
"""

from __future__ import annotations

from autograder.grader import Submission, hidden_test
from labkit.checks import check_close


@hidden_test("test_add")
def add_test(nb: Submission) -> None:
    add = nb.function("add")
    check_close(add(1, 2), 3, "add(1, 2)", hint="return the sum")
    seeded = nb.seed("lab0") % 97
    check_close(add(seeded, 5), seeded + 5, "add(seeded)", hint="sum")


@hidden_test("test_mean")
def mean_test(nb: Submission) -> None:
    mean = nb.function("mean")
    check_close(mean([1, 2, 3]), 2.0, "mean([1, 2, 3])", hint="divide by the count")
    check_close(mean([2.5, 3.5, 10.0]), 16.0 / 3, "hidden mean of three", hint="count")
