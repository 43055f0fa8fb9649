"""Pasted error output is read for what it says: the exception, the user's frame, the failing
line, and what that error means here; anything that is not error output gets nothing."""

import dataclasses
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from labkit.sim.replies import Replier, compose, errors
from labkit.sim.replies.bank import BankError
from labkit.sim.replies.compose import Chooser, Writer, ends_a_sentence
from labkit.sim.replies.report import setting_for

ERRORS_TOML = Path(__file__).resolve().parents[3] / "datasets" / "replies" / "errors.toml"

# -- realistic pastes, written for these tests -------------------------------------------------
CSV_TOTAL = """getting this and i have no idea why, the data comes from a csv
```
Traceback (most recent call last):
  File "/home/ana/proj/app.py", line 22, in <module>
    print(total(rows))
  File "/home/ana/proj/app.py", line 14, in total
    total += row["amount"]
TypeError: unsupported operand type(s) for +=: 'float' and 'str'
```
"""

PYTEST_IMPORT = """running pytest and getting this, what's wrong?

==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_cart.py ______________________
ImportError while importing test module '/home/ana/shop/tests/test_cart.py'.
Hint: make sure your test modules/packages have valid Python names.
Traceback:
/usr/lib/python3.11/importlib/__init__.py:126: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
tests/test_cart.py:3: in <module>
    from shop.cart import Cart
E   ModuleNotFoundError: No module named 'shop'
=========================== short test summary info ============================
ERROR tests/test_cart.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
"""

PYTEST_LONG = """why does this test fail??

=================================== FAILURES ===================================
________________________________ test_total ____________________________________

    def test_total():
        cart = Cart()
        cart.add("apple", 0.5, qty=3)
>       assert cart.total() == 1.5
E       assert 1.0 == 1.5
E        +  where 1.0 = <bound method Cart.total of <shop.cart.Cart object at 0x7f>>()

tests/test_cart.py:9: AssertionError
=========================== short test summary info ============================
FAILED tests/test_cart.py::test_total - assert 1.0 == 1.5
"""

PYTEST_LONG_INTO_APP = """
________________________________ test_total ____________________________________

    def test_total():
>       assert total([{"amount": "3"}]) == 3

tests/test_app.py:5:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

rows = [{'amount': '3'}]

    def total(rows):
        t = 0.0
        for row in rows:
>           t += row["amount"]
E           TypeError: unsupported operand type(s) for +=: 'float' and 'str'

app.py:4: TypeError
"""

PYTEST_SHORT = """
___________________________ test_parse_price ___________________________
tests/test_prices.py:8: in test_parse_price
    assert parse_price("$5") == 5
shop/prices.py:3: in parse_price
    return int(text)
E   ValueError: invalid literal for int() with base 10: '$5'
"""

EVENT_LOOP_WINDOWS = r"""my script works but at the end i always get this on windows:

Exception ignored in: <function _ProactorBasePipeTransport.__del__ at 0x000001F2A3B4C040>
Traceback (most recent call last):
  File "C:\Users\ana\AppData\Local\Programs\Python\Python311\Lib\asyncio\proactor_events.py", line 116, in __del__
    self.close()
  File "C:\Users\ana\AppData\Local\Programs\Python\Python311\Lib\asyncio\base_events.py", line 761, in call_soon
    self._check_closed()
  File "C:\Users\ana\AppData\Local\Programs\Python\Python311\Lib\asyncio\base_events.py", line 519, in _check_closed
    raise RuntimeError('Event loop is closed')
RuntimeError: Event loop is closed
"""

NGINX_TIMEOUT = (
    "our api is timing out, seeing this in the nginx error log:\n"
    "2026/03/02 10:15:44 [error] 31#31: *4188 upstream timed out (110: Connection timed out) "
    'while reading response header from upstream, client: 10.0.3.9, server: shop.example.com, request: "POST '
    '/api/reports HTTP/1.1", upstream: "http://127.0.0.1:8000/api/reports", host: "shop.example.com"'
)

