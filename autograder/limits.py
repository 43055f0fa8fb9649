"""Resource limits and a sandbox for grading kernels: the launcher that starts each one.

`course grade` runs every notebook in a kernel started through this module (see
autograder.execution.LimitedKernelManager, configured for autograde only in the course's
nbgrader_config.py; students' own kernels are untouched):

    python -m autograder.limits --private-dir D --course-root R [limits] -- python -m ipykernel ...

What it applies, in order, falling back and recording why when the OS does not allow a step:
1. new mount, network, PID, IPC and UTS namespaces (root, or an unprivileged user namespace
   mapping the grader's own uid), tried first in a forked child: when any step is refused, the
   kernel gets only steps 4 and 5, and sandbox.json says why (`namespaces`):
   no network at all (not even loopback; the kernel talks to nbgrader over unix sockets), and
   every process the notebook starts dies with the kernel (it is PID 1 of its namespace);
2. a private view of the files (autograder.isolation.build_view): system folders, Python and
   the course library read-only; a writable copy of the submission's folder and a fresh /tmp;
   the course folder (other submissions, the gradebook), home folders and the host's /tmp
   absent. Nothing the kernel writes reaches a folder that root writes into later;
3. an unprivileged identity: as root, a uid of its own (1,000,000 + launcher pid), so
   RLIMIT_NPROC counts this kernel alone; in a user namespace, no capabilities;
4. resource limits (setrlimit): CPU time, address space, file size, processes, no core dumps;
5. an environment without secrets (an allowlist; names like *KEY*, *TOKEN* are dropped), in
   which Python and IPython never import from the working folder (the submission's copy):
   PYTHONSAFEPATH=1, no user site folder, only absolute PYTHONPATH entries.
It writes what it enforced to D/sandbox.json; `python -m autograder.limits --probe` prints the
same for this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import isolation

REPORT = "sandbox.json"
EXIT = "exit.json"
UID_BASE = 1_000_000
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
KEPT_VARIABLES = {
    "PATH", "LANG", "LANGUAGE", "TZ", "TERM", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONWARNINGS",
    "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "MPLBACKEND",
    "NBGRADER_EXECUTION",
}  # fmt: skip
KEPT_PREFIXES = ("LC_", "JPY_", "LABKIT_")
NAMESPACES = (
    isolation.CLONE_NEWNS
    | isolation.CLONE_NEWNET
    | isolation.CLONE_NEWPID
    | isolation.CLONE_NEWIPC
    | isolation.CLONE_NEWUTS
)
SECRET = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION_ID|DB_URL", re.I)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 600
    memory_mb: int = 2048
    file_size_mb: int = 64
    processes: int = 128  # tasks (processes + threads) of the kernel's uid
    isolate: bool = True  # namespaces, private view, own uid

    def arguments(self) -> list[str]:
        flags = [
            f"--cpu-seconds={self.cpu_seconds}",
            f"--memory-mb={self.memory_mb}",
            f"--file-size-mb={self.file_size_mb}",
            f"--processes={self.processes}",
        ]
        return flags if self.isolate else [*flags, "--no-isolation"]


@dataclass
class Report:
    """What the launcher enforced for one kernel (written to sandbox.json)."""

    network: str = "not isolated"
    filesystem: str = "not isolated"
    identity: str = "the grader's own user"
    processes: str = "not limited"
    limits: dict[str, int] = field(default_factory=dict)
    uid: int | None = None  # the kernel's own uid, when it has one
    pid_namespace: bool = False
    namespaces: str = "none"  # which ones, or why none
    notes: list[str] = field(default_factory=list)


def kernel_environment(environ: dict[str, str], home: str) -> dict[str, str]:
    """An allowlisted environment: nothing secret (API keys, the gradebook URL) reaches a kernel."""
    env = {
        name: value
        for name, value in environ.items()
        if (name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES)) and not SECRET.search(name)
    }
    env.update(
        HOME=home,
        USER="student",
        LOGNAME="student",
        TMPDIR=os.path.join(home, "tmp"),
        IPYTHONDIR=os.path.join(home, ".ipython"),
        MPLCONFIGDIR=os.path.join(home, ".matplotlib"),
        XDG_CACHE_HOME=os.path.join(home, ".cache"),
        XDG_CONFIG_HOME=os.path.join(home, ".config"),
        JUPYTER_PLATFORM_DIRS="1",
        # One thread per numerical library: reproducible sums, and no thread pool per core
        # counting against the process limit.
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MALLOC_ARENA_MAX="2",
        # The kernel's folder is the submission's: nothing in it may be imported. Python then
        # puts neither the working folder nor the script's on sys.path, and IPython (9.x
        # InteractiveShellApp.init_path) honours the same flag and does not add '' either.
        PYTHONSAFEPATH="1",
        PYTHONNOUSERSITE="1",  # nor a site folder in the kernel's (writable) home
    )
    if "PYTHONPATH" in env:  # an empty or relative entry would mean the working folder again
        kept = [p for p in env["PYTHONPATH"].split(os.pathsep) if os.path.isabs(p)]
        if kept:
            env["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            del env["PYTHONPATH"]
    return env


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def read_only_paths(hidden: list[str], extra: list[str]) -> tuple[list[str], dict[str, str]]:
    """What a kernel may read: system folders, this Python, its packages, the course library.

    Returns real paths to bind (none inside another, none leading to a hidden folder) and the
    symbolic links to recreate (merged-/usr systems have /bin -> usr/bin).
    """
    import importlib.util

    candidates = [*SYSTEM_FOLDERS, sys.prefix, sys.base_prefix, sys.exec_prefix]
    candidates += [p for p in sys.path if p and os.path.isabs(p)]
    spec = importlib.util.find_spec("labkit")  # the course library reads ../datasets
    if spec is not None and spec.origin:
        library = os.path.dirname(spec.origin)
        candidates += [library, os.path.join(os.path.dirname(library), "datasets")]
    candidates += extra
    links: dict[str, str] = {}
    reals: list[str] = []
    for path in candidates:
        if not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        if os.path.islink(path) and os.path.dirname(path) == "/":
            links[path] = os.readlink(path)
        if real == "/" or any(_within(h, real) or _within(real, h) for h in hidden):
            continue  # exposing it would expose the course folder or this kernel's own folders
        reals.append(real)
    kept: list[str] = []
    for real in sorted(set(reals), key=len):
        if not any(_within(real, k) for k in kept):
            kept.append(real)
    reachable = {
        link: target
        for link, target in links.items()
        if any(_within(os.path.realpath(link), k) for k in kept)
    }
    return kept, reachable


def _can_run_as(uid: int, paths: list[str]) -> bool:
    """Whether `uid` can read the Python installation and the rest (tried in a forked child)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            isolation.drop_to(uid)
            ok = all(os.access(p, os.R_OK | (os.X_OK if os.path.isdir(p) else 0)) for p in paths)
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _user_tasks() -> int:
    return isolation.threads_of_user(os.getuid())


