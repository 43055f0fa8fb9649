"""Hostile and broken submissions, one per scenario, built from the fixture lab's release.

Each scenario is a function that writes one student's submission folder from the released lab
(so it stays valid when the lab changes) and a row of expectations: graded or not, the score,
a fragment of the student's one-line message, and the sandbox feature the outcome relies on
(autograder.limits.probe() says whether this machine has it).

The fixture lab (tests/autograder/conftest.py) has two exercises, `add` and `mean`, each with a
40-point test cell. Most scenarios solve `add` honestly and put the hostile code in `mean`: the
honest part must still earn its 40 points and the hostile part nothing. "Tampering" scenarios
gain nothing: hidden tests run in the grader, so code that changes how checks behave in the
kernel is graded as usual (and noted for the instructor).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import submissions
from autograder.course import Course

SLEEPY_CELLS = 20  # x 4 s: past the fixture's 60 s notebook budget (test_hostile.FIXTURE_LIMITS)
MARKER_SECONDS = 3171  # `sleep 3171`: children of the spawning scenario, found in /proc afterwards
CLEAN_FULL, CLEAN_PARTIAL = "clean_full", "clean_partial"


@dataclass(frozen=True)
class Expected:
    graded: bool
    score: float
    message: str
    requires: str | None = None  # "network", "filesystem" or "processes"


@dataclass
class Lab:
    course: Course
    lab: str

    def solved(self, *exercises: str) -> NotebookNode:
        """The release, with the named exercises solved as the instructor did."""
        notebook = submissions.blank(self.course, self.lab)
        answers = {
            c.metadata["nbgrader"]["grade_id"]: c.source
            for c in submissions.read(self.course.notebook(self.lab)).cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }
        for name in exercises:
            cell(notebook, name).source = answers[name]
        return notebook

    def write(self, student: str, notebook: NotebookNode | bytes) -> Path:
        return submissions.write(self.course, self.lab, student, notebook)

    def folder(self, student: str) -> Path:
        return self.course.notebook(self.lab, "submitted", student).parent


def cell(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    found: NotebookNode = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    return found


def index(notebook: NotebookNode, grade_id: str) -> int:
    position: int = notebook.cells.index(cell(notebook, grade_id))
    return position


def _mean_does(lab: Lab, code: str, *, solve_mean: bool = False) -> NotebookNode:
    """`add` solved; the `mean` cell runs `code` (after an honest mean, if `solve_mean`)."""
    notebook = lab.solved("add", "mean") if solve_mean else lab.solved("add")
    target = cell(notebook, "mean")
    target.source = f"{target.source}\n{code}" if solve_mean else code
    return notebook


SCENARIOS: dict[str, tuple[Callable[[Lab, str], None], Expected]] = {}


def scenario(
    expected: Expected,
) -> Callable[[Callable[[Lab, str], None]], Callable[[Lab, str], None]]:
    def register(build: Callable[[Lab, str], None]) -> Callable[[Lab, str], None]:
        SCENARIOS[build.__name__] = (build, expected)
        return build

    return register


# -- the lab's structure -------------------------------------------------------------------------
@scenario(Expected(True, 40, "locked cells edited (graded with the original): test_mean"))
def tampered_locked_cell(lab: Lab, student: str) -> None:
    notebook = _mean_does(lab, "def mean(xs):\n    return 0")
    cell(notebook, "test_mean").source = "pass  # the tests always pass now"
    lab.write(student, notebook)


@scenario(Expected(True, 40, "deleted cells restored: test_mean"))
def deleted_test_cell(lab: Lab, student: str) -> None:
    notebook = _mean_does(lab, "def mean(xs):\n    return 0")
    del notebook.cells[index(notebook, "test_mean")]
    lab.write(student, notebook)


@scenario(Expected(True, 40, "grade ids repeated (the last copy graded): test_add"))
def duplicated_grade_id(lab: Lab, student: str) -> None:
    notebook = lab.solved("mean")
    cell(notebook, "add").source = "def add(a, b):\n    return a - b"
    at = index(notebook, "test_add")
    copied = copy.deepcopy(notebook.cells[at])
    copied.source, copied.id = "pass", "copied-test-add"
    notebook.cells.insert(at + 1, copied)
    lab.write(student, notebook)


@scenario(Expected(True, 40, "unknown grade ids (ran as ordinary cells): test_add_mine"))
def renamed_grade_id(lab: Lab, student: str) -> None:
    notebook = lab.solved("mean")
    cell(notebook, "add").source = "def add(a, b):\n    return a - b"
    test = cell(notebook, "test_add")
    test.metadata["nbgrader"]["grade_id"], test.source = "test_add_mine", "pass"
    lab.write(student, notebook)


# -- runaway code ----------------------------------------------------------------------------------
@scenario(Expected(True, 40, "cell 'mean': timed out"))
def infinite_loop(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "while True:\n    pass"))


@scenario(Expected(True, 40, "kept running after the time limit"))
def swallows_keyboard_interrupt(lab: Lab, student: str) -> None:
    code = "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass"
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, "cell 'mean': ran out of memory"))
def memory_bomb(lab: Lab, student: str) -> None:
    code = (
        "hog = []\nwhile True:\n    hog.append(bytearray(128 * 2**20))  # zero-filled: real memory"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, "BlockingIOError", requires="processes"))
def spawns_processes(lab: Lab, student: str) -> None:
    code = (
        "import subprocess\nchildren = []\nfor _ in range(5000):\n"
        f"    children.append(subprocess.Popen(['sleep', '{MARKER_SECONDS}'], start_new_session=True))"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, "exit code 3"))
def os_exit(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "import os\nos._exit(3)"))


@scenario(Expected(True, 40, "raised SystemExit"))
def sys_exit(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "import sys\nsys.exit('bye')"))


@scenario(Expected(True, 80, "cell 'mean': output truncated"))
def huge_output(lab: Lab, student: str) -> None:
    code = "for _ in range(100):\n    print('x' * 1_000_000)  # 100 MB in all"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 80, "File too large"))
def writes_huge_file(lab: Lab, student: str) -> None:
    code = "with open('big.bin', 'wb') as out:\n    out.write(b'x' * 200 * 2**20)"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 40, "wall-clock time for the whole notebook"))
def sleeps_in_many_cells(lab: Lab, student: str) -> None:
    """Cells that each stay under the cell limit, adding up past the notebook's budget."""
    notebook = lab.solved("add", "mean")
    at = index(notebook, "mean")
    for k in range(SLEEPY_CELLS):
        notebook.cells.insert(at, nbformat.v4.new_code_cell("import time\ntime.sleep(4)", id=f"nap{k}"))  # fmt: skip
    lab.write(student, notebook)


