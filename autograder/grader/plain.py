"""The grader's half of the plain-data boundary: what it sends, and how it reads what comes back.

Reading is strict: only the shapes listed in autograder.grader.kernel_side can come back, every
array is rebuilt by numpy from numbers (or strings) with a dtype from a short allowlist and a
shape that matches its data, and anything else is refused with a message that becomes the
student's feedback. The result is made of Python, numpy and pandas values built here, so nothing
the student wrote runs when a hidden test compares or converts it.

The reply is untrusted: before anything is built, the whole value must be made of exact JSON
types (a `float` subclass or a dict with other keys is refused, whoever handed it over), and
every size that costs the grader more than the reply's own length is bounded: no RangeIndex
over 50 million rows, no table over 10,000 columns, no text array wider than 64 MB, no set or
dictionary whose keys were crafted to collide in one hash bucket. What a legitimate kernel
cannot send (see autograder.grader.kernel_side for the wire format and its deliberate limits)
is refused with NotPlain, never built.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

import numpy as np
import pandas as pd

NUMERIC_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64",
}  # fmt: skip
# pandas dtypes a column's data cannot carry by themselves (nullable, text, object)
PANDAS_DTYPES = {
    "object", "str", "string", "boolean", "Int8", "Int16", "Int32", "Int64",
    "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64",
}  # fmt: skip
UNIT = re.compile(r"([1-9][0-9]{0,2})?(Y|M|W|D|h|m|s|ms|us|ns)|generic")
TEXT_DTYPE = re.compile(r"[<>|=]?U([0-9]{1,9})")
PANDAS_UNITS = {"s", "ms", "us", "ns"}
JSON_DEPTH = 200  # containers inside one another in the reply
TAG_DEPTH = 50  # values inside one another once read
MAX_NDIM = 32
MAX_ROWS = 50_000_000  # a RangeIndex is short to send, not to use
MAX_COLUMNS = 10_000
MAX_LEVELS = 32
MAX_TEXT_BYTES = 64 * 2**20
SAME_HASH = 64  # more keys than this in one hash bucket is a crafted reply, not data
INT64 = 2**63
NAT = -(2**63)
SCALARS = {bool, int, float, str}
NUMBERS = {bool, int, float, type(None)}


class NotPlain(ValueError):
    """What came back is not plain data (or not of a shape the grader reads)."""


class Missing:
    """A name the notebook does not define (the kernel said so)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name!r} is not defined>"


class Unsupported:
    """A value the kernel could not turn into plain data: only its type's name crossed."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<an object of type {self.type_name}>"


class Unreadable:
    """A value whose conversion to plain data raised in the kernel, or was too large."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<unreadable: {self.why}>"


class Name:
    """An argument that names a value of the notebook's own (it never leaves the kernel)."""

    def __init__(self, name: str) -> None:
        if not name.isidentifier():
            raise ValueError(f"not a Python name: {name!r}")
        self.name = name


# -- sending --------------------------------------------------------------------------------
def to_wire(value: Any) -> Any:
    """Plain JSON for an argument the grader passes to a student's function."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, Name):
        return {"$": "name", "name": value.name}
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "items": [to_wire(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("arguments: dictionaries need string keys")
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"arguments: arrays of {value.dtype} are not sent")
        shape = list(value.shape)
        return {"$": "ndarray", "dtype": str(value.dtype), "shape": shape, "data": value.ravel().tolist()}  # fmt: skip
    if isinstance(value, pd.DataFrame):
        columns = [to_wire(c) for c in value.columns]
        data = [to_wire_column(value.iloc[:, i]) for i in range(value.shape[1])]
        index = index_to_wire(value.index)
        return {"$": "DataFrame", "columns": columns, "data": data, "index": index}
    if isinstance(value, pd.Series):
        data, name, index = to_wire_column(value), to_wire(value.name), index_to_wire(value.index)
        return {"$": "Series", "data": data, "name": name, "index": index}
    if isinstance(value, pd.Timestamp):
        return {"$": "Timestamp", "iso": value.isoformat()}
    raise TypeError(f"arguments: cannot send a {type(value).__name__}")


def index_to_wire(index: pd.Index) -> Any:
    """None for a default RangeIndex (the kernel builds the same), else the labels as a list."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return None
    return [to_wire(v) for v in index.tolist()]


