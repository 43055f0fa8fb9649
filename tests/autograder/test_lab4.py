"""Lab 4 (the post-mortem): the committed lab is what its build script makes from the current
incident data, the other scenario builds and runs, and the real nbgrader pipeline grades
fabricated reports (complete, missing sections, wrong numbers, blaming language) as it should."""

from __future__ import annotations

from types import ModuleType

import nbformat
import pytest

from autograder.checking import HIDDEN, page_text
from autograder.course import REPO_ROOT
from autograder.incident_truth import truth
from labkit.blameless import check_blameless
from labkit.postmortem import PROSE_SECTIONS, parse_sections
from tests.autograder.labgrading import (
    edit,
    graded_course,
    load_build_script,
    points_lost,
    run_with_scenario_data,
    shipped_data,
)

LAB = "lab4-postmortem"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
AUTO_MAX = 72.0


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return load_build_script("lab4_postmortem")


def test_the_committed_notebook_is_what_the_build_script_makes(build):
    built = build.build(build.SCENARIOS["sep2025"])
    committed = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    assert nbformat.writes(built) == nbformat.writes(committed), (
        "labs/source/lab4-postmortem is out of date: run .venv/bin/python labs/build/lab4_postmortem.py"
    )


def test_the_lab_data_is_a_byte_copy_of_the_generated_tables():
    shipped, differ = shipped_data(SOURCE)
    assert shipped == [
        f"sep2025/{t}.csv.gz" for t in ("changes", "evals", "feedback", "oncall", "requests")
    ]
    assert differ == []


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
def missing_sections(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q5-prose", "## Detection\n", "")
    edit(notebook, "q5-prose", "### Where we got lucky\n", "### Other notes\n")


def wrong_numbers(notebook: nbformat.NotebookNode) -> None:
    # a count doubled, a fix measured to the end of its rollout, and a rollback timed by the chat
    edit(notebook, "q3-impact", "int(len(misrouted))", "2 * int(len(misrouted))")
    edit(
        notebook,
        "q3-impact",
        '"days_to_fix_misrouting": (routing_fix - routing_on) / one_day',
        '"days_to_fix_misrouting": (change("rollout complete on Bedrock") - routing_on) / one_day',
    )
    edit(
        notebook,
        "q2-timeline",
        '(change("roll back runtime performance optimisation"), "output_corruption_rollback"',
        '(said("TPU runtime optimisation rolled back"), "output_corruption_rollback"',
    )


def blaming_language(notebook: nbformat.NotebookNode) -> None:
    edit(
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
    fabrications = {student: fabricate for student, (fabricate, _) in REPORTS.items()}
    yield from graded_course(tmp_path_factory.mktemp("lab4"), LAB, fabrications)


@pytest.mark.slow
@pytest.mark.parametrize("student", list(REPORTS))
def test_fabricated_reports_lose_exactly_the_points_of_their_problem(graded, student):
    course, results = graded
    assert results[student].graded, results[student].message
    assert points_lost(course, LAB, student) == REPORTS[student][1]
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
    notebook = build.build(build.SCENARIOS["apr2026"])
    folder = tmp_path / LAB
    problems = run_with_scenario_data(notebook, folder, "apr2026")
    assert problems == []
    points = sum(c.metadata["nbgrader"].get("points", 0) for c in notebook.cells)
    assert points == 100
    assert (folder / "postmortem.md").read_text().startswith("# Post-mortem: Quality reports")