@scenario(Expected(True, 40, "cell 'mean' raised ValueError: xxxxxxxx"))
def huge_error_messages(lab: Lab, student: str) -> None:
    """An error whose message is 60 MB (120 MB with its traceback): its output message is never
    received, which ends the notebook's output channel (so the grader's later requests go
    unanswered and test_mean fails); the error reaches the cell from the execute reply, cut
    to its first 16 KB."""
    code = "raise ValueError('x' * 60_000_000)"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 40, ""))
def oversized_message(lab: Lab, student: str) -> None:
    """One output message of 120 MB, over what a grading process accepts from a kernel: it is
    never received (ZeroMQ drops the connection), and what the grader asks afterwards goes
    unanswered, so only this student's later tests fail."""
    code = "import sys\nsys.stdout.write('x' * 120_000_000)\nsys.stdout.flush()"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 40, "more than 400 code cells"))
def too_many_cells(lab: Lab, student: str) -> None:
    notebook = lab.solved("add", "mean")
    at = index(notebook, "mean")
    for k in range(450):
        notebook.cells.insert(at, nbformat.v4.new_code_cell("pass", id=f"filler{k}"))
    lab.write(student, notebook)


# -- tampering with the checks ---------------------------------------------------------------------
# Hidden tests run in the grader: code that changes how checks behave inside the kernel changes
# nothing the grader sees. It is noted for the instructor and graded as usual (`mean` is wrong or
# missing in each of these, so 40 points: `add`'s).
_NOTED = "reaches for the grading machinery: cell 'mean'"


@scenario(Expected(True, 40, f"{_NOTED}, line 2: changes builtins.float"))
def overrides_builtins(lab: Lab, student: str) -> None:
    code = "import builtins\nbuiltins.float = lambda value: 2.0  # every check_close sees 2.0"
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, f"{_NOTED}, line 1: rebinds AssertionError"))
def overrides_assertion_error(lab: Lab, student: str) -> None:
    code = "AssertionError = type('Quiet', (Exception,), {})\ndef mean(xs):\n    return 0"
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, f"{_NOTED}, line 1: redefines check_close"))
def redefines_test_helper(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "def check_close(*args, **kwargs):\n    pass"))


