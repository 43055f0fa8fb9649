"""The measuring commands: the data card's figures are current; the CLI answers."""

import subprocess
import sys

from labkit.sim.replies.report import (
    CARD_BEGIN,
    CARD_END,
    CARD_PATH,
    card_figures,
    wrong_share_table,
)


def test_the_data_card_figures_are_current():
    text = CARD_PATH.read_text(encoding="utf-8")
    documented = CARD_BEGIN + text.split(CARD_BEGIN, 1)[1].split(CARD_END, 1)[0] + CARD_END
    assert documented == card_figures(), (
        "datasets/replies/DATACARD.md is out of date: run `python -m labkit.sim.replies card --write`"
    )


def test_the_wrong_share_table_has_a_row_per_model_and_empty_cells_for_missing_efforts():
    table = wrong_share_table({"m1": {"low": 0.1234, "max": 0.01}, "m2": {"high": 0.5}})
    assert table.splitlines()[0] == "| model | low | high | max |"
    assert "| `m1` | 12.3% |  | 1.0% |" in table and "| `m2` |  | 50.0% |  |" in table


def test_the_check_command_passes_on_the_shipped_bank_and_samples_a_prompt():
    run = subprocess.run(
        [sys.executable, "-m", "labkit.sim.replies", "check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "0 findings" in run.stdout
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "labkit.sim.replies",
            "sample",
            "How should I test a date parser?",
            "-n",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and "topic=testing" in run.stdout, run.stderr[-2000:]


def test_a_broken_bank_is_reported_in_one_line(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "x.toml").write_text("id = [", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "labkit.sim.replies", "check"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "LABKIT_REPLIES_DIR": str(tmp_path)},
    )
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "x.toml" in run.stderr and "not valid TOML" in run.stderr
