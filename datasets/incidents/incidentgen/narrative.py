"""The written record around the telemetry: change logs and on-call chat excerpts.

The changes that introduce, worsen and fix each bug take their times from the scenario's Fault
objects, described neutrally as a change log would describe them; routine changes are drawn at
random as background noise. On-call messages are scripted by role (never by name) and quote
numbers computed from the generated tables, so what the chat says is true of the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from incidentgen import common as c
from incidentgen.phrases import APR2026_ROUTINE, SEP2025_ROUTINE
from labkit.sim.faults import Fault

Change = tuple[int, str, str, str, str]  # time, component, description, author_role, kind


def _starts(faults: Sequence[Fault], kind: str) -> list[int]:
    return sorted(c.epoch(f.start) for f in faults if f.kind == kind and f.start is not None)


def routine_changes(
    rng: np.random.Generator,
    start: int,
    end: int,
    bank: Sequence[tuple[str, str, str]],
    per_week: float,
) -> list[Change]:
    """Weekday changes in working hours, about `per_week` a week; a few are rolled back."""
    days = np.arange(start, end, c.DAY, dtype=np.int64)
    weekdays = days[c.weekday(days) < 5]
    count = round(len(weekdays) * per_week / 5)
    when = np.sort(rng.choice(weekdays, size=count) + rng.integers(9 * 60, 18 * 60, count) * 60)
    rounds = -(-count // len(bank))
    order = np.concatenate([rng.permutation(len(bank)) for _ in range(rounds)])[:count]
    kinds = np.where(rng.random(count) < 0.3, "config", "deploy")
    rolled_back = rng.random(count) < 0.08
    changes: list[Change] = []
    for index in range(count):
        component, description, role = bank[order[index]]
        if index >= len(bank):  # the second time round, the same work continues
            description = f"{description} (follow-up)"
        changes.append((int(when[index]), component, description, role, str(kinds[index])))
        if rolled_back[index]:
            later = int(when[index]) + int(rng.integers(2 * 60, 26 * 60)) * 60
            if later < end:
                changes.append((later, component, f"roll back: {description}", role, "rollback"))
    return changes


def changes_table(changes: list[Change], prefix: str) -> pd.DataFrame:
    table = pd.DataFrame(
        changes, columns=["time", "component", "description", "author_role", "kind"]
    ).sort_values(["time", "component", "description"], kind="stable")
    table.insert(1, "change_id", [f"{prefix}-{i + 1:04d}" for i in range(len(table))])
    return table.reset_index(drop=True)


def sep2025_changes(
    rng: np.random.Generator, events: dict[str, int], start: int, end: int
) -> pd.DataFrame:
    routing_on, balancer = events["misrouting_onset"], events["load_balancer_change"]
    tpu_on, topk_on = events["output_corruption_onset"], events["approx_topk_onset"]
    routing_fix, tpu_rollback = (
        events["misrouting_fix_deployed"],
        events["output_corruption_rollback"],
    )
    topk_fix = events["approx_topk_fix"]
    scripted: list[Change] = [
        (c.epoch("2025-07-15T16:20:00"), "router", "add routing rules for the upcoming long-context server pool (no traffic yet)", "platform-engineer", "deploy"),
        (c.epoch("2025-07-28T10:05:00"), "evals", "refresh the general suite with new, harder items", "eval-engineer", "config"),
        (c.epoch("2025-07-30T10:00:00"), "web-app", "move the thumbs-down button from the hover menu to the message toolbar", "product-engineer", "deploy"),
        (c.epoch("2025-08-12T16:00:00"), "models", "open the 1M-token context beta for sim-sonnet-4-6: requests above 200k tokens are served by the long-context pool", "release-manager", "deploy"),
        (c.epoch("2025-08-13T09:05:00"), "host-images", "roll out the new host image to the bedrock trainium pool", "sre", "deploy"),
        (c.epoch("2025-08-13T13:35:00"), "host-images", "roll back the new host image on the bedrock trainium pool (driver timeouts)", "sre", "rollback"),
        (routing_on, "router", "enable the long-context pool in the sim-sonnet-4-6 routing table (scheduled 00:00 UTC rollout)", "platform-engineer", "config"),
        (tpu_on, "tpu-runtime", "enable runtime performance optimisation for sampling (scheduled 00:00 UTC rollout)", "inference-engineer", "deploy"),
        (topk_on, "sampling", "use approximate top-k on TPU to cut token-selection latency", "inference-engineer", "deploy"),
        (c.epoch("2025-08-25T15:10:00"), "vertex-adapter", "update quota headers", "platform-engineer", "deploy"),
        (c.epoch("2025-08-28T11:30:00"), "safety-classifier", "retune thresholds on the new calibration set", "safety-engineer", "config"),
        (balancer, "load-balancer", "rebalance traffic weights across serving pools", "sre", "config"),
        (tpu_rollback, "tpu-runtime", "roll back runtime performance optimisation for sampling", "inference-engineer", "rollback"),
        (routing_fix, "router", "fix context-window routing logic; gradual rollout begins", "platform-engineer", "fix"),
        (c.epoch("2025-09-05T13:00:00"), "evals", "add unexpected-character check to production quality evals", "eval-engineer", "deploy"),
        (c.epoch("2025-09-09T10:00:00"), "evals", "run quality evals continuously on production traffic samples", "eval-engineer", "deploy"),
        (topk_fix, "sampling", "switch TPU token selection to exact top-k with fp32 accumulation (small efficiency cost)", "inference-engineer", "fix"),
        (events["routing_rollout_complete_first_party_vertex"], "router", "routing fix rollout complete on the first-party API and Vertex", "release-manager", "fix"),
        (events["routing_rollout_complete_bedrock"], "router", "routing fix rollout complete on Bedrock", "release-manager", "fix"),
    ]  # fmt: skip
    routine = routine_changes(rng, start, end, SEP2025_ROUTINE, per_week=2.0)
    return changes_table(scripted + routine, "CHG")


def _feedback_between(feedback: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    seconds = feedback["time"].to_numpy()
    return feedback[(seconds >= lo) & (seconds < hi)]


def sep2025_oncall(
    requests: pd.DataFrame,
    seconds: c.Ints,
    feedback: pd.DataFrame,
    evals: pd.DataFrame,
    faults: Sequence[Fault],
    events: dict[str, int],
) -> pd.DataFrame:
    e = c.epoch
    declared = events["incident_declared"]
    model = requests["model"].to_numpy()
    down = feedback[feedback["kind"] == "thumbs_down"]

    def thumbs_rate(name: str, lo: int, hi: int) -> float:
        asked = int(((seconds >= lo) & (seconds < hi) & (model == name)).sum())
        got = _feedback_between(down[down["model"] == name], lo, hi)
        return len(got) / max(asked, 1)

    aug12 = e("2025-08-12")
    week_now = thumbs_rate("sim-sonnet-4-6", aug12 - 7 * c.DAY, aug12)
    week_before = thumbs_rate("sim-sonnet-4-6", aug12 - 14 * c.DAY, aug12 - 7 * c.DAY)
    # A busy pre-incident day for haiku complaints: ordinary variation that looks like a signal.
    haiku_days = (
        down[down["model"] == "sim-haiku-4-5"]["time"].to_numpy() - e("2025-07-07")
    ) // c.DAY
    per_day = np.bincount(haiku_days, minlength=75)
    spike = 14 + int(np.argmax(per_day[14:28]))  # 21 Jul .. 3 Aug, after two weeks of history
    spike_note = e("2025-07-07") + (spike + 1) * c.DAY + 14 * c.HOUR + 40 * 60
    haiku_mean = per_day[spike - 14 : spike].mean()
    # Support raises the odd characters once a second customer has written about them.
    specific = feedback["text"].str.contains("Chinese|Thai|foreign|的|another language", regex=True)
    odd_times = feedback[specific & (feedback["time"] >= _starts(faults, "output_corruption")[0])][
        "time"
    ]
    odd_note = (int(odd_times.iloc[1]) + 100 * 60) // 60 * 60
    if odd_note > declared - c.DAY:
        raise ValueError("the script reports come too late for the on-call story; check the rates")
    odd = int((odd_times <= odd_note).sum())
    script = requests["unexpected_script"].to_numpy()
    pool = requests["pool"].to_numpy()
    tpu_on = _starts(faults, "output_corruption")[0]
    sep01 = e("2025-09-01T11:15:00")
    since = (seconds >= tpu_on) & (seconds < sep01) & script
    on_tpu, elsewhere = int((since & (pool == "tpu")).sum()), int((since & (pool != "tpu")).sum())
    coding = evals[evals["suite"] == "coding"]
    dates = coding["date"].to_numpy()
    recent = float(coding[dates == "2025-08-27"]["score"].mean())
    month = float(coding[(dates >= "2025-07-28") & (dates < "2025-08-27")]["score"].mean())
    long_context = (
        (seconds >= e("2025-09-02"))
        & (seconds < e("2025-09-03T12:00"))
        & (pool == "long-context")
        & (requests["input_tokens"].to_numpy() <= 200_000)
    )
    lc_users = len(set(requests["user"].to_numpy()[long_context]))
    messages = [
        ("2025-07-10T09:12:00", "#inference-oncall", "oncall-inference", "p99 latency alert on the bedrock trainium pool; the autoscaler caught up after 20 minutes. Resolving."),
        (_at(spike_note), "#support-escalations", "support-lead", f"{per_day[spike]} thumbs-down on sim-haiku-4-5 yesterday against about {haiku_mean:.1f} a day over the previous two weeks. All different topics. Keeping an eye on it."),
        (_at(spike_note + 22 * 60), "#support-escalations", "oncall-inference", "Nothing unusual in error rates or latency for haiku. Looks like normal day-to-day variation."),
        ("2025-07-25T10:20:00", "#support-escalations", "support-lead", "Sign-ups are well up since yesterday's newsletter feature: lots of first questions from new users on the first-party API."),
        ("2025-08-04T11:00:00", "#support-escalations", "product-manager", "Thumbs-down volume on the web app is up since the toolbar change on 30 Jul. Expected: more people see the button now."),
        ("2025-08-13T09:40:00", "#inference-oncall", "oncall-inference", "Timeouts and a p99 latency alert on the bedrock trainium pool since about 09:10. Suspect this morning's host-image rollout."),
        ("2025-08-13T13:50:00", "#inference-oncall", "oncall-inference", "Host image rolled back on bedrock trainium; latency and retries are back to normal. Resolving."),
        ("2025-08-12T16:30:00", "#releases", "release-manager", "The 1M-token context beta is open for sim-sonnet-4-6. Long requests go to the long-context pool."),
        ("2025-07-28T10:30:00", "#evals", "eval-engineer", "The general suite now has new, harder items: expect its scores to step down a few points from tomorrow."),
        ("2025-08-07T15:05:00", "#support-escalations", "support-lead", "A customer says sim-sonnet-4-6 'feels dumber this week'. One report, no example attached."),
        ("2025-08-07T15:20:00", "#support-escalations", "oncall-inference", "Dashboards are normal: error rate, latency and eval scores all flat. Probably normal variation; please ask for request ids if it comes back."),
        ("2025-08-12T09:45:00", "#support-escalations", "support-lead", f"Weekly numbers: thumbs-down per sim-sonnet-4-6 request {week_now:.2%} this week, {week_before:.2%} the week before. Within the usual range?"),
        ("2025-08-12T10:10:00", "#support-escalations", "product-manager", "Probably noise; we had a similar wobble in July. Let's look again next week."),
        (_at(odd_note), "#support-escalations", "support-lead", f"{odd} customer reports since 25 Aug of foreign characters (Thai, Chinese) in English answers."),
        (_at(odd_note + 28 * 60), "#inference-oncall", "oncall-inference", "Could be users pasting multilingual context into prompts. Asking support for request ids before we dig in."),
        ("2025-08-28T08:30:00", "#evals", "eval-engineer", f"Daily coding evals look flat: {recent:.1%} on 27 Aug against a 30-day mean of {month:.1%}."),
        ("2025-08-29T16:05:00", "#support-escalations", "support-lead", "Complaint volume about sim-sonnet-4-6 is up today, mostly first-party API customers. Different phrasing, no common prompt."),
        ("2025-08-30T19:30:00", "#inference-oncall", "oncall-inference", "Weekend traffic is low, so complaint rates are noisy. Sonnet complaints still look higher than usual. Will check again tomorrow."),
        (_at(declared), "#inference-oncall", "incident-commander", "Declaring an incident: quality reports across platforms with different symptoms (odd characters, worse answers). Moving to #incident-quality."),
        ("2025-09-01T11:15:00", "#incident-quality", "oncall-inference", f"Unexpected-script flags since 25 Aug: {on_tpu} on the tpu pool, {elsewhere} on all other pools together. Proposing to roll back the TPU runtime optimisation from 25 Aug."),
        ("2025-09-01T11:40:00", "#incident-quality", "support-lead", "Bedrock customers report worse answers but no odd characters; Vertex customers report both."),
        ("2025-09-02T09:00:00", "#incident-quality", "oncall-inference", "TPU runtime optimisation rolled back. Watching the unexpected-script rate."),
        ("2025-09-03T12:30:00", "#incident-quality", "oncall-platform", f"Some short-context sim-sonnet-4-6 requests are served by the long-context pool: {lc_users} distinct users since yesterday, and the same users keep landing there. The 29 Aug load-balancer change raised the share."),
        ("2025-09-04T00:30:00", "#incident-quality", "oncall-platform", "Routing fix deployed. Rollout is gradual and will take days per platform."),
        ("2025-09-05T13:30:00", "#incident-quality", "eval-engineer", "Added an unexpected-character check to the production quality evals."),
        ("2025-09-08T10:15:00", "#incident-quality", "oncall-inference", "sim-haiku-4-5 on the tpu pool still scores a little below gpu in the quality signal. Looking at token selection."),
        ("2025-09-10T16:45:00", "#incident-quality", "oncall-inference", "Reproduced: approximate top-k on TPU sometimes drops the most probable token (a mixed-precision compiler issue). Moving to exact top-k."),
        ("2025-09-12T00:20:00", "#incident-quality", "oncall-inference", "Exact top-k deployed on TPU."),
        (_at(events["routing_rollout_complete_first_party_vertex"] + 600), "#incident-quality", "release-manager", "Routing fix rollout complete on the first-party API and Vertex."),
        (_at(events["postmortem_published"]), "#incident-quality", "incident-commander", "Incident summary published for users; the internal post-mortem follows its review meeting. Closing the incident channel once the Bedrock rollout completes."),
        (_at(events["routing_rollout_complete_bedrock"] + 600), "#incident-quality", "release-manager", "Routing fix rollout complete on Bedrock. Incident closed."),
    ]  # fmt: skip
    return oncall_table(messages)


def _at(seconds: int) -> str:
    return str(c.iso(np.array([seconds]))[0])


def oncall_table(messages: Sequence[tuple[str, str, str, str]]) -> pd.DataFrame:
    table = pd.DataFrame(messages, columns=["time", "channel", "role", "message"])
    table["time"] = [c.epoch(t) for t in table["time"]]
    return table.sort_values("time", kind="stable").reset_index(drop=True)


def apr2026_changes(
    rng: np.random.Generator, events: dict[str, int], start: int, end: int
) -> pd.DataFrame:
    scripted: list[Change] = [
        (events["low_default_effort_onset"], "cli", "default effort medium instead of high: long thinking made the UI look frozen", "product-engineer", "config"),
        (c.epoch("2026-03-10T14:00:00"), "cli", "status line shows the current effort level", "product-engineer", "deploy"),
        (c.epoch("2026-03-17T10:00:00"), "cli", "ask for a rating (and offer /feedback) at the end of long sessions", "product-engineer", "deploy"),
        (c.epoch("2026-03-18T12:50:00"), "gpu-scheduler", "pack more sessions per host on the first-party gpu pool", "sre", "config"),
        (c.epoch("2026-03-18T17:25:00"), "gpu-scheduler", "roll back: pack more sessions per host on the first-party gpu pool", "sre", "rollback"),
        (events["thinking_dropped_onset"], "context-management", "clear older thinking once when a session resumes after more than an hour idle (saves cache writes)", "product-engineer", "deploy"),
        (events["low_default_effort_reverted"], "cli", "restore default effort: high, and xhigh for sim-opus-4-7", "product-engineer", "rollback"),
        (events["thinking_dropped_fix"], "context-management", "clear older thinking only on the resume turn, not on every later turn (2.1.101)", "product-engineer", "fix"),
        (events["new_model_launch"], "models", "launch sim-opus-4-7 in the agent product", "release-manager", "deploy"),
        (events["brevity_prompt_onset"], "system-prompt", "sim-opus-4-7: keep text between tool calls and final answers short", "product-engineer", "config"),
        (events["brevity_prompt_reverted"], "system-prompt", "revert the length limits added on 16 Apr", "product-engineer", "rollback"),
        (events["all_fixes_released"], "cli", "release 2.1.116 (quality fixes)", "release-manager", "fix"),
        (events["usage_limits_reset"], "billing", "reset usage limits for all subscribers", "product-manager", "config"),
    ]  # fmt: skip
    routine = routine_changes(rng, start, end, APR2026_ROUTINE, per_week=2.0)
    return changes_table(scripted + routine, "CHG")


def apr2026_oncall(
    requests: pd.DataFrame,
    seconds: c.Ints,
    feedback: pd.DataFrame,
    evals: pd.DataFrame,
    events: dict[str, int],
) -> pd.DataFrame:
    e = c.epoch
    declared = events["incident_declared"]
    thinking = requests["thinking_tokens"].to_numpy()
    turn = requests["turn"].to_numpy()
    idle = requests["idle_before_min"].to_numpy()
    miss = requests["cache_miss"].to_numpy()
    session = requests["session_id"].to_numpy()

    def median_thinking(lo: str, hi: str) -> float:
        return float(np.median(thinking[(seconds >= e(lo)) & (seconds < e(hi))]))

    def says(pattern: str, lo: str, hi: str) -> int:
        texts = _feedback_between(feedback, e(lo), e(hi))["text"]
        return int(texts.str.contains(pattern, regex=True).sum())

    lazy = says(
        "lazier|thinking things through|gives up|faster but worse|shortcuts",
        "2026-03-04",
        "2026-03-11",
    )
    forgets = says(
        "forgets|re-reading|same command|drained|lost the plan|came back",
        "2026-03-26",
        "2026-03-31T10:00",
    )
    terse = says("terse|one line|stopped explaining", "2026-04-16", "2026-04-17T15:00")
    feb = median_thinking("2026-02-02", "2026-03-04")
    march = median_thinking("2026-03-04", "2026-03-12")
    # Turns after an idle resume in the same session, against all other later turns.
    resumed_at = (
        pd.Series(np.where(np.nan_to_num(idle) > 60, seconds, 0))
        .groupby(session)
        .cummax()
        .to_numpy()
    )
    after_resume = (resumed_at > 0) & (np.nan_to_num(idle) <= 60) & (turn > 1)
    recent = (seconds >= e("2026-03-26")) & (seconds < e("2026-04-06T09:00"))
    miss_after = float(miss[recent & after_resume].mean())
    miss_other = float(
        miss[recent & ~after_resume & (turn > 1) & (np.nan_to_num(idle) <= 60)].mean()
    )
    harness = evals[(evals["suite"] == "agent-harness") & (evals["model"] == "sim-opus-4-7")]
    dates = harness["date"].to_numpy()
    before = float(harness[dates < "2026-04-16"]["score"].mean())
    during = float(harness[(dates >= "2026-04-16") & (dates < "2026-04-20")]["score"].mean())
    day_se = float(harness["stderr"].median())
    messages = [
        ("2026-02-10T09:20:00", "#cli-oncall", "oncall-cli", "Latency alert on session start-up in the EU; a slow auth refresh, fixed by the 2.1.12 release. Resolving."),
        ("2026-02-25T09:30:00", "#support-escalations", "support-lead", "Lots of new sign-ups since yesterday's conference demo; many first sessions from new users."),
        ("2026-03-18T13:40:00", "#cli-oncall", "oncall-cli", "Timeouts and slow turns on the first-party gpu pool since about 13:00, right after the scheduler packing change."),
        ("2026-03-18T17:45:00", "#cli-oncall", "oncall-cli", "Scheduler change rolled back; turn latency on the gpu pool is back to normal. Resolving."),
        ("2026-03-19T10:00:00", "#support-escalations", "product-manager", "Feedback volume is up since the end-of-session rating prompt shipped on 17 Mar. Expected."),
        ("2026-02-24T11:05:00", "#support-escalations", "support-lead", "A handful of 'feels dumber' thumbs-downs this week. No pattern in models or versions."),
        ("2026-02-24T11:30:00", "#support-escalations", "oncall-cli", "Complaint rate per session is inside its usual weekly range. Normal variation."),
        ("2026-03-04T10:00:00", "#cli-oncall", "product-engineer", "Default effort is now medium: long thinking made the UI look frozen. Latency complaints should drop."),
        ("2026-03-11T14:10:00", "#support-escalations", "support-lead", f"{lazy} reports in the past week say the agent got 'lazier' or stops thinking things through. Most of these users never touched the effort setting."),
        ("2026-03-12T09:30:00", "#cli-oncall", "oncall-cli", f"Median thinking tokens per turn: {march:.0f} since 4 Mar, {feb:.0f} in February. Expected with the medium default; internal evals are flat."),
        ("2026-03-24T16:00:00", "#support-escalations", "product-manager", "Overall feedback volume is within the normal range. The effort setting is visible in the status line now."),
        ("2026-03-31T10:00:00", "#support-escalations", "support-lead", f"{forgets} reports since 26 Mar: the agent forgets context after users come back from a break, repeats tool calls, or drains usage limits fast."),
        ("2026-04-01T15:30:00", "#cli-oncall", "oncall-cli", "Cannot reproduce: staff sessions on the internal build look fine, and evals are flat."),
        (_at(events["public_issue_filed"] + 2 * c.HOUR), "#support-escalations", "support-lead", "A public issue analyses thousands of users' session logs and reports much shorter thinking since February."),
        (_at(declared), "#cli-oncall", "incident-commander", "Declaring an incident: broad, inconsistent quality reports that we cannot reproduce. Moving to #incident-quality."),
        ("2026-04-06T09:00:00", "#incident-quality", "oncall-cli", f"Cache-miss rate since 26 Mar on turns that follow an idle resume in the same session: {miss_after:.0%}; on other later turns: {miss_other:.0%}. Something clears the cache after a resume."),
        ("2026-04-07T00:30:00", "#incident-quality", "product-engineer", "Default effort restored to high (xhigh for the next large model). We made the wrong trade-off."),
        ("2026-04-09T13:00:00", "#incident-quality", "oncall-cli", "Found it: the idle-resume change clears older thinking on every later turn of the session, not once. Fix in the next release."),
        ("2026-04-10T00:30:00", "#incident-quality", "release-manager", "2.1.101 released with the thinking fix."),
        ("2026-04-16T00:10:00", "#incident-quality", "release-manager", "sim-opus-4-7 launched in the product, with length limits in its system prompt."),
        ("2026-04-17T15:00:00", "#support-escalations", "support-lead", f"{terse} reports since the launch that sim-opus-4-7 answers are too terse."),
        ("2026-04-19T11:00:00", "#incident-quality", "eval-engineer", f"agent-harness on sim-opus-4-7: {during:.1%} since the length limits, {before:.1%} before; one day's standard error is {day_se:.1%}, so no visible regression. An ablation over more suites is running."),
        ("2026-04-20T00:30:00", "#incident-quality", "product-engineer", "Length limits reverted. 2.1.116 ships all three fixes today."),
        (_at(events["usage_limits_reset"] + 600), "#incident-quality", "incident-commander", "Usage limits reset for all subscribers, after today's public update. Incident closed."),
    ]  # fmt: skip
    return oncall_table(messages)
