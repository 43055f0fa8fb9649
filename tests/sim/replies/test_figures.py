"""Statistics questions with their own figures get worked answers; anything unclear gets none."""

import math
import re

import numpy as np
import pytest

from labkit.sim.replies import Replier, figures
from labkit.sim.replies.bank import CODE_ANSWER_PARTS
from labkit.sim.replies.compose import Chooser, Writer, ends_a_sentence
from labkit.sim.replies.figures import (
    CleanRuns,
    Difference,
    Failures,
    GroupSize,
    Impossible,
    MarginSize,
    PassAtK,
    Proportion,
    clean_runs_needed,
    for_margin,
    newcombe,
    pass_at_k,
    pass_hat_k,
    per_group,
    read_question,
    shown_percent,
    wald,
    wilson,
    zero_failure_bound,
)
from labkit.sim.replies.report import setting_for, starts_a_sentence
from tests.sim.replies.helpers import reply

FIGURE_KINDS = (
    "proportion",
    "impossible",
    "difference",
    "sample_size",
    "margin",
    "clean_runs",
    "failures",
    "pass_at_k",
)


def worked(
    replier: Replier,
    prompt: str,
    *,
    model: str = "sim-sonnet-4-6",
    effort: str = "medium",
    seed: int = 0,
) -> tuple[str, str, int]:
    """(plan name, text, wrong choices) of figures.answer for a prompt read by the replier."""
    reading = replier.read([{"role": "user", "content": prompt}])
    writer = Writer(reading.subject or "this")
    chooser = Chooser(setting_for(model, effort), np.random.default_rng(seed))
    plan = figures.answer(replier.bank, reading, writer, chooser)
    return plan, writer.text(), chooser.wrong


# -- the maths, against values worked by hand or published -------------------------------------
def limits(interval: figures.Interval) -> tuple[float, float]:
    return (interval.low, interval.high)


def test_wilson_matches_hand_worked_and_published_values():
    # 312/400 at 95%: centre (0.78 + 1.9208/400) / 1.0096 = 0.77734, half-width 0.04049.
    assert limits(wilson(0.78, 400)) == pytest.approx((0.73685, 0.81783), abs=5e-5)
    # 3/400 (0.75%): 0.26% .. 2.18%.
    assert limits(wilson(3 / 400, 400)) == pytest.approx((0.002554, 0.021816), abs=5e-6)
    # Newcombe (1998), single proportion: 81/263 -> 0.2553 .. 0.3662; 0/20 -> 0 .. 0.1611.
    assert limits(wilson(81 / 263, 263)) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert limits(wilson(0.0, 20)) == pytest.approx((0.0, 0.1611), abs=5e-5)
    assert wilson(1.0, 20).high == 1.0 and wilson(0.0, 20).low == 0.0


def test_other_levels_widen_or_narrow_the_interval():
    narrow, usual, wide = (wilson(0.78, 400, level) for level in (0.90, 0.95, 0.99))
    assert narrow.low > usual.low > wide.low and narrow.high < usual.high < wide.high
    assert figures.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)


def test_wald_is_the_plain_normal_interval_and_can_leave_zero_to_one():
    # 0.78 +/- 1.96 * sqrt(0.78 * 0.22 / 400) = 0.78 +/- 0.0406
    assert limits(wald(0.78, 400)) == pytest.approx((0.7394, 0.8206), abs=5e-5)
    assert wald(3 / 20, 20).low < 0
    assert limits(wald(0.0, 50)) == (0.0, 0.0)


def test_newcombe_matches_the_published_examples():
    # Newcombe (1998), method 10: 56/70 - 48/80 -> 0.0524 .. 0.3339; 9/10 - 3/10 -> 0.1705 .. 0.8090.
    assert limits(newcombe(48 / 80, 80, 56 / 70, 70)) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert limits(newcombe(3 / 10, 10, 9 / 10, 10)) == pytest.approx((0.1705, 0.8090), abs=5e-5)