def _set_limits(limits: Limits, report: Report, nproc: int | None) -> None:
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 1),
        resource.RLIMIT_AS: (limits.memory_mb * mb,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * mb,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if nproc is not None:
        wanted[resource.RLIMIT_NPROC] = (nproc, nproc)
    for which, (soft, hard) in wanted.items():
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError) as error:
            report.notes.append(f"setrlimit({which}) refused: {error}")
    report.limits = {
        "cpu_seconds": limits.cpu_seconds,
        "memory_mb": limits.memory_mb,
        "file_size_mb": limits.file_size_mb,
    }
    if nproc is not None:
        report.limits["processes"] = nproc


def _supervise(child: int, private: Path) -> int:
    """The launcher outside the namespaces: wait for the kernel, end it with us, pass on its end.

    jupyter_client signals the launcher's process group: SIGINT (interrupt) reaches the kernel
    directly, so it is ignored here; SIGTERM and SIGHUP end the kernel at once (as PID 1 of its
    namespace it ignores signals it has no handler for, SIGTERM and SIGXCPU included: the CPU
    limit ends it with the SIGKILL of the hard limit). How it ended goes to D/exit.json.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def end(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGHUP, end)
    _, status, usage = os.wait4(child, 0)
    ending = {
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    with contextlib.suppress(OSError):
        (private / EXIT).write_text(json.dumps(ending))
    if os.WIFSIGNALED(status):  # die the same way, so that the grader sees the same end
        signum = os.WTERMSIG(status)
        if signum not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum
    return os.waitstatus_to_exitcode(status)


@dataclass(frozen=True)
class ViewPlan:
    """What a kernel's private view of the files holds (see isolation.build_view)."""

    readable: list[str]
    links: dict[str, str]  # symbolic links at / to recreate (/bin -> usr/bin)
    private: Path
    tmp_size_mb: int

    def enter(self, view: Path, folder: str) -> bool:
        """Build the view with a copy of `folder`, chroot into it, go to `folder`."""
        view.mkdir(exist_ok=True)
        copied = isolation.build_view(
            view,
            self.readable,
            [str(self.private)],
            folder,
            tmp_size_mb=self.tmp_size_mb,
            new_proc=True,
        )
        for link, target in self.links.items():
            if not (view / link.lstrip("/")).exists():
                os.symlink(target, view / link.lstrip("/"))
        isolation.enter_view(view, folder)
        return copied


