"""A lab's whole life on a real JupyterHub, each person acting through their own server.

The instructor releases the lab (`course release`, then the formgrader's release call); each
student fetches it from JupyterLab's assignment list, works it (the solution, half of it,
nothing), saves, validates and submits; bob submits twice. The instructor collects (formgrader),
lists the submissions (`course submissions`), grades (`course grade`) and releases the feedback
(`course feedback`); each student fetches their own. Then scores, ownership and permissions are
checked: no student can read another's work, the instructor's source or the gradebook.
"""

from __future__ import annotations

import html
import json
import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from autograder.course import Course
from autograder.gradebook import grades_for
from tests.autograder.conftest import fixture_notebook
from tests.hub.conftest import ARTIFACTS, COURSE_ID, INSTRUCTOR, STUDENTS, Classroom

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ALICE, BOB, CAROL = STUDENTS
SOLVED = {ALICE: 2, BOB: 1, CAROL: 0}  # exercises each student solves (of two)
AUTOGRADED = {ALICE: 80.0, BOB: 40.0, CAROL: 0.0}  # of 80; the last 20 points are graded by hand
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n?", re.M)


def worked(notebook: dict[str, Any], solved: int) -> dict[str, Any]:
    """The released notebook as a student leaves it after solving the first `solved` exercises:
    their answer is the reference solution without nbgrader's markers."""
    answers = {
        cell.metadata.nbgrader.grade_id: MARKER.sub("", cell.source)
        for cell in fixture_notebook().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    exercises = [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("solution")
    ]
    for cell in exercises[:solved]:
        cell["source"] = answers[cell["metadata"]["nbgrader"]["grade_id"]]
    return notebook


def probe_access(classroom: Classroom, student: str, paths: dict[str, Path]) -> dict[str, str]:
    """What `student` can do with each path, tried from a kernel of their own server."""
    code = (
        "import json, os\n"
        f"paths = {json.dumps({label: str(path) for label, path in paths.items()})}\n"
        "seen = {}\n"
        "for label, path in paths.items():\n"
        "    try:\n"
        "        if os.path.isdir(path):\n"
        "            os.listdir(path)\n"
        "        else:\n"
        "            open(path, 'rb').close()\n"
        "        seen[label] = 'readable'\n"
        "    except PermissionError:\n"
        "        seen[label] = 'denied'\n"
        "print(json.dumps(seen))\n"
    )
    with classroom.servers[student].kernel() as kernel:
        seen: dict[str, str] = json.loads(kernel.execute(code).strip().splitlines()[-1])
    return seen


def test_a_lab_from_release_to_feedback(classroom: Classroom, released: str) -> None:
    lab, timings = released, {"hub and four servers started": classroom.seconds_to_start}
    teacher = classroom.servers[INSTRUCTOR]
    notebook_path = f"{lab}/{lab}.ipynb"
    clock = time.monotonic()

    # -- students: the assignment list shows the lab; fetch, work, save, validate, submit ----
    for student in STUDENTS:
        server = classroom.servers[student]
        listed = server.assignments(COURSE_ID)
        assert [(a["assignment_id"], a["status"]) for a in listed] == [(lab, "released")]
        server.assignment_action("fetch", COURSE_ID, lab)
        assert server.listing(lab) == [f"{lab}.ipynb"]
    # bob hands in the untouched notebook first (he forgot to save), then his real work
    classroom.servers[BOB].assignment_action("submit", COURSE_ID, lab)
    for student in STUDENTS:
        server = classroom.servers[student]
        server.save_notebook(
            notebook_path, worked(server.read_notebook(notebook_path), SOLVED[student])
        )
        validation = server.validate(notebook_path)
        if SOLVED[student] == 2:
            assert not validation.get("failed"), validation
        else:
            assert validation.get("failed"), f"{student}: validate found no failing test"
        server.assignment_action("submit", COURSE_ID, lab)
        statuses = {a["status"] for a in server.assignments(COURSE_ID)}
        assert "submitted" in statuses, statuses
    timings["students fetch, work, validate, submit"] = time.monotonic() - clock

    # -- the exchange keeps every submission, each owned by its author -------------------
    inbound = classroom.exchange / COURSE_ID / "inbound"
    folders = {student: sorted(inbound.glob(f"{student}+{lab}+*")) for student in STUDENTS}
    assert {s: len(f) for s, f in folders.items()} == {ALICE: 1, BOB: 2, CAROL: 1}
    for student, made in folders.items():
        for folder in made:
            assert folder.stat().st_uid == classroom.accounts[student].uid, folder
            assert len(folder.name.split("+")) == 4, "no random part: others could guess it"
    assert stat.S_IMODE(inbound.stat().st_mode) & 0o777 == 0o733  # students can't list it

    # -- instructor: collect (formgrader), list, grade, release feedback ------------------
    clock = time.monotonic()
    collected = teacher.formgrader("POST", f"assignment/{lab}/collect")
    assert collected.get("success"), collected
    listing = classroom.course_command("submissions", lab)
    for student, count in {ALICE: 1, BOB: 2, CAROL: 1}.items():
        assert re.search(rf"^{student}\s+{count}\s.*yes, the latest$", listing, re.M), listing
    assert "missing: unknown" in listing  # no roster was added to this gradebook
    timings["collect and list"] = time.monotonic() - clock

    clock = time.monotonic()
    graded = classroom.course_command("grade", lab)
    timings["course grade (3 students)"] = time.monotonic() - clock
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "grade.txt").write_text(graded)
    course = Course(classroom.course)
    for student, expected in AUTOGRADED.items():
        grades = grades_for(course, lab, student)
        assert grades is not None, f"{student} not graded:\n{graded}"
        assert (grades.auto_score, grades.auto_max) == (expected, 80.0), (student, graded)

    # bob's graded submission is his later one; the earlier is still in the exchange, intact
    early, late = folders[BOB]
    graded_stamp = (classroom.course / "submitted" / BOB / lab / "timestamp.txt").read_text()
    assert graded_stamp.strip() == (late / "timestamp.txt").read_text().strip()
    early_notebook = json.loads((early / f"{lab}.ipynb").read_text())
    assert "raise NotImplementedError" in "".join(
        "".join(cell["source"]) for cell in early_notebook["cells"]
    )

    clock = time.monotonic()
    released_to = classroom.course_command("feedback", lab)
    assert all(student in released_to for student in STUDENTS), released_to
    feedback_store = classroom.exchange / COURSE_ID / "feedback"
    assert stat.S_IMODE(feedback_store.stat().st_mode) == 0o711  # fetch by name only

    # -- students fetch feedback: exactly one page each, their own ------------------------
    pages = {}
    for student in STUDENTS:
        server = classroom.servers[student]
        server.assignment_action("fetch_feedback", COURSE_ID, lab)
        stamps = server.listing(f"{lab}/feedback")
        assert len(stamps) == 1, f"{student}: feedback for {stamps}"
        files = server.listing(f"{lab}/feedback/{stamps[0]}")
        assert files == [f"{lab}.html"], files
        page = server.request(
            "GET", f"api/contents/{lab}/feedback/{stamps[0]}/{lab}.html", params={"format": "text"}
        ).json()["content"]
        pages[student] = html.unescape(re.sub(r"<[^>]+>", "", page))  # the text shown
        home_copy = classroom.accounts[student].home / lab / "feedback" / stamps[0] / f"{lab}.html"
        assert home_copy.stat().st_uid == classroom.accounts[student].uid
    timings["feedback released and fetched"] = time.monotonic() - clock
    assert "sum(xs) / len(xs)" in pages[ALICE]  # alice's own answer to the second exercise
    assert "sum(xs) / len(xs)" not in pages[BOB] and "sum(xs) / len(xs)" not in pages[CAROL]
    assert "return a + b" in pages[BOB] and "return a + b" not in pages[CAROL]
    assert len(set(pages.values())) == 3
    for page in pages.values():
        # no code of the hidden tests (autograder/quicklab_hidden.py)
        assert "mean([2.5, 3.5, 10.0])" not in page and "nb.function(" not in page

    # -- who can read what ----------------------------------------------------------------
    alice_home = classroom.accounts[ALICE].home
    teacher_home = classroom.accounts[INSTRUCTOR].home
    private = {
        "another student's home": alice_home,
        "another student's notebook": alice_home / lab / f"{lab}.ipynb",
        "the exchange's submissions": inbound,
        "the exchange's feedback store": feedback_store,
        "the instructor's home": teacher_home,
        "the instructor's source": classroom.course / "source" / lab / f"{lab}.ipynb",
        "the gradebook": classroom.course / "gradebook.db",
    }
    public = {"the released lab": classroom.exchange / COURSE_ID / "outbound" / lab}
    seen = probe_access(classroom, BOB, {**private, **public})
    assert seen == {**dict.fromkeys(private, "denied"), **dict.fromkeys(public, "readable")}
    for account in classroom.accounts.values():
        assert stat.S_IMODE(account.home.stat().st_mode) == 0o700, account.name
    assert (classroom.course / "gradebook.db").stat().st_uid == classroom.accounts[INSTRUCTOR].uid
    # a student's token opens their own server only
    foreign = requests.get(
        f"{classroom.hub.url}/user/{ALICE}/api/contents",
        headers={"Authorization": f"token {classroom.servers[BOB].token}"},
        allow_redirects=False,
        timeout=60,
    )
    assert foreign.status_code == 403, (foreign.status_code, foreign.text[:300])

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=1) + "\n")
    print(json.dumps(timings, indent=1))
