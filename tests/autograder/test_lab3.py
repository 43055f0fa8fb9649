"""Lab 3 (regression or noise?): one text source for both incident scenarios, hidden tests on the
grader's side (labs/hidden/lab3-regression.py) with no hidden text left in the notebook, and the
real nbgrader pipeline, under each scenario, taking from fabricated submissions exactly the
points of their mistake (and none for a warning, a rebound SEED or a value that fakes equality)."""

from __future__ import annotations

from collections.abc import Callable

import nbformat
import pytest

from autograder.checking import page_text
from autograder.course import REPO_ROOT
from autograder.grader import registry
from autograder.labsource import LabFiles, differences
from tests.autograder.labgrading import cell, edit, graded_course, points_lost, shipped_data

LAB = "lab3-regression"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
AUTO_MAX = 78.0
SCENARIOS = ("sep2025", "apr2026")
BRIEFS = ("story", "data", "tidy", "hints", "sticky", "reveal")


def _notebook() -> nbformat.NotebookNode:
    notebook: nbformat.NotebookNode = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    return notebook


def test_the_text_source_and_the_notebook_agree():
    assert differences(LabFiles(SOURCE, LAB)) == []


def test_the_lab_data_is_a_byte_copy_of_the_tables_it_reads():
    shipped, differ = shipped_data(SOURCE)
    assert [s.split("/", 1)[1] for s in shipped] == [
        f"{t}.csv.gz" for t in ("changes", "evals", "requests")
    ]
    assert differ == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_has_its_brief(scenario):
    for part in BRIEFS:
        assert (SOURCE / "briefs" / scenario / f"{part}.md").read_text(encoding="utf-8").strip()


def test_the_notebook_holds_no_hidden_tests_and_is_scenario_neutral():
    text = "\n".join(c.source for c in _notebook().cells)
    assert "BEGIN HIDDEN TESTS" not in text
    assert "SCENARIO = default_scenario()" in cell(_notebook(), "setup").source
    assert "warning-free" not in text and "scores\n  zero" not in text


def test_a_100_point_lab_with_one_grader_side_test_per_autograded_cell():
    cells = [c.metadata["nbgrader"] for c in _notebook().cells if "nbgrader" in c.metadata]
    assert sum(m.get("points", 0) for m in cells) == 100
    tests = [m["grade_id"] for m in cells if m["grade"] and not m["solution"]]
    assert sum(m["points"] for m in cells if m["grade"]) == AUTO_MAX
    hidden = registry.load(REPO_ROOT / "labs", LAB)
    assert hidden is not None and sorted(hidden.tests) == sorted(tests) and len(tests) == 14


# ---------------------------------------------------------------------------- end to end
Fabricate = Callable[[nbformat.NotebookNode], None]


def unchanged(notebook: nbformat.NotebookNode) -> None:
    pass


def wald_interval(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q2-wilson",
        "low, high = centre - half, centre + half",
        "low, high = p - z * np.sqrt(p * (1 - p) / n_arr), p + z * np.sqrt(p * (1 - p) / n_arr)",
    )


