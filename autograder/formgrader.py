"""nbgrader's formgrader on the instructor's own machine, for hand grading without a JupyterHub.

    course formgrader [--port N]   JupyterLab on 127.0.0.1 with the formgrader; Ctrl-C stops it

The formgrader is a server extension of JupyterLab that reads nbgrader_config.py from the
folder the server runs in, so the server runs in the course folder with the environment of the
`course` commands (Course.nbgrader_env: the gradebook URL the course's config reads).

It is a private server: bound to loopback, behind a fresh random token, and it never calls out
(no news feed, no update check, no PyPI extension manager). The token reaches the server in its
environment, not on its command line, where any user of a shared machine could read it; and the
settings that keep the server private are given on the command line, which outranks any Jupyter
config file the instructor has. A config file can still turn the token off, so a server that
answers without the token is refused.

Nothing is left running: stop() ends the server and the kernels it started, a server that does
not start is stopped before the error is raised, and on Linux the server also ends when the
`course` process that started it is killed outright.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import BinaryIO

import psutil

from autograder.course import Course, CourseError, error_line

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0  # for JupyterLab to shut its kernels down after SIGTERM
LOG_LINES = 20  # of the server's log, in the error of a server that did not start
# What starts each line of Jupyter's log: "[C 2026-12-04 18:15:16.968 ServerApp] "
LOG_PREFIX = re.compile(r"^\[\w [\d-]+ [\d:.]+ \w+\]\s*")
# Settings that keep the server private and offline. The news feed, the update check and the
# PyPI extension manager are JupyterLab's calls out; with these off, strace saw no connection
# but loopback while JupyterLab started and served /lab and the formgrader's pages.
PRIVATE_SETTINGS = [
    "--no-browser",
    f"--ServerApp.ip={HOST}",
    "--ServerApp.port_retries=0",  # the port asked for, or a clear failure
    "--ServerApp.allow_remote_access=False",
    "--ServerApp.disable_check_xsrf=False",  # the formgrader's forms send XSRF tokens
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]


@dataclass
class FormgraderServer:
    """A running JupyterLab serving the formgrader of one course; a context manager that stops
    it on exit."""

    course: Course
    port: int
    token: str
    process: subprocess.Popen[bytes]
    log: BinaryIO  # the server's output, in a file already deleted: nothing to clean up, ever
    _stopped: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The formgrader's first page, with the token that logs the browser in."""
        return f"{self.base_url}/formgrader?token={self.token}"

    def log_tail(self, lines: int = LOG_LINES) -> str:
        try:
            self.log.seek(0)
            text = self.log.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):  # ValueError: closed by stop()
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def wait(self) -> int:
        """Wait until the server exits (Ctrl-C, or a crash); its exit code."""
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server and everything it started (kernels run in sessions of their own, so
        they are found by ancestry, not by process group). Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        try:
            descendants = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:  # already gone
            descendants = []
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for child in descendants:
            with contextlib.suppress(psutil.Error):
                child.kill()
        psutil.wait_procs(descendants, timeout=5)
        self.log.close()

    def __enter__(self) -> FormgraderServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def free_port() -> int:
    """A port nobody listens on now (the OS's choice); the server binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


# The server runs in a session of its own, so a `course` process killed outright (SIGKILL, the
# OOM killer) would leave it running. On Linux the kernel sends it SIGTERM when its parent
# thread dies (prctl PR_SET_PDEATHSIG survives the exec into JupyterLab); a parent that died
# before that is caught by the pid check. Call start() from a thread that outlives the server.
ORPHAN_GUARD = (
    "import ctypes, os, signal, sys; "
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM); "
    "os.getppid() == int(sys.argv[1]) or sys.exit('the formgrader was orphaned'); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])"
)


def command(course: Course, port: int) -> list[str]:
    """The JupyterLab command line of the formgrader server (the token is not on it)."""
    args = [
        sys.executable,
        "-m",
        "jupyterlab",
        *PRIVATE_SETTINGS,
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={course.root}",
    ]
    if os.geteuid() == 0:  # in a container the instructor is often root; Jupyter refuses it
        args.append("--ServerApp.allow_root=True")
    if sys.platform == "linux":
        args[1:1] = ["-c", ORPHAN_GUARD, str(os.getpid())]
    return args


def _status(url: str, token: str | None) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def _ready(server: FormgraderServer, timeout: float) -> None:
    """Return once the formgrader answers, else stop the server and raise why not."""

    def fail(why: str) -> CourseError:
        tail = server.log_tail()
        server.stop()
        return CourseError(
            f"the formgrader for {server.course.root} did not start: {why}; "
            f"the last lines of its log:\n{tail}"
        )

    deadline = time.monotonic() + timeout
    while _status(f"{server.base_url}/api/status", server.token) != 200:
        code = server.process.poll()
        if code is not None:
            reason = LOG_PREFIX.sub("", error_line(server.log_tail(), "no reason logged"))
            raise fail(f"JupyterLab exited with code {code} ({reason})")
        if time.monotonic() > deadline:
            raise fail(f"JupyterLab did not answer on port {server.port} within {timeout:g} s")
        time.sleep(0.25)
    if _status(f"{server.base_url}/formgrader/api/status", server.token) != 200:
        raise fail("JupyterLab runs but nbgrader's formgrader extension is not loaded")
    if _status(f"{server.base_url}/api/status", None) == 200:
        raise fail(
            "it answers without its token (a Jupyter config file sets an empty token or "
            "turns authentication off); remove that setting"
        )


def start(course: Course, port: int = 0, timeout: float = START_TIMEOUT_S) -> FormgraderServer:
    """Start the formgrader of `course` on 127.0.0.1:`port` (0: a free port) and return once it
    answers; raises CourseError, with nothing left running, when it does not."""
    # The formgrader logs a broken nbgrader_config.py and runs on without it (on nbgrader's
    # defaults, another gradebook included), so it is checked here first, as every command does.
    course.setting("CourseDirectory", "root", None)
    course.check_gradebook()
    port = port or free_port()
    token = secrets.token_urlsafe(32)
    env = {**course.nbgrader_env(), "JUPYTER_TOKEN": token}
    env.pop("JUPYTER_TOKEN_FILE", None)
    # The log is deleted at once (POSIX): the server writes to it and this process reads it by
    # their open files, so a `course` killed outright leaves no file behind. FormgraderServer
    # closes it.
    log = tempfile.TemporaryFile(prefix="formgrader-", suffix=".log")  # noqa: SIM115
    try:
        process = subprocess.Popen(
            command(course, port),
            cwd=course.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches `course`, which stops it in order
        )
    except OSError as error:
        log.close()
        raise CourseError(f"cannot start JupyterLab for the formgrader: {error}") from None
    server = FormgraderServer(course, port, token, process, log)
    try:
        _ready(server, timeout)
    except BaseException:
        server.stop()  # Ctrl-C while waiting, too
        raise
    return server


class _Stop(Exception):
    """SIGTERM or SIGHUP to `course formgrader`: stop the server as Ctrl-C does."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def serve(course: Course, port: int = 0) -> int:
    """`course formgrader`: run the formgrader until Ctrl-C (or SIGTERM), then stop it."""
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in handled}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    try:
        with start(course, port) as server:
            print(f"Formgrader for {course.root}: {server.url}  (Ctrl-C stops it)", flush=True)
            try:
                code = server.wait()
            except (KeyboardInterrupt, _Stop):
                for sig in handled:  # a second Ctrl-C while it stops would leave it running
                    signal.signal(sig, signal.SIG_IGN)
                return 0
            raise CourseError(
                f"the formgrader stopped by itself (exit code {code}); the last lines of its "
                f"log:\n{server.log_tail()}"
            )
    except (KeyboardInterrupt, _Stop):  # while it was starting: start() has stopped it
        return 0
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: a handler not set from Python, left as it is
                signal.signal(sig, handler)
