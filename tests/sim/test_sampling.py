import numpy as np
import pytest

from labkit.sim.sampling import (
    SamplingParams,
    entropy_bits,
    filtered_distribution,
    select_token,
    softmax,
    top_k_mask,
    top_p_mask,
)

LOGITS = np.array([2.0, 1.0, 0.5, 0.0, -1.0])


def test_softmax_is_a_distribution_and_temperature_sharpens():
    cold, warm = softmax(LOGITS, 0.5), softmax(LOGITS, 2.0)
    assert cold.sum() == pytest.approx(1.0) and warm.sum() == pytest.approx(1.0)
    assert cold[0] > softmax(LOGITS)[0] > warm[0]
    assert entropy_bits(cold) < entropy_bits(warm)


def test_softmax_refuses_temperature_zero():
    with pytest.raises(ValueError, match="argmax"):
        softmax(LOGITS, 0.0)


def test_top_k_keeps_the_k_largest_and_boundary_ties():
    assert top_k_mask(LOGITS, 2).tolist() == [True, True, False, False, False]
    assert top_k_mask(np.array([1.0, 1.0, 0.0]), 1).tolist() == [True, True, False]
    assert top_k_mask(LOGITS, 0).all()


def test_top_p_keeps_the_smallest_set_reaching_p():
    probs = np.array([0.5, 0.3, 0.15, 0.05])
    assert top_p_mask(probs, 0.5).tolist() == [True, False, False, False]
    assert top_p_mask(probs, 0.8).tolist() == [True, True, False, False]
    assert top_p_mask(probs, 0.81).tolist() == [True, True, True, False]


def test_filtered_distribution_renormalises():
    probs = filtered_distribution(LOGITS, SamplingParams(temperature=1.0, top_k=3, top_p=0.9))
    assert probs.sum() == pytest.approx(1.0)
    assert probs[3] == 0 and probs[4] == 0


def test_temperature_zero_is_greedy_and_drop_top_picks_the_runner_up():
    rng = np.random.default_rng(0)
    assert select_token(LOGITS, SamplingParams(temperature=0), rng) == 0
    assert select_token(LOGITS, SamplingParams(temperature=0), rng, drop_top_token=True) == 1


def test_sampling_frequencies_match_the_distribution():
    rng = np.random.default_rng(42)
    params = SamplingParams(temperature=1.0)
    draws = np.bincount([select_token(LOGITS, params, rng) for _ in range(20_000)], minlength=5)
    expected = softmax(LOGITS) * 20_000
    # 5 standard deviations of a binomial count: a fixed seed, so this never flakes
    assert np.all(np.abs(draws - expected) < 5 * np.sqrt(expected))
