"""A throw-away PostgreSQL server for tests: Debian's binaries, a temporary data directory,
listening on 127.0.0.1 only (and a unix socket in the same temporary directory), stopped and
deleted afterwards. Nothing is installed as a service and nothing outside the directory changes.

PostgreSQL refuses to run as root; as root (CI runs as root) the server runs as the `postgres`
system user that Debian's package creates, else as `nobody`, through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "course"


def server_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl."""
    found = [
        Path(p).parent
        for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if (Path(p).parent / "pg_ctl").exists()
    ]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    bin: Path
    folder: Path  # the temporary directory: data, socket, log
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg2

        name = f"t_{uuid.uuid4().hex[:12]}"
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres"
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
        subprocess.run(
            [*self.run_as, *pg_ctl],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def start() -> Server:
    """Start a server; raises RuntimeError (with the server's log) when it cannot."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = _unprivileged_user()
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        run_as = ["runuser", "-u", user, "--"]
    data = folder / "data"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust"]
    initdb += ["--no-sync", "-E", "UTF8", "--locale=C"]
    done = subprocess.run([*run_as, *initdb], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr.strip()[-500:]}")
    last = ""
    for _ in range(3):  # another process may take the free port between probe and start
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
        pg_ctl += ["-o", options, "-w", "-t", "60", "start"]
        done = subprocess.run([*run_as, *pg_ctl], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return Server(bin_dir, folder, port, run_as)
        log = folder / "server.log"
        last = log.read_text()[-500:] if log.exists() else done.stderr[-500:]
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {last.strip()}")
