"""Hidden tests of lab 3 (regression or noise?), run by the grader, outside the student's kernel.

Every number is recomputed here: from the student's own columns (read through `columns_of`, the
set-up cell's compact view of a table) with the reference code of autograder.grader.stats, from
calls of the student's functions on inputs built here, and from the incident's truth
(autograder.incident_truth.truth) for the scenario the grader's copy of the lab ships. One test
per autograded cell; each checks what the cell's visible self-checks check, and more.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from autograder.grader import Submission, hidden_test, stats
from autograder.grader.submission import Call
from autograder.incident_truth import Regression, fresh_requests, lab_table, scenario_in, truth
from labkit.checks import CheckFailed, check, check_all_close, check_close, check_raises, check_type

DAY = pd.Timedelta(days=1)
Monitor = tuple[list[str], list[str], list[tuple[str, str]]]
N_REGRESSIONS = 3
CALIBRATION_DAYS = 14
REFERENCE_DAYS = 28
FALSE_ALARM_BUDGET = 0.01
N_BOOTSTRAP = 1000
# Out-of-sample runs of the generator for section 7 (never shipped, never shown to students):
# the same incident with new noise. The lab states FRESH_RUNS and the limit, not the seeds.
FRESH_SEEDS = (7001, 7002, 7003, 7004)
FRESH_FALSE_ALARM_LIMIT = 0.02
# The columns a fresh run needs: the monitor's signals and slice columns, and what exercise 1
# derives (apr2026: after_idle_resume, from the session's turns).
FRESH_COLUMNS = {
    "sep2025": ("time", "bad", "unexpected_script", "platform", "model", "pool"),
    "apr2026": ("time", "bad", "repeated_tool_call", "platform", "model", "pool", "session_id", "turn", "idle_before_min"),
}  # fmt: skip
# The monitor of section 7 per scenario (the set-up cell's MONITOR, never read from the kernel).
MONITOR: dict[str, Monitor] = {
    "sep2025": (["bad", "unexpected_script"], ["platform", "model", "pool"], [("model", "pool")]),
    "apr2026": (
        ["bad", "repeated_tool_call"],
        ["platform", "model", "pool", "after_idle_resume"],
        [],
    ),
}
STICKY = {"sep2025": "misrouting", "apr2026": "thinking_dropped"}


# -- the grader's own data ------------------------------------------------------------------
def scenario(nb: Submission) -> str:
    assert nb.lab_folder is not None, "the grader gives hidden tests the lab's folder"
    return scenario_in(nb.lab_folder / "data")


def table(nb: Submission, name: str) -> pd.DataFrame:
    assert nb.lab_folder is not None
    return lab_table(nb.lab_folder / "data", name)


def start_of(nb: Submission) -> pd.Timestamp:
    start: pd.Timestamp = table(nb, "requests")["time"].min().floor("D")
    return start


def truth_rows(nb: Submission, regression: Regression) -> np.ndarray:
    """The rows of the requests table (in the order it is loaded) a regression affected."""
    ids = table(nb, "requests")["request_id"]
    return np.asarray(ids.isin(list(regression.affected_request_ids)).to_numpy(), dtype=bool)


# -- the student's table, read compactly ----------------------------------------------------
@dataclass
class StudentTable:
    rows: int
    columns: list[str]
    dtypes: dict[str, str]
    frame: pd.DataFrame  # the columns asked for that exist (times tz-aware UTC)


def student_table(nb: Submission, name: str, columns: Sequence[str]) -> StudentTable:
    what = f"`{name}`"
    call = nb.function("columns_of").calls([((nb.name(name), list(dict.fromkeys(columns))), {})])
    outcome: Call = call[0]
    if outcome.error is not None:
        raise CheckFailed(
            what,
            "a pandas DataFrame",
            f"reading it raised {outcome.error.kernel_type}",
            f"keep {name} the DataFrame the set-up cell loaded (add columns, do not replace it)",
        )
    view = outcome.value
    ok = isinstance(view, dict) and isinstance(view.get("rows"), int)
    ok = ok and isinstance(view.get("columns"), list) and isinstance(view.get("data"), dict)
    check(ok, what, expected="a table", found=type(view).__name__, hint="keep columns_of as given")
    rows: int = view["rows"]
    names = [str(c) for c in view["columns"]]
    dtypes = dict(zip(names, [str(t) for t in view.get("dtypes", [])], strict=False))
    data: dict[str, Any] = {}
    for column, value in view["data"].items():
        data[str(column)] = _column(value, rows, f"{name}[{column!r}]")
    return StudentTable(rows, names, dtypes, pd.DataFrame(data, index=pd.RangeIndex(rows)))


def _column(value: Any, rows: int, what: str) -> Any:
    bad = CheckFailed(
        what, f"a column of {rows} values", "something else", "keep columns_of as given"
    )
    array: Any
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, dict) and value.get("kind") == "utc":
        array = pd.DatetimeIndex(
            np.asarray(value.get("values"), dtype="datetime64[ns]")
        ).tz_localize("UTC")
    elif isinstance(value, dict) and value.get("kind") == "codes":
        codes, labels = np.asarray(value.get("codes")), value.get("labels")
        if codes.dtype.kind not in "iu" or not isinstance(labels, list):
            raise bad
        if codes.size and (codes.min() < -1 or codes.max() >= len(labels)):
            raise bad
        pool = np.empty(len(labels) + 1, dtype=object)
        pool[: len(labels)] = labels
        pool[-1] = None
        array = pool[np.where(codes < 0, len(labels), codes)]
    else:
        raise bad
    if len(array) != rows:
        raise bad
    return array


def bool_column(st: StudentTable, column: str) -> np.ndarray:
    return np.array([bool(v) for v in st.frame[column].tolist()], dtype=bool)


def nanoseconds(times: Any) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(times).as_unit("ns").asi8)


def day_numbers(st: StudentTable) -> np.ndarray:
    return stats.day_numbers(st.frame["day"])


# -- plain-value helpers --------------------------------------------------------------------
def pair(value: Any, what: str) -> tuple[Any, Any]:
    check(
        isinstance(value, (tuple, list)) and len(value) == 2,
        what,
        expected="a tuple (low, high)",
        found=value,
        hint="return low, high",
    )
    return value[0], value[1]


def is_day(value: Any) -> bool:
    return (
        isinstance(value, pd.Timestamp)
        and str(value.tz) == "UTC"
        and bool(value == value.floor("D"))
    )


# -- 1 ----------------------------------------------------------------------------------------
@hidden_test("q1-tidy-test")
def tidy(nb: Submission) -> None:
    fresh = table(nb, "requests")
    # The rows are identified by their time and user (text ids cost seconds to hand over).
    st = student_table(nb, "requests", ["time", "user", "day", "after_idle_resume"])
    check(
        st.rows == len(fresh),
        "the number of rows of requests",
        expected="every row of the table",
        found=st.rows,
        hint="add columns, do not filter",
    )
    check(
        "day" in st.columns,
        "the columns of requests",
        expected="a column 'day'",
        found=st.columns,
        hint='requests["day"] = ...',
    )
    dtype = st.dtypes.get("day", "")
    check(
        dtype.startswith("datetime64") and dtype.endswith(", UTC]"),
        "the type of requests['day']",
        expected="tz-aware UTC timestamps (like `time`)",
        found=dtype,
        hint='requests["time"].dt.floor("D")',
    )
    check(
        {"time", "user"} <= set(st.frame)
        and bool(np.array_equal(nanoseconds(st.frame["time"]), nanoseconds(fresh["time"])))
        and st.frame["user"].tolist() == fresh["user"].tolist(),
        "the rows of requests",
        expected="the rows as loaded, in the same order",
        found="different rows or order",
        hint="keep every row and do not sort",
    )
    days = st.frame["day"]
    check(
        bool((days <= st.frame["time"]).all()),
        "day <= time on every row",
        expected="the midnight that starts each request's day",
        found="a later day",
        hint="floor to the day, do not round",
    )
    want = nanoseconds(fresh["time"].dt.floor("D"))
    check(
        bool(np.array_equal(nanoseconds(days), want)),
        "requests['day'] on every row",
        expected="UTC midnight of each request's time",
        found="other values on some rows",
        hint='requests["time"].dt.floor("D")',
    )
    if scenario(nb) == "apr2026":
        check(
            "after_idle_resume" in st.frame,
            "the columns of requests",
            expected="a column 'after_idle_resume'",
            found=st.columns,
            hint="see the exercise",
        )
        idle_turn = fresh["turn"].where(fresh["idle_before_min"] > 60)
        first = idle_turn.groupby(fresh["session_id"]).transform("min")
        reference = (fresh["turn"] > first).to_numpy(dtype=bool)
        mine = bool_column(st, "after_idle_resume")
        check(
            bool(np.array_equal(mine, reference)),
            "requests['after_idle_resume'] on every row",
            expected="True exactly after the first turn with idle_before_min > 60",
            found=f"{int(mine.sum())} True rows (the reference has {int(reference.sum())})",
            hint="the resume turn itself is False; sessions without a long idle are all False",
        )


# -- 2 ----------------------------------------------------------------------------------------
Z99 = 2.5758293035489004
HIDDEN_PAIRS = [(1, 1), (0, 1), (7, 7), (3, 1000), (999, 1000), (17, 250), (1, 3)]


@hidden_test("q2-wilson-numbers")
def wilson_numbers(nb: Submission) -> None:
    wilson = nb.function("wilson_interval")
    plain: list[tuple[Sequence[Any], dict[str, Any]]] = [((5, 10), {}), ((0, 20), {}), ((3, 0), {})]
    plain += [((k, n), {}) for k, n in HIDDEN_PAIRS]
    plain += [((12, 40), {"z": Z99}), ((-1, 5), {}), ((6, 5), {})]
    calls = wilson.calls(plain)
    low, high = pair(calls[0].result(), "wilson_interval(5, 10)")
    check_close(
        low,
        0.2365930,
        "the low end of wilson_interval(5, 10)",
        tol=1e-6,
        hint="centre 0.5, half-width z / (1 + z**2/n) * sqrt(p(1-p)/n + z**2/(4 n**2))",
    )
    check_close(
        high,
        0.7634070,
        "the high end of wilson_interval(5, 10)",
        tol=1e-6,
        hint="symmetric around 0.5 when k = n / 2",
    )
    low, high = pair(calls[1].result(), "wilson_interval(0, 20)")
    check_close(
        low,
        0.0,
        "the low end of wilson_interval(0, 20)",
        tol=1e-12,
        hint="with k = 0 the interval starts at 0",
    )
    check_close(
        high,
        0.1611251,
        "the high end of wilson_interval(0, 20)",
        tol=1e-6,
        hint="with k = 0 it is z**2 / (n + z**2)",
    )
    check_raises(calls[2].result, ValueError, "wilson_interval(3, 0)", "n must be >= 1")
    for (k, n), call in zip(HIDDEN_PAIRS, calls[3:], strict=False):
        got = pair(call.result(), f"wilson_interval({k}, {n})")
        check_all_close(
            got,
            stats.wilson(k, n),
            f"wilson_interval({k}, {n})",
            tol=1e-9,
            hint="the formula above, with z = Z95",
        )
        check(
            -1e-12 <= float(got[0]) <= float(got[1]) <= 1 + 1e-12,
            f"the order of wilson_interval({k}, {n})",
            expected="0 <= low <= high <= 1",
            found=got,
            hint="centre -/+ half-width",
        )
    with_z, negative, above = calls[3 + len(HIDDEN_PAIRS) :]
    check_all_close(
        pair(with_z.result(), "wilson_interval(12, 40, z=2.576)"),
        stats.wilson(12, 40, Z99),
        "wilson_interval(12, 40, z=2.576)",
        tol=1e-9,
        hint="use the z argument",
    )
    check_raises(negative.result, ValueError, "wilson_interval(-1, 5)", "k must be >= 0")
    check_raises(above.result, ValueError, "wilson_interval(6, 5)", "k must be <= n")


@hidden_test("q2-wilson-arrays")
def wilson_arrays(nb: Submission) -> None:
    wilson = nb.function("wilson_interval")
    ks, ns = [0, 1, 5, 40, 120, 3], [9, 1, 50, 41, 1000, 3]
    calls = wilson.map(
        [
            (np.array([5, 0]), np.array([10, 20])),
            (pd.Series(ks), pd.Series(ns)),
            (np.array([1, 2]), np.array([5, 0])),
            (np.array([1, 9]), np.array([5, 8])),
        ]
    )
    lows, _ = pair(calls[0].result(), "wilson_interval of two arrays")
    check(
        isinstance(lows, np.ndarray) and lows.shape == (2,),
        "wilson_interval of two arrays",
        expected="two NumPy arrays of length 2",
        found=type(lows).__name__,
        hint="write it with NumPy operations (np.sqrt, not math.sqrt)",
    )
    check_all_close(
        lows,
        [0.2365930, 0.0],
        "the low ends for k=[5, 0], n=[10, 20]",
        tol=1e-6,
        hint="element by element",
    )
    lo, hi = pair(calls[1].result(), "wilson_interval of two Series")
    lo, hi = np.asarray(lo).ravel(), np.asarray(hi).ravel()
    check(
        len(lo) == len(ks) and len(hi) == len(ks),
        "wilson_interval of two Series of length 6",
        expected="6 low and 6 high ends",
        found=(lo, hi),
        hint="element by element",
    )
    for i, (k, n) in enumerate(zip(ks, ns, strict=True)):
        want_lo, want_hi = stats.wilson(k, n)
        check_close(
            lo[i],
            want_lo,
            f"the low end for k={k}, n={n} (Series in)",
            tol=1e-9,
            hint="element by element",
        )
        check_close(
            hi[i],
            want_hi,
            f"the high end for k={k}, n={n} (Series in)",
            tol=1e-9,
            hint="element by element",
        )
    check_raises(
        calls[2].result,
        ValueError,
        "wilson_interval with one n = 0 in an array",
        "raise if ANY n is below 1",
    )
    check_raises(
        calls[3].result,
        ValueError,
        "wilson_interval with one k > n in an array",
        "raise if ANY k is larger than its n",
    )


# -- 3 ----------------------------------------------------------------------------------------
COLUMNS = ["day", "n", "k", "rate", "ci_low", "ci_high"]


def _frame_of(value: Any, what: str) -> pd.DataFrame:
    check_type(value, pd.DataFrame, what, "return a DataFrame")
    frame: pd.DataFrame = value
    return frame


def _rows(frame: pd.DataFrame, by: str | None) -> list[tuple[Any, ...]]:
    lead = frame[by].tolist() if by is not None else [None] * len(frame)
    return list(
        zip(lead, frame["day"].tolist(), frame["n"].tolist(), frame["k"].tolist(), strict=True)
    )


def reference_rows(frame: pd.DataFrame, signal: str, by: str | None) -> list[tuple[Any, ...]]:
    """(by value, day, n, k) per (by, day), sorted, from a frame with `day` and the columns."""
    days = stats.day_numbers(frame["day"])
    flags = np.array([bool(v) for v in frame[signal].tolist()], dtype=bool)
    groups = [None] if by is None else sorted(set(frame[by].tolist()))
    rows: list[tuple[Any, ...]] = []
    for value in groups:
        keep = np.ones(len(frame), dtype=bool) if by is None else (frame[by].to_numpy() == value)
        d, n, k = stats.daily_counts(days[keep], flags[keep])
        rows += [(value, *row) for row in zip(d, n, k, strict=True)]
    return rows


@hidden_test("q3-daily-small")
def daily_small(nb: Submission) -> None:
    daily_rates = nb.function("daily_rates")
    d1, d2 = pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-01-02", tz="UTC")
    tiny = pd.DataFrame(
        {
            "day": [d2, d1, d1, d2, d1],
            "platform": ["b", "a", "b", "a", "a"],
            "bad": [True, False, True, False, True],
        }
    )
    days = [pd.Timestamp(f"2025-03-0{i}", tz="UTC") for i in (3, 1, 2, 1, 3, 3, 2, 1)]
    unsorted = pd.DataFrame(
        {
            "day": days,
            "pool": list("xyxxyyxy"),
            "flag": [True, False, False, True, True, True, False, False],
            "bad": [False] * 8,
        }
    )
    # The visible check compares the first day's interval with the student's own function.
    own = pair(nb.function("wilson_interval")(2, 3), "wilson_interval(2, 3)")
    calls = daily_rates.calls(
        [
            ((tiny,), {}),
            ((tiny,), {"by": "platform"}),
            ((unsorted,), {"signal": "flag", "by": "pool"}),
            ((unsorted,), {"signal": "bad"}),
        ]
    )
    overall = _frame_of(calls[0].result(), "daily_rates(tiny)")
    check(
        list(overall.columns) == COLUMNS,
        "the columns of daily_rates(tiny)",
        expected=str(COLUMNS),
        found=list(overall.columns),
        hint="reset_index() after grouping, then add the columns",
    )
    check(
        overall["n"].tolist() == [3, 2] and overall["k"].tolist() == [2, 1],
        "n and k per day",
        expected="n [3, 2], k [2, 1]",
        found=(overall["n"].tolist(), overall["k"].tolist()),
        hint="count the rows and the True values of each day, days in order",
    )
    check_all_close(
        overall[["ci_low", "ci_high"]].iloc[0].tolist(),
        own,
        "the interval of the first day",
        tol=1e-9,
        hint="wilson_interval(k, n)",
    )
    by_platform = _frame_of(calls[1].result(), "daily_rates(tiny, by='platform')")
    check(
        list(by_platform.columns)[:2] == ["platform", "day"] and len(by_platform) == 4,
        "daily_rates(tiny, by='platform')",
        expected="4 rows, columns platform, day, n, ...",
        found=by_platform.iloc[:, :4],
        hint="group by [by, 'day']",
    )
    out = _frame_of(calls[2].result(), "daily_rates(frame, signal='flag', by='pool')")
    want = reference_rows(unsorted, "flag", "pool")
    check(
        set(["pool", "day", "n", "k"]) <= set(out.columns) and _rows(out, "pool") == want,
        "daily_rates(frame, signal='flag', by='pool') on an unsorted frame",
        expected=str(want),
        found=out.iloc[:, :4].to_numpy().tolist(),
        hint="use the `signal` column; sort by the `by` column, then by day",
    )
    check(
        list(out.index) == list(range(len(out))),
        "the index of daily_rates",
        expected="0, 1, 2, ...",
        found=list(out.index),
        hint="reset_index(drop=True)",
    )
    zero = _frame_of(calls[3].result(), "daily_rates(frame, signal='bad')")
    check(
        zero["k"].tolist() == [0, 0, 0]
        and float(np.abs(zero["ci_low"].to_numpy(dtype=float)).max()) < 1e-12,
        "daily_rates when no row has the signal",
        expected="k 0 and ci_low 0 every day",
        found=zero[["k", "ci_low"]].to_numpy().tolist(),
        hint="k is the number of True values",
    )


@hidden_test("q3-daily-data")
def daily_data(nb: Submission) -> None:
    signals, columns, _ = MONITOR[scenario(nb)]
    cases: list[tuple[str, str | None]] = [
        ("bad", None),
        (signals[1], columns[-1]),
        ("bad", "model"),
    ]
    st = student_table(nb, "requests", ["day", "bad", signals[1], columns[-1], "model"])
    daily_rates = nb.function("daily_rates")
    calls = daily_rates.map([(nb.name("requests"), s, b) for s, b in cases])
    overall = _frame_of(calls[0].result(), "daily_rates(requests)")
    check(
        int(overall["n"].sum()) == st.rows,
        "the total of n over all days",
        expected=f"{st.rows} (every request)",
        found=int(overall["n"].sum()),
        hint="one row per day; n counts that day's requests",
    )
    rate = overall["rate"].to_numpy(dtype=float)
    check(
        bool(
            (overall["ci_low"].to_numpy(dtype=float) <= rate).all()
            and (rate <= overall["ci_high"].to_numpy(dtype=float)).all()
        ),
        "ci_low <= rate <= ci_high",
        expected="on every day",
        found="not on some days",
        hint="the Wilson interval of k out of n",
    )
    for (signal, by), call in zip(cases, calls, strict=True):
        label = f"daily_rates(requests, {signal!r}, by={by!r})"
        mine = _frame_of(call.result(), label)
        rows = reference_rows(st.frame, signal, by)
        check(
            len(mine) == len(rows),
            f"the rows of {label}",
            expected=str(len(rows)),
            found=len(mine),
            hint="one row per (value, day) with requests",
        )
        check(
            [r[1:] for r in _rows(mine, None)] == [r[1:] for r in rows],
            f"day, n and k of {label}",
            expected="the reference counts",
            found="different counts or order",
            hint="count rows and True values per (by, day), sorted",
        )
        # the interval is recomputed from the student's own counts
        bounds = [
            stats.wilson(k, n) for n, k in zip(mine["n"].tolist(), mine["k"].tolist(), strict=True)
        ]
        error = max(
            abs(float(a) - r[0]) + abs(float(b) - r[1])
            for a, b, r in zip(
                mine["ci_low"].tolist(), mine["ci_high"].tolist(), bounds, strict=True
            )
        )
        check(
            error < 1e-9,
            f"ci_low and ci_high of {label}",
            expected="the Wilson interval of each row's k and n",
            found="other values",
            hint="wilson_interval(k, n) with the default z",
        )


# -- 4 ----------------------------------------------------------------------------------------
@dataclass
class Matched:
    located: int
    ends: int
    findings: list[dict[str, Any]]


def matched_findings(nb: Submission) -> Matched:
    """The visible checks on the shape of `findings`, then the best matching with the truth."""
    findings = nb.value("findings")
    check(
        isinstance(findings, list) and len(findings) == N_REGRESSIONS,
        "findings",
        expected=f"a list of {N_REGRESSIONS} dicts",
        found=findings,
        hint="one dict per regression",
    )
    wanted: list[str] = ["time"]
    for number, finding in enumerate(findings):
        check(
            isinstance(finding, dict) and {"slice", "signal", "onset", "end"} <= set(finding),
            f"finding {number}",
            expected="a dict with slice, signal, onset, end",
            found=finding,
            hint="see the exercise",
        )
        if isinstance(finding["slice"], dict):
            wanted += [str(c) for c in finding["slice"]]
    st = student_table(nb, "requests", wanted)
    for number, finding in enumerate(findings):
        slice_ = finding["slice"]
        check(
            isinstance(slice_, dict) and set(slice_) <= set(st.columns),
            f"the slice of finding {number}",
            expected="a dict {column: value} of requests' columns",
            found=slice_,
            hint='for example {"pool": "gpu"}, or {} for all the traffic',
        )
        signal = finding["signal"]
        check(
            isinstance(signal, str) and st.dtypes.get(signal) == "bool",
            f"the signal of finding {number}",
            expected="the name of a bool column of requests",
            found=signal,
            hint="add your own bool column to requests if you need one",
        )
        for key in ("onset", "end"):
            check(
                is_day(finding[key]),
                f"finding {number}: {key}",
                expected="a tz-aware UTC timestamp at midnight",
                found=finding[key],
                hint='like the values of requests["day"]',
            )
        check(
            finding["onset"] < finding["end"],
            f"finding {number}: onset and end",
            expected="onset < end",
            found=(finding["onset"], finding["end"]),
            hint="end is the first day without it",
        )
    regressions = truth(scenario(nb)).regressions
    true_rows = {r.name: truth_rows(nb, r) for r in regressions if r.slice}

    def fits(mine: Mapping[str, Any], regression: Regression) -> bool:
        if all(c in mine and mine[c] == v for c, v in regression.slice.items()):
            return True
        if regression.name not in true_rows or st.rows != len(true_rows[regression.name]):
            return False
        chosen = stats.selection(st.frame, mine)
        if chosen is None:
            return False
        times = st.frame["time"]
        chosen &= ((times >= regression.onset) & (times < regression.end)).to_numpy(dtype=bool)
        hit = int(np.sum(chosen & true_rows[regression.name]))
        return (
            hit > 0
            and hit >= 0.5 * int(chosen.sum())
            and hit >= 0.5 * int(true_rows[regression.name].sum())
        )

    located = [
        [fits(f["slice"], r) and abs(f["onset"] - r.onset) <= DAY for r in regressions]
        for f in findings
    ]
    ends = [[abs(f["end"] - r.end) <= DAY for r in regressions] for f in findings]
    best = (0, 0)
    for order in itertools.permutations(range(len(regressions))):
        pairs = [(i, order[i]) for i in range(len(findings)) if located[i][order[i]]]
        best = max(best, (len(pairs), sum(1 for i, j in pairs if ends[i][j])))
    return Matched(best[0], best[1], findings)


@hidden_test("q4-onsets-most")
def onsets_most(nb: Submission) -> None:
    found = matched_findings(nb)
    check(
        found.located >= 2,
        "the regressions your findings locate",
        expected="at least 2 of them",
        found=f"{found.located}",
        hint="slice and onset (within one day) of each regression; confirm with the change log",
    )


@hidden_test("q4-onsets-all")
def onsets_all(nb: Submission) -> None:
    found = matched_findings(nb)
    check(
        found.located == N_REGRESSIONS and len(found.findings) == N_REGRESSIONS,
        "the regressions your findings locate",
        expected=f"all {N_REGRESSIONS}, and no other finding",
        found=f"{found.located} located, {len(found.findings)} findings",
        hint="one finding per regression: a worsening is not a new regression; check each slice and onset",
    )


@hidden_test("q4-ends")
def ends(nb: Submission) -> None:
    found = matched_findings(nb)
    check(
        found.located == N_REGRESSIONS,
        "the regressions your findings locate",
        expected=f"all {N_REGRESSIONS} (the ends are checked once every onset is right)",
        found=found.located,
        hint="fix the onsets first",
    )
    check(
        found.ends == N_REGRESSIONS,
        "the ends of your findings",
        expected="each within one day of the truth",
        found=f"{found.ends} of {N_REGRESSIONS}",
        hint="the end is the first day without the regression: look for the rollback or fix in the change log",
    )


# -- 5 ----------------------------------------------------------------------------------------
@hidden_test("q5-affected-test")
def affected(nb: Submission) -> None:
    st = student_table(nb, "requests", ["affected"])
    check(
        "affected" in st.frame and st.dtypes.get("affected") == "bool",
        "the type of requests['affected']",
        expected="bool",
        found=st.dtypes.get("affected", "no such column"),
        hint="a comparison gives a bool column",
    )
    mine = bool_column(st, "affected")
    check(
        0 < int(mine.sum()) < st.rows // 2,
        "the number of affected requests",
        expected="some, but far from all",
        found=int(mine.sum()),
        hint="see the exercise",
    )
    true = truth_rows(nb, truth(scenario(nb)).regression(STICKY[scenario(nb)]))
    check(
        len(true) == st.rows,
        "the rows of requests",
        expected=f"{len(true)} rows as loaded",
        found=st.rows,
        hint="add columns, do not filter",
    )
    differ = int(np.sum(mine ^ true))
    check(
        differ <= 0.01 * int(true.sum()),
        "the affected requests",
        expected="the requests the sticky regression hit (at most 1% different)",
        found=f"{int(mine.sum())} requests, {differ} different from the truth",
        hint="see the exercise; check the window you used",
    )


@dataclass
class ImpactSlice:
    affected: np.ndarray
    days: np.ndarray  # day numbers
    inside: np.ndarray  # the slice: in the window, of the models with affected requests
    users: np.ndarray
    bad: np.ndarray
    models: np.ndarray
    first: int
    last: int


def impact_slice(nb: Submission) -> ImpactSlice:
    st = student_table(nb, "requests", ["affected", "day", "model", "user", "bad"])
    check(
        "affected" in st.frame and "day" in st.frame,
        "the columns of requests",
        expected="the columns day and affected",
        found=st.columns,
        hint="see exercises 1 and 5a",
    )
    hit = bool_column(st, "affected")
    check(
        bool(hit.any()),
        "requests['affected']",
        expected="some affected requests",
        found="none",
        hint="see exercise 5a",
    )
    days = day_numbers(st)
    models = np.asarray(st.frame["model"].to_numpy())
    first, last = int(days[hit].min()), int(days[hit].max())
    inside = (days >= first) & (days <= last) & np.isin(models, sorted(set(models[hit].tolist())))
    return ImpactSlice(
        hit,
        days,
        inside,
        np.asarray(st.frame["user"].to_numpy()),
        bool_column(st, "bad"),
        models,
        first,
        last,
    )


@hidden_test("q5-impact-shares")
def impact_shares(nb: Submission) -> None:
    impact, onset, end = nb.values("impact", "impact_onset", "impact_end")
    keys = {"share_requests", "share_users", "share_users_bad"}
    check(
        isinstance(impact, dict) and keys <= set(impact),
        "impact",
        expected="a dict with share_requests, share_users, share_users_bad, ...",
        found=impact if not isinstance(impact, dict) else sorted(impact),
        hint="see the exercise",
    )
    check(
        0 <= impact["share_users_bad"] <= impact["share_users"] <= 1,
        "the order of the user shares",
        expected="0 <= share_users_bad <= share_users <= 1",
        found=(impact["share_users_bad"], impact["share_users"]),
        hint="a user with an affected bad request also had an affected request",
    )
    s = impact_slice(nb)
    want = (stats.day_of(s.first), stats.day_of(s.last + 1))
    check(
        onset == want[0] and end == want[1],
        "impact_onset and impact_end",
        expected=str(want),
        found=(onset, end),
        hint="the first day with an affected request, and the day after the last",
    )
    frame = pd.DataFrame(
        {
            "user": s.users[s.inside],
            "hit": s.affected[s.inside],
            "hit_bad": s.affected[s.inside] & s.bad[s.inside],
        }
    )
    per_user = frame.groupby("user")[["hit", "hit_bad"]].any()
    reference = {
        "share_requests": float(frame["hit"].mean()),
        "share_users": float(per_user["hit"].mean()),
        "share_users_bad": float(per_user["hit_bad"].mean()),
    }
    for key, value in reference.items():
        check_close(
            impact[key],
            value,
            f"impact[{key!r}] from your affected column",
            tol=1e-9,
            hint="the slice: requests in the window of the model(s) with affected requests",
        )
    sticky = truth(scenario(nb)).regression(STICKY[scenario(nb)])
    for key, true, tol in (
        ("share_requests", sticky.share_of_requests, 0.003),
        ("share_users", sticky.users_affected_share, 0.01),
        ("share_users_bad", sticky.users_bad_share, 0.01),
    ):
        check(
            abs(float(impact[key]) - true) <= tol,
            f"impact[{key!r}] against what happened",
            expected=f"within {tol} of the true share",
            found=impact[key],
            hint="check your affected column and the window",
        )


@hidden_test("q5-impact-independent")
def impact_independent(nb: Submission) -> None:
    impact = nb.value("impact")
    check(
        isinstance(impact, dict)
        and {"share_users_independent", "users_ci", "share_users"} <= set(impact),
        "the keys of impact",
        expected="share_users_independent and users_ci too",
        found=sorted(impact) if isinstance(impact, dict) else impact,
        hint="see the exercise",
    )
    low, high = pair(impact["users_ci"], "impact['users_ci']")
    check(
        low <= impact["share_users"] <= high,
        "the bootstrap interval",
        expected="low <= share_users <= high",
        found=(low, impact["share_users"], high),
        hint="2.5% and 97.5% quantiles of the resampled shares",
    )
    s = impact_slice(nb)
    frame = pd.DataFrame(
        {"user": s.users[s.inside], "day": s.days[s.inside], "hit": s.affected[s.inside]}
    )
    share_of_day = frame.groupby("day")["hit"].transform("mean").to_numpy(dtype=float)
    spared = pd.Series(1.0 - share_of_day).groupby(frame["user"].to_numpy()).prod()
    check_close(
        impact["share_users_independent"],
        float((1.0 - spared).mean()),
        "impact['share_users_independent']",
        tol=1e-9,
        hint="mean over the slice's users of 1 - prod(1 - p_day) over their requests",
    )
    users = frame.groupby("user")["hit"].any().to_numpy(dtype=float)
    p = float(users.mean())
    half = stats.Z95 * math.sqrt(p * (1 - p) / len(users))
    # The reference resamples with the student's own seed (from the grader's record), so the
    # model solution's interval is reproduced exactly; any other sound resampling is close to it.
    rng = np.random.default_rng(nb.seed("lab3-regression"))
    draws = [users[rng.integers(0, users.size, users.size)].mean() for _ in range(N_BOOTSTRAP)]
    want = float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))
    close = abs(float(low) - want[0]) < 0.35 * half and abs(float(high) - want[1]) < 0.35 * half
    check(
        close,
        "impact['users_ci']",
        expected=f"about ({want[0]:.4f}, {want[1]:.4f})",
        found=(low, high),
        hint="resample the slice's users with replacement, N_BOOTSTRAP times",
    )


# -- 7 ----------------------------------------------------------------------------------------
def _alarms(call: Call, rows: int, what: str) -> np.ndarray:
    value = call.result()
    check(
        isinstance(value, np.ndarray) and value.dtype == bool and value.shape == (rows,),
        what,
        expected=f"a bool array of length {rows}",
        found=value,
        hint="np.zeros(len(daily), dtype=bool)",
    )
    alarms: np.ndarray = value
    return alarms


def watched(
    frame: pd.DataFrame, monitor: Monitor, reference_end: pd.Timestamp
) -> list[tuple[dict[str, Any], str, pd.DataFrame]]:
    """The series a monitor watches (slice, signal, daily table), built here from `frame`."""
    signals, columns, pairs = monitor
    slices: list[dict[str, Any]] = [{}]
    for column in columns:
        slices += [{column: v} for v in sorted(set(frame[column].tolist()))]
    for a, b in pairs:
        slices += [
            {a: x, b: y}
            for x, y in sorted(set(zip(frame[a].tolist(), frame[b].tolist(), strict=True)))
        ]
    days = stats.day_numbers(frame["day"])
    limit = int(stats.day_numbers(pd.DatetimeIndex([reference_end]))[0])
    out = []
    for slice_ in slices:
        keep = stats.selection(frame, slice_)
        assert keep is not None
        for signal in signals:
            flags = np.array([bool(v) for v in frame[signal].to_numpy()[keep].tolist()], dtype=bool)
            d, n, k = stats.daily_counts(days[keep], flags)
            reference = sum(1 for x in stats.day_numbers(pd.DatetimeIndex(d)) if x < limit)
            if reference == REFERENCE_DAYS and sum(n) >= 20 * len(n):
                out.append((slice_, signal, stats.daily_table(d, n, k)))
    return out


@hidden_test("q7-detector-test")
def detector_test(nb: Submission) -> None:
    def steady(rate: float = 0.05, n: int = 300, days: int = 60) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "day": pd.date_range("2025-01-06", periods=days, freq="D", tz="UTC"),
                "n": [n] * days,
                "k": [round(rate * n)] * days,
            }
        )

    def series(ks: Sequence[int], ns: Sequence[int]) -> pd.DataFrame:
        days = list(pd.date_range("2024-11-04", periods=len(ks), freq="D", tz="UTC"))
        return stats.daily_table(days, list(ns), list(ks))

    flat, jump = steady(), steady()
    jump.loc[40:, "k"] = 45  # 5% -> 15% from day 40
    weekly = [500 if i % 7 < 5 else 200 for i in range(70)]
    calm = series([round(0.08 * n) for n in weekly], weekly)
    spike = series(
        [round(0.08 * n) if i < 50 else round(0.2 * n) for i, n in enumerate(weekly)], weekly
    )
    rare = series([0 if i % 9 else 1 for i in range(60)], [600] * 60)
    early = series([60] * 5 + [5] * 55, [100] * 60)
    # Causality, on real series built here from the grader's own copy of the data.
    requests = table(nb, "requests").assign(day=lambda f: f["time"].dt.floor("D"))
    end = start_of(nb) + REFERENCE_DAYS * DAY
    real = [d for _, _, d in watched(requests, (["bad"], ["platform"], []), end)][:3]
    prefixes = [(d, t) for d in real for t in range(CALIBRATION_DAYS, len(d) + 1, 4)]
    frames = [
        flat,
        jump,
        calm,
        spike,
        rare,
        early,
        *real,
        *[d.iloc[:t].copy() for d, t in prefixes],
    ]
    calls = nb.function("detect").map([(f,) for f in frames])
    alarms = [
        _alarms(c, len(f), f"detect on a series of {len(f)} days")
        for c, f in zip(calls, frames, strict=True)
    ]
    check(
        not alarms[0].any(),
        "detect on a series that never changes",
        expected="no alarm",
        found=f"{int(alarms[0].sum())} alarms",
        hint="a constant rate is normal",
    )
    check(
        bool(alarms[1][40:43].any()) and not alarms[1][:40].any(),
        "detect on a jump from 5% to 15% on day 40",
        expected="an alarm within 3 days of day 40, none before",
        found=np.flatnonzero(alarms[1])[:5],
        hint="compare each day with the calibration rate",
    )
    check(
        not alarms[2].any(),
        "detect on a steady 8% rate with a weekly traffic cycle",
        expected="no alarm",
        found=np.flatnonzero(alarms[2]),
        hint="a rate that does not change is normal",
    )
    check(
        bool(alarms[3][50:53].any()) and not alarms[3][:50].any(),
        "detect on a jump from 8% to 20% on day 50",
        expected="an alarm within 3 days of day 50, none before",
        found=np.flatnonzero(alarms[3])[:5],
        hint="a large jump must be caught quickly",
    )
    check(
        not alarms[4].any(),
        "detect on a rare signal (1 in 5,400) that does not change",
        expected="no alarm",
        found=np.flatnonzero(alarms[4]),
        hint="a rate near 0 in calibration must not make every event an alarm",
    )
    check(
        not alarms[5][:CALIBRATION_DAYS].any(),
        "detect during the calibration days",
        expected="no alarm on the first CALIBRATION_DAYS rows",
        found=np.flatnonzero(alarms[5])[:5],
        hint="never alarm while calibrating",
    )
    whole = dict(zip((id(d) for d in real), alarms[6 : 6 + len(real)], strict=True))
    for (d, t), part in zip(prefixes, alarms[6 + len(real) :], strict=True):
        check(
            np.array_equal(part, whole[id(d)][:t]),
            f"detect on the first {t} rows of a real series",
            expected="the same alarms as on the whole series, for those rows",
            found=f"alarms on rows {np.flatnonzero(part ^ whole[id(d)][:t])[:5]} differ",
            hint="a day's alarm may use only that day and the days before it (causal)",
        )


@hidden_test("q7-numbers-test")
def numbers_test(nb: Submission) -> None:
    rate, delays, findings, monitored = nb.values(
        "false_alarm_rate", "detection_delays", "findings", "monitored"
    )
    check(
        isinstance(rate, (int, float))
        and not isinstance(rate, bool)
        and 0 <= rate <= FALSE_ALARM_BUDGET,
        "false_alarm_rate",
        expected=f"between 0 and FALSE_ALARM_BUDGET = {FALSE_ALARM_BUDGET}",
        found=rate,
        hint="raise the threshold (or the rate p1 you look for)",
    )
    check(
        isinstance(delays, list) and isinstance(findings, list) and len(delays) == len(findings),
        "detection_delays",
        expected="a list with one element per finding",
        found=delays,
        hint="see the exercise",
    )
    name = scenario(nb)
    signals, columns, pairs = MONITOR[name]
    st = student_table(nb, "requests", ["day", *signals, *columns, *(c for p in pairs for c in p)])
    start = start_of(nb)
    reference_end = start + REFERENCE_DAYS * DAY
    series = watched(st.frame, MONITOR[name], reference_end)
    check(
        isinstance(monitored, list) and len(series) == len(monitored),
        "the series watched",
        expected=f"{len(series)} series",
        found=len(monitored) if isinstance(monitored, list) else monitored,
        hint="use the monitored list the given cell builds",
    )
    calls = nb.function("detect").map([(d,) for _, _, d in series])
    runs = [
        (s, d, _alarms(c, len(d), f"detect on the series {s}"))
        for (s, _, d), c in zip(series, calls, strict=True)
    ]
    quiet_from = start + CALIBRATION_DAYS * DAY
    alarms = cells = 0
    for _, daily, fired in runs:
        quiet = ((daily["day"] >= quiet_from) & (daily["day"] < reference_end)).to_numpy(dtype=bool)
        alarms, cells = alarms + int(fired[quiet].sum()), cells + int(quiet.sum())
    check_close(
        rate,
        alarms / cells,
        "false_alarm_rate (your detect, run again)",
        tol=1e-9,
        hint="alarms on the days after calibration and before REFERENCE_END, over all series-days",
    )
    check(
        alarms / cells <= FALSE_ALARM_BUDGET,
        "the false-alarm rate of your detector",
        expected=f"<= {FALSE_ALARM_BUDGET}",
        found=alarms / cells,
        hint="raise your threshold",
    )

    def first_alarm(
        slice_: Mapping[str, Any], lo: pd.Timestamp, hi: pd.Timestamp
    ) -> pd.Timestamp | None:
        best: pd.Timestamp | None = None
        for s, daily, fired in runs:
            if dict(s) != dict(slice_):
                continue
            for day in daily["day"][fired].tolist():
                if lo <= day < hi and (best is None or day < best):
                    best = day
        return best

    want: list[int | None] = []
    for finding in findings:
        check(
            isinstance(finding, dict)
            and is_day(finding.get("onset"))
            and is_day(finding.get("end"))
            and isinstance(finding.get("slice"), dict),
            "findings",
            expected="the findings of exercise 4b",
            found=finding,
            hint="see exercise 4b",
        )
        hit = first_alarm(finding["slice"], finding["onset"], finding["end"])
        want.append(None if hit is None else int((hit - finding["onset"]).days))
    found = [None if v is None else v for v in delays]
    check(
        found == want
        and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in found),
        "detection_delays (your detect, run again)",
        expected=str(want),
        found=delays,
        hint="first alarm day in [onset, end) on the finding's slice, minus the onset, in days",
    )
    caught = [
        r.name for r in truth(name).regressions if first_alarm(r.slice, r.onset, r.end) is not None
    ]
    check(
        len(caught) >= 2,
        "the regressions your detector catches on their real slices, while they were active",
        expected="at least 2",
        found=len(caught),
        hint="lower your threshold, within the false-alarm budget",
    )


def fresh_series(
    name: str, seed: int
) -> tuple[pd.Timestamp, list[tuple[dict[str, Any], str, pd.DataFrame]]]:
    """(start, the monitored series) of one fresh run, with exercise 1's columns derived here."""
    frame = fresh_requests(name, seed, FRESH_COLUMNS[name]).copy()
    frame["day"] = frame["time"].dt.floor("D")
    if name == "apr2026":
        idle_turn = frame["turn"].where(frame["idle_before_min"] > 60)
        first_idle = idle_turn.groupby(frame["session_id"]).transform("min")
        frame["after_idle_resume"] = (frame["turn"] > first_idle).to_numpy(dtype=bool)
    start: pd.Timestamp = frame["day"].min()
    return start, watched(frame, MONITOR[name], start + REFERENCE_DAYS * DAY)


