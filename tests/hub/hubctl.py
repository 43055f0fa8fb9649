"""A real JupyterHub on loopback for the end-to-end test: unix users, the hub, their servers.

The hub runs the project's virtualenv, the default LocalProcessSpawner (each single-user server
runs as its user's own unix account), the shared-password authenticator, configurable-http-proxy
from tests/hub/node_modules, and the deployment's own settings from autograder/deploy/. Everything
this module creates is removed by `Hub.stop` and `remove_user`, also after a failed test: the hub
stops the servers it spawned, and processes of the test accounts still alive are ended by pid.

The test drives everything over HTTP as the people would: the hub's REST API (with a service
token) to start servers and issue each user a token, then each user's own server with that
user's token: the contents API (saving a notebook), nbgrader's assignment-list, validate and
formgrader handlers, and a kernel (for commands an instructor types, such as `course grade`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import websocket

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHP = Path(__file__).resolve().parent / "node_modules" / ".bin" / "configurable-http-proxy"
DEPLOY = REPO / "autograder" / "deploy"
# The GECOS comment of every account this test creates: a run killed before its clean-up leaves
# accounts that the next run recognises by it and removes (and no other account is ever touched).
USER_MARK = "ai-literacy course hub test (safe to delete)"
SERVICE = "course-e2e"


def prerequisites() -> str | None:
    """Why the hub test cannot run on this machine, or None when it can."""
    if sys.platform != "linux":
        return "the hub test needs Linux"
    if os.geteuid() != 0:
        return "the hub test needs root: it creates unix users for an instructor and students"
    for command in ("useradd", "userdel"):
        if shutil.which(command) is None:
            return f"the hub test needs `{command}` (Debian package passwd)"
    if not CHP.exists():
        return (
            f"{CHP.relative_to(REPO)} is missing: run `make install` "
            "(it runs `npm ci` in tests/hub; node and npm are needed)"
        )
    return None


def wait_until(
    condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.2
) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- unix accounts ---------------------------------------------------------------------------
@dataclass(frozen=True)
class UnixUser:
    name: str
    uid: int
    gid: int
    home: Path


def add_user(name: str, home: Path) -> UnixUser:
    subprocess.run(
        ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
         "--user-group", "--comment", USER_MARK, name],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    home.chmod(0o700)  # Debian's HOME_MODE may be 0755: a student's work is theirs alone
    entry = pwd.getpwnam(name)
    return UnixUser(name, entry.pw_uid, entry.pw_gid, home)


def end_processes_of(uids: set[int], grace: float = 5.0) -> list[int]:
    """End the processes still running under the test accounts (by pid), SIGKILL after `grace`."""

    def running() -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("Uid:") and int(line.split()[1]) in uids:
                    pids.append(int(entry.name))
        return pids

    found = running()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in running():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: not running(), grace, "test accounts' processes to end")
    return found


def remove_user(name: str) -> None:
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def remove_stale_users() -> list[str]:
    """Remove accounts left by an earlier run that was killed before its clean-up."""
    stale = [entry for entry in pwd.getpwall() if entry.pw_gecos == USER_MARK]
    end_processes_of({entry.pw_uid for entry in stale})
    for entry in stale:
        remove_user(entry.pw_name)
    return [entry.pw_name for entry in stale]


def open_for_others(path: Path) -> list[tuple[Path, int]]:
    """Let other users traverse to `path` (the repository and its virtualenv: every server runs
    them): add o+x to the folders above it that lack it. Returns what to restore afterwards."""
    changed = []
    for folder in [path, *path.parents]:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            changed.append((folder, mode))
    return changed


# -- the hub ---------------------------------------------------------------------------------
@dataclass
class Hub:
    """JupyterHub with configurable-http-proxy, listening on 127.0.0.1 only."""

    root: Path  # the hub's own files (database, cookie secret, config, log); root only
    users: list[str]
    instructors: list[str]
    exchange: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    service_token: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.root / "jupyterhub.log"

    def config(self) -> str:
        """jupyterhub_config.py: the deployment's course settings, then this test's own."""
        settings = {
            "bind_url": self.url,
            "hub_bind_url": f"http://127.0.0.1:{free_port()}",
            "proxy_api_url": f"http://127.0.0.1:{free_port()}",
            "chp": str(CHP),
            "db": f"sqlite:///{self.root / 'jupyterhub.sqlite'}",
            "cookie_secret": str(self.root / "jupyterhub_cookie_secret"),
            "password": self.password,
            "users": sorted(self.users),
            "instructors": sorted(self.instructors),
            "service": SERVICE,
            "token": self.service_token,
            "singleuser": str(VENV_BIN / "jupyterhub-singleuser"),
            "environment": {
                "JUPYTER_CONFIG_PATH": str(DEPLOY),  # the machine-wide nbgrader_config.py
                "NBGRADER_EXCHANGE_ROOT": str(self.exchange),
                "PYTHONWARNINGS": "ignore",
            },
            "course_hub_config": str(DEPLOY / "course_hub_config.py"),
        }
        return f"""\
