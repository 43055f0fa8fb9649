"""Scenario `apr2026`: session logs of a fictional agent product through the Mar-Apr 2026 changes.

Mirrors Anthropic's update of 23 Apr 2026 (FACTS.md B): a lowered default effort (turns of
sessions that keep the default), old thinking cleared on every turn after an idle resume (turns after a resume
following more than an hour idle) and a brevity instruction (one model), each on its own slice
and schedule. Schedules and rates are labkit.sim.faults.APR2026; the rest is fictional.

One row per turn (one model request). A session's model is fixed when it starts; like the
simulator, the changes apply by the time of each request.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from incidentgen import common as c
from incidentgen import narrative, production, truth
from incidentgen.phrases import APR2026_FEEDBACK
from labkit.sim.catalog import EFFORT_SKILL, MODELS, THINKING_SKILL
from labkit.sim.engine import BREVITY_SKILL_PENALTY
from labkit.sim.faults import SCENARIOS, Fault, unit_hash

SCENARIO = "apr2026"
SEED = 20260423  # the update's publication date
START, END = c.epoch("2026-02-02"), c.epoch("2026-04-27")
EXPECTED_SESSIONS = 12_000
USERS = 2_500
PLATFORMS = {"api": 0.78, "bedrock": 0.13, "vertex": 0.09}
PRIMARY_MODEL = {"sim-sonnet-4-6": 0.8, "sim-haiku-4-5": 0.2}
NEW_MODEL = "sim-opus-4-7"
EXPLICIT_EFFORT = {"medium": 0.15, "high": 0.45, "xhigh": 0.25, "max": 0.15}
THINKING_MEDIAN = {"low": 80, "medium": 220, "high": 560, "xhigh": 900, "max": 1300}
OUTPUT_MEDIAN = {"low": 120, "medium": 220, "high": 350, "xhigh": 450, "max": 550}
SYSTEM_TOKENS = 14_000  # system prompt and tool definitions
COMPACT_AT = 160_000  # auto-compaction keeps the context below this
IDLE_MINUTES = 60  # a resume after more than this much idle time expires the prompt cache
QUALITY_OFFSET = 0.3
DIFFICULTY_SD = 1.3
FORGET_PENALTY = 0.9  # working without its earlier reasoning costs the model this much (logit)
FORGET_THINKING = 0.6  # ... and it re-plans in shorter bursts of thinking
BREVITY_OUTPUT = 0.35  # the length limits cut output to about a third
# Client releases every 16 hours, numbered so that the thinking fix is 2.1.101 (10 Apr) and the
# release with all fixes is 2.1.116 (20 Apr), the version numbers reported for the real fixes.
RELEASE_ANCHOR, RELEASE_EVERY, ANCHOR_VERSION = c.epoch("2026-04-10"), 16 * c.HOUR, 101
EVAL_SUITES = {"coding-api": (500, 0.4), "agent-harness": (200, -0.2)}
NEW_MODEL_EVALS_FROM = c.epoch("2026-04-06")  # pre-launch evals of the new model
DECLARED = c.epoch("2026-04-03T17:20:00")
PUBLIC_ISSUE = c.epoch("2026-04-02T16:00:00")  # the date reported for the user-side analysis
ALL_FIXES = c.epoch("2026-04-20T06:00:00")  # 2.1.116; the post's date, the time fictional
UPDATE_PUBLISHED = c.epoch("2026-04-23T15:00:00")
USAGE_RESET = c.epoch("2026-04-23T16:00:00")
# Production-like noise and background (production.py); sizes invented, as in sep2025.
NOISE = production.Noise(
    day_sd=0.10, platform_day_sd=0.08, user_sd=0.5, weekend_shift=-0.10, feedback_day_sd=0.3
)
HOLIDAYS = (
    production.Holiday("2026-02-16", "americas", 0.7, "Presidents' Day (US)"),
    production.Holiday("2026-04-03", "emea", 0.45, "Good Friday"),
    production.Holiday("2026-04-06", "emea", 0.5, "Easter Monday"),
)
SURGES = (
    production.Surge("2026-02-24T15:00:00", 36, 1.0, -0.15, "a conference demo of the agent"),
)  # fmt: skip
NEWCOMERS = 400
OUTAGES = (
    production.Outage("2026-03-18T13:00:00", "2026-03-18T17:30:00", "api", "gpu", -1.4, 2.0),
)  # fmt: skip
FEEDBACK_CHANGES = (production.FeedbackChange("2026-03-17T10:00:00", 1.5),)
REGRESSIONS = (
    truth.RegressionSpec("low_default_effort", "product-layer", {}, "turns of sessions that keep the default effort (the effort column shows medium instead of high)", ("low_effort",)),
    truth.RegressionSpec("thinking_dropped", "product-layer", {}, "turns after an idle resume (idle_before_min > 60) in the same session, once the change is live", ("thinking_dropped",)),
    truth.RegressionSpec("brevity_prompt", "product-layer", {"model": "sim-opus-4-7"}, "sim-opus-4-7 turns", ("brevity",)),
)  # fmt: skip
EVENT_DESCRIPTIONS = {
    "low_default_effort_onset": "default effort lowered from high to medium",
    "thinking_dropped_onset": "idle-resume thinking change deployed (clears old thinking on every later turn)",
    "public_issue_filed": "public issue with a user-side analysis of session logs",
    "incident_declared": "incident declared in the on-call channel",
    "low_default_effort_reverted": "default effort restored (high; xhigh for sim-opus-4-7)",
    "thinking_dropped_fix": "thinking fix released (2.1.101)",
    "new_model_launch": "sim-opus-4-7 launched in the product",
    "brevity_prompt_onset": "length limits added to sim-opus-4-7's system prompt",
    "brevity_prompt_reverted": "length limits reverted",
    "all_fixes_released": "release 2.1.116 with all three fixes",
    "update_published": "public update on the quality reports published",
    "usage_limits_reset": "usage limits reset for all subscribers",
    "first_report_low_default_effort": "first specific user report from a lowered-effort session",
    "first_report_thinking_dropped": "first specific user report about a turn after an idle resume",
    "first_report_brevity_prompt": "first specific user report about the length limits",
}  # fmt: skip


def build(seed: int = SEED, *, written_record: bool = True) -> c.Simulation:
    """The scenario's tables. Another seed gives fresh data with the same schedule (for testing
    a detector out of sample); only the default seed's files are shipped. Without the written
    record, the change log and chat are left empty (their story is scripted for the default
    seed's data)."""
    rng = np.random.default_rng(seed)
    faults = SCENARIOS[SCENARIO]
    effort_fault = next(f for f in faults if f.kind == "low_default_effort")
    thinking_fault = next(f for f in faults if f.kind == "thinking_dropped")
    brevity_fault = next(f for f in faults if f.kind == "brevity_prompt")
    launch = c.epoch(brevity_fault.start) - 2 * c.HOUR if brevity_fault.start else END

    users = c.make_users(rng, f"{SCENARIO}-user", USERS, spread=1.0)
    users.attrs["platform"] = c.pick(rng, PLATFORMS, USERS)
    users.attrs["model"] = c.pick(rng, PRIMARY_MODEL, USERS)
    users.attrs["effort"] = np.where(
        rng.random(USERS) < 0.88, "default", c.pick(rng, EXPLICIT_EFFORT, USERS)
    )
    users.attrs["adopter"] = np.where(rng.random(USERS) < 0.5, "yes", "no")

    # -- sessions ---------------------------------------------------------------------------
    started, regions, newcomer = production.arrivals(
        rng, START, END, EXPECTED_SESSIONS, 0.3, HOLIDAYS, SURGES
    )
    newcomers = production.newcomer_users(rng, SCENARIO, NEWCOMERS, PRIMARY_MODEL)
    newcomers.attrs["adopter"] = np.where(rng.random(NEWCOMERS) < 0.5, "yes", "no")
    who, users = production.draw_users(rng, users, newcomers, regions, newcomer)
    sessions = len(started)
    session_ids = c.random_ids(rng, "ses_", sessions, 12)
    adoption = np.clip((started - launch) / (3 * c.DAY), 0.0, 1.0) * 0.8
    switches = (users.attrs["adopter"][who] == "yes") & (rng.random(sessions) < adoption)
    session_model = np.where(switches, NEW_MODEL, users.attrs["model"][who])
    # Effort as the session starts; the default can change under a running session (below),
    # as it does in the simulator, which applies the fault by request time.
    lowered_at_start = c.active_mask(effort_fault, started, session_model)
    default_effort = np.array([MODELS[str(m)].default_effort for m in session_model])
    keeps_default = users.attrs["effort"][who] == "default"
    session_effort = np.where(
        keeps_default,
        np.where(lowered_at_start, "medium", default_effort),
        users.attrs["effort"][who],
    )
    # The simulator decides "this session resumes after an idle hour" with the same hash and the
    # fault's rate, so the sessions with an idle resume are the ones it would treat as affected.
    idle_session = np.array([unit_hash("idle", seed, s) for s in session_ids]) < thinking_fault.rate
    turns = 1 + rng.geometric(1 / 7, size=sessions)
    turns = np.minimum(np.where(idle_session, np.maximum(turns, 3), turns), 60)
    resume_turn = np.where(idle_session, rng.integers(2, turns + 1), 0)

    # -- turns ------------------------------------------------------------------------------
    session = np.repeat(np.arange(sessions), turns)
    session_first = np.cumsum(turns) - turns  # row index of each session's first turn
    turn = np.arange(len(session)) - session_first[session] + 1
    n = len(session)
    model, effort = session_model[session], session_effort[session]
    user = np.array(users.ids)[who][session]
    platform = users.attrs["platform"][who][session]
    gap_minutes = np.clip(rng.lognormal(np.log(1.2), 1.0, n), 0.05, 55.0)
    resume = turn == resume_turn[session]
    idle_gap = IDLE_MINUTES + np.clip(rng.lognormal(np.log(90), 0.8, n), 1.0, 1900.0)
    gap_minutes = np.where(resume, idle_gap, gap_minutes)
    gap_minutes = np.where(turn == 1, np.nan, np.round(gap_minutes, 1))
    new_tokens = np.round(rng.lognormal(np.log(2500), 0.9, n)).astype(np.int64)
    output_noise = rng.lognormal(0.0, 0.8, n)
    thinking_noise = rng.lognormal(0.0, 0.6, n)
    output_base = np.array([OUTPUT_MEDIAN[str(e)] for e in effort]) * output_noise
    thinking_base = np.array([THINKING_MEDIAN[str(e)] for e in effort]) * thinking_noise
    speed = np.array([MODELS[str(m)].tokens_per_second for m in model])
    first_token = np.array([MODELS[str(m)].time_to_first_token_ms for m in model]) / 1000
    # Turn start times need each turn's duration; the bugs change durations by seconds, so times
    # come from the durations at the session's starting effort without the thinking bug.
    duration = first_token + (output_base + thinking_base) / speed
    step = np.where(turn == 1, 0.0, np.nan_to_num(gap_minutes) * 60)
    step[1:] += np.where(turn[1:] == 1, 0.0, duration[:-1])
    within = np.cumsum(step) - np.cumsum(step)[session_first][session]
    seconds = started[session] + np.round(within).astype(np.int64)

    # -- the three changes -----------------------------------------------------------------
    resume_time = np.zeros(sessions, dtype=np.int64)
    resume_time[idle_session] = seconds[session_first[idle_session] + resume_turn[idle_session] - 1]
    dropped = (
        idle_session[session]
        & (turn > resume_turn[session])
        & c.active_mask(thinking_fault, resume_time[session], model)
        & c.active_mask(thinking_fault, seconds, model)
    )
    brevity = c.active_mask(brevity_fault, seconds, model)
    effort_lowered = c.active_mask(effort_fault, seconds, model) & keeps_default[session]
    effort = np.where(
        keeps_default[session],
        np.where(effort_lowered, "medium", default_effort[session]),
        effort,
    )
    output_base = np.array([OUTPUT_MEDIAN[str(e)] for e in effort]) * output_noise
    thinking_base = np.array([THINKING_MEDIAN[str(e)] for e in effort]) * thinking_noise

    output_tokens = np.maximum(1, np.round(output_base * np.where(brevity, BREVITY_OUTPUT, 1.0)))
    thinking_tokens = np.round(thinking_base * np.where(dropped, FORGET_THINKING, 1.0))
    context = np.minimum(
        COMPACT_AT,
        SYSTEM_TOKENS + _cumulative_before(new_tokens + output_tokens.astype(np.int64), turns),
    )
    cache_miss = (
        ((turn == 1) & (rng.random(n) < 0.35))
        | (np.nan_to_num(gap_minutes) > IDLE_MINUTES)
        | (rng.random(n) < 0.02)
        | dropped
    )
    cache_read = np.where(cache_miss, 0, context)
    input_tokens = new_tokens + np.where(cache_miss, context, 0)
    repeated = rng.random(n) < (0.04 + 0.02 * np.isin(effort, ("low", "medium")) + 0.22 * dropped)
    pool = c.hardware_pools(rng, platform)
    service = first_token + input_tokens / 80_000 + (output_tokens + thinking_tokens) / speed
    outage_shift, outage_slow = production.outage_effects(OUTAGES, seconds, platform, pool)
    latency = c.heavy_tailed_latency(rng, service * outage_slow)
    background = production.quality_shift(
        rng,
        NOISE,
        seconds=seconds,
        start=START,
        end=END,
        platform=platform,
        user_index=who[session],
        users=USERS + NEWCOMERS,
    )
    background += outage_shift + newcomer[session] * SURGES[0].quality_shift
    skill = np.array(
        [MODELS[str(m)].skill + EFFORT_SKILL[str(e)] for m, e in zip(model, effort, strict=True)]
    )
    logit = (
        skill
        + THINKING_SKILL
        + QUALITY_OFFSET
        + background
        - FORGET_PENALTY * dropped
        - BREVITY_SKILL_PENALTY * brevity
        - 0.4 * repeated
    )
    quality, bad = c.quality_and_bad(rng, logit, DIFFICULTY_SD)
    version = ANCHOR_VERSION + np.floor_divide(started - RELEASE_ANCHOR, RELEASE_EVERY)

    requests = pd.DataFrame(
        {
            "time": seconds,
            "request_id": c.random_ids(rng, "req_", n, 12),
            "user": user,
            "model": model,
            "platform": platform,
            "pool": pool,
            "effort": effort,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens.astype(np.int64),
            "latency_ms": latency,
            "quality": quality,
            "bad": bad,
            "unexpected_script": rng.random(n) < c.SCRIPT_FALSE_ALARM,
            "session_id": np.array(session_ids)[session],
            "turn": turn,
            "client_version": np.char.add("2.1.", version[session].astype(str)),
            "idle_before_min": gap_minutes,
            "thinking_tokens": thinking_tokens.astype(np.int64),
            "cache_read_tokens": cache_read,
            "cache_miss": cache_miss,
            "repeated_tool_call": repeated,
        }
    )
    keep = seconds < END
    order = np.lexsort((turn[keep], seconds[keep]))
    requests = requests[keep].iloc[order].reset_index(drop=True)
    hidden = pd.DataFrame(
        {
            "affected_low_default_effort": effort_lowered[keep][order],
            "affected_thinking_dropped": dropped[keep][order],
            "affected_brevity_prompt": brevity[keep][order],
            "idle_session": idle_session[session][keep][order],
            "context_tokens": context[keep][order],
        }
    )
    seconds = seconds[keep][order]
    feedback = _feedback(rng, requests, seconds, hidden)
    feedback_rows = feedback.pop("_row").to_numpy()
    # The evals draw from a stream of their own, so tuning the traffic does not move them.
    evals = _evals(np.random.default_rng([seed, 1]), faults)
    events = _events(faults, launch)
    changes = narrative.apr2026_changes(rng, events, START, END)
    oncall = (
        narrative.apr2026_oncall(requests, seconds, feedback, evals, events)
        if written_record
        else narrative.oncall_table([])
    )
    return c.Simulation(
        scenario=SCENARIO,
        seed=seed,
        start=START,
        end=END,
        faults=faults,
        tables={
            "requests": requests,
            "changes": changes,
            "evals": evals,
            "feedback": feedback,
            "oncall": oncall,
        },
        seconds=seconds,
        hidden=hidden,
        events=events,
        feedback_rows=feedback_rows,
    )


def _cumulative_before(values: c.Ints, turns: c.Ints) -> c.Ints:
    """Per session, the sum of `values` over the session's earlier turns."""
    total = np.cumsum(values)
    ends = np.cumsum(turns)
    before_session = np.repeat(np.concatenate(([0], total[ends[:-1] - 1])), turns)
    return np.asarray(total - values - before_session, dtype=np.int64)


def _feedback(
    rng: np.random.Generator, requests: pd.DataFrame, seconds: c.Ints, hidden: pd.DataFrame
) -> pd.DataFrame:
    bad = requests["bad"].to_numpy()
    effort = hidden["affected_low_default_effort"].to_numpy()
    dropped = hidden["affected_thinking_dropped"].to_numpy()
    brevity = hidden["affected_brevity_prompt"].to_numpy()
    category = np.full(len(bad), "normal", dtype="<U16")
    category[effort & bad] = "low_effort"
    category[brevity] = "brevity"  # every reply is cut short, good or bad
    category[dropped & (bad | requests["repeated_tool_call"].to_numpy())] = "thinking_dropped"
    # Per turn, feedback is rarer than per API request: an agent session has many turns.
    probability = 0.0015 + 0.03 * bad + 0.02 * dropped + 0.02 * brevity
    probability = probability * production.feedback_multiplier(
        rng,
        NOISE,
        FEEDBACK_CHANGES,
        seconds=seconds,
        start=START,
        end=END,
        platform=requests["platform"].to_numpy(),
    )
    draw = c.draw_feedback(rng, np.minimum(probability, 1.0), category)
    return c.feedback_table(
        rng, draw, requests, seconds, APR2026_FEEDBACK, END, {"thinking_dropped": 0.4}
    )


def _evals(rng: np.random.Generator, faults: tuple[Fault, ...]) -> pd.DataFrame:
    """Daily internal evals at 06:00 UTC, at an explicit effort, in fresh sessions.

    `coding-api` calls the API directly: none of the product-layer changes reach it.
    `agent-harness` runs the product's prompts on the staff build: the brevity instruction reaches
    it (the new model only); the effort default and the idle-resume bug never do, because the
    harness sets its effort and never idles.
    """
    brevity_fault = next(f for f in faults if f.kind == "brevity_prompt")
    rows: list[dict[str, object]] = []
    days = np.arange(START, END, c.DAY, dtype=np.int64)
    # Some days the whole harness fails and nobody reruns it: every suite misses that day.
    failed = set(days[rng.random(len(days)) < 0.04].tolist())
    for suite, (n_items, offset) in EVAL_SUITES.items():
        for model_id, spec in MODELS.items():
            difficulty = rng.normal(0.0, 1.5, size=n_items)
            first_day = NEW_MODEL_EVALS_FROM if model_id == NEW_MODEL else START
            for day in range(first_day, END, c.DAY):
                run = day + 6 * c.HOUR
                if day in failed:
                    continue
                brief = suite == "agent-harness" and brevity_fault.active(
                    c.timestamp(run).to_pydatetime(), model_id
                )
                logit = (
                    spec.skill
                    + EFFORT_SKILL["high"]
                    + THINKING_SKILL
                    + offset
                    + difficulty
                    - BREVITY_SKILL_PENALTY * brief
                )
                score = float(np.mean(rng.random(n_items) < c.sigmoid(logit)))
                rows.append(
                    {
                        "date": str(c.iso(np.array([day]))[0][:10]),
                        "suite": suite,
                        "model": model_id,
                        "n_items": n_items,
                        "score": score,
                        "stderr": float(np.sqrt(score * (1 - score) / n_items)),
                    }
                )
    evals = pd.DataFrame(rows).sort_values(["date", "suite", "model"], kind="stable")
    return evals.reset_index(drop=True)


def _events(faults: tuple[Fault, ...], launch: int) -> dict[str, int]:
    events: dict[str, int] = {}
    for kind, fixed in (
        ("low_default_effort", "low_default_effort_reverted"),
        ("thinking_dropped", "thinking_dropped_fix"),
        ("brevity_prompt", "brevity_prompt_reverted"),
    ):
        events[f"{kind}_onset"], events[fixed] = c.fault_window(faults, kind)
    return events | {
        "public_issue_filed": PUBLIC_ISSUE,
        "incident_declared": DECLARED,
        "new_model_launch": launch,
        "all_fixes_released": ALL_FIXES,
        "update_published": UPDATE_PUBLISHED,
        "usage_limits_reset": USAGE_RESET,
    }


def ground_truth(sim: c.Simulation) -> dict[str, object]:
    names = [spec.name for spec in REGRESSIONS]
    regressions = [truth.regression_truth(sim, spec, APR2026_FEEDBACK) for spec in REGRESSIONS]
    requests, seconds = sim.tables["requests"], sim.seconds
    sessions = requests["session_id"].to_numpy()
    dropped = sim.hidden["affected_thinking_dropped"].to_numpy()
    # Thinking lengths as a student can measure them: by the effort column, before the change
    # and while it was live (explicit-medium users are a small minority of the medium turns).
    onset, revert = c.fault_window(sim.faults, "low_default_effort")
    thinking, effort = requests["thinking_tokens"].to_numpy(), requests["effort"].to_numpy()
    high_before = (seconds < onset) & (effort == "high")
    medium_during = (seconds >= onset) & (seconds < revert) & (effort == "medium")
    thinking_window = c.fault_window(sim.faults, "thinking_dropped")
    in_window = (seconds >= thinking_window[0]) & (seconds < thinking_window[1])
    impact = truth.overall_impact(sim, names) | {
        "sessions_in_thinking_window": len(set(sessions[in_window])),
        "sessions_thinking_dropped": len(set(sessions[dropped])),
        "sessions_thinking_dropped_share": len(set(sessions[dropped])) / max(1, len(set(sessions[in_window]))),
        "uncached_context_tokens_thinking_dropped": int(sim.hidden["context_tokens"].to_numpy()[dropped].sum()),
        "median_thinking_tokens_high_before": float(np.median(thinking[high_before])),
        "median_thinking_tokens_lowered": float(np.median(thinking[medium_during])),
        "days_onset_to_fix": {r["name"]: r["days_onset_to_fix"] for r in regressions},
    }  # fmt: skip
    computed = {f"first_report_{r['name']}": r["first_specific_report"] for r in regressions}
    return {
        "scenario": SCENARIO,
        "seed": SEED,
        "start": c.timestamp(START),
        "end": c.timestamp(END),
        "pre_incident_end": c.timestamp(truth.pre_incident_end(sim)),
        "regressions": regressions,
        "key_events": truth.key_events(sim, EVENT_DESCRIPTIONS, computed),
        "impact": impact,
        "eval_power": truth.eval_power(sim, names),
    }