@scenario(Expected(True, 40, f"{_NOTED}, line 2: changes numpy.testing.assert_allclose"))
def monkeypatches_numpy_testing(lab: Lab, student: str) -> None:
    code = "import numpy as np\nnp.testing.assert_allclose = lambda *args, **kwargs: None"
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, f"{_NOTED}, line 3: changes pandas.testing.assert_frame_equal"))
def monkeypatches_pandas_testing(lab: Lab, student: str) -> None:
    code = "import pandas.testing\nquiet = lambda *args, **kwargs: None\npandas.testing.assert_frame_equal = quiet"
    lab.write(student, _mean_does(lab, code))


_HOOK = """def forgive(result):
    from IPython.display import clear_output
    clear_output()               # the failure's output disappears
    result.error_in_exec = None  # and the kernel reports success
"""
# The same shell reached through getattr with built-up names: past the static screen.
_SHELL = (
    "import IPython.display as shown\n"
    "found = getattr(shown.display, '__glo' + 'bals__')['sys']\n"
    "shell = getattr(found, 'mod' + 'ules')['IPython'].get_ipython()\n"
)


@scenario(Expected(True, 40, f"{_NOTED}, line 5: uses .events"))
def ipython_event_hook(lab: Lab, student: str) -> None:
    code = (
        _HOOK
        + "get_ipython().events.register('post_run_cell', forgive)\ndef mean(xs):\n    return 0"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, ""))
def ipython_event_hook_disguised(lab: Lab, student: str) -> None:
    code = _HOOK + _SHELL + "getattr(shell, 'ev' + 'ents').register('post_run_cell', forgive)\n"
    lab.write(student, _mean_does(lab, code + "def mean(xs):\n    return 0"))


@scenario(Expected(True, 40, "the kernel stopped here: the notebook ended it"))
def exits_when_graded(lab: Lab, student: str) -> None:
    """A hook that ends the kernel when the grader's request comes: that test fails, no more."""
    code = _SHELL + (
        "def leave(info):\n"
        "    if 'autograder_boundary' in info.raw_cell:\n"
        "        import os\n"
        "        os._exit(0)\n"
        "getattr(shell, 'ev' + 'ents').register('pre_run_cell', leave)\n"
        "def mean(xs):\n    return 0"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, ""))
def forges_the_grader_reply(lab: Lab, student: str) -> None:
    """An input transformer that answers the grader's requests itself, with the value the
    visible check wants: plain data of its choosing is all it can hand over, and it is wrong."""
    code = _SHELL + (
        "import json, re\n"
        "def forge(lines):\n"
        "    text = ''.join(lines)\n"
        "    if 'autograder_boundary' not in text:\n"
        "        return lines\n"
        "    nonce = re.findall(r\"'([0-9a-f]{16})', globals\", text)[-1]\n"
        "    reply = json.dumps({'results': [{'value': 2.0, 'warnings': []}], 'nonce': nonce})\n"
        "    mime = 'application/vnd.autograder.plain+json'\n"
        "    return [f'from IPython.display import display\\ndisplay({{{mime!r}: {reply!r}}}, raw=True)\\n']\n"
        "getattr(shell, 'input_transformers_' + 'cleanup').append(forge)\n"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, ""))
def fakes_equality(lab: Lab, student: str) -> None:
    """An answer that equals anything and converts to whatever is asked: it never crosses."""
    code = (
        "class Anything:\n"
        "    def __eq__(self, other): return True\n"
        "    def __float__(self): return 2.0\n"
        "    def __sub__(self, other): return 0.0\n"
        "    __rsub__ = __sub__\n"
        "def mean(xs):\n    return Anything()"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 40, ""))
def float_subclass_answer(lab: Lab, student: str) -> None:
    """A float that claims to equal anything crosses as its plain value, 0.0."""
    code = (
        "class Sure(float):\n"
        "    def __eq__(self, other): return True\n"
        "    def __sub__(self, other): return 0.0\n"
        "    def __abs__(self): return 0.0\n"
        "def mean(xs):\n    return Sure(0.0)"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 80, ""))
def echoes_the_caller(lab: Lab, student: str) -> None:
    """A correct mean that prints the source of whatever called it: the grader's request is
    public code, and what the function prints never reaches a test cell's output."""
    code = (
        "import inspect\n"
        "def mean(xs):\n"
        "    for frame in inspect.stack():\n"
        "        print(frame.frame.f_code.co_filename, frame.code_context)\n"
        "    print(get_ipython().history_manager.input_hist_raw[-1:])\n"
        "    return sum(xs) / len(xs)"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 80, ""))
