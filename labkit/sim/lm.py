"""The simulator's tiny language model: an n-gram word model trained on the bundled corpus.

Training is counting, done when the model is first loaded (well under a second): bigram,
skip-bigram and trigram statistics of datasets/corpus. A next-word logit is the sum of a few
component vectors, one per kind of evidence, as a transformer's logit is a sum of contributions
from its layers and heads.

Two details exist for teaching:
- Foreign-script tokens (Thai, Chinese) are in the vocabulary with a tiny prior, so that the Aug
  2025 output-corruption fault can raise their probability as the TPU misconfiguration did.
- Among the components are a few pairs of large "massive activation" vectors that cancel
  exactly in real arithmetic. Large activations that cancel are common in real networks; here they
  make the last bits of every float32 logit depend on the order of the additions, which the server
  chooses from its batch size. When two words are tied or nearly tied, that order decides which
  one greedy decoding picks: temperature-0 flips from real floating-point non-associativity, as
  described by Thinking Machines (2025).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from labkit.sim.sampling import SamplingParams, select_token

CORPUS_DIR = Path(__file__).resolve().parents[2] / "datasets" / "corpus"

END = "<p>"  # paragraph break: the model's end-of-text token
FOREIGN_TOKENS = ("ก", "การ", "ที่", "ของ", "中", "的", "是", "代码", "数据", "函数")
_TOKEN_RE = re.compile(r"[A-Za-z_]+(?:'[A-Za-z]+)?|[0-9]+|[^\sA-Za-z0-9_]")
_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%")
_NO_SPACE_AFTER = frozenset("([{")

MIN_COUNT = 2
BIGRAM_WEIGHT = 1.0
SKIP_WEIGHT = 0.5
TRIGRAM_WEIGHT = 1.2
FOREIGN_LOGIT = -4.0
MASSIVE_PAIRS = 3
MASSIVE_SCALE = 30017.3
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
LOGITS_CACHE_SIZE = 8192  # x 6 KB: about 50 MB at most

FloatVector = npt.NDArray[np.float32]
Sparse = tuple[npt.NDArray[np.int64], FloatVector]
Component = FloatVector | Sparse
_EMPTY: Sparse = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def tokenize(text: str) -> list[str]:
    """Words, numbers and single punctuation marks; blank lines become the end token."""
    tokens: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        words = _TOKEN_RE.findall(paragraph)
        if words:
            tokens.extend(words)
            tokens.append(END)
    return tokens


def detokenize(tokens: Iterable[str]) -> str:
    """Join tokens into readable text (no space before closing punctuation)."""
    out: list[str] = []
    for token in tokens:
        if token == END:
            break
        if out and token not in _NO_SPACE_BEFORE and out[-1][-1:] not in _NO_SPACE_AFTER:
            out.append(" ")
        out.append(token)
    return "".join(out)


def _log_conditional(
    pairs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    size: int,
    prior: npt.NDArray[np.float64],
) -> npt.NDArray[np.float32]:
    """log P(next | context word), interpolated with the prior so no row has zeros."""
    counts = np.zeros((size, size))
    np.add.at(counts, pairs, 1.0)
    rows = counts.sum(axis=1, keepdims=True)
    weight = rows / (rows + 2.0)
    probs = weight * counts / np.maximum(rows, 1.0) + (1.0 - weight) * prior[None, :]
    table: npt.NDArray[np.float32] = np.log(probs).astype(np.float32)
    return table


class LanguageModel:
    """Next-token logits and token-by-token generation."""

    def __init__(self, texts: Sequence[str], seed: int = 0) -> None:
        tokens = [t for text in texts for t in tokenize(text)]
        counts = Counter(tokens)
        words = sorted(w for w, c in counts.items() if c >= MIN_COUNT and w != END)
        self.vocab: tuple[str, ...] = (END, *words, *FOREIGN_TOKENS)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.end_id = 0
        self.foreign_ids = np.arange(len(self.vocab) - len(FOREIGN_TOKENS), len(self.vocab))
        ids = np.array([self.index[t] for t in tokens if t in self.index], dtype=np.int64)
        size = len(self.vocab)

        unigram = np.bincount(ids, minlength=size).astype(np.float64) + 0.1
        unigram[self.foreign_ids] = 0.1
        unigram /= unigram.sum()
        self._bigram = _log_conditional((ids[:-1], ids[1:]), size, unigram) * BIGRAM_WEIGHT
        skip = _log_conditional((ids[:-2], ids[2:]), size, unigram)
        self._skip = (skip - np.log(unigram).astype(np.float32)[None, :]) * SKIP_WEIGHT
        trigrams: defaultdict[tuple[int, int], Counter[int]] = defaultdict(Counter)
        for a, b, c in zip(ids[:-2].tolist(), ids[1:-1].tolist(), ids[2:].tolist(), strict=True):
            trigrams[(a, b)][c] += 1
        self._trigrams: dict[tuple[int, int], Sparse] = {
            key: (
                np.array(list(c.keys()), dtype=np.int64),
                np.log1p(np.array(list(c.values()), dtype=np.float32)) * np.float32(TRIGRAM_WEIGHT),
            )
            for key, c in trigrams.items()
        }
        self._foreign_bias = np.full(len(FOREIGN_TOKENS), FOREIGN_LOGIT, dtype=np.float32)
        self._logits_for_split = lru_cache(maxsize=LOGITS_CACHE_SIZE)(self._reduce)
        rng = np.random.default_rng(seed)
        self._massive = [
            (MASSIVE_SCALE * sign * row).astype(np.float32)
            for row in rng.normal(size=(MASSIVE_PAIRS, size))
            for sign in (1.0, -1.0)
        ]

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        return [self.index[t] for t in tokenize(text) if t in self.index and t != END]

    def encode_tail(self, text: str, n: int = 2) -> list[int]:
        """The last n known words of a text: all the context an n-gram model looks at."""
        tail = text[-200:] if len(text) > 200 else text
        return self.encode(tail)[-n:]

    def components(self, prev2: int, prev: int) -> list[Component]:
        """The terms whose sum is the logits, in the kernel's base order.

        Dense terms are vectors; sparse ones are (indices, values) pairs, added only where they
        are non-zero (adding 0.0 leaves a float unchanged, so this is the same sum, faster).
        Each +massive vector is placed far from its -massive twin so that tiled reductions
        separate them: their exact sum is zero, their float32 sums are not.
        """
        m = self._massive
        trigram = self._trigrams.get((prev2, prev), _EMPTY)
        foreign = (self.foreign_ids, self._foreign_bias)
        return [
            m[0],
            self._bigram[prev],
            m[2],
            m[5],
            self._skip[prev2],
            m[1],
            trigram,
            m[4],
            m[3],
            foreign,
        ]

    def logits(self, prev2: int, prev: int, *, batch_size: int = 1) -> FloatVector:
        """float32 logits (read-only), reduced in the order a server with this batch size uses.

        Memoised per (context, split): the computation is a pure function of both, and
        generation visits the same contexts again and again.
        """
        return self._logits_for_split(int(prev2), int(prev), split_for_batch(batch_size))

    def _reduce(self, prev2: int, prev: int, split: int) -> FloatVector:
        """The tiled float32 reduction itself.

        The terms are cut into `split` tiles (split-K, as GPU kernels do when a batch is too
        small to fill the machine); each tile is summed in float32 from left to right, then the
        tile sums are added. Different splits round differently, so the result is not
        batch-invariant, exactly as in production inference.
        """
        parts = self.components(prev2, prev)
        bounds = [round(i * len(parts) / split) for i in range(split + 1)]
        total: FloatVector | None = None
        for start, stop in itertools.pairwise(bounds):
            tile: FloatVector | None = None
            for part in parts[start:stop]:
                if isinstance(part, tuple):
                    if tile is None:
                        tile = np.zeros(self.vocab_size, dtype=np.float32)
                    tile[part[0]] += part[1]
                elif tile is None:
                    tile = part.copy()
                else:
                    tile += part
            assert tile is not None
            if total is None:
                total = tile
            else:
                total += tile
        assert total is not None
        total.flags.writeable = False
        return total

    def generate(
        self,
        prompt_ids: Sequence[int],
        max_tokens: int,
        params: SamplingParams,
        rng: np.random.Generator,
        *,
        batch_size: int = 1,
        foreign_boost: float = 0.0,
        drop_top_rate: float = 0.0,
    ) -> tuple[list[str], str]:
        """Sample up to max_tokens words; returns (words, "end_turn" or "max_tokens")."""
        prev2 = prompt_ids[-2] if len(prompt_ids) >= 2 else self.end_id
        prev = prompt_ids[-1] if prompt_ids else self.end_id
        out: list[str] = []
        for _ in range(max_tokens):
            logits = self.logits(prev2, prev, batch_size=batch_size)
            if foreign_boost and prev < self.foreign_ids[0]:
                # One odd token inside English text, as in the reports, not a run of them.
                logits = logits.copy()
                logits[self.foreign_ids] += np.float32(foreign_boost)
            drop = drop_top_rate > 0 and rng.random() < drop_top_rate
            token_id = select_token(logits, params, rng, drop_top_token=drop)
            if token_id == self.end_id:
                return out, "end_turn"
            out.append(self.vocab[token_id])
            prev2, prev = prev, token_id
        return out, "max_tokens"


def split_for_batch(batch_size: int) -> int:
    """How many split-K tiles a server uses at this batch size (fewer as the batch grows)."""
    for threshold, split in ((2, 5), (8, 3), (32, 2)):
        if batch_size < threshold:
            return split
    return 1


def corpus_texts(directory: Path = CORPUS_DIR) -> list[str]:
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise FileNotFoundError(
            f"{directory}: the simulator's training corpus is missing (expected *.txt files)"
        )
    return [p.read_text(encoding="utf-8") for p in files]


@cache
def load() -> LanguageModel:
    """The model trained on the bundled corpus (once per process)."""
    return LanguageModel(corpus_texts())
