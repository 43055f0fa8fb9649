"""Lab 3 (regression or noise?): the committed lab is what its build script makes from the current
incident data, its hidden tests carry the generator's truth and import nothing, the other
scenario builds and its solution passes, and the real nbgrader pipeline takes from fabricated
submissions exactly the points of their mistake."""

from __future__ import annotations

import ast
import re
from types import ModuleType

import nbformat
import pytest

from autograder.checking import HIDDEN, page_text
from autograder.course import REPO_ROOT
from autograder.incident_truth import truth
from tests.autograder.labgrading import (
    edit,
    graded_course,
    load_build_script,
    points_lost,
    run_with_scenario_data,
    shipped_data,
)

LAB = "lab3-regression"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
AUTO_MAX = 78.0


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return load_build_script("lab3_regression")


@pytest.fixture(scope="module")
def built(build) -> dict[str, nbformat.NotebookNode]:
    return {name: build.build(scenario) for name, scenario in build.SCENARIOS.items()}


def _hidden_blocks(notebook: nbformat.NotebookNode) -> list[str]:
    return HIDDEN.findall("\n".join(c.source for c in notebook.cells))


def test_the_committed_notebook_is_what_the_build_script_makes(built):
    committed = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    assert nbformat.writes(built["sep2025"]) == nbformat.writes(committed), (
        "labs/source/lab3-regression is out of date: run .venv/bin/python labs/build/lab3_regression.py"
    )


def test_the_lab_data_is_a_byte_copy_of_the_tables_it_reads():
    shipped, differ = shipped_data(SOURCE)
    assert shipped == [f"sep2025/{t}.csv.gz" for t in ("changes", "evals", "requests")]
    assert differ == []


@pytest.mark.parametrize("scenario", ["sep2025", "apr2026"])
def test_both_scenarios_make_a_100_point_lab_with_78_autograded(built, scenario):
    cells = [c.metadata["nbgrader"] for c in built[scenario].cells if "nbgrader" in c.metadata]
    ids = [m["grade_id"] for m in cells]
    assert len(ids) == len(set(ids))
    assert sum(m.get("points", 0) for m in cells) == 100
    assert sum(m["points"] for m in cells if m["grade"]) == AUTO_MAX
    assert all(not (m["grade"] and m["task"]) for m in cells)
    setup = next(c for c in built[scenario].cells if c.metadata["nbgrader"]["grade_id"] == "setup")
    assert f'SCENARIO = "{scenario}"' in setup.source


@pytest.mark.parametrize("scenario", ["sep2025", "apr2026"])
def test_hidden_tests_carry_the_generator_truth_and_import_nothing(built, scenario):
    """The grading sandbox cannot import the autograder package, and its tamper probe expects
    every import of a test cell to have run: hidden code must import nothing."""
    blocks = _hidden_blocks(built[scenario])
    for block in blocks:
        tree = ast.parse(block)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    text = "\n".join(blocks)
    facts = truth(scenario)
    for regression in facts.regressions:
        assert (
            f"'name': {regression.name!r}, 'onset': pd.Timestamp({regression.onset.isoformat()!r})"
            in text
        )
        assert (
            f"'end': pd.Timestamp({regression.end.isoformat()!r}), 'slice': {dict(regression.slice)!r}"
            in text
        )
    sticky = {"sep2025": "misrouting", "apr2026": "thinking_dropped"}[scenario]
    assert repr(facts.regression(sticky).users_affected_share) in text


def test_the_row_codes_decode_to_the_affected_requests(build):
    """The base-36 row numbers in the hidden tests are exactly the truth's affected requests."""
    from labkit.incidents import load

    requests = load("requests", "sep2025")
    for regression in truth("sep2025").regressions:
        positions = sorted(
            requests.index[requests["request_id"].isin(list(regression.affected_request_ids))]
        )
        code = build._rows_code(positions)
        decoded, at = [], 0
        for piece in code.split(","):
            at += int(piece, 36)
            decoded.append(at)
        assert decoded == positions and len(decoded) == regression.affected_requests


@pytest.mark.slow
def test_the_other_scenario_builds_and_its_solution_passes_every_test(built, tmp_path):
    """`--scenario apr2026` makes a complete lab: run its source notebook (with the hidden
    tests) in a folder holding that scenario's data, as nbgrader would."""
    notebook = built["apr2026"]
    problems = run_with_scenario_data(notebook, tmp_path / LAB, "apr2026")
    assert problems == []


# ---------------------------------------------------------------------------- end to end
def onset_of_the_worsening(notebook: nbformat.NotebookNode) -> None:
    # the misrouting dated from the load-balancer change that made it worse
    edit(
        notebook,
        "q4-findings",
        '"onset": misrouted_days.min()',
        '"onset": pd.Timestamp("2025-08-29", tz="UTC")',
    )


def wald_interval(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q2-wilson",
        "low, high = centre - half, centre + half",
        "low, high = p - z * np.sqrt(p * (1 - p) / n_arr), p + z * np.sqrt(p * (1 - p) / n_arr)",
    )


def eager_detector(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q7-detector", "if score > 5.0:", "if score > 0.5:")


def peeking_detector(notebook: nbformat.NotebookNode) -> None:
    # tomorrow's alarm raised today: not causal
    edit(
        notebook,
        "q7-detector",
        "    return alarms\n",
        "    alarms[:-1] |= alarms[1:]\n    return alarms\n",
    )


def independent_as_requests(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q5-impact",
        '"share_users_independent": float((1.0 - untouched).mean()),',
        '"share_users_independent": float(window["affected"].mean()),',
    )


SUBMISSIONS = {
    "complete": (lambda notebook: None, {}),
    "worsening": (onset_of_the_worsening, {"q4-onsets-all": 5, "q4-ends": 4}),
    "wald": (wald_interval, {"q2-wilson-numbers": 4, "q2-wilson-arrays": 4, "q3-daily-data": 5}),
    "eager": (eager_detector, {"q7-numbers-test": 5}),
    "peeking": (peeking_detector, {"q7-detector-test": 5}),
    "independent": (independent_as_requests, {"q5-impact-independent": 4}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    fabrications = {student: fabricate for student, (fabricate, _) in SUBMISSIONS.items()}
    yield from graded_course(tmp_path_factory.mktemp("lab3"), LAB, fabrications)


@pytest.mark.slow
@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_fabricated_submissions_lose_exactly_the_points_of_their_mistake(graded, student):
    course, results = graded
    assert results[student].graded, results[student].message
    assert points_lost(course, LAB, student) == SUBMISSIONS[student][1]
    assert results[student].auto_max == AUTO_MAX


@pytest.mark.slow
def test_feedback_names_the_mistake_and_hides_the_hidden_tests(graded):
    course, _ = graded
    page = page_text(course.feedback / "worsening" / LAB / f"{LAB}.html")
    assert "the regressions your findings locate" in page
    source = nbformat.read(course.source / LAB / f"{LAB}.ipynb", as_version=4)
    assert "_h_regressions" not in page
    for block in _hidden_blocks(source):
        for line in block.splitlines():
            if len(line.strip()) >= 40 and not re.fullmatch(r"[#\s\w]*", line.strip()):
                assert line.strip() not in page