def test_sample_sizes_follow_the_standard_formulas():
    # 50% vs 60%, alpha 0.05 two-sided, 80% power: (1.96*0.7036 + 0.8416*0.7)^2 / 0.01 = 387.3
    assert per_group(0.5, 0.6) == 388
    assert per_group(0.80, 0.82) == 6039
    assert per_group(0.80, 0.82, power=0.9) > per_group(0.80, 0.82)
    assert per_group(0.80, 0.82, sides=1) < per_group(0.80, 0.82)
    # 1.96^2 * 0.25 / 0.03^2 = 1067.07 -> 1068; 1.96^2 * 0.16 / 0.02^2 = 1536.6 -> 1537
    assert for_margin(0.5, 0.03) == 1068
    assert for_margin(0.8, 0.02) == 1537


def test_clean_runs_and_the_rule_of_three():
    # ln(0.05) / ln(0.99) = 298.07; the rule of three says about 300.
    assert clean_runs_needed(0.01) == 299
    assert clean_runs_needed(0.05) == 59
    assert clean_runs_needed(0.10) == 29
    assert (1 - 0.01) ** 299 <= 0.05 < (1 - 0.01) ** 298
    assert zero_failure_bound(50) == pytest.approx(0.0582, abs=5e-5)
    assert zero_failure_bound(300) == pytest.approx(3 / 300, rel=0.01)


def test_pass_at_k_and_pass_hat_k_are_the_unbiased_estimators():
    assert pass_at_k(10, 3, 5) == pytest.approx(1 - 21 / 252)  # C(7,5) / C(10,5)
    assert pass_at_k(10, 3, 2) == pytest.approx(8 / 15)
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)  # pass@1 is c/n
    assert pass_at_k(10, 8, 5) == 1.0  # fewer than k wrong samples: a correct one is certain
    assert pass_hat_k(10, 3, 2) == pytest.approx(3 / 45)
    assert pass_hat_k(10, 3, 5) == 0.0
    # the plug-in 1 - (1 - c/n)^k is not the same number: it is biased
    assert not math.isclose(pass_at_k(10, 3, 5), 1 - 0.7**5)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.78, "78.0%"),
        (0.0026, "0.26%"),
        (0.0, "0%"),
        (1.0, "100%"),
        (0.000035, "0.0035%"),
        (1e-12, "under 0.0001%"),
        (0.99999, "over 99.99%"),
        (0.9974, "99.74%"),
    ],
)
def test_percents_are_rounded_as_a_person_would(value, shown):
    assert shown_percent(value) == shown


# -- reading the figures ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "rate", "n", "level"),
    [
        ("my agent passed 312 of 400 tasks, what's the 95% CI?", 0.78, 400, 0.95),
        ("312/400 passed, confidence interval?", 0.78, 400, 0.95),
        ("What's the 90% confidence interval for 312 out of 400?", 0.78, 400, 0.90),
        ("we got 78% on 400 tasks. how confident can we be in that number?", 0.78, 400, 0.95),
        ("pass rate 0.78 with n=400, what's the margin of error?", 0.78, 400, 0.95),
        ("3 of 400 failed - give me a 99% CI for the failure rate", 3 / 400, 400, 0.99),
        ("got 312 correct out of 400, whats the confidance interval", 0.78, 400, 0.95),
        ("accuracy of 78.5% over 400 questions - error bars?", 0.785, 400, 0.95),
        ("our eval: 1,200 prompts, 83% pass. 95% CI please", 0.83, 1200, 0.95),
        ("what's the 99 percent confidence interval on 45/60", 0.75, 60, 0.99),
        ("p = 0.78, n = 400. Wilson interval?", 0.78, 400, 0.95),
        ("Out of 250 test cases my model got 190 right. How precise is that?", 0.76, 250, 0.95),
        ("312 passed, 88 failed. confidence interval for the pass rate?", 0.78, 400, 0.95),
        ("312/400 (78%) - what's the CI?", 0.78, 400, 0.95),
        ("If I have 88 successes in 100 trials what is the 95 % CI", 0.88, 100, 0.95),
        ("My classifier is right 930 times out of 1000. Confidence bounds?", 0.93, 1000, 0.95),
        ("agent got 47/60 on the new suite. what's the confidence intreval?", 47 / 60, 60, 0.95),
        ("accuracy = 0.91 on n = 1000, 99% ci?", 0.91, 1000, 0.99),
        ("12 of 15 passed. What's the 95% CI? It runs in CI nightly.", 0.8, 15, 0.95),
    ],
)
def test_one_proportion_is_read_in_many_phrasings(prompt, rate, n, level):
    question = read_question(prompt)
    assert isinstance(question, Proportion), question
    assert (question.rate, question.n, question.level) == pytest.approx((rate, n, level))


