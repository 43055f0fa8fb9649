"""`review`: the findings on buggy code, and silence on idiomatic code."""

import pytest

from labkit.sim.replies.reader.checks import Finding
from labkit.sim.replies.reader.review import review
from tests.sim.replies.reader.samples import CLEAN


def kinds(source):
    return {(f.line, f.kind) for f in review(source)}


@pytest.mark.parametrize(
    ("code", "line", "kind"),
    [
        ("def f(x, items=[]):\n    items.append(x)\n    return items", 1, "mutable-default"),
        ("def f(*, seen=set()):\n    return seen", 1, "mutable-default"),
        ("try:\n    go()\nexcept:\n    pass", 3, "bare-except"),
        ("try:\n    go()\nexcept Exception:\n    pass", 3, "swallowed-exception"),
        ("if x == None:\n    go()", 1, "none-comparison"),
        ("ok = x != None", 1, "none-comparison"),
        ("if name is 'admin':\n    go()", 1, "literal-identity"),
        ("if n is not 1:\n    go()", 1, "literal-identity"),
        ("for i in range(len(xs)):\n    print(xs[i])", 1, "range-len"),
        ("list = [1, 2]", 1, "shadowed-builtin"),
        ("def f(id):\n    return id", 1, "shadowed-builtin"),
        ("f = open('data.txt')\ntext = f.read()", 1, "open-without-with"),
        ("def f():\n    return 1\n    print('never')", 3, "unreachable-code"),
        ("for x in xs:\n    raise ValueError\n    x += 1", 3, "unreachable-code"),
        (
            "def sign(n):\n    if n > 0:\n        return 1\n    elif n < 0:\n        return -1",
            1,
            "implicit-none",
        ),
        ("for x in xs:\n    if x < 0:\n        xs.remove(x)", 3, "mutating-while-iterating"),
        ("for k in d.keys():\n    del d[k]", 2, "mutating-while-iterating"),
        ("if a + b == 0.3:\n    go()", 1, "float-equality"),
        ("assert (x > 0, 'x must be positive')", 1, "assert-tuple"),
        ("msg = f'hello'", 1, "fstring-no-placeholders"),
        ("try:\n    go()\nexcept ValueError as e:\n    print('failed', e)", 4, "print-in-except"),
        ("def mean(xs):\n    return sum(xs) / len(xs)", 2, "division-by-len"),
        ("def f(a, b):\n    return a", 1, "unused-parameter"),
        ("def f(a):\n    result = a * 2\n    return a", 2, "unused-variable"),
    ],
)
def test_review_finds(code, line, kind):
    findings = [f for f in review(code) if f.kind == kind]
    assert findings, review(code)
    assert findings[0].line == line
    assert findings[0].message.startswith(f"Line {line}: ")
    assert len(findings[0].message) < 400  # a sentence or two, not an essay


def test_a_finding_says_what_to_do():
    (finding,) = review("def add(x, items=[]):\n    items.append(x)\n    return items")
    assert finding == Finding(1, "mutable-default", finding.message)
    assert "`items=[]`" in finding.message
    assert "`if items is None: items = []`" in finding.message


def test_review_of_clean_idiomatic_code_is_empty():
    assert review(CLEAN) == []


@pytest.mark.parametrize(
    "code",
    [
        "def f(xs):\n    return sum(xs) / len(xs) if xs else 0.0",
        "def f(xs):\n    if len(xs) == 0:\n        raise ValueError\n    return sum(xs) / len(xs)",
        "def opener(path):\n    return open(path)",
        "f = open(p)\ntry:\n    data = f.read()\nfinally:\n    f.close()",
        "def f(_unused, x):\n    return x",
        "class Base:\n    def hook(self, event):\n        pass",
        "class Child(Base):\n    def hook(self, event):\n        return 1",
        "def outer(n):\n    def inner():\n        return n\n    return inner",
        "for x in xs[:]:\n    xs.remove(x)",
        "ok = x == 0.5 * 2 or y is None or z is True",
        "try:\n    go()\nexcept KeyboardInterrupt:\n    print('bye')",
        "try:\n    go()\nexcept OSError:\n    print('retrying')\n    raise",
        "msg = f'{x:>10}'",
        "def f():\n    for i in range(len(xs)):\n        xs[i] = i * 2",
    ],
)
def test_review_stays_quiet_on_idioms(code):
    assert review(code) == []


def test_findings_are_sorted_and_one_per_line_and_kind():
    code = "def f(x, list=[]):\n    if x == None:\n        return list\n"
    findings = review(code)
    assert [(f.line, f.kind) for f in findings] == [
        (1, "implicit-none"),
        (1, "mutable-default"),
        (1, "shadowed-builtin"),
        (2, "none-comparison"),
    ]
    assert review(code.replace("\n", "\r\n")) == findings


ONE_OF_EACH_NEW_KIND = {
    "sql-injection": "def f(c, n):\n    c.execute(f\"SELECT * FROM t WHERE n = '{n}'\")",
    "shell-injection": "import os\ndef f(p):\n    os.system('ls ' + p)",
    "eval-injection": "def f(s):\n    return eval(s)",
    "unsafe-deserialisation": "import pickle\ndef f(b):\n    return pickle.loads(b)",
    "tls-verify-disabled": "import requests\nr = requests.get(u, verify=False, timeout=5)",
    "hardcoded-secret": "API_TOKEN = 'ghp_abcdef123456'",
    "insecure-random": "import random\nsession_token = random.getrandbits(128)",
    "http-no-timeout": "import requests\nr = requests.get(u)",
    "assert-validation": "def pay(amount):\n    assert amount > 0\n    return amount",
    "endless-retry": "import time\ndef f(g):\n    while True:\n        try:\n            return g()\n"
    "        except OSError:\n            time.sleep(1)",
    "endless-loop": "def f(n):\n    i = 0\n    while i < n:\n        print(i)\n    return i\n",
}


def test_every_kind_the_docstring_lists_is_found_by_some_check():
    import re

    listed = re.findall(r"[a-z]+(?:-[a-z]+)+", review.__doc__ or "")
    assert len(set(listed)) == len(listed) == 34  # 18 kinds before, 11 new ones, 5 symptoms
    for kind, code in ONE_OF_EACH_NEW_KIND.items():
        assert kind in listed
        assert [f.kind for f in review(code)] == [kind], code


def test_review_of_broken_code_is_empty():
    assert review("def f(:\n    pass") == []
