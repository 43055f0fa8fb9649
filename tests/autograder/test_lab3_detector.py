"""Lab 3's reference detector, out of sample: on fresh seeds of the incident generator (other
than the grader's), it stays within the bounds the lab states and catches what it claims to.

The reference `detect` is read from the solution of the lab's own source notebook and run here
with the grader's monitor (labs/hidden/lab3-regression.py: `fresh_series`, `MONITOR`), so the
lab's statement ("pooled over FRESH_RUNS fresh runs, at most FRESH_FALSE_ALARM_LIMIT false
alarms; at least two regressions caught in all but one run") is checked on data nobody tuned on.
The figures are printed (`pytest -s`) for the closing notes of a change to the generator; the
scoring is the hidden test's own (`fresh_score`).
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from types import ModuleType
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest

from autograder.course import REPO_ROOT

LAB = "lab3-regression"
SEEDS = (11, 12, 13, 14)  # not the grader's FRESH_SEEDS


def _hidden() -> ModuleType:
    path = REPO_ROOT / "labs" / "hidden" / f"{LAB}.py"
    spec = importlib.util.spec_from_file_location("_lab3_hidden_for_detector_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # before exec: dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _reference_detect(calibration_days: int) -> Any:
    notebook = nbformat.read(REPO_ROOT / "labs" / "source" / LAB / f"{LAB}.ipynb", as_version=4)
    # The given CUSUM (a locked cell) and the solution's choice of its settings.
    sources = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") in ("s7-cusum", "q7-detector")
    }
    source = sources["s7-cusum"] + "\n\n" + sources["q7-detector"]
    code = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$", "", source, flags=re.M)
    namespace: dict[str, Any] = {
        "np": np,
        "math": math,
        "pd": pd,
        "CALIBRATION_DAYS": calibration_days,
    }
    exec(compile(code, "s7-cusum+q7-detector", "exec"), namespace)  # the course's own solution code
    return namespace["detect"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["sep2025", "apr2026"])
def test_the_reference_detector_meets_the_stated_bounds_on_fresh_seeds(scenario):
    hidden = _hidden()
    detect = _reference_detect(hidden.CALIBRATION_DAYS)
    runs = [hidden.fresh_series(scenario, seed) for seed in SEEDS]
    score = hidden.fresh_score(
        scenario, runs, [detect(daily) for _, series in runs for _, _, daily in series]
    )
    rate = score.false_alarm_rate
    print(
        f"\n{scenario}: pooled out-of-sample false-alarm rate {rate:.4f} over {score.cells} series-days"
    )
    for seed, delays in zip(SEEDS, score.delays, strict=True):
        print(f"  seed {seed}: detection delays (days) {delays}")
    assert rate <= hidden.FRESH_FALSE_ALARM_LIMIT
    caught_per_run = score.caught_per_run
    assert sum(c >= 2 for c in caught_per_run) >= len(SEEDS) - 1, caught_per_run
