"""Build the nbgrader SOURCE folder of lab 4, "Write the post-mortem".

    .venv/bin/python labs/build/lab4_postmortem.py                      # scenario sep2025
    .venv/bin/python labs/build/lab4_postmortem.py --scenario apr2026   # the other incident

writes labs/source/lab4-postmortem/: the notebook, data/<scenario>/ (a byte copy of
datasets/incidents/<scenario>/, which a released lab reads through labkit.incidents) and keeps
postmortem-template.md (written by hand, shipped with the lab). One scenario per build: the
notebook's prose, key events, impact fields, model solution and mark schemes are the scenario's.

Students investigate the incident from its tables and write the report: a timeline DataFrame,
an impact record, an action-item table and Markdown prose. Hidden tests compare the timeline and
the numbers with `autograder.incident_truth.truth(SCENARIO)` (never shipped), check the action
items and the sections with labkit.postmortem, and run labkit.blameless on everything the
student wrote. A person grades the depth of the contributing factors, the action items and the
clarity with the mark schemes. The hidden code is written apart from the solutions (its own
names and lines), so that no hidden line can be found in the release or in feedback.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import notebook_cells
from autograder.notebook_cells import answer, given, task, tests, text

LAB = "lab4-postmortem"
LAB_ID = "lab4"  # cell ids: lab4-00, lab4-01, ...
REPO = Path(__file__).resolve().parent.parent.parent
FOLDER = REPO / "labs" / "source" / LAB
OUT = FOLDER / f"{LAB}.ipynb"
DATASETS = REPO / "datasets" / "incidents"
TABLES = ("requests", "changes", "evals", "feedback", "oncall")

# ---------------------------------------------------------------------------- scenarios
@dataclass(frozen=True)
class Measure:
    """An impact number: what students compute, and how the hidden test finds the truth."""

    description: str
    truth_path: tuple[str, ...]  # keys into truth(SCENARIO).impact
    tolerance: float
    relative: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str  # the incident, in the lab's words
    story: str  # section 1: who you are and what happened, without the answers
    review_date: str  # the post-mortem review meeting (UTC date)
    key_events: dict[str, str]  # event_id -> what to look for (no times)
    logged: tuple[str, ...]  # key events whose time is in the change log or the chat (1 h)
    measured: tuple[str, ...]  # key events computed from the requests (1 h)
    impact: dict[str, Measure]
    impact_groups: tuple[tuple[str, float, tuple[str, ...]], ...]  # grade id, points, fields
    regressions: dict[str, str]  # regression name -> a neutral description
    explore: str  # a given cell: a first look at the evidence
    timeline_solution: str
    impact_solution: str
    actions_solution: str
    prose_solution: str
    factors_scheme: str  # the contributing factors a full answer names
    references: str = ""
    extra_setup: str = field(default="")


SEP2025 = Scenario(
    name="sep2025",
    title="Quality regressions on three serving paths, August-September 2025 (a simulation)",
    story=r"""
You are the inference on-call engineer of a (fictional) company that serves three simulated
models, `sim-opus-4-7`, `sim-sonnet-4-6` and `sim-haiku-4-5`, on its own API and through two cloud
platforms (`bedrock`, `vertex`), on several hardware pools. Between August and September 2025 users
complained that answers got worse: some saw Thai or Chinese characters in English answers, some
got worse code, some said the model "feels dumber". The dashboards showed no errors, latency was
normal and the daily evals barely moved. The incident is over; your team's post-mortem review
meeting is on **2025-09-19** and you write the report.

The data mirrors Anthropic's post-mortem of 17 September 2025, "A postmortem of three recent
issues": three overlapping infrastructure bugs with different onsets and different symptoms on
different platforms. The traffic, the people's roles and every number are simulated.
""",
    review_date="2025-09-19",
    key_events={
        "misrouting_onset": "the change that started sending some sim-sonnet-4-6 requests to the wrong serving pool",
        "output_corruption_onset": "the change behind the foreign characters and broken code on the TPU pool",
        "approx_topk_onset": "the change that made token selection on TPU sometimes drop the most probable token",
        "load_balancer_change": "the change that made the misrouting much more frequent",
        "incident_declared": "the incident is declared",
        "output_corruption_rollback": "the TPU change behind the foreign characters is rolled back",
        "misrouting_worst_hour": "the start of the clock hour (UTC) with the largest share of misrouted sim-sonnet-4-6 requests, over hours with at least 20 sim-sonnet-4-6 requests",
        "misrouting_fix_deployed": "the routing fix is deployed (its gradual rollout begins)",
        "approx_topk_fix": "exact top-k replaces approximate top-k on TPU",
        "routing_rollout_complete_first_party_vertex": "the routing fix has reached all of the first-party API and Vertex",
        "routing_rollout_complete_bedrock": "the routing fix has reached all of Bedrock",
    },
    logged=(
        "misrouting_onset",
        "output_corruption_onset",
        "approx_topk_onset",
        "load_balancer_change",
        "incident_declared",
        "output_corruption_rollback",
        "misrouting_fix_deployed",
        "approx_topk_fix",
        "routing_rollout_complete_first_party_vertex",
        "routing_rollout_complete_bedrock",
    ),
    measured=("misrouting_worst_hour",),
    impact={
        "misrouted_requests": Measure(
            "the number of sim-sonnet-4-6 requests the routing bug sent to the wrong serving pool "
            "(the on-call chat says how to recognise them), from the change that started it to "
            "the deployment of the routing fix",
            ("misrouted_requests",),
            0.02,
            relative=True,
        ),
        "misrouted_users_share": Measure(
            "among the users with at least one sim-sonnet-4-6 request in that same window, the "
            "share (a fraction) with at least one misrouted request",
            ("misrouted_users_share",),
            0.005,
        ),
        "peak_hourly_misrouted_share": Measure(
            "the largest share (a fraction) of misrouted requests among the sim-sonnet-4-6 "
            "requests of one clock hour (UTC), over hours with at least 20 sim-sonnet-4-6 requests",
            ("peak_hourly_misrouted_share",),
            0.01,
        ),
        "days_to_fix_misrouting": Measure(
            "days from the change that started the misrouting to the deployment of the routing "
            "fix (not its full rollout)",
            ("days_onset_to_fix", "misrouting"),
            0.1,
        ),
        "days_to_fix_output_corruption": Measure(
            "days from the TPU change behind the foreign characters to its rollback",
            ("days_onset_to_fix", "output_corruption"),
            0.1,
        ),
        "days_to_fix_approx_topk": Measure(
            "days from the approximate top-k change to the exact top-k fix",
            ("days_onset_to_fix", "approx_topk"),
            0.1,
        ),
    },
    impact_groups=(
        (
            "q3-impact-misrouting-test",
            10,
            ("misrouted_requests", "misrouted_users_share", "peak_hourly_misrouted_share"),
        ),
        (
            "q3-impact-durations-test",
            6,
            ("days_to_fix_misrouting", "days_to_fix_output_corruption", "days_to_fix_approx_topk"),
        ),
    ),
    regressions={
        "misrouting": "some sim-sonnet-4-6 requests served by the wrong pool",
        "output_corruption": "foreign characters and broken code from the TPU pool",
        "approx_topk": "token selection on TPU sometimes dropping the most probable token",
    },
    explore=r"""
# Not graded: a first look. The change log and the on-call chat are short: read them whole.
display(changes[["time", "change_id", "component", "description", "author_role", "kind"]])
print(incidents.load_oncall(SCENARIO))

# A sample of user feedback (drawn with your seed: your sample differs from your classmates').
sample = feedback[feedback["text"] != ""].sample(12, random_state=SEED).sort_values("time")
display(sample[["time", "platform", "model", "kind", "text"]])

# The daily share of bad responses per platform: the symptom differs by platform.
daily = (
    requests.assign(day=requests["time"].dt.floor("D"))
    .groupby(["day", "platform"])["bad"].mean().unstack("platform")
)
fig, ax = plt.subplots(figsize=(10, 3.4))
daily.rolling(3, min_periods=1).mean().plot(ax=ax)
ax.set(xlabel="day (UTC)", ylabel="share of bad responses (3-day mean)",
       title="Bad responses by platform")