def to_wire_column(column: pd.Series) -> Any:
    if column.dtype.kind in "biuf":
        return to_wire(column.to_numpy())
    return [to_wire(v) for v in column.tolist()]


# -- reading --------------------------------------------------------------------------------
def from_wire(value: Any) -> Any:
    """The grader's own rebuilding of a reply's value (parsed JSON), or NotPlain."""
    return _read(value, 0)


def _read(value: Any, depth: int) -> Any:
    # Exact types throughout (a subclass could override what the grader calls); whole lists are
    # checked at C speed (set(map(type, ...))), as a reply can hold millions of numbers.
    if depth > TAG_DEPTH:
        raise NotPlain("nested too deeply")
    kind = type(value)
    if value is None or kind in SCALARS:
        return value
    if kind is list:
        if set(map(type, value)) <= SCALARS:
            return list(value)
        return [_read(v, depth + 1) for v in value]
    if kind is not dict:
        raise NotPlain(f"a {kind.__name__[:40]}, which JSON does not carry")
    if not set(map(type, value)) <= {str}:
        raise NotPlain("a record with a key that is not text")
    tag = value.get("$")
    if tag is None:
        return {k: _read(v, depth + 1) for k, v in value.items()}
    if type(tag) is not str:
        raise NotPlain("a tag that is not text")
    if tag == "tuple":
        return tuple(_read(v, depth + 1) for v in _list(value, "items"))
    if tag in ("set", "frozenset"):
        items = [_read(v, depth + 1) for v in _list(value, "items")]
        _distinct(items, "a set")
        return set(items) if tag == "set" else frozenset(items)
    if tag == "dict":
        pairs = [_pair(p, depth) for p in _list(value, "items")]
        _distinct([k for k, _ in pairs], "a dictionary")
        return dict(pairs)
    if tag == "ndarray":
        return _ndarray(value, depth)
    if tag in ("datetime64", "timedelta64"):
        return _moments(value, tag)
    if tag == "Timedelta":
        moment = _moments({**value, "scalar": True}, "timedelta64")
        return _guard(pd.Timedelta, moment, "a timedelta")
    if tag == "Categorical":
        return _categorical(value, depth)
    if tag == "DataFrame":
        return _frame(value, depth)
    if tag == "Series":
        data = _column(_read(value.get("data"), depth + 1))
        index = _index(value.get("index"), depth, len(data))
        name = _label(value.get("name"), depth)
        series = _guard(lambda: pd.Series(data, index=index, name=name), None, "a series")
        return _as_dtype(series, value.get("dtype"))
    if tag in ("Index", "RangeIndex", "MultiIndex"):
        return _index(value, depth, None)
    if tag == "Timestamp":
        return _timestamp(value)
    if tag == "datetime":
        return _guard(datetime.datetime.fromisoformat, _text(value, "iso"), "a date")
    if tag == "date":
        return _guard(datetime.date.fromisoformat, _text(value, "iso"), "a date")
    if tag == "timedelta":
        days, seconds, us = (value.get(k, 0) for k in ("days", "seconds", "us"))
        for part in (days, seconds, us):
            _number(part)
        return _guard(lambda: datetime.timedelta(days, seconds, us), None, "a timedelta")
    if tag == "NaT":
        return pd.NaT
    if tag == "NA":
        return pd.NA
    if tag == "missing":
        return Missing("?")
    if tag == "unsupported":
        return Unsupported(_text(value, "type")[:200])
    if tag in ("too-large", "unreadable"):
        why = value.get("error")
        return Unreadable(why[:300] if type(why) is str else "too large to hand to the grader")
    raise NotPlain(f"an unknown tag {tag[:40]!r}")


