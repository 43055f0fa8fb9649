"""reader.symptoms: bugs users describe by what they see, found in the code, and the same code
shapes without the bug left alone."""

import pytest

from labkit.sim.replies.reader.review import review
from tests.sim.replies.helpers import reply, user
from tests.sim.replies.reader.samples import CLEAN


def kinds(source, **options):
    return {(f.line, f.kind) for f in review(source, **options)}


SYMPTOMS = {
    "late-binding",
    "unlocked-shared-update",
    "range-misses-last",
    "sleep-at-boundary",
    "sleep-for-thread",
}


@pytest.mark.parametrize(
    ("code", "line", "kind"),
    [
        ("funcs = [lambda: i for i in range(5)]", 1, "late-binding"),
        (
            "handlers = {}\nfor name in names:\n    handlers[name] = lambda: greet(name)",
            3,
            "late-binding",
        ),
        (
            "for n in range(3):\n    def show():\n        print(n)\n    todo.append(show)",
            2,
            "late-binding",
        ),
        (
            "import threading\ncounter = 0\ndef work():\n    global counter\n    for _ in range(10):\n"
            "        counter += 1\nthreading.Thread(target=work).start()",
            6,
            "unlocked-shared-update",
        ),
        (
            "from concurrent.futures import ThreadPoolExecutor\nclass Hits:\n    def add(self):\n"
            "        self.total += 1",
            4,
            "unlocked-shared-update",
        ),
        (
            "for i in range(1, len(arr) - 1):\n    if arr[i] > arr[i-1]:\n        count += 1",
            1,
            "range-misses-last",
        ),
        ("for i in range(len(xs) - 1):\n    total += xs[i]", 1, "range-misses-last"),
        (
            "import time\ndef test_expiry():\n    c = Cache(ttl=0.1)\n    c.set('a', 1)\n"
            "    time.sleep(0.1)\n    assert c.get('a') is None",
            5,
            "sleep-at-boundary",
        ),
        (
            "import threading, time\ndef test_upload():\n    done = []\n"
            "    threading.Thread(target=upload, args=(done,)).start()\n    time.sleep(0.5)\n"
            "    assert done",
            5,
            "sleep-for-thread",
        ),
    ],
)
def test_each_symptom_is_found_on_its_line(code, line, kind):
    assert (line, kind) in kinds(code)


@pytest.mark.parametrize(
    "code",
    [
        "funcs = [lambda i=i: i for i in range(5)]",  # bound now, as a default
        "funcs = [lambda x: x * 2 for i in range(5)]",  # the loop variable is not read
        "squares = [i * i for i in range(5)]",
        # no threads anywhere: a global counter is only a smell
        "counter = 0\ndef work():\n    global counter\n    counter += 1",
        # the update is under a lock
        "import threading\nlock = threading.Lock()\ncounter = 0\ndef work():\n    global counter\n"
        "    with lock:\n        counter += 1\nthreading.Thread(target=work).start()",
        # pairs of neighbours need the stop at len - 1
        "for i in range(len(xs) - 1):\n    if xs[i] > xs[i + 1]:\n        swaps += 1",
        "for i in range(len(xs)):\n    total += xs[i]",
        # a test that sleeps well past the duration it set
        "import time\ndef test_expiry():\n    c = Cache(ttl=0.1)\n    time.sleep(0.5)\n"
        "    assert c.get('a') is None",
        # sleeping outside a test
        "import time\ndef poll(ttl=2):\n    time.sleep(2)",
        # the test waits for the thread itself
        "import threading, time\ndef test_upload():\n    t = threading.Thread(target=upload)\n"
        "    t.start()\n    time.sleep(0.01)\n    t.join(timeout=5)\n    assert done",
    ],
)
def test_the_same_shapes_without_the_bug_are_left_alone(code):
    assert not {k for _, k in kinds(code)} & SYMPTOMS


def test_a_question_can_say_the_code_runs_in_threads():
    code = "counter = 0\ndef work():\n    global counter\n    for _ in range(100000):\n        counter += 1"
    assert (5, "unlocked-shared-update") in kinds(code, threaded=True)
    assert (5, "unlocked-shared-update") not in kinds(code)


def test_clean_samples_show_no_symptom():
    for code in CLEAN:
        assert not {k for _, k in kinds(code)} & SYMPTOMS, code


@pytest.mark.parametrize(
    ("prompt", "words"),
    [
        (
            "why does this print the same number 5 times?\n\nfuncs = [lambda: i for i in range(5)]\n"
            "print([f() for f in funcs])",
            ("bind late", "lambda i=i"),
        ),
        (
            "my loop skips the last element and i cant see why\n\nfor i in range(1, len(arr) - 1):\n"
            "    if arr[i] > arr[i-1]:\n        count += 1",
            ("never visited", "len(arr)"),
        ),
        (
            "two threads increment a counter and the total is short. isn't the GIL supposed to "
            "prevent this?\n\ncounter = 0\ndef work():\n    global counter\n    for _ in range(100000):\n"
            "        counter += 1",
            ("race condition", "GIL", "threading.Lock()"),
        ),
        (
            "This test passes locally but fails in CI about 1 in 5 runs:\n\nimport time\n"
            "def test_cache_expiry():\n    c = Cache(ttl=0.1)\n    c.set('a', 1)\n    time.sleep(0.1)\n"
            "    assert c.get('a') is None",
            ("race with the clock",),
        ),
    ],
)
def test_a_question_about_a_symptom_is_answered_with_its_bug(replier, prompt, words):
    text = reply(replier, [user(prompt)]).text
    for word in words:
        assert word in text, text
