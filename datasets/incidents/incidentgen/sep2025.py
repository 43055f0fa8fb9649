"""Scenario `sep2025`: a fictional product's API traffic through the Aug-Sep 2025 incident.

Mirrors Anthropic's post-mortem of 17 Sep 2025 (FACTS.md A): three overlapping serving bugs with
different onsets, sticky misrouting made worse by a later load-balancer change, symptoms that
differ by platform (the TPU bugs reach Vertex and the first-party API, not Bedrock) and daily
evals that barely move. The fault schedule and rates are labkit.sim.faults.SEP2025; everything
else about the traffic is fictional and described in datasets/incidents/DATACARD.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from incidentgen import common as c
from incidentgen import narrative, production, truth
from incidentgen.phrases import SEP2025_FEEDBACK
from labkit.sim.catalog import EFFORT_SKILL, MODELS
from labkit.sim.engine import MISROUTED_SKILL_PENALTY
from labkit.sim.faults import SCENARIOS, Fault, misrouted, unit_hash

SCENARIO = "sep2025"
SEED = 20250917  # the post-mortem's publication date
START, END = c.epoch("2025-07-07"), c.epoch("2025-09-20")
EXPECTED_REQUESTS = 105_000
USERS = 6_000
PLATFORMS = {"api": 0.55, "bedrock": 0.27, "vertex": 0.18}
MODEL_SHARES = {"sim-sonnet-4-6": 0.55, "sim-opus-4-7": 0.17, "sim-haiku-4-5": 0.28}
EXPLICIT_EFFORT = {"low": 0.15, "medium": 0.35, "high": 0.25, "xhigh": 0.15, "max": 0.10}
OUTPUT_MEDIAN = {"low": 160, "medium": 320, "high": 520, "xhigh": 720, "max": 900}
QUALITY_OFFSET = 0.6
DIFFICULTY_SD = 1.4
CORRUPTION_PENALTY = 1.2  # syntax errors and stray tokens cost more than the model can recover
SCRIPT_SHOWN = 0.25  # as in the simulator: about a quarter of corrupted replies show foreign script
TOPK_PENALTY = 0.25  # the most a run of dropped top tokens costs (the model often recovers)
LONG_CONTEXT_SLOWDOWN = 1.3  # as in the simulator
EVAL_SUITES = {"coding": (400, 0.5), "general": (300, 0.9)}  # n_items, logit offset
EVAL_REFRESH = c.epoch("2025-07-28T10:05:00")  # the general suite gets harder items (a distractor)
POSTMORTEM = c.epoch("2025-09-17T15:00:00")
REGRESSIONS = (
    truth.RegressionSpec("misrouting", "infrastructure", {"model": "sim-sonnet-4-6"}, "sim-sonnet-4-6 requests of users whose sticky routing position is below the misrouting rate (served by the long-context pool)", ("misrouted",)),
    truth.RegressionSpec("output_corruption", "infrastructure", {"pool": "tpu"}, "requests served by the tpu pool (all models)", ("script", "corrupted")),
    truth.RegressionSpec("approx_topk", "infrastructure", {"model": "sim-haiku-4-5", "pool": "tpu"}, "sim-haiku-4-5 requests served by the tpu pool", ("topk",)),
)  # fmt: skip
EVENT_DESCRIPTIONS = {
    "misrouting_onset": "some sim-sonnet-4-6 requests start going to the long-context pool (about 0.8% of its users)",
    "output_corruption_onset": "TPU runtime optimisation deployed: rare foreign-script tokens and broken code",
    "approx_topk_onset": "approximate top-k on TPU deployed: sometimes drops the most probable token",
    "load_balancer_change": "load-balancer change raises the misrouted share of sim-sonnet-4-6 users to 16%",
    "incident_declared": "incident declared in the on-call channel",
    "output_corruption_rollback": "TPU runtime optimisation rolled back",
    "misrouting_fix_deployed": "routing fix deployed (rollout begins)",
    "approx_topk_fix": "exact top-k with fp32 accumulation deployed on TPU",
    "routing_rollout_complete_first_party_vertex": "routing fix rollout complete on the first-party API and Vertex",
    "routing_rollout_complete_bedrock": "routing fix rollout complete on Bedrock",
    "postmortem_published": "post-mortem published",
    "misrouting_worst_hour": "worst hour of misrouting (largest hourly misrouted share of sim-sonnet-4-6 requests)",
    "first_report_misrouting": "first specific user report about a misrouted request",
    "first_report_output_corruption": "first specific user report of corrupted output (e.g. foreign characters)",
    "first_report_approx_topk": "first specific user report about a top-k-affected request",
}  # fmt: skip
# Production-like noise and background (production.py): invented sizes, chosen so that daily bad
# rates are overdispersed like real ones (a constant-threshold detector pays in false alarms)
# while every regression stays findable.
NOISE = production.Noise(
    day_sd=0.10, platform_day_sd=0.08, user_sd=0.5, weekend_shift=-0.12, feedback_day_sd=0.3
)
HOLIDAYS = (production.Holiday("2025-09-01", "americas", 0.35, "Labor Day (US)"),)
SURGES = (
    production.Surge("2025-07-24T13:00:00", 30, 1.0, -0.15, "a developer newsletter features the product"),
)  # fmt: skip
NEWCOMERS = 900  # the users a surge brings (they sign up on the first-party API)
OUTAGES = (
    production.Outage("2025-08-13T09:05:00", "2025-08-13T13:35:00", "bedrock", "trainium", -1.0, 2.5),
)  # fmt: skip
FEEDBACK_CHANGES = (production.FeedbackChange("2025-07-30T10:00:00", 1.6, ("api",)),)
# The 1M-token context window: a beta for sim-sonnet-4-6 from LONG_CONTEXT_LAUNCH. Requests above
# the standard window go to the long-context pool on purpose; a few users work on large codebases.
LONG_CONTEXT_LAUNCH = c.epoch("2025-08-12T16:00:00")
STANDARD_WINDOW = 200_000
LONG_CONTEXT_USERS = 0.06  # share of users who send whole repositories
# The eval harness is one account; its sticky routing position (0.485) is far from the misrouted
# range, so like the real evals it never sees bug 1. A test checks this.
EVAL_ACCOUNT = "eval-harness"
DECLARED = c.epoch("2025-08-31T15:40:00")


def _topk_penalty(drops: c.Ints) -> c.Floats:
    return TOPK_PENALTY * (1.0 - np.exp(-drops / 10.0))


def build(seed: int = SEED, *, written_record: bool = True) -> c.Simulation:
    """The scenario's tables. Another seed gives fresh data with the same schedule (for testing
    a detector out of sample); only the default seed's files are shipped. Without the written
    record, the change log and chat are left empty (their story is scripted for the default
    seed's data)."""
    rng = np.random.default_rng(seed)
    faults = SCENARIOS[SCENARIO]
    users = c.make_users(rng, f"{SCENARIO}-user", USERS, spread=1.3)
    users.attrs["platform"] = c.pick(rng, PLATFORMS, USERS)
    users.attrs["model"] = c.pick(rng, MODEL_SHARES, USERS)
    users.attrs["effort"] = np.where(
        rng.random(USERS) < 0.7, "default", c.pick(rng, EXPLICIT_EFFORT, USERS)
    )
    seconds, regions, newcomer = production.arrivals(
        rng, START, END, EXPECTED_REQUESTS, 0.25, HOLIDAYS, SURGES
    )
    newcomers = production.newcomer_users(rng, SCENARIO, NEWCOMERS, MODEL_SHARES)
    users.attrs["big_context"] = np.where(rng.random(USERS) < LONG_CONTEXT_USERS, "yes", "no")
    newcomers.attrs["big_context"] = np.full(NEWCOMERS, "no")
    who, everyone = production.draw_users(rng, users, newcomers, regions, newcomer)
    n = len(seconds)
    user = np.array(everyone.ids)[who]
    platform = everyone.attrs["platform"][who]
    model = np.where(
        rng.random(n) < 0.8, everyone.attrs["model"][who], c.pick(rng, MODEL_SHARES, n)
    )
    preferred = everyone.attrs["effort"][who]
    wander = (preferred != "default") & (rng.random(n) < 0.15)
    preferred = np.where(wander, c.pick(rng, EXPLICIT_EFFORT, n), preferred)
    default_effort = np.array([MODELS[str(m)].default_effort for m in model])
    effort = np.where(preferred == "default", default_effort, preferred)
    input_tokens = np.clip(np.round(rng.lognormal(np.log(1800), 1.1, n)), 12, 180_000)
    big = everyone.attrs["big_context"][who] == "yes"
    whole_repo = big & (rng.random(n) < 0.6)
    repo_tokens = np.round(rng.lognormal(np.log(180_000), 0.45, n))
    input_tokens = np.where(whole_repo, repo_tokens, input_tokens)
    # Above the standard window, only sim-sonnet-4-6 with the beta accepts the request; other
    # models' clients truncate to fit.
    beyond = (model == "sim-sonnet-4-6") & (seconds >= LONG_CONTEXT_LAUNCH)
    input_tokens = np.where(
        beyond, np.minimum(input_tokens, 900_000), np.minimum(input_tokens, STANDARD_WINDOW - 8_000)
    )
    long_context = beyond & (input_tokens > STANDARD_WINDOW)

    # Bug 1: sticky misrouting. A user's position is unit_hash("route", seed, user), exactly as
    # labkit.sim.faults.misrouted computes it, so the simulator agrees request by request. A
    # request that needs the long window goes to the long-context pool anyway and is served well.
    position = np.array([unit_hash("route", seed, u) for u in everyone.ids])[who]
    routed_long = position < c.active_rate(faults, "misrouting", seconds, model, platforms=platform)
    is_misrouted = routed_long & ~long_context
    pool = np.where(routed_long | long_context, "long-context", c.hardware_pools(rng, platform))
    corrupted = rng.random(n) < c.active_rate(faults, "output_corruption", seconds, model, pool)
    output_median = np.array([OUTPUT_MEDIAN[str(e)] for e in effort], dtype=float)
    max_output = np.array([MODELS[str(m)].max_output_tokens for m in model])
    output_tokens = np.clip(np.round(output_median * rng.lognormal(0, 0.7, n)), 1, max_output)
    # Bug 3: each output token risks the approximate top-k dropping the best token (per-token
    # rate, as in the simulator's drop_top_rate).
    topk_rate = c.active_rate(faults, "approx_topk", seconds, model, pool)
    drops = rng.binomial(output_tokens.astype(np.int64), topk_rate)

    hour = (seconds - START) // c.HOUR
    load = np.bincount(hour)[hour] / (n / (hour.max() + 1))
    speed = np.array([MODELS[str(m)].tokens_per_second for m in model])
    first_token = np.array([MODELS[str(m)].time_to_first_token_ms for m in model]) / 1000
    service = first_token + input_tokens / 60_000 + output_tokens / speed
    service *= np.where(pool == "long-context", LONG_CONTEXT_SLOWDOWN, 1.0) * (0.9 + 0.12 * load)
    outage_shift, outage_slow = production.outage_effects(OUTAGES, seconds, platform, pool)
    latency = c.heavy_tailed_latency(rng, service * outage_slow)
    background = production.quality_shift(
        rng,
        NOISE,
        seconds=seconds,
        start=START,
        end=END,
        platform=platform,
        user_index=who,
        users=USERS + NEWCOMERS,
    )
    background += outage_shift + newcomer * SURGES[0].quality_shift

    skill = np.array(
        [MODELS[str(m)].skill + EFFORT_SKILL[str(e)] for m, e in zip(model, effort, strict=True)]
    )
    logit = (
        skill
        + QUALITY_OFFSET
        + background
        - MISROUTED_SKILL_PENALTY * is_misrouted
        - CORRUPTION_PENALTY * corrupted
        - _topk_penalty(drops)
    )
    quality, bad = c.quality_and_bad(rng, logit, DIFFICULTY_SD)
    script = (corrupted & (rng.random(n) < SCRIPT_SHOWN)) | (rng.random(n) < c.SCRIPT_FALSE_ALARM)

    requests = pd.DataFrame(
        {
            "time": seconds,
            "request_id": c.random_ids(rng, "req_", n, 12),
            "user": user,
            "model": model,
            "platform": platform,
            "pool": pool,
            "effort": effort,
            "input_tokens": input_tokens.astype(np.int64),
            "output_tokens": output_tokens.astype(np.int64),
            "latency_ms": latency,
            "quality": quality,
            "bad": bad,
            "unexpected_script": script,
        }
    )
    hidden = pd.DataFrame(
        {
            "affected_misrouting": is_misrouted,
            "affected_output_corruption": corrupted,
            "affected_approx_topk": drops > 0,
            "topk_drops": drops,
        }
    )
    feedback = _feedback(rng, requests, seconds, hidden, faults, platform)
    feedback_rows = feedback.pop("_row").to_numpy()
    # The evals draw from a stream of their own, so tuning the traffic does not move them.
    evals = _evals(np.random.default_rng([seed, 1]), faults, seed)
    events = _events(faults)
    changes = narrative.sep2025_changes(rng, events, START, END)
    oncall = (
        narrative.sep2025_oncall(requests, seconds, feedback, evals, faults, events)
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


def _feedback(
    rng: np.random.Generator,
    requests: pd.DataFrame,
    seconds: c.Ints,
    hidden: pd.DataFrame,
    faults: tuple[Fault, ...],
    platform: c.Strs,
) -> pd.DataFrame:
    bad = requests["bad"].to_numpy()
    script = requests["unexpected_script"].to_numpy()
    category = np.full(len(bad), "normal", dtype="<U10")
    category[hidden["affected_approx_topk"].to_numpy() & bad] = "topk"
    category[hidden["affected_misrouting"].to_numpy() & bad] = "misrouted"
    category[hidden["affected_output_corruption"].to_numpy()] = "corrupted"
    category[script] = "script"
    probability = 0.003 + 0.06 * bad + 0.5 * script
    # Users take a few days to trust that it is not them: reporting of a new problem ramps up.
    for kind, label in (
        ("misrouting", "misrouted"),
        ("approx_topk", "topk"),
        ("output_corruption", "corrupted"),
    ):
        onset, _ = c.fault_window(faults, kind)
        ramp = np.clip((seconds - onset) / (4 * c.DAY), 0.0, 1.0)
        probability = np.where(category == label, probability * (1.0 + 1.5 * ramp), probability)
    probability = probability * production.feedback_multiplier(
        rng, NOISE, FEEDBACK_CHANGES, seconds=seconds, start=START, end=END, platform=platform
    )
    draw = c.draw_feedback(rng, np.minimum(probability, 1.0), category)
    return c.feedback_table(
        rng, draw, requests, seconds, SEP2025_FEEDBACK, END, {"script": 0.6, "corrupted": 0.35}
    )


def _evals(rng: np.random.Generator, faults: tuple[Fault, ...], seed: int) -> pd.DataFrame:
    """Daily runs of two fixed suites per model at 06:00 UTC on the first-party API.

    Each suite is a fixed set of items (fixed difficulties); a day's score is the share passed,
    so its noise is that of a finite item count. The harness is one account, so sticky routing
    either always or never sends it to the wrong pool; items land on hardware like API traffic.
    """
    rows: list[dict[str, object]] = []
    days = np.arange(START, END, c.DAY, dtype=np.int64)
    # Some days the whole harness fails and nobody reruns it: every suite misses that day.
    failed = set(days[rng.random(len(days)) < 0.04].tolist())
    for suite, (n_items, offset) in EVAL_SUITES.items():
        for model_id, spec in MODELS.items():
            difficulty = rng.normal(0.0, 1.5, size=n_items)
            refreshed = rng.normal(-0.25, 1.5, size=n_items)  # the general suite's new items
            for day in days:
                run = int(day) + 6 * c.HOUR
                if int(day) in failed:
                    continue
                items = refreshed if suite == "general" and run > EVAL_REFRESH else difficulty
                models = np.full(n_items, model_id)
                when = np.full(n_items, run, dtype=np.int64)
                if misrouted(
                    faults, seed, EVAL_ACCOUNT, c.timestamp(run).to_pydatetime(), model_id
                ):
                    pool = np.full(n_items, "long-context")
                else:
                    pool = c.pick(rng, c.POOLS_BY_PLATFORM["api"], n_items)
                corrupted = rng.random(n_items) < c.active_rate(
                    faults, "output_corruption", when, models, pool
                )
                drops = rng.binomial(
                    OUTPUT_MEDIAN["high"], c.active_rate(faults, "approx_topk", when, models, pool)
                )
                logit = (
                    spec.skill
                    + offset
                    + items
                    - MISROUTED_SKILL_PENALTY * (pool == "long-context")
                    - CORRUPTION_PENALTY * corrupted
                    - _topk_penalty(drops)
                )
                score = float(np.mean(rng.random(n_items) < c.sigmoid(logit)))
                rows.append(
                    {
                        "date": c.iso(np.array([day]))[0][:10],
                        "suite": suite,
                        "model": model_id,
                        "n_items": n_items,
                        "score": score,
                        "stderr": float(np.sqrt(score * (1 - score) / n_items)),
                    }
                )
    evals = pd.DataFrame(rows).sort_values(["date", "suite", "model"], kind="stable")
    return evals.reset_index(drop=True)


def _events(faults: tuple[Fault, ...]) -> dict[str, int]:
    routing = [f for f in faults if f.kind == "misrouting" and f.start]
    routing_on, balancer = sorted(c.epoch(f.start) for f in routing if not f.tapers)
    fix = min(c.epoch(f.start) for f in routing if f.tapers)  # the rollout of the fix begins
    events = {
        "misrouting_onset": routing_on,
        "load_balancer_change": balancer,
        "misrouting_fix_deployed": fix,
    }
    for kind, fixed in (
        ("output_corruption", "output_corruption_rollback"),
        ("approx_topk", "approx_topk_fix"),
    ):
        events[f"{kind}_onset"], events[fixed] = c.fault_window(faults, kind)
    return events | {
        "incident_declared": DECLARED,
        # The rollout ends are the ends of the tapering faults (labkit.sim.faults.SEP2025).
        "routing_rollout_complete_first_party_vertex": _rollout_end(routing, "api"),
        "routing_rollout_complete_bedrock": _rollout_end(routing, "bedrock"),
        "postmortem_published": POSTMORTEM,
    }


def _rollout_end(routing: list[Fault], platform: str) -> int:
    return max(c.epoch(f.end) for f in routing if f.tapers and f.end and platform in f.platforms)


def ground_truth(sim: c.Simulation) -> dict[str, object]:
    names = [spec.name for spec in REGRESSIONS]
    regressions = [truth.regression_truth(sim, spec, SEP2025_FEEDBACK) for spec in REGRESSIONS]
    peak = truth.peak_hourly_share(sim, "misrouting", REGRESSIONS[0].slice)
    requests, seconds = sim.tables["requests"], sim.seconds
    lb_change, routing_fix = (
        sim.events["load_balancer_change"],
        sim.events["misrouting_fix_deployed"],
    )
    sonnet = (requests["model"].to_numpy() == "sim-sonnet-4-6") & (seconds >= lb_change)
    sonnet &= seconds < routing_fix
    misrouted_after = sim.hidden["affected_misrouting"].to_numpy()[sonnet]
    impact = truth.overall_impact(sim, names) | {
        "misrouted_requests": regressions[0]["affected_requests"],
        "misrouted_share_after_lb_change": float(misrouted_after.mean()),
        "misrouted_users_share": regressions[0]["users_affected_share"],
        "peak_hourly_misrouted_share": peak["peak_hourly_share"],
        "peak_hour": peak["peak_hour"],
        "peak_hour_requests": peak["peak_hour_requests"],
        "peak_min_requests": peak["peak_min_requests"],
        "days_onset_to_fix": {r["name"]: r["days_onset_to_fix"] for r in regressions},
    }
    computed = {f"first_report_{r['name']}": r["first_specific_report"] for r in regressions}
    computed["misrouting_worst_hour"] = peak["peak_hour"]
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