@dataclass
class FreshScore:
    """A detector on fresh runs: false alarms pooled over the runs' reference weeks, and per
    run the delay (days after onset) of its first alarm on each regression's slice, or None."""

    alarms: int
    cells: int
    delays: list[dict[str, int | None]]

    @property
    def false_alarm_rate(self) -> float:
        return self.alarms / self.cells

    @property
    def caught_per_run(self) -> list[int]:
        return [sum(d is not None for d in run.values()) for run in self.delays]


def fresh_score(
    name: str,
    runs: Sequence[tuple[pd.Timestamp, list[tuple[dict[str, Any], str, pd.DataFrame]]]],
    fired: Sequence[np.ndarray],
) -> FreshScore:
    """Score the alarms `fired` (one array per series, in the runs' order) of fresh runs."""
    flags = iter(fired)
    alarms = cells = 0
    delays: list[dict[str, int | None]] = []
    for start, series in runs:
        quiet_from, reference_end = start + CALIBRATION_DAYS * DAY, start + REFERENCE_DAYS * DAY
        alarm_days: list[tuple[dict[str, Any], list[pd.Timestamp]]] = []
        for slice_, _, daily in series:
            fired_here = next(flags)
            quiet = ((daily["day"] >= quiet_from) & (daily["day"] < reference_end)).to_numpy(
                dtype=bool
            )
            alarms, cells = alarms + int(fired_here[quiet].sum()), cells + int(quiet.sum())
            alarm_days.append((dict(slice_), daily["day"][fired_here].tolist()))
        run: dict[str, int | None] = {}
        for r in truth(name).regressions:
            hits = [
                day
                for s, days in alarm_days
                if s == dict(r.slice)
                for day in days
                if r.onset <= day < r.end
            ]
            run[r.name] = int((min(hits) - r.onset).days) if hits else None
        delays.append(run)
    return FreshScore(alarms, cells, delays)


