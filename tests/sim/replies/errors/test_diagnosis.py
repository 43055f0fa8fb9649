"""diagnosis.py: which exception of a paste is explained, and by which entry."""

import pytest

from tests.sim.replies.errors.samples import (
    CHAINED_HANDLING,
    CSV_TOTAL,
    ELIDED_RECURSION,
    EVENT_LOOP_WINDOWS,
    GIT_PUSH,
    GROUP,
    IPYTHON,
    NGINX_TIMEOUT,
    PARTIAL_NO_HEADER,
    PY311_CARETS,
    PYTEST_IMPORT,
    PYTEST_LONG,
    PYTEST_LONG_INTO_APP,
    PYTEST_SHORT,
    SYNTAX,
    TRUNCATED,
    UNKNOWN,
    WINDOWS_COLOURED,
    diagnosis_of,
    every_example,
)


# -- which entry explains it -------------------------------------------------------------------
@pytest.mark.parametrize("entry_id, example", every_example())
def test_each_example_is_explained_by_its_own_entry(entry_id, example, knowledge):
    diagnosis = diagnosis_of(knowledge, example)
    assert diagnosis.entry is not None
    assert diagnosis.entry.id == entry_id


@pytest.mark.parametrize(
    "paste, plan",
    [
        (CSV_TOTAL, "errors:text_and_number"),
        (PYTEST_IMPORT, "errors:pytest_import_error"),
        (PYTEST_LONG, "errors:assertion_compare"),
        (PYTEST_LONG_INTO_APP, "errors:text_and_number"),
        (PYTEST_SHORT, "errors:not_a_number"),
        (EVENT_LOOP_WINDOWS, "errors:event_loop_closed"),
        (NGINX_TIMEOUT, "errors:gateway_timeout"),
        (WINDOWS_COLOURED, "errors:json_empty_or_not_json"),
        (PY311_CARETS, "errors:zero_division"),
        (CHAINED_HANDLING, "errors:key_error"),
        (ELIDED_RECURSION, "errors:recursion_depth"),
        (IPYTHON, "errors:key_error"),
        (SYNTAX, "errors:syntax_error"),
        (GROUP, "errors:key_error"),
        (GIT_PUSH, "errors:push_rejected"),
        (UNKNOWN, "errors:generic"),
        (TRUNCATED, "errors:truncated"),
        (
            "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked",
            "errors:sqlite_locked",
        ),
        (
            "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137",
            "errors:out_of_memory",
        ),
    ],
)
def test_realistic_pastes_get_the_entry_that_explains_them(paste, plan, knowledge):
    assert diagnosis_of(knowledge, paste).plan == plan


def test_the_traceback_is_preferred_to_a_mention_of_its_error_above_it(knowledge):
    text = "I get KeyError: 'user_id' every time\n" + PARTIAL_NO_HEADER
    diagnosis = diagnosis_of(knowledge, text)
    assert diagnosis.raised is not None and diagnosis.raised.frames
    assert diagnosis.raised.message == "4417"


def test_a_chain_is_explained_by_its_first_known_error_when_the_last_is_unknown(knowledge):
    diagnosis = diagnosis_of(knowledge, CHAINED_HANDLING)
    assert diagnosis.raised is not None and diagnosis.other is not None
    assert diagnosis.raised.name == "KeyError"
    assert diagnosis.other.name == "ConfigError"
    assert diagnosis.other_is_cause is False
