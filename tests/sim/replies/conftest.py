"""The replier every reply test talks to, shared so that each module does not build its own."""

import pytest

from labkit.sim.replies import Replier


# Module scope: loading the bank is slow, and a fresh replier per module keeps modules independent.
@pytest.fixture(scope="module")
def replier() -> Replier:
    return Replier()
