"""Reading scores out of nbgrader's gradebook (SQLite by default, PostgreSQL with --db)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nbgrader.api import Gradebook, MissingEntry

from autograder.course import Course
from autograder.lateness import penalty_points, seconds_late
from autograder.settings import load_settings


@dataclass(frozen=True)
class CellGrade:
    grade_id: str
    score: float
    max_score: float
    autograded: bool  # False: a person grades it (written answers, tasks)
    pending: bool = False  # a person has not graded it yet


@dataclass
class StudentGrades:
    student: str
    lab: str
    cells: list[CellGrade] = field(default_factory=list)

    @property
    def auto_score(self) -> float:
        return sum(c.score for c in self.cells if c.autograded)

    @property
    def auto_max(self) -> float:
        return sum(c.max_score for c in self.cells if c.autograded)

    @property
    def manual_max(self) -> float:
        return sum(c.max_score for c in self.cells if not c.autograded)

    @property
    def manual_pending(self) -> float:
        return sum(c.max_score for c in self.cells if not c.autograded and c.pending)

    @property
    def total(self) -> float:
        return sum(c.score for c in self.cells)


def grades_for(course: Course, lab: str, student: str) -> StudentGrades | None:
    """The student's graded cells for a lab, or None when there is no graded submission."""
    result = StudentGrades(student, lab)
    with Gradebook(course.gradebook_url) as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(lab, lab, student)
        except MissingEntry:
            return None
        seen: set[str] = set()
        for grade in notebook.grades:
            if grade.name in seen:  # nbgrader lists a task cell once per cell table it is in
                continue
            seen.add(str(grade.name))
            autograded = grade.cell_type == "code" and not grade.needs_manual_grade
            result.cells.append(
                CellGrade(
                    str(grade.name),
                    float(grade.score or 0.0),
                    float(grade.max_score or 0.0),
                    autograded,
                    bool(grade.needs_manual_grade),
                )
            )
    result.cells.sort(key=lambda c: c.grade_id)
    return result


def all_scores(course: Course) -> list[dict[str, object]]:
    """One row per (student, lab) with total and maximum scores, for export.

    A lab the student has not submitted has no score (None), not 0: a gradebook must tell
    "not handed in" from "handed in and scored 0". `score` is after the late penalty of
    course.toml (autograder.lateness), computed from the score as it stands now; `raw_score`
    is before it."""
    settings = load_settings(course)
    rows: list[dict[str, object]] = []
    with Gradebook(course.gradebook_url) as gradebook:
        labs = [a.name for a in gradebook.assignments]
        for student in gradebook.students:
            for lab in labs:
                late, penalty = 0.0, 0.0
                try:
                    submission = gradebook.find_submission(lab, student.id)
                    raw: float | None = float(submission.score)
                    max_score, submitted = float(submission.max_score), True
                    pending = bool(submission.needs_manual_grade)
                    late = seconds_late(settings, lab, student.id, submission.timestamp)
                    penalty = penalty_points(settings, late, float(submission.score), max_score)
                except MissingEntry:
                    assignment = gradebook.find_assignment(lab)
                    raw, max_score, submitted = None, float(assignment.max_score), False
                    pending = False
                score = None if raw is None else round(raw - penalty, 6)
                rows.append(
                    {
                        "student": student.id,
                        "first_name": student.first_name or "",
                        "last_name": student.last_name or "",
                        "email": student.email or "",
                        "lab": lab,
                        "score": score,
                        "raw_score": raw,
                        "late_penalty": penalty,
                        "hours_late": round(late / 3600, 2),
                        "max_score": max_score,
                        "submitted": submitted,
                        "pending": pending,  # hand-graded parts not graded yet
                    }
                )
    return rows
