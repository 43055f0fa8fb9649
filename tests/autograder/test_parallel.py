"""Parallel grading: the same grades as stock serial nbgrader, no lost or duplicated row, and a
worker that dies is replaced without losing its student."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder import submissions
from autograder.course import Course, CourseError
from autograder.grading import grade
from autograder.workers import WorkerPool
from tests.autograder.conftest import LAB, grade_rows

MAKERS = [submissions.full, submissions.partial, submissions.blank, submissions.raising]


def _class(course: Course, size: int) -> list[str]:
    course.release_lab(LAB)
    names = [f"st{i:02d}" for i in range(size)]
    for i, name in enumerate(names):
        submissions.write(course, LAB, name, MAKERS[i % len(MAKERS)](course, LAB))
    return names


def _slow(course: Course, seconds: float):
    """The solution, taking `seconds` to run its first exercise cell (scores unchanged)."""
    notebook = submissions.full(course, LAB)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = f"import time\ntime.sleep({seconds})\n" + cell.source
    return notebook


@pytest.mark.slow
def test_two_workers_give_the_grades_of_stock_serial_nbgrader_row_for_row(course, tmp_path):
    names = _class(course, 9)
    submissions.write(course, LAB, "broken", b"{ not json")
    twin = Course(tmp_path / "serial")
    shutil.copytree(course.root, twin.root)

    # Stock nbgrader: one process, every student, serially (exit 1: it fails on "broken",
    # which course grade refuses before nbgrader sees it, so that student is left out below).
    twin.nbgrader("autograde", LAB, "--force")
    twin.nbgrader("generate_feedback", LAB, "--force")
    report = grade(course, LAB, workers=2, progress=False)

    serial_rows = [row for row in grade_rows(twin.gradebook_url) if row[0] != "broken"]
    parallel_rows = grade_rows(course.gradebook_url)
    assert parallel_rows == serial_rows
    keys = [(student, cell) for student, cell, _ in parallel_rows]
    assert len(keys) == len(set(keys)), "a grade row is duplicated"
    assert {student for student, _ in keys} == set(names), "a student's grades are missing"
    assert len(keys) == len(names) * 3  # test_add, test_mean, reflection
    results = {r.student: r for r in report.results}
    assert [results[n].auto_score for n in names[:4]] == [80, 40, 0, 40]
    assert not results["broken"].graded and "not a valid notebook" in results["broken"].message
    for (
        name
    ) in names:  # the same feedback pages as stock `nbgrader generate_feedback`, byte for byte
        page = Path(LAB) / f"{LAB}.html"
        assert (course.feedback / name / page).read_bytes() == (
            twin.feedback / name / page
        ).read_bytes()
    assert report.workers == 2 and report.csv is not None


def _kill_when_grading(pool: WorkerPool, student: str, times: int, stop: threading.Event):
    """Kill (SIGKILL) the worker holding `student`, each time one does, `times` times."""
    killed: set[int] = set()
    while len(killed) < times and not stop.is_set():
        for worker in list(pool.workers):
            if worker.student == student and worker.process.pid not in killed:
                os.kill(worker.process.pid, signal.SIGKILL)
                killed.add(worker.process.pid)
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("deaths", [1, 2])
def test_a_worker_that_dies_is_replaced_and_its_student_tried_once_more(course, deaths):
    names = _class(course, 3)
    submissions.write(course, LAB, "victim", _slow(course, 3))
    stop = threading.Event()
    with WorkerPool(course, LAB, size=2) as pool:
        killer = threading.Thread(target=_kill_when_grading, args=(pool, "victim", deaths, stop))
        killer.start()
        try:
            outcomes = pool.grade([*names, "victim"])
        finally:
            stop.set()
            killer.join()
        assert pool.restarts == deaths
    assert all(outcomes[n].graded for n in names), outcomes
    victim = outcomes["victim"]
    assert victim.attempts == deaths + (deaths < 2)
    if deaths == 1:
        assert victim.graded and victim.auto_score == 80
        assert "graded on try 2 (a grading worker died: killed by SIGKILL" in victim.message
    else:
        assert not victim.graded
        assert victim.message.startswith("not graded: its grading worker died 2 times")
    keys = [(s, c) for s, c, _ in grade_rows(course.gradebook_url)]
    assert len(keys) == len(set(keys))


@pytest.mark.slow
def test_course_bench_prints_one_json_object_with_both_timings(capsys):
    from autograder.cli import main

    assert main(["bench", "--students", "3", "--workers", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["students"] == 3 and figures["lab"] == LAB and figures["grades_identical"]
    assert figures["serial_s"] > 0 and figures["parallel_s"] > 0
    assert figures["ratio"] == round(figures["serial_s"] / figures["parallel_s"], 2)
    assert figures["peak_rss_mb"] > 0 and figures["serial_peak_rss_mb"] > 0
    boundary = figures["boundary_ms_per_request"]
    assert set(boundary) == {"value", "table_1000_rows", "call_batch_100"}
    assert all(ms > 0 for ms in boundary.values())


def test_workers_that_cannot_start_stop_the_run_with_one_message(course, monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every worker exits at once
    with (
        pytest.raises(CourseError, match="grading workers do not start: exit code 1"),
        WorkerPool(course, LAB, size=2) as pool,
    ):
        pool.grade(["ada"])