fig.tight_layout()
display(fig)
plt.close(fig)
""",
    timeline_solution=r'''
def when(table, column, text):
    """The time (UTC) of the first row of `table` whose `column` contains `text`."""
    return table.loc[table[column].str.contains(text, regex=False), "time"].min()


def change(text):
    return when(changes, "description", text)


def said(text):
    return when(oncall, "message", text)


# Misrouted requests are the sim-sonnet-4-6 requests served by the long-context pool (chat, 3 Sep).
sonnet = requests[requests["model"] == "sim-sonnet-4-6"]
hourly = (
    sonnet.assign(hour=sonnet["time"].dt.floor("h"), misrouted=sonnet["pool"] == "long-context")
    .groupby("hour")["misrouted"]
    .agg(["size", "mean"])
)
busy_hours = hourly[hourly["size"] >= 20]
worst_hour = busy_hours["mean"].idxmax()

rows = [
    (change("routing rules for the upcoming long-context"), "",
     "Routing rules for the upcoming long-context pool deployed; no traffic goes to it yet", "change log"),
    (change("refresh the general suite"), "",
     "General eval suite refreshed with harder items: its scores step down (unrelated to the incident)", "change log"),
    (change("enable the long-context pool"), "misrouting_onset",
     "Long-context pool enabled in the sim-sonnet-4-6 routing table; a sticky share of users starts being misrouted", "change log"),
    (said("feels dumber this week"), "",
     "First vague report to support that sim-sonnet-4-6 feels worse; dashboards normal, judged normal variation", "on-call chat"),
    (said("Weekly numbers"), "",
     "Support shares weekly thumbs-down rates for sim-sonnet-4-6; the difference is judged to be noise", "on-call chat"),
    (change("enable runtime performance optimisation"), "output_corruption_onset",
     "TPU runtime performance optimisation for sampling enabled on all TPU traffic at 00:00", "change log"),
    (change("approximate top-k"), "approx_topk_onset",
     "Approximate top-k enabled for token selection on TPU to cut latency", "change log"),
    (said("foreign characters"), "",
     "Support reports foreign characters in English answers; on-call asks for request ids and suspects pasted context", "on-call chat"),
    (said("Daily coding evals look flat"), "",
     "Daily coding evals reported flat: the aggregate does not show the regressions", "on-call chat"),
    (change("rebalance traffic weights"), "load_balancer_change",
     "Load-balancer traffic weights rebalanced across serving pools; the misrouted share rises sharply", "change log"),
    (said("Complaint volume about sim-sonnet-4-6 is up"), "",
     "Support sees complaint volume about sim-sonnet-4-6 rise, mostly on the first-party API", "on-call chat"),
    (said("Declaring an incident"), "incident_declared",
     "Incident declared: quality reports with different symptoms on different platforms", "on-call chat"),
    (said("Unexpected-script flags since 25 Aug"), "",
     "On-call finds unexpected-script flags concentrated on the tpu pool and proposes a rollback", "on-call chat"),
    (change("roll back runtime performance optimisation"), "output_corruption_rollback",
     "TPU runtime optimisation rolled back; the unexpected-script rate returns to its baseline", "change log"),
    (worst_hour, "misrouting_worst_hour",
     "Worst hour of misrouting: the largest hourly share of sim-sonnet-4-6 requests on the long-context pool", "request log"),
    (said("served by the long-context pool"), "",
     "Platform on-call finds sticky misrouting of sim-sonnet-4-6 to the long-context pool", "on-call chat"),
    (change("fix context-window routing"), "misrouting_fix_deployed",
     "Routing fix deployed; gradual rollout per platform begins", "change log"),
    (change("unexpected-character check"), "",
     "Unexpected-character check added to the production quality evals", "change log"),
    (said("Reproduced: approximate top-k"), "",
     "Approximate top-k on TPU reproduced as dropping the most probable token (mixed-precision compiler issue)", "on-call chat"),
    (change("exact top-k"), "approx_topk_fix",
     "Exact top-k with fp32 accumulation deployed for token selection on TPU", "change log"),
    (change("rollout complete on the first-party API and Vertex"), "routing_rollout_complete_first_party_vertex",
     "Routing fix rollout complete on the first-party API and Vertex", "change log"),
    (change("rollout complete on Bedrock"), "routing_rollout_complete_bedrock",
     "Routing fix rollout complete on Bedrock; no known impact remains", "change log"),
]
timeline = pd.DataFrame(rows, columns=TIMELINE_COLUMNS).sort_values(
    "time", kind="stable", ignore_index=True
)
''',
    impact_solution=r"""
routing_on = change("enable the long-context pool")
routing_fix = change("fix context-window routing")
tpu_on = change("enable runtime performance optimisation")
tpu_back = change("roll back runtime performance optimisation")
topk_on = change("approximate top-k")
topk_fix = change("exact top-k")
one_day = pd.Timedelta(days=1)

window = sonnet[(sonnet["time"] >= routing_on) & (sonnet["time"] < routing_fix)]
misrouted = window[window["pool"] == "long-context"]
impact = {
    "misrouted_requests": int(len(misrouted)),
    "misrouted_users_share": misrouted["user"].nunique() / window["user"].nunique(),
    "peak_hourly_misrouted_share": float(busy_hours["mean"].max()),
    "days_to_fix_misrouting": (routing_fix - routing_on) / one_day,
    "days_to_fix_output_corruption": (tpu_back - tpu_on) / one_day,
    "days_to_fix_approx_topk": (topk_fix - topk_on) / one_day,
}
""",
    actions_solution=r"""
def due(days):
    return (REVIEW_DATE + pd.Timedelta(days=days)).date()


action_items = pd.DataFrame(
    [
        ("Roll out router and load-balancer configuration to 5% of traffic first, with a 48-hour "
         "soak that compares each model's pool mix and quality signal against the control group",
         "prevent", "misrouting", "serving platform lead", "P0", due(21)),
        ("Alert within one hour when any model's requests reach a serving pool outside its routing "
         "table, such as short-context sim-sonnet-4-6 requests on the long-context pool",
         "detect", "misrouting", "observability lead", "P0", due(21)),
        ("Expire sticky routing assignments after one hour so that a user sent to the wrong pool "
         "is re-routed instead of staying there",
         "mitigate", "misrouting", "serving platform lead", "P1", due(49)),
        ("Gate TPU runtime changes on a canary that compares the unexpected-script rate and code "
         "syntax-error rate of sampled outputs with the gpu pool before full rollout",
         "prevent", "output_corruption", "inference runtime lead", "P0", due(21)),
        ("Compare approximate and exact top-k on a fixed set of prompts on every compiler or "
         "sampling change, failing the build when the top token differs on any position",
         "prevent", "approx_topk", "compiler integration lead", "P1", due(49)),
        ("Run quality evals continuously on sampled production traffic per model, platform and "
         "pool, sized by a power analysis to detect a 3-point drop within one day",
         "detect", "detection", "evaluation lead", "P1", due(49)),
        ("Track thumbs-down rates per model, platform and pool on a control chart with its own "
         "baseline, and page the on-call when a slice crosses its limit twice in a day",
         "detect", "detection", "support operations lead", "P2", due(120)),
        ("Give the on-call a privacy-preserving tool that shows routing, pool and quality flags "
         "for a request id within minutes, without opening conversation content",
         "process", "response", "privacy engineering lead", "P2", due(120)),
        ("Start the quality-incident runbook with a list of every change to the affected models, "
         "pools and platforms in the previous 30 days, checked against the symptom's onset",
         "process", "response", "incident management lead", "P2", due(90)),
    ],
    columns=ACTION_COLUMNS,
)
""",
    prose_solution=r'''
declared = said("Declaring an incident")
balancer = change("rebalance traffic weights")
tpu_window = requests[(requests["time"] >= tpu_on) & (requests["time"] < tpu_back)]
script_on_tpu = tpu_window.loc[tpu_window["pool"] == "tpu", "unexpected_script"].mean()
script_elsewhere = tpu_window.loc[tpu_window["pool"] != "tpu", "unexpected_script"].mean()
lb_window = sonnet[(sonnet["time"] >= balancer) & (sonnet["time"] < routing_fix)]
before_lb = sonnet[(sonnet["time"] >= routing_on) & (sonnet["time"] < balancer)]
share_before = (before_lb["pool"] == "long-context").mean()
share_after = (lb_window["pool"] == "long-context").mean()
days_to_detect = (declared - routing_on) / one_day
proposed = said("Proposing to roll back")
rollback_hours = (tpu_back - proposed) / pd.Timedelta(hours=1)
misrouting_found = said("served by the long-context pool")
fmt = "%Y-%m-%d %H:%M UTC"
day = "%Y-%m-%d"

report_prose = f"""
## Summary

From {routing_on:{fmt}} to {topk_fix:{fmt}}, three overlapping serving bugs made some answers
worse without raising errors or latency. A routing change sent a sticky share of sim-sonnet-4-6
requests to the long-context pool ({impact['misrouted_requests']:,} requests;
{impact['misrouted_users_share']:.1%} of sim-sonnet-4-6 users), and a load-balancer change on
{balancer:{fmt}} made it far more frequent. A TPU runtime optimisation produced foreign-script
characters and broken code on the tpu pool for {impact['days_to_fix_output_corruption']:.0f} days,
and approximate top-k on TPU sometimes dropped the most probable token for sim-haiku-4-5 for
{impact['days_to_fix_approx_topk']:.0f} days. All three are fixed; the routing fix reached every
platform on {change('rollout complete on Bedrock'):{fmt}}.

## Impact

- Misrouting: {impact['misrouted_requests']:,} sim-sonnet-4-6 requests from
  {impact['misrouted_users_share']:.1%} of its users between the routing change and the fix,
  measured as sim-sonnet-4-6 requests served by the long-context pool. The misrouted share rose
  from {share_before:.1%} before the load-balancer change to {share_after:.1%} after it, with a
  worst clock hour of {impact['peak_hourly_misrouted_share']:.0%} at {worst_hour:{fmt}}. Because
  routing was sticky, the same users met the problem again and again.
