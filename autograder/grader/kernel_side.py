"""The kernel's half of the grading boundary. Its TEXT is sent to the student's kernel.

The grader never imports this module to run it: `autograder.grader.link` reads this file's
source, appends one call, and executes that in the student's kernel, so that the kernel needs no
grader code on its path (the sandbox gives it none). Everything here is self-contained: it
imports only the standard library, and numpy/pandas when the notebook already imported them.

Nothing here is trusted. A notebook can change what this code sends (patch json, hook IPython):
the most it gains is to hand the grader plain data of its choosing, which is what its own answer
variables could hold anyway. The grader checks that data against its own reference; no object
from the kernel, and so no code of the student's, ever runs in the grader.

Plain data on the wire (JSON): None, bool, int, float (NaN and infinities allowed), str, lists,
dicts with string keys, and tagged objects {"$": kind, ...}: tuple, dict (any keys, as items),
set, frozenset, ndarray (dtype, shape, flat data: numbers, or text, or encoded objects),
datetime64 and timedelta64 (unit, shape, integer counts in that unit, None for NaT; a time zone
for a tz-aware pandas column), Categorical (categories, codes, ordered), DataFrame, Series,
Index, RangeIndex, MultiIndex, Timestamp, Timedelta, NaT, NA, date, datetime, timedelta, and
`unsupported` (only a type's name travels).

Deliberate limits: numpy scalars travel as the Python value they hold (np.float32(1.5) comes
back as 1.5: equal, not the same type); a datetime's zoneinfo zone travels as its UTC offset
(an aware datetime compares by instant, so equality holds); complex, bytes and structured
arrays, and objects of any other type, are `unsupported`.
"""

from __future__ import annotations

from typing import Any

MIME = "application/vnd.autograder.plain+json"
NUMERIC_KINDS = "biuf"


class TooLarge(Exception):
    pass


def encode(value: Any, budget: list[int], depth: int = 0) -> Any:
    """Plain data for `value`; `budget` (a one-item list) is the number of items still allowed."""
    import datetime
    import sys

    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge
    if depth > 40:
        return {"$": "unsupported", "type": "a value nested more than 40 levels deep"}
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if issubclass(kind, bool):
        return bool(value)
    if issubclass(kind, int):  # a subclass travels as its plain value, never as itself
        return int.__index__(value)
    if issubclass(kind, float):
        return float.__float__(value)
    if issubclass(kind, str):
        return str.__str__(value)
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        encoded = [encode(v, budget, depth + 1) for v in items]
        if kind is list:
            return encoded
        return {"$": kind.__name__, "items": encoded}
    if issubclass(kind, dict):
        # OrderedDict, defaultdict, Counter: their stored items, read with dict's own method
        # (never an override), travel as a plain dictionary.
        stored = list(dict.items(value))
        if all(type(k) is str for k, _ in stored):
            return {k: encode(v, budget, depth + 1) for k, v in stored}
        pairs = [[encode(k, budget, depth + 1), encode(v, budget, depth + 1)] for k, v in stored]
        return {"$": "dict", "items": pairs}
    if kind is not list and issubclass(kind, list):  # a list subclass: its stored items
        return [encode(v, budget, depth + 1) for v in list.__iter__(value)]
    if kind in (datetime.datetime, datetime.date):
        return {"$": kind.__name__, "iso": value.isoformat()}
    if kind is datetime.timedelta:  # whole parts: total_seconds() loses microseconds
        return {"$": "timedelta", "days": value.days, "seconds": value.seconds, "us": value.microseconds}  # fmt: skip
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            if value.dtype.kind in NUMERIC_KINDS or value.dtype.kind in "US":
                return value.item()
            if value.dtype.kind in "Mm":
                return {**_array(np.asarray(value), budget, depth, np), "scalar": True}
        if kind is np.ndarray:
            return _array(value, budget, depth, np)
    pd = sys.modules.get("pandas")
    if pd is not None:
        if kind is pd.DataFrame:
            return {
                "$": "DataFrame",
                "columns": encode(value.columns, budget, depth + 1),
                "data": [
                    _values(value.iloc[:, i], budget, depth, np, pd) for i in range(value.shape[1])
                ],
                "index": encode(value.index, budget, depth + 1),
                "dtypes": [str(t) for t in value.dtypes],
            }
        if kind is pd.Series:
            return {
                "$": "Series",
                "name": encode(value.name, budget, depth + 1),
                "data": _values(value, budget, depth, np, pd),
                "index": encode(value.index, budget, depth + 1),
                "dtype": str(value.dtype),
            }
        if isinstance(value, pd.Index) and type(value).__module__.startswith("pandas"):
            names = [encode(n, budget, depth + 1) for n in value.names]
            if isinstance(value, pd.RangeIndex):
                budget[0] -= len(value)  # it is short to send, not to use
                if budget[0] < 0:
                    raise TooLarge
                return {"$": "RangeIndex", "start": value.start, "stop": value.stop, "step": value.step, "names": names}  # fmt: skip
            if isinstance(value, pd.MultiIndex):
                levels = [
                    _values(value.get_level_values(i), budget, depth, np, pd)
                    for i in range(value.nlevels)
                ]
                return {"$": "MultiIndex", "levels": levels, "names": names}
            index: dict[str, Any] = {"$": "Index", "data": _values(value, budget, depth, np, pd), "names": names, "dtype": str(value.dtype)}  # fmt: skip
            freq = getattr(value, "freqstr", None)
            if isinstance(freq, str):
                index["freq"] = freq
            return index
        if kind is pd.Categorical:
            return _values(pd.Series(value), budget, depth, np, pd)
        if kind is pd.Timestamp:
            return {"$": "Timestamp", "iso": value.isoformat(), "unit": value.unit, "tz": _zone(value.tz)}  # fmt: skip
        if kind is pd.Timedelta and np is not None:
            return {**_array(np.asarray(value.to_timedelta64()), budget, depth, np), "$": "Timedelta"}  # fmt: skip
        if value is pd.NaT:
            return {"$": "NaT"}
        if value is pd.NA:
            return {"$": "NA"}
    return {"$": "unsupported", "type": f"{kind.__module__}.{kind.__qualname__}"}


