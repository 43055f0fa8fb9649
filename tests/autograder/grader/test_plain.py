"""What crosses the boundary comes back faithfully, and a crafted reply is refused, quickly."""

from __future__ import annotations

import contextlib
import datetime
import math
import time
import tracemalloc
import zoneinfo
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from autograder.grader.plain import (
    Missing,
    Name,
    NotPlain,
    Unreadable,
    Unsupported,
    from_wire,
    to_wire,
)
from tests.autograder.grader.fake_kernel import round_trip

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def same(found: Any, expected: Any) -> None:
    """Equal, and of the same type, dtype, index and names."""
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(found, expected)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(found, expected)
    elif isinstance(expected, pd.Index):
        pd.testing.assert_index_equal(found, expected, exact=True)
    elif isinstance(expected, np.ndarray):
        assert type(found) is np.ndarray and found.dtype == expected.dtype
        np.testing.assert_array_equal(found, expected)
    elif isinstance(expected, float) and math.isnan(expected):
        assert type(found) is float and math.isnan(found)
    else:
        assert type(found) is type(expected) and found == expected, (found, expected)
        if isinstance(expected, (list, tuple)):
            for f, e in zip(found, expected, strict=True):
                same(f, e)


VALUES: dict[str, Any] = {
    "none": None,
    "bool": True,
    "int": 7,
    "big int": 10**30,
    "float": 0.1,
    "nan": float("nan"),
    "infinities": [math.inf, -math.inf],
    "text": "héllo",
    "nested": {"a": [1, {"b": [None, 2.5]}], "c": []},
    "tuple": (1, (2, "x")),
    "set": {1, 2, 3},
    "frozenset": frozenset({"a"}),
    "dict with other keys": {1: "a", (1, 2): 3, None: 0.5},
    "0-d array": np.array(3.5),
    "empty 2-d": np.zeros((0, 3)),
    "empty int16": np.zeros((2, 0), dtype="int16"),
    "text array": np.array(["a", "bc"]),
    "2-d text array": np.array([["a", "b"], ["c", "dd"]]),
    "object array": np.array([1, "a", None, (1, 2)], dtype=object),
    "object array of lists": np.array([None, None], dtype=object),
    "datetime64[ns]": np.array(["2020-01-01", "NaT"], dtype="datetime64[ns]"),
    "datetime64[s]": np.array(["2020-01-01T01:02:03"], dtype="datetime64[s]"),
    "datetime64[D] 2-d": np.array([["2020-01-01", "2021-01-01"]], dtype="datetime64[D]"),
    "timedelta64[s]": np.array([1, 2], dtype="timedelta64[s]"),
    "timedelta64 NaT": np.array([1, "NaT"], dtype="timedelta64[ns]"),
    "timedelta64 exact": np.array([10**17 + 1], dtype="timedelta64[ns]"),
    "df range": pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [0.5, np.nan]}),
    "df index": pd.DataFrame({"a": [1, 2]}, index=pd.Index(["r", "s"], name="row")),
    "df multiindex": pd.DataFrame(
        {"a": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"])
    ),
    "df datetime": pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2020-01-02"])}),
    "df datetime ns": pd.DataFrame({"t": pd.to_datetime(["2020-01-01"]).as_unit("ns")}),
    "df categorical": pd.DataFrame(
        {"c": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "mid", "hi"], ordered=True)}
    ),
    "df tz utc": pd.DataFrame({"t": pd.to_datetime(["2020-01-01"]).tz_localize("UTC")}),
    "df tz paris": pd.DataFrame({"t": pd.to_datetime(["2020-07-01"]).tz_localize(PARIS)}),
    "df int columns": pd.DataFrame({0: [1], 1: [2]}),
    "df multiindex columns": pd.DataFrame(
        [[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")], names=["g", "h"])
    ),
    "df named columns": pd.DataFrame({"a": [1]}).rename_axis(columns="cols"),
    "df empty": pd.DataFrame(),
    "df no rows": pd.DataFrame(columns=["a", "b"]),
    "df no columns": pd.DataFrame(index=pd.RangeIndex(3)),
    "df nullable": pd.DataFrame(
        {
            "i": pd.array([1, None], dtype="Int64"),
            "b": pd.array([True, None], dtype="boolean"),
            "s": pd.array(["a", None], dtype="string"),
            "f": pd.array([0.5, None], dtype="Float64"),
        }
    ),
    "df object text": pd.DataFrame({"a": pd.Series(["x", "y"], dtype=object)}),
    "df bool": pd.DataFrame({"a": [True, False]}),
    "df timedelta": pd.DataFrame({"a": pd.to_timedelta([1, 2], unit="s")}),
    "df duplicate columns": pd.DataFrame([[1, 2]], columns=["a", "a"]),
    "df range step": pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(10, 14, 2)),
    "df date index": pd.DataFrame({"a": [1, 2]}, index=pd.date_range("2020", periods=2)),
    "df date columns": pd.DataFrame([[1, 2]], columns=pd.date_range("2020", periods=2, freq="h")),
    "df list cells": pd.DataFrame({"tokens": [["a", "b"], ["c", "d"]]}),
    "series": pd.Series([1.0, 2.0], name="s"),
    "series text": pd.Series(["a", "b"], index=["x", "y"]),
    "series categorical": pd.Series(pd.Categorical([1, 2, 1])),
    "series tuple name": pd.Series([1], name=("a", "b")),
    "series datetime": pd.Series(pd.to_datetime(["2020-01-01"])),
    "series tz": pd.Series(pd.to_datetime(["2020-01-01", "NaT"]).tz_localize(PARIS)),
    "series fixed offset": pd.Series(
        pd.to_datetime(["2020-01-01"]).tz_localize(datetime.timezone(datetime.timedelta(hours=1)))
    ),
    "series named range index": pd.Series([1], index=pd.RangeIndex(1, name="i")),
    "timestamp": pd.Timestamp("2020-01-01 12:00"),
    "timestamp tz": pd.Timestamp("2020-07-01", tz=PARIS),
    "timestamp ns": pd.Timestamp("2020-01-01 00:00:00.000000001"),
    "date": datetime.date(2020, 1, 2),
    "datetime": datetime.datetime(2020, 1, 2, 3, 4, 5, 6),
    "datetime utc": datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC),
    "timedelta": datetime.timedelta(days=10**6, microseconds=1),
    "pandas timedelta": pd.Timedelta("1ns"),
    "nat": pd.NaT,
    "na": pd.NA,
    "numpy datetime64": np.datetime64("2020-01-01"),
    "numpy timedelta64": np.timedelta64(5, "s"),
    "index": pd.Index([1, 2], name="n"),
    "text index": pd.Index(["a", "b"]),
    "range index": pd.RangeIndex(5),
    "multiindex": pd.MultiIndex.from_tuples([(1, "a")]),
    "categorical": pd.Categorical(["a", "b"]),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_a_value_comes_back_as_it_was(name: str) -> None:
    value = VALUES[name]
    if name == "object array of lists":
        value[:] = [[1, 2], [3, 4]]
    if name == "categorical":  # rebuilt as the same categorical
        found = round_trip(value)
        assert isinstance(found, pd.Categorical)
        pd.testing.assert_extension_array_equal(found, value)
        return
    if name in ("nat", "na"):
        assert round_trip(value) is value
        return
    same(round_trip(value), value)