- Output corruption: while the TPU optimisation was live, {script_on_tpu:.2%} of tpu responses
  carried unexpected-script characters against {script_elsewhere:.2%} on the other pools. Bedrock
  has no tpu pool and saw none; the first-party API and Vertex did.
- Approximate top-k: sim-haiku-4-5 on the tpu pool; each dropped token is a small error the
  model often recovers from, so the effect shows only in aggregate quality, not in single answers.
- Durations, from onset to fix: {impact['days_to_fix_misrouting']:.0f} days (misrouting),
  {impact['days_to_fix_output_corruption']:.0f} days (output corruption) and
  {impact['days_to_fix_approx_topk']:.0f} days (approximate top-k). The incident was declared
  {days_to_detect:.1f} days after the first change.
- Not measured: which answers were wrong for the user. Privacy controls keep conversation content
  out of reach, so these numbers count requests on the affected paths, not harmed answers.

## Timeline (UTC)

The table below lists every event with its source. Changes take their time from the change log
(when they took effect); chat messages often report them later.

## Detection

No alert fired. Error rates and latency stayed normal, and the daily evals run from one harness
account that sticky routing never sent to the long-context pool; the aggregate coding eval read
flat on {said('Daily coding evals look flat'):{day}}. Support raised a vague report on
{said('feels dumber this week'):{day}} and weekly thumbs-down numbers on
{said('Weekly numbers'):{day}}, and both were judged normal variation: one report without an
example, and a weekly rate with no baseline to compare against. Support reported foreign
characters on {said('foreign characters'):{day}}, but the first explanation (users pasting multilingual context) was plausible and the
team waited for request ids. The incident was declared on {declared:{fmt}}, when reports with
different symptoms from different platforms came together. A per-pool monitor of the
unexpected-script rate would have shown the TPU change within a day, and a check of each model's
pool mix would have shown the misrouting on {routing_on:%Y-%m-%d}.

## Response and recovery

The first lead was the unexpected-script flag: counting it by pool on {proposed:{day}} showed it
concentrated on the tpu pool since the runtime change of {tpu_on:{day}}, which was rolled back at
{tpu_back:{fmt}}, {rollback_hours:.0f} hours after the rollback was proposed. Looking at pools for sim-sonnet-4-6 then showed short-context requests on the
long-context pool, the same users again and again; the routing fix was deployed at
{routing_fix:{fmt}} and rolled out gradually per platform, completing on the first-party API and
Vertex on {change('rollout complete on the first-party API and Vertex'):%Y-%m-%d} and on Bedrock on
{change('rollout complete on Bedrock'):%Y-%m-%d}. The remaining gap of sim-haiku-4-5 on the tpu pool
led to the approximate top-k investigation; the team reproduced it and deployed exact top-k with
fp32 accumulation at {topk_fix:{fmt}}, accepting a small efficiency cost. An unexpected-character
check now runs in the production quality evals.

## Root cause and contributing factors

Triggers. Three changes, each reasonable on its own: enabling the long-context pool in the
sim-sonnet-4-6 routing table ({routing_on:{fmt}}), a TPU runtime performance optimisation for
sampling and approximate top-k on TPU (both {tpu_on:{fmt}}). A fourth change, rebalancing the
load-balancer weights ({balancer:{fmt}}), raised the misrouted share from {share_before:.1%} to
{share_after:.1%}.

Contributing factors:
1. Sticky routing concentrated the harm: a misrouted user stayed misrouted, so a small share of
   requests meant a persistent bad experience for the same users, while averages barely moved.
2. Routing and load-balancer configuration rolled out to all traffic at once, without a canary
   that compared the pool mix and quality of each model before and after. The load-balancer
   change was checked for load, not for where each model's requests went.
3. The TPU optimisation and the approximate top-k change reached all TPU traffic at 00:00 with no
   check for well-formed output (unexpected script, code that parses) and no comparison of
   approximate against exact top-k; the compiler's mixed-precision issue stayed latent until then.
4. The evals could not see it: they run once a day from one account, on a mix of models, so the
   misrouting never reached them and a few points of loss on one slice disappear in the
   aggregate. Flat evals were read as evidence that nothing was wrong.
5. Three bugs with different symptoms on different platforms looked like broad, inconsistent
   noise: Bedrock users saw worse answers without odd characters, Vertex users saw both.
6. User feedback had no per-slice baseline: weekly thumbs-down rates were compared by eye, and a
   single vague report carried no request id, so early signals were dismissed as variation.
7. Privacy controls, rightly, limit access to conversations; without a privacy-preserving way to
   inspect a flagged request's routing and pool, each investigation waited for request ids.

## Lessons learned

### What went well

- The unexpected-script flag and the pool of every request were logged, so impact could be
  measured exactly once the right slice was known, without reading user content.
- The TPU rollback took effect {rollback_hours:.0f} hours after it was proposed, and support
  kept escalating with numbers.

### What went badly

- Detection took {days_to_detect:.0f} days and came from users, not monitoring.
- Early reports were judged one at a time against flat dashboards instead of against each slice's
  own baseline.
- The misrouting was found only after the TPU rollback, {(misrouting_found - balancer) / one_day:.0f}
  days after the load-balancer change had made it worse.

### Where we got lucky

- The corruption was visible (foreign characters), which gave support a concrete symptom; a
  subtler corruption could have run for weeks.
- Misrouting started at a low rate; had the load-balancer change come first, many more users
  would have been affected from day one.
"""
''',
    factors_scheme=r"""
Expected factors (the model report lists seven; full marks need most of them, each tied to evidence
from the tables or the chat, and the trigger separated from the conditions):
- sticky routing concentrates harm on the same users while averages barely move;
- configuration (routing table, load balancer) rolled out to all traffic at once, no canary
  comparing each model's pool mix or quality; the 29 Aug change was checked for load only;
- TPU changes at 00:00 to all TPU traffic with no output well-formedness check, no
  approximate-vs-exact top-k comparison; a latent compiler issue exposed by a latency change;
- evals blind: one daily run, one harness account (never misrouted), aggregate over models and
  pools; the flat coding eval (82.1% vs 83.5%) read as "nothing is wrong";
- overlapping bugs with platform-specific symptoms (Bedrock: worse answers, no odd characters;
  Vertex: both) looked like noise;
- feedback without per-slice baselines or request ids: the 7 Aug and 12 Aug signals judged
  normal variation, the 26 Aug foreign-character reports attributed to pasted context;
- privacy controls (rightly) limit access to conversations; no privacy-preserving way to inspect
  a flagged request's routing.
""",
    references=r"""
- Anthropic (17 September 2025). *A postmortem of three recent issues.* Anthropic engineering
  blog. (the incident this scenario mirrors)
""",
)


APR2026 = Scenario(
    name="apr2026",
    title="Quality reports about an agent product, March-April 2026 (a simulation)",
    story=r"""
You are the on-call engineer of a (fictional) command-line coding agent built on three simulated
models (`sim-sonnet-4-6`, `sim-haiku-4-5` and, from mid-April, `sim-opus-4-7`). From March 2026
users reported that the agent got "lazier", forgot context after a break, repeated tool calls,
drained usage limits and, later, gave terse answers. The API and the models were not changed;
internal evals and staff sessions looked fine. The incident is over; your team's post-mortem
review meeting is on **2026-04-24** and you write the report.

The data mirrors Anthropic's update of 23 April 2026, "An update on recent Claude Code quality
reports": three product-layer changes, each on its own slice of traffic and its own schedule. The
sessions, the people's roles and every number are simulated.
""",
    review_date="2026-04-24",
    key_events={
        "low_default_effort_onset": "the change that lowered the agent's default reasoning effort",
        "thinking_dropped_onset": "the change behind forgetfulness after a session resumes from idle",
        "incident_declared": "the incident is declared",
        "low_default_effort_reverted": "the default effort is restored",
        "thinking_dropped_fix": "the fix for the idle-resume change is released",
        "new_model_launch": "sim-opus-4-7 is launched in the product",
        "brevity_prompt_onset": "the system-prompt change that made sim-opus-4-7 terse",
        "brevity_prompt_reverted": "the terse-answer change is reverted",
        "all_fixes_released": "the release that ships all three fixes",
        "usage_limits_reset": "usage limits are reset for all subscribers",
    },
    logged=(
        "low_default_effort_onset",
        "thinking_dropped_onset",
        "incident_declared",
        "low_default_effort_reverted",
        "thinking_dropped_fix",
        "new_model_launch",
        "brevity_prompt_onset",
        "brevity_prompt_reverted",
        "all_fixes_released",
        "usage_limits_reset",
    ),
    measured=(),
    impact={
        "median_thinking_tokens_high_before": Measure(
            "the median `thinking_tokens` of turns at effort `high` before the default-effort change",
            ("median_thinking_tokens_high_before",),
            0.02,
            relative=True,
        ),
        "median_thinking_tokens_lowered": Measure(
            "the median `thinking_tokens` of turns at effort `medium` from the default-effort "
            "change until it was reverted",
            ("median_thinking_tokens_lowered",),
            0.02,
            relative=True,
        ),
        "sessions_thinking_dropped_share": Measure(
            "among the sessions with at least one turn while the idle-resume change was live (from "
            "that change until its fix), the share (a fraction) with at least one turn that comes "
            "after an idle resume in the same session (a turn with `idle_before_min` > 60 earlier "
            "in that session, in the same window)",
            ("sessions_thinking_dropped_share",),
            0.005,
        ),
        "days_to_fix_low_default_effort": Measure(
            "days from the default-effort change to its revert",
            ("days_onset_to_fix", "low_default_effort"),
            0.1,
        ),
        "days_to_fix_thinking_dropped": Measure(
            "days from the idle-resume change to the release of its fix",
            ("days_onset_to_fix", "thinking_dropped"),
            0.1,
        ),
        "days_to_fix_brevity_prompt": Measure(
            "days from the terse-answer system-prompt change to its revert",
            ("days_onset_to_fix", "brevity_prompt"),
            0.1,
        ),
    },
    impact_groups=(
        (
            "q3-impact-sessions-test",
            10,
            (
                "median_thinking_tokens_high_before",
                "median_thinking_tokens_lowered",
                "sessions_thinking_dropped_share",
            ),
        ),
        (
            "q3-impact-durations-test",
            6,
            (
                "days_to_fix_low_default_effort",
                "days_to_fix_thinking_dropped",
                "days_to_fix_brevity_prompt",
            ),
        ),
    ),
    regressions={
        "low_default_effort": "the default reasoning effort lowered from high to medium",
        "thinking_dropped": "older thinking cleared on every turn after an idle resume",
        "brevity_prompt": "a system-prompt instruction that made sim-opus-4-7 terse",
    },
    explore=r"""
