"""pasted.py: which frames of a traceback are the user's own code."""

import pytest

from labkit.sim.replies import errors


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
