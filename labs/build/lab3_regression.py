"""Build the nbgrader SOURCE folder of lab 3, "Regression or noise?".

    .venv/bin/python labs/build/lab3_regression.py                      # scenario sep2025
    .venv/bin/python labs/build/lab3_regression.py --scenario apr2026   # the other incident

writes labs/source/lab3-regression/: the notebook and data/<scenario>/ (a byte copy of the
tables the lab reads from datasets/incidents/<scenario>/, which a released lab loads through
labkit.incidents). One scenario per build: the notebook's `SCENARIO` constant is read by the
student's code and by the hidden tests alike, and the few paragraphs and the model solution that
depend on the incident come from the scenario below.

Students measure daily bad-response rates with Wilson intervals, locate each regression (slice,
onset, end) with a change-point method and the change log, measure the impact of the sticky
regression on requests and users, show why the aggregate eval could not see it (power), and
design a detector whose false-alarm rate they measure on the reference weeks. Hidden tests
recompute every number from the student's own outputs with reference code, and compare the
findings, the affected requests, the impact and the detector's catches with the truth of
`autograder.incident_truth.truth(SCENARIO)` (embedded as literals at build time, never shipped)
within tolerances that any reasonable method meets. The hidden code is written apart from the
solutions (its own names and lines), so that no hidden line can be found in the release or in
feedback, and it imports nothing (see `truth_block`).

The data changes when datasets/incidents/generate.py does: rebuild the lab then
(tests/autograder/test_lab3.py fails until the committed notebook matches a fresh build).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import notebook_cells
from autograder.notebook_cells import answer, free, given, task, tests, text

LAB = "lab3-regression"
LAB_ID = "lab3"  # cell ids: lab3-00, lab3-01, ...
REPO = Path(__file__).resolve().parent.parent.parent
FOLDER = REPO / "labs" / "source" / LAB
OUT = FOLDER / f"{LAB}.ipynb"
DATASETS = REPO / "datasets" / "incidents"
TABLES = ("requests", "changes", "evals")  # the tables this lab reads (feedback: lab 4)

def fill(source: str, **values: str) -> str:
    """Put scenario text into a cell: `__NAME__` markers, so code braces need no escaping."""
    for name, value in values.items():
        source = source.replace(f"__{name.upper()}__", value.strip("\n"))
    leftover = re.search(r"__[A-Z][A-Z0-9_]*__", source)
    if leftover:
        raise ValueError(f"unfilled marker {leftover.group()}")
    return source


# ---------------------------------------------------------------------------- scenarios
@dataclass(frozen=True)
class Scenario:
    name: str
    sticky: str  # the regression whose harm sticks to users or sessions (section 5)
    story: str  # the incident, for the introduction
    data_notes: str  # what the requests table holds
    signals: tuple[str, ...]  # bool columns the monitor watches
    slice_columns: tuple[str, ...]
    slice_pairs: tuple[tuple[str, str], ...]
    figure_signal: tuple[str, str]  # (signal, by): the second figure
    tidy_extra_text: str
    tidy_extra_solution: str
    findings_hints: str
    findings_solution: str
    sticky_text: str
    affected_solution: str
    mark_eval: str
    mark_monitor: str
    mark_sticky: str
    reference: str


SEP2025 = Scenario(
    name="sep2025",
    sticky="misrouting",
    story=r"""
**The incident (a simulation).** On 17 September 2025 Anthropic published "A postmortem of three
recent issues". Between early August and mid-September, three overlapping infrastructure bugs
degraded some of Claude's answers: some requests were routed to servers configured for a
different context window (sticky: a user once misrouted tended to stay misrouted), a TPU
misconfiguration sometimes produced Thai or Chinese characters in English answers, and an
approximate top-k operation on TPUs sometimes dropped the most probable token. Each bug hit a
different slice of the traffic, and early reports looked like normal variation. Anthropic's
evaluations did not catch the degradation.

Your data is a fictional product's API traffic generated to follow that timeline: about 105,000
requests from 7 July to 19 September 2025, on three simulated models, three platforms and
several hardware pools. The traffic, the rates and every number are simulated; the model ids
say `sim`.
""",
    data_notes=r"""
- `time` (UTC), `request_id`, `user` (a pseudonymous id), `model`, `platform` (`api`, `bedrock`,
  `vertex`), `pool` (the serving hardware), `effort`, token counts and `latency_ms`;
- `quality`: an automatic grader's score in [0, 1], and `bad`: True when the score is below the
  product's threshold or the user retried. Even a healthy model gives some bad responses: the
  question is whether their *rate* changed;
- `unexpected_script`: True when the reply contains characters from a script the conversation
  does not use (a cheap check the product runs on every reply; it has rare false positives).
""",
    signals=("bad", "unexpected_script"),
    slice_columns=("platform", "model", "pool"),
    slice_pairs=(("model", "pool"),),
    figure_signal=("unexpected_script", "pool"),
    tidy_extra_text="",
    tidy_extra_solution="",
    findings_hints=r"""
Hints for this incident: look at every panel of the figures, including the *pool* panel (does
every pool serve traffic from the first day?), and at the unexpected-script figure. A bug can
hit one model on one pool. One regression became much worse partway through: its onset is when
it *started*, not when it got worse. Use the change log to confirm every onset and end.
""",
    findings_solution=r"""
def change_day(words):
    # The day of the first change-log entry whose description contains `words`.
    hits = changes[changes["description"].str.contains(words, regex=False)]
    return hits["time"].min().floor("D")

# 1. A pool that serves nothing for four weeks, then only sim-sonnet-4-6 requests, with a high
#    bad rate: requests sent to the wrong servers. Its first and last days are the window.
requests["long_context"] = requests["pool"] == "long-context"
misrouted_days = requests.loc[requests["long_context"], "day"]
# 2. Replies in an unexpected script on the TPU pool: a clear window in that rate.
script_onset, script_end = changed_window(
    daily_rates(rows_of(requests, {"pool": "tpu"}), "unexpected_script"))
# 3. A small rise of the bad rate of sim-haiku-4-5 on the TPU pool. Its statistical window is
#    rough (a few points on ~150 requests a day); the change log pins it down.
topk_onset, topk_end = changed_window(
    daily_rates(rows_of(requests, {"model": "sim-haiku-4-5", "pool": "tpu"})))
print("statistical window of the third one:", topk_onset.date(), "to", topk_end.date())
findings = [
    {"slice": {"model": "sim-sonnet-4-6"}, "signal": "long_context",
     "onset": misrouted_days.min(), "end": misrouted_days.max() + DAY},
    {"slice": {"pool": "tpu"}, "signal": "unexpected_script",
     "onset": script_onset, "end": script_end},
    {"slice": {"model": "sim-haiku-4-5", "pool": "tpu"}, "signal": "bad",
     "onset": change_day("approximate top-k"), "end": change_day("exact top-k")},
]
""",
    sticky_text=r"""
In this incident the sticky regression is the **misrouting**: from its onset, a small share of
one model's requests were sent to servers configured for a different context window, and the
routing was sticky: it depended on the *user*, so a user once misrouted stayed misrouted. A
load-balancer change later raised the share.

**Exercise 5a.** Add a bool column `affected` to `requests`: True for exactly the requests the
misrouting sent to the wrong servers (you found where they went in section 4).
""",
    affected_solution=r"""
requests["affected"] = requests["pool"] == "long-context"
""",
    mark_eval=r"""
Reference values (the same for every student when the findings are right): drop about 0.4
points, z about 1.2, MDD about 0.9 points, slice excess about 1.5 points, diluted excess about
0.8 points, about 34,000 items per daily run needed against about 2,100.

- **The eval's own numbers (3 pts).** Quotes `power["drop"]`, its `power["z"]` (below 2) and
  `power["mde"]` (about a point): the aggregate eval could not distinguish the observed change
  from noise, and was not sized to see drops smaller than about a point.
- **Dilution (2 pts).** The sticky regression raised the bad rate of its slice by a point or two
  (`power["slice_excess"]`), but only about half the traffic was in that slice and only about 4%
  of the slice was affected; spread over all traffic (`power["diluted_excess"]`) it stays below
  the eval's MDE. `power["items_per_day_needed"]` (tens of thousands of items per daily run)
  shows the size an aggregate eval would need.
- **What the eval did not exercise (2 pts).** The eval harness is one account: with sticky
  routing it was either always or never misrouted (here never); its items do not come from the
  affected slice's users; quality evals score finished answers and the model often recovers from
  isolated bad tokens (top-k), as the post-mortem says. Per-slice (model x pool) evaluation or
  production sampling would see what the aggregate averages away.
- **Conclusion (1 pt).** "No significant drop" meant "not able to see it", not "no regression".
""",
    mark_monitor=r"""
- **Signals (2 pts).** Per-request signals on production traffic, not only scheduled evals:
  bad-response rate and cheap specific checks (unexpected script, syntax errors), the share of
  requests per serving pool (a new pool receiving traffic is itself a signal), latency, retries,
  thumbs-down and bug reports.
- **Slices (2 pts).** Per model x pool x platform (the bugs lived on one model or one pool), with
  a minimum volume; mentions that the aggregate hides slice-level changes.
- **Detector and alarm budget (3 pts).** Their detector with its measured false-alarm rate and
  detection delays (quotes `false_alarm_rate` and `detection_delays`); knows that the number of
  monitored series multiplies false alarms (with S series and a per-series rate f, about S x f
  alarms a day), and how they would set the threshold (a budget of, say, one false page a week)
  and trade it against delay; a calibration period and re-calibration after fixes.
- **Response (1 pt).** What an alarm triggers (a page, a check of the change log for that slice,
  a rollback criterion), and that user feedback is a signal too (the first specific reports
  came days before the incident was declared).
""",
    mark_sticky=r"""
- **Reading the numbers (3 pts).** `share_requests` (about 4% of the sim-sonnet-4-6 requests in
  the window) vs `share_users` (about 8% of its users) vs `share_users_independent` (about 17%),
  with the bootstrap CI. With sticky routing the harm is concentrated: fewer users, each hit
  repeatedly (a misrouted user had a degraded session, not an unlucky answer); with independent
  routing the same request share would have touched about twice as many users, once or twice
  each. `share_users_bad` (users who actually got a bad response from it) is smaller still.
- **Why it matters (3 pts).** "0.8% of requests" understates what the affected users lived
  through; for them the model looked consistently worse, which drives reports and churn, while
  for everyone else nothing changed, so reports looked like isolated noise. Impact statements
  need both numbers (share of requests and share of users) and the window they count.
""",
    reference=r"""
- Anthropic (17 September 2025). *A postmortem of three recent issues.* Anthropic engineering
  blog. (the incident this scenario mirrors)
""",
)

APR2026 = Scenario(
    name="apr2026",
    sticky="thinking_dropped",
    story=r"""
**The incident (a simulation).** On 23 April 2026 Anthropic published "An update on recent Claude
Code quality reports". Three product-layer changes had degraded Claude Code: on 4 March the
default reasoning effort was lowered from high to medium (reverted 7 April); on 26 March a
caching optimisation meant to clear old thinking once, when a session resumes after more than
an hour idle, cleared it on *every* later turn of that session (fixed 10 April); on 16 April a
system-prompt instruction to cut verbosity was added for a new model (reverted 20 April). Each
change hit a different slice of the traffic on its own schedule, so together they looked like
broad, inconsistent degradation, and internal evaluations did not reproduce the reports.

Your data is a fictional agent product's session logs generated to follow that timeline: about
96,000 turns (one model request each) from 2 February to 26 April 2026, on three simulated
models. The traffic, the rates and every number are simulated; the model ids say `sim`.
""",
    data_notes=r"""
- `time` (UTC), `request_id`, `user` (a pseudonymous id), `model`, `platform`, `pool`, `effort`
  (the effort the session ran at), token counts and `latency_ms`;
- `quality`: an automatic grader's score in [0, 1], and `bad`: True when the score is below the
  product's threshold or the user retried. Even a healthy model gives some bad responses: the
  question is whether their *rate* changed;
- session columns: `session_id`, `turn` (1, 2, ... within the session), `client_version`,
  `idle_before_min` (minutes since the previous turn; NaN on a session's first turn),
  `thinking_tokens`, `cache_read_tokens`, and the flags `cache_miss` and `repeated_tool_call`
  (the agent repeated a tool call it had just made: a sign that it forgot what it did).
""",
    signals=("bad", "repeated_tool_call"),
    slice_columns=("platform", "model", "pool", "after_idle_resume"),
    slice_pairs=(),
    figure_signal=("repeated_tool_call", "after_idle_resume"),
    tidy_extra_text=r"""
- a bool column `after_idle_resume`: True for every turn that comes *after* the first turn of its
  session whose `idle_before_min` is above 60 (the resume turn itself is False; so is every turn
  of a session that never idled for more than an hour). This is the slice the second change
  could reach.
""",
    tidy_extra_solution=r"""
idle_turn = requests["turn"].where(requests["idle_before_min"] > 60)
first_idle_turn = idle_turn.groupby(requests["session_id"]).transform("min")
requests["after_idle_resume"] = (requests["turn"] > first_idle_turn).to_numpy(dtype=bool)
""",
    findings_hints=r"""
Hints for this incident: a change to a *default* shows up in the mix of values of a column
(which `effort` do sessions run at?), not necessarily in the bad rate first. A bug that only
acts after an idle resume is invisible in the aggregate; look at the `after_idle_resume` slice
and at the signals that describe forgetting (`repeated_tool_call`, `cache_miss`). A change that
cuts answers short shows in `output_tokens`. Add your own bool signal columns to `requests` for
what you measure (for example `requests["medium_effort"] = requests["effort"] == "medium"`), and
confirm every onset and end with the change log.
""",
    findings_solution=r"""
# 1. The default effort: the share of turns at medium effort jumps, then falls back.
requests["medium_effort"] = requests["effort"] == "medium"
effort_onset, effort_end = changed_window(daily_rates(requests, "medium_effort"))
# 2. After an idle resume the agent forgets: repeated tool calls in that slice only.
idle_onset, idle_end = changed_window(
    daily_rates(rows_of(requests, {"after_idle_resume": True}), "repeated_tool_call"))
# 3. The new model's replies are cut short for a few days after its launch.
requests["short_reply"] = requests["output_tokens"] < 100
brief_onset, brief_end = changed_window(
    daily_rates(rows_of(requests, {"model": "sim-opus-4-7"}), "short_reply"))
findings = [
    {"slice": {}, "signal": "medium_effort", "onset": effort_onset, "end": effort_end},
    {"slice": {"after_idle_resume": True}, "signal": "repeated_tool_call",
     "onset": idle_onset, "end": idle_end},
    {"slice": {"model": "sim-opus-4-7"}, "signal": "short_reply",
     "onset": brief_onset, "end": brief_end},
]
""",
    sticky_text=r"""
In this incident the sticky regression is the **idle-resume change**: once a session resumed
after more than an hour idle, *every* later turn of that session lost its earlier thinking, so
the harm stuck to a session (and so to its user) rather than striking turns at random.

**Exercise 5a.** Add a bool column `affected` to `requests`: True for the turns that come after
an idle resume (`after_idle_resume`) when both the session's resume turn (its first turn with
`idle_before_min` above 60) and the turn itself happened inside the window `[onset, end)` of
your finding for this regression.
""",
    affected_solution=r"""