# Not graded: a first look. The change log and the on-call chat are short: read them whole.
display(changes[["time", "change_id", "component", "description", "author_role", "kind"]])
print(incidents.load_oncall(SCENARIO))

# A sample of user feedback (drawn with your seed: your sample differs from your classmates').
sample = feedback[feedback["text"] != ""].sample(12, random_state=SEED).sort_values("time")
display(sample[["time", "platform", "model", "kind", "text"]])

# Daily median thinking tokens per turn and the share of bad turns.
daily = requests.assign(day=requests["time"].dt.floor("D")).groupby("day")
fig, (left_ax, right_ax) = plt.subplots(1, 2, figsize=(11, 3.4))
daily["thinking_tokens"].median().plot(ax=left_ax)
daily["bad"].mean().rolling(3, min_periods=1).mean().plot(ax=right_ax)
left_ax.set(xlabel="day (UTC)", ylabel="median thinking tokens per turn")
right_ax.set(xlabel="day (UTC)", ylabel="share of bad turns (3-day mean)")
fig.tight_layout()
display(fig)
plt.close(fig)
""",
    timeline_solution=r'''
def when(table, column, text):
    """The time (UTC) of the first row of `table` whose `column` contains `text`."""
    return table.loc[table[column].str.contains(text, regex=False), "time"].min()


def change(text):
    return when(changes, "description", text)


def said(text):
    return when(oncall, "message", text)


rows = [
    (change("default effort medium instead of high"), "low_default_effort_onset",
     "Default effort lowered from high to medium because long thinking made the interface look frozen", "change log"),
    (change("status line shows the current effort"), "",
     "Status line starts showing the effort level; most users keep the default", "change log"),
    (said("got 'lazier'"), "",
     "Support collects reports that the agent got lazier, mostly from users on the default effort", "on-call chat"),
    (said("Median thinking tokens per turn"), "",
     "On-call sees median thinking tokens fall since the effort change; internal evals flat, judged expected", "on-call chat"),
    (change("clear older thinking once"), "thinking_dropped_onset",
     "Idle-resume change deployed: older thinking is to be cleared once when a session resumes after an hour", "change log"),
    (said("forgets context after users come back"), "",
     "Support reports forgetting after breaks, repeated tool calls and fast-draining usage limits", "on-call chat"),
    (said("Cannot reproduce"), "",
     "On-call cannot reproduce on the internal build; evals flat", "on-call chat"),
    (said("A public issue"), "",
     "A public issue with a user-side analysis of session logs reports much shorter thinking", "on-call chat"),
    (said("Declaring an incident"), "incident_declared",
     "Incident declared: broad, inconsistent quality reports that internal tests do not reproduce", "on-call chat"),
    (said("Cache-miss rate since 26 Mar"), "",
     "On-call finds every turn after an idle resume misses the cache: the context is being cleared", "on-call chat"),
    (change("restore default effort"), "low_default_effort_reverted",
     "Default effort restored to high (xhigh for the next large model)", "change log"),
    (said("Found it"), "",
     "Root cause of forgetfulness found: older thinking cleared on every later turn, not once", "on-call chat"),
    (change("clear older thinking only on the resume turn"), "thinking_dropped_fix",
     "Fix released: older thinking cleared only on the resume turn (2.1.101)", "change log"),
    (change("launch sim-opus-4-7"), "new_model_launch",
     "sim-opus-4-7 launched in the agent product", "change log"),
    (change("keep text between tool calls"), "brevity_prompt_onset",
     "Length limits added to the sim-opus-4-7 system prompt to cut verbosity", "change log"),
    (said("too terse"), "",
     "Support reports that sim-opus-4-7 answers are too terse", "on-call chat"),
    (said("agent-harness on sim-opus-4-7"), "",
     "Eval shows a drop of about one standard error per day on sim-opus-4-7; a broader ablation starts", "on-call chat"),
    (change("revert the length limits"), "brevity_prompt_reverted",
     "Length limits reverted", "change log"),
    (change("release 2.1.116"), "all_fixes_released",
     "Release 2.1.116 ships all three fixes", "change log"),
    (change("reset usage limits"), "usage_limits_reset",
     "Usage limits reset for all subscribers after the public update", "change log"),
]
timeline = pd.DataFrame(rows, columns=TIMELINE_COLUMNS).sort_values(
    "time", kind="stable", ignore_index=True
)
''',
    impact_solution=r"""
effort_on = change("default effort medium instead of high")
effort_back = change("restore default effort")
thinking_on = change("clear older thinking once")
thinking_fix = change("clear older thinking only on the resume turn")
brevity_on = change("keep text between tool calls")
brevity_back = change("revert the length limits")
one_day = pd.Timedelta(days=1)

before = requests[(requests["time"] < effort_on) & (requests["effort"] == "high")]
lowered = requests[
    (requests["time"] >= effort_on) & (requests["time"] < effort_back) & (requests["effort"] == "medium")
]
live = requests[(requests["time"] >= thinking_on) & (requests["time"] < thinking_fix)]
live = live.sort_values(["session_id", "turn"], kind="stable")
resumed = (live["idle_before_min"] > 60).astype(int)
after_resume = live[(resumed.groupby(live["session_id"]).cumsum() - resumed) > 0]
impact = {
    "median_thinking_tokens_high_before": float(before["thinking_tokens"].median()),
    "median_thinking_tokens_lowered": float(lowered["thinking_tokens"].median()),
    "sessions_thinking_dropped_share": after_resume["session_id"].nunique() / live["session_id"].nunique(),
    "days_to_fix_low_default_effort": (effort_back - effort_on) / one_day,
    "days_to_fix_thinking_dropped": (thinking_fix - thinking_on) / one_day,
    "days_to_fix_brevity_prompt": (brevity_back - brevity_on) / one_day,
}
""",
    actions_solution=r"""
def due(days):
    return (REVIEW_DATE + pd.Timedelta(days=days)).date()


action_items = pd.DataFrame(
    [
        ("Require an eval run at both the old and the new value, with a power analysis, for any "
         "change to a default setting, and publish the trade-off in the change description",
         "prevent", "low_default_effort", "agent product lead", "P1", due(49)),
        ("Alert when median thinking tokens per turn on any model and client version moves more "
         "than three standard deviations from its 28-day baseline",
         "detect", "low_default_effort", "observability lead", "P1", due(49)),
        ("Add a test that resumes a session after an hour idle and checks that later turns keep "
         "their thinking and hit the prompt cache",
         "prevent", "thinking_dropped", "context management lead", "P0", due(21)),
        ("Alert on the cache-miss rate of turns that follow an idle resume, per client version, "
         "against the rate of other later turns",
         "detect", "thinking_dropped", "observability lead", "P0", due(21)),
        ("Run broad per-model eval suites and an ablation for every system-prompt change before "
         "release, and roll it out gradually with a soak period",
         "prevent", "brevity_prompt", "model launch lead", "P0", due(21)),
        ("Move a share of staff to the exact public build every week, so internal use sees what "
         "users see",
         "process", "detection", "developer productivity lead", "P1", due(49)),
        ("Track user reports per slice (model, client version, effort, resumed sessions) on a "
         "control chart, so scattered reports are tested against each slice's own baseline",
         "detect", "detection", "support operations lead", "P2", due(120)),
        ("Add a check of every product-layer change in the last 30 days, with its slice and "
         "schedule, as the first step of the quality-incident runbook",
         "process", "response", "incident management lead", "P2", due(90)),
    ],
    columns=ACTION_COLUMNS,
)
""",
    prose_solution=r'''
declared = said("Declaring an incident")
fixed_all = change("release 2.1.116")
days_to_detect = (declared - effort_on) / one_day
day = "%Y-%m-%d"
cache_after = after_resume["cache_miss"].mean()
cache_other = live.loc[(live["turn"] > 1) & ~live.index.isin(after_resume.index), "cache_miss"].mean()
fmt = "%Y-%m-%d %H:%M UTC"

report_prose = f"""
## Summary

