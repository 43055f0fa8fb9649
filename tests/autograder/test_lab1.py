"""Lab 1 (same prompt, different answers): its text source and notebook agree, and grader-side
hidden tests, run by the real nbgrader pipeline on fabricated submissions, give the model solution
76/76, the release 0, a mistake exactly its cell's points, and nothing to code that borrows the
simulator's sampling functions or hands over values that fake equality; a correct solution that
warns, or that rebinds SEED, keeps every point."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from autograder import labsource
from autograder.course import REPO_ROOT, Course
from autograder.grader.source import SubmittedSource
from autograder.grading import StudentResult
from tests.autograder.labgrading import cell, edit, graded_course, points_lost

LAB = "lab1-determinism"
SOURCE = REPO_ROOT / "labs" / "source" / LAB
AUTO_MAX = 76.0
OWNED = {
    "q1-softmax-test": 10,
    "q2-top-k-test": 8,
    "q2-top-p-test": 8,
    "q3-sample-test": 8,
    "q3-entropy-test": 5,
}
EVERY_CELL = {
    **OWNED,
    "q3-entropies-test": 3,
    "q4-ask-test": 4,
    "q4-diversity-test": 12,
    "q5-assoc-test": 2,
    "q5-tiled-test": 6,
    "q5-flips-test": 10,
}

Notebook = nbformat.NotebookNode


def test_the_text_source_and_the_notebook_agree_and_hide_nothing():
    files = labsource.LabFiles(SOURCE, LAB)
    assert labsource.differences(files) == []
    text = files.text.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "stderr" not in text
    cells = [
        c.metadata["nbgrader"]
        for c in labsource.read(files.notebook).cells
        if "nbgrader" in c.metadata
    ]
    graded = {m["grade_id"]: m["points"] for m in cells if m["grade"] and not m["solution"]}
    assert graded == EVERY_CELL and sum(graded.values()) == AUTO_MAX


def test_every_test_cell_has_a_hidden_test_and_nothing_else_is_one():
    from autograder.grader import registry

    tests = registry.load(REPO_ROOT / "labs", LAB)
    assert tests is not None and set(tests.tests) == set(EVERY_CELL)


def test_the_model_solution_owns_its_functions_and_borrowing_is_seen():
    hidden = _hidden_module()
    model = nbformat.read(SOURCE / f"{LAB}.ipynb", as_version=4)
    source = SubmittedSource.of_notebook(model)
    for name in ("softmax", "top_k_filter", "top_p_filter", "sample_tokens", "entropy_bits"):
        source.require_own(name, not_from=[hidden.SAMPLING])
    assert hidden.dynamic_code(source.trees) == []
    for cheat in (ALIAS, MODULE_ALIAS, GETATTR):
        borrowed = SubmittedSource.of_cells([cheat])
        assert borrowed.reaches("softmax", [hidden.SAMPLING]) == [hidden.SAMPLING]
    for cheat in (COMPUTED, EXEC, CAPTURED):
        assert hidden.dynamic_code(SubmittedSource.of_cells([cheat]).trees)


def _hidden_module() -> ModuleType:
    import importlib.util
    import sys

    name = "lab1_hidden_under_test"
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "labs" / "hidden" / f"{LAB}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------ fabricated students
def answer_cell(notebook: Notebook, grade_id: str, source: str) -> None:
    cell(notebook, grade_id).source = source


def bugs_a(nb: Notebook) -> None:
    """One independent mistake in every other autograded cell (the others stay right)."""
    edit(nb, "q1-softmax", "if not temperature > 0:", "if temperature < 0:")
    edit(nb, "q2-filters", 'side="left"', 'side="right"')
    edit(nb, "q3-sampling", "np.log2(positive)", "np.log(positive)")
    edit(
        nb,
        "q3-entropies",
        "entropies = [entropy_bits(softmax(EXAMPLE_LOGITS, t)) for t in ENTROPY_TEMPERATURES]",
        "entropies = [float(-(p[p > 0] * np.log2(p[p > 0])).sum())\n"
        "             for p in (softmax(EXAMPLE_LOGITS, t) for t in ENTROPY_TEMPERATURES)]",
    )
    edit(nb, "q4-ask", "max_tokens=max_tokens,", "max_tokens=MAX_TOKENS,")
    edit(
        nb,
        "q5-assoc",
        "left = (a + b) + c\nright = a + (b + c)",
        "left = a + (b + c)\nright = (a + b) + c",
    )
    edit(
        nb,
        "q5-flips",
        'majority_share = float(flips_default["text"].value_counts(normalize=True).iloc[0])',
        'majority_share = float(flips_default["text"].value_counts().iloc[0]) / (N_REPEATS + 1)',
    )


def bugs_b(nb: Notebook) -> None:
    edit(
        nb,
        "q2-filters",
        "    threshold = np.sort(values)[::-1][int(k) - 1]\n"
        "    kept = np.where(values >= threshold, values, 0.0)\n",
        "    kept = np.zeros_like(values)\n"
        '    top = np.argsort(-values, kind="stable")[: int(k)]\n'
        "    kept[top] = values[top]\n",
    )
    edit(nb, "q3-sampling", "probs = top_p_filter(probs, top_p)", "probs = probs")
    edit(
        nb, "q3-entropies", "for t in ENTROPY_TEMPERATURES]", "for t in ENTROPY_TEMPERATURES[::-1]]"
    )
    edit(nb, "q4-diversity", "len(t.split())", "len(t)")
    edit(nb, "q5-tiled", "    return total\n", "    return np.float32(np.sum(terms))\n")


ALIAS = """
from labkit.sim.sampling import softmax as _reference_softmax