def _enter_namespaces(is_root: bool, uid: int, gid: int) -> None:
    """unshare the namespaces; without root, in a new user namespace mapping our own ids."""
    if is_root:
        isolation.unshare(NAMESPACES)
    else:
        isolation.unshare(NAMESPACES | isolation.CLONE_NEWUSER)
        isolation.map_own_ids(uid, gid)


def _namespaces_refused(plan: ViewPlan, is_root: bool, uid: int, gid: int) -> str | None:
    """Why the namespaces and the private view cannot be used here, or None when they can.

    Tried in a forked child first, because a step refused in the launcher itself would leave it
    half-isolated and unable to back out: after unshare(CLONE_NEWPID) it can no longer start a
    thread, and in a user namespace whose id map was refused it can neither fork nor drop to
    another uid. The child goes through the same steps as a kernel (namespaces, id map, the
    first process of the PID namespace, the view around an empty folder, a thread) and says
    which one failed.
    """
    trial = plan.private / "trial"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_end)
        code = 1
        try:
            _enter_namespaces(is_root, uid, gid)
            first = os.fork()
            if first == 0:
                trial.mkdir(exist_ok=True)
                plan.enter(plan.private / "trial-view", str(trial))
                if not is_root:
                    isolation.drop_capabilities()
                thread = threading.Thread(target=int)
                thread.start()
                thread.join()
                os._exit(0)
            _, status = os.waitpid(first, 0)
            code = os.waitstatus_to_exitcode(status)
        except BaseException as error:
            os.write(write_end, str(error).encode()[:400])
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        why = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    for folder in (trial, plan.private / "trial-view"):  # empty: its mounts were the child's
        with contextlib.suppress(OSError):
            folder.rmdir()
    code = os.waitstatus_to_exitcode(status)
    return None if code == 0 else why or f"the trial ended with status {code}"