WINDOWS_COLOURED = (
    "\x1b[31mTraceback (most recent call last):\x1b[0m\n"
    '  File "C:\\Users\\raj\\proj\\main.py", line 7, in <module>\n'
    "    data = json.load(open('config.json'))\n"
    '  File "C:\\Python311\\Lib\\json\\__init__.py", line 293, in load\n'
    "    return loads(fp.read(),\n"
    '  File "C:\\Python311\\Lib\\json\\decoder.py", line 355, in raw_decode\n'
    '    raise JSONDecodeError("Expecting value", s, err.value) from None\n'
    "\x1b[1;31mjson.decoder.JSONDecodeError\x1b[0m: Expecting value: line 1 column 1 (char 0)"
)

PY311_CARETS = """Traceback (most recent call last):
  File "/home/ana/stats.py", line 5, in <module>
    print(mean([]))
          ^^^^^^^^
  File "/home/ana/stats.py", line 2, in mean
    return sum(xs) / len(xs)
           ~~~~~~~~^~~~~~~~~
ZeroDivisionError: division by zero"""

CHAINED_HANDLING = """Traceback (most recent call last):
  File "/srv/app/config.py", line 10, in load
    return settings[name]
KeyError: 'DATABASE_URL'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/app/main.py", line 4, in <module>
    db = load("DATABASE_URL")
  File "/srv/app/config.py", line 12, in load
    raise ConfigError(f"missing setting {name}")
app.errors.ConfigError: missing setting DATABASE_URL"""

CHAINED_FROM = """Traceback (most recent call last):
  File "/srv/app/client.py", line 8, in fetch
    return resp.json()["items"]
KeyError: 'items'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/client.py", line 10, in fetch
    raise FetchError("bad payload") from err
app.client.FetchError: bad payload"""

TRUNCATED = """can someone help, this is what it prints
Traceback (most recent call last):
  File "/srv/app/worker.py", line 88, in <module>
    main()
  File "/srv/app/worker.py", line 40, in process
    result = handlers[item.kind](item)"""

ELIDED_RECURSION = """Traceback (most recent call last):
  File "tree.py", line 9, in <module>
    print(depth(root))
  File "tree.py", line 5, in depth
    return 1 + depth(node.parent)
  File "tree.py", line 5, in depth
    return 1 + depth(node.parent)
  [Previous line repeated 996 more times]
  ...
RecursionError: maximum recursion depth exceeded"""

PARTIAL_NO_HEADER = """  File "/home/lee/bot/handlers.py", line 31, in on_message
    user = users[msg.author_id]
KeyError: 4417"""

IPYTHON = """---------------------------------------------------------------------------
KeyError                                  Traceback (most recent call last)
Cell In[4], line 2
      1 df = pd.read_csv("sales.csv")
----> 2 df["amount"].sum()

File ~/miniconda3/lib/python3.11/site-packages/pandas/core/frame.py:3893, in DataFrame.__getitem__(self, key)
   3891 if self.columns.nlevels > 1:
   3892     return self._getitem_multilevel(key)
-> 3893 indexer = self.columns.get_loc(key)

KeyError: 'amount'"""

SYNTAX = """  File "/home/ana/app.py", line 3
    print("total:", total
         ^
SyntaxError: '(' was never closed"""

GROUP = """  + Exception Group Traceback (most recent call last):
  |   File "/srv/app/run.py", line 9, in <module>
  |     asyncio.run(main())
  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/run.py", line 5, in fetch
    |     return data["items"]
    | KeyError: 'items'
    +------------------------------------"""

UNKNOWN = """Traceback (most recent call last):
  File "/srv/app/pay.py", line 12, in charge
    stripe.Charge.create(amount=amount, currency="eur", source=token)
  File "/venv/lib/python3.11/site-packages/stripe/api_resources/charge.py", line 40, in create
    raise CardError(msg, param, code)
stripe.error.CardError: Your card was declined."""

GIT_PUSH = """git push keeps failing:
To github.com:ana/shop.git
 ! [rejected]        main -> main (fetch first)
error: failed to push some refs to 'github.com:ana/shop.git'"""