def _zone(tz: Any) -> Any:
    """A time zone as its name (Europe/Paris), else as its fixed offset in seconds."""
    if tz is None:
        return None
    name = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if isinstance(name, str):
        return name
    offset = tz.utcoffset(None)
    return None if offset is None else {"offset": offset.total_seconds()}


def _values(value: Any, budget: list[int], depth: int, np: Any, pd: Any) -> Any:
    """The values of a Series or an Index (a table's column, a level), with their dtype kept."""
    dtype = value.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(value.array.codes)
        return {
            "$": "Categorical",
            "categories": _values(dtype.categories, budget, depth, np, pd),
            "codes": _array(codes, budget, depth, np),
            "ordered": bool(dtype.ordered),
        }
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = pd.DatetimeIndex(value).tz_convert(None).to_numpy()
        return {**_array(utc, budget, depth, np), "tz": _zone(dtype.tz)}
    return _array(value.to_numpy(), budget, depth, np)


def _array(value: Any, budget: list[int], depth: int, np: Any) -> Any:
    kind = value.dtype.kind
    shape = list(value.shape)
    if kind in NUMERIC_KINDS + "Mm":
        budget[0] -= int(value.size)
        if budget[0] < 0:
            raise TooLarge
    if kind in NUMERIC_KINDS:
        return {"$": "ndarray", "dtype": str(value.dtype), "shape": shape, "data": value.ravel().tolist()}  # fmt: skip
    if kind in "Mm":  # integer counts in the array's own unit: exact, and NaT as None
        unit, count = np.datetime_data(value.dtype)
        counts = value.ravel().view("int64")
        nat = np.isnat(value.ravel())
        data = [
            None if missing else int(n)
            for n, missing in zip(counts.tolist(), nat.tolist(), strict=True)
        ]
        tag = "datetime64" if kind == "M" else "timedelta64"
        return {"$": tag, "unit": unit if count == 1 else f"{count}{unit}", "shape": shape, "data": data}  # fmt: skip
    if kind == "U":
        items = [encode(v, budget, depth + 1) for v in value.ravel().tolist()]
        return {"$": "ndarray", "dtype": str(value.dtype), "shape": shape, "data": items}
    if kind != "O":  # complex, bytes, structured: not plain
        return {"$": "unsupported", "type": f"numpy.ndarray of {value.dtype}"}
    items = [encode(v, budget, depth + 1) for v in value.ravel().tolist()]
    return {"$": "ndarray", "dtype": "object", "shape": shape, "data": items}


