"""The tiny language model: tokenisation, committed weights, and float32 non-associativity."""

import numpy as np
import pytest

from labkit.sim import lm
from labkit.sim.sampling import SamplingParams


@pytest.fixture(scope="module")
def model():
    return lm.load()


def test_tokenize_and_detokenize_round_trip_simple_text():
    tokens = lm.tokenize("Run the tests, then fix it.\n\nDone!")
    assert tokens == [
        "Run",
        "the",
        "tests",
        ",",
        "then",
        "fix",
        "it",
        ".",
        lm.END,
        "Done",
        "!",
        lm.END,
    ]
    assert lm.detokenize(tokens) == "Run the tests, then fix it."


def test_training_is_deterministic(model):
    again = lm.LanguageModel(lm.corpus_texts())
    assert again.vocab == model.vocab
    for prev2, prev in [(0, 0), (5, 17), (model.index["the"], model.index["test"])]:
        assert np.array_equal(again.logits(prev2, prev), model.logits(prev2, prev))


def test_a_missing_corpus_is_reported_by_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="training corpus is missing"):
        lm.corpus_texts(tmp_path)


def test_foreign_script_tokens_are_in_the_vocabulary_but_improbable(model):
    logits = model.logits(model.index["the"], model.index["run"])
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    assert probs[model.foreign_ids].sum() < 1e-4


def test_reduction_order_changes_the_last_bits_only(model):
    a, b = model.index["the"], model.index["test"]
    by_batch = {size: model.logits(a, b, batch_size=size) for size in lm.BATCH_SIZES}
    reference = by_batch[1]
    assert any(not np.array_equal(reference, other) for other in by_batch.values())
    for other in by_batch.values():
        assert np.allclose(reference, other, atol=0.05)
    # The same batch size always rounds the same way: the nondeterminism comes from batching.
    assert np.array_equal(model.logits(a, b, batch_size=8), by_batch[8])


def test_float32_addition_is_not_associative():
    x, y, z = np.float32(lm.MASSIVE_SCALE), np.float32(-lm.MASSIVE_SCALE), np.float32(1e-3)
    assert (x + y) + z != x + (y + z)


def test_greedy_decoding_flips_at_near_ties_only_across_batch_sizes(model):
    """Some contexts' argmax depends on the batch size; with a fixed batch size it never does."""
    rng = np.random.default_rng(0)
    contexts = rng.integers(0, model.vocab_size, size=(3000, 2))
    flips = 0
    for prev2, prev in contexts:
        winners = {int(np.argmax(model.logits(prev2, prev, batch_size=s))) for s in (1, 4, 16, 64)}
        flips += len(winners) > 1
    assert 0 < flips < 0.2 * len(contexts)


def test_generation_is_seeded(model):
    params = SamplingParams(temperature=0.9, top_p=0.95)
    prompt = model.encode("I will run the tests")
    one = model.generate(prompt, 30, params, np.random.default_rng(3))
    two = model.generate(prompt, 30, params, np.random.default_rng(3))
    assert one == two


def test_foreign_boost_makes_foreign_tokens_appear(model):
    prompt = model.encode("I will run the tests")
    params = SamplingParams(temperature=1.0)
    foreign = set(lm.FOREIGN_TOKENS)
    plain, boosted = np.random.default_rng(1), np.random.default_rng(1)
    plain_hits = sum(
        bool(foreign & set(model.generate(prompt, 60, params, plain)[0])) for _ in range(200)
    )
    boosted_hits = sum(
        bool(foreign & set(model.generate(prompt, 60, params, boosted, foreign_boost=17.0)[0]))
        for _ in range(200)
    )
    assert plain_hits == 0
    assert boosted_hits >= 20
