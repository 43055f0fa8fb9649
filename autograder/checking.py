"""`course check`: the quality gate a lab must pass before students see it.

It works on a throw-away copy of the course, so the instructor's gradebook is never touched. For
each lab: its text source and notebook agree, every test cell has a grader-side hidden test,
an existing release is what the source releases as; the solution scores full marks on every
autograded cell under several student seeds;
the untouched release runs to the end and scores zero; grade ids are unique; points add up; the
release carries no outputs, solutions, hidden tests, mark schemes or secrets; feedback shows no
hidden test; and grading stays within the lab's time budget.
"""

from __future__ import annotations

import html
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from autograder import labsource, submissions
from autograder.course import Course, CourseError, last_error_line
from autograder.gradebook import grades_for
from autograder.grader import registry
from autograder.grader.registry import is_test_cell

LAB_POINTS = 100.0
BUDGET_SECONDS = 60.0
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME")
SECRETS = re.compile(r"sk-ant-[A-Za-z0-9_-]{8,}|ANTHROPIC_API_KEY\s*=\s*['\"][^'\"]+")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARK_SCHEME = re.compile(r"### BEGIN MARK SCHEME\n(.*?)### END MARK SCHEME", re.S)


@dataclass
class LabCheck:
    lab: str
    points: float = 0.0
    auto_points: float = 0.0
    full_marks: str = "-"
    release_zero: str = "-"
    seconds_per_submission: float = 0.0
    problems: list[str] = field(default_factory=list)
    # Worth knowing, not a failure: a wall-clock figure depends on how busy the machine is.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def page_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw


def secret_lines(source: Path, hidden_tests: Path | None = None) -> list[str]:
    """Lines of hidden tests (the notebook's regions, and the grader-side module `hidden_tests`) and of
    mark schemes that are secret: none may reach a student.

    A line that also appears in the notebook's visible text (an error message quoted in the
    instructions, say) is not a secret, and is not reported.
    """
    hidden: list[str] = []
    visible: list[str] = []
    for cell in submissions.read(source).cells:
        blocks = HIDDEN.findall(cell.source) + MARK_SCHEME.findall(cell.source)
        for block in blocks:
            hidden += [line.strip() for line in block.splitlines() if len(line.strip()) >= 16]
        visible.append(MARK_SCHEME.sub("", HIDDEN.sub("", cell.source)))
    if hidden_tests is not None and hidden_tests.is_file():
        code = hidden_tests.read_text(encoding="utf-8").splitlines()
        hidden += [line.strip() for line in code if len(line.strip()) >= 16]
    shown = "\n".join(visible)
    return [line for line in hidden if line not in shown]


def _static_checks(course: Course, lab: str, result: LabCheck) -> None:
    notebook = submissions.read(course.notebook(lab))
    seen: set[str] = set()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not meta:
            continue
        if grade_id in seen:
            result.problems.append(f"grade id {grade_id!r} is used twice")
        seen.add(grade_id)
        if meta.get("grade") and meta.get("task"):
            result.problems.append(
                f"cell {grade_id!r} is both a grade and a task cell (nbgrader counts its points "
                "twice); a manually graded task has grade=false, task=true"
            )
        if meta.get("grade") or meta.get("task"):
            result.points += float(meta.get("points", 0))
            if cell.cell_type == "code" and not meta.get("solution") and not meta.get("task"):
                result.auto_points += float(meta.get("points", 0))
    if result.points != LAB_POINTS:
        result.problems.append(f"points add up to {result.points:g}, not {LAB_POINTS:g}")


def _source_checks(course: Course, lab: str, result: LabCheck) -> None:
    """The text source and the notebook agree; every test cell has its grader-side test."""
    files = labsource.LabFiles(course.source / lab, lab)
    try:
        drift = labsource.differences(files)
    except labsource.LabSourceError as error:
        drift = [str(error)]
    if drift:
        more = f" (and {len(drift) - 1} more)" if len(drift) > 1 else ""
        result.problems.append(
            f"{files.text.name} and {files.notebook.name} disagree: {drift[0]}{more}; run "
            f"`course sync {lab}` (add --from text or --from notebook to choose)"
        )
    notebook = submissions.read(course.notebook(lab))
    if any("### BEGIN HIDDEN TESTS" in c.source for c in notebook.cells):
        result.problems.append(
            f"{lab}: hidden tests inside the notebook; they belong in hidden/{lab}.py, which the "
            "grader runs outside the student's kernel"
        )
    try:
        hidden = registry.load(course.root, lab)
    except registry.HiddenTestsError as error:
        result.problems.append(str(error))
        return
    tests = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if is_test_cell(c)]
    if hidden is None:
        if tests:
            result.problems.append(f"{lab}: no hidden/{lab}.py: its test cells have no grader")
        return
    missing = [t for t in tests if t not in hidden.tests]
    if missing:
        result.problems.append(
            f"{hidden.path.name}: no hidden test for test cell(s) {', '.join(missing)}"
        )
    orphans = sorted(set(hidden.tests) - set(tests))
    if orphans:
        result.problems.append(
            f"{hidden.path.name}: hidden tests for grade ids the notebook has no test cell for: "
            f"{', '.join(orphans)}"
        )