def test_numpy_scalars_come_back_as_their_python_value() -> None:
    # a documented limit: equal, not the same type
    for scalar, plain in [
        (np.int64(3), 3),
        (np.float32(1.5), 1.5),
        (np.bool_(True), True),
        (np.str_("a"), "a"),
    ]:
        found = round_trip(scalar)
        assert found == plain and type(found) is type(plain)


def test_complex_and_bytes_arrays_are_unsupported_not_mangled() -> None:
    for value in (np.array([1 + 2j]), np.array([b"a"]), np.complex128(1j)):
        found = round_trip(value)
        assert isinstance(found, Unsupported), found


def test_a_tz_name_survives_across_daylight_saving() -> None:
    series = pd.Series(pd.date_range("2020-03-28", periods=3, freq="D", tz=PARIS))
    found = round_trip(series)
    assert str(found.dt.tz) == "Europe/Paris"
    assert (found.dt.hour == 0).all()


def test_a_large_range_index_is_too_large_not_built() -> None:
    from labkit.checks import CheckFailed

    with pytest.raises(CheckFailed, match="value the grader can read"):
        round_trip(pd.RangeIndex(0, 10**12))


# -- sending ----------------------------------------------------------------------------------
def test_to_wire_sends_plain_arguments() -> None:
    assert to_wire([1, np.int64(2), np.float32(0.5), None, "a"]) == [1, 2, 0.5, None, "a"]
    assert to_wire((1, 2)) == {"$": "tuple", "items": [1, 2]}
    assert to_wire(Name("data")) == {"$": "name", "name": "data"}
    with pytest.raises(TypeError, match="string keys"):
        to_wire({1: 2})
    with pytest.raises(TypeError, match="cannot send"):
        to_wire(object())
    with pytest.raises(ValueError, match="not a Python name"):
        Name("a b")


