"""The coding-task suite: small Python tasks, each with tests and a bank of candidate solutions.

    suite = load_suite()                       # every task in datasets/tasks, sorted by id
    task = load_suite(ids=["binary_search"])[0]
    [c.kind for c in task.candidates]          # "correct", "off_by_one", ...

A task folder holds task.toml (metadata and the candidate list), statement.md, test_task.py
and candidates/*.py; datasets/tasks/DATACARD.md describes the data. Loading validates every
folder and reports the first problem as a TaskError naming the file, in one line.
"""

from __future__ import annotations

import ast
import functools
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "KINDS",
    "Candidate",
    "Task",
    "TaskError",
    "default_suite_path",
    "load_suite",
    "load_task",
]

KINDS = frozenset(
    {
        "correct",
        "off_by_one",
        "missed_edge_case",
        "wrong_type",
        "wrong_algorithm",
        "raises",
        "infinite_loop",
    }
)
_TASK_KEYS = frozenset({"id", "title", "difficulty", "entry_point", "tags", "candidates"})
_CANDIDATE_KEYS = frozenset({"file", "kind"})
_T = TypeVar("_T")


class TaskError(ValueError):
    """A task folder is malformed; str() names the file and the problem in one line."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{_display(path)}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Candidate:
    """One solution the agent may write: the code and what kind of attempt it is."""

    name: str  # the file's stem, e.g. "off_by_one"
    kind: str  # one of KINDS
    code: str

    @property
    def is_correct(self) -> bool:
        return self.kind == "correct"


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    difficulty: float  # 0.0 trivial .. 1.0 hard: how subtle the wrong candidates are
    entry_point: str  # the function the tests import from solution.py
    tags: tuple[str, ...]
    statement: str
    test_code: str
    candidates: tuple[Candidate, ...]
    folder: Path


def default_suite_path() -> Path:
    """$LABKIT_TASKS_DIR if set, else the repository's datasets/tasks next to labkit/."""
    override = os.environ.get("LABKIT_TASKS_DIR")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "datasets" / "tasks"


def load_suite(path: Path | None = None, *, ids: Iterable[str] | None = None) -> list[Task]:
    """Every task under `path` (default: default_suite_path()), sorted by id.

    Loaded once per folder and process; `ids` keeps only those tasks (unknown ids raise).
    """
    folder = Path(default_suite_path() if path is None else path).resolve()
    suite = _load_suite_cached(folder)
    if ids is None:
        return list(suite)
    wanted = set([ids] if isinstance(ids, str) else ids)
    unknown = sorted(wanted - {task.id for task in suite})
    if unknown:
        raise TaskError(folder, f"no task with id {', '.join(map(repr, unknown))}")
    return [task for task in suite if task.id in wanted]


@functools.cache
def _load_suite_cached(folder: Path) -> tuple[Task, ...]:
    if not folder.is_dir():
        raise TaskError(folder, "task suite folder not found")
    task_folders = sorted(
        child
        for child in folder.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
    )
    if not task_folders:
        raise TaskError(folder, "no task folders found")
    return tuple(sorted((load_task(child) for child in task_folders), key=lambda t: t.id))