def _released_drift(original: Course, scratch: Course, lab: str, result: LabCheck) -> None:
    """An existing release must be what the current source releases as (no silent drift)."""
    released = original.notebook(lab, "release")
    if not released.exists():
        return
    try:
        old = labsource.comparable(submissions.read(released))
    except ValueError as error:
        result.problems.append(f"{released}: unreadable ({error}); run `course release {lab}`")
        return
    new = labsource.comparable(submissions.read(scratch.notebook(lab, "release")))
    if old != new:
        changed = next(
            (a[0] for a, b in zip(old, new, strict=False) if a != b), "the number of cells"
        )
        result.problems.append(
            f"{released.relative_to(original.root)}: differs from what the source releases as "
            f"(first difference: {changed}); run `course release {lab}` (and tell students "
            "who fetched it)"
        )


def _release_checks(course: Course, lab: str, result: LabCheck) -> None:
    release = course.notebook(lab, "release")
    raw = page_text(release)
    text = "\n".join(cell.source for cell in submissions.read(release).cells)
    for marker in MARKERS:
        if marker in text:
            result.problems.append(f"the release contains {marker!r}")
    if SECRETS.search(raw):
        result.problems.append("the release contains something that looks like an API key")
    secret = secret_lines(course.notebook(lab), registry.path_for(course.root, lab))
    leaked = [line for line in secret if line in text]
    if leaked:
        result.problems.append(f"hidden test text in the release: {leaked[0]!r}")
    for cell in submissions.read(release).cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            result.problems.append("the release notebook carries outputs")
            break


def _autograde(course: Course, lab: str, student: str) -> float:
    started = time.perf_counter()
    process = course.nbgrader("autograde", lab, f"--student={student}", "--force", "--create")
    if process.returncode != 0:
        raise RuntimeError(last_error_line(process))
    return time.perf_counter() - started


def check_lab(course: Course, lab: str, seeds: int = 3, original: Course | None = None) -> LabCheck:
    result = LabCheck(lab)
    _static_checks(course, lab, result)
    _source_checks(course, lab, result)
    try:
        course.release_lab(lab)
    except CourseError as error:
        result.problems.append(str(error))
        return result
    if original is not None:
        _released_drift(original, course, lab, result)
    _release_checks(course, lab, result)
    students = [f"check-seed-{i}" for i in range(seeds)]
    for student in students:
        submissions.write(course, lab, student, submissions.full(course, lab))
    submissions.write(course, lab, "check-blank", submissions.blank(course, lab))
    durations = []
    for student in [*students, "check-blank"]:
        try:
            durations.append(_autograde(course, lab, student))
        except RuntimeError as error:
            result.problems.append(f"autograde of {student} failed: {error}")
            return result
    result.seconds_per_submission = sum(durations) / len(durations)
    full = 0
    for student in students:
        grades = grades_for(course, lab, student)
        missed = [
            c.grade_id
            for c in (grades.cells if grades else [])
            if c.autograded and c.score < c.max_score
        ]
        if grades and not missed:
            full += 1
        else:
            result.problems.append(
                f"the solution lost points as {student}: {', '.join(missed) or 'no grades'}"
            )
    result.full_marks = f"{full}/{seeds}"
    blank = grades_for(course, lab, "check-blank")
    result.release_zero = "yes" if blank and blank.auto_score == 0 else "no"
    if result.release_zero == "no":
        result.problems.append(
            f"the untouched release scores {blank.auto_score if blank else '?'} points"
        )
    executed = submissions.read(course.notebook(lab, "autograded", "check-blank"))
    # Test cells are not run in the kernel (their hidden test grades them from outside).
    if any(
        c.cell_type == "code" and c.execution_count is None and not is_test_cell(c)
        for c in executed.cells
    ):
        result.problems.append("the untouched release did not run to the end")
    course.nbgrader("generate_feedback", lab, "--force")
    hidden = secret_lines(course.notebook(lab), registry.path_for(course.root, lab))
    for page in course.feedback.glob(f"*/{lab}/*.html"):
        leaked = [line for line in hidden if line in page_text(page)]
        if leaked:
            result.problems.append(
                f"feedback {page.name} shows hidden test or mark scheme text: {leaked[0]!r}"
            )
            break
    if result.seconds_per_submission > BUDGET_SECONDS:
        result.notes.append(
            f"grading took {result.seconds_per_submission:.1f} s a submission here (budget "
            f"{BUDGET_SECONDS:g} s on a quiet core; measure with `course bench --lab {lab}`)"
        )
    return result


def check(
    course: Course, labs: list[str] | None = None, *, seeds: int = 3, progress: bool = True
) -> list[LabCheck]:
    chosen = course.require_labs(labs)
    with tempfile.TemporaryDirectory(prefix="course-check-") as folder:
        scratch = course.copy_to(Path(folder), chosen)
        return [
            check_lab(scratch, lab, seeds, original=course)
            for lab in tqdm(chosen, desc="checking", disable=not progress)
        ]


def table(results: list[LabCheck]) -> str:
    header = f"{'lab':<24} {'points':>6} {'auto':>5} {'full marks':>10} {'release 0':>9} {'s/submission':>12}  status"
    lines = [header]
    for r in results:
        status = "ok" if r.ok else "FAIL: " + "; ".join(r.problems)
        if r.notes:
            status += " (note: " + "; ".join(r.notes) + ")"
        lines.append(
            f"{r.lab:<24} {r.points:>6g} {r.auto_points:>5g} {r.full_marks:>10} {r.release_zero:>9} "
            f"{r.seconds_per_submission:>12.1f}  {status}"
        )
    return "\n".join(lines)