def test_wald_is_given_when_asked_for():
    question = read_question("what is the wald interval for 312/400")
    assert isinstance(question, Proportion) and question.wald_asked
    question = read_question("312/400, what's the 95% CI?")
    assert isinstance(question, Proportion) and not question.wald_asked


@pytest.mark.parametrize(
    ("prompt", "first", "second", "same"),
    [
        ("model A 78% vs model B 82% on 200 tasks each, is that significant?", 0.78, 0.82, False),
        ("went from 161/200 to 170/200, is the improvement real?", 0.805, 0.85, False),
        ("A scored 156 of 200 and B 170 of 200 on the same tasks - significant?", 0.78, 0.85, True),
        ("78% (n=200) vs 82% (n=250): is the difference real or noise?", 0.78, 0.82, False),
        (
            "old version 72% new version 75% on 500 tasks each, significant at 95%?",
            0.72,
            0.75,
            False,
        ),
        ("baseline 161/200, new prompt 170/200 - statistically significant?", 0.805, 0.85, False),
        (
            "Model X: 0.72 accuracy (n=500). Model Y: 0.75 accuracy (n=500). Significant?",
            0.72,
            0.75,
            False,
        ),
        ("is going from 61% to 66% on 300 tasks significant", 0.61, 0.66, False),
    ],
)
def test_two_proportions_are_read_in_order(prompt, first, second, same):
    question = read_question(prompt)
    assert isinstance(question, Difference), question
    assert (question.first.rate, question.second.rate) == pytest.approx((first, second))
    assert question.same_items is same


@pytest.mark.parametrize(
    ("prompt", "baseline", "target", "power", "alpha"),
    [
        (
            "how many tasks do I need to detect a 2-point improvement from 80%?",
            0.8,
            0.82,
            0.8,
            0.05,
        ),
        (
            "how many samples to detect a 2 percentage point improvement from 80% with 90% power?",
            0.8,
            0.82,
            0.9,
            0.05,
        ),
        ("how many examples would I need to tell 80% and 82% apart?", 0.8, 0.82, 0.8, 0.05),
        (
            "what sample size do I need to detect a 3pp drop from 90% at alpha 0.01?",
            0.9,
            0.87,
            0.8,
            0.01,
        ),
        ("How many tasks to detect a 5% improvement from 60%?", 0.6, 0.65, 0.8, 0.05),
        (
            "how many prompts to detect a 10% relative improvement over a 50% baseline",
            0.5,
            0.55,
            0.8,
            0.05,
        ),
    ],
)
def test_sample_size_questions_are_read(prompt, baseline, target, power, alpha):
    question = read_question(prompt)
    assert isinstance(question, GroupSize), question
    assert (question.baseline, question.target) == pytest.approx((baseline, target))
    assert (question.power, question.alpha) == pytest.approx((power, alpha))


def test_a_size_question_without_a_baseline_assumes_the_worst_case_and_says_so():
    question = read_question("how many tasks to detect a 3 point difference?")
    assert isinstance(question, GroupSize) and question.baseline_assumed
    assert question.baseline == 0.5


