"""Reference statistics for grader-side hidden tests: written once, imported by any lab's tests.

These are the grader's own implementations of what students write (a Wilson interval, daily
counts of a flag, the rows of a slice), kept apart from the model solutions so
that a hidden test recomputes an expected value with code the student never sees. Every function
takes and returns plain Python, NumPy or pandas values and knows nothing of any lab.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # two-sided 95%
SECONDS_PER_DAY = 86_400
EPOCH = pd.Timestamp(0, tz="UTC")


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (low, high) of k successes in n trials."""
    p = k / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return centre - half, centre + half


def day_numbers(times: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Whole UTC days since 1970 of tz-aware (or naive UTC) times, as int64."""
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        index = index.tz_localize("UTC")
    nanoseconds = index.tz_convert("UTC").as_unit("ns").asi8
    return np.floor_divide(nanoseconds, SECONDS_PER_DAY * 10**9)


def day_of(number: int) -> pd.Timestamp:
    """UTC midnight of a day number."""
    return pd.Timestamp(int(number) * SECONDS_PER_DAY, unit="s", tz="UTC")


def daily_counts(days: np.ndarray, flags: np.ndarray) -> tuple[list[pd.Timestamp], list[int], list[int]]:  # fmt: skip
    """Per day present (day numbers, sorted): the day, the rows and the rows whose flag is set."""
    numbers, inverse = np.unique(np.asarray(days), return_inverse=True)
    n = np.bincount(inverse, minlength=len(numbers))
    k = np.bincount(inverse, weights=np.asarray(flags, dtype=float), minlength=len(numbers))
    return [day_of(d) for d in numbers], [int(v) for v in n], [round(float(v)) for v in k]


def daily_table(days: Sequence[pd.Timestamp], n: Sequence[int], k: Sequence[int]) -> pd.DataFrame:
    """A daily-rates table (day, n, k, rate, ci_low, ci_high) with Wilson intervals."""
    bounds = [wilson(kk, nn) for nn, kk in zip(n, k, strict=True)]
    return pd.DataFrame(
        {
            "day": pd.DatetimeIndex(list(days)),
            "n": list(n),
            "k": list(k),
            "rate": [kk / nn for nn, kk in zip(n, k, strict=True)],
            "ci_low": [b[0] for b in bounds],
            "ci_high": [b[1] for b in bounds],
        }
    )


def selection(frame: pd.DataFrame, slice_: Mapping[str, Any]) -> np.ndarray | None:
    """The rows of `frame` in a slice {column: value} as a bool mask; None if a column is absent."""
    keep = np.ones(len(frame), dtype=bool)
    for column, value in slice_.items():
        if column not in frame.columns:
            return None
        keep &= np.asarray(frame[column].to_numpy() == value, dtype=bool)
    return keep
