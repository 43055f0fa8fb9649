"""The knowledge file, loaded once per test module (the replier comes from the parent conftest)."""

import pytest

from labkit.sim.replies import errors
from tests.sim.replies.errors.samples import ERRORS_TOML


@pytest.fixture(scope="module")
def knowledge():
    return errors.load_knowledge(ERRORS_TOML)