def eager_detector(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q7-detector", "threshold=5.0", "threshold=0.5")


def peeking_detector(notebook: nbformat.NotebookNode) -> None:
    # tomorrow's alarm raised today: not causal
    edit(
        notebook,
        "q7-detector",
        "    return alarms\n",
        "    alarms[:-1] |= alarms[1:]\n    return alarms\n",
    )


def tuned_detector(notebook: nbformat.NotebookNode) -> None:
    # a textbook CUSUM with its threshold tuned to just meet the budget on this data: within it
    # here (0.94% for sep2025), over the limit on fresh runs (2.2%)
    edit(
        notebook, "q7-detector", "threshold=5.0, dispersion=True", "threshold=2.5, dispersion=False"
    )


def independent_as_requests(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q5-impact",
        '"share_users_independent": float((1.0 - untouched).mean()),',
        '"share_users_independent": float(window["affected"].mean()),',
    )


def onset_of_the_worsening(notebook: nbformat.NotebookNode) -> None:
    # sep2025: the misrouting dated from the load-balancer change that made it worse
    edit(
        notebook,
        "q4-findings",
        '"onset": misrouted_days.min()',
        '"onset": pd.Timestamp("2025-08-29", tz="UTC")',
    )


def late_brevity_onset(notebook: nbformat.NotebookNode) -> None:
    # apr2026: the new model's short replies dated three days late
    edit(notebook, "q4-findings", '"onset": brief_onset,', '"onset": brief_onset + 3 * DAY,')


def warning_wilson(notebook: nbformat.NotebookNode) -> None:
    # correct code that a library upgrade made warn: the points stay, the warning is advice
    edit(
        notebook,
        "q2-wilson",
        "    k_arr = np.asarray(k, dtype=float)\n",
        "    import warnings\n    warnings.warn('k will be keyword-only', FutureWarning)\n"
        "    k_arr = np.asarray(k, dtype=float)\n",
    )


def fake_equality(notebook: nbformat.NotebookNode) -> None:
    # values that equal anything and convert to whatever is asked, in place of the numbers
    edit(
        notebook,
        "q2-wilson",
        "        return float(low), float(high)",
        "        class Anything:\n            __eq__ = lambda self, other: True\n"
        "            __hash__ = object.__hash__\n            __float__ = lambda self: 0.2365930\n"
        "        return Anything(), Anything()",
    )


def fake_float(notebook: nbformat.NotebookNode) -> None:
    # a float subclass whose conversion and comparison lie about its value
    edit(
        notebook,
        "q2-wilson",
        "        return float(low), float(high)",
        "        class Liar(float):\n            __eq__ = lambda self, other: True\n"
        "            __hash__ = float.__hash__\n"
        "            __float__ = lambda self: float(low)\n"
        "        return Liar(-1.0), Liar(-1.0)",
    )


def seed_zero(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q5-impact", "rng = np.random.default_rng(SEED)", "SEED = 0\nrng = np.random.default_rng(SEED)")  # fmt: skip


FAKES = {"q2-wilson-numbers": 4.0, "q3-daily-small": 6.0}
COMMON: dict[str, tuple[Fabricate, dict[str, float]]] = {
    "complete": (unchanged, {}),
    "warns": (warning_wilson, {}),
    "seedzero": (seed_zero, {}),
    "fakeeq": (fake_equality, FAKES),
    "fakefloat": (fake_float, FAKES),
}
SUBMISSIONS: dict[str, dict[str, tuple[Fabricate, dict[str, float]]]] = {
    "sep2025": {
        **COMMON,
        "wald": (
            wald_interval,
            {"q2-wilson-numbers": 4, "q2-wilson-arrays": 4, "q3-daily-data": 6},
        ),
        "eager": (eager_detector, {"q7-numbers-test": 5, "q7-fresh-test": 7}),
        "peeking": (peeking_detector, {"q7-detector-test": 4}),
        "tuned": (tuned_detector, {"q7-fresh-test": 7}),
        "independent": (independent_as_requests, {"q5-impact-independent": 6}),
        "worsening": (onset_of_the_worsening, {"q4-onsets-all": 7, "q4-ends": 6}),
    },
    "apr2026": {**COMMON, "late": (late_brevity_onset, {"q4-onsets-all": 7, "q4-ends": 6})},
}
CASES = [(s, student) for s in SCENARIOS for student in SUBMISSIONS[s]]


@pytest.fixture(scope="module", params=SCENARIOS)
def graded(request, tmp_path_factory):
    scenario = request.param
    fabrications = {student: f for student, (f, _) in SUBMISSIONS[scenario].items()}
    folder = tmp_path_factory.mktemp(f"lab3-{scenario}")
    for course, results in graded_course(folder, LAB, fabrications, scenario):
        yield scenario, course, results


@pytest.mark.slow
@pytest.mark.timeout(1500)  # grading a class of fabricated submissions
def test_fabricated_submissions_lose_exactly_the_points_of_their_mistake(graded):
    scenario, course, results = graded
    lost = {}
    for student in SUBMISSIONS[scenario]:
        assert results[student].graded, results[student].message
        assert results[student].auto_max == AUTO_MAX
        lost[student] = points_lost(course, LAB, student)
    assert lost == {student: expected for student, (_, expected) in SUBMISSIONS[scenario].items()}


@pytest.mark.slow
def test_a_warning_is_advice_in_the_test_cell_output(graded):
    _, course, _ = graded
    notebook = nbformat.read(course.notebook(LAB, "autograded", "warns"), as_version=4)
    text = "".join(o.get("text", "") for o in cell(notebook, "q2-wilson-numbers").outputs)
    assert "Advice (no points lost)" in text and "FutureWarning" in text
    assert "keyword-only" in text


@pytest.mark.slow
def test_feedback_names_the_mistake(graded):
    scenario, course, _ = graded
    student = "worsening" if scenario == "sep2025" else "late"
    page = page_text(course.feedback / student / LAB / f"{LAB}.html")
    assert "the regressions your findings locate" in page
    assert "matched_findings" not in page and "truth_rows" not in page
