"""Lab 4 (the post-mortem): the committed lab is what its build script makes from the current
incident data, the other scenario builds and runs, and the real nbgrader pipeline grades
fabricated reports (complete, missing sections, wrong numbers, blaming language) as it should."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from types import ModuleType

import nbformat
import pytest

from autograder import submissions
from autograder.checking import HIDDEN, page_text
from autograder.course import REPO_ROOT, Course
from autograder.gradebook import grades_for
from autograder.grading import grade
from autograder.incident_truth import truth
from labkit.blameless import check_blameless
from labkit.postmortem import PROSE_SECTIONS, parse_sections

LAB = "lab4-postmortem"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
BUILD = REPO_ROOT / "labs" / "build" / "lab4_postmortem.py"
AUTO_MAX = 72.0


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lab4_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lab4_build"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_the_committed_notebook_is_what_the_build_script_makes(build):
    built = build.build(build.SCENARIOS["sep2025"])
    committed = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    assert nbformat.writes(built) == nbformat.writes(committed), (
        "labs/source/lab4-postmortem is out of date: run .venv/bin/python labs/build/lab4_postmortem.py"
    )


def test_the_lab_data_is_a_byte_copy_of_the_generated_tables():
    shipped = sorted(p.relative_to(SOURCE / "data") for p in (SOURCE / "data").rglob("*.gz"))
    assert [str(p) for p in shipped] == [
        f"sep2025/{t}.csv.gz" for t in ("changes", "evals", "feedback", "oncall", "requests")
    ]
    for path in shipped:
        original = REPO_ROOT / "datasets" / "incidents" / path
        assert (SOURCE / "data" / path).read_bytes() == original.read_bytes(), path


@pytest.mark.parametrize("scenario", ["sep2025", "apr2026"])
def test_graded_key_events_and_numbers_come_from_the_generator_truth(build, scenario):
    s = build.SCENARIOS[scenario]
    facts = truth(scenario)
    assert set(s.key_events) <= {e.event_id for e in facts.key_events}
    assert set(s.logged) | set(s.measured) == set(s.key_events)
    assert set(s.regressions) == {r.name for r in facts.regressions}
    times = build.expected_times(s)
    assert times == {k: facts.event(k).time.isoformat() for k in s.key_events}
    numbers = build.expected_impact(s)
    assert set(numbers) == set(s.impact) and all(v > 0 for v in numbers.values())
    grouped = [name for _, _, names in s.impact_groups for name in names]
    assert sorted(grouped) == sorted(s.impact)


def test_the_template_has_every_section_and_is_blameless():
    template = (SOURCE / "postmortem-template.md").read_text()
    headings = [h.lower() for h, _ in parse_sections(template)]
    for section in PROSE_SECTIONS:
        assert any(a in h for h in headings for a in section.aliases), section.title
    for heading in ("impact", "timeline (utc)", "action items"):
        assert heading in headings
    assert check_blameless(template) == []
    assert "CC BY 4.0" in template and "Postmortem Culture" in template


# ---------------------------------------------------------------------------- end to end
def _cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    (cell,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return cell


def _edit(notebook: nbformat.NotebookNode, grade_id: str, old: str, new: str) -> None:
    cell = _cell(notebook, grade_id)
    assert old in cell.source, f"{grade_id}: {old!r} not found"
    cell.source = cell.source.replace(old, new)


def missing_sections(notebook: nbformat.NotebookNode) -> None:
    _edit(notebook, "q5-prose", "## Detection\n", "")
    _edit(notebook, "q5-prose", "### Where we got lucky\n", "### Other notes\n")


def wrong_numbers(notebook: nbformat.NotebookNode) -> None:
    # a count doubled, a fix measured to the end of its rollout, and a rollback timed by the chat
    _edit(notebook, "q3-impact", "int(len(misrouted))", "2 * int(len(misrouted))")
    _edit(
        notebook,
        "q3-impact",
        '"days_to_fix_misrouting": (routing_fix - routing_on) / one_day',
        '"days_to_fix_misrouting": (change("rollout complete on Bedrock") - routing_on) / one_day',
    )
    _edit(
        notebook,
        "q2-timeline",
        '(change("roll back runtime performance optimisation"), "output_corruption_rollback"',
        '(said("TPU runtime optimisation rolled back"), "output_corruption_rollback"',
    )


def blaming_language(notebook: nbformat.NotebookNode) -> None:
    _edit(
        notebook,
        "q5-prose",
        "Contributing factors:\n",
        "Contributing factors:\n0. The platform engineer failed to canary the routing change, "
        "and Priya should have known better.\n",
    )


REPORTS = {
    "complete": (lambda notebook: None, {}),
    "missing": (missing_sections, {"q5-sections-test": 8}),
    "wrong": (
        wrong_numbers,
        {
            "q2-timeline-logged-test": 12,
            "q3-impact-misrouting-test": 10,
            "q3-impact-durations-test": 6,
        },
    ),
    "blaming": (blaming_language, {"q5-blameless-test": 10}),
}
FEEDBACK = {
    "missing": ["missing section 'Detection'", "missing section 'Where we got lucky'"],
    "wrong": [
        "impact['misrouted_requests']",
        "impact['days_to_fix_misrouting']",
        "the time of key event 'output_corruption_rollback'",
        "9.0 hours away",
    ],
    "blaming": [
        "blaming phrase 'The platform engineer failed to'",
        "personal name 'Priya'",
        "blaming phrase 'should have known'",
    ],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course.locate().copy_to(tmp_path_factory.mktemp("lab4") / "course", [LAB])
    course.release_lab(LAB)
    for student, (fabricate, _) in REPORTS.items():
        notebook = submissions.full(course, LAB)
        fabricate(notebook)
        submissions.write(course, LAB, student, notebook)
    report = grade(course, LAB, progress=False)
    yield course, {r.student: r for r in report.results}
    shutil.rmtree(course.root, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("student", list(REPORTS))
def test_fabricated_reports_lose_exactly_the_points_of_their_problem(graded, student):
    course, results = graded
    assert results[student].graded, results[student].message
    lost = {
        c.grade_id: c.max_score - c.score
        for c in grades_for(course, LAB, student).cells
        if c.autograded and c.score < c.max_score
    }
    assert lost == REPORTS[student][1]
    assert results[student].auto_max == AUTO_MAX
    assert results[student].auto_score == AUTO_MAX - sum(REPORTS[student][1].values())


@pytest.mark.slow
@pytest.mark.parametrize("student", list(FEEDBACK))
def test_feedback_names_the_problem_and_hides_the_hidden_tests(graded, student):
    course, _ = graded
    page = page_text(course.feedback / student / LAB / f"{LAB}.html")
    for phrase in FEEDBACK[student]:
        assert phrase in page, phrase
    source = (course.source / LAB / f"{LAB}.ipynb").read_text()
    assert "_h_true_times" in source and "_h_true_times" not in page
    for block in HIDDEN.findall("\n".join(c.source for c in nbformat.reads(source, 4).cells)):
        for line in block.splitlines():
            if len(line.strip()) >= 40:
                assert line.strip() not in page


@pytest.mark.slow
def test_the_other_scenario_builds_and_its_solution_passes_every_test(build, tmp_path):
    """`--scenario apr2026` makes a complete lab: run its source notebook (with the hidden
    tests) in a folder holding that scenario's data, as nbgrader would."""
    from nbclient import NotebookClient

    folder = tmp_path / LAB
    (folder / "data").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "datasets" / "incidents" / "apr2026", folder / "data" / "apr2026")
    notebook = build.build(build.SCENARIOS["apr2026"])
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    problems = [
        (cell.metadata["nbgrader"]["grade_id"], output.get("ename") or output.get("name"))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr")
    ]
    assert problems == []
    points = sum(c.metadata["nbgrader"].get("points", 0) for c in notebook.cells)
    assert points == 100
    assert (folder / "postmortem.md").read_text().startswith("# Post-mortem: Quality reports")
