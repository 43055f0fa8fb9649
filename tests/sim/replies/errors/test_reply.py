"""reply.py: the reply to a diagnosed paste, what it says at each effort, and when it says
nothing at all."""

import dataclasses
import re

import numpy as np
import pytest

from labkit.sim.replies import compose, errors
from labkit.sim.replies.compose import Chooser, Writer, ends_a_sentence
from labkit.sim.replies.report import setting_for
from tests.sim.replies.errors.samples import (
    CSV_TOTAL,
    ERRORS_TOML,
    EVENT_LOOP_WINDOWS,
    GROUP,
    NOT_ERRORS,
    PY311_CARETS,
    PYTEST_IMPORT,
    PYTEST_LONG,
    TRUNCATED,
    UNKNOWN,
    diagnosed,
)


# -- the reply ---------------------------------------------------------------------------------
def test_the_csv_traceback_gets_a_diagnosis_of_that_error(replier):
    plan, text, _ = diagnosed(replier, CSV_TOTAL)
    assert plan == "errors:text_and_number"
    first = text.split(". ")[0]
    assert "`TypeError`" in first and "line 14 of app.py" in first and "`total()`" in first
    assert '`total += row["amount"]`' in first
    assert 'row["amount"]' in text.split("\n\n")[0].split(first)[1]  # the meaning names it
    assert "CSV" in text
    assert 'float(row["amount"])' in text or "a number" in text
    assert "looks fine" not in text


def test_the_reply_names_the_test_and_the_values_of_a_failed_assert(replier):
    _, text, _ = diagnosed(replier, PYTEST_LONG)
    assert "`AssertionError`" in text and "line 9 of tests/test_cart.py" in text
    assert "`test_total()`" in text and "`1.0`" in text and "`1.5`" in text


def test_a_collection_error_is_explained_as_an_import_path_problem(replier):
    _, text, _ = diagnosed(replier, PYTEST_IMPORT, effort="high")
    assert "`ModuleNotFoundError`" in text and "tests/test_cart.py" in text
    assert "`from shop.cart import Cart`" in text
    assert "pip install -e ." in text or "pythonpath" in text


def test_an_error_at_clean_up_in_library_code_is_said_to_be_so(replier):
    _, text, _ = diagnosed(replier, EVENT_LOOP_WINDOWS, effort="high")
    assert "`RuntimeError`" in text and "`asyncio`" in text
    assert "none of the frames shown belong to your code" in text or "library code" in text
    assert "Exception ignored in" in text
    assert "async with" in text or "aclose" in text or "session.close" in text


def test_an_unknown_exception_gets_the_generic_reading_of_its_last_line_and_frame(replier):
    plan, text, _ = diagnosed(replier, UNKNOWN)
    assert plan == "errors:generic"
    assert "`CardError`" in text and "line 12 of pay.py" in text and "`stripe`" in text


def test_a_cut_off_traceback_asks_for_its_last_line(replier):
    plan, text, _ = diagnosed(replier, TRUNCATED)
    assert plan == "errors:truncated"
    assert "line 40 of worker.py" in text
    assert "last line" in text or "final line" in text


def test_a_group_member_is_explained_and_the_group_mentioned(replier):
    _, text, _ = diagnosed(replier, GROUP)
    assert "`KeyError`" in text and "line 5 of run.py" in text and "ExceptionGroup" in text


@pytest.mark.parametrize(
    "prompt",
    [
        *NOT_ERRORS,
        "summarise this log for my manager:\n2026-03-02 10:00:01 INFO start\n"
        "2026-03-02 10:00:05 ERROR connect() failed (111: Connection refused) while connecting to upstream",
        "write a python function that retries a request when the connection is refused",
    ],
)
def test_nothing_is_written_when_there_is_no_error_to_diagnose(prompt, replier):
    plan, text, wrong = diagnosed(replier, prompt)
    assert (plan, text, wrong) == ("", "", 0)


@pytest.mark.parametrize(
    "prompt",
    [
        "Uncaught TypeError: Cannot read properties of null (reading 'addEventListener')",
        "TypeError: x.map is not a function",
        'Exception in thread "main" java.lang.NullPointerException\n'
        "    at com.shop.Cart.total(Cart.java:41)",
        "SyntaxError: Unexpected token < in JSON at position 0",
    ],
)
def test_another_languages_exceptions_are_not_read_as_python(prompt, replier):
    assert diagnosed(replier, prompt)[0] == ""