def softmax(logits, temperature=1.0):
    return _reference_softmax(logits, temperature)
"""
MODULE_ALIAS = """
from labkit.sim import sampling as s

def softmax(logits, temperature=1.0):
    return s.softmax(logits, temperature)
"""
GETATTR = """
import labkit.sim

def softmax(logits, temperature=1.0):
    return getattr(getattr(labkit.sim, "sampling"), "softmax")(logits, temperature)
"""
COMPUTED = """
import labkit.sim
_part = "samp" + "ling"

def softmax(logits, temperature=1.0):
    return getattr(getattr(labkit.sim, _part), "soft" + "max")(logits, temperature)
"""
EXEC = """
exec("from labkit.sim.samp" + "ling import softmax as _borrowed")

def softmax(logits, temperature=1.0):
    return _borrowed(logits, temperature)
"""

# a cell magic's body binds names that no cell shows
CAPTURED = "%%capture\nfrom labkit.sim.sampling import softmax as _borrowed\n"


def borrowing(source: str) -> Callable[[Notebook], None]:
    return lambda nb: answer_cell(nb, "q1-softmax", source)


def dynamic(nb: Notebook) -> None:
    answer_cell(nb, "q1-softmax", COMPUTED)
    cell(nb, "q3-sampling").source += (
        '\nexec("from labkit.sim.samp" + "ling import entropy_bits as _borrowed_entropy")\n\n'
        "def entropy_bits(probs):\n    return _borrowed_entropy(probs)\n"
    )


FAKES = """
class _AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 0.8112781244591328
    def __hash__(self): return 0

