"""The grading-kernel launcher on its own: what a process started through it can and cannot do."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from autograder.limits import EXIT, REPORT, Limits, kernel_environment, probe, read_only_paths
from tests.hub import hubctl

SANDBOX = probe()


def launch(
    tmp_path: Path, code: str, limits: Limits | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `code` through the launcher, in <tmp>/course/autograded/s/lab, beside a secret file."""
    course = tmp_path / "course"
    work = course / "autograded" / "s" / "lab"
    work.mkdir(parents=True)
    (course / "gradebook.db").write_text("secret grades")
    private = tmp_path / "private"
    private.mkdir()
    command = [sys.executable, "-m", "autograder.limits", f"--private-dir={private}"]
    arguments = (limits or Limits()).arguments()
    command += [f"--course-root={course}", *arguments, "--", sys.executable, "-c", code]
    return subprocess.run(
        command, cwd=work, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_environment_keeps_no_secret() -> None:
    env = kernel_environment(
        {
            "PATH": "/usr/bin",
            "LANG": "C.UTF-8",
            "LABKIT_SEED": "7",
            "ANTHROPIC_API_KEY": "sk-ant-secret",
            "LABKIT_API_KEY": "secret",
            "COURSE_DB_URL": "postgresql://grader:pw@localhost/gb",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "GITHUB_TOKEN": "secret",
        },
        home="/tmp/home",
    )
    assert {"PATH", "LANG", "LABKIT_SEED", "HOME"} <= set(env)
    assert not [value for value in env.values() if "secret" in value or "pw@" in value]


def test_the_course_folder_is_never_exposed(tmp_path: Path) -> None:
    course = str(tmp_path / "course")
    exposed, _ = read_only_paths([course], [str(tmp_path), course + "/submitted", "/"])
    assert any(Path(sys.base_prefix).is_relative_to(p) for p in exposed)
    for path in exposed:
        assert not Path(course).is_relative_to(path) and not Path(path).is_relative_to(course)


def test_limits_hold_for_the_launched_process(tmp_path: Path) -> None:
    code = """
import os, subprocess
try:
    hog = bytearray(400 * 2**20)
    print("memory: allocated")
except MemoryError:
    print("memory: MemoryError")
try:
    with open("big.bin", "wb") as out:
        out.write(b"x" * 20 * 2**20)
    print("file: written")
except OSError as error:
    print("file:", error.strerror)
print("env:", sorted(k for k in os.environ if "KEY" in k))
"""
    done = launch(tmp_path, code, Limits(memory_mb=300, file_size_mb=8))
    assert done.returncode == 0, done.stderr
    assert "memory: MemoryError" in done.stdout
    assert "file: File too large" in done.stdout
    assert "env: []" in done.stdout
    report = json.loads((tmp_path / "private" / REPORT).read_text())
    assert report["limits"]["memory_mb"] == 300


@pytest.mark.skipif(not SANDBOX.filesystem.startswith("private view"), reason=str(SANDBOX))
def test_the_kernel_sees_only_its_own_folder(tmp_path: Path) -> None:
    code = f"""
import os
for path in [{str(tmp_path / "course" / "gradebook.db")!r}, "../../../gradebook.db"]:
    try:
        open(path).read()
        print("read", path)
    except OSError as error:
        print("refused", type(error).__name__)
open("mine.txt", "w").write("ok")
print("wrote own folder")
"""
    done = launch(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert "read" not in done.stdout.replace("refused", "")
    assert done.stdout.count("refused FileNotFoundError") == 2 and "wrote own folder" in done.stdout


@pytest.mark.skipif(not SANDBOX.filesystem.startswith("private view"), reason=str(SANDBOX))
def test_a_library_under_the_hosts_tmp_stays_readable(tmp_path: Path) -> None:
    # A CI clone (and its .venv) can live under /tmp; the kernel's fresh /tmp must not hide it.
    library = tmp_path / "clone" / ".venv"
    library.mkdir(parents=True)
    (library / "marker.txt").write_text("visible")
    assert str(library).startswith(tempfile.gettempdir())
    course = tmp_path / "course"
    work = course / "autograded" / "s" / "lab"
    work.mkdir(parents=True)
    (tmp_path / "private").mkdir()
    code = f"print(open({str(library / 'marker.txt')!r}).read())"
    command = [sys.executable, "-m", "autograder.limits", f"--private-dir={tmp_path / 'private'}"]
    command += [
        f"--course-root={course}",
        f"--read-only={library}",
        "--",
        sys.executable,
        "-c",
        code,
    ]
    done = subprocess.run(
        command, cwd=work, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "visible"


@pytest.mark.skipif(not SANDBOX.network.startswith("isolated"), reason=str(SANDBOX))
def test_no_network_not_even_loopback(tmp_path: Path) -> None:
    code = """
import socket
for address in [("192.0.2.1", 80), ("127.0.0.1", 5432)]:
    try:
        socket.create_connection(address, timeout=3)
        print("connected")
    except OSError as error:
        print(error.strerror)
"""
    done = launch(tmp_path, code)
    assert done.stdout.split("\n")[:2] == ["Network is unreachable"] * 2, done.stdout + done.stderr


@pytest.mark.skipif(not SANDBOX.pid_namespace, reason=str(SANDBOX))
def test_processes_are_limited_and_end_with_the_kernel(tmp_path: Path) -> None:
    code = """
import subprocess
children = []
try:
    for _ in range(1000):
        children.append(subprocess.Popen(["sleep", "3172"], start_new_session=True))
except OSError as error:
    print("stopped at", len(children), type(error).__name__)
"""
    done = launch(tmp_path, code, Limits(processes=32))
    assert "stopped at" in done.stdout and "BlockingIOError" in done.stdout, done.stderr
    assert int(done.stdout.split()[2]) < 32
    left = subprocess.run(["pgrep", "-f", "sleep 3172"], capture_output=True, text=True)
    assert left.stdout.strip() == ""


def test_the_cpu_limit_ends_the_kernel_and_says_so(tmp_path: Path) -> None:
    done = launch(tmp_path, "while True:\n    pass", Limits(cpu_seconds=1))
    assert done.returncode in (-signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGKILL)
    ending_file = tmp_path / "private" / EXIT
    if ending_file.exists():  # written by the launcher when the kernel had its own namespaces
        assert json.loads(ending_file.read_text())["cpu_seconds"] >= 1


def test_the_probe_reports_what_is_enforced() -> None:
    assert SANDBOX.limits == {
        "cpu_seconds": Limits.cpu_seconds,
        "memory_mb": Limits.memory_mb,
        "file_size_mb": Limits.file_size_mb,
        **({"processes": SANDBOX.limits["processes"]} if "processes" in SANDBOX.limits else {}),
    }
    assert SANDBOX.network and SANDBOX.filesystem and SANDBOX.identity


# -- the launcher started by an ordinary user (the instructor's own server on JupyterHub) -------
GRADER = "limt-grader"  # a temporary account: created for these tests, removed after them
GRADER_MARK = "ai-literacy course limits test (safe to delete)"
FAILING_ID_MAP = (
    "import sys, autograder.isolation as iso, autograder.limits as lim\n"
    "def refused(uid, gid):\n"
    "    raise OSError(1, 'writing /proc/self/uid_map: Operation not permitted')\n"
    "iso.map_own_ids = refused\n"
    "sys.exit(lim.main(sys.argv[1:]))\n"
)
THREADS_AND_CHILDREN = """
import os, subprocess, threading
worker = threading.Thread(target=print, args=("thread ran",))
worker.start()
worker.join()
print(subprocess.run(["echo", "child ran"], capture_output=True, text=True).stdout.strip())
print("uid", os.getuid())
"""


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    work: Path  # a folder it owns, that it can reach


@pytest.fixture(scope="module")
def ordinary_user() -> Iterator[Account]:
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        reason = "running the launcher as an ordinary user needs root and useradd to create one"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI runs as root, so there this is an error")
        pytest.skip(reason)
    subprocess.run(["userdel", "--remove", GRADER], capture_output=True, check=False)  # stale
    work = Path(tempfile.mkdtemp(prefix="limits-user-"))
    # This Python may live in a private home (pyenv in /root): o+x on the way there, restored.
    restore = hubctl.open_for_others(Path(os.path.realpath(sys.executable)).parent)
    restore += hubctl.open_for_others(hubctl.REPO)
    subprocess.run(
        ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group",
         "--comment", GRADER_MARK, GRADER],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    try:
        entry = pwd.getpwnam(GRADER)
        work.chmod(0o755)
        os.chown(work, entry.pw_uid, entry.pw_gid)
        yield Account(GRADER, entry.pw_uid, entry.pw_gid, work)
    finally:
        hubctl.end_processes_of({pwd.getpwnam(GRADER).pw_uid})
        subprocess.run(["userdel", GRADER], capture_output=True, check=False)
        for folder, mode in reversed(restore):
            folder.chmod(mode)
        shutil.rmtree(work, ignore_errors=True)


def launch_as(
    account: Account, folder: str, code: str, launcher: list[str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run `code` through the launcher as `account`; returns the run and its sandbox.json."""
    base = account.work / folder
    work, private = base / "course" / "autograded" / "s" / "lab", base / "private"
    work.mkdir(parents=True)
    private.mkdir()
    for path in [base, *base.rglob("*")]:
        os.chown(path, account.uid, account.gid)
    command = [
        *(launcher or [sys.executable, "-m", "autograder.limits"]),
        f"--private-dir={private}", f"--course-root={base / 'course'}",
        "--", sys.executable, "-c", code,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=work, capture_output=True, text=True, timeout=60, check=False,
        user=account.uid, group=account.gid, extra_groups=[],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(account.work)},
    )  # fmt: skip
    report = json.loads((private / REPORT).read_text()) if (private / REPORT).exists() else {}
    return done, report


def test_an_ordinary_user_gets_a_working_kernel(ordinary_user: Account) -> None:
    """Before the fix, a refused id map left the launcher in a user namespace without one: every
    kernel died ("can't start new thread") and every student scored 0/0."""
    done, report = launch_as(ordinary_user, "plain", THREADS_AND_CHILDREN)
    assert done.returncode == 0, done.stderr
    assert "thread ran" in done.stdout and "child ran" in done.stdout
    if report["namespaces"].startswith("none"):  # this machine allows no user namespaces
        assert report["notes"] and not report["pid_namespace"]
        assert report["limits"]["processes"] > 0
    else:  # isolated as root's kernels are, without the kernel's own uid
        assert report["namespaces"].endswith("in an unprivileged user namespace")
        assert report["pid_namespace"] and report["network"].startswith("isolated")
        assert report["filesystem"].startswith("private view")
        network, _ = launch_as(
            ordinary_user,
            "network",
            "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), 2)\nexcept OSError as e:\n    print(e.strerror)",
        )
        assert network.stdout.strip() == "Network is unreachable", network.stderr


def test_a_refused_id_map_falls_back_before_anything_irreversible(ordinary_user: Account) -> None:
    """The namespaces are tried in a forked child first: when a step is refused there, the
    launcher itself never entered them, and the kernel runs with limits and a clean environment."""
    shim = ordinary_user.work / "refusing_launcher.py"
    shim.write_text(FAILING_ID_MAP)
    done, report = launch_as(
        ordinary_user, "refused", THREADS_AND_CHILDREN, [sys.executable, str(shim)]
    )
    assert done.returncode == 0, done.stderr
    assert "thread ran" in done.stdout and "child ran" in done.stdout
    assert f"uid {ordinary_user.uid}" in done.stdout  # its own uid: no user namespace entered
    assert report["namespaces"].startswith("none: ") and "uid_map" in report["namespaces"]
    assert report["network"] == "not isolated" and not report["pid_namespace"]
    assert any("resource limits and a clean environment only" in note for note in report["notes"])
    assert report["limits"]["memory_mb"] == Limits.memory_mb