# -- reading a crafted reply ------------------------------------------------------------------
class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class LyingFloat(float):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = float.__hash__

    def __float__(self) -> float:
        return 1.0


class LyingInt(int):
    def __index__(self) -> int:
        return 0


class LyingStr(str):
    def __str__(self) -> str:
        return "pwned"


class PretendsToBeFloat:
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return float


class MyArray(np.ndarray):
    pass


class MyFrame(pd.DataFrame):
    pass


class SneakyDict(dict[str, Any]):
    def get(self, key: str, default: Any = None) -> Any:
        return "ndarray"


FAKES: list[Any] = [
    AlwaysEqual(),
    LyingFloat(2.0),
    LyingInt(3),
    LyingStr("a"),
    PretendsToBeFloat(),
    np.zeros(2).view(MyArray),
    MyFrame({"a": [1]}),
    np.float64(1.0),
    SneakyDict(),
    (1, 2),
]


@pytest.mark.parametrize("fake", FAKES, ids=lambda f: type(f).__name__)
def test_an_object_that_is_not_json_is_refused_wherever_it_hides(fake: Any) -> None:
    for wrapped in (
        fake,
        [1, fake],
        {"a": {"b": fake}},
        {"$": "ndarray", "dtype": "float64", "shape": [1], "data": [fake]},
        {"$": "ndarray", "dtype": "object", "shape": [1], "data": [fake]},
        {"$": "Timestamp", "iso": fake},
        {"$": "RangeIndex", "start": 0, "stop": fake, "step": 1},
    ):
        with pytest.raises(NotPlain):
            from_wire(wrapped)


def test_a_key_that_is_not_text_is_refused() -> None:
    for key in (1, LyingStr("a"), None, (1,)):
        with pytest.raises(NotPlain, match="key that is not text"):
            from_wire({key: 1})


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"$": "ndarray", "dtype": "object", "shape": [1], "data": [value]}
    return value