NOT_ERRORS = [
    "How do I write a pytest fixture that opens a database connection?",
    "What is a TypeError in Python and when does it happen?",
    "TypeError: what does it mean?",
    "I keep getting a TypeError",
    "hi! can you explain git rebase vs merge?",
    "what's the difference between ValueError and TypeError",
    '''can you review this?
```python
def parse(x):
    """Parse x.

    Raises:
        ValueError: if x is negative
    """
    if x < 0:
        raise ValueError("negative")
    return x
```''',
    """is this ok?
```python
try:
    value = int(text)
except ValueError:
    value = 0
```""",
    "how should I handle rate limits when calling an API from a batch job?",
    """review this please
```python
def connect(url):
    try:
        return open_socket(url)
    except OSError:
        log.error("Connection refused, database is locked or no space left on device")
        raise
```""",
]


@pytest.fixture(scope="module")
def replier():
    return Replier()


@pytest.fixture(scope="module")
def knowledge():
    return errors.load_knowledge(ERRORS_TOML)


def diagnosed(
    replier: Replier,
    prompt: str,
    *,
    model: str = "sim-sonnet-4-6",
    effort: str = "medium",
    seed: int = 0,
    brief: bool = False,
) -> tuple[str, str, int]:
    """(plan, reply text, wrong choices) of errors.answer for a one-turn conversation."""
    reading = replier.read([{"role": "user", "content": prompt}])
    writer = Writer(reading.subject or "this")
    setting = setting_for(model, effort)
    if brief:
        setting = dataclasses.replace(setting, brief=True)
    chooser = Chooser(setting, np.random.default_rng(seed))
    plan = errors.answer(replier.bank, reading, writer, chooser)
    return plan, writer.text(), chooser.wrong


def only(pasted: errors.Pasted) -> errors.Raised:
    assert len(pasted.raised) == 1, pasted.raised
    return pasted.raised[0]


def focus(raised: errors.Raised) -> errors.Frame:
    frame = raised.focus
    assert frame is not None
    return frame


def diagnosis_of(knowledge: errors.Knowledge, text: str) -> errors.Diagnosis:
    diagnosis = errors.diagnose(knowledge, errors.parse(text))
    assert diagnosis is not None, text
    return diagnosis


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


def test_a_traceback_in_a_python_fence_is_still_a_traceback():
    fenced = "why?\n```python\n" + CSV_TOTAL.split("```")[1].strip() + "\n```"
    assert only(errors.parse(fenced)).name == "TypeError"


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


# -- lines that are errors, and text that is not -----------------------------------------------
def test_a_bare_exception_line_is_an_error_and_prose_after_a_quoted_key_is_cut():
    assert only(errors.parse("ModuleNotFoundError: No module named 'cv2'")).name == (
        "ModuleNotFoundError"
    )
    inline = only(errors.parse("i get KeyError: 'user_id' when i read the session, why"))
    assert (inline.name, inline.message) == ("KeyError", "'user_id'")
    assert only(errors.parse("MemoryError")).message == ""
    hint = only(errors.parse("NameError: name 'pritn' is not defined. Did you mean: 'print'?"))
    assert hint.message.endswith("'print'?")


@pytest.mark.parametrize("prompt", NOT_ERRORS)
def test_questions_about_errors_and_code_that_names_them_are_not_error_output(prompt, knowledge):
    pasted = errors.parse(prompt)
    assert pasted.raised == ()
    assert errors.diagnose(knowledge, pasted) is None


@pytest.mark.parametrize(
    "path, user",
    [
        ("/home/ana/proj/app.py", True),
        ("/home/ana/proj/lib/utils.py", True),
        ("tests/test_cart.py", True),
        ("C:\\Users\\ana\\proj\\main.py", True),
        ("<stdin>", True),
        ("Cell In[3]", True),
        ("/home/ana/proj/.venv/lib/python3.11/site-packages/requests/api.py", False),
        ("/usr/lib/python3/dist-packages/yaml/__init__.py", False),
        ("/usr/lib/python3.11/json/decoder.py", False),
        ("/home/ana/.pyenv/versions/3.12.2/lib/python3.12/asyncio/runners.py", False),
        ("C:\\Python311\\Lib\\asyncio\\base_events.py", False),
        ("<frozen importlib._bootstrap>", False),
        ("<string>", False),
    ],
)
def test_which_frames_are_the_users(path, user):
    assert errors.is_library(path) is not user


