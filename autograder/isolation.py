"""Linux primitives for the grading-kernel sandbox: namespaces, a private view of the files,
an unprivileged identity. Used by autograder.limits, which decides what to apply.

Everything here is plain system calls through ctypes (no setuid helper, no extra package):
- `unshare` new mount, network, PID, IPC and UTS namespaces (as root, or as an ordinary user
  where the kernel allows unprivileged user namespaces);
- `build_view`: a tmpfs root holding read-only bind mounts of the paths a kernel needs (system
  folders, Python, the course library), a writable copy of its own folder, a fresh /tmp and
  /dev/shm, then `chroot` into it: whatever is not exposed (the course folder with every other
  submission and the gradebook, home folders, the host's /tmp) does not exist for the kernel;
- `drop_to` an unused uid (root) or `drop_capabilities` (a user namespace's root).
Every function raises OSError with the failing call named; the caller falls back and reports.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
from collections.abc import Iterable
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
CAP_LAST_POSSIBLE = 63

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    def c(text: str | None) -> bytes | None:
        return None if text is None else os.fsencode(text)

    result = _libc.mount(c(source), c(target), c(fstype), ctypes.c_ulong(flags), c(data or None))
    _check(result, f"mount {source or fstype} on {target}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Linux sends `sig` to this process when its parent ends (cleared by setuid: call after)."""
    prctl(PR_SET_PDEATHSIG, sig)


def no_new_privileges() -> None:
    """setuid programs cannot give the kernel's processes back what was dropped."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def map_own_ids(uid: int, gid: int) -> None:
    """In a fresh user namespace: this process is root inside, `uid` and `gid` outside.

    They must be read BEFORE unshare: inside a namespace with no map yet, getuid() answers the
    overflow uid (65534), and mapping that instead of one's own uid is refused (EPERM). An
    unprivileged process may map only its own ids, and must deny setgroups before gid_map.
    """
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        try:
            Path("/proc/self", name).write_text(text)
        except OSError as error:
            raise OSError(error.errno, f"writing /proc/self/{name}: {error.strerror}") from None


# -- a private view of the filesystem ---------------------------------------------------------
def _locked_flags(path: str) -> int:
    """The flags of the mount holding `path` that an unprivileged remount must keep."""
    st = os.statvfs(path).f_flag
    pairs = (
        (os.ST_NOSUID, MS_NOSUID),
        (os.ST_NODEV, MS_NODEV),
        (os.ST_NOEXEC, MS_NOEXEC),
        (os.ST_NOATIME, MS_NOATIME),
        (os.ST_NODIRATIME, MS_NODIRATIME),
        (os.ST_RELATIME, MS_RELATIME),
    )
    return sum(ms for st_flag, ms in pairs if st & st_flag)


def _place(view: Path, path: str, is_dir: bool) -> str:
    target = view / path.lstrip("/")
    if is_dir:
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(exist_ok=True)
    return str(target)


def bind(view: Path, path: str, *, writable: bool, recursive: bool | None = None) -> None:
    """Bind `path` at its own place in `view`; read-only binds are recursive, writable not."""
    target = _place(view, path, os.path.isdir(path))
    recursive = not writable if recursive is None else recursive
    mount(path, target, None, MS_BIND | (MS_REC if recursive else 0))
    if not writable:
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | _locked_flags(path)
        mount(None, target, None, flags)


def _size(folder: str) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        total += sum(os.lstat(os.path.join(root, name)).st_size for name in files)
    return total


def copy_in(view: Path, folder: str, size_mb: int) -> bool:
    """A writable copy of `folder` on a tmpfs at its own path: what the kernel writes there
    vanishes with it, and nothing it leaves (a symbolic link, say) reaches the folder that
    nbgrader later writes into as root. Too big to copy: bound read-only instead (False)."""
    if _size(folder) > size_mb * 1024 * 1024 // 2:
        bind(view, folder, writable=False)
        return False
    target = _place(view, folder, True)
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={size_mb}m")
    shutil.copytree(folder, target, symlinks=True, dirs_exist_ok=True)
    return True


def build_view(
    view: Path,
    read_only: Iterable[str],
    writable: Iterable[str],
    copied: str,
    *,
    tmp_size_mb: int,
    new_proc: bool,
) -> bool:
    """Mount a tmpfs on `view` and expose only the given paths in it, at their own paths:
    `read_only` and `writable` bound, `copied` (the kernel's folder) copied; returns whether
    the copy was made (see copy_in).

    Folders that lead to an exposed path are created in the tmpfs (mode 0755), so a path under
    a private folder (say /root/.pyenv) is reachable without exposing the rest of that folder.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below propagates to the host
    mount("tmpfs", str(view), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m")
    # The fresh /tmp first: a course, a virtualenv or a clone that lives under the host's /tmp
    # (a CI checkout, say) must still be bound on top of it, not hidden beneath it.
    tmp = _place(view, "/tmp", True)
    mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={tmp_size_mb}m")
    for path in sorted(set(read_only), key=len):
        bind(view, path, writable=False)
    if os.path.isdir("/dev"):
        try:
            bind(view, "/dev", writable=True)
        except OSError as error:
            if error.errno != errno.EINVAL:
                raise
            # In a user namespace the mounts under /dev (pts, shm, mqueue) are locked to it:
            # binding /dev without them would uncover what they hide, so it must be recursive.
            bind(view, "/dev", writable=True, recursive=True)
        shm = _place(view, "/dev/shm", True)  # the host's /dev/shm is shared by every process
        mount("tmpfs", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for path in sorted(set(writable), key=len):
        bind(view, path, writable=True)
    made = copy_in(view, copied, tmp_size_mb)
    proc = _place(view, "/proc", True)
    if new_proc:
        try:
            mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            return made
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EACCES):
                raise
    mount("/proc", proc, None, MS_BIND | MS_REC)
    return made


def enter_view(view: Path, cwd: str) -> None:
    os.chroot(view)
    os.chdir(cwd)


# -- identity ----------------------------------------------------------------------------------
def drop_to(uid: int) -> None:
    """Become `uid` (and gid `uid`), with no supplementary groups: irreversible."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def drop_capabilities() -> None:
    """Empty the bounding set: what this process execs gets no capability, even as uid 0."""
    for cap in range(CAP_LAST_POSSIBLE + 1):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError as error:
            if error.errno == errno.EINVAL:  # past the last capability this kernel knows
                break
            raise


def processes_of(uid: int) -> list[int]:
    """Process ids whose real uid is `uid` (from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def kill_all_of(uid: int, rounds: int = 20) -> int:
    """SIGKILL every process of `uid`, again until none is left (a fork loop races one pass)."""
    killed = 0
    for _ in range(rounds):
        pids = [pid for pid in processes_of(uid) if pid != os.getpid()]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                continue
    return killed


def threads_of_user(uid: int) -> int:
    """How many tasks (threads) `uid` runs now: what RLIMIT_NPROC counts for it."""
    total = 0
    for pid in processes_of(uid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("Threads:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
    return total
