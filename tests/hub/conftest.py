"""A class on a real JupyterHub: an instructor and three students with unix accounts of their own.

The session fixture creates the accounts (homes in a temporary folder), the exchange, the
instructor's course folder (the tiny fixture lab of tests/autograder), starts the hub and every
user's server, and removes all of it at the end, also after a failure. Without root, useradd or
the proxy the tests skip with the reason; in CI (CI=true) they fail instead, so that a missing
install step cannot pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.quicklab import LAB, make_course
from tests.hub import hubctl

INSTRUCTOR = "hubt-teacher"
STUDENTS = ["hubt-alice", "hubt-bob", "hubt-carol"]
COURSE_ID = "ai-literacy"
# Kept after every run: the hub's log, `course grade`'s table, the phases' timings, and the browser
# check's screenshot when it fails.
ARTIFACTS = hubctl.REPO / "_build" / "test-artifacts" / "hub"


@dataclass
class Classroom:
    hub: hubctl.Hub
    root: Path
    exchange: Path
    accounts: dict[str, hubctl.UnixUser]
    servers: dict[str, hubctl.UserServer]
    seconds_to_start: float

    @property
    def course(self) -> Path:
        """The instructor's course folder (~/course), as the instructor's shell sees it."""
        return self.accounts[INSTRUCTOR].home / "course"

    def course_command(self, *args: str, timeout: float = 300) -> str:
        """`course --course ~/course ARGS`, run by the instructor in a kernel of their server."""
        with self.servers[INSTRUCTOR].kernel() as kernel:
            done = kernel.run(
                str(hubctl.VENV_BIN / "course"), "--quiet", "--course", str(self.course), *args,
                timeout=timeout,
            )  # fmt: skip
        assert done.returncode == 0, f"course {' '.join(args)}: {done.stderr}{done.stdout}"
        return done.stdout


def _chown_tree(path: Path, user: hubctl.UnixUser) -> None:
    for folder, _, files in os.walk(path):
        os.chown(folder, user.uid, user.gid)
        for name in files:
            os.chown(os.path.join(folder, name), user.uid, user.gid)


def _set_up_course(instructor: hubctl.UnixUser) -> None:
    """~/course with the course's nbgrader_config.py and one lab (with its grader-side hidden
    tests); ~/.jupyter/nbgrader_config.py
    from the deployment, so the formgrader uses the course's settings."""
    course = instructor.home / "course"
    make_course(course)  # the lab's source, its hidden tests (hidden/) and the course config
    (instructor.home / ".jupyter").mkdir()
    shutil.copy(
        hubctl.DEPLOY / "instructor_nbgrader_config.py",
        instructor.home / ".jupyter" / "nbgrader_config.py",
    )
    _chown_tree(instructor.home, instructor)


def _set_up_exchange(root: Path, instructor: hubctl.UnixUser) -> Path:
    """As the deployment does: a world-writable, sticky exchange root, and the course's folder
    in it created for the instructor, so that no student can take the course's name first."""
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    (exchange / COURSE_ID).mkdir(mode=0o755)
    os.chown(exchange / COURSE_ID, instructor.uid, instructor.gid)
    return exchange


@pytest.fixture(scope="session")
def classroom() -> Iterator[Classroom]:
    reason = hubctl.prerequisites()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the JupyterHub test must run in CI: {reason}")
        pytest.skip(reason)
    hubctl.remove_stale_users()
    root = Path(tempfile.mkdtemp(prefix="course-hub-"))
    root.chmod(0o755)
    # Every server runs this repository's virtualenv, and its interpreter may live in a private
    # home (pyenv in /root): others get search permission (o+x) on the way there for the run.
    restore = [
        change
        for path in (hubctl.REPO, hubctl.VENV_BIN, Path(os.path.realpath(sys.executable)).parent)
        for change in hubctl.open_for_others(path)
    ]
    accounts: dict[str, hubctl.UnixUser] = {}
    hub: hubctl.Hub | None = None
    try:
        for name in [INSTRUCTOR, *STUDENTS]:
            accounts[name] = hubctl.add_user(name, root / "home" / name)
        _set_up_course(accounts[INSTRUCTOR])
        exchange = _set_up_exchange(root, accounts[INSTRUCTOR])
        hub = hubctl.Hub(root / "hub", list(accounts), [INSTRUCTOR], exchange)
        started = time.monotonic()
        hub.start()
        servers = hub.start_servers(list(accounts))
        yield Classroom(hub, root, exchange, accounts, servers, time.monotonic() - started)
    finally:
        if hub is not None:
            hub.stop()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            if hub.log.exists():
                shutil.copy(hub.log, ARTIFACTS / "jupyterhub.log")
        hubctl.end_processes_of({account.uid for account in accounts.values()})
        for name in accounts:
            hubctl.remove_user(name)
        for folder, mode in reversed(restore):
            folder.chmod(mode)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def released(classroom: Classroom) -> str:
    """The instructor generates the lab (`course release`) and releases it to the exchange
    with the formgrader's button (its REST call)."""
    classroom.course_command("release", LAB)
    answer = classroom.servers[INSTRUCTOR].formgrader("POST", f"assignment/{LAB}/release")
    assert answer.get("success"), answer
    return LAB
