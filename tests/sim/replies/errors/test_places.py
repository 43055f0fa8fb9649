"""places.py: where an error happened, said as a person says it, and whose library it is."""

import dataclasses

import pytest

from labkit.sim.replies import errors


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