@pytest.mark.parametrize(
    "path, shown",
    [
        ("/venv/lib/python3.11/site-packages/pandas/core/frame.py", "`pandas`"),
        ("/venv/lib/python3.11/site-packages/_pytest/python.py", "`pytest`"),
        ("/usr/lib/python3.11/asyncio/base_events.py", "the standard library's `asyncio`"),
        ("C:\\Python311\\Lib\\json\\decoder.py", "the standard library's `json`"),
        ("<frozen importlib._bootstrap>", "the standard library's `importlib`"),
    ],
)
def test_library_frames_are_named_by_their_package(path, shown):
    assert errors.library_name(path) == shown


def test_places_read_as_a_person_says_them():
    frame = errors.Frame("/home/ana/proj/app.py", 14, "total", "x", True)
    assert errors.place(frame) == "line 14 of app.py, in `total()`"
    module = dataclasses.replace(frame, function="<module>")
    assert errors.place(module) == "line 14 of app.py, at module level"
    comprehension = dataclasses.replace(frame, function="<listcomp>")
    assert errors.place(comprehension) == "line 14 of app.py, in a list comprehension"
    assert errors.shown_file("/srv/app/models/__init__.py") == "models/__init__.py"
    assert errors.shown_file("tests/test_cart.py") == "tests/test_cart.py"
    assert errors.shown_file("C:\\Users\\raj\\proj\\main.py") == "main.py"


# -- reading the failing line ------------------------------------------------------------------
def fills_for(prompt: str, knowledge: errors.Knowledge) -> tuple[errors.Diagnosis, dict[str, str]]:
    pasted = errors.parse(prompt)
    diagnosis = diagnosis_of(knowledge, prompt)
    return diagnosis, errors.fills(diagnosis, knowledge, prompt, pasted.truncated)


def test_the_failing_line_says_which_operand_is_text_and_where_it_came_from(knowledge):
    diagnosis, values = fills_for(CSV_TOTAL, knowledge)
    assert diagnosis.plan == "errors:text_and_number"
    assert values["text_operand"] == 'row["amount"]'
    assert (values["number_operand"], values["number_type"]) == ("total", "float")
    assert values["data_source"] == "the CSV file"
    assert values["place"] == "line 14 of app.py, in `total()`"


def test_text_being_built_is_told_from_text_that_should_be_a_number(knowledge):
    concat = """Traceback (most recent call last):
  File "report.py", line 3, in <module>
    print("Total: " + total)
TypeError: can only concatenate str (not "float") to str"""
    _, values = fills_for(concat, knowledge)
    assert values["text_part"] == '"Total: "'
    assert "text_operand" not in values


@pytest.mark.parametrize(
    "paste, expected",
    [
        (PARTIAL_NO_HEADER, {"container": "users", "index": "msg.author_id"}),
        (IPYTHON, {"container": "df"}),
        (
            'File "scrape.py", line 9, in <module>\n'
            '    price = re.search(r"(\\d+)", text).group(1)\n'
            "AttributeError: 'NoneType' object has no attribute 'group'",
            {"owner": 're.search(r"(\\d+)", text)'},
        ),
        (
            'File "a.py", line 2, in f\n    for a, b in pairs:\n'
            "ValueError: too many values to unpack (expected 2)",
            {"iterable": "pairs", "loop_target": "a, b"},
        ),
        (
            'File "a.py", line 2, in f\n    name, age = parse(line)\n'
            "TypeError: cannot unpack non-iterable NoneType object",
            {"unpacked": "parse(line)", "target": "name, age"},
        ),
        (WINDOWS_COLOURED, {"opened_file": "'config.json'"}),
        (PY311_CARETS, {"left": "sum(xs)", "right": "len(xs)"}),
    ],
)
def test_values_are_read_from_the_failing_line(paste, expected, knowledge):
    _, values = fills_for(paste, knowledge)
    for name, value in expected.items():
        assert values.get(name) == value, (name, values)