def _guard(make: Any, argument: Any, what: str) -> Any:
    """`make(argument)` (or `make()`), with the library's refusal of bad input as NotPlain."""
    try:
        return make() if argument is None else make(argument)
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, OSError) as error:
        # KeyError: zoneinfo's unknown zone; OSError: a zone file that cannot be read
        raise NotPlain(f"{what} that cannot be rebuilt ({type(error).__name__})") from error


def _list(value: dict[str, Any], key: str) -> list[Any]:
    items = value.get(key)
    if type(items) is not list:
        raise NotPlain(f"{key} is not a list")
    return items


def _text(value: dict[str, Any], key: str) -> str:
    text = value.get(key)
    if type(text) is not str:
        raise NotPlain(f"{key} is not text")
    return text


def _number(value: Any) -> float:
    if type(value) not in (int, float):
        raise NotPlain("not a number")
    return float(value)


def _integer(value: Any) -> int:
    if type(value) is not int or not -INT64 <= value < INT64:
        raise NotPlain("not a 64-bit integer")
    return value


def _distinct(items: list[Any], what: str) -> None:
    buckets: dict[int, int] = {}
    for item in items:
        try:
            bucket = hash(item)
        except TypeError as error:
            raise NotPlain(f"{what} with an item that cannot be a key") from error
        buckets[bucket] = buckets.get(bucket, 0) + 1
    if buckets and max(buckets.values()) > SAME_HASH:
        raise NotPlain(f"{what} whose keys were chosen to collide")


def _pair(pair: Any, depth: int) -> tuple[Any, Any]:
    if type(pair) is not list or len(pair) != 2:
        raise NotPlain("a dictionary item that is not a pair")
    return _read(pair[0], depth + 1), _read(pair[1], depth + 1)


def _numbers(value: dict[str, Any]) -> list[Any]:
    data = _list(value, "data")
    if not set(map(type, data)) <= NUMBERS:
        raise NotPlain("an array with an item that is not a number")
    return data


def _shape(value: dict[str, Any], size: int) -> list[int]:
    shape = _list(value, "shape")
    if len(shape) > MAX_NDIM or not all(type(n) is int and 0 <= n < INT64 for n in shape):
        raise NotPlain("an array shape that is not a list of sizes")
    if math.prod(shape) != size:
        raise NotPlain("an array whose shape does not match its data")
    return shape


def _shaped(array: np.ndarray, value: dict[str, Any]) -> np.ndarray:
    shape = _shape(value, array.size)
    return _guard(array.reshape, tuple(shape), "an array")  # type: ignore[no-any-return]


def _ndarray(value: dict[str, Any], depth: int) -> np.ndarray:
    dtype = _text(value, "dtype")
    if dtype in NUMERIC_DTYPES:
        numbers = _numbers(value)
        _shape(value, len(numbers))
        array = _guard(lambda: np.array(numbers, dtype=dtype), None, f"an array of {dtype}")
        return _shaped(array, value)
    text = TEXT_DTYPE.fullmatch(dtype)
    if text:
        items = _list(value, "data")
        width = int(text.group(1))
        if not set(map(type, items)) <= {str} or max(map(len, items), default=0) > width:
            raise NotPlain(f"an array of {dtype[:20]} with an item that is not such text")
        if len(items) * max(width, 1) * 4 > MAX_TEXT_BYTES:
            raise NotPlain("an array of text too large to grade")
        _shape(value, len(items))
        return _shaped(np.array(items, dtype=f"<U{max(width, 1)}" if items else f"<U{width or 1}"), value)  # fmt: skip
    if dtype == "object":
        items = [_read(v, depth + 1) for v in _list(value, "data")]
        _shape(value, len(items))
        return _shaped(np.fromiter(items, dtype=object, count=len(items)), value)
    raise NotPlain(f"an array of dtype {dtype[:30]!r}")


