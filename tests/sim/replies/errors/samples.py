"""Pastes that more than one test module reads, written for these tests, and the helpers that
read them: `diagnosed` makes a reply as compose does, `only`, `focus` and `diagnosis_of` take
apart what was parsed, and `every_example` lists the knowledge file's own examples."""

import dataclasses
from pathlib import Path

import numpy as np

from labkit.sim.replies import Replier, errors
from labkit.sim.replies.compose import Chooser, Writer
from labkit.sim.replies.report import setting_for

ERRORS_TOML = Path(__file__).resolve().parents[4] / "datasets" / "replies" / "errors.toml"


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


def every_example(path: Path = ERRORS_TOML) -> list[tuple[str, str]]:
    return [(e.id, x) for e in errors.load_knowledge(path).entries for x in e.examples]
