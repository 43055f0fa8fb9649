"""The task suite: it loads, and its data is right, checked by really running every candidate."""

from __future__ import annotations

import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from labkit.sandbox import run_tests
from labkit.tasks import KINDS, TaskError, default_suite_path, load_suite, load_task

SUITE = load_suite()


def test_the_suite_is_large_varied_and_well_formed():
    assert len(SUITE) >= 30
    assert len({t.id for t in SUITE}) == len(SUITE)
    difficulties = [t.difficulty for t in SUITE]
    assert min(difficulties) <= 0.15 and max(difficulties) >= 0.85
    kinds = Counter(c.kind for t in SUITE for c in t.candidates)
    assert set(kinds) <= KINDS and kinds["infinite_loop"] >= 3
    for task in SUITE:
        assert any(c.is_correct for c in task.candidates)
        assert sum(not c.is_correct for c in task.candidates) >= 3
        assert task.statement.strip() and "def test_" in task.test_code


def _outcome(job):
    task, candidate = job
    timeout = 1.0 if candidate.kind == "infinite_loop" else 5.0
    return (
        task,
        candidate,
        run_tests(candidate.code, task.test_code, timeout_s=timeout, use_cache=False),
    )


def test_every_candidate_behaves_as_labelled():
    jobs = [(t, c) for t in SUITE for c in t.candidates]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(_outcome, jobs))
    wrong = [
        f"{task.id}/{candidate.name} ({candidate.kind}): {outcome.summary()}"
        for task, candidate, outcome in results
        if outcome.ok != candidate.is_correct
        or outcome.timed_out != (candidate.kind == "infinite_loop")
    ]
    assert not wrong, "\n".join(wrong)


def test_ids_select_tasks_and_unknown_ids_are_named():
    assert [t.id for t in load_suite(ids=["clamp", "fizzbuzz"])] == ["clamp", "fizzbuzz"]
    with pytest.raises((TaskError, KeyError, ValueError), match="nope"):
        load_suite(ids=["nope"])


def broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "clamp"
    shutil.copytree(default_suite_path() / "clamp", folder)
    return folder


@pytest.mark.parametrize(
    ("breakage", "fragment"),
    [
        (lambda d: (d / "test_task.py").write_text("def test_x(:\n"), "test_task.py: SyntaxError"),
        (lambda d: (d / "test_task.py").unlink(), "test_task.py"),
        (lambda d: (d / "statement.md").unlink(), "statement.md"),
        (lambda d: (d / "task.toml").write_text("id = [unclosed"), "task.toml"),
        (
            lambda d: (d / "task.toml").write_text(
                (d / "task.toml").read_text().replace('"clamp"', '"other"', 1)
            ),
            "clamp",
        ),
        (
            lambda d: (d / "task.toml").write_text(
                (d / "task.toml").read_text().replace("0.1", "1.5", 1)
            ),
            "difficulty",
        ),
        (
            lambda d: (d / "task.toml").write_text(
                (d / "task.toml").read_text().replace('"off_by_one"', '"typo"')
            ),
            "typo",
        ),
        (lambda d: (d / "candidates" / "correct.py").unlink(), "correct.py"),
        (
            lambda d: (d / "task.toml").write_text(
                (d / "task.toml").read_text().replace('kind = "correct"', 'kind = "off_by_one"')
            ),
            "correct",
        ),
        (lambda d: (d / "test_task.py").write_text("from solution import clamp\n"), "test_"),
    ],
    ids=[
        "test-syntax-error",
        "missing-test",
        "missing-statement",
        "bad-toml",
        "id-mismatch",
        "difficulty-range",
        "unknown-kind",
        "missing-candidate",
        "no-correct-candidate",
        "no-tests",
    ],
)
def test_malformed_task_folders_are_reported_by_file(tmp_path, breakage, fragment):
    folder = broken_copy(tmp_path)
    breakage(folder)
    with pytest.raises(TaskError) as caught:
        load_task(folder)
    message = str(caught.value)
    assert "clamp" in message and fragment in message
    assert "\n" not in message
