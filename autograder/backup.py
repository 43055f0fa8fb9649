"""A copy of the gradebook before every grading run, in <course>/backups/, the newest N kept.

SQLite: SQLite's own online backup, which gives a consistent copy even while another process
writes, and first rolls back a transaction left half-done by a killed run. PostgreSQL: `pg_dump`
as plain SQL (restore with `psql URL -f FILE` into an empty database). The copy is written under
a temporary name and renamed, so a run killed mid-backup never leaves a truncated backup that
looks whole.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from autograder.course import Course, CourseError, shown_url

KEEP = 10
PREFIX = "gradebook-"


def backups_folder(course: Course) -> Path:
    return course.root / "backups"


def back_up(course: Course, keep: int = KEEP) -> Path | None:
    """Copy the gradebook into the backups folder; None when there is no gradebook yet."""
    folder = backups_folder(course)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    if course.gradebook_file is not None:
        if not course.gradebook_file.exists():
            return None
        folder.mkdir(exist_ok=True)
        path = folder / f"{PREFIX}{stamp}.db"
        _copy_sqlite(course.gradebook_file, path)
    else:
        assert course.db_url is not None
        folder.mkdir(exist_ok=True)
        path = folder / f"{PREFIX}{stamp}.sql"
        _dump_postgres(course.db_url, path)
    prune(course, keep)
    return path


def prune(course: Course, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups (their names sort by time), and any partial copy
    a killed run left (runs hold the grading lock, so none is being written); return what went."""
    backups = sorted(backups_folder(course).glob(f"{PREFIX}*"))
    partial = [p for p in backups if p.name.endswith(".tmp")]
    backups = [p for p in backups if not p.name.endswith(".tmp")]
    gone = partial + backups[: max(0, len(backups) - keep)]
    for path in gone:
        path.unlink()
    return gone


def _copy_sqlite(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".tmp")
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=60)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise CourseError(f"{source}: cannot back up the gradebook ({error})") from None
    os.replace(partial, target)


def pg_dump_command() -> str | None:
    """pg_dump on PATH, else the newest one Debian's server packages install."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=lambda p: int(Path(p).parts[4])
    )
    return candidates[-1] if candidates else None


def _dump_postgres(url: str, target: Path) -> None:
    from sqlalchemy.engine import make_url

    pg_dump = pg_dump_command()
    if pg_dump is None:
        raise CourseError(
            f"{shown_url(url)}: cannot back up the gradebook: pg_dump is not installed "
            "(Debian: apt-get install postgresql-client), or pass --no-backup"
        )
    parts = make_url(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = str(parts.password)  # never on the command line, where ps shows it
    command = [pg_dump, "--format=plain", "--no-owner", "--dbname", str(parts.database or "")]
    for flag, value in (
        ("--host", parts.host),
        ("--port", parts.port),
        ("--username", parts.username),
    ):
        if value:
            command += [flag, str(value)]
    host = parts.query.get("host")  # a unix-socket folder given as ?host=/path
    if host and not parts.host:
        command += ["--host", str(host)]
    partial = target.with_name(target.name + ".tmp")
    command += ["--file", str(partial)]
    process = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (process.stderr.strip().splitlines() or ["no message"])[-1]
        raise CourseError(f"{shown_url(url)}: pg_dump failed ({reason}); or pass --no-backup")
    os.replace(partial, target)
