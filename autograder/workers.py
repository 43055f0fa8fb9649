"""Grading in a few long-lived worker processes that share one queue of students.

Starting nbgrader costs about two seconds (imports), and a new process per student pays it every
time: measured slower than stock serial `nbgrader autograde`. A worker here is one Python process
that imports nbgrader once, then grades one student at a time through nbgrader's own converters:
it validates the submission (autograder.submissions.problem_with), runs `Autograde` exactly as
`nbgrader autograde LAB --student=S --force` would, with the course's configuration loaded the
same way and each notebook in a new kernel of its own, reads the grades back, and runs
`GenerateFeedback` for that student. A worker asks for the next student when it finishes one
(a shared queue), so a slow notebook never leaves the other workers idle: static sharding by
name was measured at 1.55x on 2 cores.

Isolation: an exception while grading one student ends as that student's message and the worker
goes on; a worker that dies anyway (killed, out of memory) is replaced and the student it held
is queued again, once; a second death on the same submission marks it "not graded".

The parent drives all workers from one thread (a selector on their stdouts), so every worker is
a child of the main thread: Linux's parent-death signal, which each worker requests, is tied to
the thread that started it. Killing `course grade` (SIGKILL included) therefore kills its
workers, and their kernels see their parent go and exit by themselves.

Protocol, one JSON object per line: the parent writes {"student": ID} or {"export": PATH} to a
worker's stdin; the worker answers on its stdout with an Outcome, or {"exported": PATH} or
{"error": MESSAGE}. The worker moves its own stdout to stderr first, so nothing nbgrader or a
library prints can corrupt the protocol; its stderr (nbgrader's log) is read only when it dies.

Run as `python -m autograder.workers --course ROOT --lab LAB [--timeout S] [--no-feedback]`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from autograder.course import Course, CourseError, error_line

ATTEMPTS = 2  # a submission whose worker dies is tried once more, in a fresh worker


@dataclass
class StudentResult:
    """One student's line of a grading report (autograder.grading.GradeReport)."""

    student: str
    graded: bool
    auto_score: float = 0.0
    auto_max: float = 0.0
    manual_max: float = 0.0
    message: str = ""
    manual_pending: float = 0.0  # hand-graded points nobody has graded yet


@dataclass
class Outcome(StudentResult):
    """What grading one student gave (the worker's answer, or the parent's verdict): the
    report's line, and how long it took and how many tries."""

    seconds: float = 0.0
    attempts: int = 1


