"""labkit.incidents: the students' loader for the incident telemetry."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from labkit import incidents

REPO_DATA = Path(__file__).resolve().parents[1] / "datasets" / "incidents"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("LABKIT_INCIDENTS_DIR", raising=False)
    monkeypatch.delenv("LABKIT_INCIDENT_SCENARIO", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./data folder


def test_every_table_loads_with_its_columns_and_types():
    for scenario in incidents.scenarios():
        for table in incidents.tables():
            frame = incidents.load(table, scenario)
            assert len(frame) > 0
            assert list(frame.columns)[: len(incidents.COLUMNS[table])] == list(
                incidents.COLUMNS[table]
            )
            if "time" in frame:
                assert str(frame["time"].dt.tz) == "UTC"
                assert frame["time"].is_monotonic_increasing


def test_requests_have_typed_columns():
    requests = incidents.load("requests")
    assert requests["bad"].dtype == bool and requests["unexpected_script"].dtype == bool
    assert requests["latency_ms"].dtype == "int64" and requests["quality"].dtype == "float64"
    assert requests["user"].str.fullmatch(r"[0-9a-f]{12}").all()  # hex ids stay text
    assert requests["request_id"].is_unique
    assert set(requests["platform"]) == {"api", "bedrock", "vertex"}


def test_session_logs_add_turn_columns():
    turns = incidents.load("requests", "apr2026")
    first = turns["turn"] == 1
    assert turns.loc[first, "idle_before_min"].isna().all()
    assert turns.loc[~first, "idle_before_min"].notna().all()
    assert turns["cache_miss"].dtype == bool
    assert turns["client_version"].str.fullmatch(r"2\.1\.\d+").all()


def test_feedback_without_a_comment_is_an_empty_string():
    feedback = incidents.load("feedback")
    assert feedback["text"].notna().all()
    assert (feedback["text"] == "").any()
    assert set(feedback["kind"]) == {"thumbs_down", "bug_report"}


def test_eval_dates_are_dates():
    evals = incidents.load("evals")
    assert pd.api.types.is_datetime64_dtype(evals["date"])
    assert (evals["date"] == evals["date"].dt.normalize()).all()


def test_the_oncall_transcript_names_roles():
    transcript = incidents.load_oncall("sep2025")
    lines = transcript.splitlines()
    assert len(lines) == len(incidents.load("oncall", "sep2025"))
    assert lines[0].startswith("2025-07-") and " UTC  #" in lines[0]
    assert "incident-commander: Declaring an incident" in transcript


def test_a_released_lab_reads_its_data_folder(tmp_path):
    shutil.copytree(REPO_DATA / "apr2026", tmp_path / "data" / "apr2026")
    assert incidents.default_scenario() == "apr2026"  # the only scenario released
    assert incidents.path("changes") == tmp_path / "data" / "apr2026" / "changes.csv.gz"
    assert "session_id" in incidents.load("requests")


def test_environment_variables_choose_folder_and_scenario(monkeypatch, tmp_path):
    folder = tmp_path / "elsewhere"
    shutil.copytree(REPO_DATA / "sep2025", folder / "sep2025")
    monkeypatch.setenv("LABKIT_INCIDENTS_DIR", str(folder))
    assert incidents.path("evals", "sep2025") == folder / "sep2025" / "evals.csv.gz"
    monkeypatch.setenv("LABKIT_INCIDENT_SCENARIO", "apr2026")
    assert incidents.default_scenario() == "apr2026"
    monkeypatch.setenv("LABKIT_INCIDENT_SCENARIO", "jan2024")
    with pytest.raises(incidents.IncidentDataError, match="unknown scenario 'jan2024'"):
        incidents.default_scenario()


def test_a_missing_file_says_where_it_looked(monkeypatch, tmp_path):
    (tmp_path / "data" / "sep2025").mkdir(parents=True)
    monkeypatch.setattr(incidents, "_search_path", lambda: [tmp_path / "data"])
    with pytest.raises(incidents.IncidentDataError) as caught:
        incidents.load("feedback", "sep2025")
    message = str(caught.value)
    assert "no feedback table for scenario 'sep2025'" in message
    assert str(tmp_path / "data" / "sep2025" / "feedback.csv.gz") in message
    assert "LABKIT_INCIDENTS_DIR" in message


def test_unknown_names_are_explained():
    with pytest.raises(incidents.IncidentDataError, match="unknown table 'logs'"):
        incidents.load("logs")
    with pytest.raises(incidents.IncidentDataError, match="unknown scenario 'may2024'"):
        incidents.load("requests", "may2024")


def test_damaged_files_are_named_in_the_error(tmp_path):
    broken = tmp_path / "requests.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(incidents.IncidentDataError, match=r"requests\.csv\.gz: not a readable"):
        incidents.read_table(broken, "requests")
    renamed = tmp_path / "evals.csv.gz"
    renamed.write_bytes(gzip.compress(b"day,suite\n2025-01-01,coding\n"))
    with pytest.raises(incidents.IncidentDataError, match=r"evals\.csv\.gz: columns"):
        incidents.read_table(renamed, "evals")
    bad_value = tmp_path / "oncall.csv.gz"
    bad_value.write_bytes(gzip.compress(b"time,channel,role,message\nyesterday,#x,sre,hi\n"))
    with pytest.raises(incidents.IncidentDataError, match="does not fit its column"):
        incidents.read_table(bad_value, "oncall")