CRAFTED: dict[str, Any] = {
    "shape does not match": {"$": "ndarray", "dtype": "int64", "shape": [3], "data": [1]},
    "huge shape": {"$": "ndarray", "dtype": "int64", "shape": [10**12], "data": []},
    "huge zero shape": {"$": "ndarray", "dtype": "int64", "shape": [2**70, 0], "data": []},
    "negative size": {"$": "ndarray", "dtype": "int64", "shape": [-1], "data": [1]},
    "boolean size": {"$": "ndarray", "dtype": "int64", "shape": [True], "data": [1]},
    "too many dimensions": {"$": "ndarray", "dtype": "int64", "shape": [1] * 100, "data": [1]},
    "data not a list": {"$": "ndarray", "dtype": "int64", "shape": [1], "data": 5},
    "shape not a list": {"$": "ndarray", "dtype": "int64", "shape": 1, "data": [1]},
    "text in numbers": {"$": "ndarray", "dtype": "int64", "shape": [1], "data": ["1"]},
    "overflow": {"$": "ndarray", "dtype": "int8", "shape": [1], "data": [10**30]},
    "nan in int": {"$": "ndarray", "dtype": "int64", "shape": [1], "data": [math.nan]},
    "unknown dtype": {"$": "ndarray", "dtype": "V8", "shape": [1], "data": [1]},
    "dtype not text": {"$": "ndarray", "dtype": 5, "shape": [1], "data": [1]},
    "object nested 10000 deep": deep(10_000),
    "object nested 60 deep": deep(60),
    "wide text dtype": {"$": "ndarray", "dtype": "<U999999999", "shape": [2], "data": ["a", ""]},
    "text longer than dtype": {"$": "ndarray", "dtype": "<U1", "shape": [1], "data": ["ab"]},
    "number in text array": {"$": "ndarray", "dtype": "<U1", "shape": [1], "data": [1]},
    "range step 0": {"$": "RangeIndex", "start": 0, "stop": 10, "step": 0},
    "range 10**15": {"$": "RangeIndex", "start": 0, "stop": 10**15, "step": 1},
    "range beyond int64": {"$": "RangeIndex", "start": 2**70, "stop": 2**70 + 1, "step": 1},
    "range of floats": {"$": "RangeIndex", "start": 0.0, "stop": math.inf, "step": 1},
    "multiindex lengths": {
        "$": "MultiIndex",
        "levels": [[1, 2], [1]],
        "names": [None, None],
    },
    "multiindex names": {"$": "MultiIndex", "levels": [[1]], "names": []},
    "multiindex scalar level": {"$": "MultiIndex", "levels": [5], "names": [None]},
    "multiindex no levels": {"$": "MultiIndex", "levels": [], "names": []},
    "index of a number": {"$": "Index", "data": 5, "names": []},
    "index names not list": {"$": "Index", "data": [1], "names": 5},
    "bad timestamp": {"$": "Timestamp", "iso": "not a date"},
    "timestamp out of range": {"$": "Timestamp", "iso": "99999-01-01"},
    "timestamp bad unit": {"$": "Timestamp", "iso": "2020-01-01", "unit": "fortnight"},
    "timestamp bad zone": {"$": "Timestamp", "iso": "2020-01-01T00:00+00:00", "tz": "Mars/Olympus"},
    "timestamp zone path": {"$": "Timestamp", "iso": "2020-01-01T00:00+00:00", "tz": "/etc/passwd"},
    "bad datetime": {"$": "datetime", "iso": "2020-13-45"},
    "bad date": {"$": "date", "iso": 20200101},
    "timedelta overflow": {"$": "timedelta", "seconds": 1e300},
    "timedelta nan": {"$": "timedelta", "seconds": math.nan},
    "timedelta text": {"$": "timedelta", "days": "1"},
    "datetime64 bad unit": {"$": "datetime64", "unit": "eon", "shape": [1], "data": [1]},
    "datetime64 text": {"$": "datetime64", "unit": "s", "shape": [1], "data": ["2020"]},
    "datetime64 overflow": {"$": "datetime64", "unit": "s", "shape": [1], "data": [2**64]},
    "datetime64 bad zone": {
        "$": "datetime64",
        "unit": "ns",
        "shape": [1],
        "data": [0],
        "tz": {"offset": 10**9},
    },
    "datetime64 zone on 2-d": {
        "$": "datetime64",
        "unit": "ns",
        "shape": [1, 1],
        "data": [0],
        "tz": "UTC",
    },
    "scalar with shape": {
        "$": "timedelta64",
        "unit": "s",
        "shape": [1],
        "data": [0],
        "scalar": True,
    },
    "pandas timedelta out of range": {"$": "Timedelta", "unit": "Y", "shape": [], "data": [10**6]},
    "categorical bad codes": {
        "$": "Categorical",
        "categories": ["a"],
        "codes": {"$": "ndarray", "dtype": "int64", "shape": [1], "data": [5]},
    },
    "categorical float codes": {
        "$": "Categorical",
        "categories": ["a"],
        "codes": {"$": "ndarray", "dtype": "float64", "shape": [1], "data": [0]},
    },
    "categorical duplicate categories": {
        "$": "Categorical",
        "categories": ["a", "a"],
        "codes": {"$": "ndarray", "dtype": "int8", "shape": [1], "data": [0]},
    },
    "frame columns and data": {"$": "DataFrame", "columns": ["a"], "data": []},
    "frame ragged": {"$": "DataFrame", "columns": ["a", "b"], "data": [[1], [1, 2]]},
    "frame column not a list": {"$": "DataFrame", "columns": ["a"], "data": [5]},
    "frame dtypes not a list": {"$": "DataFrame", "columns": ["a"], "data": [[1]], "dtypes": 5},
    "frame bad cast": {"$": "DataFrame", "columns": ["a"], "data": [[1.5]], "dtypes": ["Int64"]},
    "frame unhashable label": {
        "$": "DataFrame",
        "columns": [{"$": "tuple", "items": [[1]]}],
        "data": [[1]],
    },
    "frame ragged tuple labels": {
        "$": "DataFrame",
        "columns": [{"$": "tuple", "items": [1]}, {"$": "tuple", "items": list(range(1000))}],
        "data": [[], []],
    },
    "frame index length": {
        "$": "DataFrame",
        "columns": ["a"],
        "data": [[1]],
        "index": {"$": "RangeIndex", "start": 0, "stop": 5, "step": 1},
    },
    "frame 100000 columns": {"$": "DataFrame", "columns": list(range(10**5)), "data": [[]] * 10**5},
    "series of a number": {"$": "Series", "data": 5, "name": None},
    "series index length": {
        "$": "Series",
        "data": [1, 2],
        "index": {"$": "Index", "data": [1], "names": [None]},
    },
    "series label a list": {"$": "Series", "data": [1], "name": [1]},
    "set of lists": {"$": "set", "items": [[1]]},
    "dict of list keys": {"$": "dict", "items": [[[1], 2]]},
    "dict item not a pair": {"$": "dict", "items": [[1, 2, 3]]},
    "colliding set": {"$": "set", "items": [k * (2**61 - 1) for k in range(20_000)]},
    "colliding dict": {"$": "dict", "items": [[k * (2**61 - 1), 0] for k in range(20_000)]},
    "unknown tag": {"$": "eval", "code": "1"},
    "tag not text": {"$": 5},
    "unsupported type not text": {"$": "unsupported", "type": 5},
    "index freq nonsense": {
        "$": "Index",
        "data": {"$": "datetime64", "unit": "ns", "shape": [2], "data": [0, 5]},
        "names": [None],
        "freq": "D",
    },
}