# -- the parent's side ------------------------------------------------------------------------
class Worker:
    """One worker process; `student` is the submission it is grading, if any."""

    def __init__(self, course: Course, lab: str, timeout: float | None, feedback: bool) -> None:
        # The worker's stderr (nbgrader's log), read when it dies; closed in close().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        # The worker's temporary files, its kernels' sandbox folders among them: removed when
        # it ends, even killed (its kernels then die with it and cannot clean up after
        # themselves).
        self.scratch = tempfile.mkdtemp(prefix="course-worker-")
        command = [sys.executable, "-m", "autograder.workers", "--course", str(course.root)]
        command += ["--lab", lab, "--parent", str(os.getpid())]
        if timeout:
            command += ["--timeout", f"{timeout:g}"]
        if not feedback:
            command.append("--no-feedback")
        self.process = subprocess.Popen(
            command,
            cwd=course.root,
            env={**course.nbgrader_env(), "TMPDIR": self.scratch},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            encoding="utf-8",
        )
        self.ready = False
        self.student: str | None = None
        self.since = 0.0  # when it was handed its current student (time.monotonic)

    @property
    def stdout(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def send(self, message: dict[str, str]) -> bool:
        """Write one request; False when the worker is gone."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except OSError:  # BrokenPipeError: it died
            return False
        return True

    def receive(self) -> dict[str, Any] | None:
        """One answer, or None when the worker died.

        A worker writes one line at start-up and one per request, and gets no new request
        before its answer is read, so no second line can wait unseen in this buffered reader
        while the selector reports the pipe empty."""
        line = self.stdout.readline()
        if not line:
            return None
        answer: dict[str, Any] = json.loads(line)
        return answer

    def last_words(self) -> str:
        """Why the worker stopped: its exit status and the last error line of its log."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        code = self.process.returncode
        if code is None:
            status = "still running"
        elif code < 0:
            status = f"killed by {signal.Signals(-code).name}"
        else:
            status = f"exit code {code}"
        self.log.seek(0)
        log = self.log.read()[-20_000:].decode("utf-8", "replace")
        return f"{status}; {error_line(log, 'no log')}"

    def close(self) -> None:
        """End of input: the worker exits; one that does not within 30 s is killed."""
        with contextlib.suppress(OSError):
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stdout.close()
        self.log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


class WorkerPool:
    """`size` workers for one lab. Use as a context manager: leaving it ends every worker."""

    def __init__(
        self,
        course: Course,
        lab: str,
        *,
        size: int,
        timeout: float | None = None,
        feedback: bool = True,
        deadline: float | None = None,
    ) -> None:
        self.course, self.lab, self.size = course, lab, max(1, size)
        self.timeout, self.feedback = timeout, feedback
        # The watchdog: a worker still busy with one student after this long is killed, and
        # that student alone is "not graded" (a notebook's own limits should end it long before).
        self.deadline = deadline if deadline is not None else default_deadline(course)
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self.failed_starts = 0
        self.restarts = 0

    def __enter__(self) -> WorkerPool:
        for _ in range(self.size):
            self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in list(self.workers):
            self._remove(worker)
            worker.close()
        self.selector.close()

    def _start(self) -> Worker:
        worker = Worker(self.course, self.lab, self.timeout, self.feedback)
        self.workers.append(worker)
        self.selector.register(worker.stdout, selectors.EVENT_READ, worker)
        return worker

    def _remove(self, worker: Worker) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(worker.stdout)
        with contextlib.suppress(ValueError):
            self.workers.remove(worker)

    def _replace(self, dead: Worker) -> str:
        """Close a dead worker, start another in its place; return why it died."""
        why = dead.last_words()
        self._remove(dead)
        dead.close()
        if not dead.ready:
            self.failed_starts += 1
            if self.failed_starts > 2 * self.size:  # not a notebook's fault: the set-up fails
                raise CourseError(f"grading workers do not start: {why}")
        else:
            self.restarts += 1
        self._start()
        return why

    def grade(
        self, students: list[str], on_done: Callable[[Outcome], None] = lambda outcome: None
    ) -> dict[str, Outcome]:
        """Grade every student; each gets exactly one Outcome, in the order given."""
        pending = deque(students)
        attempts: Counter[str] = Counter()
        deaths: dict[str, str] = {}
        results: dict[str, Outcome] = {}
        while len(results) < len(students):
            for worker in self.workers:
                if worker.ready and worker.student is None and pending:
                    student = pending.popleft()
                    attempts[student] += 1
                    worker.student, worker.since = student, time.monotonic()
                    worker.send({"student": student})  # a dead worker shows up as EOF below
            busy = [w.since + self.deadline - time.monotonic() for w in self.workers if w.student]
            events = self.selector.select(max(0.0, min(busy)) + 0.1 if busy else None)
            for worker in self._overdue():
                hung = str(worker.student)
                self._stop(worker)
                forget_submission(self.course, self.lab, hung)  # half-written by the worker
                outcome = Outcome(hung, False, attempts=attempts[hung])
                outcome.message = (
                    f"not graded: grading it took more than {self.deadline:g} s, so its worker "
                    "was stopped (the notebook's own time limits did not end it)"
                )
                results[hung] = outcome
                on_done(outcome)
            for key, _ in events:
                worker = key.data
                if worker not in self.workers:  # stopped by the watchdog just now
                    continue
                answer = worker.receive()
                if answer is None:
                    student, why = worker.student, self._replace(worker)
                    if student is None:
                        continue
                    deaths[student] = why
                    if attempts[student] < ATTEMPTS:
                        pending.appendleft(student)
                        continue
                    outcome = Outcome(student, False)
                    outcome.message = (
                        f"not graded: its grading worker died {attempts[student]} times ({why})"
                    )
                elif "ready" in answer:
                    worker.ready = True
                    continue
                else:
                    outcome = Outcome(**answer)
                    worker.student = None
                outcome.attempts = attempts[outcome.student]
                if outcome.graded and outcome.student in deaths:
                    note = f"graded on try {outcome.attempts} (a grading worker died: {deaths[outcome.student]})"
                    outcome.message = f"{outcome.message}; {note}" if outcome.message else note
                results[outcome.student] = outcome
                on_done(outcome)
        return {student: results[student] for student in students}

    def _overdue(self) -> list[Worker]:
        now = time.monotonic()
        return [w for w in self.workers if w.student and now - w.since > self.deadline]

    def _stop(self, worker: Worker) -> None:
        """Kill a hung worker (its kernels die with it) and start another in its place."""
        self._remove(worker)
        with contextlib.suppress(OSError):
            worker.process.kill()
        worker.close()
        self.restarts += 1
        self._start()

    def export(self, path: Path) -> Path:
        """Write the nbgrader-format CSV through a worker, which has nbgrader imported already."""
        for _ in range(2):
            worker = self.workers[0]
            while not worker.ready:
                answer = worker.receive()
                if answer is None:
                    break
                worker.ready = bool(answer.get("ready"))
            answer = (
                worker.receive() if worker.ready and worker.send({"export": str(path)}) else None
            )
            if answer is None:
                self._replace(worker)
                continue
            if "error" in answer:
                raise CourseError(str(answer["error"]))
            return Path(answer["exported"])
        raise CourseError(f"{path}: the grading worker died while exporting grades")


def forget_submission(course: Course, lab: str, student: str) -> None:
    """Remove what a stopped worker had begun to write for this student: "not graded" means no
    grades in the gradebook (the submitted files stay, to grade again)."""
    from nbgrader.api import Gradebook, MissingEntry

    with contextlib.suppress(MissingEntry), Gradebook(course.gradebook_url) as gradebook:
        gradebook.remove_submission(lab, student)
    shutil.rmtree(course.autograded / student / lab, ignore_errors=True)


def default_deadline(course: Course) -> float:
    """The notebook's wall-clock limit (course config) plus room for start-up and feedback."""
    notebook = course.setting("GuardedExecute", "notebook_seconds", 600.0)
    return float(notebook) + 120.0


# -- the worker's side ------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (SIGKILLed `course grade` included)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class Grader:
    """nbgrader loaded once for one lab; grades one student at a time."""

    def __init__(self, root: Path, lab: str, timeout: float | None, feedback: bool) -> None:
        # Imported here: the parent process never pays nbgrader's two seconds of imports.
        from nbgrader.apps.autogradeapp import AutogradeApp

        os.chdir(root)
        # Kernels are stopped at once when their notebook has run: the graceful default waits
        # for the kernel's own exit, about 0.1 s per notebook here and under load sometimes
        # 2-4 s (measured), and the kill (SIGKILL to the kernel's process group) leaves nothing
        # a student started running. Grades come from the outputs, complete by then.
        argv = [lab, "--force", "--Execute.shutdown_kernel=immediate"]
        if timeout:
            # nbgrader's Execute.timeout is an integer number of seconds per cell.
            argv.append(f"--ExecutePreprocessor.timeout={max(1, round(timeout))}")
        self.app = AutogradeApp()
        self.app.initialize(argv)  # reads the course's nbgrader_config.py as the CLI does
        for handler in self.app.log.handlers:  # timestamps: the log is read when a worker dies
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.lab = lab
        self.course = Course(root, self.app.coursedir.db_url)
        self.feedback = _reusing_feedback(self.app) if feedback else None

    def grade(self, student: str) -> Outcome:
        from nbgrader.converters import Autograde

        from autograder import integrity
        from autograder.gradebook import grades_for
        from autograder.submissions import problem_with

        problem = problem_with(self.course, self.lab, student)
        if problem:
            return Outcome(student, False, message=problem)
        coursedir = self.app.coursedir
        coursedir.assignment_id, coursedir.student_id = self.lab, student
        try:
            autograde = Autograde(coursedir=coursedir, parent=self.app)
            autograde.force = True
            result = _run(autograde)
            grades = grades_for(self.course, self.lab, student)
            if grades is None or (result and not grades.cells):
                return Outcome(student, False, message=f"not graded: {result}")
            outcome = Outcome(student, True, grades.auto_score, grades.auto_max, grades.manual_max)
            outcome.manual_pending = grades.manual_pending
            if result:
                outcome.message = f"graded with errors: {result}"
            elif self.feedback is not None:
                failed = _run(self.feedback)
                outcome.message = f"no feedback: {failed}" if failed else ""
            # What the grader restored, stopped or detected, for the student: computed here, in
            # parallel, rather than in the parent after the run.
            outcome.message = integrity.explain(self.course, self.lab, student, outcome.message)
            return outcome
        finally:
            coursedir.student_id = "*"

    def export(self, path: str) -> dict[str, str]:
        from autograder.exporting import export

        try:
            return {"exported": str(export(self.course, "nbgrader", Path(path)).path)}
        except CourseError as error:
            return {"error": str(error)}


def _reusing_feedback(app: Any) -> Any:
    """nbgrader's GenerateFeedback (the course's preprocessors, for the student set in the
    course directory), keeping its HTML exporter from one student to the next: a new exporter
    compiles its templates again, 0.06 s of CPU per student (measured), and nbconvert's
    exporters and these preprocessors keep no state between notebooks."""
    from nbgrader.converters import GenerateFeedback

    class ReusingFeedback(GenerateFeedback):  # type: ignore[misc]  # nbgrader is untyped
        built = False

        def start(self) -> None:
            if not self.built:
                super().start()  # builds the writer and the exporter, then converts
                self.built = True
                return
            self.init_notebooks()
            here = os.getcwd()
            os.chdir(self.coursedir.root)
            try:
                self.convert_notebooks()
            finally:
                os.chdir(here)

    converter = ReusingFeedback(coursedir=app.coursedir, parent=app)
    converter.force = True
    return converter


def _run(converter: Any) -> str:
    """Run an nbgrader converter; '' when it succeeded, else the line of its log that says why."""
    from nbgrader.utils import capture_log

    result = capture_log(converter)
    if result["success"]:
        return ""
    return error_line(str(result.get("log", "")) + str(result.get("error", "")), "nbgrader failed")


def serve(grader: Grader, requests: IO[str], protocol: IO[str]) -> None:
    def answer(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    answer({"ready": True, "pid": os.getpid()})
    for line in requests:
        request = json.loads(line)
        if "export" in request:
            answer(grader.export(request["export"]))
            continue
        student = str(request["student"])
        started = time.perf_counter()
        try:
            outcome = grader.grade(student)
        except Exception as error:  # never let one student end the worker
            outcome = Outcome(
                student, False, message=f"not graded: {type(error).__name__}: {error}"
            )
        outcome.seconds = round(time.perf_counter() - started, 3)
        answer(asdict(outcome))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.workers", description=__doc__)
    parser.add_argument("--course", required=True)
    parser.add_argument("--lab", required=True)
    parser.add_argument("--parent", type=int, default=0)
    parser.add_argument("--timeout", type=float)
    parser.add_argument("--no-feedback", dest="feedback", action="store_false")
    args = parser.parse_args(argv)
    # jsonschema (imported by nbformat) imports rfc3987_syntax only to offer "iri" format
    # checks, which nothing here uses (nbformat validates without a format checker); building
    # its grammar took 1.2-1.4 s of CPU of a worker's 2.3 s start-up (measured). A None entry
    # makes that import fail, and jsonschema goes on without those two checks.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # The protocol keeps the real stdout; everything else that writes to fd 1 goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if args.parent:
        _die_with_parent(args.parent)
    serve(Grader(Path(args.course), args.lab, args.timeout, args.feedback), sys.stdin, protocol)
    sys.stderr.flush()
    # Every kernel is stopped and every gradebook session closed: skip the interpreter's slow
    # teardown of nbgrader's modules (about half a second per worker).
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