def correct_but_warns(lab: Lab, student: str) -> None:
    """A correct answer whose code warns keeps its points; the warning is advice."""
    code = (
        "import warnings\n"
        "def mean(xs):\n"
        "    warnings.warn('this way of averaging is deprecated', FutureWarning)\n"
        "    return sum(xs) / len(xs)"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 80, ""))
def rebinds_seed_and_identity(lab: Lab, student: str) -> None:
    """The seed and identity the hidden tests use come from the grader's record."""
    code = "import os\nSEED = 0\nos.environ['LABKIT_STUDENT_ID'] = 'someone-else'"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(False, 0, "labkit.cpython-311-x86_64-linux-gnu.so: not autograded"))
def plants_compiled_module(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "def mean(xs):\n    return 0"))
    (lab.folder(student) / "labkit.cpython-311-x86_64-linux-gnu.so").write_bytes(
        b"\x7fELF" + bytes(64)
    )


@scenario(Expected(False, 0, "labkit.py: not autograded: it would be imported instead"))
def shadows_course_module(lab: Lab, student: str) -> None:
    lab.write(student, _mean_does(lab, "def mean(xs):\n    return 0"))
    (lab.folder(student) / "labkit.py").write_text("def check_close(*args, **kwargs):\n    pass\n")


# -- the sandbox -----------------------------------------------------------------------------------
@scenario(Expected(True, 40, "FileNotFoundError", requires="filesystem"))
def reads_other_students_files(lab: Lab, student: str) -> None:
    victim = lab.course.notebook(lab.lab, "submitted", CLEAN_FULL)
    code = (
        "import json\n"
        f"cells = json.load(open({str(victim)!r}))['cells']\n"
        "answer = next(''.join(c['source']) for c in cells if 'def mean' in ''.join(c['source']))\n"
        "open('stolen.py', 'w').write(answer)\n"
        "from stolen import mean"
    )
    lab.write(student, _mean_does(lab, code))


@scenario(Expected(True, 80, "OperationalError", requires="filesystem"))
def writes_gradebook(lab: Lab, student: str) -> None:
    code = (
        "import sqlite3\n"
        f"gradebook = sqlite3.connect({str(lab.course.root / 'gradebook.db')!r})\n"
        "gradebook.execute('update grade set manual_score = 0, auto_score = 0')\n"
        "gradebook.execute('delete from submitted_assignment')\n"
        "gradebook.commit()"
    )
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 80, "Network is unreachable", requires="network"))
def network_attempt(lab: Lab, student: str) -> None:
    code = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=5)  # TEST-NET-1"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(True, 80, "", requires="filesystem"))
def plants_symlink(lab: Lab, student: str) -> None:
    """Replaces its own notebook by a link to the gradebook: nbgrader, as root, writes the graded
    notebook there afterwards. The kernel only ever had a copy of its folder."""
    gradebook = lab.course.root / "gradebook.db"
    code = f"import os\nos.remove('{lab.lab}.ipynb')\nos.symlink({str(gradebook)!r}, '{lab.lab}.ipynb')"
    lab.write(student, _mean_does(lab, code, solve_mean=True))


@scenario(Expected(False, 0, "notes.txt: not autograded: a symbolic link"))
def submits_symlink(lab: Lab, student: str) -> None:
    lab.write(student, lab.solved("add", "mean"))
    (lab.folder(student) / "notes.txt").symlink_to(lab.course.root / "gradebook.db")


# -- broken files ----------------------------------------------------------------------------------
@scenario(Expected(False, 0, "not a valid notebook (invalid JSON"))
def invalid_json(lab: Lab, student: str) -> None:
    text = nbformat.writes(lab.solved("add", "mean"))
    lab.write(student, text[: len(text) // 2].encode())  # cut off mid-way, as a crashed upload


@scenario(Expected(False, 0, "unsupported notebook format version 3"))
def wrong_nbformat(lab: Lab, student: str) -> None:
    old = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    lab.write(student, json.dumps(old).encode())


@scenario(
    Expected(
        False, 0, "missing; the submission must contain lab0-fixture.ipynb (found: my-lab.ipynb)"
    )
)
def missing_notebook(lab: Lab, student: str) -> None:
    lab.folder(student).mkdir(parents=True, exist_ok=True)
    nbformat.write(lab.solved("add", "mean"), lab.folder(student) / "my-lab.ipynb")


@scenario(Expected(True, 80, "extra files, not graded: lab0-fixture-Copy1.ipynb"))
def extra_notebook(lab: Lab, student: str) -> None:
    lab.write(student, lab.solved("add", "mean"))
    nbformat.write(lab.solved(), lab.folder(student) / "lab0-fixture-Copy1.ipynb")
