"""`course new LAB`: a working template lab with one part of every kind, ready to edit.

It writes source/<LAB>/<LAB>.lab.md (the text source), its paired notebook, and
hidden/<LAB>.py (the grader-side tests), from autograder/templates/newlab/. The template passes
`course check` as it is: an instructor changes it step by step and checks after each step.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder import labsource
from autograder.course import Course, CourseError
from autograder.grader.registry import HIDDEN_FOLDER, path_for

TEMPLATES = Path(__file__).resolve().parent / "templates" / "newlab"
LAB_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def new_lab(course: Course, lab: str, title: str | None = None) -> list[Path]:
    """Create the lab's three files; refuse to overwrite anything."""
    if not LAB_NAME.match(lab):
        raise CourseError(
            f"{lab!r}: a lab name is lower-case letters, digits and '-' (e.g. lab5-release-gate)"
        )
    folder, hidden = course.source / lab, path_for(course.root, lab)
    for existing in (folder, hidden):
        if existing.exists():
            raise CourseError(f"{existing}: already exists; choose another name or remove it")
    heading = title or lab.replace("-", " ").capitalize()
    text = (TEMPLATES / "lab.lab.md").read_text(encoding="utf-8")
    text = text.replace("__TITLE__", heading).replace("__LAB__", lab)
    tests = (TEMPLATES / "hidden.py").read_text(encoding="utf-8").replace("__LAB__", lab)
    folder.mkdir(parents=True)
    files = labsource.LabFiles(folder, lab)
    files.text.write_text(text, encoding="utf-8")
    labsource.sync(files, "text")
    (course.root / HIDDEN_FOLDER).mkdir(exist_ok=True)
    hidden.write_text(tests, encoding="utf-8")
    return [files.text, files.notebook, hidden]