idle_finding = next(f for f in findings if f["slice"] == {"after_idle_resume": True})
resume_time = requests["time"].where(requests["idle_before_min"] > 60)
session_resume = resume_time.groupby(requests["session_id"]).transform("min")

def inside(times):
    return ((times >= idle_finding["onset"]) & (times < idle_finding["end"])).to_numpy(dtype=bool)

requests["affected"] = requests["after_idle_resume"].to_numpy(dtype=bool) & inside(session_resume) & inside(requests["time"])
""",
    mark_eval=r"""
Reference values (the same for every student when the findings are right): drop about 0.15
points, z about 0.3, MDD about 1.2 points, slice excess = diluted excess about 0.6 points (the
slice is all the traffic of that window), about 62,000 items per daily run needed against about
1,400.

- **The eval's own numbers (3 pts).** Quotes `power["drop"]`, its `power["z"]` (well below 2)
  and `power["mde"]` (about a point): the eval saw nothing it could distinguish from noise.
- **Dilution (2 pts).** The idle-resume change raised the bad rate of all turns in its window by
  well under a point (`power["slice_excess"]`, `power["diluted_excess"]`): only about a tenth
  of the turns were affected (those after an idle resume), far below what the eval can see;
  `power["items_per_day_needed"]` (tens of thousands of items per run) against the eval's size.
- **What the eval did not exercise (2 pts).** The evals ran at an explicit effort (the default
  never applied), in fresh sessions that never idle for an hour (the resume bug never fired), on
  the API or a staff build, and the new model's evals only started days before its launch; the
  changes were product-layer, so the API evals could not see them at all. Evaluating the exact
  public build, with realistic sessions (long, resumed), per slice, would.
- **Conclusion (1 pt).** "No significant drop" meant "not able to see it", not "no regression".
""",
    mark_monitor=r"""
- **Signals (2 pts).** Production signals from the product itself, not only scheduled evals:
  bad-response rate, repeated tool calls, cache misses and thinking tokens per turn, the mix of
  efforts (a change of default shows as a jump in a share), output length per model, thumbs-down
  and bug reports.
- **Slices (2 pts).** Per model, client version, effort, and session state (turns after an idle
  resume), with a minimum volume; the aggregate hides slice-level changes.
- **Detector and alarm budget (3 pts).** Their detector with its measured false-alarm rate and
  detection delays (quotes `false_alarm_rate` and `detection_delays`); knows that the number of
  monitored series multiplies false alarms (S series x rate f = about S x f alarms a day) and
  how they would set the threshold and trade it against delay; a new model has no baseline
  (compare it with the model it replaces, or run a soak period).
- **Response (1 pt).** What an alarm triggers (a page, checking the change log and the release
  notes for that slice, a rollback criterion), and that user feedback and public issues are
  signals too.
""",
    mark_sticky=r"""
- **Reading the numbers (3 pts).** `share_requests` (about a tenth of the turns in the window)
  vs `share_users` (about a third of the users active then) vs `share_users_independent` (about
  two thirds), with the bootstrap CI; `share_users_bad` (about a fifth) is smaller. Because the harm sticks to a session, an affected user gets a run of bad
  turns (a session that "forgets"), not one unlucky answer; a per-turn rate hides that.
  Compares with what independent per-turn harm would have given.
- **Why it matters (3 pts).** Users who resume long sessions (heavy users) are the ones hit, and
  for them the product looked consistently worse, while light users saw nothing, so reports
  looked inconsistent; usage limits also drained faster (cache misses). Impact statements need
  both numbers (share of turns and share of users) and the window they count.
""",
    reference=r"""
- Anthropic (23 April 2026). *An update on recent Claude Code quality reports.* Anthropic
  engineering blog. (the incident this scenario mirrors)
""",
)

SCENARIOS = {s.name: s for s in (SEP2025, APR2026)}


# ---------------------------------------------------------------------------- hidden truth
# The hidden tests carry the truth they grade against as literals, read at build time from
# autograder.incident_truth.truth(scenario): grading kernels run in a sandbox that exposes the
# course library but not the autograder package (and the grader's tamper probe expects every
# import of a test cell to have run, so hidden code imports nothing). The requests a regression
# affected are given by their row numbers in the requests table, delta-encoded in base 36.
# tests/autograder/test_lab3.py checks that the committed notebook is what this script builds
# from the current generator, so the literals cannot drift from the truth.
def _rows_code(positions: list[int]) -> str:
    deltas = [b - a for a, b in zip([0, *positions], positions, strict=False)]
    return ",".join(_base36(d) for d in deltas)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def truth_block(s: Scenario, rows_for: tuple[str, ...]) -> str:
    """Hidden code defining the truth: `_h_regressions`, `_h_sticky`, `_h_mask_of`."""
    from autograder.incident_truth import truth
    from labkit.incidents import read_table

    real = truth(s.name)
    request_ids = read_table(DATASETS / s.name / "requests.csv.gz", "requests")["request_id"]
    position = {rid: i for i, rid in enumerate(request_ids.tolist())}
    lines = ["_h_regressions = ["]
    for reg in real.regressions:
        rows = None
        if reg.name in rows_for:
            rows = _rows_code(sorted(position[r] for r in reg.affected_request_ids))
        lines.append(
            f"    {{'name': {reg.name!r}, 'onset': pd.Timestamp({reg.onset.isoformat()!r}), "
            f"'end': pd.Timestamp({reg.end.isoformat()!r}), 'slice': {dict(reg.slice)!r},\n"
            f"     'rows': {rows!r}}},"
        )
    lines.append("]")
    sticky = real.regression(s.sticky)
    lines.append(
        f"_h_sticky = {{'name': {s.sticky!r}, 'share_of_requests': {sticky.share_of_requests!r}, "
        f"'users_affected_share': {sticky.users_affected_share!r}, "
        f"'users_bad_share': {sticky.users_bad_share!r}}}"
    )
    return "\n".join(lines) + "\n" + _TRUTH_HELPERS


_TRUTH_HELPERS = r"""
def _h_regression(_name):
    return [r for r in _h_regressions if r["name"] == _name][0]

def _h_mask_of(_code):
    _mask, _at = np.zeros(len(requests), dtype=bool), 0
    for _piece in _code.split(","):
        _at += int(_piece, 36)
        _mask[_at] = True
    return _mask

def _h_no_instructor_code():
    _h_names = []
    for _h_key, _h_value in list(globals().items()):
        if _h_key.startswith("_"):
            continue
        _h_mod = getattr(_h_value, "__module__", None)
        _h_own = getattr(_h_value, "__name__", None) if isinstance(_h_value, type(math)) else None
        if (isinstance(_h_mod, str) and _h_mod.startswith("autograder")) or (
                isinstance(_h_own, str) and _h_own.startswith("autograder")):
            _h_names.append(_h_key)
    check(not _h_names, "what your notebook uses", expected="no instructor tooling",
          found=sorted(_h_names), hint="compute your answers from the data with your own code")

_h_no_instructor_code()
""".strip("\n")


# Reference daily counts and the Wilson interval, written apart from the solutions.
_REFERENCE = r"""
def _h_wilson(_k, _n, _z=1.959963984540054):
    _p = _k / _n
    _d = 1.0 + _z * _z / _n
    _c = (_p + _z * _z / (2.0 * _n)) / _d
    _w = _z / _d * math.sqrt(_p * (1.0 - _p) / _n + _z * _z / (4.0 * _n * _n))
    return _c - _w, _c + _w