@contextlib.contextmanager
def cheap(seconds: float = 1.0) -> Iterator[None]:
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < seconds


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_reply_is_refused_quickly_and_in_little_memory(name: str) -> None:
    with cheap(), pytest.raises(NotPlain):
        from_wire(CRAFTED[name])
    tracemalloc.start()  # apart from the timing: tracing slows Python down several times
    try:
        with pytest.raises(NotPlain):
            from_wire(CRAFTED[name])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20


def test_the_markers_of_the_kernel_come_back_as_placeholders() -> None:
    assert isinstance(from_wire({"$": "missing"}), Missing)
    assert (
        repr(from_wire({"$": "unsupported", "type": "x" * 1000}))
        == f"<an object of type {'x' * 200}>"
    )
    assert from_wire({"$": "unreadable", "error": "E" * 1000}).why == "E" * 300
    assert from_wire({"$": "too-large"}).why == "too large to hand to the grader"
    assert from_wire({"$": "unreadable", "error": ["not", "text"]}).why.startswith("too large")
    assert isinstance(from_wire({"$": "too-large"}), Unreadable)


def test_a_range_index_at_the_limit_is_lazy() -> None:
    with cheap():
        index = from_wire({"$": "RangeIndex", "start": 0, "stop": 50_000_000, "step": 1})
    assert isinstance(index, pd.RangeIndex) and len(index) == 50_000_000


def test_an_honest_set_with_a_few_collisions_is_read() -> None:
    assert from_wire({"$": "set", "items": [-1, -2, 0, 0.0]}) == {-1, -2, 0}