def launch(
    command: list[str], limits: Limits, private: Path, course_root: str, extra: list[str]
) -> int:
    linux = sys.platform.startswith("linux")
    report = Report()
    cwd = os.getcwd()
    is_root = os.geteuid() == 0
    uid, gid = os.getuid(), os.getgid()  # before unshare: inside, they read 65534 until mapped
    own_uid = UID_BASE + os.getpid()
    tasks_before = None if is_root or not linux else _user_tasks()
    namespaces = False
    plan: ViewPlan | None = None
    if not limits.isolate:
        report.namespaces = "none: isolation turned off (--no-isolation)"
    if limits.isolate and linux:
        isolation.die_with_parent()  # the grading worker is gone: so is this kernel
        hidden = [path for path in (course_root, cwd, str(private)) if path]
        readable, links = read_only_paths(hidden, extra)
        plan = ViewPlan(readable, links, private, max(64, 4 * limits.file_size_mb))
        refused = _namespaces_refused(plan, is_root, uid, gid)
        if refused:
            report.namespaces = f"none: {refused}"
            report.notes.append(
                f"no namespaces ({refused}): resource limits and a clean environment only"
            )
        else:
            try:
                _enter_namespaces(is_root, uid, gid)
            except OSError as error:  # the trial worked: this process may be half-isolated
                print(
                    f"autograder.limits: cannot isolate a grading kernel: {error}", file=sys.stderr
                )
                return 70
            namespaces = True
            report.namespaces = "mount, network, PID, IPC, UTS" + (
                "" if is_root else ", in an unprivileged user namespace"
            )
    if namespaces:
        child = os.fork()
        if child:
            return _supervise(child, private)
        report.pid_namespace = True
        report.network = "isolated: own network namespace, no interface up"
        report.processes = "all end with the kernel (own PID namespace)"
    home = "/tmp/home"
    sockets = private / "ipc"  # the kernel's unix sockets: the one folder here it may write
    try:
        sockets.mkdir(mode=0o700, exist_ok=True)
        if namespaces and plan is not None:
            readable = plan.readable
            copied = plan.enter(private / "view", cwd)
            report.filesystem = (
                "private view: system, Python and course library read-only; a "
                + ("writable copy" if copied else "read-only view")
                + " of the submission's folder and a fresh /tmp; the course folder, other "
                "submissions and home folders absent"
            )
        else:
            home = str(private / "home")
            readable = [sys.prefix, sys.base_prefix]
            copied = False
        for folder in (home, os.path.join(home, "tmp")):
            os.makedirs(folder, exist_ok=True)
        nproc: int | None = None
        own_identity = is_root and _can_run_as(own_uid, [command[0], *readable])
        if own_identity:
            report.uid, nproc = own_uid, limits.processes
            report.identity = f"uid {own_uid}, no groups (the kernel's own)"
            if not namespaces:
                report.filesystem = (
                    "own uid: cannot write the course folder (nor its own folder), can read "
                    "what any user can"
                )
        elif is_root:
            report.notes.append(
                f"uid {own_uid} cannot read this Python installation; the kernel runs as root"
            )
            if namespaces:
                report.identity = "root without capabilities (inside the private view)"
        elif namespaces:
            report.identity = "the grader's user, without capabilities (user namespace)"
        if nproc is None and tasks_before is not None:
            nproc = tasks_before + limits.processes  # RLIMIT_NPROC counts the whole user
        if nproc is not None and not report.pid_namespace:
            report.processes = f"at most {nproc} tasks for the kernel's uid"
        elif nproc is not None:
            report.processes += f"; at most {nproc} tasks"
        _set_limits(limits, report, nproc)
        (private / REPORT).write_text(json.dumps(asdict(report), indent=1))  # root's, read-only
        if own_identity:
            # Its own: its home, its sockets, the connection file, the copy of its folder. Never
            # a folder root reads or writes in later (a planted symbolic link would be followed).
            own = [home, os.path.join(home, "tmp"), str(sockets), str(private / "kernel.json")]
            if copied:
                own += [
                    os.path.join(root, name)
                    for root, dirs, files in os.walk(cwd)
                    for name in [".", *dirs, *files]
                ]
            os.chmod(private, 0o711)
            for path in own:
                if os.path.lexists(path):
                    os.chown(path, own_uid, own_uid, follow_symlinks=False)
            isolation.drop_to(own_uid)
        elif namespaces:
            isolation.drop_capabilities()
        env = kernel_environment(dict(os.environ), home)
        if linux:
            if namespaces or report.uid is not None:
                isolation.die_with_parent()  # cleared by setuid and fork: set again
            isolation.no_new_privileges()
    except OSError as error:
        print(f"autograder.limits: cannot start a grading kernel: {error}", file=sys.stderr)
        if namespaces:
            os._exit(70)
        return 70
    os.execve(command[0], command, env)
    return 0  # pragma: no cover - execve does not return


def probe(limits: Limits | None = None) -> Report:
    """What this machine enforces: start the launcher on a tiny command and read its report."""
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="autograde-probe-") as folder:
        private, work = Path(folder, "private"), Path(folder, "work")
        private.mkdir()
        work.mkdir()
        command = [
            sys.executable,
            "-m",
            "autograder.limits",
            f"--private-dir={private}",
            f"--course-root={folder}",
            *limits.arguments(),
            "--",
            sys.executable,
            "-c",
            "pass",
        ]
        process = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
        path = private / REPORT
        if process.returncode != 0 or not path.exists():
            why = process.stderr.strip()[-300:] or f"exit code {process.returncode}"
            return Report(notes=[f"the launcher could not start a kernel: {why}"])
        report = Report(**json.loads(path.read_text()))
        shutil.rmtree(private, ignore_errors=True)
        return report


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, command = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m autograder.limits", description=__doc__)
    parser.add_argument("--probe", action="store_true", help="print what this machine enforces")
    parser.add_argument("--private-dir")
    parser.add_argument("--course-root", default="")
    parser.add_argument("--cpu-seconds", type=int, default=Limits.cpu_seconds)
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--file-size-mb", type=int, default=Limits.file_size_mb)
    parser.add_argument("--processes", type=int, default=Limits.processes)
    parser.add_argument("--no-isolation", dest="isolate", action="store_false")
    parser.add_argument("--read-only", action="append", default=[])
    args = parser.parse_args(argv)
    limits = Limits(
        args.cpu_seconds, args.memory_mb, args.file_size_mb, args.processes, args.isolate
    )
    if args.probe:
        print(json.dumps(asdict(probe(limits)), indent=1))
        return 0
    if not command or not args.private_dir:
        parser.error("usage: --private-dir DIR [limits] -- COMMAND ...")
    course_root = os.path.realpath(args.course_root) if args.course_root else ""
    return launch(command, limits, Path(args.private_dir), course_root, args.read_only)


if __name__ == "__main__":
    sys.exit(main())
