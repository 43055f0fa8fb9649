"""parser.py: tracebacks (plain, chained, cut off, IPython, exception groups) and pytest output
are read into their exceptions, frames and failing lines."""

import textwrap

from labkit.sim.replies import errors
from tests.sim.replies.errors.samples import (
    CHAINED_FROM,
    CHAINED_HANDLING,
    CSV_TOTAL,
    ELIDED_RECURSION,
    EVENT_LOOP_WINDOWS,
    GROUP,
    IPYTHON,
    PARTIAL_NO_HEADER,
    PY311_CARETS,
    PYTEST_IMPORT,
    PYTEST_LONG,
    PYTEST_LONG_INTO_APP,
    PYTEST_SHORT,
    SYNTAX,
    TRUNCATED,
    WINDOWS_COLOURED,
    focus,
    only,
)


# -- parsing tracebacks ------------------------------------------------------------------------
def test_a_plain_traceback_gives_type_message_frames_and_the_failing_line():
    raised = only(errors.parse(CSV_TOTAL))
    assert raised.type == "TypeError"
    assert raised.message == "unsupported operand type(s) for +=: 'float' and 'str'"
    assert [(f.file, f.line, f.function) for f in raised.frames] == [
        ("/home/ana/proj/app.py", 22, "<module>"),
        ("/home/ana/proj/app.py", 14, "total"),
    ]
    assert focus(raised) == raised.frames[-1]
    assert focus(raised).code == 'total += row["amount"]'
    assert errors.parse(CSV_TOTAL).structured


def test_windows_paths_and_colour_codes_are_read_and_the_stdlib_is_not_the_users():
    raised = only(errors.parse(WINDOWS_COLOURED))
    assert raised.type == "json.decoder.JSONDecodeError"
    assert raised.name == "JSONDecodeError"
    assert raised.message.startswith("Expecting value")
    assert [f.user for f in raised.frames] == [True, False, False]
    assert focus(raised).file == "C:\\Users\\raj\\proj\\main.py"
    assert focus(raised).code == "data = json.load(open('config.json'))"


def test_python_311_caret_lines_are_not_taken_for_code():
    raised = only(errors.parse(PY311_CARETS))
    assert focus(raised).code == "return sum(xs) / len(xs)"
    assert raised.frames[0].code == "print(mean([]))"


def test_chained_exceptions_form_one_chain_and_say_how_they_follow():
    pasted = errors.parse(CHAINED_HANDLING)
    assert len(pasted.chains) == 1
    first, last = pasted.chains[0]
    assert (first.name, first.message) == ("KeyError", "'DATABASE_URL'")
    assert (last.type, last.follows) == ("app.errors.ConfigError", "handling")
    cause = errors.parse(CHAINED_FROM).chains[0]
    assert [r.follows for r in cause] == [None, "cause"]


def test_a_traceback_without_its_last_line_is_truncated():
    pasted = errors.parse(TRUNCATED)
    assert pasted.raised == ()
    assert [f.line for f in pasted.truncated] == [88, 40]
    assert pasted.truncated[-1].code == "result = handlers[item.kind](item)"


def test_elisions_and_repeated_frame_notes_are_skipped():
    raised = only(errors.parse(ELIDED_RECURSION))
    assert raised.name == "RecursionError"
    assert len(raised.frames) == 3
    assert focus(raised).code == "return 1 + depth(node.parent)"


def test_frames_without_the_traceback_header_still_make_a_traceback():
    raised = only(errors.parse(PARTIAL_NO_HEADER))
    assert (raised.name, raised.message) == ("KeyError", "4417")
    assert focus(raised).function == "on_message"


def test_an_indented_paste_parses_like_a_flush_one():
    indented = textwrap.indent(CSV_TOTAL.split("```")[1].strip(), "    ")
    raised = only(errors.parse("this blows up:\n" + indented))
    assert raised.name == "TypeError"
    assert focus(raised).line == 14