@pytest.mark.parametrize(
    ("prompt", "rate", "margin", "assumed"),
    [
        ("how many runs to estimate a rate within +/- 3 points", 0.5, 0.03, True),
        (
            "how many tasks to estimate the pass rate to within ±2 percentage points if it's around 80%?",
            0.8,
            0.02,
            False,
        ),
        (
            "how many questions do I need for a margin of error of 2% at 95% confidence",
            0.5,
            0.02,
            True,
        ),
        ("how many samples for a 95% CI half-width of 1.5 points around 90%?", 0.9, 0.015, False),
    ],
)
def test_margin_questions_are_read(prompt, rate, margin, assumed):
    question = read_question(prompt)
    assert isinstance(question, MarginSize), question
    assert (question.rate, question.margin, question.rate_assumed) == pytest.approx(
        (rate, margin, assumed)
    )


@pytest.mark.parametrize(
    ("prompt", "rate"),
    [
        ("how many runs to claim the failure rate is below 1%?", 0.01),
        ("How many clean runs do I need to be 95% sure the flake rate is under 0.5%?", 0.005),
        (
            "how many times must I run the test without failure to show it fails less than 1 in 100 runs?",
            0.01,
        ),
        (
            "how many runs without a failure to be sure it's fixed? it used to fail 10% of the time",
            0.1,
        ),
    ],
)
def test_clean_run_questions_are_read(prompt, rate):
    question = read_question(prompt)
    assert isinstance(question, CleanRuns), question
    assert question.rate == pytest.approx(rate)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("n=10 samples, c=3 correct, pass@5?", PassAtK((5,), True, False, n=10, c=3)),
        (
            # the metric named as "pass@k" beside a concrete k
            "explain pass@k. I ran n=20 samples and c=3 passed, what is pass@5?",
            PassAtK((5,), True, False, n=20, c=3),
        ),
        (
            "I drew 20 samples per problem and 5 were correct. What's pass@10?",
            PassAtK((10,), True, False, n=20, c=5),
        ),
        ("what is pass@3 and pass^3 with n=10, c=6", PassAtK((3,), True, True, n=10, c=6)),
        (
            "we sample 10 completions and 3 pass the tests; pass@3?",
            PassAtK((3,), True, False, n=10, c=3),
        ),
        (
            "n=200 samples, 37 correct, what is pass@10 and pass@100",
            PassAtK((10, 100), True, False, n=200, c=37),
        ),
        (
            "if each attempt succeeds 70% of the time, what's pass^3?",
            PassAtK((3,), False, True, rate=0.7),
        ),
        ("success rate per attempt is 0.6; pass@4?", PassAtK((4,), True, False, rate=0.6)),
        (
            "pass^k for k=4 when each try succeeds with p = 0.9",
            PassAtK((4,), False, True, rate=0.9),
        ),
    ],
)
def test_pass_at_k_questions_are_read(prompt, expected):
    assert read_question(prompt) == expected


@pytest.mark.parametrize(
    ("prompt", "failures", "runs", "old"),
    [
        ("failed 3 times in 500 runs, how flaky is it?", 3, 500, None),
        ("flaky test: 7 failures in 1000 ci runs. what's the failure rate?", 7, 1000, None),
        ("this test fails 2/300 times, how confident can I be about the flake rate?", 2, 300, None),
        ("ran 50 times without a failure, is it fixed?", 0, 50, None),
        ("we reran it 100 times and it never failed. is it fixed now?", 0, 100, None),
        ("after the patch, 0 failures in 80 runs. did the fix work?", 0, 80, None),
        ("It passed 30 times in a row, can I say the flakiness is gone?", 0, 30, None),
        (
            "my test passed 200 times in a row after the fix, it used to fail 5% of the time. fixed?",
            0,
            200,
            0.05,
        ),
        (
            "used to fail about 1 in 20 runs. after the fix it passed 60 consecutive runs - fixed?",
            0,
            60,
            0.05,
        ),
        (
            "200 green runs in a row after the fix; it used to fail 2% of the time. solved?",
            0,
            200,
            0.02,
        ),
        ("the test flaked 4 times out of 200 builds. what's the real flake rate?", 4, 200, None),
    ],
)
def test_failure_counts_and_clean_streaks_are_read(prompt, failures, runs, old):
    question = read_question(prompt)
    assert isinstance(question, Failures), question
    assert (question.failures, question.runs) == (failures, runs)
    assert question.old_rate == (pytest.approx(old) if old is not None else None)


