"""One student's JupyterLab on the hub, in a real browser (Debian's headless Chromium, Playwright).

The student logs in on the hub's login page, follows a launch link of the kind the book's
JupyterHub launch button makes (nbgitpuller pulls a repository, then JupyterLab opens a notebook
from it), and opens nbgrader's assignment list from the Nbgrader menu, which must show the
released lab. A failing run keeps a screenshot in _build/test-artifacts/hub/.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser import VIEWPORT, chromium_options, screenshot_on_failure
from tests.hub.conftest import ARTIFACTS, STUDENTS, Classroom

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

STUDENT = STUDENTS[-1]
SCREENSHOT = ARTIFACTS / "student-jupyterlab-failure.png"


def launch_repository(classroom: Classroom) -> Path:
    """A small git repository for the launch link to pull, owned by the student (git refuses to
    read repositories of other users)."""
    repo = classroom.root / "launch" / "course-book"
    (repo / "book").mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_markdown_cell("# Welcome to the course")]
    nbformat.write(notebook, repo / "book" / "welcome.ipynb")
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@localhost"]
    for step in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "book"]):
        subprocess.run([*git, "-C", str(repo), *step], check=True, capture_output=True)
    account = classroom.accounts[STUDENT]
    for folder, _, files in os.walk(repo.parent):
        os.chown(folder, account.uid, account.gid)
        for name in files:
            os.chown(os.path.join(folder, name), account.uid, account.gid)
    return repo


@pytest.fixture
def page(classroom: Classroom) -> Iterator[Page]:
    options = chromium_options()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


def test_a_student_opens_jupyterlab_and_sees_the_lab(
    classroom: Classroom, released: str, page: Page
) -> None:
    repo = launch_repository(classroom)
    with screenshot_on_failure(page, SCREENSHOT):
        student_session(page, classroom, repo, released)


def student_session(page: Page, classroom: Classroom, repo: Path, lab: str) -> None:
    hub = classroom.hub.url
    page.goto(f"{hub}/hub/login")
    page.fill("#username_input", STUDENT)
    page.fill("#password_input", classroom.hub.password)
    page.click("#login_submit")
    page.wait_for_url(f"{hub}/user/{STUDENT}/**")

    # The book's launch button: the hub sends the student to their server's git-pull page,
    # nbgitpuller clones the repository into their home and JupyterLab opens the notebook.
    launch = urlencode(
        {
            "repo": f"file://{repo}",
            "branch": "main",
            "urlpath": f"lab/tree/{repo.name}/book/welcome.ipynb",
        }
    )
    page.goto(f"{hub}/hub/user-redirect/git-pull?{launch}")
    page.wait_for_url(f"**/user/{STUDENT}/lab/tree/{repo.name}/book/welcome.ipynb*")
    expect(page.locator(".jp-LabShell")).to_be_visible()
    expect(page.locator(".jp-MarkdownOutput", has_text="Welcome to the course")).to_be_visible()
    cloned = classroom.accounts[STUDENT].home / repo.name / "book" / "welcome.ipynb"
    assert cloned.stat().st_uid == classroom.accounts[STUDENT].uid

    # nbgrader's assignment list, from the menu a student uses
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    lists = page.locator(
        "#released_assignments_list, #fetched_assignments_list, #submitted_assignments_list"
    )
    expect(lists.filter(has_text=lab).first).to_be_visible()