def decode(value: Any, space: dict[str, Any]) -> Any:
    """Arguments from the grader: plain JSON, with ndarray/DataFrame/Series/tuple tags rebuilt."""
    import sys

    if isinstance(value, list):
        return [decode(v, space) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("$")
    if tag is None:
        return {k: decode(v, space) for k, v in value.items()}
    if tag == "tuple":
        return tuple(decode(v, space) for v in value["items"])
    if tag == "name":  # a value the notebook itself defined, passed by name
        return space[value["name"]]
    np = sys.modules.get("numpy") or __import__("numpy")
    if tag == "ndarray":
        return np.array(value["data"], dtype=value["dtype"]).reshape(value["shape"])
    pd = sys.modules.get("pandas") or __import__("pandas")
    if tag == "DataFrame":
        columns = [decode(c, space) for c in value["columns"]]
        frame = pd.DataFrame({i: decode(d, space) for i, d in enumerate(value["data"])})
        frame.columns = columns
        if value.get("index") is not None:  # the grader's index, out-of-order ones included
            frame.index = decode(value["index"], space)
        return frame
    if tag == "Series":
        series = pd.Series(decode(value["data"], space), name=decode(value["name"], space))
        if value.get("index") is not None:
            series.index = decode(value["index"], space)
        return series
    if tag == "Timestamp":
        return pd.Timestamp(value["iso"])
    raise ValueError(f"unknown tag {tag!r}")


def answer(request: dict[str, Any], space: dict[str, Any]) -> dict[str, Any]:
    """Serve one request of the grader: look names up, or call a function with plain arguments."""
    import contextlib
    import io
    import warnings

    budget = [int(request.get("budget", 2_000_000))]
    op = request["op"]
    if op == "values":
        found: dict[str, Any] = {}
        for name in request["names"]:
            if name not in space:
                found[name] = {"$": "missing"}
                continue
            try:
                found[name] = encode(space[name], budget)
            except TooLarge:
                found[name] = {"$": "too-large"}
            except Exception as error:  # a value whose conversion fails is the notebook's own
                found[name] = {"$": "unreadable", "error": f"{type(error).__name__}: {error}"[:300]}
        return {"values": found}
    if op != "call":
        raise ValueError(f"unknown request {op!r}")
    function: Any = space.get(request["name"])
    if function is None and request["name"] not in space:
        return {"missing": True}
    results = []
    for call in request["calls"]:
        caught: list[str] = []
        printed = io.StringIO()
        try:
            args = decode(call["args"], space)
            kwargs = decode(call["kwargs"], space)
            with warnings.catch_warnings(record=True) as seen, contextlib.redirect_stdout(printed):
                warnings.simplefilter("always")
                try:
                    value = function(*args, **kwargs)
                finally:  # the warnings before an error are advice too
                    caught = [f"{w.category.__name__}: {w.message}"[:300] for w in seen][:20]
            result = {"value": encode(value, budget), "warnings": caught}
            if request.get("return_arguments"):  # what the function left in its arguments
                result["arguments"] = [encode(a, budget) for a in args]
            results.append(result)
        except TooLarge:
            results.append({"value": {"$": "too-large"}, "warnings": caught})
        except Exception as error:
            names = [c.__name__ for c in type(error).__mro__]
            results.append({"raised": names, "message": str(error)[:500], "warnings": caught})
    return {"results": results}


def serve(request_text: str, nonce: str, space: dict[str, Any]) -> None:
    """Answer the grader's request about the notebook's namespace `space`, as one display."""
    import json

    from IPython.display import display

    try:
        reply = answer(json.loads(request_text), space)
    except Exception as error:
        reply = {"failed": f"{type(error).__name__}: {error}"[:500]}
    reply["nonce"] = nonce
    display({MIME: json.dumps(reply, allow_nan=True)}, raw=True)  # type: ignore[no-untyped-call]