def _moments(value: dict[str, Any], tag: str) -> Any:
    """datetime64 / timedelta64 counts in their unit (None for NaT), tz-aware when a zone came."""
    unit = _text(value, "unit")
    if not UNIT.fullmatch(unit):
        raise NotPlain(f"a {tag} unit {unit[:20]!r}")
    data = _list(value, "data")
    if not set(map(type, data)) <= {int, type(None)}:
        raise NotPlain(f"a {tag} with a count that is not an integer")
    counts = [NAT if n is None else n for n in data]
    shape = _shape(value, len(counts))
    code = "M8" if tag == "datetime64" else "m8"
    array = _guard(lambda: np.array(counts, dtype="int64"), None, f"a {tag}").view(
        f"{code}[{unit}]" if unit != "generic" else code
    )
    array = array.reshape(shape)
    if value.get("scalar") is True:
        if shape:
            raise NotPlain(f"a {tag} scalar with a shape")
        return array[()]
    if value.get("tz") is None:
        return array
    zone = _zone(value.get("tz"))
    if tag != "datetime64" or array.ndim != 1 or unit not in PANDAS_UNITS:
        raise NotPlain("a time zone on values that cannot have one")
    return _guard(lambda: pd.DatetimeIndex(array).tz_localize("UTC").tz_convert(zone).array, None, "a time zone")  # fmt: skip


def _zone(tz: Any) -> Any:
    if type(tz) is str and 0 < len(tz) <= 64 and ".." not in tz:
        return tz
    if type(tz) is dict and set(tz) == {"offset"}:
        offset = _number(tz["offset"])
        if abs(offset) < 86_400:
            return datetime.timezone(datetime.timedelta(seconds=offset))
    raise NotPlain("a time zone that is neither a name nor an offset")


def _timestamp(value: dict[str, Any]) -> Any:
    moment = _guard(pd.Timestamp, _text(value, "iso"), "a date")
    unit, tz = value.get("unit"), value.get("tz")
    if unit is not None and moment is not pd.NaT:
        if unit not in PANDAS_UNITS:
            raise NotPlain("a timestamp unit that pandas does not have")
        moment = _guard(moment.as_unit, unit, "a timestamp")
    if tz is not None and moment is not pd.NaT:
        if moment.tz is None:
            raise NotPlain("a time zone on a timestamp without an offset")
        moment = _guard(moment.tz_convert, _zone(tz), "a time zone")
    return moment


def _column(data: Any) -> Any:
    """What a column, a level or an index can be built from: one-dimensional values."""
    if isinstance(data, (list, pd.api.extensions.ExtensionArray)):
        return data
    if isinstance(data, np.ndarray) and data.ndim == 1:
        return data
    raise NotPlain("a column that is not a list of values")


def _categorical(value: dict[str, Any], depth: int) -> pd.Categorical:
    categories = _column(_read(value.get("categories"), depth + 1))
    codes = _read(value.get("codes"), depth + 1)
    ordered = value.get("ordered", False)
    if not isinstance(codes, np.ndarray) or codes.dtype.kind not in "iu" or codes.ndim != 1:
        raise NotPlain("categorical codes that are not integers")
    if type(ordered) is not bool:
        raise NotPlain("a categorical whose order is not true or false")
    make = lambda: pd.Categorical.from_codes(codes, categories=categories, ordered=ordered)  # noqa: E731
    return _guard(make, None, "a categorical")  # type: ignore[no-any-return]


def _as_dtype(values: Any, dtype: Any) -> Any:
    if type(dtype) is not str or dtype not in PANDAS_DTYPES or str(values.dtype) == dtype:
        return values
    return _guard(values.astype, dtype, f"values of {dtype}")


