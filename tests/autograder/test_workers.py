"""The watchdog of the worker pool: a worker stuck on one student costs that student only."""

from __future__ import annotations

import time

import pytest

from autograder import submissions
from autograder.course import Course
from autograder.gradebook import grades_for
from autograder.workers import WorkerPool
from tests.autograder.conftest import LAB

pytestmark = pytest.mark.slow


def test_a_hung_worker_is_stopped_and_only_its_student_is_not_graded(course: Course) -> None:
    # Limits generous enough that nothing inside the notebook ends the hang: only the watchdog.
    with (course.root / "nbgrader_config.py").open("a") as config:
        config.write("\nc.ExecutePreprocessor.timeout = 900\nc.GuardedExecute.notebook_seconds = 900\n")  # fmt: skip
    course.release_lab(LAB)
    hung = submissions.full(course, LAB)
    answer = next(c for c in hung.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = "import time\ntime.sleep(800)\n" + answer.source
    submissions.write(course, LAB, "hangs", hung)
    for name in ("ok1", "ok2"):
        submissions.write(course, LAB, name, submissions.full(course, LAB))
    started = time.monotonic()
    # Long enough for an honest submission on a loaded 2-core machine (load 6 was measured to
    # take 20 s), short against the hang.
    with WorkerPool(course, LAB, size=2, deadline=45.0) as pool:
        outcomes = pool.grade(["hangs", "ok1", "ok2"])
    took = time.monotonic() - started
    assert not outcomes["hangs"].graded
    assert "took more than 45 s, so its worker was stopped" in outcomes["hangs"].message
    assert outcomes["ok1"].graded and outcomes["ok1"].auto_score == 80
    assert outcomes["ok2"].graded and outcomes["ok2"].auto_score == 80
    assert grades_for(course, LAB, "hangs") is None  # nothing half-written is left behind
    assert grades_for(course, LAB, "ok1") is not None
    assert took < 300, f"the pool waited {took:.0f} s for a worker hung for 800 s"
