"""The incident data generator: byte-for-byte regeneration, faults as designed, nothing leaked.

Counts are compared with their design rates within 5 binomial standard deviations: the seeds are
fixed, so this documents the tolerance and never flakes.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autograder.incident_truth import load_generator
from labkit import incidents
from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator
from labkit.sim.faults import SCENARIOS, misrouted, parse_fault, unit_hash

FOLDER = Path(__file__).resolve().parents[2] / "datasets" / "incidents"
SONNET, HAIKU, OPUS = "sim-sonnet-4-6", "sim-haiku-4-5", "sim-opus-4-7"


def within(observed, expected, n):
    return abs(observed - expected) <= 5 * (expected * (1 - expected) / n) ** 0.5 + 1e-9


def ts(text):
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture(scope="module")
def gen():
    return load_generator()


@pytest.fixture(scope="module")
def sep(gen):
    sim = gen.simulate("sep2025")
    requests = sim.tables["requests"].assign(when=pd.to_datetime(sim.seconds, unit="s", utc=True))
    return sim, requests.join(sim.hidden)


@pytest.fixture(scope="module")
def apr(gen):
    sim = gen.simulate("apr2026")
    requests = sim.tables["requests"].assign(when=pd.to_datetime(sim.seconds, unit="s", utc=True))
    return sim, requests.join(sim.hidden)


# -- reproducibility and size -----------------------------------------------------------------
def test_committed_files_match_a_fresh_regeneration_byte_for_byte(gen):
    for scenario in gen.scenarios():
        assert gen.differences(scenario) == [], "run: python datasets/incidents/generate.py"


def test_a_fresh_process_with_other_hash_seeds_writes_the_same_bytes():
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [sys.executable, str(FOLDER / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_data_stays_small():
    files = [p for p in FOLDER.rglob("*") if p.is_file() and "cache" not in str(p)]
    assert sum(p.stat().st_size for p in files) <= 20e6
    assert sum(p.stat().st_size for p in FOLDER.glob("*/*.csv.gz")) <= 10e6


def test_generate_returns_exactly_what_students_load(gen):
    for scenario in gen.scenarios():
        tables = gen.generate(scenario)
        for table in incidents.TABLES:
            pd.testing.assert_frame_equal(tables[table], incidents.load(table, scenario))


# -- fault decisions come from labkit.sim.faults -------------------------------------------------
def test_vectorised_fault_windows_agree_with_fault_active(gen):
    from incidentgen import common

    rng = np.random.default_rng(0)
    for faults in SCENARIOS.values():
        lo = min(common.epoch(f.start) for f in faults) - 86_400
        hi = max(common.epoch(f.end) for f in faults) + 86_400
        seconds = rng.integers(lo, hi, 3000)
        models = rng.choice([SONNET, HAIKU, OPUS], 3000)
        pools = rng.choice(["gpu", "tpu", "trainium", "long-context"], 3000)
        platforms = rng.choice(["api", "bedrock", "vertex"], 3000)
        for fault in faults:
            mask = common.active_mask(fault, seconds, models, pools, platforms)
            moments = [datetime.fromtimestamp(int(t), UTC) for t in seconds]
            expected = [
                fault.active(when, str(m), str(p), str(q))
                for when, m, p, q in zip(moments, models, pools, platforms, strict=True)
            ]
            assert mask.tolist() == expected, fault
            rates = common.rate_at(fault, seconds)
            assert np.allclose(rates, [fault.rate_at(when) for when in moments]), fault


def test_pool_bound_faults_leave_the_simulator_unchanged():
    fault = parse_fault("output_corruption:rate=0.02,pools=tpu|gpu")
    assert fault.pools == ("tpu", "gpu")
    when = datetime(2025, 8, 26, tzinfo=UTC)
    assert fault.active(when, SONNET, "tpu") and not fault.active(when, SONNET, "trainium")
    assert fault.active(when, SONNET)  # the simulator passes no pool: the fault applies


def test_misrouting_is_the_simulators_decision_for_every_request(sep):
    sim, rows = sep
    faults = SCENARIOS["sep2025"]
    sonnet = rows[rows["model"] == SONNET]
    decided = np.array(
        [
            misrouted(faults, sim.seed, user, when.to_pydatetime(), SONNET, platform)
            for user, when, platform in zip(
                sonnet["user"], sonnet["when"], sonnet["platform"], strict=True
            )
        ]
    )
    # A request above the standard window is served by the long-context pool on purpose.
    needs_long = (sonnet["input_tokens"] > 200_000).to_numpy()
    assert sonnet["affected_misrouting"].tolist() == (decided & ~needs_long).tolist()
    assert (sonnet["pool"] == "long-context").tolist() == (decided | needs_long).tolist()
    assert not (rows[rows["model"] != SONNET]["pool"] == "long-context").any()


def test_the_long_context_pool_also_serves_requests_that_need_it(sep):
    _, rows = sep
    pool = rows[rows["pool"] == "long-context"]
    legitimate = pool[~pool["affected_misrouting"]]
    assert len(legitimate) > 300 and (legitimate["input_tokens"] > 200_000).all()
    assert legitimate["when"].min() >= ts("2025-08-12T16:00")
    assert (pool.loc[pool["affected_misrouting"], "input_tokens"] <= 200_000).all()


def test_the_simulator_sends_the_same_users_to_the_long_context_pool(sep):
    sim, rows = sep
    app = SimApp(Simulator(seed=sim.seed, faults="sep2025"))
    # The simulator serves the first-party API: compare its rows, in the worst week and during
    # the rollout of the fix.
    first_party = rows[(rows["model"] == SONNET) & (rows["platform"] == "api")]
    first_party = first_party[first_party["input_tokens"] <= 200_000]
    samples = []
    for lo, hi in (("2025-08-29", "2025-09-04"), ("2025-09-08", "2025-09-14")):
        part = first_party[(first_party["when"] >= ts(lo)) & (first_party["when"] < ts(hi))]
        samples += [part[part["affected_misrouting"]].head(6), part.head(6)]
    for row in pd.concat(samples).itertuples():
        body = {
            "model": SONNET,
            "max_tokens": 1,
            "messages": [{"role": "user", "content": "hi"}],
            "metadata": {"user_id": row.user},
        }
        headers = {
            "x-api-key": "k",
            "anthropic-version": "2026-10-21",
            "labkit-time": row.when.isoformat(),
        }
        response = app.handle("POST", "/v1/messages", headers, json.dumps(body).encode())
        assert (response.headers["labkit-pool"] == "long-context") == row.affected_misrouting


def test_the_routing_fix_rolls_out_per_platform_as_the_change_log_says(sep):
    sim, rows = sep
    changes = sim.tables["changes"]
    done = {
        platform: pd.Timestamp(int(changes.loc[changes["description"].str.contains(text), "time"].iloc[0]), unit="s", tz="UTC")
        for platform, text in (("api", "complete on the first-party"), ("bedrock", "complete on Bedrock"))
    }  # fmt: skip
    assert done["api"].date().isoformat() == "2025-09-16"
    assert done["bedrock"].date().isoformat() == "2025-09-18"
    hit = rows[rows["affected_misrouting"]]
    for platform, end in (
        ("api", done["api"]),
        ("vertex", done["api"]),
        ("bedrock", done["bedrock"]),
    ):
        last = hit.loc[hit["platform"] == platform, "when"].max()
        assert ts("2025-09-10") < last < end, (platform, last)
    # during the rollout the misrouted share falls: each later week has fewer misrouted requests
    sonnet = rows[rows["model"] == SONNET]
    weeks = [(ts("2025-09-04") + pd.Timedelta(days=4 * i)) for i in range(4)]
    shares = [
        sonnet.loc[(sonnet["when"] >= a) & (sonnet["when"] < b), "affected_misrouting"].mean()
        for a, b in itertools.pairwise(weeks)
    ]
    assert shares == sorted(shares, reverse=True) and shares[-1] < shares[0] / 3


# -- the sep2025 scenario as designed -------------------------------------------------------------
def test_routing_is_sticky_and_the_balancer_change_only_adds_users(sep):
    _, rows = sep
    sonnet = rows[(rows["model"] == SONNET) & (rows["input_tokens"] <= 200_000)]
    first = sonnet[(sonnet["when"] >= ts("2025-08-05")) & (sonnet["when"] < ts("2025-08-29"))]
    worse = sonnet[(sonnet["when"] >= ts("2025-08-29")) & (sonnet["when"] < ts("2025-09-04"))]
    for phase in (first, worse):  # within a phase a user is always or never misrouted
        assert (phase.groupby("user")["affected_misrouting"].nunique() == 1).all()
    early = set(first[first["affected_misrouting"]]["user"])
    late = set(worse[worse["affected_misrouting"]]["user"])
    assert early & set(worse["user"]) <= late
    users_late = worse.groupby("user")["affected_misrouting"].first()
    assert within(users_late.mean(), 0.16, len(users_late))
    users_early = first.groupby("user")["affected_misrouting"].first()
    assert within(users_early.mean(), 0.008, len(users_early))
    assert worse["affected_misrouting"].mean() > 5 * first["affected_misrouting"].mean()


def test_output_corruption_hits_tpu_at_its_rate_and_never_bedrock(sep):
    _, rows = sep
    window = (rows["when"] >= ts("2025-08-25")) & (rows["when"] < ts("2025-09-02"))
    tpu = rows["pool"] == "tpu"
    corrupted = rows["affected_output_corruption"]
    assert not corrupted[~(window & tpu)].any()
    assert within(corrupted[window & tpu].mean(), 0.02, int((window & tpu).sum()))
    assert not corrupted[rows["platform"] == "bedrock"].any()
    script = rows["unexpected_script"]
    assert script[window & tpu].mean() > 5 * script[~window].mean()
    by_platform = rows[window].groupby("platform")["affected_output_corruption"].mean()
    assert by_platform["vertex"] > by_platform["api"] > by_platform["bedrock"] == 0


def test_approximate_top_k_drops_tokens_at_its_per_token_rate(sep):
    _, rows = sep
    exposed = (rows["model"] == HAIKU) & (rows["pool"] == "tpu")
    exposed &= (rows["when"] >= ts("2025-08-25")) & (rows["when"] < ts("2025-09-12"))
    assert rows.loc[~exposed, "topk_drops"].sum() == 0
    tokens = int(rows.loc[exposed, "output_tokens"].sum())
    assert within(rows.loc[exposed, "topk_drops"].sum() / tokens, 0.03, tokens)


def test_onsets_and_ends_are_the_fault_windows(gen):
    for scenario in gen.scenarios():
        sim = gen.simulate(scenario)
        when = pd.to_datetime(sim.seconds, unit="s", utc=True)
        for regression in gen.ground_truth(scenario)["regressions"]:
            faults = [f for f in sim.faults if f.kind == regression["name"]]
            assert regression["onset"] == min(pd.Timestamp(f.start) for f in faults)
            assert regression["end"] == max(pd.Timestamp(f.end) for f in faults)
            hit = when[sim.hidden[f"affected_{regression['name']}"].to_numpy()]
            assert regression["onset"] <= hit.min() < regression["onset"] + pd.Timedelta(days=1)
            assert hit.max() < regression["end"]


def test_several_clean_weeks_come_before_the_first_onset(gen):
    for scenario in gen.scenarios():
        sim, truth = gen.simulate(scenario), gen.ground_truth(scenario)
        assert truth["pre_incident_end"] - truth["start"] >= pd.Timedelta(weeks=4)
        before = sim.seconds < truth["pre_incident_end"].timestamp()
        flags = sim.hidden.filter(like="affected_").to_numpy()
        assert before.sum() > 20_000 and not flags[before].any()


def test_the_aggregate_eval_barely_moves(gen):
    for scenario in gen.scenarios():
        power = gen.ground_truth(scenario)["eval_power"]
        for name, seen in power["by_regression"].items():
            assert abs(seen["observed_drop"]) < 0.01, (scenario, name, seen)
            assert abs(seen["z"]) < 3, (scenario, name, seen)


def test_the_eval_harness_is_never_misrouted(sep):
    from incidentgen import sep2025

    assert unit_hash("route", sep2025.SEED, sep2025.EVAL_ACCOUNT) > 0.16


# -- the apr2026 scenario as designed -------------------------------------------------------------
def test_lowered_effort_hits_default_sessions_started_in_its_window(apr):
    _, rows = apr
    starts = rows[rows["turn"] == 1]
    inside = (starts["when"] >= ts("2026-03-04")) & (starts["when"] < ts("2026-04-07"))
    assert (starts.loc[inside, "effort"] == "medium").mean() > 0.8
    assert (starts.loc[~inside, "effort"] == "medium").mean() < 0.05
    assert (rows.loc[rows["affected_low_default_effort"], "effort"] == "medium").all()


def test_idle_resumes_are_the_simulators_idle_sessions_at_its_rate(apr):
    sim, rows = apr
    resumed = rows.groupby("session_id")["idle_before_min"].max() > 60
    hashed = pd.Series(
        [unit_hash("idle", sim.seed, s) < 0.25 for s in resumed.index], index=resumed.index
    )
    cut_off = rows.groupby("session_id")["when"].min() > ts("2026-04-25")  # resume may be cut
    assert (resumed[~cut_off] == hashed[~cut_off]).all()
    assert within(hashed.mean(), 0.25, len(hashed))


def test_dropped_thinking_is_every_turn_after_a_resume_while_the_change_is_live(apr):
    _, rows = apr
    live = (ts("2026-03-26"), ts("2026-04-10"))
    resume = rows["idle_before_min"] > 60
    resumed_at = rows["when"].where(resume).groupby(rows["session_id"]).ffill()
    expected = resumed_at.notna() & ~resume & (resumed_at >= live[0]) & (resumed_at < live[1])
    expected &= (rows["when"] >= live[0]) & (rows["when"] < live[1])
    assert expected.tolist() == rows["affected_thinking_dropped"].tolist()
    hit = rows[rows["affected_thinking_dropped"]]
    assert hit["cache_miss"].all() and (hit["cache_read_tokens"] == 0).all()
    same_effort = rows[~rows["affected_thinking_dropped"] & rows["effort"].isin(hit["effort"])]
    assert hit["thinking_tokens"].median() < 0.8 * same_effort["thinking_tokens"].median()
    assert hit["repeated_tool_call"].mean() > 3 * same_effort["repeated_tool_call"].mean()


def test_brevity_hits_only_the_new_model_in_its_window(apr):
    _, rows = apr
    window = (rows["when"] >= ts("2026-04-16")) & (rows["when"] < ts("2026-04-20"))
    assert rows["affected_brevity_prompt"].tolist() == (window & (rows["model"] == OPUS)).tolist()
    assert rows.loc[rows["model"] == OPUS, "when"].min() >= ts("2026-04-15T22:00")
    opus = rows[rows["model"] == OPUS]
    brief = opus["affected_brevity_prompt"]
    assert (
        opus.loc[brief, "output_tokens"].median() < 0.5 * opus.loc[~brief, "output_tokens"].median()
    )


# -- what students get --------------------------------------------------------------------------
def test_feedback_lags_and_is_often_vague(gen, sep):
    from incidentgen.phrases import VAGUE

    sim, rows = sep
    feedback = sim.tables["feedback"]
    about = rows.iloc[sim.feedback_rows].reset_index(drop=True)
    assert (feedback["time"].to_numpy() >= about["time"].to_numpy()).all()
    on_bugs = about.filter(like="affected_").any(axis=1).to_numpy()
    unclear = feedback["text"].isin(("", *VAGUE)).to_numpy()
    assert 0.3 < unclear[on_bugs].mean() < 0.9
    first = gen.ground_truth("sep2025")["key_events"]
    onset = next(e["time"] for e in first if e["event_id"] == "output_corruption_onset")
    report = next(e["time"] for e in first if e["event_id"] == "first_report_output_corruption")
    assert onset < report < onset + pd.Timedelta(days=4)


def test_shipped_files_hold_only_the_contract_columns():
    leaky = re.compile(r"affect|truth|fault|misrout|corrupt|drop|hidden|_row", re.IGNORECASE)
    for path in sorted(FOLDER.glob("*/*.csv.gz")):
        header = gzip.decompress(path.read_bytes()).split(b"\n", 1)[0].decode().split(",")
        expected = list(incidents.COLUMNS[path.name.split(".")[0]])
        if path.parent.name == "apr2026" and path.name.startswith("requests"):
            expected += ["session_id", "turn", "client_version", "idle_before_min"]
            expected += ["thinking_tokens", "cache_read_tokens", "cache_miss", "repeated_tool_call"]
        assert header == expected, path
        assert not [column for column in header if leaky.search(column)], path


# Capitalised words the texts may use; anything else must be looked at (a personal name?).
ALLOWED_CAPITALS = frozenset([
    "API", "Added", "All", "Feedback", "Jul", "Host", "Long", "Lots", "Scheduler", "Sign", "Suspect",
    "Thumbs", "Timeouts", "An", "Apr", "Asking", "Aug", "Bedrock", "Cache", "Cannot", "Chinese",
    "Closing", "Complaint", "Could", "Daily", "Dashboards", "Declaring", "Default", "Different",
    "EU", "English", "Exact", "Expected", "February", "Fix", "Found", "HTTP", "Incident", "July",
    "Keeping", "Latency", "Length", "Let", "Looking", "Looks", "Mar", "Median", "Most", "Moving",
    "No", "Normal", "Nothing", "One", "Overall", "Post", "Probably", "Proposing", "Reproduced",
    "Resolving", "Rollout", "Routing", "SDK", "SQL", "Some", "Something", "Sonnet", "TPU",
    "Thai", "The", "UI", "UTC", "Unexpected", "Usage", "Vertex", "Watching", "We", "Weekend",
    "Weekly", "Will", "Within",
])  # fmt: skip


def test_texts_name_roles_never_people():
    for scenario in incidents.scenarios():
        chat, changes = incidents.load("oncall", scenario), incidents.load("changes", scenario)
        roles = set(chat["role"]) | set(changes["author_role"])
        assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", role) for role in roles), roles
        texts = [
            *chat["message"],
            *changes["description"],
            *incidents.load("feedback", scenario)["text"],
        ]
        capitals = {w for text in texts for w in re.findall(r"\b[A-Z][A-Za-z]+\b", text)}
        assert capitals <= ALLOWED_CAPITALS, capitals - ALLOWED_CAPITALS


def test_the_chat_quotes_numbers_that_are_true_of_the_data():
    chat = incidents.load("oncall", "sep2025")
    message = chat[chat["message"].str.startswith("Unexpected-script flags")].iloc[0]
    on_tpu, elsewhere = map(int, re.findall(r"(\d+) on", message["message"]))
    requests = incidents.load("requests", "sep2025")
    since = requests[(requests["time"] >= ts("2025-08-25")) & (requests["time"] < message["time"])]
    flagged = since[since["unexpected_script"]]
    assert (on_tpu, elsewhere) == (
        (flagged["pool"] == "tpu").sum(),
        (flagged["pool"] != "tpu").sum(),
    )
