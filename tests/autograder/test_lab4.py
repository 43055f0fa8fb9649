"""Lab 4 (the post-mortem): one text source for both incident scenarios, hidden tests in the grader.

The lab's brief for each scenario agrees with the generator's truth, the text source and the
notebook agree, and the real nbgrader pipeline grades fabricated reports under BOTH scenarios
(each in a throw-away course whose data/ holds that scenario's tables, as `course release
--scenario` leaves it): a wrong answer loses exactly its cell's points, warnings and a rebound
SEED cost nothing, and values that fake equality or numbers get no points.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import nbformat
import pytest

from autograder import scenarios, submissions
from autograder.checking import page_text
from autograder.course import REPO_ROOT, Course
from autograder.grader import registry
from autograder.grading import StudentResult, grade
from autograder.incident_truth import truth
from autograder.labsource import LabFiles, in_sync
from labkit import incidents
from labkit.blameless import check_blameless
from labkit.postmortem import PROSE_SECTIONS, parse_sections
from tests.autograder.labgrading import points_lost, shipped_data

LAB = "lab4-postmortem"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
SCENARIOS = ("sep2025", "apr2026")
AUTO_MAX = 72.0
Fabricate = Callable[[nbformat.NotebookNode], None]


@pytest.fixture(scope="module")
def hidden() -> ModuleType:
    tests = registry.load(REPO_ROOT / "labs", LAB)
    assert tests is not None
    module = sys.modules["autograder_hidden_lab4_postmortem"]
    assert isinstance(module, ModuleType)
    return module


def brief(scenario: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SOURCE / "briefs" / f"{scenario}.json").read_text())
    return data


def source_notebook() -> nbformat.NotebookNode:
    notebook: nbformat.NotebookNode = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    return notebook


def graded_ids(notebook: nbformat.NotebookNode) -> dict[str, float]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }


# ---------------------------------------------------------------------------- the source
def test_the_text_source_and_the_notebook_agree_and_hold_no_hidden_tests():
    assert in_sync(LabFiles(SOURCE, LAB))
    notebook = source_notebook()
    assert not any("BEGIN HIDDEN TESTS" in c.source for c in notebook.cells)
    assert "SCENARIO = incidents.default_scenario()" in "\n".join(c.source for c in notebook.cells)
    assert not (REPO_ROOT / "labs" / "build" / "lab4_postmortem.py").exists()


def test_every_autograded_cell_has_a_hidden_test_and_the_points_add_up():
    tests = registry.load(REPO_ROOT / "labs", LAB)
    assert tests is not None
    points = graded_ids(source_notebook())
    assert set(tests.tests) == set(points)
    assert sum(points.values()) == AUTO_MAX
    tasks = [c for c in source_notebook().cells if c.metadata.get("nbgrader", {}).get("task")]
    assert sum(c.metadata["nbgrader"]["points"] for c in tasks) == 100 - AUTO_MAX


def test_the_lab_ships_one_scenario_as_a_byte_copy_of_the_generated_tables(hidden):
    shipped, differ = shipped_data(SOURCE)
    scenario = hidden.scenario_in(SOURCE)
    assert shipped == [f"{scenario}/{t}.csv.gz" for t in sorted(incidents.TABLES)]
    assert differ == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_brief_grades_what_the_generator_truth_knows(hidden, scenario):
    facts, spec = truth(scenario), brief(scenario)
    keys = list(spec["key_events"])
    assert set(keys) <= {e.event_id for e in facts.key_events}
    assert sorted(spec["change_events"] + spec["finding_events"]) == sorted(keys)
    assert set(spec["measured_events"]) <= set(spec["finding_events"])
    assert list(spec["regressions"]) == [r.name for r in facts.regressions]
    # a change's true time is a time of the change log; a finding's is in the chat or measured
    changes = set(incidents.load("changes", scenario)["time"].dt.floor("min"))
    chat = set(incidents.load("oncall", scenario)["time"].dt.floor("min"))
    for key in spec["change_events"]:
        assert facts.event(key).time.floor("min") in changes, key
    for key in set(spec["finding_events"]) - set(spec["measured_events"]):
        assert facts.event(key).time.floor("min") in chat, key
    fields = list(spec["impact_fields"])
    durations = [f for f in fields if f.startswith(hidden.DURATION_PREFIX)]
    assert durations and len(durations) < len(fields)
    for name in fields:
        value, tolerance, _ = hidden.true_number(scenario, name)
        assert value > 0 and tolerance > 0, name
    story = (SOURCE / "briefs" / f"{scenario}.md").read_text()
    assert spec["title"] in story and spec["review_date"] in story


def test_the_template_has_every_section_and_is_blameless():
    template = (SOURCE / "postmortem-template.md").read_text()
    headings = [h.lower() for h, _ in parse_sections(template)]
    for section in PROSE_SECTIONS:
        assert any(a in h for h in headings for a in section.aliases), section.title
    for heading in ("impact", "timeline (utc)", "action items"):
        assert heading in headings
    assert check_blameless(template) == []
    assert "CC BY 4.0" in template and "Postmortem Culture" in template


# ---------------------------------------------------------------------------- fabrications
def cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    (found,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    assert isinstance(found, nbformat.NotebookNode)
    return found


def append(notebook: nbformat.NotebookNode, grade_id: str, code: str) -> None:
    """Add code at the end of an answer cell (the same edit works for both scenarios)."""
    found = cell(notebook, grade_id)
    found.source = found.source.rstrip("\n") + "\n" + code.strip("\n") + "\n"


def insert_after(notebook: nbformat.NotebookNode, grade_id: str, code: str) -> None:
    """A cell of the student's own, right after the cell `grade_id`."""
    index = notebook.cells.index(cell(notebook, grade_id))
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(code.strip("\n")))