@pytest.mark.parametrize(
    "prompt",
    [
        "420 out of 400 tasks passed, what's the ci",
        "we scored 120% on 50 tasks, what's the confidence interval?",
        "0 out of 0 passed, confidence interval?",
        "n=5 samples, c=7 correct, pass@3?",
    ],
)
def test_figures_that_cannot_be_right_are_named_not_worked(prompt):
    assert isinstance(read_question(prompt), Impossible)


@pytest.mark.parametrize(
    "prompt",
    [
        "what is a confidence interval?",
        "how many tasks should an eval have?",
        "how many runs do I need?",
        "my test failed 3 times in 500 runs, why does it fail?",
        "the test failed 3 times in 500 runs, how do I debug it?",
        "we scored 78% on the benchmark, is that good?",
        "the p99 latency went from 200ms to 250ms, is that significant?",
        "task 3 of 10 keeps failing in CI, how do I debug it?",
        "what's 312/400?",
        "is 78% vs 82% significant?",  # no sample size
        "what's the CI for 78%?",  # no sample size
        "we got 312/400 and 290/400 and 305/400 across three seeds; what's the CI?",
        "78% on 400 tasks or 300 tasks, I forget; what's the CI?",  # two sizes for one rate
        "312/400 vs 75%, what's the CI?",  # a count and a different rate
        "95% and 99% confidence intervals for 312/400?",  # two levels
        "our test suite has 400 tests and 3 of them are flaky, how do I find which?",
        "explain pass@k",
        "Quick summary of this eval output please:\nmodel=baseline accuracy=0.712 n=500\n"
        "model=candidate accuracy=0.730 n=500",
        "how do I compute the wilson interval for 312/400 in python?",
        "write me a small function for the 95% CI of 312/400",
        "Step 6/11 : RUN npm ci\nnpm ERR! network request failed\nnon-zero code: 1, what went wrong?",
        "[3/8] tests failed in the ci run, error bars?",
        "what's pass@5?",
        "pass@5 and pass@10 and pass@20 and pass@50 and pass@100 for n=200, c=30?",
        "",
    ],
)
def test_questions_without_clear_figures_are_left_alone(prompt):
    assert read_question(prompt) is None


def test_requests_for_code_or_summaries_are_left_to_their_answers(replier):
    for prompt in [
        "write a python function that computes a wilson interval for 312/400",
        "can you summarise: 312 of 400 tests passed, 88 failed, CI pipeline green otherwise",
    ]:
        assert worked(replier, prompt)[0] == "", prompt


# -- the written answer -------------------------------------------------------------------------
def test_the_interval_answer_gives_the_numbers(replier):
    plan, text, _ = worked(replier, "my agent passed 312 of 400 tasks, what's the 95% CI?")
    assert plan == "figures:interval"
    assert "78.0%" in text and "73.7%" in text and "81.8%" in text and "Wilson" in text


def test_low_effort_says_the_result_in_a_sentence_or_two_and_high_effort_explains(replier):
    prompt = "we got 78% on 400 tasks, what's the 95% confidence interval?"
    for seed in range(5):
        _, low, _ = worked(replier, prompt, effort="low", seed=seed)
        _, high, _ = worked(replier, prompt, effort="high", seed=seed)
        assert len(re.findall(r"[.!?](?:\s|$)", low)) <= 2, low
        assert len(high.split()) > 2 * len(low.split())
        assert "73.7%" in low and "73.7%" in high


def test_zero_and_all_successes_mention_the_rule_of_three(replier):
    _, text, _ = worked(
        replier, "0 out of 50 tasks solved, what's the confidence interval", effort="low"
    )
    assert "rule of three" in text and "6.0%" in text
    _, text, _ = worked(replier, "50/50 correct, what's the CI on accuracy?", effort="low")
    assert "rule of three" in text and "94.0%" in text


def test_tiny_samples_get_the_exact_bound_not_the_rule_of_three(replier):
    _, text, _ = worked(replier, "ran 2 times without a failure, is it fixed?", effort="low")
    assert "rule of three" not in text and "77.6%" in text  # 1 - 0.05 ** (1 / 2)
    _, text, _ = worked(replier, "1/1 passed, confidence interval?", effort="low")
    assert "rule of three" not in text and "20.7%" in text