def test_a_tool_line_is_read_whatever_the_language_around_it(replier):
    prompt = (
        "my react app (javascript) calls the api and the console says: Access to fetch at "
        "'http://localhost:8000/api/items' from origin 'http://localhost:3000' has been blocked "
        "by CORS policy"
    )
    assert diagnosed(replier, prompt)[0] == "errors:cors_blocked"


def test_a_bare_line_gets_a_diagnosis_only_from_an_entry_that_knows_it(replier):
    assert diagnosed(replier, "TypeError: 'int' object is not iterable")[0] == ""
    assert diagnosed(replier, "stripe.error.CardError: Your card was declined.")[0] == ""
    assert diagnosed(replier, "KeyError: 'amount'")[0] == "errors:key_error"


def test_low_effort_says_what_it_means_and_the_fix_and_more_effort_says_more(replier):
    low = diagnosed(replier, CSV_TOTAL, effort="low")[1]
    high = diagnosed(replier, CSV_TOTAL, effort="high")[1]
    assert len(low.split("\n\n")) == 2  # headline and meaning; the fix
    assert len(high.split()) > len(low.split())
    assert "CSV" in low  # the meaning is there at low effort
    brief = diagnosed(replier, CSV_TOTAL, effort="high", brief=True)[1]
    assert len(brief.split("\n\n")) == 2


def test_the_brevity_instruction_keeps_every_reply_within_its_words(replier, knowledge):
    for entry in knowledge.entries:
        for example in entry.examples:
            text = diagnosed(replier, example, effort="max", brief=True)[1]
            assert 0 < len(text.split()) <= compose.BRIEF_WORDS, (entry.id, text)


def test_the_same_seed_gives_the_same_reply_and_seeds_vary_the_wording(replier):
    first = diagnosed(replier, CSV_TOTAL, seed=3)[1]
    assert diagnosed(replier, CSV_TOTAL, seed=3)[1] == first
    assert len({diagnosed(replier, CSV_TOTAL, seed=s)[1] for s in range(8)}) > 2


def test_wrong_fixes_are_sometimes_chosen_and_counted(replier):
    counts = [
        diagnosed(replier, CSV_TOTAL, model="sim-haiku-4-5", effort="high", seed=s)[2]
        for s in range(60)
    ]
    assert 0 < sum(c > 0 for c in counts) < 30


def test_an_entry_without_wrong_alternatives_is_never_counted_wrong(replier):
    assert all(
        diagnosed(replier, PY311_CARETS, model="sim-haiku-4-5", seed=s)[2] == 0 for s in range(20)
    )


_CLAIMS_TO_HAVE_RUN = re.compile(
    r"\bI (?:ran|have run|'ve run|executed|tested|reproduced)\b|\bwhen I ran\b", re.I
)


@pytest.mark.parametrize("effort", ["low", "medium", "max"])
def test_every_example_reads_as_a_finished_reply_that_claims_nothing_it_did(effort, replier):
    knowledge = errors.load_knowledge(ERRORS_TOML)
    for entry in knowledge.entries:
        for example in entry.examples:
            plan, text, _ = diagnosed(replier, example, effort=effort)
            assert plan == f"errors:{entry.id}", (entry.id, example)
            paragraphs = text.split("\n\n")
            assert len(paragraphs) >= 2, (entry.id, text)  # meaning and fix at least
            assert "{" not in re.sub(r"`[^`]*`", "", text), (entry.id, text)
            assert not _CLAIMS_TO_HAVE_RUN.search(text), (entry.id, text)
            for paragraph in paragraphs:
                assert ends_a_sentence(paragraph), (entry.id, paragraph)


def test_a_bank_without_an_errors_file_answers_nothing(replier, tmp_path):
    bank = dataclasses.replace(replier.bank, folder=tmp_path)
    reading = replier.read([{"role": "user", "content": CSV_TOTAL}])
    writer = Writer("this")
    chooser = Chooser(setting_for("sim-sonnet-4-6", "medium"), np.random.default_rng(0))
    assert errors.knowledge_for(bank) is None
    assert errors.answer(bank, reading, writer, chooser) == ""
    assert writer.text() == ""
