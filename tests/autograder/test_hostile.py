"""Every hostile and broken submission graded in one batch beside two clean ones.

Per scenario (tests/autograder/hostile): the expected score and one clear message. For the batch:
it completes, the clean students' grades equal a clean run's, the gradebook stays intact (the
`writes_gradebook` student tried to zero everyone's grades), and nothing the notebooks started
outlives grading. Scenarios whose protection this machine does not have (autograder.limits
.probe) are left out of the batch and reported as skipped, never run unprotected.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import submissions
from autograder.course import Course
from autograder.gradebook import StudentGrades, grades_for
from autograder.grading import GradeReport, StudentResult, grade
from autograder.limits import Report, probe
from autograder.quicklab import make_course
from tests.autograder.conftest import LAB
from tests.autograder.hostile import CLEAN_FULL, CLEAN_PARTIAL, MARKER_SECONDS, SCENARIOS, Lab

pytestmark = pytest.mark.slow

CELL_TIMEOUT_S = 5  # per cell; generous for a loaded 2-core machine, short for the runaway ones
# Small limits keep the batch short; the course's own are in labs/nbgrader_config.py.
FIXTURE_LIMITS = """
c.LimitedKernelManager.memory_mb = 1024
c.LimitedKernelManager.file_size_mb = 16
c.LimitedKernelManager.processes = 64
c.LimitedKernelManager.cpu_seconds = 120
c.GuardedExecute.stuck_grace_seconds = 2.0
c.GuardedExecute.notebook_seconds = 60
c.Execute.iopub_timeout = 2
"""


def new_course(root: Path) -> Course:
    course = make_course(root)
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(FIXTURE_LIMITS)
    course.release_lab(LAB)
    return course


def write_clean(course: Course) -> None:
    path = submissions.write(course, LAB, CLEAN_FULL, submissions.full(course, LAB))
    submissions.write(course, LAB, CLEAN_PARTIAL, submissions.partial(course, LAB))
    # What nbgrader's exchange adds to every collected submission: not the student's extra files.
    (path.parent / "timestamp.txt").write_text("2026-11-27 09:05:00.000004 UTC")
    (path.parent / "submission_secret.txt").write_text("0f" * 64)


def protected(sandbox: Report) -> dict[str, bool]:
    return {
        "network": sandbox.network.startswith("isolated"),
        "filesystem": sandbox.filesystem.startswith("private view"),
        "processes": sandbox.pid_namespace or sandbox.uid is not None,
    }


@dataclass
class Batch:
    course: Course
    report: GradeReport
    clean: dict[str, StudentGrades | None]
    sandbox: Report
    left_out: dict[str, str]
    seconds: float
    kernels: Path

    def result(self, student: str) -> StudentResult:
        return next(r for r in self.report.results if r.student == student)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    sandbox = probe()
    available = protected(sandbox)
    clean_course = new_course(tmp_path_factory.mktemp("clean") / "course")
    write_clean(clean_course)
    grade(clean_course, LAB, timeout=CELL_TIMEOUT_S, progress=False)
    clean = {s: grades_for(clean_course, LAB, s) for s in (CLEAN_FULL, CLEAN_PARTIAL)}

    course = new_course(tmp_path_factory.mktemp("hostile") / "course")
    write_clean(course)
    lab = Lab(course, LAB)
    left_out = {}
    for name, (build, expected) in SCENARIOS.items():
        if expected.requires and not available[expected.requires]:
            left_out[name] = f"this machine does not isolate {expected.requires}: {sandbox}"
            continue
        build(lab, name)
    started = time.perf_counter()
    kernels = tmp_path_factory.mktemp("kernels")  # where the sandboxes' private folders go
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(kernels)
    try:
        report = grade(course, LAB, timeout=CELL_TIMEOUT_S, progress=False)
    finally:
        if saved is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = saved
    seconds = time.perf_counter() - started
    print(f"\nhostile batch: {len(report.results)} students in {seconds:.1f} s\n{report.table()}")
    return Batch(course, report, clean, sandbox, left_out, seconds, kernels)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_scenario_gets_its_score_and_one_clear_message(batch: Batch, name: str) -> None:
    if name in batch.left_out:
        pytest.skip(batch.left_out[name])
    expected = SCENARIOS[name][1]
    result = batch.result(name)
    assert (result.graded, result.auto_score) == (expected.graded, expected.score), result.message
    assert expected.message in result.message
    assert "\n" not in result.message and "Traceback" not in result.message
    assert len(result.message) < 400


def test_the_batch_completes_and_clean_grades_equal_a_clean_run(batch: Batch) -> None:
    graded = {r.student for r in batch.report.results}
    assert graded == {CLEAN_FULL, CLEAN_PARTIAL} | (set(SCENARIOS) - set(batch.left_out))
    assert batch.report.csv is not None and batch.report.csv.exists()
    for student, clean in batch.clean.items():
        assert clean is not None
        assert grades_for(batch.course, LAB, student) == clean
    assert (batch.result(CLEAN_FULL).auto_score, batch.result(CLEAN_PARTIAL).auto_score) == (80, 40)
    assert batch.result(CLEAN_FULL).message == ""


def test_the_gradebook_stays_intact(batch: Batch) -> None:
    with sqlite3.connect(batch.course.root / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        in_gradebook = {row[0] for row in db.execute("select student_id from submitted_assignment")}
        (overridden,) = db.execute(
            "select count(*) from grade where manual_score is not null"
        ).fetchone()
    graded = {r.student for r in batch.report.results if r.graded}
    assert in_gradebook == graded
    assert not any(p.is_symlink() for p in batch.course.autograded.rglob("*"))
    assert overridden == 0
    for result in batch.report.results:
        if result.graded:
            grades = grades_for(batch.course, LAB, result.student)
            assert grades is not None and grades.auto_score == result.auto_score


def test_nothing_the_notebooks_started_is_left_running(batch: Batch) -> None:
    if "spawns_processes" in batch.left_out:
        pytest.skip(batch.left_out["spawns_processes"])
    marker = f"sleep\0{MARKER_SECONDS}".encode()
    left = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if Path(entry.path, "cmdline").read_bytes().startswith(marker):
                    left.append(entry.name)
            except OSError:
                continue
    assert left == []


def test_huge_output_is_cut_before_the_gradebook_and_the_feedback(batch: Batch) -> None:
    autograded = batch.course.notebook(LAB, "autograded", "huge_output")
    feedback = batch.course.feedback / "huge_output" / LAB / f"{LAB}.html"
    assert autograded.stat().st_size < 4 * 2**20
    assert feedback.exists() and feedback.stat().st_size < 4 * 2**20


def test_no_sandbox_folder_is_left_and_big_files_stay_small(batch: Batch) -> None:
    assert sorted(p.name for p in batch.kernels.iterdir()) == []
    big = batch.course.autograded / "writes_huge_file" / LAB / "big.bin"
    assert not big.exists() or big.stat().st_size <= 16 * 2**20


def test_the_sandbox_report_says_what_is_enforced(batch: Batch) -> None:
    sandbox = batch.sandbox
    assert sandbox.limits["memory_mb"] > 0 and sandbox.limits["cpu_seconds"] > 0
    if shutil.which("unshare") and os.geteuid() == 0 and not sandbox.notes:
        assert all(protected(sandbox).values()), sandbox


# -- what crosses the boundary ----------------------------------------------------------------------
# Code of autograder/quicklab_hidden.py (a failed check's own message, what was checked and what
# was expected, is feedback by design; the test's code is not).
HIDDEN_CODE = ("mean([2.5, 3.5, 10.0])", "nb.function(", "hidden_test(", "nb.seed(")


def test_no_hidden_test_text_reaches_any_student(batch: Batch) -> None:
    pages = [*batch.course.feedback.rglob("*.html"), *batch.course.autograded.rglob("*.ipynb")]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        leaked = [code for code in HIDDEN_CODE if code in text]
        assert leaked == [], page
    echo = batch.course.notebook(LAB, "autograded", "echoes_the_caller").read_text()
    assert "quicklab_hidden" not in echo and "mean_test" not in echo


def test_a_warning_is_advice_in_the_feedback(batch: Batch) -> None:
    graded = submissions.read(batch.course.notebook(LAB, "autograded", "correct_but_warns"))
    test = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_mean")  # fmt: skip
    text = "".join(o.get("text", "") for o in test.outputs)
    assert "Advice (no points lost)" in text and "FutureWarning" in text, test.outputs
    assert not any(o.get("name") == "stderr" for o in test.outputs)


def test_huge_errors_and_many_cells_stay_small(batch: Batch) -> None:
    for student in ("huge_error_messages", "oversized_message", "too_many_cells"):
        assert batch.course.notebook(LAB, "autograded", student).stat().st_size < 4 * 2**20
