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
from typing import Any

from autograder.grader.registry import HIDDEN_FOLDER

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO_ROOT / "labs"
# Grading workers write to a SQLite gradebook at the same time; each write is short, so a writer
# waits its turn for up to this long instead of failing with "database is locked" (pysqlite's own
# default wait is 5 s, too short on a loaded machine).
SQLITE_BUSY_TIMEOUT_S = 60


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
        url = db_url or os.environ.get("COURSE_DB_URL") or None
        return cls(folder, normalise_db_url(url) if url else None)

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
        url = self.db_url or f"sqlite:///{self.root / 'gradebook.db'}"
        if url.startswith("sqlite") and "timeout=" not in url:
            url += ("&" if "?" in url else "?") + f"timeout={SQLITE_BUSY_TIMEOUT_S}"
        return url

    @property
    def gradebook_file(self) -> Path | None:
        """The SQLite gradebook's file, or None when the gradebook is a database server."""
        if self.db_url is None:
            return self.root / "gradebook.db"
        return sqlite_file(self.db_url, self.root)

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
        self._ship_one_scenario(lab)
        return self.notebook(lab, "release")

    def _ship_one_scenario(self, lab: str) -> None:
        """A lab with incident data ships the briefs of its scenario only: another term's hints
        and reveal would hand this term's students the method, and next term's the answers."""
        from autograder.scenarios import scenario_of  # it imports this module
        from labkit.incidents import SCENARIOS

        try:
            shipped = scenario_of(self.source / lab)
        except CourseError:  # several scenarios: `course check` reports it, not the release
            return
        briefs = self.release / lab / "briefs"
        if shipped is None or not briefs.is_dir():
            return
        for other in (s for s in SCENARIOS if s != shipped):
            for path in briefs.glob(f"{other}*"):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()

    def setting(self, section: str, name: str, default: Any) -> Any:
        """A value of the course's nbgrader_config.py (`c.<section>.<name>`), or `default`."""
        from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

        loader = PyFileConfigLoader("nbgrader_config.py", path=str(self.root))
        try:
            config = loader.load_config()
        except ConfigFileNotFound:
            return default
        except Exception as error:  # the instructor's file: one line, not a traceback
            raise CourseError(f"{self.root / 'nbgrader_config.py'}: {error}") from None
        return config.get(section, {}).get(name, default)

    def copy_to(self, folder: Path, labs: list[str] | None = None) -> Course:
        """A fresh course in `folder` with this course's config and the sources of `labs`."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.root / "nbgrader_config.py", folder / "nbgrader_config.py")
        for lab in self.require_labs(labs):
            shutil.copytree(self.source / lab, folder / "source" / lab)
            hidden = self.root / HIDDEN_FOLDER / f"{lab}.py"
            if hidden.is_file():  # the lab's grader-side tests (autograder.grader.registry)
                (folder / HIDDEN_FOLDER).mkdir(exist_ok=True)
                shutil.copy(hidden, folder / HIDDEN_FOLDER / hidden.name)
        return Course(folder)

    # -- the gradebook -------------------------------------------------------------------
    def check_gradebook(self) -> None:
        """Refuse a half-initialised SQLite gradebook, or a database server that does not answer,
        before nbgrader misbehaves on it."""
        path = self.gradebook_file
        if path is None:
            assert self.db_url is not None
            check_database(self.db_url)
            return
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
    def nbgrader_env(self) -> dict[str, str]:
        """The environment of every nbgrader process (and so of every grading kernel)."""
        bin_dir = str(Path(sys.executable).parent)
        env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        env.pop("ANTHROPIC_API_KEY", None)  # grading never needs it, and no notebook may see it
        env.pop("LABKIT_BACKEND", None)
        env["COURSE_DB_URL"] = self.gradebook_url
        env.setdefault("PYTHONWARNINGS", "ignore")
        return env

    def nbgrader(
        self, *args: str, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `nbgrader ARGS` in the course folder; never raises for nbgrader's own failures."""
        command = [str(Path(sys.executable).parent / "nbgrader"), *args]
        try:
            return subprocess.run(
                command,
                cwd=self.root,
                env=self.nbgrader_env(),
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
    return error_line(process.stderr + process.stdout, f"exit code {process.returncode}")


def error_line(log: str, fallback: str) -> str:
    """The last ERROR or exception line of a log, else its last line, else `fallback`."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if "ERROR" in line or "Error" in line or "Exception" in line:
            return line[:300]
    return lines[-1][:300] if lines else fallback


# -- database servers ------------------------------------------------------------------------
def normalise_db_url(url: str) -> str:
    """Name the PostgreSQL driver this package installs (psycopg2): SQLAlchemy 2.1 would pick
    psycopg 3 for a bare `postgresql://`, which is not installed."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url[len(bare) :]
    return url


def sqlite_file(url: str, folder: Path) -> Path | None:
    """The file of a SQLite URL (sqlite:///relative, to `folder` where nbgrader runs, or
    sqlite:////absolute), else None."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return folder / database if database and database != ":memory:" else None


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def check_database(url: str) -> None:
    """One clear line when the gradebook URL is malformed, its driver missing, or no server
    answers, instead of a traceback from deep inside nbgrader."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    shown = shown_url(url)
    # A server that does not answer must fail in seconds, not hang the instructor's terminal.
    connect_args = {"connect_timeout": 10} if url.startswith("postgresql+psycopg2") else {}
    try:
        engine = create_engine(url, connect_args=connect_args)
    except ArgumentError as error:
        raise CourseError(f"{shown}: not a database URL ({error})") from None
    except ModuleNotFoundError as error:
        raise CourseError(
            f"{shown}: the database driver {error.name!r} is not installed "
            "(PostgreSQL: use postgresql+psycopg2://...)"
        ) from None
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise CourseError(f"{shown}: cannot use the gradebook database ({reason})") from None
    finally:
        engine.dispose()
