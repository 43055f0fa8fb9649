"""The blameless check measured on its labelled corpus, the corpus's own format, and the command.

The rates are printed (pytest -s shows them) and held to the bounds the course states: at most
1 in 20 blameless sentences flagged, at most 1 in 10 blaming sentences missed. The corpus was
written for the check's development, so the bounds here are the floor, not the promise: the
data card gives the rates on sentences the check never saw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from labkit.blameless.__main__ import main
from labkit.blameless.corpus import CORPUS_PATH, CorpusError, load_corpus, measure

MAX_FALSE_POSITIVE_RATE = 0.05
MAX_FALSE_NEGATIVE_RATE = 0.10


def test_the_corpus_has_at_least_300_labelled_sentences_of_every_kind() -> None:
    sentences = load_corpus()
    assert len(sentences) >= 300
    assert sum(s.flag for s in sentences) >= 100 and sum(not s.flag for s in sentences) >= 100
    categories = {(s.flag, s.category) for s in sentences}
    for flagged in ("agent_verb", "idiom", "counterfactual", "sarcasm", "quoted_blame"):
        assert (True, flagged) in categories
    for neutral in ("neutral_failed", "neutral_missed", "neutral_fault", "place_or_month"):
        assert (False, neutral) in categories


def test_the_check_stays_within_its_error_bounds_on_the_corpus() -> None:
    rates = measure(load_corpus())
    print("\n" + rates.summary())
    assert rates.false_positive_rate <= MAX_FALSE_POSITIVE_RATE, rates.false_positives
    assert rates.false_negative_rate <= MAX_FALSE_NEGATIVE_RATE, rates.false_negatives


def test_the_data_card_quotes_the_current_rates() -> None:
    card = (CORPUS_PATH.parent / "DATACARD.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- measured: .*? -->\n(.*?)\n<!-- end measured -->", card, re.S)
    assert quoted is not None
    assert quoted.group(1).strip() == measure(load_corpus()).summary()


def test_a_malformed_line_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    good = json.dumps({"id": "x-1", "text": "The cache missed.", "flag": False, "category": "c"})
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"mine\.jsonl line 2: not JSON"):
        load_corpus(path)
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="id 'x-1' is used twice"):
        load_corpus(path)
    path.write_text(json.dumps({"id": "x", "text": "t", "flag": "yes", "category": "c"}))
    with pytest.raises(CorpusError, match="flag must be true/false"):
        load_corpus(path)


def test_the_command_checks_reports_and_exits_one_on_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text("The health check failed to fire.\n", encoding="utf-8")
    blaming = tmp_path / "blaming.md"
    blaming.write_text("## Causes\n\nThe reviewer rushed the change out.\n", encoding="utf-8")
    assert main([str(clean)]) == 0
    assert main([str(blaming)]) == 1
    out = capsys.readouterr().out
    assert "no blaming phrases" in out and "line 3, column 1: blaming phrase" in out
    assert main([str(tmp_path / "missing.md")]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_the_command_prints_the_rates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rates"]) == 0
    assert capsys.readouterr().out.startswith(measure(load_corpus()).summary())
