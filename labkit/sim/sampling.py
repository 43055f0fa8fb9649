"""Token selection: softmax with temperature, top-k and top-p filtering, seeded sampling.

These are the same operations a production inference server applies to a model's logits. The
functions are pure and small so that the book and lab 1 can explain them one at a time; the
simulator composes them in `select_token`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SamplingParams:
    """The classic sampling knobs. `temperature=0` means greedy (argmax) decoding."""

    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None


def softmax(logits: npt.ArrayLike, temperature: float = 1.0) -> FloatArray:
    """Probabilities from logits at a temperature > 0, computed stably in float64."""
    if temperature <= 0:
        raise ValueError("temperature must be > 0 for softmax; use argmax for temperature 0")
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max()
    weights = np.exp(scaled)
    probs: FloatArray = weights / weights.sum()
    return probs


def top_k_mask(logits: npt.ArrayLike, k: int) -> npt.NDArray[np.bool_]:
    """True for the k highest logits (ties at the boundary are all kept, as exact top-k does)."""
    values = np.asarray(logits)
    if k <= 0 or k >= values.size:
        return np.ones(values.shape, dtype=bool)
    threshold = np.partition(values, values.size - k)[values.size - k]
    mask: npt.NDArray[np.bool_] = values >= threshold
    return mask


def top_p_mask(probs: npt.ArrayLike, p: float) -> npt.NDArray[np.bool_]:
    """Nucleus filter: the smallest set of most probable tokens whose mass reaches p."""
    values = np.asarray(probs, dtype=np.float64)
    if p >= 1.0:
        return np.ones(values.shape, dtype=bool)
    order = np.argsort(-values, kind="stable")
    cumulative = np.cumsum(values[order])
    keep_count = int(np.searchsorted(cumulative, p, side="left")) + 1
    mask = np.zeros(values.shape, dtype=bool)
    mask[order[:keep_count]] = True
    return mask


def filtered_distribution(logits: npt.ArrayLike, params: SamplingParams) -> FloatArray:
    """The distribution actually sampled from: temperature, then top-k, then top-p."""
    values = np.asarray(logits, dtype=np.float64)
    if params.temperature <= 0:
        probs = np.zeros(values.shape)
        probs[int(np.argmax(values))] = 1.0
        return probs
    keep = np.ones(values.shape, dtype=bool)
    if params.top_k:
        keep &= top_k_mask(values, params.top_k)
    masked = np.where(keep, values, -np.inf)
    probs = softmax(masked, params.temperature)
    if params.top_p is not None and params.top_p < 1.0:
        probs = np.where(top_p_mask(probs, params.top_p), probs, 0.0)
        probs /= probs.sum()
    return probs


def entropy_bits(probs: npt.ArrayLike) -> float:
    """Shannon entropy in bits of a probability vector (zeros contribute nothing)."""
    values = np.asarray(probs, dtype=np.float64)
    nonzero = values[values > 0]
    return float(-(nonzero * np.log2(nonzero)).sum())


def select_token(
    logits: npt.ArrayLike,
    params: SamplingParams,
    rng: np.random.Generator,
    *,
    drop_top_token: bool = False,
) -> int:
    """Pick one token id.

    `drop_top_token` replays the Aug 2025 approximate top-k miscompilation: the selection step
    returned a candidate set without the most probable token, so even greedy decoding picked the
    runner-up.
    """
    values = np.asarray(logits, dtype=np.float32)
    if drop_top_token and values.size > 1:
        values = values.copy()
        values[int(np.argmax(values))] = -np.inf
    if params.temperature <= 0:
        return int(np.argmax(values))
    if params.top_k or (params.top_p is not None and params.top_p < 1.0):
        weights = filtered_distribution(values, params)
    else:  # the common case: unnormalised float32 weights are enough to sample from
        weights = np.exp((values - values.max()) / np.float32(params.temperature))
    # Inverse-CDF sampling with one uniform draw keeps the RNG stream easy to reason about.
    cumulative = np.cumsum(weights)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(index, values.size - 1)