def _label(value: Any, depth: int) -> Any:
    label = _read(value, depth + 1)
    plain = (bool, int, float, str, tuple, pd.Timestamp, datetime.date, np.datetime64)
    if not (label is None or isinstance(label, plain)):
        raise NotPlain("a column or index name that is not plain")
    if isinstance(label, tuple) and len(label) > MAX_LEVELS:
        raise NotPlain("a column name with too many levels")
    _distinct([label], "a column name")
    return label


def _index(value: Any, depth: int, length: int | None) -> pd.Index | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise NotPlain("an index that is not tagged")
    tag = value.get("$")
    raw_names = value.get("names") or []
    if type(raw_names) is not list or len(raw_names) > MAX_LEVELS:
        raise NotPlain("index names that are not a short list")
    names = [_label(n, depth) for n in raw_names]
    if tag == "RangeIndex":
        start, stop, step = (_integer(value.get(k)) for k in ("start", "stop", "step"))
        if step == 0 or len(range(start, stop, step)) > MAX_ROWS:
            raise NotPlain("an impossible range index")
        index: pd.Index = pd.RangeIndex(start, stop, step, name=names[0] if names else None)
    elif tag == "Index":
        data = _column(_read(value.get("data"), depth + 1))
        name = names[0] if names else None
        index = _as_dtype(_guard(lambda: pd.Index(data, name=name), None, "an index"), value.get("dtype"))  # fmt: skip
        freq = value.get("freq")
        if freq is not None:  # pandas checks that the dates keep to it
            if type(freq) is not str or len(freq) > 20 or not hasattr(index, "freq"):
                raise NotPlain("an index frequency that is not short text")
            kind: Any = type(index)  # DatetimeIndex or TimedeltaIndex
            index = _guard(lambda: kind(index, freq=freq), None, "an index frequency")
    elif tag == "MultiIndex":
        raw = _list(value, "levels")
        if not raw or len(raw) > MAX_LEVELS:
            raise NotPlain("a multi-index with no levels or too many")
        levels = [_column(_read(level, depth + 1)) for level in raw]
        if len({len(level) for level in levels}) != 1 or len(names) != len(levels):
            raise NotPlain("a multi-index whose levels do not match")
        index = _guard(lambda: pd.MultiIndex.from_arrays(levels, names=names), None, "a multi-index")  # fmt: skip
    else:
        raise NotPlain("an index of an unknown kind")
    if length is not None and len(index) != length:
        raise NotPlain("an index whose length does not match its data")
    return index


def _frame(value: dict[str, Any], depth: int) -> pd.DataFrame:
    raw_columns, raw_data = value.get("columns"), _list(value, "data")
    if len(raw_data) > MAX_COLUMNS:
        raise NotPlain(f"a table with more than {MAX_COLUMNS} columns")
    if type(raw_columns) is list:
        labels = [_label(c, depth) for c in raw_columns]
        tuples = bool(labels) and all(isinstance(c, tuple) for c in labels)
        if tuples and len({len(c) for c in labels}) != 1:
            raise NotPlain("a table whose column names have different numbers of levels")
        make = pd.MultiIndex.from_tuples if tuples else pd.Index
        columns = _guard(make, labels, "column names") if labels else pd.Index([])
    else:
        columns = _index(raw_columns, depth, None)
    data = [_column(_read(d, depth + 1)) for d in raw_data]
    dtypes = value.get("dtypes") or []
    if type(dtypes) is not list or len(columns) != len(data) or (dtypes and len(dtypes) != len(data)):  # fmt: skip
        raise NotPlain("a table whose columns and data do not match")
    lengths = {len(d) for d in data}
    if len(lengths) > 1:
        raise NotPlain("a table whose columns have different lengths")
    index = _index(value.get("index"), depth, lengths.pop() if lengths else None)
    frame = _guard(lambda: pd.DataFrame(dict(enumerate(data)), index=index), None, "a table")
    for i, dtype in enumerate(dtypes):
        frame[i] = _as_dtype(frame[i], dtype)
    frame.columns = columns
    return frame  # type: ignore[no-any-return]