@hidden_test("q7-fresh-test")
def fresh_test(nb: Submission) -> None:
    name = scenario(nb)
    runs = [fresh_series(name, seed) for seed in FRESH_SEEDS]
    frames = [d for _, series in runs for _, _, d in series]
    calls = nb.function("detect").map([(d,) for d in frames])
    score = fresh_score(
        name,
        runs,
        [
            _alarms(c, len(d), "detect on a series of a fresh run")
            for c, d in zip(calls, frames, strict=True)
        ],
    )
    caught_per_run = score.caught_per_run
    check(
        score.false_alarm_rate <= FRESH_FALSE_ALARM_LIMIT,
        f"the false-alarm rate of your detector on {len(FRESH_SEEDS)} fresh runs (pooled)",
        expected=f"<= FRESH_FALSE_ALARM_LIMIT = {FRESH_FALSE_ALARM_LIMIT}",
        found=round(score.false_alarm_rate, 4),
        hint="on new data a detector tuned to just meet the budget alarms more: allow for "
        "overdispersed days, or leave a margin",
    )
    good_runs = sum(1 for caught in caught_per_run if caught >= 2)
    check(
        good_runs >= len(FRESH_SEEDS) - 1,
        "fresh runs in which your detector catches at least 2 regressions on their slices",
        expected=f"at least {len(FRESH_SEEDS) - 1} of {len(FRESH_SEEDS)}",
        found=f"{good_runs} (regressions caught per run: {caught_per_run})",
        hint="a threshold so high that it never alarms meets any budget: lower it within the limit",
    )
