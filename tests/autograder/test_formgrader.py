"""Hand grading in nbgrader's formgrader started by `course formgrader`, in a real browser.

An instructor without a JupyterHub opens the URL the command prints in Debian's headless
Chromium (Playwright), goes from Manual Grading to the lab, its notebook and one student's
submission, and types a score and a comment into the written answer's fields; the formgrader
saves each when its field loses focus. The gradebook must then hold both, and `course export`
must count the hand score and no longer call that student's hand grading pending. A failing run
keeps a screenshot in _build/test-artifacts/formgrader/.

This folder has no __init__.py on purpose: a package named tests.browser would hide the shared
browser settings in tests/browser.py from every other browser test.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import Page, Response, Route, expect, sync_playwright

from autograder import formgrader, submissions
from autograder.course import REPO_ROOT, Course, CourseError
from autograder.exporting import export
from autograder.grading import grade
from autograder.quicklab import LAB, make_course
from tests.browser import VIEWPORT, chromium_options, screenshot_on_failure

ARTIFACTS = REPO_ROOT / "_build" / "test-artifacts" / "formgrader"
SCREENSHOT = ARTIFACTS / "formgrader-failure.png"
TASK = "reflection"  # the fixture lab's hand-graded answer, 20 points
HAND_SCORE = 15.0
COMMENT = "Right about variance; say why one run cannot show it."


def exported(course: Course) -> dict[str, dict[str, str]]:
    """`course export`'s nbgrader CSV, by student."""
    with export(course, "nbgrader").path.open(newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def alive(pid: int) -> bool:
    with contextlib.suppress(psutil.Error):
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    return False


@pytest.fixture
def jupyter_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the server's settings, workspaces and runtime files out of the developer's home."""
    for name, folder in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ):
        monkeypatch.setenv(name, str(tmp_path / "jupyter" / folder))


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Temporary files in a folder of the test's own, which must be empty at the end (not for
    Chromium: its socket paths would be too long)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # for the processes the test starts
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # for this one
    yield
    assert not list(temporary.iterdir()), "temporary files left behind"


def children() -> set[int]:
    """The processes this test process has started and not yet reaped, at any depth."""
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.fixture
def graded(tmp_path: Path) -> Course:
    """ada hands in the solution and grace half of it; both wait for hand grading."""
    course = make_course(tmp_path / "course")
    course.release_lab(LAB)
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    submissions.write(course, LAB, "grace", submissions.partial(course, LAB))
    grade(course, LAB, progress=False)
    return course


@pytest.fixture
def server(graded: Course, jupyter_home: None) -> Iterator[formgrader.FormgraderServer]:
    with formgrader.start(graded) as server:
        pid = server.process.pid
        yield server
    assert not alive(pid), "the formgrader server outlived stop()"


@pytest.fixture
def page() -> Iterator[Page]:
    options = chromium_options()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        context.route("**/*", _loopback_only)
        try:
            yield context.new_page()
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_score_and_a_comment_typed_in_the_browser_reach_the_export(
    graded: Course, server: formgrader.FormgraderServer, page: Page
) -> None:
    before = exported(graded)
    assert before["ada"]["hand_grading_pending"] == "yes"
    with screenshot_on_failure(page, SCREENSHOT):
        grade_by_hand(page, server)

    with Gradebook(graded.gradebook_url) as gradebook:
        grade_cell = gradebook.find_grade(TASK, LAB, LAB, "ada")
        comment = gradebook.find_comment(TASK, LAB, LAB, "ada")
        assert grade_cell.manual_score == HAND_SCORE
        assert not grade_cell.needs_manual_grade
        assert comment.manual_comment == COMMENT
        untouched = gradebook.find_grade(TASK, LAB, LAB, "grace")
        assert untouched.manual_score is None and untouched.needs_manual_grade

    after = exported(graded)
    assert float(after["ada"]["score"]) == float(before["ada"]["score"]) + HAND_SCORE
    assert after["ada"]["hand_grading_pending"] != "yes"
    assert after["grace"]["hand_grading_pending"] == "yes"


def _loopback_only(route: Route) -> None:
    """The formgrader's pages name MathJax on a CDN; the test stays offline and deterministic."""
    if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def grade_by_hand(page: Page, server: formgrader.FormgraderServer) -> None:
    """What an instructor does: Manual Grading, the lab, its notebook, ada's submission; a score and
    a comment for the written answer, each saved when its field loses focus."""
    page.goto(server.url)  # the token logs the browser in; the formgrader opens on its first page
    page.get_by_role("link", name="Manual Grading").click()
    page.get_by_role("link", name=LAB, exact=True).click()  # the lab
    page.get_by_role("link", name=LAB, exact=True).click()  # its one notebook
    expect(page.get_by_role("link", name="Submission #2")).to_be_visible()  # ada and grace
    page.get_by_role("button", name="Show All Names").click()  # hidden at first: blind grading
    page.get_by_role("link", name="ada", exact=True).click()

    score = page.locator(f"input.score#{TASK}")
    expect(score).to_be_visible()
    # The page's script binds each field to its grade once it has fetched them; typed earlier,
    # a score is overwritten with the stored (empty) one and never saved.
    page.wait_for_function("formgrader.grades?.loaded && formgrader.comments?.loaded")
    for field, value, api in (
        (score, f"{HAND_SCORE:g}", "/formgrader/api/grade/"),
        (page.locator(f"textarea.comment#{TASK}-comment"), COMMENT, "/formgrader/api/comment/"),
    ):
        with page.expect_response(functools.partial(_is_save, api=api)) as saved:
            field.fill(value)
            field.blur()
        assert saved.value.status == 200, f"the formgrader did not save {value!r}: {saved.value}"


def _is_save(response: Response, api: str) -> bool:
    return response.request.method == "PUT" and api in response.url


# -- a server that cannot start ------------------------------------------------------------------
def test_a_course_config_that_raises_is_one_clear_error(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    before = children()
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nraise ValueError('a typo in the config')\n")
    with pytest.raises(CourseError) as refused:
        formgrader.start(course)
    message = str(refused.value)
    assert message.splitlines() == [message]
    assert "nbgrader_config.py" in message and "a typo in the config" in message
    assert children() == before


@pytest.mark.slow
def test_a_port_in_use_is_one_clear_error_and_leaves_nothing_running(
    tmp_path: Path, jupyter_home: None, own_tmp: None
) -> None:
    course = make_course(tmp_path / "course")
    before = children()
    with socket.socket() as taken:
        taken.bind((formgrader.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CourseError) as refused:
            formgrader.start(course, port)
    first_line, _, log = str(refused.value).partition("\n")
    assert "did not start" in first_line and f"port {port} is not available" in first_line
    assert "ServerApp" in log  # the last lines of JupyterLab's log follow
    assert children() == before


@pytest.mark.slow
def test_a_server_that_answers_without_its_token_is_refused(
    tmp_path: Path, jupyter_home: None, own_tmp: None
) -> None:
    course = make_course(tmp_path / "course")
    config = Path(os.environ["JUPYTER_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "jupyter_server_config.py").write_text('c.IdentityProvider.token = ""\n')
    before = children()
    with pytest.raises(CourseError, match="answers without its token"):
        formgrader.start(course)
    assert children() == before


@pytest.mark.slow
def test_stop_ends_the_kernels_the_server_started(
    tmp_path: Path, jupyter_home: None, own_tmp: None
) -> None:
    course = make_course(tmp_path / "course")
    before = children()
    with formgrader.start(course) as server:
        request = urllib.request.Request(
            f"{server.base_url}/api/kernels",
            data=b"{}",
            method="POST",
            headers={"Authorization": f"token {server.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 201
        started = psutil.Process(server.process.pid).children(recursive=True)
        assert started, "no kernel process"
    assert children() == before
    assert not any(alive(p.pid) for p in started)


# -- `course formgrader` -------------------------------------------------------------------------
def ctrl_c_reaches_it() -> None:
    """A test run as a shell's background job (`make test &`, nohup) ignores SIGINT, and so
    would the `course` it starts, as Unix wants for background jobs; Ctrl-C in a terminal
    reaches a foreground `course formgrader`, which is what the test stands for."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


SERVE = """
import sys
from autograder.course import Course
from autograder.formgrader import serve
sys.exit(serve(Course.locate(sys.argv[1])))
"""


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_course_formgrader_prints_its_url_and_leaves_nothing_running(
    tmp_path: Path, jupyter_home: None, own_tmp: None, stop: signal.Signals
) -> None:
    """Ctrl-C stops the server in order; a `course` killed outright takes its server along."""
    course = make_course(tmp_path / "course")
    command = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(course.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        assert command.stdout is not None
        line = command.stdout.readline()
        match = re.fullmatch(
            rf"Formgrader for {re.escape(str(course.root))}: (http://127\.0\.0\.1:\d+/formgrader"
            r"\?token=[\w-]{20,})  \(Ctrl-C stops it\)\n",
            line,
        )
        assert match, f"`course formgrader` printed {line!r}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(match[1], timeout=10) as page:  # the token's login cookie, kept
            assert page.status == 200 and "Manage Assignments" in page.read().decode()
        server = psutil.Process(command.pid).children(recursive=True)
        assert server
        command.send_signal(stop)
        code = command.wait(30)
        _, running = psutil.wait_procs(server, timeout=30)
        assert not running, f"left running: {running}"
        if stop == signal.SIGINT:
            assert code == 0
            assert command.stdout.read() == ""  # nothing more: no traceback
    finally:  # on a failure, too: SIGTERM makes serve() stop its server
        if command.poll() is None:
            command.terminate()
            try:
                command.wait(30)
            except subprocess.TimeoutExpired:
                command.kill()
                command.wait()