# -- which entry explains it -------------------------------------------------------------------
def test_the_knowledge_file_is_large_and_about_a_third_of_it_can_be_wrong(knowledge):
    entries = knowledge.entries
    assert 50 <= len(entries) <= 70
    with_wrong = [e for e in entries if any(not a.correct for p in e.parts.values() for a in p)]
    assert 0.25 <= len(with_wrong) / len(entries) <= 0.45
    assert list(errors.lint(knowledge)) == []


def every_example(path: Path = ERRORS_TOML) -> list[tuple[str, str]]:
    return [(e.id, x) for e in errors.load_knowledge(path).entries for x in e.examples]


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


def test_a_log_line_is_quoted_from_where_the_error_starts(replier):
    plan, text, _ = diagnosed(replier, NGINX_TIMEOUT, effort="high")
    assert plan == "errors:gateway_timeout"
    assert "`upstream timed out (110: Connection timed out)" in text
    assert "2026/03/02" not in text  # the timestamp says nothing
    assert "http://127.0.0.1:8000/api/reports" in text
    assert "504" in text


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


# -- the loader --------------------------------------------------------------------------------
FRAMING = "\n".join(f'{part} = ["Said {{exc}} once."]' for part in errors.FRAMING_PARTS)
GENERIC = "\n".join(f'{part} = ["Generic {part}."]' for part in errors.PARTS)
MINIMAL = f"""
[framing]
{FRAMING}

[generic]
{GENERIC}

[[errors]]
id = "key_error"
exception = "KeyError"
message = '^(?P<key>.+)$'
examples = ["KeyError: 'a'"]
meaning = ["The key `{{key}}` is missing.", "No `{{key}}` there."]
causes = ["A typo.", "Another shape."]
fix = ["Use `.get()`.", "Check the keys."]
confirm = ["Print the keys.", "Use a debugger."]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"errors-{abs(hash(text))}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_file_loads(tmp_path):
    knowledge = errors.load_knowledge(write(tmp_path, MINIMAL))
    assert [e.id for e in knowledge.entries] == ["key_error"]
    assert knowledge.entries[0].guaranteed >= {"key", "exc", "message"}


@pytest.mark.parametrize(
    "change, problem",
    [
        (('id = "key_error"', 'id = "Key Error"'), "id must be a lower_case name"),
        (("message = '^(?P<key>.+)$'", "message = '^(?P<key>.+$'"), "does not compile"),
        (('"Print the keys."', '"Print {nothing}."'), "unknown placeholder {nothing}"),
        (('fix = ["Use `.get()`.", "Check the keys."]', 'fix = ["Use `.get()`."]'), "at least 2"),
        (
            ("examples = [\"KeyError: 'a'\"]", 'examples = ["ValueError: x"]'),
            "do not match its example",
        ),
        (('causes = ["A typo.", ', 'cause = ["A typo.", '), "unknown key 'cause'"),
        (
            (
                'meaning = ["The key `{key}` is missing.", "No `{key}` there."]',
                'meaning = ["`{left}` is missing.", "`{owner}` is not there."]',
            ),
            "only placeholders every match fills",
        ),
        (('fix = ["Generic fix."]', ""), "[generic] fix is missing"),
    ],
)
def test_bad_knowledge_is_reported_with_the_file_and_the_entry(tmp_path, change, problem):
    old, new = change
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(BankError) as caught:
        errors.load_knowledge(path)
    assert problem in str(caught.value)
    assert path.name in str(caught.value)


def test_a_duplicate_id_is_reported(tmp_path):
    entry = MINIMAL[MINIMAL.index("[[errors]]") :]
    path = write(tmp_path, MINIMAL + entry)
    with pytest.raises(BankError, match="used twice"):
        errors.load_knowledge(path)