def _h_day_numbers(_times):
    return ((_times - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(days=1)).to_numpy()

def _h_counts(_frame, _signal):
    _num, _inv = np.unique(_h_day_numbers(_frame["day"]), return_inverse=True)
    _n = np.bincount(_inv, minlength=len(_num))
    _k = np.bincount(_inv, weights=np.asarray(_frame[_signal].to_numpy(), dtype=float), minlength=len(_num))
    _days = [pd.Timestamp(int(_d) * 86400, unit="s", tz="UTC") for _d in _num]
    return _days, [int(_v) for _v in _n], [int(round(_v)) for _v in _k]

def _h_frame_of(_days, _ns, _ks):
    _bounds = [_h_wilson(_k, _n) for _n, _k in zip(_ns, _ks)]
    return pd.DataFrame({"day": pd.DatetimeIndex(_days), "n": _ns, "k": _ks,
                         "rate": [_k / _n for _n, _k in zip(_ns, _ks)],
                         "ci_low": [_b[0] for _b in _bounds], "ci_high": [_b[1] for _b in _bounds]})

def _h_select(_frame, _slice):
    _keep = np.ones(len(_frame), dtype=bool)
    for _col, _val in dict(_slice).items():
        if _col not in _frame.columns:
            return None
        _keep &= np.asarray(_frame[_col].to_numpy() == _val, dtype=bool)
    return _frame[_keep]
""".strip("\n")


# ---------------------------------------------------------------------------- cells
def build_cells(s: Scenario) -> list[nbformat.NotebookNode]:
    from autograder.incident_truth import truth

    sliced = tuple(r.name for r in truth(s.name).regressions if r.slice)
    truth_findings = truth_block(s, sliced)
    truth_sticky = truth_block(s, (s.sticky,))
    truth_plain = truth_block(s, ())
    return [
        # -------------------------------------------------------------- header
        text(
            "intro",
            fill(
                r"""
# Lab 3: Regression or noise?

Users say the model got worse. The dashboards are green and the daily evaluation barely moved.
Is something wrong, and if so, what, since when, for whom, and how badly? A probabilistic
system gives some bad answers on its best day, so "I got a bad answer" proves nothing; a change
in the *rate* of bad answers, in some slice of the traffic, from some day on, does. In this lab
you investigate a real-world-shaped incident in request logs and learn to tell a regression
from noise.

__STORY__

**You will learn to**
1. put a daily rate and its uncertainty (a Wilson confidence interval) on every slice of the
   traffic, and read a figure of them;
2. locate a regression: the slice it hit, the day it started and the day it ended, with a
   change-point method confirmed by the change log;
3. measure its impact in two ways that say different things: the share of requests and the
   share of users, and why sticky routing makes them differ;
4. explain why an aggregate evaluation could not see it, with a power calculation;
5. design a detector and measure its false-alarm rate and its detection delay.

**Time:** 90-120 minutes. The code runs in about 10 seconds in total.

**How to work**
- Run the cells from top to bottom. Write code only where you see `# YOUR CODE HERE` (delete the
  `raise NotImplementedError()` line), and written answers only where you see *YOUR ANSWER HERE*.
- Keep the names the instructions ask for (functions, variables, columns): the tests look them
  up by name. You may add your own cells to explore, and your own columns to `requests`.
- After each exercise, run the test cell below it. A failed check tells you what it *expected*,
  what it *found*, and gives a *hint*.
- Before you hand in: *Kernel > Restart Kernel and Run All Cells*, and check that every test cell
  runs without an error.

**How grading works (100 points)**
- 78 points are graded automatically. Every test cell has visible self-checks and hidden tests.
  The hidden tests recompute your numbers from *your own* outputs with reference code (to about
  nine decimal places), try your functions on hand-made inputs (edge cases), and compare your
  findings with what really happened in the simulation, with tolerances that any sound method
  meets (for example, an onset within one day). Passing the visible checks is a good sign, not a
  guarantee. A test cell scores all its points or none.
- A test cell that writes *anything* to stderr (a pandas or NumPy warning, for example) scores
  zero, even if every check passed. Write warning-free code.
- 22 points are written answers (section 8), graded by a person with a mark scheme. Use the
  numbers from your own notebook.
- Compute everything from the data with your own code. The tests check that your notebook uses
  no instructor tooling.

**Why your numbers differ from your classmates'**
Everyone investigates the same incident, so most numbers agree across the class. Two do not:
your bootstrap confidence interval (section 5) uses your own seed, derived from your student id
(the setup cell prints both), and your detector (section 7) is your own design. Never type a
number from your output into your code: compute it.
""",
                story=s.story,
            ),
        ),
        given(
            "setup",
            fill(
                r"""
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import labkit.student
from labkit.checks import check, check_all_close, check_close, check_raises, check_type
from labkit.incidents import load

SCENARIO = "__NAME__"   # the incident of this term's lab (the instructor's build sets it)
STUDENT = labkit.student.student_id()
SEED = labkit.student.student_seed("lab3-regression")

requests = load("requests", SCENARIO)   # one row per model request
changes = load("changes", SCENARIO)     # the change log: deploys, config changes, rollbacks, fixes
evals = load("evals", SCENARIO)         # the daily evaluation runs

DAY = pd.Timedelta(days=1)
START = requests["time"].min().floor("D")    # the first day of the data (UTC midnight)
N_REGRESSIONS = 3             # the post-mortem describes three problems
CALIBRATION_DAYS = 14         # a detector learns what normal looks like on the first 14 days
REFERENCE_DAYS = 28           # the first four weeks: no known problem, no complaint
REFERENCE_END = START + REFERENCE_DAYS * DAY
FALSE_ALARM_BUDGET = 0.01     # at most 1 alarm per 100 series-days on the reference weeks
N_BOOTSTRAP = 1000
Z95 = 1.959963984540054       # standard normal quantile for a two-sided 95% interval / test
Z_POWER = 0.8416212335729143  # standard normal quantile for 80% power

# What the monitor of section 7 watches: bool signals, on these slices of the traffic.
SIGNALS = __SIGNALS__
SLICE_COLUMNS = __SLICE_COLUMNS__
SLICE_PAIRS = __SLICE_PAIRS__


def rows_of(frame, slice_):
    "The rows of `frame` in a slice given as {column: value} ({} is every row)."
    keep = np.ones(len(frame), dtype=bool)
    for column, value in slice_.items():
        keep &= (frame[column] == value).to_numpy(dtype=bool)
    return frame[keep]


print(f"student:  {STUDENT}")
print(f"seed:     {SEED}")
print(f"scenario: {SCENARIO}: {len(requests):,} requests from {START:%Y-%m-%d} to "
      f"{requests['time'].max():%Y-%m-%d} (UTC)")
print(f"reference weeks: {START:%Y-%m-%d} to {REFERENCE_END - DAY:%Y-%m-%d}")
""",
                name=s.name,
                signals=repr(list(s.signals)),
                slice_columns=repr(list(s.slice_columns)),
                slice_pairs=repr([tuple(p) for p in s.slice_pairs]),
            ),
        ),
        # -------------------------------------------------------------- 1
        text(
            "s1-text",
            fill(
                r"""
## 1. The data (4 points)

The setup cell loaded three tables. `requests` has one row per model request:
__DATA_NOTES__

`changes` is the change log (every deploy, config change, rollback and fix, with its UTC time)
and `evals` the daily runs of the internal evaluation suites. Look at all three before you go on.

Everything in this lab happens per **day**, in UTC. A day is a UTC calendar day: midnight to
midnight, whatever the users' time zones.

### Exercise 1
Add to `requests` (keep every row, in the order loaded):
- a column `day`: the UTC calendar day of `time`, as a tz-aware UTC timestamp at midnight (the
  same type as `time`; `Series.dt.floor("D")` does it);
__TIDY_EXTRA__
""",
                data_notes=s.data_notes,
                tidy_extra=s.tidy_extra_text or "\n",
            ),
        ),
        given(
            "s1-look",
            r"""
# A first look (not graded).
display(requests.head())
display(changes.tail(8))
display(evals.head())
""",
        ),
        answer(
            "q1-tidy",
            fill(
                r"""
# Add the column(s) described above to `requests`.
### BEGIN SOLUTION
requests["day"] = requests["time"].dt.floor("D")
__EXTRA__
### END SOLUTION
print(f"{requests['day'].nunique()} days, {requests['day'].min():%Y-%m-%d} to {requests['day'].max():%Y-%m-%d}")
""",
                extra=s.tidy_extra_solution or "\n",
            ),
        ),
        tests(
            "q1-tidy-test",
            4,
            r"""
# Visible self-checks.
check(len(requests) == len(load("requests", SCENARIO)), "the number of rows of requests",
      expected="every row of the table", found=len(requests), hint="add columns, do not filter")
check("day" in requests.columns, "the columns of requests", expected="a column 'day'",
      found=list(requests.columns), hint='requests["day"] = ...')
check(str(requests["day"].dtype).startswith("datetime64") and str(requests["day"].dt.tz) == "UTC",
      "the type of requests['day']", expected="tz-aware UTC timestamps (like `time`)",
      found=requests["day"].dtype, hint='requests["time"].dt.floor("D")')
check(bool((requests["day"] <= requests["time"]).all()), "day <= time on every row",
      expected="the midnight that starts each request's day", found="a later day",
      hint="floor to the day, do not round")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_fresh = load("requests", SCENARIO)
check(requests["request_id"].tolist() == _h_fresh["request_id"].tolist(), "the rows of requests",
      expected="the rows as loaded, in the same order", found="different rows or order",
      hint="keep every row and do not sort")
_h_secs = ((_h_fresh["time"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy()
_h_want = (_h_secs // 86400) * 86400
_h_got = ((requests["day"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy()
check(bool(np.array_equal(_h_got, _h_want)), "requests['day'] on every row",
      expected="UTC midnight of each request's time", found="other values on some rows",
      hint='requests["time"].dt.floor("D")')
if SCENARIO == "apr2026":
    check("after_idle_resume" in requests.columns, "the columns of requests",
          expected="a column 'after_idle_resume'", found=list(requests.columns),
          hint="see the exercise")
    _h_first = {}
    for _h_sid, _h_turn, _h_idle in zip(_h_fresh["session_id"].tolist(), _h_fresh["turn"].tolist(),
                                        _h_fresh["idle_before_min"].tolist()):
        if _h_idle == _h_idle and _h_idle > 60 and _h_turn < _h_first.get(_h_sid, 10**9):
            _h_first[_h_sid] = _h_turn
    _h_after = [_h_t > _h_first.get(_h_s, 10**9) for _h_s, _h_t in
                zip(_h_fresh["session_id"].tolist(), _h_fresh["turn"].tolist())]
    check([bool(v) for v in requests["after_idle_resume"].tolist()] == _h_after,
          "requests['after_idle_resume'] on every row",
          expected="True exactly after the first turn with idle_before_min > 60",
          found=f"{int(np.sum(requests['after_idle_resume'].to_numpy(dtype=bool)))} True rows "
                f"(the reference has {sum(_h_after)})",
          hint="the resume turn itself is False; sessions without a long idle are all False")
### END HIDDEN TESTS
""",
        ),
        # -------------------------------------------------------------- 2
        text(
            "s2-text",
            r"""
## 2. A rate and its uncertainty: the Wilson interval (8 points)

On a given day a slice of the traffic has $n$ requests, of which $k$ are bad. Its bad rate is
$\hat p = k/n$. How sure are we of it? The familiar normal ("Wald") interval
$\hat p \pm z\sqrt{\hat p(1-\hat p)/n}$ behaves badly exactly where we need it: for small rates
and small $n$ it can go below 0, and with $k = 0$ it has width 0 (it claims certainty from a
handful of requests). The **Wilson score interval** does not have these problems and is the
standard choice for a proportion:

$$\text{centre} = \frac{\hat p + \frac{z^2}{2n}}{1 + \frac{z^2}{n}}, \qquad
\text{half-width} = \frac{z}{1 + \frac{z^2}{n}}\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}},$$

and the interval is centre $\pm$ half-width. It always lies within $[0, 1]$ and is not centred
on $\hat p$: it is pulled towards $\frac12$, more so when $n$ is small. With $z$ = `Z95` it is
a 95% interval.

### Exercise 2
Write `wilson_interval(k, n, z=Z95)` that returns a tuple `(low, high)`:
- for numbers `k` and `n`, two floats;
- for arrays (or pandas Series) `k` and `n` of the same length, two NumPy arrays, element by
  element (write it with NumPy operations and it works for both);
- raise `ValueError` if any `n` is below 1, any `k` is negative, or any `k` is larger than its `n`.
""",
        ),
        answer(
            "q2-wilson",
            r'''
def wilson_interval(k, n, z=Z95):
    """The Wilson score interval (low, high) for k successes out of n (numbers or arrays)."""
    ### BEGIN SOLUTION
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    if np.any(n_arr < 1) or np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("need n >= 1 and 0 <= k <= n")
    p = k_arr / n_arr
    denominator = 1.0 + z**2 / n_arr
    centre = (p + z**2 / (2 * n_arr)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2))
    low, high = centre - half, centre + half
    if low.ndim == 0:
        return float(low), float(high)
    return low, high
    ### END SOLUTION
''',
        ),
        tests(
            "q2-wilson-numbers",
            4,
            r"""
# Visible self-checks on hand-made numbers.
low, high = wilson_interval(5, 10)
check_close(low, 0.2365930, "the low end of wilson_interval(5, 10)", tol=1e-6,
            hint="centre 0.5, half-width z / (1 + z**2/n) * sqrt(p(1-p)/n + z**2/(4 n**2))")
check_close(high, 0.7634070, "the high end of wilson_interval(5, 10)", tol=1e-6,
            hint="symmetric around 0.5 when k = n / 2")
low, high = wilson_interval(0, 20)
check_close(low, 0.0, "the low end of wilson_interval(0, 20)", tol=1e-12,
            hint="with k = 0 the interval starts at 0")
check_close(high, 0.1611251, "the high end of wilson_interval(0, 20)", tol=1e-6,
            hint="with k = 0 it is z**2 / (n + z**2)")
check_raises(lambda: wilson_interval(3, 0), ValueError, "wilson_interval(3, 0)", "n must be >= 1")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_score_interval(k_, n_, z_=1.959963984540054):
    _ph = k_ / n_
    _root = z_ * math.sqrt(_ph * (1 - _ph) / n_ + z_ * z_ / (4 * n_ * n_))
    _mid = _ph + z_ * z_ / (2 * n_)
    return (_mid - _root) / (1 + z_ * z_ / n_), (_mid + _root) / (1 + z_ * z_ / n_)

for _h_k, _h_n in [(1, 1), (0, 1), (7, 7), (3, 1000), (999, 1000), (17, 250), (1, 3)]:
    _h_lo, _h_hi = _h_score_interval(_h_k, _h_n)
    _h_got = wilson_interval(_h_k, _h_n)
    check_all_close(_h_got, [_h_lo, _h_hi], f"wilson_interval({_h_k}, {_h_n})", tol=1e-9,
                    hint="the formula above, with z = Z95")
    check(-1e-12 <= _h_got[0] <= _h_got[1] <= 1 + 1e-12, f"the order of wilson_interval({_h_k}, {_h_n})",
          expected="0 <= low <= high <= 1", found=_h_got, hint="centre -/+ half-width")
_h_z = 2.5758293035489004
_h_c = (0.3 + _h_z ** 2 / 80) / (1 + _h_z ** 2 / 40)
_h_w = _h_z / (1 + _h_z ** 2 / 40) * math.sqrt(0.3 * 0.7 / 40 + _h_z ** 2 / 6400)
check_all_close(wilson_interval(12, 40, z=_h_z), [_h_c - _h_w, _h_c + _h_w],
                "wilson_interval(12, 40, z=2.576)", tol=1e-9, hint="use the z argument")
check_raises(lambda: wilson_interval(-1, 5), ValueError, "wilson_interval(-1, 5)", "k must be >= 0")
check_raises(lambda: wilson_interval(6, 5), ValueError, "wilson_interval(6, 5)", "k must be <= n")
### END HIDDEN TESTS
""",
        ),
        tests(
            "q2-wilson-arrays",
            4,
            r"""
# Visible self-checks: arrays in, arrays out.
lows, highs = wilson_interval(np.array([5, 0]), np.array([10, 20]))
check(isinstance(lows, np.ndarray) and lows.shape == (2,), "wilson_interval of two arrays",
      expected="two NumPy arrays of length 2", found=type(lows).__name__,
      hint="write it with NumPy operations (np.sqrt, not math.sqrt)")
check_all_close(lows, [0.2365930, 0.0], "the low ends for k=[5, 0], n=[10, 20]", tol=1e-6,
                hint="element by element")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_ks = [0, 1, 5, 40, 120, 3]
_h_ns = [9, 1, 50, 41, 1000, 3]
_h_lo, _h_hi = wilson_interval(pd.Series(_h_ks), pd.Series(_h_ns))
for _h_i, (_h_k, _h_n) in enumerate(zip(_h_ks, _h_ns)):
    _h_p = _h_k / _h_n
    _h_d = 1 + 1.959963984540054 ** 2 / _h_n
    _h_mid = (_h_p + 1.959963984540054 ** 2 / (2 * _h_n)) / _h_d
    _h_half = 1.959963984540054 / _h_d * math.sqrt(_h_p * (1 - _h_p) / _h_n + 1.959963984540054 ** 2 / (4 * _h_n ** 2))
    check_close(np.asarray(_h_lo)[_h_i], _h_mid - _h_half, f"the low end for k={_h_k}, n={_h_n} (Series in)",
                tol=1e-9, hint="element by element")
    check_close(np.asarray(_h_hi)[_h_i], _h_mid + _h_half, f"the high end for k={_h_k}, n={_h_n} (Series in)",
                tol=1e-9, hint="element by element")
check_raises(lambda: wilson_interval(np.array([1, 2]), np.array([5, 0])), ValueError,
             "wilson_interval with one n = 0 in an array", "raise if ANY n is below 1")
check_raises(lambda: wilson_interval(np.array([1, 9]), np.array([5, 8])), ValueError,
             "wilson_interval with one k > n in an array", "raise if ANY k is larger than its n")
### END HIDDEN TESTS
""",
        ),
        # -------------------------------------------------------------- 3
        text(
            "s3-text",
            r"""
## 3. Daily rates, overall and by slice (10 points)

An incident shows as a change over time, so the basic table is one row per day: how many
requests, how many had the signal (a bad response, say), their rate and its Wilson interval.
The same table *per slice* (per platform, model or pool) is how you find who was hit: a bug on
one pool can move that pool's rate a lot and the overall rate hardly at all.

### Exercise 3
Write `daily_rates(frame, signal="bad", by=None)` that returns a new DataFrame with one row per
day (per value of column `by` and day, if `by` is given) on which `frame` has rows, and the
columns, in this order:
- `by`'s column (only if `by` is given), then `day`;
- `n`: the number of rows that day (an integer), and `k`: the number of them whose `signal`
  column is True (an integer);
- `rate` = `k / n`, and `ci_low`, `ci_high`: the Wilson interval of `k` out of `n` (use your
  `wilson_interval`, with its default `z`).

Sort the rows by `by` (if given) and then by `day`, with a fresh index 0, 1, 2, ... `signal` names
any bool column of `frame` (`"bad"`, `"unexpected_script"`, or one you add).
""",
        ),
        answer(
            "q3-daily",
            r'''
def daily_rates(frame, signal="bad", by=None):
    """Per day (and per value of `by`): n, k, rate and the Wilson interval of a bool signal."""
    ### BEGIN SOLUTION
    keys = ["day"] if by is None else [by, "day"]
    table = (frame.groupby(keys, sort=True)[signal]
             .agg(n="size", k="sum")
             .reset_index())
    table["n"] = table["n"].astype("int64")
    table["k"] = table["k"].astype("int64")
    table["rate"] = table["k"] / table["n"]
    low, high = wilson_interval(table["k"].to_numpy(), table["n"].to_numpy())
    table["ci_low"] = low
    table["ci_high"] = high
    return table
    ### END SOLUTION
''',
        ),
        tests(
            "q3-daily-small",
            5,
            r"""
# Visible self-checks on a hand-made frame: two days, two platforms.
d1, d2 = pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-01-02", tz="UTC")
tiny = pd.DataFrame({"day": [d2, d1, d1, d2, d1],
                     "platform": ["b", "a", "b", "a", "a"],
                     "bad": [True, False, True, False, True]})
overall = daily_rates(tiny)
check_type(overall, pd.DataFrame, "daily_rates(tiny)", "return a DataFrame")
check(list(overall.columns) == ["day", "n", "k", "rate", "ci_low", "ci_high"],
      "the columns of daily_rates(tiny)", expected="['day', 'n', 'k', 'rate', 'ci_low', 'ci_high']",
      found=list(overall.columns), hint="reset_index() after grouping, then add the columns")
check(overall["n"].tolist() == [3, 2] and overall["k"].tolist() == [2, 1], "n and k per day",
      expected="n [3, 2], k [2, 1]", found=(overall["n"].tolist(), overall["k"].tolist()),
      hint="count the rows and the True values of each day, days in order")
check_all_close(overall[["ci_low", "ci_high"]].iloc[0], wilson_interval(2, 3),
                "the interval of the first day", tol=1e-9, hint="wilson_interval(k, n)")
by_platform = daily_rates(tiny, by="platform")
check(list(by_platform.columns)[:2] == ["platform", "day"] and len(by_platform) == 4,
      "daily_rates(tiny, by='platform')", expected="4 rows, columns platform, day, n, ...",
      found=by_platform.iloc[:, :4], hint="group by [by, 'day']")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__REFERENCE__
_h_days = [pd.Timestamp("2025-03-0%d" % i, tz="UTC") for i in (3, 1, 2, 1, 3, 3, 2, 1)]
_h_tiny = pd.DataFrame({"day": _h_days, "pool": list("xyxxyyxy"),
                        "flag": [True, False, False, True, True, True, False, False],
                        "bad": [False] * 8}, index=[40, 3, 17, 8, 2, 99, 5, 61])
_h_out = daily_rates(_h_tiny, signal="flag", by="pool")
_h_exp = []
for _h_pool in ("x", "y"):
    _h_d, _h_n, _h_k = _h_counts(_h_tiny[_h_tiny["pool"] == _h_pool], "flag")
    _h_exp += [(_h_pool, a, b, c) for a, b, c in zip(_h_d, _h_n, _h_k)]
check(list(zip(_h_out["pool"].tolist(), _h_out["day"].tolist(), _h_out["n"].tolist(), _h_out["k"].tolist())) == _h_exp,
      "daily_rates(frame, signal='flag', by='pool') on an unsorted frame",
      expected=_h_exp, found=_h_out.iloc[:, :4].to_numpy().tolist(),
      hint="use the `signal` column; sort by the `by` column, then by day")
check(list(_h_out.index) == list(range(len(_h_out))), "the index of daily_rates",
      expected="0, 1, 2, ...", found=list(_h_out.index), hint="reset_index(drop=True)")
_h_zero = daily_rates(_h_tiny, signal="bad")
check(_h_zero["k"].tolist() == [0, 0, 0] and _h_zero["ci_low"].abs().max() < 1e-12,
      "daily_rates when no row has the signal", expected="k 0 and ci_low 0 every day",
      found=_h_zero[["k", "ci_low"]].to_numpy().tolist(), hint="k is the number of True values")
### END HIDDEN TESTS
""".replace("__REFERENCE__", _REFERENCE),
        ),
        tests(
            "q3-daily-data",
            5,
            fill(
                r"""
# Visible self-checks on the real data.
overall = daily_rates(requests)
check(int(overall["n"].sum()) == len(requests), "the total of n over all days",
      expected=f"{len(requests)} (every request)", found=int(overall["n"].sum()),
      hint="one row per day; n counts that day's requests")
check(bool((overall["ci_low"] <= overall["rate"]).all() and (overall["rate"] <= overall["ci_high"]).all()),
      "ci_low <= rate <= ci_high", expected="on every day", found="not on some days",
      hint="the Wilson interval of k out of n")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__REFERENCE__
for _h_signal, _h_by in (("bad", None), ("__SIGNAL2__", "__BY2__"), ("bad", "model")):
    _h_mine = daily_rates(requests, _h_signal, by=_h_by)
    _h_rows = []
    for _h_val in ([None] if _h_by is None else sorted(set(requests[_h_by].tolist()))):
        _h_part = requests if _h_by is None else requests[requests[_h_by] == _h_val]
        _h_d, _h_n, _h_k = _h_counts(_h_part, _h_signal)
        _h_rows += [(_h_val, a, b, c) for a, b, c in zip(_h_d, _h_n, _h_k)]
    check(len(_h_mine) == len(_h_rows), f"the rows of daily_rates(requests, {_h_signal!r}, by={_h_by!r})",
          expected=len(_h_rows), found=len(_h_mine), hint="one row per (value, day) with requests")
    check(_h_mine["n"].tolist() == [r[2] for r in _h_rows] and _h_mine["k"].tolist() == [r[3] for r in _h_rows]
          and _h_mine["day"].tolist() == [r[1] for r in _h_rows],
          f"day, n and k of daily_rates(requests, {_h_signal!r}, by={_h_by!r})",
          expected="the reference counts", found="different counts or order",
          hint="count rows and True values per (by, day), sorted")
    # the interval is recomputed from your own counts
    _h_ref = [_h_wilson(k_, n_) for n_, k_ in zip(_h_mine["n"].tolist(), _h_mine["k"].tolist())]
    check(max(abs(a - r[0]) + abs(b - r[1]) for a, b, r in zip(_h_mine["ci_low"].tolist(), _h_mine["ci_high"].tolist(), _h_ref)) < 1e-9,
          f"ci_low and ci_high of daily_rates(requests, {_h_signal!r}, by={_h_by!r})",
          expected="the Wilson interval of each row's k and n", found="other values",
          hint="wilson_interval(k, n) with the default z")
### END HIDDEN TESTS
""",
                reference=_REFERENCE,
                signal2=s.figure_signal[0],
                by2=s.figure_signal[1],
            ),
        ),
        given(
            "s3-figure",
            fill(
                r"""
# Not graded: the daily bad rate with its 95% Wilson band, overall and per slice.
def plot_rates(ax, table, label=None):
    line, = ax.plot(table["day"], table["rate"], lw=1.2, label=label)
    ax.fill_between(table["day"], table["ci_low"], table["ci_high"], color=line.get_color(), alpha=0.2)

fig, axes = plt.subplots(2, 2, figsize=(14, 7), sharex=True)
plot_rates(axes[0, 0], daily_rates(requests), "all requests")
axes[0, 0].set_title("all requests")
for ax, column in zip(axes.flat[1:], ["platform", "model", "pool"]):
    table = daily_rates(requests, by=column)
    for value in sorted(table[column].unique()):
        plot_rates(ax, table[table[column] == value], str(value))
    ax.set_title(f"by {column}")
for ax in axes.flat:
    ax.set_ylabel("bad rate")
    ax.axvline(REFERENCE_END, color="grey", ls=":", lw=1)
    ax.legend(fontsize=8, loc="upper left")
fig.autofmt_xdate()
fig.suptitle("Daily bad rate with 95% Wilson intervals (dotted: end of the reference weeks)")
plt.show()

fig, ax = plt.subplots(figsize=(14, 3.5))
table = daily_rates(requests, "__SIGNAL2__", by="__BY2__")
for value in sorted(table["__BY2__"].unique()):
    plot_rates(ax, table[table["__BY2__"] == value], f"__BY2__ = {value}")
ax.set_ylabel("rate")
ax.set_title("daily rate of __SIGNAL2__ by __BY2__")
ax.legend(fontsize=8, loc="upper left")
plt.show()
""",
                signal2=s.figure_signal[0],
                by2=s.figure_signal[1],
            ),
        ),
        text(
            "s3-after",
            r"""
Before you go on, read the figures. Which slices move, and when? Where are the bands wide
(small slices, weekends) and where narrow? A line that leaves its usual band for one day is
often noise; a line that sits above it for days is not. Then read the change log around the
days where something moves.
""",
        ),
        # -------------------------------------------------------------- 4
        text(
            "s4-text",
            fill(
                r"""
## 4. Locate each regression: slice, onset and end (20 points)

To say "a regression started on day X" you need a method, not an eyeball. A simple, sound one is
a **change-point** fit. Model a slice's daily counts as having one rate *inside* a window of
consecutive days and another rate *outside* it (before and after), and choose the window that
makes the data most likely. With $N_{in}, K_{in}$ the requests and signals inside the window and
$N_{out}, K_{out}$ outside, the binomial log-likelihood of a window is

$$\ell = K_{in}\log\hat p_{in} + (N_{in}-K_{in})\log(1-\hat p_{in}) +
         K_{out}\log\hat p_{out} + (N_{out}-K_{out})\log(1-\hat p_{out}),$$

with $\hat p_{in} = K_{in}/N_{in}$, $\hat p_{out} = K_{out}/N_{out}$, and $0 \log 0 = 0$. Try every
window, keep the best: its first day is the onset, and the day after its last day is the end.
(A window may start on the first day of the table, or run to its last day; the whole table is
not a window, since then nothing is outside.)

A statistical estimate is only as sharp as the data: a rise of a few points on a hundred
requests a day is located to within a few days at best. In a real investigation you then look
for the *cause*: a change in the change log at that time, on that slice. An onset confirmed by
the change log is a finding; an onset without one is a hypothesis.

### Exercise 4a
Write `changed_window(daily)`. `daily` is a table like those of `daily_rates` for one slice (the
columns `day`, `n`, `k` matter; rows sorted by day; its index need not start at 0). Consider
every window of consecutive rows $[a, b)$ with $0 \le a < b \le T$ ($T$ rows), except the whole
table, in which the rate inside is **higher** than outside, and return `(onset, end)`: the `day`
of row $a$, and the `day` of row $b-1$ plus one day (`DAY`). If several windows have the same
log-likelihood to within `1e-9`, take the one that starts first and, among those, the shortest.
Raise `ValueError` if `daily` has fewer than 2 rows or no window has a higher rate inside.
""",
            ),
        ),
        answer(
            "q4-changed-window",
            r'''
def changed_window(daily):
    """The window of consecutive days whose rate is higher than outside it, by maximum likelihood."""
    ### BEGIN SOLUTION
    n = daily["n"].to_numpy(dtype=float)
    k = daily["k"].to_numpy(dtype=float)
    days = list(daily["day"])
    rows = len(n)
    if rows < 2:
        raise ValueError("need at least 2 days")
    n_before = np.concatenate([[0.0], np.cumsum(n)])
    k_before = np.concatenate([[0.0], np.cumsum(k)])

    def loglik(kk, nn):
        total = 0.0
        if kk > 0:
            total += kk * math.log(kk / nn)
        if nn - kk > 0:
            total += (nn - kk) * math.log(1 - kk / nn)
        return total

    best, best_window = -math.inf, None
    for a in range(rows):
        for b in range(a + 1, rows + 1):
            if a == 0 and b == rows:
                continue
            n_in, k_in = n_before[b] - n_before[a], k_before[b] - k_before[a]
            n_out, k_out = n_before[rows] - n_in, k_before[rows] - k_in
            if not k_in / n_in > k_out / n_out:
                continue
            value = loglik(k_in, n_in) + loglik(k_out, n_out)
            if value > best + 1e-9:
                best, best_window = value, (a, b)
    if best_window is None:
        raise ValueError("no window has a higher rate inside than outside")
    a, b = best_window
    return pd.Timestamp(days[a]), pd.Timestamp(days[b - 1]) + DAY
    ### END SOLUTION
''',
        ),
        tests(
            "q4-changed-window-test",
            6,
            r"""
# Visible self-checks on hand-made series.
def series(ks, n=100, start="2025-06-02"):
    days = pd.date_range(start, periods=len(ks), freq="D", tz="UTC")
    return pd.DataFrame({"day": days, "n": [n] * len(ks), "k": list(ks)})

bump = series([5, 5, 20, 20, 5, 5])
check(changed_window(bump) == (bump["day"][2], bump["day"][4]), "changed_window of a two-day bump",
      expected=(bump["day"][2], bump["day"][4]), found=changed_window(bump),
      hint="the onset is the first day of the window, the end the day after its last day")
step = series([5, 5, 5, 20, 20])
check(changed_window(step) == (step["day"][3], step["day"][4] + DAY), "changed_window of a step that lasts",
      expected=(step["day"][3], step["day"][4] + DAY), found=changed_window(step),
      hint="a window may run to the last row: its end is the last day plus one day")
check_raises(lambda: changed_window(series([5, 5, 5])), ValueError, "changed_window of a flat series",
             "no window has a higher rate inside")
check_raises(lambda: changed_window(series([5])), ValueError, "changed_window of one day",
             "need at least 2 rows")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
def _h_best_window(_ns, _ks):
    def _ll(_k, _n):
        _v = 0.0
        if _k > 0:
            _v += _k * math.log(_k / _n)
        if _n - _k > 0:
            _v += (_n - _k) * math.log(1 - _k / _n)
        return _v
    _tn, _tk, _top, _arg = sum(_ns), sum(_ks), None, None
    for _a in range(len(_ns)):
        for _b in range(_a + 1, len(_ns) + 1):
            if (_a, _b) == (0, len(_ns)):
                continue
            _ni, _ki = sum(_ns[_a:_b]), sum(_ks[_a:_b])
            if _ki * (_tn - _ni) <= (_tk - _ki) * _ni:
                continue
            _val = _ll(_ki, _ni) + _ll(_tk - _ki, _tn - _ni)
            if _top is None or _val > _top + 1e-9:
                _top, _arg = _val, (_a, _b)
    return _arg

_h_rng = np.random.default_rng(20250825)
for _h_round in range(6):
    _h_len = int(_h_rng.integers(8, 30))
    _h_ns = [int(v) for v in _h_rng.integers(40, 400, size=_h_len)]
    _h_lo, _h_hi = sorted(int(v) for v in _h_rng.choice(np.arange(1, _h_len), size=2, replace=False))
    _h_ks = [int(_h_rng.binomial(_h_n, 0.15 if _h_lo <= _h_i < _h_hi else 0.06)) for _h_i, _h_n in enumerate(_h_ns)]
    _h_days = pd.date_range("2025-08-01", periods=_h_len, freq="D", tz="UTC")
    _h_frame = pd.DataFrame({"day": _h_days, "n": _h_ns, "k": _h_ks}, index=range(100, 100 + _h_len))
    _h_a, _h_b = _h_best_window(_h_ns, _h_ks)
    check(changed_window(_h_frame) == (_h_days[_h_a], _h_days[_h_b - 1] + pd.Timedelta(days=1)),
          f"changed_window on a {_h_len}-day series with an index starting at 100",
          expected=(_h_days[_h_a], _h_days[_h_b - 1] + pd.Timedelta(days=1)), found=changed_window(_h_frame),
          hint="use positions (to_numpy), not index labels; try every window [a, b) except the whole table")
_h_gappy = pd.DataFrame({"day": pd.DatetimeIndex(["2025-05-01", "2025-05-02", "2025-05-05", "2025-05-06"], tz="UTC"),
                         "n": [50, 50, 50, 50], "k": [1, 1, 9, 2]})
check(changed_window(_h_gappy) == (pd.Timestamp("2025-05-05", tz="UTC"), pd.Timestamp("2025-05-06", tz="UTC")),
      "changed_window with a gap between days", expected="onset 2025-05-05, end 2025-05-06",
      found=changed_window(_h_gappy), hint="the end is the window's last day plus one day, not the next row's day")
_h_first = pd.DataFrame({"day": pd.date_range("2025-05-01", periods=5, freq="D", tz="UTC"),
                         "n": [80] * 5, "k": [30, 31, 2, 3, 2]})
check(changed_window(_h_first) == (pd.Timestamp("2025-05-01", tz="UTC"), pd.Timestamp("2025-05-03", tz="UTC")),
      "changed_window when the window starts on the first day", expected="onset 2025-05-01, end 2025-05-03",
      found=changed_window(_h_first), hint="a = 0 is allowed")
_h_twins = pd.DataFrame({"day": pd.date_range("2025-05-01", periods=3, freq="D", tz="UTC"),
                         "n": [100, 100, 100], "k": [10, 0, 10]})
check(changed_window(_h_twins) == (pd.Timestamp("2025-05-01", tz="UTC"), pd.Timestamp("2025-05-02", tz="UTC")),
      "changed_window with two equally likely windows", expected="the one that starts first",
      found=changed_window(_h_twins), hint="ties: the earliest start, then the shortest")
_h_drop = pd.DataFrame({"day": pd.date_range("2025-05-01", periods=4, freq="D", tz="UTC"),
                        "n": [100] * 4, "k": [20, 20, 20, 20]})
check_raises(lambda: changed_window(_h_drop), ValueError, "changed_window of a constant rate",
             "raise ValueError when no window has a higher rate inside")
### END HIDDEN TESTS
""",
        ),
        text(
            "s4b-text",
            fill(
                r"""
### Exercise 4b
Find the incident's `N_REGRESSIONS` regressions, and describe each one in a list `findings` of
`N_REGRESSIONS` dicts, one per regression, with the keys:
- `"slice"`: the slice of the traffic it hit, as `{column: value}` (for example
  `{"platform": "vertex"}`, `{"model": "m", "pool": "p"}`, or `{}` for all the traffic); the
  narrowest slice that contains the affected requests;
- `"signal"`: the bool column of `requests` in which you see it (one of the table's columns, or
  one you added to `requests`);
- `"onset"`: the first day on which it was active, and `"end"`: the first day on which it was no
  longer active (both tz-aware UTC midnight timestamps, like `day`). A regression that got worse
  partway through is *one* regression: its onset is when it started.

Use `daily_rates`, `changed_window`, `rows_of` (from the setup cell) and the change log. The tests
accept an onset or end within one day of the truth, and a slice that names the slice the
regression hit (a narrower one that holds most of its requests is fine too).

__HINTS__
""",
                hints=s.findings_hints,
            ),
        ),
        answer(
            "q4-findings",
            fill(
                r"""
# Build `findings`: a list of N_REGRESSIONS dicts with keys slice, signal, onset, end.
### BEGIN SOLUTION
__SOLUTION__
### END SOLUTION
display(pd.DataFrame(findings))
""",
                solution=s.findings_solution,
            ),
        ),
        tests(
            "q4-onsets-most",
            5,
            _findings_test(
                r"""
check(_h_matched >= 2, "the regressions your findings locate", expected="at least 2 of them",
      found=f"{_h_matched}", hint="slice and onset (within one day) of each regression; confirm with the change log")
""",
                truth_findings,
            ),
        ),
        tests(
            "q4-onsets-all",
            5,
            _findings_test(
                r"""
check(_h_matched == N_REGRESSIONS and len(findings) == N_REGRESSIONS,
      "the regressions your findings locate", expected=f"all {N_REGRESSIONS}, and no other finding",
      found=f"{_h_matched} located, {len(findings)} findings",
      hint="one finding per regression: a worsening is not a new regression; check each slice and onset")
""",
                truth_findings,
            ),
        ),
        tests(
            "q4-ends",
            4,
            _findings_test(
                r"""
check(_h_matched == N_REGRESSIONS, "the regressions your findings locate",
      expected=f"all {N_REGRESSIONS} (the ends are checked once every onset is right)",
      found=_h_matched, hint="fix the onsets first")
check(_h_ends_ok == N_REGRESSIONS, "the ends of your findings", expected="each within one day of the truth",
      found=f"{_h_ends_ok} of {N_REGRESSIONS}",
      hint="the end is the first day without the regression: look for the rollback or fix in the change log")
""",
                truth_findings,
            ),
        ),
        # -------------------------------------------------------------- 5
        text(
            "s5-text",
            fill(
                r"""
## 5. Impact: requests or users? (14 points)

"How bad was it?" has two honest answers that can differ a lot: the share of *requests* that
were affected, and the share of *users* who were affected at least once. Which one is larger
depends on how the harm was distributed. If every request had the same small chance $p$ of being
hit, independently, a user who sent $m$ requests would be hit at least once with probability
$1 - (1-p)^m$: heavy users almost surely. If instead the harm is **sticky** (it hits some users
every time and the others never), sending more requests does not raise a user's chance of being
hit: the share of users affected is set by how many users the harm reaches, and those users are
hit again and again.

__STICKY__
""",
                sticky=s.sticky_text,
            ),
        ),
        answer(
            "q5-affected",
            fill(
                r"""
# Add the bool column requests["affected"].
### BEGIN SOLUTION
__SOLUTION__
### END SOLUTION
print(f"affected requests: {int(requests['affected'].sum()):,}")
""",
                solution=s.affected_solution,
            ),
        ),
        tests(
            "q5-affected-test",
            4,
            r"""
# Visible self-checks.
check(requests["affected"].dtype == bool, "the type of requests['affected']", expected="bool",
      found=requests["affected"].dtype, hint="a comparison gives a bool column")
check(0 < int(requests["affected"].sum()) < len(requests) // 2, "the number of affected requests",
      expected="some, but far from all", found=int(requests["affected"].sum()),
      hint="see the exercise")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__TRUTH__
_h_true_mask = _h_mask_of(_h_regression(_h_sticky["name"])["rows"])
_h_mine = requests["affected"].to_numpy(dtype=bool)
_h_diff = int(np.sum(_h_mine ^ _h_true_mask))
check(_h_diff <= 0.01 * int(_h_true_mask.sum()), "the affected requests",
      expected="the requests the sticky regression hit (at most 1% different)",
      found=f"{int(_h_mine.sum())} requests, {_h_diff} different from the truth",
      hint="see the exercise; check the window you used")
### END HIDDEN TESTS
""".replace("__TRUTH__", truth_sticky),
        ),
        text(
            "s5b-text",
            r"""
### Exercise 5b
Measure the impact of the sticky regression. Its **window** runs from the first day with an
affected request to the day after the last one: `[impact_onset, impact_end)`. Its **slice** is
the requests in that window of the model(s) that have at least one affected request. Compute a
dict `impact` with:
- `"share_requests"`: the share of the slice's requests that are affected;
- `"share_users"`: the share of the slice's users (users with at least one request in the slice)
  who had at least one affected request;
- `"share_users_bad"`: the share of the slice's users who had at least one request that was both
  affected and `bad`;
- `"share_users_independent"`: what `share_users` would have been if the harm were *not* sticky:
  if each request of the slice were affected independently, with the probability $p_d$ = the
  share of affected requests in the slice on its day $d$, a user's chance of at least one
  affected request would be $1 - \prod_j (1 - p_{d(j)})$ over their requests $j$ in the slice;
  report the mean of that chance over the slice's users;
- `"users_ci"`: a 95% bootstrap confidence interval `(low, high)` for `share_users`: draw
  `N_BOOTSTRAP` resamples of the slice's users with replacement, each as large as the number of
  users, with a generator `np.random.default_rng(SEED)`, compute the share affected in each, and
  take the 2.5% and 97.5% quantiles (`np.quantile`).

Also keep `impact_onset` and `impact_end` (timestamps). Shares are fractions between 0 and 1.
""",
        ),
        answer(
            "q5-impact",
            r"""
# Compute impact_onset, impact_end and the dict impact.
### BEGIN SOLUTION
hit = requests[requests["affected"]]
impact_onset = hit["day"].min()
impact_end = hit["day"].max() + DAY
hit_models = set(hit["model"])
in_window = (requests["day"] >= impact_onset) & (requests["day"] < impact_end)
window = requests[in_window & requests["model"].isin(hit_models)]
per_user = (window.assign(affected_bad=window["affected"] & window["bad"])
            .groupby("user")[["affected", "affected_bad"]].any())
day_share = window.groupby("day")["affected"].mean()
untouched = pd.Series(1.0 - window["day"].map(day_share).to_numpy()).groupby(window["user"].to_numpy()).prod()
rng = np.random.default_rng(SEED)
hit_users = per_user["affected"].to_numpy(dtype=float)
draws = np.array([hit_users[rng.integers(0, hit_users.size, hit_users.size)].mean()
                  for _ in range(N_BOOTSTRAP)])
impact = {
    "share_requests": float(window["affected"].mean()),
    "share_users": float(per_user["affected"].mean()),
    "share_users_bad": float(per_user["affected_bad"].mean()),
    "share_users_independent": float((1.0 - untouched).mean()),
    "users_ci": (float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))),
}
### END SOLUTION
print(f"window {impact_onset:%Y-%m-%d} to {impact_end:%Y-%m-%d}")
for key, value in impact.items():
    print(f"{key:>24}: {value}")
""",
        ),
        tests(
            "q5-impact-shares",
            6,
            r"""
# Visible self-checks.
check(isinstance(impact, dict) and {"share_requests", "share_users", "share_users_bad"} <= set(impact),
      "impact", expected="a dict with share_requests, share_users, share_users_bad, ...",
      found=impact if not isinstance(impact, dict) else sorted(impact), hint="see the exercise")
check(0 <= impact["share_users_bad"] <= impact["share_users"] <= 1, "the order of the user shares",
      expected="0 <= share_users_bad <= share_users <= 1",
      found=(impact["share_users_bad"], impact["share_users"]),
      hint="a user with an affected bad request also had an affected request")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__TRUTH__
_h_aff = requests["affected"].to_numpy(dtype=bool)
_h_dn = ((requests["day"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(days=1)).to_numpy()
_h_first, _h_last = int(_h_dn[_h_aff].min()), int(_h_dn[_h_aff].max())
_h_lo = pd.Timestamp(_h_first * 86400, unit="s", tz="UTC")
_h_hi = pd.Timestamp((_h_last + 1) * 86400, unit="s", tz="UTC")
check(impact_onset == _h_lo and impact_end == _h_hi, "impact_onset and impact_end",
      expected=(_h_lo, _h_hi), found=(impact_onset, impact_end),
      hint="the first day with an affected request, and the day after the last")
_h_mod = requests["model"].to_numpy()
_h_models = set(_h_mod[_h_aff].tolist())
_h_in = (_h_dn >= _h_first) & (_h_dn <= _h_last) & np.isin(_h_mod, sorted(_h_models))
_h_users, _h_n, _h_k = {}, 0, 0
for _h_u, _h_a, _h_b in zip(requests["user"].to_numpy()[_h_in].tolist(), _h_aff[_h_in].tolist(),
                            requests["bad"].to_numpy()[_h_in].tolist()):
    _h_n += 1
    _h_k += int(_h_a)
    _h_was = _h_users.get(_h_u, (False, False))
    _h_users[_h_u] = (_h_was[0] or bool(_h_a), _h_was[1] or bool(_h_a and _h_b))
_h_ref = {"share_requests": _h_k / _h_n,
          "share_users": sum(v[0] for v in _h_users.values()) / len(_h_users),
          "share_users_bad": sum(v[1] for v in _h_users.values()) / len(_h_users)}
for _h_key, _h_val in _h_ref.items():
    check_close(impact[_h_key], _h_val, f"impact[{_h_key!r}] from your affected column", tol=1e-9,
                hint="the slice: requests in the window of the model(s) with affected requests")
for _h_key, _h_true, _h_tol in (("share_requests", _h_sticky["share_of_requests"], 0.003),
                                ("share_users", _h_sticky["users_affected_share"], 0.01),
                                ("share_users_bad", _h_sticky["users_bad_share"], 0.01)):
    check(abs(impact[_h_key] - _h_true) <= _h_tol, f"impact[{_h_key!r}] against what happened",
          expected=f"within {_h_tol} of the true share", found=impact[_h_key],
          hint="check your affected column and the window")
### END HIDDEN TESTS
""".replace("__TRUTH__", truth_plain),
        ),
        tests(
            "q5-impact-independent",
            4,
            r"""
# Visible self-checks.
check("share_users_independent" in impact and "users_ci" in impact, "the keys of impact",
      expected="share_users_independent and users_ci too", found=sorted(impact), hint="see the exercise")
low, high = impact["users_ci"]
check(low <= impact["share_users"] <= high, "the bootstrap interval", expected="low <= share_users <= high",
      found=(low, impact["share_users"], high), hint="2.5% and 97.5% quantiles of the resampled shares")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_aff = requests["affected"].to_numpy(dtype=bool)
_h_dn = ((requests["day"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(days=1)).to_numpy()
_h_mod = requests["model"].to_numpy()
_h_in = (_h_dn >= _h_dn[_h_aff].min()) & (_h_dn <= _h_dn[_h_aff].max()) & np.isin(_h_mod, sorted(set(_h_mod[_h_aff].tolist())))
_h_sel = list(zip(requests["user"].to_numpy()[_h_in].tolist(), _h_dn[_h_in].tolist(), _h_aff[_h_in].tolist()))
_h_tot, _h_hits = {}, {}
for _h_u, _h_d, _h_a in _h_sel:
    _h_tot[_h_d] = _h_tot.get(_h_d, 0) + 1
    _h_hits[_h_d] = _h_hits.get(_h_d, 0) + int(_h_a)
_h_spared, _h_any = {}, {}
for _h_u, _h_d, _h_a in _h_sel:
    _h_spared[_h_u] = _h_spared.get(_h_u, 1.0) * (1.0 - _h_hits[_h_d] / _h_tot[_h_d])
    _h_any[_h_u] = _h_any.get(_h_u, False) or bool(_h_a)
_h_indep = sum(1.0 - v for v in _h_spared.values()) / len(_h_spared)
check_close(impact["share_users_independent"], _h_indep, "impact['share_users_independent']", tol=1e-9,
            hint="mean over the slice's users of 1 - prod(1 - p_day) over their requests")
_h_p = sum(_h_any.values()) / len(_h_any)
_h_half = 1.959963984540054 * math.sqrt(_h_p * (1 - _h_p) / len(_h_any))
_h_ci = impact["users_ci"]
check(len(_h_ci) == 2 and abs(_h_ci[0] - (_h_p - _h_half)) < 0.35 * _h_half and abs(_h_ci[1] - (_h_p + _h_half)) < 0.35 * _h_half,
      "impact['users_ci']", expected=f"a 95% interval about {_h_p:.4f} +/- {_h_half:.4f}",
      found=_h_ci, hint="resample the slice's users with replacement, N_BOOTSTRAP times")
### END HIDDEN TESTS
""",
        ),
        given(
            "s5-after",
            r"""
# Not graded: how often was an affected user hit?
hit_counts = requests[requests["affected"]].groupby("user").size()
print(f"affected users: {len(hit_counts):,}; affected requests per affected user: "
      f"median {hit_counts.median():.0f}, mean {hit_counts.mean():.1f}, max {hit_counts.max()}")
""",
        ),
        # -------------------------------------------------------------- 6
        text(
            "s6-text",
            r"""
## 6. Why the aggregate eval missed it: power (12 points)

Every day the team's evaluation suites run on each model (`evals`: `n_items` items per run, the
share passed in `score`, and its binomial standard error `stderr`). If the daily eval "barely
moved", was it because nothing happened, or because it could not have seen what happened?

A comparison of two means, each with a standard error, detects a drop $\delta$ with 80% power in
a two-sided test at the 5% level only if $\delta$ is at least the **minimum detectable drop**

$$\mathrm{MDD} = (z_{1-\alpha/2} + z_{1-\beta})\sqrt{\mathrm{SE}_{\text{before}}^2 + \mathrm{SE}_{\text{after}}^2},$$

with $z_{1-\alpha/2}$ = `Z95` and $z_{1-\beta}$ = `Z_POWER`. Turned around: to detect a drop
$\delta$ from a pass rate $p$ between two runs of $n$ items each, you need

$$n = \left\lceil \frac{(z_{1-\alpha/2} + z_{1-\beta})^2 \cdot 2p(1-p)}{\delta^2} \right\rceil$$

items per run.

### Exercise 6a
Write `min_detectable_drop(se_before, se_after, z_alpha=Z95, z_power=Z_POWER)` (a float) and
`items_needed(p, delta, z_alpha=Z95, z_power=Z_POWER)` (an `int`, rounded up). Raise
`ValueError` if a standard error is negative, `delta <= 0`, or `p` is outside $[0, 1]$.
""",
        ),
        answer(
            "q6-power-functions",
            r'''
def min_detectable_drop(se_before, se_after, z_alpha=Z95, z_power=Z_POWER):
    """The smallest drop between two means that a two-sided test detects with the given power."""
    ### BEGIN SOLUTION
    if se_before < 0 or se_after < 0:
        raise ValueError("standard errors cannot be negative")
    return float((z_alpha + z_power) * math.hypot(se_before, se_after))
    ### END SOLUTION


def items_needed(p, delta, z_alpha=Z95, z_power=Z_POWER):
    """Items per run to detect a drop `delta` from a pass rate p between two runs."""
    ### BEGIN SOLUTION
    if delta <= 0 or not 0 <= p <= 1:
        raise ValueError("need delta > 0 and 0 <= p <= 1")
    return math.ceil((z_alpha + z_power) ** 2 * 2 * p * (1 - p) / delta**2)
    ### END SOLUTION
''',
        ),
        tests(
            "q6-power-functions-test",
            4,
            r"""
# Visible self-checks on hand-made numbers.
check_close(min_detectable_drop(0.003, 0.004), 2.8015852 * 0.005, "min_detectable_drop(0.003, 0.004)",
            tol=1e-6, hint="(Z95 + Z_POWER) * sqrt(0.003**2 + 0.004**2)")
check(items_needed(0.8, 0.01) == 25117, "items_needed(0.8, 0.01)", expected="25117",
      found=items_needed(0.8, 0.01), hint="(Z95 + Z_POWER)**2 * 2 * 0.8 * 0.2 / 0.01**2 = 25116.4, rounded up")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_zz = 1.959963984540054 + 0.8416212335729143
for _h_a, _h_b in [(0.0, 0.0), (0.01, 0.0), (0.002, 0.0071)]:
    check_close(min_detectable_drop(_h_a, _h_b), _h_zz * math.sqrt(_h_a ** 2 + _h_b ** 2),
                f"min_detectable_drop({_h_a}, {_h_b})", tol=1e-12, hint="(Z95 + Z_POWER) * sqrt(a**2 + b**2)")
check_close(min_detectable_drop(0.01, 0.01, z_alpha=1.0, z_power=0.5), 1.5 * math.sqrt(2) * 0.01,
            "min_detectable_drop with other z values", tol=1e-12, hint="use the z arguments")
for _h_p, _h_d in [(0.5, 0.05), (0.835, 0.005), (0.99, 0.02), (1.0, 0.01), (0.7, 0.3)]:
    _h_raw = _h_zz ** 2 * 2 * _h_p * (1 - _h_p) / _h_d ** 2
    _h_got = items_needed(_h_p, _h_d)
    _h_ok = (_h_got in (round(_h_raw), round(_h_raw) + 1)) if abs(_h_raw - round(_h_raw)) < 1e-7 else _h_got == math.ceil(_h_raw)
    check(isinstance(_h_got, (int, np.integer)) and _h_ok, f"items_needed({_h_p}, {_h_d})",
          expected=f"{math.ceil(_h_raw)} (an int)", found=_h_got, hint="round up with math.ceil")
check(items_needed(0.6, 0.1, z_alpha=2.0, z_power=1.0) == math.ceil(9 * 2 * 0.24 / 0.01),
      "items_needed with other z values", expected=str(math.ceil(9 * 2 * 0.24 / 0.01)),
      found=items_needed(0.6, 0.1, z_alpha=2.0, z_power=1.0), hint="use the z arguments")
check_raises(lambda: min_detectable_drop(-0.01, 0.01), ValueError, "min_detectable_drop with a negative SE",
             "raise ValueError if a standard error is negative")
check_raises(lambda: items_needed(0.5, 0.0), ValueError, "items_needed with delta = 0", "delta must be > 0")
check_raises(lambda: items_needed(1.5, 0.1), ValueError, "items_needed with p = 1.5", "p must be in [0, 1]")
### END HIDDEN TESTS
""",
        ),
        text(
            "s6b-text",
            r"""
### Exercise 6b
Build the **aggregate eval**, the one number per day a dashboard shows:
- `eval_series`: the sorted list of `(suite, model)` pairs that ran at least once in the
  **baseline week**, the 7 days before the earliest onset of your findings
  (`[first_onset - 7 * DAY, first_onset)`);
- `aggregate_eval(evals, series)`: a function returning one row per date on which *every* pair of
  `series` ran, with the columns `day` (the date as a tz-aware UTC timestamp:
  `.dt.tz_localize("UTC")`), `n_items` (the total), `score` (the items-weighted mean,
  $\sum_i s_i n_i / \sum_i n_i$) and `stderr` ($\sqrt{\sum_i (\mathrm{se}_i n_i)^2} / \sum_i n_i$), sorted by day with
  a fresh index; and `eval_daily = aggregate_eval(evals, eval_series)`.

Then a dict `power` with, using the mean of a window of days and its standard error
$\sqrt{\sum_d \mathrm{se}_d^2}/D$ over its $D$ days:
- `"baseline_score"`, `"baseline_se"`: over the baseline week;
- `"incident_score"`, `"incident_se"`: over the incident, `[first_onset, last_end)` (the latest
  end of your findings);
- `"drop"` = baseline minus incident, `"z"` = drop / $\sqrt{\mathrm{se}_b^2 + \mathrm{se}_i^2}$,
  `"mde"` = `min_detectable_drop(baseline_se, incident_se)`, and `"significant"` = `z >= Z95`
  (a bool);
- production's side, for the sticky regression of section 5 (its slice: the model(s) with
  affected requests): `"slice_excess"`, the slice's bad rate in `[impact_onset, impact_end)`
  minus its bad rate in the 7 days before `impact_onset`; `"diluted_excess"` = `slice_excess`
  times the slice's share of *all* requests in `[impact_onset, impact_end)` (how much that
  regression moved the overall bad rate); and `"items_per_day_needed"` =
  `items_needed(baseline_score, diluted_excess)`: the size of a daily eval run able to see a drop
  as large as that.
""",
        ),
        answer(
            "q6-eval",
            r"""
# Define eval_series, aggregate_eval, eval_daily and the dict power.
### BEGIN SOLUTION
first_onset = min(f["onset"] for f in findings)
last_end = max(f["end"] for f in findings)
evals_utc = evals.assign(day=evals["date"].dt.tz_localize("UTC"))
baseline_runs = evals_utc[(evals_utc["day"] >= first_onset - 7 * DAY) & (evals_utc["day"] < first_onset)]
eval_series = sorted(set(zip(baseline_runs["suite"], baseline_runs["model"])))


def aggregate_eval(evals, series):
    wanted = set(series)
    runs = evals[[pair in wanted for pair in zip(evals["suite"], evals["model"])]]
    runs = runs.assign(points=runs["score"] * runs["n_items"],
                       var=(runs["stderr"] * runs["n_items"]) ** 2)
    per_day = runs.groupby("date").agg(n_items=("n_items", "sum"), points=("points", "sum"),
                                       var=("var", "sum"), runs=("score", "size"))
    per_day = per_day[per_day["runs"] == len(wanted)]
    return pd.DataFrame({
        "day": per_day.index.tz_localize("UTC"),
        "n_items": per_day["n_items"].to_numpy(),
        "score": (per_day["points"] / per_day["n_items"]).to_numpy(),
        "stderr": (np.sqrt(per_day["var"]) / per_day["n_items"]).to_numpy(),
    })


eval_daily = aggregate_eval(evals, eval_series)


def window_mean(daily, start, end):
    inside = daily[(daily["day"] >= start) & (daily["day"] < end)]
    return float(inside["score"].mean()), float(np.sqrt((inside["stderr"] ** 2).sum()) / len(inside))


base_score, base_se = window_mean(eval_daily, first_onset - 7 * DAY, first_onset)
inc_score, inc_se = window_mean(eval_daily, first_onset, last_end)
drop = base_score - inc_score
z = drop / math.hypot(base_se, inc_se)
slice_rows = requests[requests["model"].isin(set(requests.loc[requests["affected"], "model"]))]
before = slice_rows[(slice_rows["day"] >= impact_onset - 7 * DAY) & (slice_rows["day"] < impact_onset)]
during = slice_rows[(slice_rows["day"] >= impact_onset) & (slice_rows["day"] < impact_end)]
all_during = requests[(requests["day"] >= impact_onset) & (requests["day"] < impact_end)]
slice_excess = float(during["bad"].mean() - before["bad"].mean())
diluted_excess = slice_excess * len(during) / len(all_during)
power = {
    "baseline_score": base_score, "baseline_se": base_se,
    "incident_score": inc_score, "incident_se": inc_se,
    "drop": drop, "z": z, "mde": min_detectable_drop(base_se, inc_se), "significant": bool(z >= Z95),
    "slice_excess": slice_excess, "diluted_excess": diluted_excess,
    "items_per_day_needed": items_needed(base_score, diluted_excess),
}
### END SOLUTION
for key, value in power.items():
    print(f"{key:>22}: {value}")
print(f"items per daily eval run: about {int(eval_daily['n_items'].median()):,}")
""",
        ),
        tests(
            "q6-eval-test",
            4,
            r"""
# Visible self-checks.
check(isinstance(eval_series, list) and all(isinstance(p, tuple) and len(p) == 2 for p in eval_series),
      "eval_series", expected="a list of (suite, model) tuples", found=eval_series, hint="sorted(set(zip(...)))")
check(list(eval_daily.columns) == ["day", "n_items", "score", "stderr"], "the columns of eval_daily",
      expected="['day', 'n_items', 'score', 'stderr']", found=list(eval_daily.columns), hint="see the exercise")
check(str(eval_daily["day"].dt.tz) == "UTC", "the type of eval_daily['day']", expected="tz-aware UTC",
      found=eval_daily["day"].dtype, hint='.dt.tz_localize("UTC") (or .tz_localize on an index)')
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
_h_first = min(f["onset"] for f in findings)
_h_pairs = sorted(set((s_, m_) for s_, m_, d_ in zip(evals["suite"].tolist(), evals["model"].tolist(), evals["date"].tolist())
                      if _h_first - pd.Timedelta(days=7) <= pd.Timestamp(d_).tz_localize("UTC") < _h_first))
check(sorted(eval_series) == _h_pairs, "eval_series", expected=_h_pairs, found=eval_series,
      hint="the pairs that ran in the 7 days before your earliest onset")
def _h_aggregate(_pairs):
    _by_day = {}
    for _s, _m, _d, _ni, _sc, _se in zip(evals["suite"].tolist(), evals["model"].tolist(), evals["date"].tolist(),
                                         evals["n_items"].tolist(), evals["score"].tolist(), evals["stderr"].tolist()):
        if (_s, _m) in set(_pairs):
            _by_day.setdefault(_d, []).append((_ni, _sc, _se))
    _out = []
    for _d in sorted(_by_day):
        _rows = _by_day[_d]
        if len(_rows) == len(set(_pairs)):
            _tot = sum(r[0] for r in _rows)
            _out.append((pd.Timestamp(_d).tz_localize("UTC"), _tot, sum(r[0] * r[1] for r in _rows) / _tot,
                         math.sqrt(sum((r[0] * r[2]) ** 2 for r in _rows)) / _tot))
    return _out
_h_ref = _h_aggregate(_h_pairs)
_h_mine = aggregate_eval(evals, _h_pairs)
check(len(_h_mine) == len(_h_ref) and _h_mine["day"].tolist() == [r[0] for r in _h_ref],
      "the days of aggregate_eval(evals, eval_series)", expected=f"{len(_h_ref)} days on which every pair ran",
      found=f"{len(_h_mine)} rows", hint="keep only the dates with a run of every pair")
check(max(abs(a - r[2]) + abs(b - r[3]) for a, b, r in zip(_h_mine["score"].tolist(), _h_mine["stderr"].tolist(), _h_ref)) < 1e-9
      and _h_mine["n_items"].tolist() == [r[1] for r in _h_ref],
      "n_items, score and stderr of aggregate_eval", expected="the items-weighted mean and its standard error",
      found=_h_mine.head(3).to_numpy().tolist(), hint="sum(s_i n_i) / sum(n_i); sqrt(sum((se_i n_i)**2)) / sum(n_i)")
_h_small = pd.DataFrame({"date": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-01", "2025-01-03"]),
                         "suite": ["a", "b", "a", "b"], "model": ["m", "m", "m", "m"],
                         "n_items": [100, 300, 100, 300], "score": [0.5, 0.9, 0.6, 0.8], "stderr": [0.05, 0.02, 0.05, 0.02]})
_h_two = aggregate_eval(_h_small, [("a", "m"), ("b", "m")])
check(len(_h_two) == 1 and abs(float(_h_two["score"].iloc[0]) - 0.8) < 1e-12
      and abs(float(_h_two["stderr"].iloc[0]) - math.sqrt(25 + 36) / 400) < 1e-12,
      "aggregate_eval on a small table", expected="one day (2025-01-02), score 0.8, stderr sqrt(61)/400",
      found=_h_two.to_numpy().tolist(), hint="only days on which every pair ran; weights n_items")
### END HIDDEN TESTS
""",
        ),
        tests(
            "q6-power-test",
            4,
            r"""
# Visible self-checks.
wanted = {"baseline_score", "baseline_se", "incident_score", "incident_se", "drop", "z", "mde",
          "significant", "slice_excess", "diluted_excess", "items_per_day_needed"}
check(isinstance(power, dict) and wanted <= set(power), "the keys of power", expected=sorted(wanted),
      found=sorted(power) if isinstance(power, dict) else power, hint="see the exercise")
check(isinstance(power["significant"], (bool, np.bool_)), "power['significant']", expected="a bool",
      found=power["significant"], hint="z >= Z95")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__TRUTH__
def _h_mean_se(_rows, _lo, _hi):
    _in = [r for r in _rows if _lo <= r[0] < _hi]
    return sum(r[2] for r in _in) / len(_in), math.sqrt(sum(r[3] ** 2 for r in _in)) / len(_in)
def _h_eval_rows(_first):
    _pairs = sorted(set((s_, m_) for s_, m_, d_ in zip(evals["suite"].tolist(), evals["model"].tolist(), evals["date"].tolist())
                          if _first - pd.Timedelta(days=7) <= pd.Timestamp(d_).tz_localize("UTC") < _first))
    _acc = {}
    for _s, _m, _d, _ni, _sc, _se in zip(evals["suite"].tolist(), evals["model"].tolist(), evals["date"].tolist(),
                                         evals["n_items"].tolist(), evals["score"].tolist(), evals["stderr"].tolist()):
        if (_s, _m) in _pairs:
            _acc.setdefault(pd.Timestamp(_d).tz_localize("UTC"), []).append((_ni, _sc, _se))
    _out = []
    for _d in sorted(_acc):
        if len(_acc[_d]) == len(_pairs):
            _t = sum(r[0] for r in _acc[_d])
            _out.append((_d, _t, sum(r[0] * r[1] for r in _acc[_d]) / _t, math.sqrt(sum((r[0] * r[2]) ** 2 for r in _acc[_d])) / _t))
    return _out
_h_zz = 1.959963984540054 + 0.8416212335729143
def _h_power_numbers(_first, _last):
    _rows = _h_eval_rows(_first)
    _bs, _bse = _h_mean_se(_rows, _first - pd.Timedelta(days=7), _first)
    _is, _ise = _h_mean_se(_rows, _first, _last)
    return {"baseline_score": _bs, "baseline_se": _bse, "incident_score": _is, "incident_se": _ise,
            "drop": _bs - _is, "z": (_bs - _is) / math.sqrt(_bse ** 2 + _ise ** 2),
            "mde": _h_zz * math.sqrt(_bse ** 2 + _ise ** 2)}
# 1. From your own findings.
_h_own = _h_power_numbers(min(f["onset"] for f in findings), max(f["end"] for f in findings))
for _h_key, _h_val in _h_own.items():
    check_close(power[_h_key], _h_val, f"power[{_h_key!r}] from your findings", tol=1e-9,
                hint="window means of eval_daily and their standard errors, as defined above")
check(bool(power["significant"]) == (_h_own["z"] >= 1.959963984540054), "power['significant']",
      expected=str(_h_own["z"] >= 1.959963984540054), found=power["significant"], hint="z >= Z95")
_h_dn = ((requests["day"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(days=1)).to_numpy()
_h_mod = requests["model"].to_numpy()
_h_bad = requests["bad"].to_numpy(dtype=bool)
def _h_excess(_aff, _lo, _hi):
    # the slice: the models with affected requests; the window [_lo, _hi) in day numbers
    _sl = np.isin(_h_mod, sorted(set(_h_mod[_aff].tolist())))
    _dur = _sl & (_h_dn >= _lo) & (_h_dn < _hi)
    _bef = _sl & (_h_dn >= _lo - 7) & (_h_dn < _lo)
    _ex = _h_bad[_dur].sum() / _dur.sum() - _h_bad[_bef].sum() / _bef.sum()
    return _ex, _ex * _dur.sum() / ((_h_dn >= _lo) & (_h_dn < _hi)).sum()
_h_aff = requests["affected"].to_numpy(dtype=bool)
_h_ex, _h_dil = _h_excess(_h_aff, _h_dn[_h_aff].min(), _h_dn[_h_aff].max() + 1)
check_close(power["slice_excess"], _h_ex, "power['slice_excess']", tol=1e-9,
            hint="bad rate of the slice in the impact window minus in the 7 days before it")
check_close(power["diluted_excess"], _h_dil, "power['diluted_excess']", tol=1e-9,
            hint="slice_excess times the slice's share of all requests in the impact window")
_h_items = _h_zz ** 2 * 2 * power["baseline_score"] * (1 - power["baseline_score"]) / _h_dil ** 2
check(abs(power["items_per_day_needed"] - _h_items) <= 1.0 + 1e-6 * _h_items, "power['items_per_day_needed']",
      expected=f"about {math.ceil(_h_items)}", found=power["items_per_day_needed"],
      hint="items_needed(baseline_score, diluted_excess)")
# 2. The conclusion. (The windows come from your findings, which section 4 grades.)
check(not power["significant"], "power['significant']", expected="False: the aggregate eval saw nothing",
      found=power["significant"], hint="check your windows and z")
### END HIDDEN TESTS
""".replace("__TRUTH__", truth_plain),
        ),
        # -------------------------------------------------------------- 7
        text(
            "s7-text",
            r"""
## 7. A detector of your own design (10 points)

A detector watches daily series and raises an alarm when a series leaves its normal range. Two
numbers describe it: its **false-alarm rate** (alarms when nothing is wrong, which teach people
to ignore it) and its **detection delay** (days from the onset of a real problem to the first
alarm). You cannot lower both at once; you choose a trade-off, and you *measure* it.

The setup cell names the series to watch: every signal in `SIGNALS` on the slices `{}` (all
traffic), each value of each column in `SLICE_COLUMNS`, and each pair of values of `SLICE_PAIRS`,
when the slice has data on every reference day and at least 20 requests a day on average. The
cell below builds them with your `daily_rates` as a list `monitored` of dicts with the keys
`"slice"`, `"signal"` and `"daily"`.

### Exercise 7a
Write `detect(daily)`. It receives one series, a table like those of `daily_rates` (columns
`day`, `n`, `k`, ...; rows sorted by day; index not necessarily from 0) and returns a NumPy bool
array with one element per row: True on the days on which it raises an alarm. The rules:
- it learns what normal looks like from the first `CALIBRATION_DAYS` rows only, and never alarms
  on them;
- it is **causal**: the alarm of a day depends only on that day and the days before it (running it
  on the first $t$ rows gives the same first $t$ alarms as running it on the whole series);
- it detects *increases* of the rate; any design is fine: a Wilson-interval rule, a CUSUM, an
  EWMA chart, a sequential test... For example, the Bernoulli **CUSUM** keeps a score
  $S_t = \max(0, S_{t-1} + k_t \log\frac{p_1}{p_0} + (n_t - k_t)\log\frac{1-p_1}{1-p_0})$, with
  $p_0$ the calibration rate and $p_1$ the rate you want to catch (say $1.5\,p_0$), and alarms
  when $S_t$ exceeds a threshold $h$ (then starts again from 0).

### Exercise 7b
Run `detect` on every series of `monitored` and compute:
- `false_alarm_rate`: the number of alarms on the days after the calibration days and before
  `REFERENCE_END` (days in `[START + CALIBRATION_DAYS * DAY, REFERENCE_END)`), summed over all
  series, divided by the number of such series-days. It must stay within `FALSE_ALARM_BUDGET`;
- `detection_delays`: a list aligned with `findings`: for each finding, the first day in its
  `[onset, end)` on which `detect` alarms on any monitored series whose `"slice"` equals the
  finding's slice (any signal), as a number of days after the onset (an `int`), or `None` if
  there is no such alarm (or no such series).

Tune your detector so that it meets the budget *and* catches as many regressions as it can. The
hidden tests run your `detect` again on the series and check these numbers, and that it catches
at least two of the regressions on their real slices while they were active.
""",
        ),
        given(
            "s7-monitored",
            r"""
# Not graded: the series to watch, built with your daily_rates.
def slices_to_watch(frame):
    slices = [{}]
    for column in SLICE_COLUMNS:
        slices += [{column: value} for value in sorted(frame[column].unique())]
    for first, second in SLICE_PAIRS:
        pairs = sorted(set(zip(frame[first], frame[second])))
        slices += [{first: a, second: b} for a, b in pairs]
    return slices


monitored = []
for slice_ in slices_to_watch(requests):
    part = rows_of(requests, slice_)
    for signal in SIGNALS:
        daily = daily_rates(part, signal)
        reference = daily[daily["day"] < REFERENCE_END]
        if len(reference) == REFERENCE_DAYS and daily["n"].mean() >= 20:
            monitored.append({"slice": slice_, "signal": signal, "daily": daily})
print(f"{len(monitored)} series to watch, e.g. {[(m['slice'], m['signal']) for m in monitored[:4]]}")
""",
        ),
        answer(
            "q7-detector",
            r'''
def detect(daily):
    """Alarms (a bool array, one per row) for increases of a daily rate."""
    ### BEGIN SOLUTION
    n = daily["n"].to_numpy(dtype=float)
    k = daily["k"].to_numpy(dtype=float)
    alarms = np.zeros(len(n), dtype=bool)
    # The calibration rate, kept away from 0 and 1 so that rare signals work too.
    p0 = (k[:CALIBRATION_DAYS].sum() + 1.0) / (n[:CALIBRATION_DAYS].sum() + 2.0)
    p1 = min(1.5 * p0, 0.99)
    up, down = math.log(p1 / p0), math.log((1 - p1) / (1 - p0))
    score = 0.0
    for t in range(CALIBRATION_DAYS, len(n)):
        score = max(0.0, score + k[t] * up + (n[t] - k[t]) * down)
        if score > 5.0:
            alarms[t] = True
            score = 0.0
    return alarms
    ### END SOLUTION
''',
        ),
        tests(
            "q7-detector-test",
            5,
            r"""
# Visible self-checks on hand-made series.
def steady(rate=0.05, n=300, days=60, start="2025-01-06"):
    day_list = pd.date_range(start, periods=days, freq="D", tz="UTC")
    return pd.DataFrame({"day": day_list, "n": [n] * days, "k": [round(rate * n)] * days})

flat = steady()
alarms = detect(flat)
check(isinstance(alarms, np.ndarray) and alarms.dtype == bool and len(alarms) == len(flat),
      "detect(flat)", expected=f"a bool array of length {len(flat)}", found=alarms, hint="np.zeros(len(daily), dtype=bool)")
check(not alarms.any(), "detect on a series that never changes", expected="no alarm",
      found=f"{int(alarms.sum())} alarms", hint="a constant rate is normal")
jump = steady()
jump.loc[40:, "k"] = 45   # 5% -> 15% from day 40
alarms = detect(jump)
check(alarms[40:43].any() and not alarms[:40].any(), "detect on a jump from 5% to 15% on day 40",
      expected="an alarm within 3 days of day 40, none before", found=np.flatnonzero(alarms)[:5],
      hint="compare each day with the calibration rate")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__REFERENCE__
def _h_series(_ks, _ns, _start="2024-11-04", _index0=0):
    _d = pd.date_range(_start, periods=len(_ks), freq="D", tz="UTC")
    return _h_frame_of(list(_d), list(_ns), list(_ks)).set_axis(range(_index0, _index0 + len(_ks)))
_h_weekly = [500 if _i % 7 < 5 else 200 for _i in range(70)]
_h_calm = _h_series([round(0.08 * _n) for _n in _h_weekly], _h_weekly, _index0=7)
check(not np.asarray(detect(_h_calm)).any(), "detect on a steady 8% rate with a weekly traffic cycle",
      expected="no alarm", found=np.flatnonzero(np.asarray(detect(_h_calm))), hint="a rate that does not change is normal")
_h_spike = _h_series([round(0.08 * _n) if _i < 50 else round(0.2 * _n) for _i, _n in enumerate(_h_weekly)], _h_weekly)
_h_al = np.asarray(detect(_h_spike), dtype=bool)
check(_h_al[50:53].any() and not _h_al[:50].any(), "detect on a jump from 8% to 20% on day 50 (index from 0)",
      expected="an alarm within 3 days of day 50, none before", found=np.flatnonzero(_h_al)[:5],
      hint="a large jump must be caught quickly")
_h_rare = _h_series([0 if _i % 9 else 1 for _i in range(60)] , [600] * 60)
check(not np.asarray(detect(_h_rare)).any(), "detect on a rare signal (1 in 5,400) that does not change",
      expected="no alarm", found=np.flatnonzero(np.asarray(detect(_h_rare))), hint="a rate near 0 in calibration must not make every event an alarm")
_h_early = _h_series([60] * 5 + [5] * 55, [100] * 60)
check(not np.asarray(detect(_h_early))[:CALIBRATION_DAYS].any(), "detect during the calibration days",
      expected="no alarm on the first CALIBRATION_DAYS rows", found=np.flatnonzero(np.asarray(detect(_h_early)))[:5],
      hint="never alarm while calibrating")
_h_parts = [m for m in monitored if m["signal"] == "bad"][:3]
for _h_m in _h_parts:
    _h_full = np.asarray(detect(_h_m["daily"]), dtype=bool)
    for _h_t in range(CALIBRATION_DAYS, len(_h_m["daily"]) + 1, 4):
        _h_part = np.asarray(detect(_h_m["daily"].iloc[:_h_t].copy()), dtype=bool)
        check(np.array_equal(_h_part, _h_full[:_h_t]), f"detect on the first {_h_t} rows of the series {_h_m['slice']}",
              expected="the same alarms as on the whole series, for those rows",
              found=f"alarms on rows {np.flatnonzero(_h_part ^ _h_full[:_h_t])[:5]} differ",
              hint="a day's alarm may use only that day and the days before it (causal)")
### END HIDDEN TESTS
""".replace("__REFERENCE__", _REFERENCE),
        ),
        answer(
            "q7-numbers",
            r"""
# Compute false_alarm_rate and detection_delays.
### BEGIN SOLUTION
alarm_sets = [detect(m["daily"]) for m in monitored]
quiet_alarms, quiet_days = 0, 0
for m, alarms in zip(monitored, alarm_sets):
    days = m["daily"]["day"]
    quiet = ((days >= START + CALIBRATION_DAYS * DAY) & (days < REFERENCE_END)).to_numpy()
    quiet_alarms += int(alarms[quiet].sum())
    quiet_days += int(quiet.sum())
false_alarm_rate = quiet_alarms / quiet_days
detection_delays = []
for finding in findings:
    first = None
    for m, alarms in zip(monitored, alarm_sets):
        if m["slice"] != finding["slice"]:
            continue
        alarm_days = m["daily"]["day"][alarms]
        inside = alarm_days[(alarm_days >= finding["onset"]) & (alarm_days < finding["end"])]
        if len(inside) and (first is None or inside.min() < first):
            first = inside.min()
    detection_delays.append(None if first is None else int((first - finding["onset"]).days))
### END SOLUTION
print(f"false-alarm rate on the reference weeks: {false_alarm_rate:.4f} ({len(monitored)} series)")
for finding, delay in zip(findings, detection_delays):
    print(f"{str(finding['slice']):>45}: onset {finding['onset']:%Y-%m-%d}, delay {delay} days")
""",
        ),
        tests(
            "q7-numbers-test",
            5,
            r"""
# Visible self-checks.
check(0 <= false_alarm_rate <= FALSE_ALARM_BUDGET, "false_alarm_rate",
      expected=f"between 0 and FALSE_ALARM_BUDGET = {FALSE_ALARM_BUDGET}", found=false_alarm_rate,
      hint="raise the threshold (or the rate p1 you look for)")
check(isinstance(detection_delays, list) and len(detection_delays) == len(findings), "detection_delays",
      expected="a list with one element per finding", found=detection_delays, hint="see the exercise")
print("Visible self-checks passed.")
### BEGIN HIDDEN TESTS
__TRUTH__
__REFERENCE__
_h_watch = []
for _h_sl in [{}] + [{c: v} for c in SLICE_COLUMNS for v in sorted(set(requests[c].tolist()))] + [
        {a: x, b: y} for a, b in SLICE_PAIRS for x, y in sorted(set(zip(requests[a].tolist(), requests[b].tolist())))]:
    _h_rows = _h_select(requests, _h_sl)
    for _h_sig in SIGNALS:
        _h_d, _h_n, _h_k = _h_counts(_h_rows, _h_sig)
        if sum(1 for d in _h_d if d < REFERENCE_END) == REFERENCE_DAYS and sum(_h_n) >= 20 * len(_h_n):
            _h_frame = _h_frame_of(_h_d, _h_n, _h_k)
            _h_watch.append((_h_sl, _h_frame, np.asarray(detect(_h_frame), dtype=bool)))
check(len(_h_watch) == len(monitored), "the series watched", expected=f"{len(_h_watch)} series",
      found=len(monitored), hint="use the monitored list the given cell builds")
_h_fa = _h_cells = 0
for _h_sl, _h_frame, _h_al in _h_watch:
    for _h_day, _h_a in zip(_h_frame["day"].tolist(), _h_al.tolist()):
        if START + CALIBRATION_DAYS * pd.Timedelta(days=1) <= _h_day < REFERENCE_END:
            _h_cells += 1
            _h_fa += int(_h_a)
check_close(false_alarm_rate, _h_fa / _h_cells, "false_alarm_rate (your detect, run again)", tol=1e-9,
            hint="alarms on the days after calibration and before REFERENCE_END, over all series-days")
check(_h_fa / _h_cells <= FALSE_ALARM_BUDGET, "the false-alarm rate of your detector", expected=f"<= {FALSE_ALARM_BUDGET}",
      found=_h_fa / _h_cells, hint="raise your threshold")
def _h_first_alarm(_slice, _lo, _hi):
    _best = None
    for _h_sl2, _h_fr2, _h_al2 in _h_watch:
        if dict(_h_sl2) != dict(_slice):
            continue
        for _h_day, _h_a in zip(_h_fr2["day"].tolist(), _h_al2.tolist()):
            if _h_a and _lo <= _h_day < _hi and (_best is None or _h_day < _best):
                _best = _h_day
    return _best
_h_want = []
for _h_f in findings:
    _h_hit = _h_first_alarm(_h_f["slice"], _h_f["onset"], _h_f["end"])
    _h_want.append(None if _h_hit is None else (_h_hit - _h_f["onset"]).days)
check([None if v is None else int(v) for v in detection_delays] == _h_want, "detection_delays (your detect, run again)",
      expected=_h_want, found=detection_delays, hint="first alarm day in [onset, end) on the finding's slice, minus the onset, in days")
_h_caught = [r["name"] for r in _h_regressions if _h_first_alarm(r["slice"], r["onset"], r["end"]) is not None]
check(len(_h_caught) >= 2, "the regressions your detector catches on their real slices, while they were active",
      expected="at least 2", found=len(_h_caught), hint="lower your threshold, within the false-alarm budget")
### END HIDDEN TESTS
""".replace("__TRUTH__", truth_plain).replace("__REFERENCE__", _REFERENCE),
        ),
        # -------------------------------------------------------------- 8
        text(
            "s8-text",
            r"""
## 8. Interpretation (22 points, graded by a person)

Answer in the cells marked *YOUR ANSWER HERE*, in plain language, using **numbers from your own
notebook** (quote them with sensible rounding). A grader reads these with a mark scheme; correct
reasoning with your numbers matters more than length.
""",
        ),
        task(
            "q8a-eval",
            8,
            fill(
                r"""
### Question 8a (8 points)
A manager asks: "Our daily eval didn't move. Why didn't it catch this?" Answer in about 150-250
words, with your numbers from section 6 (the eval's drop, its z and its minimum detectable drop;
the production excess and how it was diluted; the size an eval would need) and from sections 4-5
(which slices were hit). Say what the eval *could* have caught, and what it could not.

### BEGIN MARK SCHEME
8 points. Numbers must come from the student's notebook; accept sensible rounding.

__MARKS__
### END MARK SCHEME
""",
                marks=s.mark_eval,
            ),
        ),
        free(r"""
YOUR ANSWER HERE
"""),
        task(
            "q8b-monitor",
            8,
            fill(
                r"""
### Question 8b (8 points)
Propose what the team should monitor from now on, in about 150-250 words: which signals, on
which slices, with which detector, and with what alarm budget. Use your detector's measured
false-alarm rate and detection delays, and say what you would change in it for production use
(where it would watch many more series, every day, for months).

### BEGIN MARK SCHEME
8 points.

__MARKS__
### END MARK SCHEME
""",
                marks=s.mark_monitor,
            ),
        ),
        free(r"""
YOUR ANSWER HERE
"""),
        task(
            "q8c-sticky",
            6,
            fill(
                r"""
### Question 8c (6 points)
Your section 5 gave two shares of requests and users for the sticky regression, and what
independent harm would have given. In about 100-150 words, explain to a support lead what each
number means for the people affected, and why an impact statement should give both.

### BEGIN MARK SCHEME
6 points.

__MARKS__
### END MARK SCHEME
""",
                marks=s.mark_sticky,
            ),
        ),
        free(r"""
YOUR ANSWER HERE
"""),
        text(
            "references",
            fill(
                r"""
## References
__REFERENCE__
- Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
  *Journal of the American Statistical Association* 22(158), 209-212. (the Wilson interval)
- Page, E. S. (1954). Continuous inspection schemes. *Biometrika* 41(1/2), 100-115. (CUSUM)
- Miller, E. (2024). *Adding Error Bars to Evals.* arXiv:2411.00640. (standard errors and power
  analysis for evaluations)
""",
                reference=s.reference,
            ),
        ),
    ]


# The three findings cells share their reference matching and differ in what they require.
_FINDINGS_VISIBLE = r"""
# Visible self-checks: the shape of findings.
check(isinstance(findings, list) and len(findings) == N_REGRESSIONS, "findings",
      expected=f"a list of {N_REGRESSIONS} dicts", found=findings, hint="one dict per regression")
for number, finding in enumerate(findings):
    check(isinstance(finding, dict) and {"slice", "signal", "onset", "end"} <= set(finding),
          f"finding {number}", expected="a dict with slice, signal, onset, end", found=finding,
          hint="see the exercise")
    check(isinstance(finding["slice"], dict) and set(finding["slice"]) <= set(requests.columns),
          f"the slice of finding {number}", expected="a dict {column: value} of requests' columns",
          found=finding["slice"], hint='for example {"pool": "gpu"}, or {} for all the traffic')
    check(finding["signal"] in requests.columns and requests[finding["signal"]].dtype == bool,
          f"the signal of finding {number}", expected="the name of a bool column of requests",
          found=finding["signal"], hint="add your own bool column to requests if you need one")
    for key in ("onset", "end"):
        value = finding[key]
        check(isinstance(value, pd.Timestamp) and str(value.tz) == "UTC" and value == value.floor("D"),
              f"finding {number}: {key}", expected="a tz-aware UTC timestamp at midnight",
              found=value, hint='like the values of requests["day"]')
    check(finding["onset"] < finding["end"], f"finding {number}: onset and end",
          expected="onset < end", found=(finding["onset"], finding["end"]), hint="end is the first day without it")
print("Visible self-checks passed.")
"""

_FINDINGS_HIDDEN = r"""
### BEGIN HIDDEN TESTS
__TRUTH__
__REFERENCE__
_h_one_day = pd.Timedelta(days=1)
def _h_slice_fits(_mine, _reg):
    if all(_c in _mine and _mine[_c] == _v for _c, _v in _reg["slice"].items()):
        return True
    _rows = _h_select(requests, _mine)
    if _rows is None or _reg["rows"] is None:
        return False
    _chosen = np.zeros(len(requests), dtype=bool)
    _chosen[requests.index.get_indexer(_rows.index)] = True
    _chosen &= ((requests["time"] >= _reg["onset"]) & (requests["time"] < _reg["end"])).to_numpy(dtype=bool)
    _true = _h_mask_of(_reg["rows"])
    _hit = int(np.sum(_chosen & _true))
    return _hit >= 0.5 * int(_chosen.sum()) and _hit >= 0.5 * int(_true.sum()) and _hit > 0
def _h_orders(_items):
    if len(_items) <= 1:
        return [list(_items)]
    return [[_x] + _rest for _i, _x in enumerate(_items) for _rest in _h_orders(_items[:_i] + _items[_i + 1:])]
_h_fits = [[_h_slice_fits(f["slice"], r) and abs(f["onset"] - r["onset"]) <= _h_one_day for r in _h_regressions]
           for f in findings]
_h_ends = [[abs(f["end"] - r["end"]) <= _h_one_day for r in _h_regressions] for f in findings]
_h_matched, _h_ends_ok = 0, 0
for _h_perm in _h_orders(list(range(len(_h_regressions)))):
    _h_pairs = [(i, _h_perm[i]) for i in range(len(findings)) if _h_fits[i][_h_perm[i]]]
    _h_score = (len(_h_pairs), sum(1 for i, j in _h_pairs if _h_ends[i][j]))
    if _h_score > (_h_matched, _h_ends_ok):
        _h_matched, _h_ends_ok = _h_score
__REQUIRE__
### END HIDDEN TESTS
"""


def _findings_test(require: str, truth_code: str) -> str:
    hidden = (
        _FINDINGS_HIDDEN.replace("__TRUTH__", truth_code)
        .replace("__REFERENCE__", _REFERENCE)
        .replace("__REQUIRE__", require.strip("\n"))
    )
    return _FINDINGS_VISIBLE.strip("\n") + "\n" + hidden.strip("\n")


# ---------------------------------------------------------------------------- the build
def build(scenario: Scenario) -> nbformat.NotebookNode:
    return notebook_cells.source_notebook(build_cells(scenario), LAB_ID)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="sep2025")
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    notebook_cells.write_notebook(build(scenario), OUT)
    data = notebook_cells.copy_scenario_data(DATASETS, FOLDER, scenario.name, TABLES)
    print(f"wrote {OUT} (scenario {scenario.name}) and {data}")


if __name__ == "__main__":
    main()
