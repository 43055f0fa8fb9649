"""`course bench`: stock serial `nbgrader autograde` against `course grade`, on the same class.

One fabricated class (full, partial and blank submissions in turn, so notebook times differ) is
released once and copied, so both runs start from the same gradebook and files:
- serial: `nbgrader autograde LAB --force`, one process for every student (stock nbgrader, the
  course's config), then, timed apart, stock `nbgrader generate_feedback LAB --force`;
- parallel: `course grade LAB --workers N`, the whole command: backup, validation, autograde,
  feedback and the CSV export.
`ratio` is serial autograde / parallel: the parallel run does more (feedback, export) and is
still compared with autograde alone; `ratio_same_work` adds the serial feedback run. Peak memory
is the largest sum of resident memory over each run's process tree (workers and kernels
included), sampled every 50 ms; CPU time (user + system) is summed over the same tree from the
same samples (each process's last reading, so up to 50 ms of each may be missed): on a machine
others are using, wall times move with their load, CPU times much less. Grades are compared
cell by cell from the two gradebooks.

The default lab is autograder.quicklab: almost nothing to execute, so start-up costs dominate,
which is where parallel grading is hardest to make pay. `--lab` benches one of the course's labs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from nbformat import NotebookNode

from autograder import quicklab, submissions
from autograder.boundary_bench import boundary_cost
from autograder.course import Course, CourseError, last_error_line
from autograder.gradebook import grades_for

MIX: list[Callable[[Course, str], NotebookNode]] = [
    submissions.full,
    submissions.partial,
    submissions.blank,
]


class TreeSampler:
    """Samples a process and all its descendants every `every` seconds: the largest sum of
    their resident memory, and the CPU time each used (the last value seen per process, so that
    processes killed rather than waited for, like kernels, are counted too)."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self.cpu: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for process in processes:
            try:
                with process.oneshot():
                    total += process.memory_info().rss
                    times = process.cpu_times()
                    self.cpu[(process.pid, process.create_time())] = times.user + times.system
            except psutil.Error:  # ended between the listing and the reading
                continue
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return round(self.peak / 2**20, 1)

    @property
    def cpu_seconds(self) -> float:
        return round(sum(self.cpu.values()), 1)


def timed(command: list[str], course: Course, env: dict[str, str]) -> tuple[float, float, float]:
    """Run `command` in the course folder; its wall time (s), and its process tree's peak
    memory (MB) and CPU time (s)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=course.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with TreeSampler(process.pid) as tree:
        stdout, stderr = process.communicate()
    seconds = round(time.perf_counter() - started, 2)
    if process.returncode != 0:
        done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
        raise CourseError(f"{' '.join(command[-4:])}: failed: {last_error_line(done)}")
    return seconds, tree.mb, tree.cpu_seconds


def caller_env() -> dict[str, str]:
    """This environment without a gradebook or course chosen for another course."""
    return {k: v for k, v in os.environ.items() if k not in ("COURSE_DB_URL", "COURSE_ROOT")}


def fabricated_class(course: Course, lab: str, students: int) -> list[str]:
    names = [f"s{i:03d}" for i in range(students)]
    for i, name in enumerate(names):
        submissions.write(course, lab, name, MIX[i % len(MIX)](course, lab))
    return names


def _cell_grades(course: Course, lab: str, names: list[str]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for name in names:
        grades = grades_for(course, lab, name)
        table[name] = None if grades is None else [(c.grade_id, c.score) for c in grades.cells]
    return table


def bench(
    students: int = 40,
    *,
    workers: int = 2,
    lab: str | None = None,
    source: Course | None = None,
    folder: Path | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        where = folder or Path(scratch)
        if lab is None:
            serial = quicklab.make_course(where / "serial")
            lab = quicklab.LAB
        else:
            serial = (source or Course.locate()).copy_to(where / "serial", [lab])
        serial.release_lab(lab)
        names = fabricated_class(serial, lab, students)
        shutil.copytree(serial.root, where / "parallel")
        parallel = Course(where / "parallel")
        bin_dir = Path(sys.executable).parent
        load_before = os.getloadavg()
        nbgrader = str(bin_dir / "nbgrader")
        # Stock nbgrader gets the environment `course` gives it (the virtualenv's bin/ on PATH,
        # the gradebook URL); `course grade` the caller's, as an instructor would run it.
        stock = serial.nbgrader_env()
        serial_s, serial_mb, serial_cpu = timed(
            [nbgrader, "autograde", lab, "--force"], serial, stock
        )
        feedback_s, _, _ = timed([nbgrader, "generate_feedback", lab, "--force"], serial, stock)
        grade = [sys.executable, "-m", "autograder.cli", "--course", str(parallel.root), "--quiet"]
        parallel_s, parallel_mb, parallel_cpu = timed(
            [*grade, "grade", lab, "--workers", str(workers)], parallel, caller_env()
        )
        load_after = os.getloadavg()
        boundary = boundary_cost()
        serial_grades = _cell_grades(serial, lab, names)
        parallel_grades = _cell_grades(parallel, lab, names)
    graded = sum(1 for g in parallel_grades.values() if g)
    return {
        "students": students,
        "lab": lab,
        "workers": workers,
        "cores": os.cpu_count(),
        "serial_s": serial_s,
        "parallel_s": parallel_s,
        "ratio": round(serial_s / parallel_s, 2),
        "serial_feedback_s": feedback_s,
        "ratio_same_work": round((serial_s + feedback_s) / parallel_s, 2),
        "serial_cpu_s": serial_cpu,
        "parallel_cpu_s": parallel_cpu,
        "peak_rss_mb": parallel_mb,
        "serial_peak_rss_mb": serial_mb,
        "grades_identical": serial_grades == parallel_grades and graded == students,
        "graded": graded,
        "parallel_includes": "backup, validation, autograde, feedback, csv export",
        # One grader request to a student's kernel (autograder.boundary_bench), median ms.
        "boundary_ms_per_request": boundary,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
    }


def summary(figures: dict[str, Any]) -> str:
    return (
        f"{figures['students']} students of {figures['lab']} on {figures['cores']} cores: "
        f"stock serial autograde {figures['serial_s']} s (+{figures['serial_feedback_s']} s "
        f"feedback), course grade --workers {figures['workers']} {figures['parallel_s']} s "
        f"(all included): {figures['ratio']}x ({figures['ratio_same_work']}x for the same work); "
        f"peak memory {figures['peak_rss_mb']} MB (serial {figures['serial_peak_rss_mb']} MB); "
        f"grades identical: {figures['grades_identical']}; "
        f"one grader request (ms): {figures['boundary_ms_per_request']}; "
        f"load average before/after: {figures['load_before'][0]}/{figures['load_after'][0]}"
    )