From {effort_on:{fmt}} to {fixed_all:{fmt}}, three product-layer changes made the agent's answers
worse for different users at different times, while the API and the models were unchanged. The
default reasoning effort was lowered from high to medium for
{impact['days_to_fix_low_default_effort']:.0f} days; an idle-resume change cleared older thinking
on every later turn of a resumed session for {impact['days_to_fix_thinking_dropped']:.0f} days
({impact['sessions_thinking_dropped_share']:.1%} of active sessions); and a system-prompt
instruction made sim-opus-4-7 terse for {impact['days_to_fix_brevity_prompt']:.0f} days. All three
were reverted or fixed, and usage limits were reset for every subscriber.

## Impact

- Lower default effort: the median thinking per turn fell from
  {impact['median_thinking_tokens_high_before']:.0f} tokens (turns at high effort before the
  change) to {impact['median_thinking_tokens_lowered']:.0f} tokens (turns at medium effort while
  it was the default); most users never changed the default.
- Idle-resume change: {impact['sessions_thinking_dropped_share']:.1%} of the sessions active
  while it was live had turns after an idle resume; {cache_after:.0%} of those turns missed the
  prompt cache against {cache_other:.0%} of other later turns, so these users also used up their
  limits faster.
- Terse answers: every sim-opus-4-7 turn from the launch until the revert.
- The incident was declared {days_to_detect:.0f} days after the first change. Measured from the
  session logs (thinking tokens, cache misses, idle gaps), not from conversation content.

## Timeline (UTC)

The table below lists every event with its source. Changes take their time from the change log.

## Detection

No alert fired: the API and the models were unchanged, error rates were normal, and internal evals
and staff sessions did not reproduce the problems, partly because staff ran a different build.
Support collected reports of a lazier agent by {said("got 'lazier'"):{day}} and reports of
forgetting after breaks by {said('forgets context after users come back'):{day}}, but each looked
like ordinary variation in feedback, and the drop in thinking tokens was read as the expected
effect of the new default. A public user analysis of session logs, raised in the chat on
{said('A public issue'):{day}}, gave the clearest signal; the incident was declared on {declared:{fmt}}.

## Response and recovery

The team split the reports by slice. The default effort was restored at {effort_back:{fmt}}. The
cache-miss rate of turns after an idle resume pointed at the context-management change; the root
cause was found on {said('Found it'):{day}} and the fix released at {thinking_fix:{fmt}}. The terse answers of
sim-opus-4-7 appeared after its launch, an ablation confirmed a drop, and the length limits were
reverted at {brevity_back:{fmt}}; release 2.1.116 shipped all three fixes and usage limits were
reset for all subscribers.

## Root cause and contributing factors

Triggers. Three changes, each made for a good reason: a lower default effort to make the interface
feel responsive ({effort_on:{fmt}}); clearing older thinking once after an idle resume to save
cache writes ({thinking_on:{fmt}}), which cleared it on every later turn instead; and length
limits in sim-opus-4-7's system prompt to cut verbosity ({brevity_on:{fmt}}).

Contributing factors:
1. The default-effort change was judged on internal evals that showed a small loss against a large
   latency gain; the trade-off for users who never change defaults was not measured.
2. The idle-resume path is a narrow corner case (a session resumed after more than an hour) that
   no test exercised; code review, unit tests and dogfooding all passed.
3. Staff ran a different build from the public one, so internal use could not reproduce the
   reports.
4. Each change hit a different slice of traffic on a different schedule, so together they looked
   like broad, inconsistent degradation rather than three distinct problems.
5. Feedback had no per-slice baseline (model, client version, effort, resumed sessions), so
   scattered reports were read as normal variation.
6. The system-prompt change passed the evals that were run; only broader ablations during the
   investigation found the drop.

## Lessons learned

### What went well

- Session logs kept thinking tokens, cache misses and idle gaps, so each change's impact could be
  measured without reading conversation content.
- Once the slices were separated, each fix took days, and users were made whole with a reset of
  usage limits.

### What went badly

- Detection took {days_to_detect:.0f} days and the clearest analysis came from a user, not from our
  monitoring.
- The drop in thinking tokens was visible early and was explained away as expected.

### Where we got lucky

- A user published a careful analysis of their own session logs; without it detection could have
  taken weeks longer.
- The terse-answer change was caught within days because it hit a newly launched model that many
  users were watching closely.
"""
''',
    factors_scheme=r"""
Expected factors (the model report lists six; full marks need most of them, each tied to evidence
from the tables or the chat, and the triggers separated from the conditions):
- the default-effort trade-off judged on internal evals (small loss, large latency gain) without
  measuring users who keep defaults; the status-line change did not change behaviour;
- the idle-resume corner case untested (review, unit tests and dogfooding passed);
- staff on a different build from the public one;
- three changes on three slices and schedules looked like one broad, inconsistent degradation;
- feedback without per-slice baselines; the thinking-token drop read as expected;
- system-prompt change evaluated too narrowly; only broader ablations found the drop.
""",
    references=r"""
- Anthropic (23 April 2026). *An update on recent Claude Code quality reports.* Anthropic
  engineering blog. (the incident this scenario mirrors)
""",
)

SCENARIOS = {s.name: s for s in (SEP2025, APR2026)}


# ---------------------------------------------------------------------------- hidden code
# The hidden tests carry the truth they grade against as literals, read at build time from
# autograder.incident_truth.truth(scenario): grading kernels run in a sandbox that exposes the
# course library but not the autograder package, and a literal costs no second of generator
# time per submission. tests/autograder/test_lab4.py checks that the committed notebook is what
# this script builds from the current generator, so the literals cannot drift from the truth.
def expected_times(s: Scenario) -> dict[str, str]:
    """Key event id -> its true time (ISO, UTC), for the graded key events."""
    from autograder.incident_truth import truth

    return {k: truth(s.name).event(k).time.isoformat() for k in (*s.logged, *s.measured)}


def expected_impact(s: Scenario) -> dict[str, float]:
    """Impact field -> its true value."""
    from autograder.incident_truth import truth

    values: dict[str, float] = {}
    for name, measure in s.impact.items():
        value = truth(s.name).impact
        for step in measure.truth_path:
            value = value[step]
        values[name] = float(value)
    return values


def _hidden_times(s: Scenario, ids: tuple[str, ...], hint: str) -> str:
    """Hidden check: each key event of `ids` within an hour of the truth."""
    truth = {k: v for k, v in expected_times(s).items() if k in ids}
    return rf"""
_h_true_times = {truth!r}
_h_by_key = {{}}
for _h_k, _h_t in zip(timeline["key"].tolist(), timeline["time"].tolist()):
    if isinstance(_h_k, str) and _h_k:
        _h_by_key[_h_k] = _h_t
for _h_id, _h_iso in _h_true_times.items():
    _h_mine = _h_by_key.get(_h_id)
    _h_hours = (abs((_h_mine - pd.Timestamp(_h_iso)) / pd.Timedelta(hours=1))
                if _h_mine is not None else float("inf"))
    check(_h_hours <= 1.0, f"the time of key event {{_h_id!r}} in your timeline",
          expected="within 1 hour of the time the evidence shows",
          found=f"{{_h_mine}} ({{_h_hours:.1f}} hours away)",
          hint={hint!r})
"""


def _hidden_impact(s: Scenario, fields: tuple[str, ...]) -> str:
    truth = expected_impact(s)
    spec = {n: (truth[n], s.impact[n].tolerance, s.impact[n].relative) for n in fields}
    return rf"""
for _h_name, (_h_value, _h_tol, _h_relative) in {spec!r}.items():
    _h_yours = impact.get(_h_name) if isinstance(impact, dict) else None
    _h_ok = isinstance(_h_yours, (int, float)) and not isinstance(_h_yours, bool) and (
        abs(_h_yours - _h_value) <= (_h_tol * abs(_h_value) if _h_relative else _h_tol))
    check(_h_ok, f"impact[{{_h_name!r}}]",
          expected=(f"the value the data gives, within {{_h_tol:.0%}}" if _h_relative
                    else f"the value the data gives, within {{_h_tol:g}}"),
          found=_h_yours,
          hint="reread the definition in IMPACT_FIELDS: the window, the slice and the denominator")
"""


# ---------------------------------------------------------------------------- cells
def _setup(s: Scenario) -> str:
    events = "\n".join(f"    {k!r}: {v!r}," for k, v in s.key_events.items())
    fields = "\n".join(f"    {k!r}: {m.description!r}," for k, m in s.impact.items())
    regressions = "\n".join(f"    {k!r}: {v!r}," for k, v in s.regressions.items())
    return rf"""
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import labkit.student
from labkit import incidents
from labkit.blameless import check_blameless, format_findings
from labkit.checks import check, check_close, check_type
from labkit.postmortem import (
    ACTION_COLUMNS, ACTION_KINDS, PRIORITIES, PRIORITY_DEADLINE_DAYS, TIMELINE_COLUMNS,
    action_problems, check_action_items, check_blameless_text, check_impact, check_sections, check_timeline,
    render_report, word_count,
)

