"""autograder.incident_truth: the graders' ground truth, recomputed and checkable from the data."""

from __future__ import annotations

import sys

import pytest

from autograder import incident_truth
from autograder.incident_truth import IncidentTruth, IncidentTruthError, truth
from labkit import incidents

EVENTS = {
    "sep2025": {
        "misrouting_onset", "first_report_misrouting", "approx_topk_onset",
        "output_corruption_onset", "first_report_approx_topk", "first_report_output_corruption",
        "load_balancer_change", "incident_declared", "output_corruption_rollback",
        "misrouting_worst_hour", "misrouting_fix_deployed", "approx_topk_fix",
        "routing_rollout_complete_first_party_vertex", "postmortem_published",
        "routing_rollout_complete_bedrock",
    },
    "apr2026": {
        "low_default_effort_onset", "first_report_low_default_effort", "thinking_dropped_onset",
        "first_report_thinking_dropped", "public_issue_filed", "incident_declared",
        "low_default_effort_reverted", "thinking_dropped_fix", "new_model_launch",
        "brevity_prompt_onset", "first_report_brevity_prompt", "brevity_prompt_reverted",
        "all_fixes_released", "update_published", "usage_limits_reset",
    },
}  # fmt: skip
REGRESSIONS = {
    "sep2025": ["misrouting", "output_corruption", "approx_topk"],
    "apr2026": ["low_default_effort", "thinking_dropped", "brevity_prompt"],
}


@pytest.mark.parametrize("scenario", ["sep2025", "apr2026"])
def test_truth_has_the_contracts_shape(scenario):
    found = truth(scenario)
    assert isinstance(found, IncidentTruth) and truth(scenario) is found  # cached
    assert [r.name for r in found.regressions] == REGRESSIONS[scenario]
    assert {e.event_id for e in found.key_events} == EVENTS[scenario]
    times = [e.time for e in found.key_events]
    assert times == sorted(times) and all(str(t.tz) == "UTC" for t in times)
    assert found.start < found.pre_incident_end < found.end
    assert found.pre_incident_end == min(r.onset for r in found.regressions)
    for regression in found.regressions:
        assert len(regression.affected_request_ids) == regression.affected_requests > 0
        assert 0 < regression.share_of_requests <= 1 and 0 < regression.users_affected_share <= 1
        report = regression.first_specific_report
        assert report is not None and regression.onset <= report
    assert set(found.eval_power["by_regression"]) == set(REGRESSIONS[scenario])


def test_misrouting_numbers_are_counted_from_what_students_see():
    found = truth("sep2025")
    requests = incidents.load("requests", "sep2025")
    misrouting = found.regression("misrouting")
    # Misrouted: served by the long-context pool without needing it (the pool also serves the
    # requests above the standard 200k window, on purpose).
    requests["misrouted"] = (requests["pool"] == "long-context") & (
        requests["input_tokens"] <= 200_000
    )
    shown = requests["misrouted"]
    assert misrouting.affected_requests == shown.sum()
    assert misrouting.affected_request_ids == frozenset(requests.loc[shown, "request_id"])
    sonnet = requests[requests["model"] == "sim-sonnet-4-6"]
    by_hour = sonnet.groupby(sonnet["time"].dt.floor("h"))["misrouted"]
    shares = by_hour.mean()[by_hour.size() >= 40]
    assert found.impact["peak_hourly_misrouted_share"] == pytest.approx(shares.max())
    assert found.impact["peak_hour"] == shares.idxmax()
    assert found.event("misrouting_worst_hour").time == shares.idxmax()
    window = sonnet[(sonnet["time"] >= misrouting.onset) & (sonnet["time"] < misrouting.end)]
    users = window.groupby("user")["misrouted"].any()
    assert misrouting.users_affected_share == pytest.approx(users.mean())
    assert 0.1 < found.impact["misrouted_share_after_lb_change"] < 0.3