def test_ipython_cells_and_arrows_are_frames_with_their_failing_lines():
    raised = only(errors.parse(IPYTHON))
    cell, library = raised.frames
    assert (cell.file, cell.line, cell.user, cell.code) == (
        "Cell In[4]",
        2,
        True,
        'df["amount"].sum()',
    )
    assert not library.user
    assert library.code == "indexer = self.columns.get_loc(key)"
    assert library.function == "DataFrame.__getitem__"


def test_a_syntax_error_frame_has_no_function():
    raised = only(errors.parse(SYNTAX))
    assert raised.name == "SyntaxError"
    assert focus(raised).function is None
    assert focus(raised).code == 'print("total:", total'


def test_an_exception_group_keeps_its_members_and_drops_the_boxes():
    pasted = errors.parse(GROUP)
    assert [r.name for r in pasted.raised] == ["ExceptionGroup", "KeyError"]
    assert focus(pasted.raised[1]).code == 'return data["items"]'


def test_exception_ignored_in_is_noticed():
    pasted = errors.parse(EVENT_LOOP_WINDOWS)
    assert pasted.ignored
    raised = only(pasted)
    assert raised.message == "Event loop is closed"
    assert not any(f.user for f in raised.frames)


# -- parsing pytest output ---------------------------------------------------------------------
def test_pytest_long_output_gives_the_test_the_assert_and_its_values():
    raised = only(errors.parse(PYTEST_LONG))
    assert (raised.type, raised.message, raised.test) == (
        "AssertionError",
        "assert 1.0 == 1.5",
        "test_total",
    )
    frame = focus(raised)
    assert (frame.file, frame.line, frame.function, frame.code) == (
        "tests/test_cart.py",
        9,
        "test_total",
        "assert cart.total() == 1.5",
    )


def test_pytest_long_output_follows_the_call_into_the_code_under_test():
    raised = only(errors.parse(PYTEST_LONG_INTO_APP))
    assert raised.type == "TypeError"
    assert [(f.file, f.function) for f in raised.frames] == [
        ("tests/test_app.py", "test_total"),
        ("app.py", "total"),
    ]
    assert focus(raised).code == 't += row["amount"]'


def test_pytest_short_output_reads_frames_and_the_e_line():
    raised = only(errors.parse(PYTEST_SHORT))
    assert raised.type == "ValueError"
    assert raised.message == "invalid literal for int() with base 10: '$5'"
    assert (focus(raised).file, focus(raised).function, focus(raised).code) == (
        "shop/prices.py",
        "parse_price",
        "return int(text)",
    )


def test_a_collection_error_keeps_the_import_and_the_pytest_hint_line():
    pasted = errors.parse(PYTEST_IMPORT)
    raised = only(pasted)
    assert (raised.name, raised.message) == ("ModuleNotFoundError", "No module named 'shop'")
    assert [f.user for f in raised.frames] == [False, True]
    assert focus(raised).code == "from shop.cart import Cart"
    assert any("ImportError while importing test module" in line for line in pasted.telling)


def test_only_the_short_summary_is_enough_for_a_failure():
    raised = only(errors.parse("FAILED tests/test_cart.py::test_discount - assert 90.0 == 85.0"))
    assert (raised.type, raised.message, raised.test) == (
        "AssertionError",
        "assert 90.0 == 85.0",
        "test_discount",
    )
    assert errors.place(focus(raised)) == "the test `test_discount` in tests/test_cart.py"


def test_an_old_style_ipython_frame_takes_its_line_from_the_arrow():
    raised = only(
        errors.parse(
            "---------------------------------------------------------------------------\n"
            "ZeroDivisionError                         Traceback (most recent call last)\n"
            "<ipython-input-3-a4f1c2d3e5b6> in <module>()\n"
            "      1 x = 1\n"
            "----> 2 y = x / 0\n"
            "\n"
            "ZeroDivisionError: division by zero\n"
        )
    )
    assert raised.type == "ZeroDivisionError"
    assert raised.frames[-1].line == 2
    assert raised.frames[-1].code == "y = x / 0"
