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


@pytest.mark.parametrize("task", SUITE, ids=lambda t: t.id)
def test_each_task_is_self_consistent(task):
    assert f"`{task.entry_point}(" in task.statement  # the statement shows the signature
    assert f"from solution import {task.entry_point}\n" in task.test_code
    assert 3 <= task.test_code.count("\ndef test_") <= 8
    assert len({c.name for c in task.candidates}) == len(task.candidates)
    assert task.tags and task.title and task.folder.name == task.id
    for forbidden in ("import random", "import pytest", "open(", "socket", "time.time"):
        assert forbidden not in task.test_code


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
            "task.toml: id 'other' does not match the folder name 'clamp'",
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
        (
            lambda d: (d / "candidates" / "correct.py").write_text("def clamp(x, lo, hi)\n"),
            "correct.py: SyntaxError at line 1",
        ),
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
        "correct-candidate-syntax-error",
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


def test_a_syntax_error_message_names_file_line_and_problem(tmp_path, monkeypatch):
    folder = broken_copy(tmp_path)
    (folder / "test_task.py").write_text("from solution import clamp\n\n\ndef test_x(:\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TaskError) as caught:
        load_task(folder)
    assert str(caught.value) == "clamp/test_task.py: SyntaxError at line 4: invalid syntax"


def test_a_wrong_candidate_may_have_a_syntax_error(tmp_path):
    folder = broken_copy(tmp_path)
    (folder / "candidates" / "off_by_one.py").write_text("def clamp(x, lo, hi)\n")
    assert load_task(folder).candidates[1].kind == "off_by_one"


def test_a_suite_with_a_broken_task_names_that_task(tmp_path):
    suite = tmp_path / "suite"
    for name in ("clamp", "fizzbuzz"):
        shutil.copytree(default_suite_path() / name, suite / name)
    assert [t.id for t in load_suite(suite)] == ["clamp", "fizzbuzz"]
    broken = tmp_path / "broken"
    shutil.copytree(suite, broken)
    (broken / "fizzbuzz" / "statement.md").unlink()
    with pytest.raises(TaskError, match=r"fizzbuzz/statement\.md: missing file"):
        load_suite(broken)


def test_the_suite_is_cached_but_each_call_gets_its_own_list():
    first, second = load_suite(), load_suite()
    assert first == second and first is not second and first[0] is second[0]
    first.clear()
    assert load_suite() == second


def test_the_suite_folder_can_be_overridden(tmp_path, monkeypatch):
    shutil.copytree(default_suite_path() / "clamp", tmp_path / "clamp")
    monkeypatch.setenv("LABKIT_TASKS_DIR", str(tmp_path))
    assert default_suite_path() == tmp_path
    assert [t.id for t in load_suite()] == ["clamp"]
