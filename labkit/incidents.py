"""The incident telemetry of labs 3 and 4: request logs, changes, evals, feedback, on-call chat.

    from labkit import incidents
    requests = incidents.load("requests")          # the default scenario (sep2025)
    print(incidents.load_oncall())                 # the on-call chat as a transcript

The files are `<scenario>/<table>.csv.gz`, made by datasets/incidents/generate.py and described
in datasets/incidents/DATACARD.md. They are looked for, in order, in $LABKIT_INCIDENTS_DIR, in a
`data/` folder in the current directory (where a released lab keeps them next to its notebook)
and in the repository's datasets/incidents. This module only reads: the ground truth is not here.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

SCENARIOS = ("sep2025", "apr2026")
DEFAULT_SCENARIO = "sep2025"
TABLES = ("requests", "changes", "evals", "feedback", "oncall")

# Column kinds: text, int, float, bool, time (ISO UTC), date. Order is the file's column order.
_REQUEST_COLUMNS = {
    "time": "time",
    "request_id": "text",
    "user": "text",
    "model": "text",
    "platform": "text",
    "pool": "text",
    "effort": "text",
    "input_tokens": "int",
    "output_tokens": "int",
    "latency_ms": "int",
    "quality": "float",
    "bad": "bool",
    "unexpected_script": "bool",
}
_SESSION_COLUMNS = {
    "session_id": "text",
    "turn": "int",
    "client_version": "text",
    "idle_before_min": "float",
    "thinking_tokens": "int",
    "cache_read_tokens": "int",
    "cache_miss": "bool",
    "repeated_tool_call": "bool",
}
COLUMNS: dict[str, dict[str, str]] = {
    "requests": _REQUEST_COLUMNS,
    "changes": {
        "time": "time",
        "change_id": "text",
        "component": "text",
        "description": "text",
        "author_role": "text",
        "kind": "text",
    },
    "evals": {
        "date": "date",
        "suite": "text",
        "model": "text",
        "n_items": "int",
        "score": "float",
        "stderr": "float",
    },
    "feedback": {
        "time": "time",
        "user": "text",
        "platform": "text",
        "model": "text",
        "kind": "text",
        "text": "text",
    },
    "oncall": {"time": "time", "channel": "text", "role": "text", "message": "text"},
}
_READ_TYPES = {"text": "str", "int": "int64", "float": "float64", "bool": "bool"}


class IncidentDataError(LookupError):
    """A table is missing or malformed; the message names the file and what to do."""


def scenarios() -> list[str]:
    return list(SCENARIOS)


def tables() -> list[str]:
    return list(TABLES)


def _search_path() -> list[Path]:
    places = []
    if os.environ.get("LABKIT_INCIDENTS_DIR"):
        places.append(Path(os.environ["LABKIT_INCIDENTS_DIR"]).expanduser())
    places.append(Path.cwd() / "data")
    places.append(Path(__file__).resolve().parent.parent / "datasets" / "incidents")
    return places


def default_scenario() -> str:
    """$LABKIT_INCIDENT_SCENARIO; else the only scenario in ./data; else sep2025.

    Instructors switch a term's labs to the other scenario by releasing them with that
    scenario's files only (or by setting the variable on the hub).
    """
    chosen = os.environ.get("LABKIT_INCIDENT_SCENARIO", "").strip()
    if chosen:
        return _checked_scenario(chosen)
    local = Path.cwd() / "data"
    present = [s for s in SCENARIOS if (local / s).is_dir()]
    return present[0] if len(present) == 1 else DEFAULT_SCENARIO


def _checked_scenario(scenario: str) -> str:
    if scenario not in SCENARIOS:
        raise IncidentDataError(
            f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}"
        )
    return scenario


def path(table: str, scenario: str | None = None) -> Path:
    """The file a table is read from (the first place in the search path that has it)."""
    if table not in TABLES:
        raise IncidentDataError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    scenario = _checked_scenario(scenario or default_scenario())
    places = [place / scenario / f"{table}.csv.gz" for place in _search_path()]
    for candidate in places:
        if candidate.is_file():
            return candidate
    searched = "\n  ".join(str(p) for p in places)
    raise IncidentDataError(
        f"no {table} table for scenario {scenario!r}; looked in:\n  {searched}\n"
        "Put the lab's data/ folder next to the notebook, or set LABKIT_INCIDENTS_DIR."
    )


def read_table(source: bytes | Path, table: str) -> pd.DataFrame:
    """Parse one table's gzip CSV (bytes or a file): typed columns, times as UTC timestamps."""
    columns = dict(COLUMNS[table])
    name = str(source) if isinstance(source, Path) else f"<{table} bytes>"
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        header = pd.read_csv(io.BytesIO(data), compression="gzip", nrows=0).columns.tolist()
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise IncidentDataError(f"{name}: not a readable gzip CSV ({exc})") from exc
    if table == "requests" and "session_id" in header:
        columns |= _SESSION_COLUMNS
    if header != list(columns):
        raise IncidentDataError(
            f"{name}: columns {header} are not the {table} table's {list(columns)}; "
            "regenerate it with datasets/incidents/generate.py"
        )
    floats = [c for c, kind in columns.items() if kind == "float"]
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            compression="gzip",
            dtype={c: _READ_TYPES[k] for c, k in columns.items() if k in _READ_TYPES},
            keep_default_na=False,
            na_values={c: [""] for c in floats},
        )
        for column, kind in columns.items():
            if kind == "time":
                frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
            elif kind == "date":
                frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    except (ValueError, TypeError) as exc:
        raise IncidentDataError(f"{name}: a value does not fit its column ({exc})") from exc
    return frame


def load(table: str, scenario: str | None = None) -> pd.DataFrame:
    """One table of a scenario (default: default_scenario()) as a DataFrame.

    `time` columns are tz-aware UTC timestamps; `evals.date` is a date (midnight, no zone).
    """
    return read_table(path(table, scenario), table)


def load_oncall(scenario: str | None = None) -> str:
    """The on-call chat excerpts as a plain transcript, one message a line."""
    chat = load("oncall", scenario)
    return "\n".join(
        f"{row.time:%Y-%m-%d %H:%M} UTC  {row.channel}  {row.role}: {row.message}"
        for row in chat.itertuples(index=False)
    )


def columns_of(frame: pd.DataFrame, names: list[str]) -> dict[str, object]:
    """Some columns of a table in a compact form that is quick to hand to the lab's grader.

    Labs 3 and 4 bind it in their set-up cell; the grader calls it on a student's own table
    (never trusting it: it only shapes data the student could hand over anyway). Times travel as
    UTC datetime64, text as codes into its distinct values, numbers and bools as arrays.
    """
    data: dict[str, object] = {}
    for name in names:
        if name not in frame.columns or not isinstance(frame[name], pd.Series):
            continue
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            naive = column.dt.tz_convert("UTC").dt.tz_localize(None)
            data[name] = {"kind": "utc", "values": naive.to_numpy(dtype="datetime64[ns]")}
        elif column.dtype.kind in "biuf":
            data[name] = column.to_numpy()
        else:
            codes, labels = pd.factorize(column)
            data[name] = {"kind": "codes", "codes": codes, "labels": list(labels)}
    return {
        "rows": len(frame),
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "data": data,
    }