def test_wald_is_shown_as_computed_with_a_verdict_that_fits_the_numbers(replier):
    _, close, _ = worked(replier, "what is the wald interval for 312/400", effort="low")
    assert "73.9%" in close and "82.1%" in close and "different" not in close
    _, far, _ = worked(replier, "Wald CI for 3/20?", effort="low")
    assert "-0.65%" in far and ("different" in far or "not to be trusted" in far)


def test_the_difference_answer_says_whether_zero_is_excluded(replier):
    _, text, _ = worked(replier, "went from 161/200 to 170/200, is the improvement real?")
    assert re.search(r"\+4\.5|4\.5 points above", text) and "-2.9" in text and "+11.9" in text
    assert re.search(r"includes 0|inside the interval", text)
    _, text, _ = worked(replier, "went from 100/200 to 150/200, is the improvement real?")
    assert re.search(r"excludes 0|outside the interval", text)


def test_the_difference_is_said_as_higher_minus_lower_whatever_the_order(replier):
    for prompt in [
        "new prompt scores 82% vs 80% for the old one on 200 questions, is it really better?",
        "old prompt 80%, new prompt 82%, 200 questions each: is it really better?",
    ]:
        for seed in range(6):
            _, text, _ = worked(replier, prompt, effort="low", seed=seed)
            assert text.index("82.0%") < text.index("80.0%"), text
            assert "+2.0" in text or "2.0 points above" in text, text


def test_on_the_same_tasks_the_paired_analysis_is_named_even_at_low_effort(replier):
    prompt = "A scored 156 of 200 and B 170 of 200 on the same tasks - significant?"
    _, text, _ = worked(replier, prompt, effort="low")
    assert "McNemar" in text or "paired" in text


def test_sample_size_answers_give_n_and_the_paired_note(replier):
    prompt = "how many tasks do I need to detect a 2-point improvement from 80%?"
    plan, text, _ = worked(replier, prompt)
    assert plan == "figures:sample_size" and "6,039" in text and "paired" in text
    _, text, _ = worked(replier, "how many runs to estimate a rate within +/- 3 points")
    assert "1,068" in text and "50%" in text


def test_pass_at_k_answer_gives_the_estimate(replier):
    plan, text, _ = worked(replier, "n=10 samples, c=3 correct, pass@5?")
    assert plan == "figures:pass_at_k" and "91.7%" in text
    _, text, _ = worked(replier, "n=3 samples, c=1 correct, pass@5?")
    assert "n ≥ k" in text or "at least" in text


def test_a_failure_rate_is_checked_against_the_rate_asked_about(replier):
    for seed in range(4):
        prompt = "flaky: 12 fails in 3000 ci runs, is the fail rate under 1%?"
        _, text, _ = worked(replier, prompt, effort="low", seed=seed)
        assert "0.70%" in text and ("so yes" in text or "support a failure rate below" in text)
        prompt = "flaky: 12 fails in 1000 ci runs, is the fail rate under 1%?"
        _, text, _ = worked(replier, prompt, effort="low", seed=seed)
        assert "cannot yet show" in text or "still consistent" in text, text


def test_a_clean_streak_is_judged_against_the_old_rate(replier):
    prompt = "passed 60 consecutive runs after the fix; it used to fail 1 in 20 runs. fixed?"
    _, text, _ = worked(replier, prompt, effort="low")
    assert "4.6%" in text and "good evidence" in text  # 0.95^60 = 4.6% < 5%
    prompt = "passed 20 consecutive runs after the fix; it used to fail 1 in 20 runs. fixed?"
    _, text, _ = worked(replier, prompt, effort="low")
    assert "35.8%" in text and "59" in text  # 0.95^20 = 35.8%: not yet; 59 runs would do