STUDENT = labkit.student.student_id()
SEED = labkit.student.student_seed("{LAB}")

SCENARIO = {s.name!r}
requests = incidents.load("requests", SCENARIO)
changes = incidents.load("changes", SCENARIO)
evals = incidents.load("evals", SCENARIO)
feedback = incidents.load("feedback", SCENARIO)
oncall = incidents.load("oncall", SCENARIO)
DATA_START = requests["time"].min().floor("D")
DATA_END = requests["time"].max().ceil("D")
REVIEW_DATE = pd.Timestamp({s.review_date!r}, tz="UTC")   # the post-mortem review meeting

# The key events your timeline must contain (one row each, with this key in its `key` column).
KEY_EVENTS = {{
{events}
}}
# The impact numbers your record must contain, and exactly what each one counts.
IMPACT_FIELDS = {{
{fields}
}}
# What an action item can address: one of the regressions, or detection and response in general.
REGRESSIONS = {{
{regressions}
}}
ADDRESSES = [*REGRESSIONS, "detection", "response"]

print(f"student: {{STUDENT}}")
print(f"seed:    {{SEED}}")
print(f"scenario {{SCENARIO}}: {{len(requests):,}} requests from {{DATA_START:%Y-%m-%d}} to {{DATA_END:%Y-%m-%d}} (UTC)")
for name, table in (("changes", changes), ("evals", evals), ("feedback", feedback), ("oncall", oncall)):
    print(f"{{name:>9}}: {{len(table):,}} rows, columns {{list(table.columns)}}")
"""


def build_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    timeline_points = (12, 6) if s.measured else (18, 0)
    auto = 6 + sum(timeline_points) + sum(p for _, p, _ in s.impact_groups) + 8 + 6 + 8 + 10
    cells = [
        text(
            "intro",
            rf"""
# Lab 4: Write the post-mortem

An incident is expensive: users lost time and trust, engineers lost sleep. A *post-mortem* is how
a team gets something back for that price: a written record of what happened, what it cost, how
it was mitigated, why it happened, and what will change. In this lab you write one, for a
simulated incident, from the evidence a real team would have: request logs, a change log, eval
runs, user feedback and the on-call chat.

**The incident: {s.title}.**
{s.story.strip()}

**You will learn to**
1. build a timeline in UTC from several sources, and tell when a change took effect from when
   someone talked about it;
2. measure an incident's impact with numbers that say exactly what they count;
3. separate the triggers of an incident from the conditions that let them cause harm and go
   unnoticed (contributing factors);
4. write action items that change systems, each with an owner role, a priority and a due date;
5. write blamelessly: about roles and systems, never about people.

**Time:** 90-120 minutes, most of it reading and writing. The code runs in a few seconds.

**How to work**
- Run the cells from top to bottom. Write code only where you see `# YOUR CODE HERE` (delete the
  `raise NotImplementedError()` line). Keep the names the instructions ask for (`timeline`,
  `impact`, `action_items`, `report_prose`): the tests look them up by name.
- After each exercise, run the test cell below it. A failed check says what it *expected*, what it
  *found*, and gives a *hint*. The helpers the checks use are yours too: `check_timeline`,
  `check_impact`, `check_action_items`, `check_sections` and `check_blameless` (from
  `labkit.postmortem` and `labkit.blameless`).
- Before you hand in: *Kernel > Restart Kernel and Run All Cells*, and check that every test cell
  runs without an error.

**How grading works (100 points)**
- {auto} points are graded automatically. The hidden tests compare your timeline and your impact
  numbers with what the data really shows (times within one hour, numbers within a small
  tolerance), check that your action items are complete and that every section of the report is
  there, and run the blameless-language check on everything you wrote. A test cell scores all its
  points or none.
- {100 - auto} points are graded by a person with a mark scheme (section 6): the depth of your
  contributing factors, the quality of your action items, and the clarity of the report.
- A test cell that writes *anything* to stderr (a Python warning, for example) scores zero.

**Everyone investigates the same incident.** The data is the same for the whole class; what you
write is yours. The feedback sample in section 1 is drawn with your own seed.

**The template.** `postmortem-template.md`, next to this notebook, is a post-mortem template you
can reuse at work (CC BY 4.0). This lab follows it.
""",
        ),
        given("setup", _setup(s)),
        text(
            "s1-text",
            r"""
## 1. Read the evidence (no points)

A post-mortem starts with reading, not writing. You have five tables (their times are UTC):

| table | one row per | what it tells you |
|---|---|---|
| `requests` | request | who sent it (`user`, a hash), `model`, `platform`, serving `pool`, tokens, latency, a quality signal, `bad`, `unexpected_script` |
| `changes` | change to the system | when it took effect (`time`), the `component`, a neutral `description`, the `author_role`, its `kind` |
| `evals` | daily eval run | `suite`, `model`, `score` and its standard error |
| `feedback` | user report | thumbs-down or bug report, with an optional text |
| `oncall` | chat message | what the team saw and decided, by `role` |

Read the change log and the chat whole (they are short), skim the feedback, and look at the
requests by platform, model and pool. Ask "what happened, and how did it look at the time?"
Then write.
""",
        ),
        given("s1-explore", s.explore),
    ]
    cells += _timeline_cells(s, timeline_points)
    cells += _impact_cells(s)
    cells += _action_cells(s)
    cells += _prose_cells(s)
    cells += _report_and_manual_cells(s)
    return cells


def _timeline_cells(s: Scenario, points: tuple[int, int]) -> list[nbformat.NotebookNode]:
    logged_points, measured_points = points
    cells = [
        text(
            "s2-text",
            rf"""
## 2. The timeline, in UTC ({sum(points) + 6} points)

A timeline is the backbone of a post-mortem: every other section points back to it. Write it in
UTC, always: logs, change tools and other teams use UTC, and a timeline that mixes time zones gives
wrong durations. Give every entry a source so that a reader can check it, and include decision
points and moments of confusion ("on-call sees flat error rates and suspects the users' prompts"),
not only actions.

### Exercise 2
Build a pandas DataFrame `timeline` with exactly the columns `TIMELINE_COLUMNS`
(`{", ".join(f"'{c}'" for c in ("time", "key", "event", "source"))}`), one row per event, sorted
from oldest to newest:
- `time`: tz-aware UTC timestamps (the tables' `time` columns already are; for a time you type,
  use `pd.Timestamp("2025-01-31 14:05", tz="UTC")`);
- `key`: for each of the key events in `KEY_EVENTS`, exactly one row with that key; `""` for
  every other row;
- `event`: what happened, in a few words of your own, blamelessly (roles and systems, no names);
- `source`: where you found it, e.g. `"change log"`, `"on-call chat"`, `"request log"`,
  `"feedback"`.

Besides the key events, add **at least 5** other events that matter to the story: the first user
reports, the moments when a signal was dismissed, the findings that led to each fix.

Take the time of a change from the change log (when it took effect); the chat often reports
changes later. Compute every time from the tables rather than typing it: for example
`changes.loc[changes["description"].str.contains("..."), "time"].min()`. Times are checked to
within one hour of what the evidence shows.

Key events to find:
"""
            + "\n".join(f"- `{k}`: {v}" for k, v in s.key_events.items()),
        ),
        answer(
            "q2-timeline",
            '# timeline = pd.DataFrame(rows, columns=TIMELINE_COLUMNS).sort_values("time", ignore_index=True)\n'
            "### BEGIN SOLUTION\n" + s.timeline_solution.strip("\n") + "\n### END SOLUTION\n"
            'with pd.option_context("display.max_colwidth", 120):\n'
            "    display(timeline)",
        ),
        tests(
            "q2-timeline-test",
            6,
            r"""
# Visible self-checks: the shape of the timeline.
check_timeline(timeline, keys=list(KEY_EVENTS), start=DATA_START, end=DATA_END)
your_keys = set(k for k in timeline["key"].tolist() if isinstance(k, str) and k)
check(your_keys == set(KEY_EVENTS), "the keys in timeline['key']",
      expected="each key of KEY_EVENTS, once", found=f"missing: {sorted(set(KEY_EVENTS) - your_keys)}",
      hint="one row per key event, with its key in the key column")
other_events = sum(1 for k in timeline["key"].tolist() if not (isinstance(k, str) and k))
check(other_events >= 5, "the events that are not key events", expected="at least 5 rows with key ''",
      found=other_events, hint="first reports, dismissed signals, findings that led to a fix")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_col = timeline["time"]
check(isinstance(_h_col.dtype, pd.DatetimeTZDtype) and str(_h_col.dt.tz) == "UTC",
      "the time zone of timeline['time']", expected="UTC", found=str(_h_col.dtype),
      hint="pd.to_datetime(..., utc=True) or .dt.tz_convert('UTC')")
check(bool(_h_col.is_monotonic_increasing), "the order of the timeline rows",
      expected="oldest first", found="rows out of order", hint="sort_values('time', ignore_index=True)")
