"""Ground truth of the incident scenarios, for the hidden tests of labs 3 and 4 (instructors only).

The truth is never shipped: it is recomputed here from the committed generator
(datasets/incidents/generate.py), which is loaded by file path because the folder name
`datasets` clashes with Hugging Face's package. $COURSE_INCIDENTS_DIR names another folder that
holds generate.py (for an installation outside the repository).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

_MODULE_NAME = "_course_incident_generator"


class IncidentTruthError(LookupError):
    """The generator could not be found or does not know the scenario."""


@dataclass(frozen=True)
class Regression:
    name: str
    kind: str
    onset: pd.Timestamp
    end: pd.Timestamp
    days_onset_to_fix: float
    slice: Mapping[str, str]
    slice_description: str
    slice_requests: int
    window_requests: int
    affected_requests: int
    share_of_requests: float
    share_of_all_requests: float
    users_in_slice: int
    users_affected: int
    users_affected_share: float
    users_bad_share: float
    bad_rate_affected: float
    bad_rate_slice_baseline: float | None
    excess_bad_requests: float | None
    first_specific_report: pd.Timestamp | None
    affected_request_ids: frozenset[str]


@dataclass(frozen=True)
class KeyEvent:
    time: pd.Timestamp
    event_id: str
    description: str


@dataclass(frozen=True)
class IncidentTruth:
    scenario: str
    seed: int
    start: pd.Timestamp
    end: pd.Timestamp
    pre_incident_end: pd.Timestamp
    regressions: tuple[Regression, ...]
    key_events: tuple[KeyEvent, ...]
    impact: Mapping[str, Any]
    eval_power: Mapping[str, Any]

    def regression(self, name: str) -> Regression:
        for regression in self.regressions:
            if regression.name == name:
                return regression
        known = ", ".join(r.name for r in self.regressions)
        raise KeyError(f"scenario {self.scenario} has no regression {name!r}; it has {known}")

    def event(self, event_id: str) -> KeyEvent:
        for event in self.key_events:
            if event.event_id == event_id:
                return event
        known = ", ".join(e.event_id for e in self.key_events)
        raise KeyError(f"scenario {self.scenario} has no event {event_id!r}; it has {known}")


def generator_path() -> Path:
    folder = os.environ.get("COURSE_INCIDENTS_DIR")
    base = (
        Path(folder)
        if folder
        else Path(__file__).resolve().parent.parent / "datasets" / "incidents"
    )
    return base / "generate.py"


def load_generator() -> ModuleType:
    """The generator module, loaded once per process by file path."""
    if _MODULE_NAME in sys.modules:
        return sys.modules[_MODULE_NAME]
    path = generator_path()
    if not path.is_file():
        raise IncidentTruthError(
            f"the incident generator is not at {path}; run the grading from a checkout of the "
            "course repository or set COURSE_INCIDENTS_DIR to the folder holding generate.py"
        )
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
    if spec is None or spec.loader is None:
        raise IncidentTruthError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module  # before exec: dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_MODULE_NAME]
        raise
    return module


def cache_folder() -> Path:
    """Where computed truths are kept between processes ($COURSE_CACHE_DIR, else ~/.cache)."""
    folder = os.environ.get("COURSE_CACHE_DIR")
    base = Path(folder) if folder else Path.home() / ".cache" / "ai-literacy-course"
    return base / "incident-truth"


def _generator_sources() -> list[Path]:
    """Every file whose change can change a truth: generate.py, its helper package, and the
    simulator modules it takes fault schedules and model constants from."""
    import labkit.sim.catalog
    import labkit.sim.engine
    import labkit.sim.faults

    folder = generator_path().parent
    own = sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    simulator = [
        Path(m.__file__ or "") for m in (labkit.sim.catalog, labkit.sim.engine, labkit.sim.faults)
    ]
    return own + simulator


def _on_disk(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept on disk once per generator version (a pickle named `name`-<key>).

    The key is a hash of every file the generator runs, so a changed generator is never answered
    from an old file. The folder is the grader's own, which grading kernels (sandboxed, another
    user) cannot write; a read-only home only costs the computation again next time.
    """
    key = hashlib.sha256(b"".join(p.read_bytes() for p in _generator_sources())).hexdigest()[:16]
    path = cache_folder() / f"{re.sub(r'[^a-z0-9]', '_', name)}-{key}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(value))
        partial.replace(path)
    except OSError:
        pass
    return value


def _generator_for(scenario: str) -> ModuleType:
    generator = load_generator()  # importing it alone takes seconds: only on a cache miss
    if scenario not in generator.scenarios():
        known = ", ".join(generator.scenarios())
        raise IncidentTruthError(f"unknown incident scenario {scenario!r}; known: {known}")
    return generator


def _cached_raw(scenario: str) -> dict[str, Any]:
    """The generator's ground truth, computed once per generator version and kept on disk:
    recomputing it re-simulates the whole scenario, and every grading worker needs it."""
    raw: dict[str, Any] = _on_disk(
        scenario, lambda: _generator_for(scenario).ground_truth(scenario)
    )
    return raw


@cache
def fresh_requests(scenario: str, seed: int, columns: tuple[str, ...]) -> pd.DataFrame:
    """`columns` of the requests table of a fresh run of a scenario with another seed: the same
    incident with new noise, data no student's detector was tuned on (never shipped)."""

    def compute() -> pd.DataFrame:
        frame: pd.DataFrame = _generator_for(scenario).fresh_requests(scenario, seed)
        return frame[list(columns)]

    value: pd.DataFrame = _on_disk(f"fresh-{scenario}-{seed}-{'-'.join(columns)}", compute)
    return value


@cache
def truth(scenario: str) -> IncidentTruth:
    """The ground truth of a scenario (computed once per generator version, then read)."""
    raw = _cached_raw(scenario)
    return IncidentTruth(
        scenario=raw["scenario"],
        seed=raw["seed"],
        start=raw["start"],
        end=raw["end"],
        pre_incident_end=raw["pre_incident_end"],
        regressions=tuple(Regression(**r) for r in raw["regressions"]),
        key_events=tuple(KeyEvent(**event) for event in raw["key_events"]),
        impact=raw["impact"],
        eval_power=raw["eval_power"],
    )


def scenario_in(data_folder: Path) -> str:
    """The one scenario a lab's data/ folder holds (the one its release ships to students)."""
    found = (
        sorted(p.name for p in data_folder.iterdir() if p.is_dir()) if data_folder.is_dir() else []
    )
    if len(found) != 1:
        raise IncidentTruthError(
            f"{data_folder}: expected the data of exactly one scenario, found {found or 'none'}"
        )
    return found[0]


@cache
def _read(path: Path, modified: float, table: str) -> pd.DataFrame:
    from labkit.incidents import read_table

    return read_table(path, table)


def lab_table(data_folder: Path, table: str) -> pd.DataFrame:
    """A table of the scenario a lab ships, read from the lab's own data/ (cached per process:
    treat it as read-only)."""
    path = data_folder / scenario_in(data_folder) / f"{table}.csv.gz"
    return _read(path, path.stat().st_mtime, table)