def warns_and_rebinds_seed(notebook: nbformat.NotebookNode) -> None:
    insert_after(notebook, "setup", "SEED = 0")
    append(
        notebook,
        "q3-impact",
        'import warnings\nwarnings.warn("a library default changes soon", FutureWarning)',
    )


def wrong_a(notebook: nbformat.NotebookNode) -> None:
    # the same words on every other row; a number doubled; a P0 due in 400 days; no Detection
    append(notebook, "q2-timeline", 'timeline.loc[timeline["key"] == "", "event"] = "A thing happened"')  # fmt: skip
    append(notebook, "q3-impact", "first = [n for n in IMPACT_FIELDS if not n.startswith('days')][0]\nimpact[first] = 2 * impact[first]")  # fmt: skip
    append(
        notebook,
        "q4-actions",
        'action_items.loc[0, "priority"] = "P0"\n'
        'action_items.loc[0, "due"] = (REVIEW_DATE + pd.Timedelta(days=400)).date()',
    )
    append(notebook, "q5-prose", 'report_prose = report_prose.replace("## Detection\\n", "## Notes\\n")')  # fmt: skip


def wrong_b(notebook: nbformat.NotebookNode) -> None:
    # a change timed by the chat, the declaration timed by an earlier message, a duration 3 days
    # long, one regression without a prevent/mitigate action, and blaming words
    append(
        notebook,
        "q2-timeline",
        """
_key = CHANGE_EVENTS[0]
_at = timeline.loc[timeline["key"] == _key, "time"].iloc[0]
timeline.loc[timeline["key"] == _key, "time"] = oncall.loc[oncall["time"] > _at + pd.Timedelta(hours=2), "time"].min()
_at = timeline.loc[timeline["key"] == "incident_declared", "time"].iloc[0]
timeline.loc[timeline["key"] == "incident_declared", "time"] = oncall.loc[oncall["time"] < _at - pd.Timedelta(hours=2), "time"].max()
timeline = timeline.sort_values("time", kind="stable", ignore_index=True)
""",
    )
    append(notebook, "q3-impact", "last = [n for n in IMPACT_FIELDS if n.startswith('days')][-1]\nimpact[last] = impact[last] + 3")  # fmt: skip
    append(notebook, "q4-actions", 'action_items.loc[action_items["addresses"] == list(REGRESSIONS)[0], "kind"] = "detect"')  # fmt: skip
    append(
        notebook,
        "q5-prose",
        'report_prose += "\\nThe platform engineer failed to canary the change, and Priya should '
        'have known better.\\n"',
    )


def wrong_c(notebook: nbformat.NotebookNode) -> None:
    # a timeline row whose source is no table, and a date in the prose that no evidence shows
    append(
        notebook,
        "q2-timeline",
        'timeline.loc[timeline.index[timeline["key"] == ""][0], "source"] = "a hunch"',
    )
    append(
        notebook,
        "q5-prose",
        'report_prose += "\\nThe first complaint about answer quality arrived on 1 Jan.\\n"',
    )


def typed_number(notebook: nbformat.NotebookNode) -> None:
    # a share typed by hand into the prose: no value of the record or the evidence shows it
    append(
        notebook,
        "q5-prose",
        'report_prose += "\\nAbout 12.5% of the affected users wrote to support.\\n"',
    )


def fakes_numbers(notebook: nbformat.NotebookNode) -> None:
    # objects equal to everything, and a float subclass that lies about comparisons, in place of
    # the numbers while the impact tests run; the true numbers come back for the report
    append(
        notebook,
        "q3-impact",
        """
class Anything:
    def __eq__(self, other): return True
    def __float__(self): return 1.0
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __format__(self, spec): return "1"
class Sly(float):
    def __eq__(self, other): return True
    def __sub__(self, other): return Sly(0.0)
    def __abs__(self): return 0.0
true_impact = dict(impact)
impact = {n: (Sly(0.5) if n.startswith("days") else Anything()) for n in impact}
""",
    )
    insert_after(notebook, "q3-impact-durations-test", "impact = true_impact")