class _LyingFloat(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = float.__hash__

class _LyingText(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
"""


def fakes(nb: Notebook) -> None:
    """Values that claim to equal whatever they are compared with, or convert to anything."""
    cell(nb, "q3-sampling").source = (
        FAKES
        + "\n"
        + cell(nb, "q3-sampling").source.replace(
            "    return float(-(positive * np.log2(positive)).sum())", "    return _AlwaysEqual()"
        )
    )
    answer_cell(nb, "q3-entropies", "entropies = [_AlwaysEqual()] * len(ENTROPY_TEMPERATURES)\n")
    edit(
        nb,
        "q4-ask",
        "    message = client.messages.create(",
        "    return _LyingText('')\n    message = client.messages.create(",
    )
    answer_cell(nb, "q5-assoc", "left, right = _LyingFloat(0.5), _LyingFloat(0.25)\n")


def warns_and_rebinds_seed(nb: Notebook) -> None:
    """Correct, but its functions raise a FutureWarning, and SEED is rebound after the client
    was made: neither may cost a point."""
    edit(
        nb,
        "q1-softmax",
        '    """Probabilities (a float64 array summing to 1) from logits at a temperature > 0."""\n',
        '    """Probabilities (a float64 array summing to 1) from logits at a temperature > 0."""\n'
        "    import warnings\n"
        '    warnings.warn("softmax: this spelling is deprecated", FutureWarning)\n',
    )
    cell(nb, "q4-ask").source = "SEED = 0\n" + cell(nb, "q4-ask").source


def release(folder: Path) -> Callable[[Notebook], None]:
    def fabricate(nb: Notebook) -> None:
        path = Course(folder / "course").notebook(LAB, "release")
        nb.cells = nbformat.read(path, as_version=4).cells

    return fabricate


def only(*grade_ids: str) -> dict[str, int]:
    return {grade_id: EVERY_CELL[grade_id] for grade_id in grade_ids}


BORROWING = ("alias", "module-alias", "getattr")
LOST: dict[str, dict[str, int]] = {
    "model": {},
    "blank": EVERY_CELL,
    "bugs-a": only(
        "q1-softmax-test", "q2-top-p-test", "q3-entropy-test", "q4-ask-test", "q5-assoc-test",
        "q5-flips-test",
    ),
    "bugs-b": only(
        "q2-top-k-test", "q3-sample-test", "q3-entropies-test", "q4-diversity-test",
        "q5-tiled-test",
    ),
    "dynamic": OWNED,
    "fakes": only(
        "q3-entropy-test", "q3-entropies-test", "q4-ask-test", "q4-diversity-test",
        "q5-assoc-test",
    ),
    "warns-seed0": {},
}  # fmt: skip


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab1")
    fabrications: dict[str, Callable[[Notebook], None]] = {
        "model": lambda nb: None,
        "blank": release(folder),
        "bugs-a": bugs_a,
        "bugs-b": bugs_b,
        "alias": borrowing(ALIAS),
        "module-alias": borrowing(MODULE_ALIAS),
        "getattr": borrowing(GETATTR),
        "dynamic": dynamic,
        "fakes": fakes,
        "warns-seed0": warns_and_rebinds_seed,
    }
    yield from graded_course(folder, LAB, fabrications)


def autograded(course: Course, student: str) -> Notebook:
    notebook: Notebook = nbformat.read(course.notebook(LAB, "autograded", student), as_version=4)
    return notebook


def outputs_of(notebook: Notebook, grade_id: str) -> str:
    return "\n".join(
        str(o.get("text", "")) + str(o.get("evalue", "")) for o in cell(notebook, grade_id).outputs
    )


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("student", [*LOST, *BORROWING])
def test_fabricated_submissions_get_exactly_the_points_of_their_work(graded, student):
    course, results = graded
    result: StudentResult = results[student]
    assert result.graded, result.message
    assert result.auto_max == AUTO_MAX
    lost = points_lost(course, LAB, student)
    if student in BORROWING:
        # the borrowed softmax costs its cell; other functions that reach it (sample_tokens
        # calls it) may lose theirs too, never a cell without an ownership rule
        assert lost["q1-softmax-test"] == 10 and set(lost) <= set(OWNED), lost
    else:
        assert lost == LOST[student]


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_borrowing_fails_on_ownership_and_a_warning_is_advice(graded):
    course, _ = graded
    for student in ("alias", "module-alias", "getattr"):
        said = outputs_of(autograded(course, student), "q1-softmax-test")
        assert "labkit.sim.sampling" in said, (student, said)
    said = outputs_of(autograded(course, "dynamic"), "q1-softmax-test")
    assert "the grader can read" in said and "getattr with a computed name" in said
    said = outputs_of(autograded(course, "warns-seed0"), "q1-softmax-test")
    assert "Advice" in said and "FutureWarning: softmax: this spelling is deprecated" in said
    assert "All checks passed." in said


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_feedback_shows_no_hidden_test_code(graded):
    course, _ = graded
    hidden = (REPO_ROOT / "labs" / "hidden" / f"{LAB}.py").read_text(encoding="utf-8")
    tree = ast.parse(hidden)
    # the names of the hidden module's own helpers: none may reach a student's page
    names = {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and (n.name.startswith("ref_") or "_" in n.name[1:])
    } - {"top_k_filter", "top_p_filter", "sample_tokens", "entropy_bits", "tiled_sum"}
    for student in ("bugs-a", "fakes"):
        page = (course.feedback / student / LAB / f"{LAB}.html").read_text(encoding="utf-8")
        shown = {name for name in names if re.search(rf"\b{name}\(", page)}
        assert not shown, shown