def load_task(folder: Path) -> Task:
    """Load and validate one task folder; raise TaskError naming the file on any problem."""
    folder = Path(folder)
    meta_path = folder / "task.toml"
    meta = _read_toml(meta_path)
    unknown = sorted(set(meta) - _TASK_KEYS)
    if unknown:
        raise TaskError(meta_path, f"unknown key {unknown[0]!r}")

    task_id = _field(meta, "id", str, meta_path)
    if task_id != folder.name:
        raise TaskError(meta_path, f"id {task_id!r} does not match the folder name {folder.name!r}")
    title = _field(meta, "title", str, meta_path)
    difficulty = _field(meta, "difficulty", float, meta_path)
    if not 0.0 <= difficulty <= 1.0:
        raise TaskError(meta_path, f"difficulty {difficulty} is outside [0, 1]")
    entry_point = _field(meta, "entry_point", str, meta_path)
    if not entry_point.isidentifier():
        raise TaskError(meta_path, f"entry_point {entry_point!r} is not a Python name")
    tags: list[object] = _field(meta, "tags", list, meta_path)
    if not all(isinstance(tag, str) for tag in tags):
        raise TaskError(meta_path, "tags must be a list of strings")

    statement = _read_text(folder / "statement.md")
    test_path = folder / "test_task.py"
    test_code = _read_text(test_path)
    test_tree = _compile(test_code, test_path)
    if not any(
        isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        for node in test_tree.body
    ):
        raise TaskError(test_path, "no test functions (def test_...)")

    candidates = _load_candidates(folder, meta, meta_path, entry_point)
    return Task(
        id=task_id,
        title=title,
        difficulty=difficulty,
        entry_point=entry_point,
        tags=tuple(str(tag) for tag in tags),
        statement=statement,
        test_code=test_code,
        candidates=candidates,
        folder=folder,
    )


def _load_candidates(
    folder: Path, meta: dict[str, Any], meta_path: Path, entry_point: str
) -> tuple[Candidate, ...]:
    entries: list[object] = _field(meta, "candidates", list, meta_path)
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"candidate {number}"
        if not isinstance(entry, dict):
            raise TaskError(meta_path, f"{where} is not a table ([[candidates]])")
        unknown = sorted(set(entry) - _CANDIDATE_KEYS)
        if unknown:
            raise TaskError(meta_path, f"{where}: unknown key {unknown[0]!r}")
        file = _field(entry, "file", str, meta_path, where)
        kind = _field(entry, "kind", str, meta_path, where)
        if kind not in KINDS:
            raise TaskError(
                meta_path, f"{where}: unknown kind {kind!r} (allowed: {', '.join(sorted(KINDS))})"
            )
        if "/" in file or "\\" in file or not file.endswith(".py") or file.startswith("."):
            raise TaskError(meta_path, f"{where}: file {file!r} must be a .py name in candidates/")
        if file in seen:
            raise TaskError(meta_path, f"{where}: file {file!r} is listed twice")
        seen.add(file)
        path = folder / "candidates" / file
        code = _read_text(path)
        if kind == "correct":
            tree = _compile(code, path)
            if not _defines(tree, entry_point):
                raise TaskError(path, f"does not define the entry point {entry_point!r}")
        candidates.append(Candidate(name=path.stem, kind=kind, code=code))
    if not any(candidate.is_correct for candidate in candidates):
        raise TaskError(meta_path, "no candidate of kind 'correct'")
    return tuple(candidates)


def _read_toml(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaskError(path, f"TOML error: {exc}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaskError(path, "missing file") from None
    except UnicodeDecodeError as exc:
        raise TaskError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise TaskError(path, f"cannot read: {exc.strerror or exc}") from None


def _compile(code: str, path: Path) -> ast.Module:
    try:
        compile(code, str(path), "exec", dont_inherit=True)
        return ast.parse(code, filename=str(path))
    except SyntaxError as exc:
        raise TaskError(path, f"{type(exc).__name__} at line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:  # e.g. a null byte in the source
        raise TaskError(path, f"cannot compile: {exc}") from None


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        elif isinstance(node, ast.ImportFrom | ast.Import) and any(
            (alias.asname or alias.name) == name for alias in node.names
        ):
            return True
    return False


def _field(table: dict[str, Any], key: str, kind: type[_T], path: Path, where: str = "") -> _T:
    prefix = f"{where}: " if where else ""
    if key not in table:
        raise TaskError(path, f"{prefix}missing key {key!r}")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TaskError(path, f"{prefix}{key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _display(path: Path) -> str:
    """The path relative to the working directory when it is under it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)