check(bool(_h_col.max() <= REVIEW_DATE + pd.Timedelta(days=1)), "the last event of the timeline",
      expected="no later than the review meeting", found=_h_col.max(),
      hint="the timeline ends with the last recovery step")
_h_named = [_h_k for _h_k in timeline["key"].tolist() if isinstance(_h_k, str) and _h_k]
check(sorted(_h_named) == sorted(KEY_EVENTS), "the key column",
      expected="every key event exactly once", found=sorted(_h_named), hint="one row per key event")
_h_texts = [_h_e for _h_e in timeline["event"].tolist() if isinstance(_h_e, str)]
check(len(set(_h_texts)) == len(timeline), "the event descriptions",
      expected="a different description on every row", found=f"{len(set(_h_texts))} different of {len(timeline)}",
      hint="say what happened at each moment")
### END HIDDEN TESTS
""",
        ),
        tests(
            "q2-timeline-logged-test",
            logged_points,
            rf"""
# Visible self-checks: the key events taken from the change log and the chat sit at a time the
# evidence shows (the hidden tests check that it is the right one, within one hour).
LOGGED_EVENTS = {list(s.logged)!r}
evidence_minutes = set(changes["time"].dt.floor("min")) | set(oncall["time"].dt.floor("min"))
for key in LOGGED_EVENTS:
    rows = timeline[timeline["key"] == key]
    check(len(rows) == 1, f"the row of key event {{key!r}}", expected="one row", found=len(rows),
          hint="one row per key event")
    moment = rows["time"].iloc[0]
    check(moment.floor("min") in evidence_minutes, f"the time of key event {{key!r}}",
          expected="the time of a change or of a chat message", found=moment,
          hint="take the time from the table, do not type it")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
"""
            + _hidden_times(
                s,
                s.logged,
                "take a change's time from the change log (when it took effect); the chat often "
                "reports changes later",
            )
            + "### END HIDDEN TESTS\n",
        ),
    ]
    if s.measured:
        cells.append(
            tests(
                "q2-timeline-measured-test",
                measured_points,
                rf"""
# Visible self-checks: the key events you measured in the request log.
MEASURED_EVENTS = {list(s.measured)!r}
for key in MEASURED_EVENTS:
    moment = timeline.loc[timeline["key"] == key, "time"].iloc[0]
    check(moment == moment.floor("h"), f"the time of key event {{key!r}}",
          expected="the start of a clock hour (minutes and seconds 0)", found=moment,
          hint="group the requests by time.dt.floor('h')")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
"""
                + _hidden_times(
                    s,
                    s.measured,
                    "share = misrouted requests / all requests of that model in the hour, over "
                    "hours with at least 20 of them",
                )
                + "### END HIDDEN TESTS\n",
            )
        )
    return cells


def _impact_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    points = sum(p for _, p, _ in s.impact_groups)
    fields = "\n".join(f"- `{k}`: {m.description}" for k, m in s.impact.items())
    cells = [
        text(
            "s3-text",
            rf"""
## 3. Impact in numbers ({points} points)

"Some users saw worse answers" tells a reader nothing they can act on. An impact section gives
numbers, and says exactly what each one counts: which requests or users, in which window, out of
what. A share without its denominator is not a number.

### Exercise 3
Compute a dict `impact` with one entry per key of `IMPACT_FIELDS`, each a Python `int` or `float`
computed from the tables (shares as fractions between 0 and 1, not percentages; durations in
days, e.g. `(fix_time - onset_time) / pd.Timedelta(days=1)`). Windows run from the first moment
(included) to the second (excluded). Numbers are checked against the data with a small tolerance.

{fields}

You may add more entries of your own; only these are graded.
""",
        ),
        answer(
            "q3-impact",
            "# impact = {...}\n### BEGIN SOLUTION\n"
            + s.impact_solution.strip("\n")
            + "\n### END SOLUTION\n"
            "for name in IMPACT_FIELDS:\n"
            '    print(f"{name:>32}: {impact.get(name)}")',
        ),
    ]
    for grade_id, group_points, names in s.impact_groups:
        cells.append(
            tests(
                grade_id,
                group_points,
                rf"""
# Visible self-checks: every number is there, finite and in range.
FIELDS = {list(names)!r}
check_impact(impact, FIELDS)
for name in FIELDS:
    if name.startswith("days_to_fix"):
        check(0 < impact[name] < 120, f"impact[{{name!r}}]", expected="a duration in days",
              found=impact[name], hint="divide a Timedelta by pd.Timedelta(days=1)")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
"""
                + _hidden_impact(s, names)
                + "### END HIDDEN TESTS\n",
            )
        )
    return cells


def _action_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    from labkit.postmortem import PRIORITY_DEADLINE_DAYS

    deadlines = ", ".join(f"{p}: {d} days" for p, d in PRIORITY_DEADLINE_DAYS.items())
    return [
        text(
            "s4-text",
            rf"""
## 4. Action items (14 points)

Accountability in a blameless post-mortem lives in the action items. A good action item changes a
system (a check, a test, a default, a pipeline, an alert, a dashboard), not a person: "be more
careful" and "retrain the engineer" are not actions. It is specific enough that someone can tell
when it is done, and it has one owner (a role), a priority and a due date.

### Exercise 4
Build a pandas DataFrame `action_items` with exactly the columns `ACTION_COLUMNS`, one action per
row:
- `action`: what changes, where, and how you will know it is done (at least 8 words);
- `kind`: one of `ACTION_KINDS` (`prevent` a recurrence, `detect` faster, `mitigate` the harm,
  improve the `process`);
- `addresses`: one of `ADDRESSES`: a regression of `REGRESSIONS`, or `"detection"` or
  `"response"`;
