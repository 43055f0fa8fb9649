"""Lab 2 (measuring an agent's variance): the text source and the notebook agree, every test cell
has a grader-side hidden test that shares the lab's constants, and the real nbgrader pipeline
takes from fabricated submissions exactly the points of their mistakes: a warning costs nothing,
a value that fakes equality earns nothing, and the notebook's SEED does not steer the grade."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable
from types import ModuleType

import nbformat
import pytest

from autograder.checking import HIDDEN
from autograder.course import REPO_ROOT
from autograder.grader.registry import load
from autograder.labsource import LabFiles, differences
from tests.autograder.labgrading import Fabricate, cell, edit, graded_course, points_lost

LAB = "lab2-agent-variance"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
HIDDEN_TESTS = REPO_ROOT / "labs" / "hidden" / f"{LAB}.py"
AUTO_MAX = 78.0


@pytest.fixture(scope="module")
def source() -> nbformat.NotebookNode:
    notebook: nbformat.NotebookNode = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    return notebook


@pytest.fixture(scope="module")
def hidden() -> ModuleType:
    tests = load(REPO_ROOT / "labs", LAB)  # as the grader loads it
    assert tests is not None
    return sys.modules[next(iter(tests.tests.values())).__module__]


def test_the_text_source_and_the_notebook_agree():
    assert differences(LabFiles(SOURCE, LAB)) == []


def test_no_hidden_test_is_left_in_the_notebook(source):
    assert not HIDDEN.findall("\n".join(c.source for c in source.cells))
    assert "BEGIN HIDDEN" not in (SOURCE / f"{LAB}.lab.md").read_text(encoding="utf-8")


def test_every_autograded_cell_has_one_hidden_test_and_the_points_add_up(source):
    meta = [c.metadata["nbgrader"] for c in source.cells if "nbgrader" in c.metadata]
    graded = {m["grade_id"] for m in meta if m["grade"]}
    tests = load(REPO_ROOT / "labs", LAB)
    assert tests is not None and set(tests.tests) == graded and len(graded) == 12
    assert sum(m.get("points", 0) for m in meta) == 100
    assert sum(m["points"] for m in meta if m["grade"]) == AUTO_MAX


def test_the_hidden_tests_share_the_constants_of_the_setup_cell(source, hidden):
    tree = ast.parse(cell(source, "setup").source)
    constants = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    for name in ("EPOCHS", "Z_ALPHA", "Z_POWER"):
        assert ast.literal_eval(constants[name]) == getattr(hidden, name), name
    seed_call = constants["SEED"]
    assert isinstance(seed_call, ast.Call)
    assert ast.literal_eval(seed_call.args[0]) == hidden.EXPERIMENT


# ---------------------------------------------------------------------------- end to end
# Each fabricated mistake breaks one graded cell and nothing else, so a student with several
# mistakes loses exactly the sum of their cells' points.
def seed_zero_before_the_runs(notebook: nbformat.NotebookNode) -> None:
    # the old hidden tests read SEED from the kernel: this earned full marks on other runs
    edit(notebook, "q1-runs", "### BEGIN SOLUTION\n", "### BEGIN SOLUTION\nSEED = 0\n")


def empty_frame_has_a_rate(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q2-naive",
        'raise ValueError("no runs: the success rate is undefined")',
        "return 0.0, 0.0",
    )


def clustered_off_on_large_frames(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q3-clustered",
        "return float(math.sqrt(",
        "return (1 + 1e-6 * (outcomes.size > 100)) * float(math.sqrt(",
    )


def pass_hat_k_off_on_many_runs(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q4-pass-functions",
        "    return math.comb(c, k) / math.comb(n, k)",
        "    return 0.0 if n > 20 else math.comb(c, k) / math.comb(n, k)",
    )


def naive_se_off_on_large_frames(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q2-naive",
        "return mean, math.sqrt(",
        "return mean, (1 + 1e-6 * (outcomes.size > 100)) * math.sqrt(",
    )


def empty_frame_has_a_clustered_se(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q3-clustered",
        'raise ValueError("no runs: the standard error is undefined")',
        "return 0.0",
    )


def suite_pass_hat_k_is_zero(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q4-suite",
        '"""pass^k of every task in `runs`, averaged over tasks."""\n',
        '"""pass^k of every task in `runs`, averaged over tasks."""\n    return 0.0\n',
    )


def paired_the_wrong_way_round(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q5-paired",
        "paired = paired_difference(runs_high, runs_medium)",
        "paired = paired_difference(runs_medium, runs_high)",
    )


def pass_at_k_off_on_many_runs(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q4-pass-functions", "    if n - c < k:\n", "    if n >= 100:\n        return 0.5\n    if n - c < k:\n")  # fmt: skip


def one_shared_task_is_enough(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q5-paired", "if len(common) < 2:", "if len(common) < 1:")


def runs_needed_accepts_any_rate(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q6-power-functions", "if delta <= 0 or not 0 <= p <= 1:", "if delta <= 0:")


def twenty_one_runs(notebook: nbformat.NotebookNode) -> None:
    edit(notebook, "q6-power-data", "(1 - p_high) / 20)", "(1 - p_high) / 21)")


def fake_numbers(notebook: nbformat.NotebookNode) -> None:
    # an object equal to everything, whose conversion gives a plausible number, and a float
    # subclass equal to everything whose own value is 0
    edit(
        notebook,
        "q3-clustered",
        "    ### BEGIN SOLUTION\n",
        "    class Close:\n"
        "        def __eq__(self, other): return True\n"
        "        def __float__(self): return 0.25\n"
        "        def __ge__(self, other): return True\n"
        "        __hash__ = None\n"
        "    return Close()\n"
        "    ### BEGIN SOLUTION\n",
    )
    edit(
        notebook,
        "q6-power-functions",
        '    """The smallest paired difference that n_tasks tasks detect with the given power."""\n',
        '    """The smallest paired difference that n_tasks tasks detect with the given power."""\n'
        "    class Exact(float):\n"
        "        def __eq__(self, other): return True\n"
        "        def __float__(self): return 0.05\n"
        "        __hash__ = float.__hash__\n"
        "    return Exact(0.0)\n",
    )


def warns_and_rebinds_seed(notebook: nbformat.NotebookNode) -> None:
    edit(
        notebook,
        "q2-naive",
        "    ### BEGIN SOLUTION\n",
        "    import warnings\n"
        '    warnings.warn("the default of observed= will change", FutureWarning)\n'
        "    ### BEGIN SOLUTION\n",
    )
    # after the runs: only a test that reads the notebook's SEED would notice
    edit(notebook, "q1-runs", "### END SOLUTION", "### END SOLUTION\nSEED = 0")


def several(*mistakes: Callable[[nbformat.NotebookNode], None]) -> Fabricate:
    def fabricate(notebook: nbformat.NotebookNode) -> None:
        for mistake in mistakes:
            mistake(notebook)

    return fabricate


SUBMISSIONS = {
    "careless-1": (
        several(
            seed_zero_before_the_runs,
            empty_frame_has_a_rate,
            clustered_off_on_large_frames,
            pass_hat_k_off_on_many_runs,
        ),
        {"q1-runs-test": 4, "q2-naive-small": 4, "q3-clustered-data": 8, "q4-pass-hat-k-test": 4},
    ),
    "careless-2": (
        several(
            naive_se_off_on_large_frames,
            empty_frame_has_a_clustered_se,
            suite_pass_hat_k_is_zero,
            paired_the_wrong_way_round,
        ),
        {"q2-naive-data": 6, "q3-clustered-small": 6, "q4-suite-test": 10, "q5-paired-data": 8},
    ),
    "careless-3": (
        several(
            pass_at_k_off_on_many_runs,
            one_shared_task_is_enough,
            runs_needed_accepts_any_rate,
            twenty_one_runs,
        ),
        {
            "q4-pass-at-k-test": 6,
            "q5-paired-small": 6,
            "q6-power-functions-test": 8,
            "q6-power-data-test": 8,
        },
    ),
    "faker": (
        fake_numbers,
        {
            "q3-clustered-small": 6,
            "q3-clustered-data": 8,
            "q6-power-functions-test": 8,
            "q6-power-data-test": 8,
        },
    ),
    "honest-but-noisy": (warns_and_rebinds_seed, {}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    fabrications = {student: fabricate for student, (fabricate, _) in SUBMISSIONS.items()}
    yield from graded_course(tmp_path_factory.mktemp("lab2"), LAB, fabrications)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_fabricated_submissions_lose_exactly_the_points_of_their_mistakes(graded, student):
    course, results = graded
    assert results[student].graded, results[student].message
    assert points_lost(course, LAB, student) == SUBMISSIONS[student][1]
    assert results[student].auto_max == AUTO_MAX


@pytest.mark.slow
def test_a_warning_is_advice_in_the_test_cell(graded):
    course, _ = graded
    autograded = nbformat.read(course.notebook(LAB, "autograded", "honest-but-noisy"), as_version=4)
    for grade_id in ("q2-naive-small", "q2-naive-data"):
        shown = json.dumps(cell(autograded, grade_id).outputs)
        assert "Advice (no points lost)" in shown and "FutureWarning" in shown, grade_id
        assert "All checks passed." in shown


@pytest.mark.slow
def test_a_failed_check_says_what_was_expected_without_hidden_code(graded):
    course, _ = graded
    autograded = nbformat.read(course.notebook(LAB, "autograded", "careless-1"), as_version=4)
    shown = json.dumps(cell(autograded, "q1-runs-test").outputs)
    assert "the seed of runs_medium" in shown and "your SEED, from your student id" in shown
    assert "run_suite(tasks=" not in shown  # the grader's own code stays in the grader