def test_slices_hold_every_affected_request():
    for scenario in REGRESSIONS:
        found = truth(scenario)
        requests = incidents.load("requests", scenario).set_index("request_id")
        for regression in found.regressions:
            hit = requests.loc[sorted(regression.affected_request_ids)]
            for column, value in regression.slice.items():
                assert (hit[column] == value).all(), (regression.name, column)
            assert hit["time"].min() >= regression.onset and hit["time"].max() < regression.end


def test_bugs_make_replies_worse_than_their_slice_was_before():
    for regression in truth("sep2025").regressions:
        assert regression.bad_rate_slice_baseline is not None
        assert regression.bad_rate_affected > regression.bad_rate_slice_baseline
    brevity = truth("apr2026").regression("brevity_prompt")
    assert brevity.bad_rate_slice_baseline is None  # a new model has no before


def test_change_log_records_every_onset_and_fix():
    for scenario in REGRESSIONS:
        found = truth(scenario)
        change_times = set(incidents.load("changes", scenario)["time"])
        for regression in found.regressions:
            assert regression.onset in change_times and regression.end in change_times
        declared = found.event("incident_declared").time
        chat = incidents.load("oncall", scenario)
        assert declared in set(chat["time"])
        assert all(declared < r.end for r in found.regressions)  # declared before every fix


def test_impact_unions_the_regressions():
    found = truth("sep2025")
    union = frozenset().union(*(r.affected_request_ids for r in found.regressions))
    assert found.impact["affected_requests"] == len(union)
    assert found.impact["days_onset_to_fix"] == {"misrouting": 44 + 17 / 24, "output_corruption": 8.0, "approx_topk": 18.0}  # fmt: skip
    apr = truth("apr2026").impact
    assert apr["median_thinking_tokens_lowered"] < 0.5 * apr["median_thinking_tokens_high_before"]


def test_unknown_names_are_explained():
    with pytest.raises(IncidentTruthError, match="unknown incident scenario 'jan2024'"):
        truth("jan2024")
    with pytest.raises(KeyError, match="no regression 'gremlins'"):
        truth("sep2025").regression("gremlins")
    with pytest.raises(KeyError, match="no event 'lunch'"):
        truth("sep2025").event("lunch")


def test_a_missing_generator_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_INCIDENTS_DIR", str(tmp_path))
    monkeypatch.delitem(sys.modules, incident_truth._MODULE_NAME, raising=False)
    with pytest.raises(IncidentTruthError, match="COURSE_INCIDENTS_DIR"):
        incident_truth.load_generator()


def test_session_numbers_are_counted_from_what_students_see():
    found = truth("apr2026")
    turns = incidents.load("requests", "apr2026")
    onset, revert = (
        found.regression("low_default_effort").onset,
        found.event("low_default_effort_reverted").time,
    )
    high_before = turns[(turns["time"] < onset) & (turns["effort"] == "high")]
    medium = turns[
        (turns["time"] >= onset) & (turns["time"] < revert) & (turns["effort"] == "medium")
    ]
    assert (
        found.impact["median_thinking_tokens_high_before"]
        == high_before["thinking_tokens"].median()
    )
    assert found.impact["median_thinking_tokens_lowered"] == medium["thinking_tokens"].median()
    live = found.regression("thinking_dropped")
    window = turns[(turns["time"] >= live.onset) & (turns["time"] < live.end)]
    resumed = (
        window["time"].where(window["idle_before_min"] > 60).groupby(window["session_id"]).ffill()
    )
    after = window[resumed.notna() & ~(window["idle_before_min"] > 60)]
    share = after["session_id"].nunique() / window["session_id"].nunique()
    assert found.impact["sessions_thinking_dropped_share"] == pytest.approx(share)
    assert live.affected_requests == len(after)


def test_the_truth_cache_key_covers_every_file_the_generator_runs():
    """A changed helper module or fault schedule must never be answered from an old cache file
    (the key once hashed generate.py alone, so a retuned scenario kept its old truth)."""
    sources = {p.name for p in incident_truth._generator_sources()}
    assert {"generate.py", "sep2025.py", "apr2026.py", "common.py", "production.py"} <= sources
    assert {"faults.py", "catalog.py", "engine.py"} <= sources
