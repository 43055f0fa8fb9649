"""`course grade`: autograde every submission, write feedback, export the grades.

Each submission is validated, then autograded by its own nbgrader run, so that one broken or
hostile notebook ends with a message for that student and never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from autograder import exporting
from autograder.course import Course, CourseError, last_error_line
from autograder.gradebook import grades_for
from autograder.submissions import problem_with


@dataclass
class StudentResult:
    student: str
    graded: bool
    auto_score: float = 0.0
    auto_max: float = 0.0
    manual_max: float = 0.0
    message: str = ""


@dataclass
class GradeReport:
    lab: str
    results: list[StudentResult] = field(default_factory=list)
    feedback: Path | None = None
    csv: Path | None = None

    def table(self) -> str:
        lines = [f"{'student':<20} {'autograded':>12} {'to grade by hand':>17}  note"]
        for r in self.results:
            score = f"{r.auto_score:g}/{r.auto_max:g}" if r.graded else "-"
            manual = f"{r.manual_max:g} pts" if r.graded else "-"
            lines.append(f"{r.student:<20} {score:>12} {manual:>17}  {r.message}")
        return "\n".join(lines)


def ensure_released(course: Course, lab: str) -> None:
    """nbgrader must know the lab (its cells and points) before it can grade it."""
    if course.notebook(lab, "release").exists() and (course.root / "gradebook.db").exists():
        return
    course.release_lab(lab)


def grade(
    course: Course,
    lab: str,
    *,
    timeout: float | None = None,
    progress: bool = True,
    feedback: bool = True,
) -> GradeReport:
    course.require_labs([lab])
    course.check_gradebook()
    ensure_released(course, lab)
    students = course.students_with_submissions(lab)
    if not students:
        raise CourseError(
            f"{course.submitted.relative_to(course.root)}/*/{lab}: no submissions to grade"
        )
    report = GradeReport(lab)
    extra = [f"--ExecutePreprocessor.timeout={timeout:g}"] if timeout else []
    for student in tqdm(students, desc=f"grading {lab}", disable=not progress):
        problem = problem_with(course, lab, student)
        if problem:
            report.results.append(StudentResult(student, False, message=problem))
            continue
        process = course.nbgrader(
            "autograde", lab, f"--student={student}", "--force", "--create", *extra
        )
        grades = grades_for(course, lab, student)
        if grades is None or (process.returncode != 0 and not grades.cells):
            report.results.append(
                StudentResult(student, False, message=f"not graded: {last_error_line(process)}")
            )
            continue
        note = "" if process.returncode == 0 else f"graded with errors: {last_error_line(process)}"
        report.results.append(
            StudentResult(
                student, True, grades.auto_score, grades.auto_max, grades.manual_max, note
            )
        )
    if feedback and any(r.graded for r in report.results):
        course.nbgrader("generate_feedback", lab, "--force")
        report.feedback = course.feedback
    report.csv = exporting.export(course, "nbgrader", course.root / "grades.csv")
    return report
