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
set, ndarray (dtype, shape, flat data), datetime64 arrays as ISO text, DataFrame, Series,
Index, Timestamp, Timedelta, date, datetime, and `unsupported` (only a type's name travels).
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
        return {"$": "tuple" if kind is tuple else "set", "items": encoded}
    if kind is dict:
        if all(type(k) is str for k in value):
            return {k: encode(v, budget, depth + 1) for k, v in value.items()}
        pairs = [
            [encode(k, budget, depth + 1), encode(v, budget, depth + 1)] for k, v in value.items()
        ]
        return {"$": "dict", "items": pairs}
    if kind in (datetime.datetime, datetime.date):
        return {"$": kind.__name__, "iso": value.isoformat()}
    if kind is datetime.timedelta:
        return {"$": "timedelta", "seconds": value.total_seconds()}
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            if value.dtype.kind in NUMERIC_KINDS or value.dtype.kind in "US":
                return value.item()
            if value.dtype.kind == "M":
                return {"$": "datetime64", "iso": str(value)}
        if kind is np.ndarray:
            return _array(value, budget, depth, np)
    pd = sys.modules.get("pandas")
    if pd is not None:
        if kind is pd.DataFrame:
            columns = [encode(c, budget, depth + 1) for c in value.columns]
            data = [
                _array(value.iloc[:, i].to_numpy(), budget, depth, np)
                for i in range(value.shape[1])
            ]
            index = encode(value.index, budget, depth + 1)
            dtypes = [str(t) for t in value.dtypes]
            return {
                "$": "DataFrame",
                "columns": columns,
                "data": data,
                "index": index,
                "dtypes": dtypes,
            }
        if kind is pd.Series:
            return {
                "$": "Series",
                "name": encode(value.name, budget, depth + 1),
                "data": _array(value.to_numpy(), budget, depth, np),
                "index": encode(value.index, budget, depth + 1),
                "dtype": str(value.dtype),
            }
        if isinstance(value, pd.Index) and type(value).__module__.startswith("pandas"):
            if isinstance(value, pd.RangeIndex):
                return {
                    "$": "RangeIndex",
                    "start": value.start,
                    "stop": value.stop,
                    "step": value.step,
                }
            names = [encode(n, budget, depth + 1) for n in value.names]
            if isinstance(value, pd.MultiIndex):
                levels = [
                    _array(value.get_level_values(i).to_numpy(), budget, depth, np)
                    for i in range(value.nlevels)
                ]
                return {"$": "MultiIndex", "levels": levels, "names": names}
            return {
                "$": "Index",
                "data": _array(value.to_numpy(), budget, depth, np),
                "names": names,
            }
        if kind is pd.Timestamp:
            return {"$": "Timestamp", "iso": value.isoformat()}
        if kind is pd.Timedelta:
            return {"$": "timedelta", "seconds": value.total_seconds()}
        if value is pd.NaT:
            return {"$": "NaT"}
    return {"$": "unsupported", "type": f"{kind.__module__}.{kind.__qualname__}"}


def _array(value: Any, budget: list[int], depth: int, np: Any) -> Any:
    kind = value.dtype.kind
    if kind in NUMERIC_KINDS:
        budget[0] -= int(value.size)
        if budget[0] < 0:
            raise TooLarge
        return {
            "$": "ndarray",
            "dtype": str(value.dtype),
            "shape": list(value.shape),
            "data": value.ravel().tolist(),
        }
    if kind == "M":
        budget[0] -= int(value.size)
        if budget[0] < 0:
            raise TooLarge
        text = np.datetime_as_string(value.ravel(), unit="ns").tolist()
        return {"$": "datetime64", "shape": list(value.shape), "data": text}
    if kind == "m":
        seconds = (value.astype("timedelta64[ns]").astype("int64") / 1e9).ravel().tolist()
        return {"$": "timedelta64", "shape": list(value.shape), "data": seconds}
    items = [encode(v, budget, depth + 1) for v in value.ravel().tolist()]
    return {"$": "ndarray", "dtype": "object", "shape": list(value.shape), "data": items}


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
        return frame
    if tag == "Series":
        return pd.Series(decode(value["data"], space), name=decode(value["name"], space))
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
                value = function(*args, **kwargs)
            caught = [f"{w.category.__name__}: {w.message}"[:300] for w in seen]
            results.append({"value": encode(value, budget), "warnings": caught})
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