import json
s = json.loads({json.dumps(json.dumps(settings))})
c = get_config()
load_subconfig(s["course_hub_config"])  # the deployment's own hub settings, unchanged

c.JupyterHub.bind_url = s["bind_url"]
c.JupyterHub.hub_bind_url = s["hub_bind_url"]
c.ConfigurableHTTPProxy.api_url = s["proxy_api_url"]
c.ConfigurableHTTPProxy.command = [s["chp"]]
c.JupyterHub.db_url = s["db"]
c.JupyterHub.cookie_secret_file = s["cookie_secret"]
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = s["password"]
c.Authenticator.allowed_users = set(s["users"])
c.JupyterHub.load_groups = {{"instructors": {{"users": s["instructors"]}}}}
c.JupyterHub.services = [{{"name": s["service"], "api_token": s["token"]}}]
c.JupyterHub.load_roles = [{{
    "name": s["service"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
    "services": [s["service"]],
}}]
c.Spawner.cmd = [s["singleuser"]]
c.Spawner.environment.update(s["environment"])
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.cleanup_servers = True
"""

    def start(self, timeout: float = 90) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        config = self.root / "jupyterhub_config.py"
        config.write_text(self.config(), encoding="utf-8")
        env = {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LANG": "C.UTF-8",
            "HOME": str(self.root),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "jupyterhub"), "-f", str(config)],
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answering() -> bool:
            self.check_alive()
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200
            return False

        wait_until(answering, timeout, "the hub to answer")

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return "(no hub log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub; it stops every server it spawned and its proxy first."""
        if self.process is None or self.process.poll() is not None:
            self._end_proxy()
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # the hub's own process group
            self.process.wait(10)
        self._end_proxy()

    def _end_proxy(self) -> None:
        """The proxy outlives a hub that was killed; end it by the pid the hub recorded."""
        pid_file = self.root / "jupyterhub-proxy.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            if "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_text(errors="ignore"):
                os.kill(pid, signal.SIGKILL)

    # -- the hub's REST API, with the test's service token ---------------------------------
    def api(self, method: str, path: str, expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        self.check_alive()
        response = requests.request(
            method,
            f"{self.url}/hub/api/{path}",
            headers={"Authorization": f"token {self.service_token}"},
            timeout=60,
            **kw,
        )
        assert response.status_code in expect, (
            f"{method} /hub/api/{path}: {response.status_code} {response.text[:500]}"
        )
        return response.json() if response.content else None

    def start_servers(self, names: list[str], timeout: float = 240) -> dict[str, UserServer]:
        """Start the users' single-user servers (all at once), wait until the hub reports each
        ready, and return clients that speak to each with a token issued to that user (never the
        service's token)."""
        for name in names:
            self.api("POST", f"users/{name}/server", expect=(201, 202))

        def ready(name: str) -> bool:
            server = self.api("GET", f"users/{name}").get("servers", {}).get("")
            return bool(server and server.get("ready"))

        deadline = time.monotonic() + timeout
        servers = {}
        for name in names:
            remaining = max(1.0, deadline - time.monotonic())
            wait_until(
                functools.partial(ready, name), remaining, f"{name}'s server to be ready", 0.5
            )
            issued = self.api(
                "POST",
                f"users/{name}/tokens",
                expect=(200, 201),
                json={"note": "course hub end-to-end test", "expires_in": 3600},
            )
            servers[name] = UserServer(self, name, issued["token"])
        return servers


# -- one user's single-user server -----------------------------------------------------------
@dataclass
class UserServer:
    hub: Hub
    name: str
    token: str

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.name}/"

    def request(
        self, method: str, path: str, expect: tuple[int, ...] = (200,), **kw: Any
    ) -> requests.Response:
        response = requests.request(
            method,
            self.base + path,
            headers={"Authorization": f"token {self.token}"},
            timeout=kw.pop("timeout", 120),
            allow_redirects=False,
            **kw,
        )
        assert response.status_code in expect, (
            f"{self.name}: {method} {path}: {response.status_code} {response.text[:800]}"
        )
        return response

    # The Jupyter server's contents API: what JupyterLab calls to open and save a notebook.
    def read_notebook(self, path: str) -> dict[str, Any]:
        model = self.request("GET", f"api/contents/{path}", params={"content": "1"}).json()
        assert model["type"] == "notebook", model
        content: dict[str, Any] = model["content"]
        return content

    def save_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        body = {"type": "notebook", "format": "json", "content": notebook}
        self.request("PUT", f"api/contents/{path}", expect=(200, 201), json=body)

    def listing(self, path: str) -> list[str]:
        model = self.request("GET", f"api/contents/{path}", params={"content": "1"}).json()
        return sorted(item["name"] for item in model["content"])

    # nbgrader's server extensions: the calls its JupyterLab panels make.
    def assignments(self, course: str) -> list[dict[str, Any]]:
        answer = self.request("GET", "assignments", params={"course_id": course}).json()
        assert answer["success"], answer["value"]
        value: list[dict[str, Any]] = answer["value"]
        return value

    def assignment_action(self, action: str, course: str, lab: str) -> dict[str, Any]:
        data = {"course_id": course, "assignment_id": lab}
        answer: dict[str, Any] = self.request("POST", f"assignments/{action}", data=data).json()
        assert answer.get("success"), f"{self.name}: {action} {lab}: {answer.get('value')}"
        return answer

    def validate(self, path: str) -> dict[str, Any]:
        answer = self.request("POST", "assignments/validate", data={"path": path}).json()
        assert answer["success"], f"{self.name}: validate {path}: {answer['value']}"
        value: dict[str, Any] = answer["value"]
        return value

    def formgrader(self, method: str, path: str) -> Any:
        return self.request(method, f"formgrader/api/{path}").json()

    @contextlib.contextmanager
    def kernel(self) -> Iterator[Kernel]:
        started = self.request("POST", "api/kernels", expect=(201,), json={"name": "python3"})
        kernel_id = started.json()["id"]
        ws_url = self.base.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
        connection = websocket.create_connection(
            ws_url, header=[f"Authorization: token {self.token}"], timeout=60
        )
        try:
            yield Kernel(self.name, connection)
        finally:
            connection.close()
            self.request("DELETE", f"api/kernels/{kernel_id}", expect=(204, 404))


@dataclass
class Kernel:
    """A kernel in a user's server, spoken to over its websocket (Jupyter messaging 5.3)."""

    owner: str
    connection: websocket.WebSocket
    session: str = field(default_factory=lambda: uuid.uuid4().hex)

    def execute(self, code: str, timeout: float = 120) -> str:
        """Run `code`; return what it printed; raise with the kernel's error if it failed."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": self.session,
            "username": self.owner,
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        content = {"code": code, "silent": False, "store_history": False,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}  # fmt: skip
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
                   "channel": "shell", "buffers": []}  # fmt: skip
        self.connection.send(json.dumps(message))
        printed: list[str] = []
        error: str | None = None
        replied = idle = False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            self.connection.settimeout(max(1.0, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.owner}'s kernel: no answer in {timeout:g} s to {code!r}")
            reply = json.loads(self.connection.recv())
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = reply["header"]["msg_type"]
            if kind == "stream":
                printed.append(reply["content"]["text"])
            elif kind == "error":
                error = f"{reply['content']['ename']}: {reply['content']['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and reply["content"]["execution_state"] == "idle":
                idle = True
        if error:
            raise RuntimeError(f"{self.owner}'s kernel: {error}\n{''.join(printed)}")
        return "".join(printed)

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a command as this kernel's user (what they would type in a terminal)."""
        code = (
            "import json, subprocess\n"
            f"p = subprocess.run({list(command)!r}, capture_output=True, text=True, timeout={timeout})\n"
            "print(json.dumps([p.returncode, p.stdout, p.stderr]))\n"
        )
        returncode, out, err = json.loads(self.execute(code, timeout + 30).strip().splitlines()[-1])
        return subprocess.CompletedProcess(list(command), returncode, out, err)