SWEEP = [
    "my agent passed 312 of 400 tasks, what's the 95% CI?",
    "what is the wald interval for 312/400",
    "Wald CI for 3/20?",
    "0 out of 50 tasks solved, what's the confidence interval",
    "50/50 correct, what's the CI on accuracy?",
    "420 out of 400 tasks passed, what's the ci",
    "0 out of 0 passed, confidence interval?",
    "model A 78% vs model B 82% on 200 tasks each, is that significant?",
    "went from 100/200 to 150/200, is the improvement real?",
    "how many tasks do I need to detect a 2-point improvement from 80%?",
    "How many tasks to detect a 5% improvement from 60%?",
    "how many prompts to detect a 10% relative improvement over a 50% baseline",
    "how many tasks to detect a 3 point difference?",
    "how many runs to estimate a rate within +/- 3 points",
    "how many runs to claim the failure rate is below 1%?",
    "n=10 samples, c=3 correct, pass@1 and pass^1?",
    "n=3 samples, c=1 correct, pass@5?",
    "if each attempt succeeds 70% of the time, what's pass@3 and pass^3?",
    "failed 1 time in 500 runs, how flaky is it?",
    "ran 1 time without a failure, is it fixed?",
    "1/1 passed, confidence interval?",
    "n=1 samples, c=1 correct, pass@1?",
    "how many runs to claim the failure rate is below 96%?",
    "how many runs to estimate a rate within +/- 45 points",
    "ran 50 times without a failure, is it fixed?",
    "passed 60 consecutive runs after the fix; it used to fail 1 in 20 runs. fixed?",
    "passed 20 consecutive runs after the fix; it used to fail 1 in 20 runs. fixed?",
]


ONE_PLURAL = r"(?<![\d.,])1 (?:clean )?(?:runs|samples|failures|attempts|tasks)\b"


@pytest.mark.parametrize("effort", ["low", "medium", "max"])
def test_every_answer_is_whole_sentences_with_every_placeholder_filled(replier, effort):
    for prompt in SWEEP:
        for seed in range(4):
            plan, text, _ = worked(replier, prompt, effort=effort, seed=seed)
            assert plan.startswith("figures:"), prompt
            assert "{" not in text and "}" not in text, (prompt, text)
            assert starts_a_sentence(text) and ends_a_sentence(text), text
            assert not re.search(ONE_PLURAL, text), text
            assert "  " not in text.replace("\n\n", "\n"), text


def test_every_alternative_in_the_bank_ends_a_sentence(replier):
    for kind in FIGURE_KINDS:
        for part in CODE_ANSWER_PARTS[kind]:
            options = replier.bank.framing(kind, part)
            assert options, (kind, part)
            assert len(options) >= 2 or part.endswith("_wrong"), (kind, part)
            for option in options:
                assert ends_a_sentence(option.text), (kind, part, option.text)


def test_replies_vary_across_seeds_but_repeat_for_a_seed(replier):
    prompt = "my agent passed 312 of 400 tasks, what's the 95% CI?"
    texts = {worked(replier, prompt, seed=seed)[1] for seed in range(12)}
    assert len(texts) >= 3
    assert worked(replier, prompt, seed=3) == worked(replier, prompt, seed=3)


WRONG_SIGNS = ("is exact", "exact binomial interval", "flakiness is fixed", "failure rate is zero")


def test_wrong_alternatives_are_chosen_sometimes_and_counted_every_time(replier):
    wrong_seen = 0
    for prompt in (
        "312/400 passed, confidence interval?",
        "ran 50 times without a failure, is it fixed?",
    ):
        for seed in range(150):
            _, text, wrong = worked(
                replier, prompt, model="sim-haiku-4-5", effort="high", seed=seed
            )
            says_wrong = any(sign in text for sign in WRONG_SIGNS)
            assert says_wrong == (wrong > 0), text
            wrong_seen += says_wrong
    assert 0 < wrong_seen < 150  # a weak model errs sometimes, not mostly


def test_a_reply_through_the_simulator_is_the_worked_answer(replier):
    composed = reply(replier, "my agent passed 312 of 400 tasks, 95% CI?")
    assert composed.plan == "figures:interval"
    assert "73.7%" in composed.text and "81.8%" in composed.text
