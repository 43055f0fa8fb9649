"""The grader's half of the plain-data boundary: what it sends, and how it reads what comes back.

Reading is strict: only the shapes listed in autograder.grader.kernel_side can come back, every
array is rebuilt by numpy from numbers (or strings) with a dtype from a short allowlist and a
shape that matches its data, and anything else is refused with a message that becomes the
student's feedback. The result is made of Python, numpy and pandas values built here, so nothing
the student wrote runs when a hidden test compares or converts it.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import numpy as np
import pandas as pd

NUMERIC_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64",
}  # fmt: skip


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
        return {"$": "DataFrame", "columns": columns, "data": data}
    if isinstance(value, pd.Series):
        return {"$": "Series", "data": to_wire_column(value), "name": to_wire(value.name)}
    if isinstance(value, pd.Timestamp):
        return {"$": "Timestamp", "iso": value.isoformat()}
    raise TypeError(f"arguments: cannot send a {type(value).__name__}")


def to_wire_column(column: pd.Series) -> Any:
    if column.dtype.kind in "biuf":
        return to_wire(column.to_numpy())
    return [to_wire(v) for v in column.tolist()]


# -- reading --------------------------------------------------------------------------------
def from_wire(value: Any, depth: int = 0) -> Any:
    if depth > 50:
        raise NotPlain("nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [from_wire(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        raise NotPlain(f"a {type(value).__name__}")
    tag = value.get("$")
    if tag is None:
        return {str(k): from_wire(v, depth + 1) for k, v in value.items()}
    if not isinstance(tag, str):
        raise NotPlain("a tag that is not text")
    if tag == "tuple":
        return tuple(from_wire(v, depth + 1) for v in _list(value, "items"))
    if tag == "set":
        items = [from_wire(v, depth + 1) for v in _list(value, "items")]
        try:
            return set(items)
        except TypeError as error:
            raise NotPlain("a set of unhashable values") from error
    if tag == "dict":
        pairs = [_pair(p, depth) for p in _list(value, "items")]
        try:
            return dict(pairs)
        except TypeError as error:
            raise NotPlain("a dictionary with unhashable keys") from error
    if tag == "ndarray":
        return _ndarray(value, depth)
    if tag == "datetime64":
        if "iso" in value:
            return np.datetime64(_text(value, "iso"))
        return _shaped(np.array(_strings(value), dtype="datetime64[ns]"), value)
    if tag == "timedelta64":
        seconds = np.array(_numbers(value), dtype="float64")
        return _shaped((seconds * 1e9).astype("int64").astype("timedelta64[ns]"), value)
    if tag == "DataFrame":
        return _frame(value, depth)
    if tag == "Series":
        data = from_wire(value.get("data"), depth + 1)
        index = _index(value.get("index"), depth, len(data))
        return pd.Series(data, index=index, name=_label(value.get("name"), depth))
    if tag in ("Index", "RangeIndex", "MultiIndex"):
        return _index(value, depth, None)
    if tag == "Timestamp":
        return _parse(pd.Timestamp, _text(value, "iso"))
    if tag == "datetime":
        return _parse(datetime.datetime.fromisoformat, _text(value, "iso"))
    if tag == "date":
        return _parse(datetime.date.fromisoformat, _text(value, "iso"))
    if tag == "timedelta":
        return datetime.timedelta(seconds=_number(value.get("seconds")))
    if tag == "NaT":
        return pd.NaT
    if tag == "missing":
        return Missing("?")
    if tag == "unsupported":
        return Unsupported(_text(value, "type")[:200])
    if tag in ("too-large", "unreadable"):
        return Unreadable(str(value.get("error", "too large to hand to the grader"))[:300])
    raise NotPlain(f"an unknown tag {tag[:40]!r}")


def _list(value: dict[str, Any], key: str) -> list[Any]:
    items = value.get(key)
    if not isinstance(items, list):
        raise NotPlain(f"{key} is not a list")
    return items


def _text(value: dict[str, Any], key: str) -> str:
    text = value.get(key)
    if not isinstance(text, str):
        raise NotPlain(f"{key} is not text")
    return text


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NotPlain("not a number")
    return float(value)


def _parse(parser: Any, text: str) -> Any:
    try:
        return parser(text)
    except (TypeError, ValueError) as error:
        raise NotPlain(f"an unreadable date {text[:40]!r}") from error


def _pair(pair: Any, depth: int) -> tuple[Any, Any]:
    if not isinstance(pair, list) or len(pair) != 2:
        raise NotPlain("a dictionary item that is not a pair")
    return from_wire(pair[0], depth + 1), from_wire(pair[1], depth + 1)


def _numbers(value: dict[str, Any]) -> list[Any]:
    data = _list(value, "data")
    for item in data:
        if isinstance(item, (list, dict, str)) or (item is not None and not isinstance(item, (int, float))):  # fmt: skip
            raise NotPlain("an array with an item that is not a number")
    return data


def _strings(value: dict[str, Any]) -> list[str]:
    data = _list(value, "data")
    if not all(isinstance(item, str) for item in data):
        raise NotPlain("an array of dates with an item that is not text")
    return data


def _shaped(array: np.ndarray, value: dict[str, Any]) -> np.ndarray:
    shape = _list(value, "shape")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise NotPlain("an array shape that is not a list of sizes")
    if math.prod(shape) != array.size:
        raise NotPlain("an array whose shape does not match its data")
    return array.reshape(shape)


def _ndarray(value: dict[str, Any], depth: int) -> np.ndarray:
    dtype = _text(value, "dtype")
    if dtype in NUMERIC_DTYPES:
        try:
            array = np.array(_numbers(value), dtype=dtype)
        except (TypeError, ValueError, OverflowError) as error:
            raise NotPlain(f"an array whose data do not fit {dtype}") from error
        return _shaped(array, value)
    if dtype.startswith(("<U", ">U", "|S", "<S", "|U")) or dtype == "object":
        items = [from_wire(v, depth + 1) for v in _list(value, "data")]
        array = np.empty(len(items), dtype=object)
        array[:] = items
        if dtype != "object" and all(isinstance(i, str) for i in items):
            return _shaped(array.astype(str), value)
        return _shaped(array, value)
    raise NotPlain(f"an array of dtype {dtype[:30]!r}")


def _label(value: Any, depth: int) -> Any:
    label = from_wire(value, depth + 1)
    if not (label is None or isinstance(label, (bool, int, float, str, tuple))):
        raise NotPlain("a column or index name that is not plain")
    return label


def _index(value: Any, depth: int, length: int | None) -> pd.Index | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise NotPlain("an index that is not tagged")
    tag = value.get("$")
    if tag == "RangeIndex":
        start, stop, step = (int(_number(value.get(k))) for k in ("start", "stop", "step"))
        if step == 0 or abs((stop - start) // step) > 50_000_000:
            raise NotPlain("an impossible range index")
        index: pd.Index = pd.RangeIndex(start, stop, step)
    elif tag == "Index":
        names = [_label(n, depth) for n in _list(value, "names")]
        index = pd.Index(from_wire(value.get("data"), depth + 1), name=names[0] if names else None)
    elif tag == "MultiIndex":
        levels = [from_wire(level, depth + 1) for level in _list(value, "levels")]
        names = [_label(n, depth) for n in _list(value, "names")]
        if not levels or len({len(level) for level in levels}) != 1 or len(names) != len(levels):
            raise NotPlain("a multi-index whose levels do not match")
        index = pd.MultiIndex.from_arrays(levels, names=names)
    else:
        raise NotPlain("an index of an unknown kind")
    if length is not None and len(index) != length:
        raise NotPlain("an index whose length does not match its data")
    return index


def _frame(value: dict[str, Any], depth: int) -> pd.DataFrame:
    columns = [_label(c, depth) for c in _list(value, "columns")]
    data = [from_wire(d, depth + 1) for d in _list(value, "data")]
    dtypes = value.get("dtypes") or []
    if len(columns) != len(data) or (dtypes and len(dtypes) != len(data)):
        raise NotPlain("a table whose columns and data do not match")
    lengths = {len(d) for d in data}
    if len(lengths) > 1:
        raise NotPlain("a table whose columns have different lengths")
    rows = lengths.pop() if lengths else 0
    index = _index(value.get("index"), depth, rows)
    frame = pd.DataFrame({i: d for i, d in enumerate(data)}, index=index)
    for i, dtype in enumerate(dtypes):
        if isinstance(dtype, str) and dtype in ("category", "string", "boolean", "Int64", "Float64"):  # fmt: skip
            frame[i] = frame[i].astype(dtype)  # type: ignore[call-overload]
    frame.columns = pd.MultiIndex.from_tuples(columns) if columns and all(isinstance(c, tuple) for c in columns) else columns  # fmt: skip
    return frame
