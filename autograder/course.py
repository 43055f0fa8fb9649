"""The course folder (labs/) and the nbgrader commands run on it.

nbgrader is run as a subprocess from the course folder, with this virtualenv's bin/ first on PATH:
on first use nbgrader calls the `alembic` command to create the gradebook, and without it the
gradebook is left half-initialised (measured; see the project's toolchain notes).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO_ROOT / "labs"


class CourseError(Exception):
    """A problem the instructor must fix; printed as one line, exit code 2."""


@dataclass(frozen=True)
class Course:
    root: Path
    db_url: str | None = None  # None: the SQLite gradebook in the course folder

    @classmethod
    def locate(cls, root: str | Path | None = None, db_url: str | None = None) -> Course:
        folder = Path(root or os.environ.get("COURSE_ROOT") or DEFAULT_ROOT).resolve()
        if not (folder / "nbgrader_config.py").exists():
            raise CourseError(f"{folder}: not a course folder (no nbgrader_config.py)")
        return cls(folder, db_url or os.environ.get("COURSE_DB_URL") or None)

    # -- folders -------------------------------------------------------------------------
    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook_url(self) -> str:
        return self.db_url or f"sqlite:///{self.root / 'gradebook.db'}"

    def labs(self) -> list[str]:
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir() if (p / f"{p.name}.ipynb").is_file())

    def require_labs(self, names: list[str] | None) -> list[str]:
        known = self.labs()
        if not names:
            if not known:
                raise CourseError(
                    f"{self.source}: no labs found (expected source/<lab>/<lab>.ipynb)"
                )
            return known
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CourseError(
                f"unknown lab {unknown[0]!r}; the labs are: {', '.join(known) or 'none'}"
            )
        return names

    def notebook(self, lab: str, kind: str = "source", student: str | None = None) -> Path:
        folder: Path = getattr(self, kind)
        if student is not None:
            folder = folder / student
        return folder / lab / f"{lab}.ipynb"

    def students_with_submissions(self, lab: str) -> list[str]:
        if not self.submitted.is_dir():
            return []
        return sorted(p.name for p in self.submitted.iterdir() if (p / lab).is_dir())

    def release_lab(self, lab: str) -> Path:
        """Generate the student version of a lab (and register it in the gradebook)."""
        process = self.nbgrader("generate_assignment", lab, "--force")
        if process.returncode != 0:
            raise CourseError(f"{lab}: generate_assignment failed: {last_error_line(process)}")
        return self.notebook(lab, "release")

    def copy_to(self, folder: Path, labs: list[str] | None = None) -> Course:
        """A fresh course in `folder` with this course's config and the sources of `labs`."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.root / "nbgrader_config.py", folder / "nbgrader_config.py")
        for lab in self.require_labs(labs):
            shutil.copytree(self.source / lab, folder / "source" / lab)
        return Course(folder)

    # -- the gradebook -------------------------------------------------------------------
    def check_gradebook(self) -> None:
        """Refuse a half-initialised SQLite gradebook before nbgrader misbehaves on it."""
        if self.db_url:
            return
        path = self.root / "gradebook.db"
        if not path.exists():
            return
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                tables = {
                    row[0]
                    for row in db.execute("select name from sqlite_master where type='table'")
                }
        except sqlite3.DatabaseError as error:
            raise CourseError(
                f"{path}: not a readable gradebook ({error}); move it aside"
            ) from None
        if "alembic_version" not in tables or "assignment" not in tables:
            raise CourseError(
                f"{path}: the gradebook is half-initialised (tables missing: nbgrader ran without "
                "`alembic` on PATH); move it aside and run `course release` again"
            )

    # -- nbgrader ------------------------------------------------------------------------
    def nbgrader(
        self, *args: str, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `nbgrader ARGS` in the course folder; never raises for nbgrader's own failures."""
        bin_dir = str(Path(sys.executable).parent)
        env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        env.pop("ANTHROPIC_API_KEY", None)  # grading never needs it, and no notebook may see it
        env.pop("LABKIT_BACKEND", None)
        env["COURSE_DB_URL"] = self.gradebook_url
        env.setdefault("PYTHONWARNINGS", "ignore")
        command = [str(Path(bin_dir) / "nbgrader"), *args]
        try:
            return subprocess.run(
                command,
                cwd=self.root,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as expired:
            return subprocess.CompletedProcess(
                command, 124, "", f"nbgrader timed out after {expired.timeout} s"
            )


def last_error_line(process: subprocess.CompletedProcess[str]) -> str:
    """The most useful line of nbgrader's log: the last ERROR or exception line."""
    lines = [
        line.strip() for line in (process.stderr + process.stdout).splitlines() if line.strip()
    ]
    for line in reversed(lines):
        if "ERROR" in line or "Error" in line or "Exception" in line:
            return line[:300]
    return lines[-1][:300] if lines else f"exit code {process.returncode}"
