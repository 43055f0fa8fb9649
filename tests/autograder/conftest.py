"""A tiny lab that grades in seconds, in a throw-away course folder built for each test; a real
PostgreSQL server for the gradebook tests; and a reader of the gradebook's grade rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from autograder.course import Course
from autograder.quicklab import LAB, make_course
from autograder.quicklab import notebook as fixture_notebook
from tests import postgres

__all__ = ["LAB", "fixture_notebook", "grade_rows"]


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return make_course(tmp_path / "course")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    """One server for the session; each test takes a database of its own (`postgres_url`)."""
    if postgres.server_bin() is None:
        message = "PostgreSQL server binaries not found (Debian: apt-get install postgresql)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; .ci/run installs them, so in CI this is an error")
        pytest.skip(message)
    server = postgres.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: postgres.Server) -> str:
    return postgres_server.create_database()


def grade_rows(url: str) -> list[tuple[str, str, float | None]]:
    """Every (student, cell, autograded score) row of the gradebook, duplicates included."""
    engine = create_engine(url)
    query = text(
        "select sa.student_id, bc.name, g.auto_score from grade g"
        " join submitted_notebook sn on g.notebook_id = sn.id"
        " join submitted_assignment sa on sn.assignment_id = sa.id"
        " join base_cell bc on g.cell_id = bc.id"
        " order by sa.student_id, bc.name"
    )
    try:
        with engine.connect() as connection:
            return [(str(s), str(c), a) for s, c, a in connection.execute(query)]
    finally:
        engine.dispose()
