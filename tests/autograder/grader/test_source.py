"""The ownership rule on submitted source: what reaches a forbidden module, and what does not."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.grader.source import SubmittedSource
from labkit.checks import CheckFailed

SAMPLING = "labkit.sim.sampling"
OWN = "def softmax(xs):\n    m = max(xs)\n    return [x - m for x in xs]\n"


def reaches(*cells: str) -> list[str]:
    return SubmittedSource.of_cells(list(cells)).reaches("softmax", [SAMPLING])


REACHING = {
    "import under alias": "import labkit.sim.sampling as s\ndef softmax(xs):\n    return s.softmax(xs)\n",
    "from-import as": "from labkit.sim import sampling as s\ndef softmax(xs):\n    return s.softmax(xs)\n",
    "from-import the function": "from labkit.sim.sampling import softmax as sm\ndef softmax(xs):\n    return sm(xs)\n",
    "dotted import": "import labkit.sim.sampling\ndef softmax(xs):\n    return labkit.sim.sampling.softmax(xs)\n",
    "getattr with a string": "import labkit.sim\ndef softmax(xs):\n    return getattr(labkit.sim, 'sampling').softmax(xs)\n",
    "__import__": "def softmax(xs):\n    return __import__('labkit.sim.sampling').sim.sampling.softmax(xs)\n",
    "importlib": "import importlib\ndef softmax(xs):\n    return importlib.import_module('labkit.sim.sampling').softmax(xs)\n",
    "import inside the function": "def softmax(xs):\n    from labkit.sim.sampling import softmax as f\n    return f(xs)\n",
    "a top-level binding": "from labkit.sim import sampling\nimpl = sampling.softmax\ndef softmax(xs):\n    return impl(xs)\n",
    "a helper chain": "from labkit.sim import sampling\ndef c(xs):\n    return sampling.softmax(xs)\ndef b(xs):\n    return c(xs)\ndef softmax(xs):\n    return b(xs)\n",
    "a lambda": "from labkit.sim import sampling\nsoftmax = lambda xs: sampling.softmax(xs)\n",
    "inside %%time": "%%time\nfrom labkit.sim import sampling\ndef softmax(xs):\n    return sampling.softmax(xs)\n",
    "inside %%capture": "%%capture out\nimport labkit.sim.sampling as s\ndef softmax(xs):\n    return s.softmax(xs)\n",
    "a default argument": "from labkit.sim import sampling\ndef softmax(xs, f=sampling.softmax):\n    return f(xs)\n",
    "a local of a nested function only": (
        "from labkit.sim import sampling\nimpl = sampling.softmax\n"
        "def softmax(xs):\n    def inner():\n        impl = 1\n    return impl(xs)\n"
    ),
    "a global declaration": (
        "from labkit.sim import sampling\nimpl = sampling.softmax\n"
        "def softmax(xs):\n    global impl\n    impl = impl\n    return impl(xs)\n"
    ),
    "a class attribute": (
        "from labkit.sim import sampling\nclass K:\n    f = staticmethod(sampling.softmax)\n"
        "def softmax(xs):\n    return K.f(xs)\n"
    ),
    "a walrus": "from labkit.sim import sampling\nif (impl := sampling.softmax):\n    pass\ndef softmax(xs):\n    return impl(xs)\n",
    "a with-as": "import contextlib\nfrom labkit.sim import sampling\nwith contextlib.nullcontext(sampling.softmax) as impl:\n    pass\ndef softmax(xs):\n    return impl(xs)\n",
    "a comprehension's first iterable": "from labkit.sim import sampling\nimpl = [sampling.softmax]\ndef softmax(xs):\n    return [f(xs) for f in impl][0]\n",
    "a binding in a loop": "from labkit.sim import sampling\nfor impl in [sampling.softmax]:\n    pass\ndef softmax(xs):\n    return impl(xs)\n",
}


@pytest.mark.parametrize("name", list(REACHING))
def test_a_route_to_the_module_is_found(name: str) -> None:
    assert reaches(REACHING[name]) == [SAMPLING]


def test_an_alias_in_another_cell_is_found() -> None:
    assert reaches("import labkit.sim.sampling as s", "def softmax(xs):\n    return s.softmax(xs)")


def test_an_import_in_a_locked_cell_counts() -> None:
    nb = new_notebook(
        cells=[
            new_code_cell(
                "from labkit.sim import sampling",
                metadata={"nbgrader": {"locked": True, "grade_id": "setup"}},
            ),
            new_code_cell("def softmax(xs):\n    return sampling.softmax(xs)\n"),
        ]
    )
    source = SubmittedSource.of_notebook(nb)
    assert source.reaches("softmax", [SAMPLING]) == [SAMPLING]
    assert not source.defines("sampling")  # a locked cell's code is not the student's


HONEST = {
    "own code": OWN,
    "numpy only": "import numpy as np\ndef softmax(xs):\n    e = np.exp(xs)\n    return e / e.sum()\n",
    "a local named like a bound global": (
        "from labkit.sim import sampling\n"
        "probs = sampling.softmax([1.0])\n"
        "def softmax(xs):\n"
        "    probs = [x for x in xs]\n"
        "    return probs\n"
    ),
    "the module used elsewhere": f"from labkit.sim import sampling\nref = sampling.softmax([1.0])\n{OWN}",
    "a local that shadows an import alias": (
        "import labkit.sim.sampling as s\ndef softmax(xs):\n    s = list(xs)\n    s.sort()\n    return s\n"
    ),
    "a comprehension variable named like a binding": (
        "from labkit.sim import sampling\nx = sampling.softmax\ndef softmax(xs):\n    return [x * 2 for x in xs]\n"
    ),
    "a similar module name": "import labkit.sim.sampling_notes as n\ndef softmax(xs):\n    return n.f(xs)\n",
}


@pytest.mark.parametrize("name", list(HONEST))
def test_honest_code_is_not_flagged(name: str) -> None:
    assert reaches(HONEST[name]) == []


def test_a_def_in_a_cell_magic_counts_as_defined() -> None:
    for magic in ("%%time", "%%capture out"):
        source = SubmittedSource.of_cells([f"{magic}\n{OWN}"])
        assert source.defines("softmax")
        source.require_own("softmax", not_from=[SAMPLING])


def test_a_syntax_error_cell_is_skipped() -> None:
    source = SubmittedSource.of_cells(["def softmax(:\n", OWN, "%%time\nif (:\n"])
    assert source.defines("softmax") and reaches("def softmax(:\n") == []


def test_require_own_explains_each_failure() -> None:
    with pytest.raises(CheckFailed, match="no `def softmax`"):
        SubmittedSource.of_cells(["from labkit.sim.sampling import softmax"]).require_own(
            "softmax", not_from=[SAMPLING]
        )
    with pytest.raises(CheckFailed, match=r"labkit\.sim\.sampling is the simulator's own code"):
        SubmittedSource.of_cells([REACHING["a helper chain"]]).require_own(
            "softmax", not_from=[SAMPLING]
        )
    SubmittedSource.of_cells([OWN]).require_own("softmax", not_from=[SAMPLING])