FABRICATIONS: dict[str, tuple[Fabricate, dict[str, float]]] = {
    "warns": (warns_and_rebinds_seed, {}),
    "wrong-a": (
        wrong_a,
        {
            "q2-timeline-test": 6,
            "q3-impact-numbers-test": 10,
            "q4-actions-test": 7,
            "q5-sections-test": 4,
        },
    ),
    "wrong-b": (
        wrong_b,
        {
            "q2-timeline-changes-test": 8,
            "q2-timeline-findings-test": 6,
            # the moved change still cites the change log, which shows nothing at that minute
            "q2-timeline-sources-test": 4,
            "q3-impact-durations-test": 4,
            "q4-actions-coverage-test": 6,
            "q5-blameless-test": 7,
        },
    ),
    "wrong-c": (wrong_c, {"q2-timeline-sources-test": 4, "q5-dates-test": 5}),
    "typed": (typed_number, {"q5-numbers-test": 5}),
    "fakes": (fakes_numbers, {"q3-impact-numbers-test": 10, "q3-impact-durations-test": 4}),
}
FEEDBACK = {
    "wrong-a": [
        "the event descriptions",
        "a P0 action is due within 28 days",
        "missing section 'Detection'",
    ],
    "wrong-b": [
        "expected: the time of a change in the change log",
        "hours away",
        "the time of key event 'incident_declared'",
        "blame: 'The platform engineer failed to'",
        "personal_name: 'Priya'",
    ],
    "wrong-c": ["names none of the tables", "'1 Jan'"],
    "fakes": ["a finite number"],
}


@pytest.fixture(scope="module", params=SCENARIOS)
def graded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Course, dict[str, StudentResult]]]:
    scenario = request.param
    folder = tmp_path_factory.mktemp(f"lab4-{scenario}")
    course = Course.locate().copy_to(folder / "course", [LAB])
    scenarios.switch(course, LAB, scenario)  # what `course release --scenario` does
    course.release_lab(LAB)
    for student, (fabricate, _) in FABRICATIONS.items():
        notebook = submissions.full(course, LAB)
        fabricate(notebook)
        submissions.write(course, LAB, student, notebook)
    report = grade(course, LAB, progress=False)
    yield scenario, course, {r.student: r for r in report.results}
    shutil.rmtree(course.root, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # grading both scenarios' fabricated reports
def test_fabricated_reports_lose_exactly_the_points_of_their_problems(graded):
    scenario, course, results = graded
    for student, (_, lost) in FABRICATIONS.items():
        assert results[student].graded, (scenario, student, results[student].message)
        assert points_lost(course, LAB, student) == lost, (scenario, student)
        assert results[student].auto_max == AUTO_MAX
        assert results[student].auto_score == AUTO_MAX - sum(lost.values()), (scenario, student)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # grading both scenarios' fabricated reports
def test_a_warning_and_a_rebound_seed_cost_nothing(graded):
    # Lab 4's answers are values, so the grader calls no function of the student's and no
    # warning is recorded as advice; what matters is that the warning costs no point.
    _, course, results = graded
    assert results["warns"].auto_score == AUTO_MAX
    autograded = nbformat.read(course.notebook(LAB, "autograded", "warns"), as_version=4)
    for grade_id in graded_ids(autograded):
        texts = [str(o.get("text", "")) for o in cell(autograded, grade_id).outputs]
        assert "All checks passed.\n" in texts, grade_id


@pytest.mark.slow
@pytest.mark.timeout(1200)  # grading both scenarios' fabricated reports
def test_feedback_names_the_problem_and_shows_no_hidden_test(graded):
    scenario, course, _ = graded
    hidden_lines = [
        line.strip()
        for line in (REPO_ROOT / "labs" / "hidden" / f"{LAB}.py").read_text().splitlines()
        if len(line.strip()) >= 30
    ]
    shown = "\n".join(c.source for c in nbformat.read(course.notebook(LAB, "release"), 4).cells)
    secret = [line for line in hidden_lines if line not in shown and not line.startswith("#")]
    missing, leaked = [], []
    for student, phrases in FEEDBACK.items():
        page = page_text(course.feedback / student / LAB / f"{LAB}.html")
        missing += [(student, phrase) for phrase in phrases if phrase not in page]
        leaked += [(student, line) for line in secret if line in page]
    assert missing == [] and leaked == [], scenario
    # the report the notebook put together is this term's incident's
    autograded = nbformat.read(course.notebook(LAB, "autograded", "warns"), as_version=4)
    rendered = [str(o.get("data", {}).get("text/markdown", "")) for o in cell(autograded, "s5-render").outputs]  # fmt: skip
    title = brief(scenario)["title"]
    assert any(text.startswith(f"# Post-mortem: {title}\n") for text in rendered), scenario
