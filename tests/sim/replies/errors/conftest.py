"""The reply bank and the knowledge file, loaded once per test module."""

import pytest

from labkit.sim.replies import Replier, errors
from tests.sim.replies.errors.samples import ERRORS_TOML


@pytest.fixture(scope="module")
def replier():
    return Replier()


@pytest.fixture(scope="module")
def knowledge():
    return errors.load_knowledge(ERRORS_TOML)
