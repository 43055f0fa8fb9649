"""`course sizing`: the figures a class needs planned, measured on this machine.

For each lab:
- grading: a fabricated class of `students` (full, partial and blank submissions in turn, as
  `course bench` makes them) graded by `course grade --workers N`, the whole command timed; the
  time per student and its extrapolation to 100 students (grading time grows linearly with the
  class: one queue, each student graded on their own), with the peak memory of the run's process
  tree (workers and their kernels);
- a working student: the lab's full solution executed in a kernel of its own, as a student who
  runs every cell does, in a copy of the released folder; the kernel's peak resident memory.
And once: an idle JupyterLab server with nbgrader's extensions, as a hub starts for each student
(the formgrader's server, autograder.formgrader), its resident memory after start-up.

Hub memory per active student is about the idle server plus the largest kernel: what a hub's
`mem_guarantee` and `mem_limit` must allow. All memory is resident set size (RSS) in MiB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from autograder import submissions
from autograder.bench import TreeSampler, caller_env, fabricated_class, timed
from autograder.course import Course, CourseError
from autograder.gradebook import grades_for


def grading_figures(source: Course, lab: str, students: int, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="course-sizing-") as scratch:
        course = source.copy_to(Path(scratch) / "course", [lab])
        course.release_lab(lab)
        names = fabricated_class(course, lab, students)
        command = [sys.executable, "-m", "autograder.cli", "--course", str(course.root)]
        seconds, peak_mb, cpu = timed(
            [*command, "--quiet", "grade", lab, "--workers", str(workers)], course, caller_env()
        )
        graded = grades_for(course, lab, names[0])
        if graded is None:
            raise CourseError(f"{lab}: the fabricated class was not graded")
        by_hand = [cell for cell in graded.cells if not cell.autograded]
    per_student = seconds / students
    return {
        "students": students,
        "workers": workers,
        "seconds": seconds,
        "seconds_per_student": round(per_student, 2),
        "minutes_per_100_students": round(per_student * 100 / 60, 1),
        "cpu_seconds_per_student": round(cpu / students, 2),
        "peak_rss_mb": peak_mb,
        # What a person grades in the formgrader, per student.
        "hand_graded_answers": len(by_hand),
        "hand_graded_points": graded.manual_max,
    }


def working_student_mb(source: Course, lab: str) -> float:
    """Peak RSS of a kernel that runs the lab's whole solution, in the released folder."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="course-sizing-") as scratch:
        course = source.copy_to(Path(scratch) / "course", [lab])
        course.release_lab(lab)
        notebook = submissions.full(course, lab)
        folder = course.release / lab
        manager = KernelManager(kernel_name="python3")
        client = NotebookClient(
            notebook, km=manager, timeout=600, resources={"metadata": {"path": str(folder)}}
        )
        env = {**os.environ, "LABKIT_STUDENT_ID": "sizing"}
        # stderr: the kernel's start-up warnings are not figures
        with client.setup_kernel(env=env, cwd=str(folder), stderr=subprocess.DEVNULL):
            process = getattr(manager.provisioner, "process", None)
            if process is None:
                raise CourseError("cannot find the kernel's process to measure it")
            with TreeSampler(process.pid) as kernel:
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
    return kernel.mb


def idle_server_mb(source: Course, settle: float = 3.0) -> float:
    """RSS of a JupyterLab server with nbgrader's extensions, started and left idle."""
    from autograder.formgrader import start

    with tempfile.TemporaryDirectory(prefix="course-sizing-") as scratch:
        course = source.copy_to(Path(scratch) / "course", source.labs()[:1])
        with start(course) as server:
            time.sleep(settle)
            process = psutil.Process(server.process.pid)
            rss: int = process.memory_info().rss
            return round(rss / 2**20, 1)


def sizing(
    source: Course, labs: list[str], students: int = 12, workers: int | None = None
) -> dict[str, Any]:
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    # The load average says how busy the machine was: wall times move with it.
    figures: dict[str, Any] = {"cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    figures["labs"] = {}
    for lab in source.require_labs(labs):
        figures["labs"][lab] = {
            "grading": grading_figures(source, lab, students, workers),
            "working_student_kernel_mb": working_student_mb(source, lab),
        }
    figures["idle_server_mb"] = idle_server_mb(source)
    largest = max(lab["working_student_kernel_mb"] for lab in figures["labs"].values())
    figures["active_student_mb"] = round(figures["idle_server_mb"] + largest, 1)
    figures["load_after"] = os.getloadavg()[0]
    return figures


def table(figures: dict[str, Any]) -> str:
    lines = [
        f"{'lab':<22} {'s/student':>9} {'min/100 students':>16} {'grading peak MB':>15} "
        f"{'student kernel MB':>17} {'by hand (answers, points)':>26}"
    ]
    for lab, row in figures["labs"].items():
        grading = row["grading"]
        lines.append(
            f"{lab:<22} {grading['seconds_per_student']:>9} "
            f"{grading['minutes_per_100_students']:>16} {grading['peak_rss_mb']:>15} "
            f"{row['working_student_kernel_mb']:>17} "
            f"{grading['hand_graded_answers']:>17}, {grading['hand_graded_points']:g} pts"
        )
    first = next(iter(figures["labs"].values()))["grading"]
    lines.append(
        f"grading: course grade --workers {first['workers']} on {figures['cores']} cores, "
        f"{first['students']} fabricated students per lab, extrapolated to 100 (load average "
        f"{figures['load_before']:.2f} before, {figures['load_after']:.2f} after)"
    )
    lines.append(
        f"an idle student server: {figures['idle_server_mb']} MB; an active student (idle server "
        f"+ the largest kernel): {figures['active_student_mb']} MB"
    )
    return "\n".join(lines)