- `owner_role`: a role such as `"serving platform lead"`, never a person's name or @handle;
- `priority`: one of `PRIORITIES` (`P0` most urgent);
- `due`: a date after `REVIEW_DATE`, within the priority's deadline counted from the review
  ({deadlines}; P0 and P1 follow Atlassian's 4- and 8-week objectives for priority actions).

The set must be complete: at least 5 actions; every regression gets at least one `prevent` or
`mitigate` action, and at least one `detect` action addresses `"detection"`. The person who
grades section 6 also reads these for quality.
""",
        ),
        answer(
            "q4-actions",
            "# action_items = pd.DataFrame([...], columns=ACTION_COLUMNS)\n### BEGIN SOLUTION\n"
            + s.actions_solution.strip("\n")
            + "\n### END SOLUTION\n"
            'with pd.option_context("display.max_colwidth", 100):\n'
            "    display(action_items)",
        ),
        tests(
            "q4-actions-test",
            8,
            r"""
# Visible self-checks: every row is a complete action item.
check_action_items(action_items, review_date=REVIEW_DATE, addresses=ADDRESSES)
check(len(action_items) >= 5, "the number of action items", expected="at least 5",
      found=len(action_items), hint="one per contributing factor you found, at least")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_found = action_problems(action_items, review_date=REVIEW_DATE, addresses=ADDRESSES)
check(not _h_found, "the action items", expected="no problems", found=_h_found[:3],
      hint="run check_action_items(...) and fix what it reports")
_h_days = [(pd.Timestamp(_h_d).tz_localize(None) - REVIEW_DATE.tz_localize(None)).days
           for _h_d in action_items["due"].tolist()]
check(min(_h_days) >= 1 and len(action_items) >= 5, "the due dates and the number of actions",
      expected="at least 5 actions, all due after the review", found=(len(action_items), min(_h_days)),
      hint="due dates count from REVIEW_DATE")
### END HIDDEN TESTS
""",
        ),
        tests(
            "q4-actions-coverage-test",
            6,
            r"""
# Visible self-checks: the set of actions covers the incident.
for name in REGRESSIONS:
    fixes = action_items[(action_items["addresses"] == name)
                         & action_items["kind"].isin(["prevent", "mitigate"])]
    check(len(fixes) >= 1, f"the actions for {name!r}", expected="at least one prevent or mitigate action",
          found=len(fixes), hint="what change to a system stops this from happening again?")
detect = action_items[(action_items["addresses"] == "detection") & (action_items["kind"] == "detect")]
check(len(detect) >= 1, "the detect actions for 'detection'", expected="at least one",
      found=len(detect), hint="how would you notice the next regression of this kind sooner?")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_pairs = set(zip(action_items["addresses"].tolist(), action_items["kind"].tolist()))
_h_uncovered = [_h_r for _h_r in REGRESSIONS
                if (_h_r, "prevent") not in _h_pairs and (_h_r, "mitigate") not in _h_pairs]
check(not _h_uncovered and ("detection", "detect") in _h_pairs, "what the action items cover",
      expected="every regression prevented or mitigated, and detection improved",
      found=f"uncovered: {_h_uncovered}", hint="one prevent or mitigate action per regression")
### END HIDDEN TESTS
""",
        ),
    ]


def _sections_table() -> str:
    from labkit.postmortem import PROSE_SECTIONS

    return "\n".join(f"| {s.title} | {s.min_words} |" for s in PROSE_SECTIONS)


SKELETON = r'''
report_prose = f"""
## Summary

## Impact

## Timeline (UTC)

## Detection

## Response and recovery

## Root cause and contributing factors

## Lessons learned

### What went well

### What went badly

### Where we got lucky

## Action items
"""
'''


def _prose_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    return [
        text(
            "s5-text",
            rf"""
## 5. The report (18 points)

Now write the prose of the post-mortem as one Markdown text, `report_prose`, with the headings of
the template (`postmortem-template.md` explains what goes under each). The impact numbers, the
timeline and the action items are tables you already have: when the report is put together in the
next cell, they go under the headings `## Impact`, `## Timeline (UTC)` and `## Action items`, so
under those headings you only add what the tables do not say (how a number was measured, the
durations that matter).

Start from this skeleton (copy it into the answer cell). Writing the text as an f-string lets you
quote your numbers instead of typing them: `{{impact[{next(iter(s.impact))!r}]:,}}`, or a time as
`{{some_time:%Y-%m-%d %H:%M}} UTC`.

```python
{SKELETON.strip()}
```

Each of these sections must be there (a Markdown heading, of any level, containing its name)
with at least this many words of your own:

| heading | words |
|---|---|
{_sections_table()}

**Blameless.** The report is checked for blaming phrases ("should have known", "failed to" said
of a person, "human error", "careless", "X's fault", ...) and for personal names and @handles,
with a suggestion for each (`check_blameless(text)` shows them, with line and column). Write
about roles ("the on-call engineer") and systems ("the router change"), and ask "what" and "how",
never "who". Quoted text and `code` are not checked, so you may quote a user's report. The same
check runs on your timeline's events and your action items.
""",
        ),
        answer(
            "q5-prose",
            "### BEGIN SOLUTION\n" + s.prose_solution.strip("\n") + "\n### END SOLUTION\n"
            'print(f"{word_count(report_prose)} words; blameless check: "\n'
            '      f"{format_findings(check_blameless(report_prose))}")',
        ),
        tests(
            "q5-sections-test",
            8,
            r"""
# Visible self-checks: every section is there and says something.
check_type(report_prose, str, "report_prose", "a str of Markdown (a triple-quoted string)")
check_sections(report_prose)
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_required = {"summary": 40, "detection": 30, "response": 30, "contributing factors|root cause": 80,
               "went well": 15, "went badly|went wrong": 15, "lucky": 10}
_h_parts = re.split(r"(?m)^#{1,6}[ \t]+(.+)$", re.sub(r"(?s)<!--.*?-->", "", report_prose))
_h_bodies = {_h_parts[_h_i].strip().lower(): _h_parts[_h_i + 1] for _h_i in range(1, len(_h_parts) - 1, 2)}
for _h_pattern, _h_least in _h_required.items():
    _h_sizes = [len(re.findall(r"[A-Za-z0-9]\S*", _h_b)) for _h_h, _h_b in _h_bodies.items()
                if re.search(_h_pattern, _h_h)]
    check(bool(_h_sizes) and max(_h_sizes) >= _h_least, f"the section matching {_h_pattern!r}",
          expected=f"a heading and at least {_h_least} words", found=_h_sizes or "no such heading",
          hint="use the template's headings and write under each one")
### END HIDDEN TESTS
""",
        ),
        tests(
            "q5-blameless-test",
            10,
            r"""
# Visible self-checks: a report of some length, blameless everywhere.
check(word_count(report_prose) >= 300, "the length of report_prose", expected="at least 300 words",
      found=word_count(report_prose), hint="write every section of the template")
everything = "\n".join([report_prose, *timeline["event"].astype(str), *action_items["action"].astype(str),
                        *action_items["owner_role"].astype(str)])
check_blameless_text(report_prose, "report_prose")
check_blameless_text(everything, "your timeline events and action items")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_all = "\n\n".join([report_prose, "\n".join(map(str, timeline["event"])),
                      "\n".join(map(str, action_items["action"])),
                      "\n".join(map(str, action_items["owner_role"]))])
_h_flags = check_blameless(_h_all)
check(not _h_flags, "blameless language in everything you wrote", expected="no findings",
      found=[f"{_h_f.kind}: {_h_f.phrase!r}" for _h_f in _h_flags][:5],
      hint="rewrite each flagged phrase about roles and systems")
check(len(report_prose.split()) >= 300, "the number of words in report_prose",
      expected="at least 300", found=len(report_prose.split()), hint="write every section")
### END HIDDEN TESTS
""",
        ),
    ]


def _report_and_manual_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    return [
        text(
            "s5-render-text",
            r"""
The next cell puts the report together (prose and tables) and saves it as `postmortem.md` next to
this notebook: the document you would share with your organisation. Read it once as a reader
would. Does the summary stand on its own? Does every number say what it counts? Would a reader
outside your team understand why it took so long to notice?
""",
        ),
        given(
            "s5-render",
            rf"""
report = render_report(report_prose, timeline, impact, action_items,
                       title="Post-mortem: {s.title}")
with open("postmortem.md", "w", encoding="utf-8") as handle:
    handle.write(report)
display(Markdown(report))
""",
        ),
        text(
            "s6-text",
            r"""
## 6. What a person grades (28 points)

A reviewer reads your report (the rendered `postmortem.md` above) with the mark schemes below.
There is nothing new to write here: improve your report in section 5 and your action items in
section 4.
""",
        ),
        task(
            "q6a-contributing-factors",
            12,
            rf"""
### 6a. Depth of the contributing factors (12 points)
Does the section *Root cause and contributing factors* separate the triggers (the changes that set
things off) from the conditions that let them cause harm, spread and stay hidden? Is each factor
backed by evidence from the tables or the chat, and does it lead to an action item?

### BEGIN MARK SCHEME
12 points.
- **Triggers named and separated (3 pts).** Each trigger as a neutral change-log entry (what
  changed, when in UTC); not merged with the conditions. 1 pt if the triggers are there but mixed
  with the factors.
- **Contributing factors (6 pts).** 1 pt per distinct, evidenced factor, up to 6.
{s.factors_scheme.strip()}
  A factor without evidence (a number, a table, a chat message) earns half.
- **Why detection was slow (2 pts).** Explains, with the evidence, why the signals at the time
  looked like normal variation, without hindsight ("if only X had looked").
- **Systems, not people (1 pt).** Every factor is a property of a system or process. Deduct
  this point for counterfactual blame ("the on-call should have...") even where the automatic
  check missed it.
### END MARK SCHEME
""",
        ),
        task(
            "q6b-action-items",
            8,
            r"""
### 6b. Quality of the action items (8 points)
Would these actions, done, have prevented this incident or shortened it? Could someone tell when
each one is done?

### BEGIN MARK SCHEME
8 points.
- **Specific and verifiable (3 pts).** Each action says what changes, where, and how you would
  know it is done (a threshold, a test, a gate). Deduct 1 per vague item ("improve monitoring",
  "be more careful", "more testing"), up to 3.
- **Tied to the factors (2 pts).** Every contributing factor has an action; no action is
  unrelated to the incident.
- **Detection as well as prevention (1 pt).** At least one action would have shown this incident
  sooner (a per-slice monitor, continuous production evals, feedback baselines).
- **Sensible ownership and priority (2 pts).** Owners are roles that could do the work; the
  urgent items (stop a recurrence, detect it) have the higher priorities and nearer dates.
### END MARK SCHEME
""",
        ),
        task(
            "q6c-clarity",
            8,
            r"""
### 6c. Clarity (8 points)
Could a reader outside your team understand what happened, to whom, for how long, and what will
change, from this report alone?

### BEGIN MARK SCHEME
8 points.
- **The summary stands alone (3 pts).** Three to five sentences: what users experienced, which
  users, from when to when (UTC), the triggers in one line each, the status now.
- **Numbers say what they count (2 pts).** Each impact number has its unit, window and
  denominator, and what could not be measured is said.
- **Consistent and checkable (2 pts).** Times in UTC and consistent across sections; prose and
  tables agree; sources are given.
- **Readable (1 pt).** Plain language, short paragraphs or lists, jargon explained once.
### END MARK SCHEME
""",
        ),
        text(
            "references",
            r"""
## References
"""
            + s.references.strip("\n")
            + r"""
- Lunney, J. and Lueder, S. (2016). Postmortem Culture: Learning from Failure. In Beyer, B. et
  al. (eds), *Site Reliability Engineering*, ch. 15. O'Reilly. (blameless post-mortems; what a
  post-mortem records; triggers)
- PagerDuty. *Incident Response Documentation: Postmortems* (open source, Apache-2.0). (owner,
  contributing factors, impact in numbers; ask "what" and "how")
- Atlassian. *Incident Management Handbook: Postmortems.* (priority actions due within 4 or 8
  weeks)
- US Social Security Administration. National baby-names data (public domain). (the given names
  the blameless check recognises; see labkit/data/DATACARD.md)
""",
        ),
    ]


# ---------------------------------------------------------------------------- the build
def build(scenario: Scenario) -> nbformat.NotebookNode:
    return notebook_cells.source_notebook(build_cells(scenario), LAB_ID)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="sep2025")
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    notebook_cells.write_notebook(build(scenario), OUT)
    data = notebook_cells.copy_scenario_data(DATASETS, FOLDER, scenario.name, TABLES)
    print(f"wrote {OUT} (scenario {scenario.name}) and {data}")


if __name__ == "__main__":
    main()
