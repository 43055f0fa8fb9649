"""Calls that can hang, asserts that `python -O` strips, retry loops that never stop."""

import pytest

from labkit.sim.replies.reader.review import review
from tests.sim.replies.reader.samples import src


def found(code, kind):
    return [f for f in review(src(code)) if f.kind == kind]


@pytest.mark.parametrize(
    ("code", "line", "fix"),
    [
        (
            "import requests\ndef f(url):\n    return requests.get(url).json()",
            3,
            "`requests.get(url, timeout=10)`",
        ),
        (
            "import requests\ns = requests.Session()\ns.post(u, json={})",
            3,
            "`s.post(u, json={}, timeout=10)`",
        ),
        (
            "import requests\nwith requests.Session() as http:\n    http.get(u)",
            3,
            "`http.get(u, timeout=10)`",
        ),
        (
            "from urllib.request import urlopen\npage = urlopen(url).read()",
            2,
            "`urlopen(url, timeout=10)`",
        ),
    ],
)
def test_http_calls_without_a_timeout(code, line, fix):
    (finding,) = found(code, "http-no-timeout")
    assert finding.line == line and fix in finding.message
    assert "hangs" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nr = requests.get(u, timeout=(3, 10))",
        "import requests\ndef f(u, **kw):\n    return requests.get(u, **kw)",
        "import httpx\nr = httpx.get(u)",  # httpx has a default timeout
        "cache = {}\nvalue = cache.get(key)",  # a dict's get is not HTTP
    ],
)
def test_http_timeout_stays_quiet(code):
    assert found(code, "http-no-timeout") == []


def test_an_assert_that_validates_input_is_flagged_with_the_exception_to_raise():
    code = """
        def withdraw(account, amount):
            assert amount > 0, "amount must be positive"
            assert isinstance(account, Account)
            balance = account.balance - amount
            assert balance >= 0
            return balance
    """
    findings = found(code, "assert-validation")
    assert [f.line for f in findings] == [2, 3]
    assert '`if amount <= 0: raise ValueError("amount must be positive")`' in findings[0].message
    assert "`-O`" in findings[0].message
    assert "`if not isinstance(account, Account): raise TypeError(" in findings[1].message


@pytest.mark.parametrize(
    "code",
    [
        "def test_add():\n    assert add(1, 2) == 3",
        "import pytest\ndef check(x):\n    assert x > 0",
        "class TestMaths:\n    def check(self, x):\n        assert x > 0",
        "def _helper(x):\n    assert x > 0\n    return x",
        "def total(xs):\n    result = sum(xs)\n    assert result >= 0\n    return result",
        "def f(x):\n    assert False, 'unreachable'",
        # After the checks, an assert narrows a type for mypy: not input validation.
        "def f(choice):\n    if choice.get('type') not in KINDS:\n        raise ValueError(choice)\n"
        "    kind = choice['type']\n    assert isinstance(choice, dict)\n    return kind",
    ],
)
def test_asserts_in_tests_private_helpers_and_on_results_are_fine(code):
    assert found(code, "assert-validation") == []


RETRY_FOREVER = """
    import time
    import requests

    def fetch(url):
        while True:
            try:
                return requests.get(url, timeout=5).json()
            except requests.RequestException:
                time.sleep(1)
"""


def test_a_retry_loop_with_no_way_out_is_flagged():
    (finding,) = found(RETRY_FOREVER, "endless-retry")
    assert finding.line == 5
    assert "line 9" in finding.message and "`time.sleep(2 ** attempt)`" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        # Bounded attempts with backoff: the safe form.
        "import time\ndef f(get):\n    for attempt in range(5):\n        try:\n            return get()\n"
        "        except OSError:\n            time.sleep(2 ** attempt)\n    raise TimeoutError",
        # A limit check in the handler is a way out.
        "import time\ndef f(get):\n    tries = 0\n    while True:\n        try:\n            return get()\n"
        "        except OSError:\n            tries += 1\n            if tries >= 5:\n                raise\n"
        "            time.sleep(tries)",
        # A worker loop is meant to run forever: it never leaves on success either.
        "import time\ndef work(q):\n    while True:\n        try:\n            job = q.get(timeout=1)\n"
        "        except Exception as e:\n            time.sleep(0.1)\n            continue\n        job.run()",
    ],
)
def test_bounded_retries_and_worker_loops_are_fine(code):
    assert found(code, "endless-retry") == []
