"""How autograde runs a notebook: nbgrader's Execute, with the verdicts computed outside it.

The course config (labs/nbgrader_config.py) puts `GuardedExecute` in place of nbgrader's Execute
in autograde's pipeline only, so `nbgrader validate` and students' own kernels are unchanged.
It runs the student's cells, in order, in a sandboxed kernel (`LimitedKernelManager`: the
launcher of autograder.limits, unix sockets, no network), and when it reaches a test cell it
does not run the cell's code: it runs the lab's grader-side hidden test for that cell
(labs/hidden/<lab>.py, autograder.grader), here, in the grader's process. The test asks the
kernel for plain data (values, or the results of calling the student's functions with plain
arguments) through `KernelLink`, and the cell's outputs, which nbgrader scores, are written from
its verdict. Nothing the notebook does can change the test's code or what it compares with.

Limits a classroom needs, each ending as that student's one-line message:
- a wall-clock budget for the whole notebook (`notebook_seconds`) as well as nbgrader's per-cell
  timeout, and a cap on code cells (`max_code_cells`);
- output kept per cell (`output_limit_mb`) and per notebook (`notebook_output_limit_mb`), errors
  included (their text is capped at `error_limit_kb`), and no message from the kernel larger than
  `LimitedKernelClient.max_message_mb` ever received;
- when the kernel dies (os._exit, a crash, the CPU limit) or will not stop after a cell's time
  limit (a loop that swallows KeyboardInterrupt), it is stopped and every later code cell is
  marked "not run": a test cell with no output would otherwise get full marks.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import weakref
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, DottedObjectName, Float, Integer, List, Type, Unicode

from autograder import isolation
from autograder.grader import kernel_side, registry, verdict
from autograder.grader.registry import is_test_cell
from autograder.grader.source import SubmittedSource
from autograder.grader.submission import BoundaryError, Submission, reply_of
from autograder.grader.verdict import error as error_output
from autograder.integrity import repair
from autograder.limits import EXIT, REPORT, UID_BASE, Limits

TRUNCATED = "[autograder: output truncated after {mb:g} MB]"
NOTEBOOK_TRUNCATED = "[autograder: output truncated: the notebook's output reached {mb:g} MB]"
LIMIT_ERROR = "NotebookLimit"  # a limit of the whole notebook was reached at this cell
STOPPED_ERRORS = {"KernelDied", "KernelStuck", "NotRun", LIMIT_ERROR}


class LimitedKernelClient(AsyncKernelClient):
    """A client whose output channel refuses oversized messages from the kernel (ZMQ_MAXMSGSIZE).

    ZeroMQ receives a message whole before anyone can look at it: a notebook that prints or
    raises 100 MB at once would otherwise cost the grader that much memory per message, however
    little of it is kept. A larger message makes ZeroMQ drop the output channel for good, so
    that notebook's later outputs (and answers to the grader) are lost: its author's loss only.
    The shell channel is left alone (a reply is small, or an error the grader clips at once).
    """

    max_message_mb = Integer(96, help="largest output message accepted from a grading kernel").tag(
        config=True
    )

    def connect_iopub(self, identity: bytes | None = None) -> zmq.Socket[Any]:
        sock = self.context.socket(zmq.SUB)
        sock.linger = 1000
        sock.setsockopt(zmq.MAXMSGSIZE, self.max_message_mb * 1024 * 1024)  # before connect
        if identity:
            sock.identity = identity
        if getattr(self, "curve_publickey", None) is not None:  # as jupyter_client does
            sock.curve_secretkey = self.curve_secretkey
            sock.curve_publickey = self.curve_publickey
            sock.curve_serverkey = self.curve_publickey
        sock.connect(self._make_url("iopub"))
        sock.setsockopt(zmq.SUBSCRIBE, b"")
        return sock


class LimitedKernelManager(AsyncKernelManager):
    """A kernel started by the sandbox launcher, talking over unix sockets in a private folder."""

    client_class = DottedObjectName("autograder.execution.LimitedKernelClient")
    client_factory = Type(LimitedKernelClient, klass=AsyncKernelClient)

    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds per kernel").tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="address space per process (MB)").tag(config=True)
    file_size_mb = Integer(Limits.file_size_mb, help="largest file a kernel writes").tag(
        config=True
    )
    processes = Integer(Limits.processes, help="tasks (processes+threads)").tag(config=True)
    isolate = Bool(True, help="namespaces, private file view, own uid").tag(config=True)
    read_only_paths = List(Unicode(), help="more paths a kernel may read").tag(config=True)

    # Whose submission the kernel runs, from nbgrader's record (GuardedExecute sets it): the
    # notebook's own seeds come from labkit.student, which reads LABKIT_STUDENT_ID first.
    student_id = Unicode("")

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        env = dict(kw.pop("env", None) or os.environ)
        env.pop("LABKIT_STUDENT_ID", None)  # never the grader's own, or a passed-through one
        if self.student_id:
            env["LABKIT_STUDENT_ID"] = self.student_id
        result: tuple[list[str], dict[str, Any]] = await super()._async_pre_start_kernel(
            env=env, **kw
        )
        return result

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.private_dir = tempfile.mkdtemp(prefix="autograde-kernel-")
        # Removed with the manager even if no kernel ever ran or cleanup was never reached (an
        # interrupted grading run): such folders used to pile up in /tmp.
        weakref.finalize(self, shutil.rmtree, self.private_dir, True)
        self.connection_file = os.path.join(self.private_dir, "kernel.json")
        if os.name == "posix":  # unix sockets: the kernel's network namespace has no loopback
            os.mkdir(os.path.join(self.private_dir, "ipc"), 0o700)
            self.transport = "ipc"
            self.ip = os.path.join(self.private_dir, "ipc", "kernel")

    @property
    def limits(self) -> Limits:
        return Limits(
            self.cpu_seconds, self.memory_mb, self.file_size_mb, self.processes, self.isolate
        )

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command: list[str] = super().format_kernel_cmd(extra_arguments)
        if os.name != "posix":  # no setrlimit: the kernel runs as nbgrader would start it
            return command
        course = self.config.get("CourseDirectory", {}).get("root") or os.getcwd()
        # -P: the launcher starts in the submission folder and must not import from it.
        launcher = [
            sys.executable,
            "-P",
            "-m",
            "autograder.limits",
            f"--private-dir={self.private_dir}",
        ]
        launcher += [f"--course-root={course}", *self.limits.arguments()]
        launcher += [f"--read-only={path}" for path in self.read_only_paths]
        return [*launcher, "--", *command]

    def _read(self, name: str) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(Path(self.private_dir, name).read_text())
        except (OSError, ValueError):
            return {}
        return data

    def sandbox_report(self) -> dict[str, Any]:
        return self._read(REPORT)

    def why_it_ended(self) -> str:
        """The kernel is gone: why, in words for the student."""
        ending = self._read(EXIT)
        process = getattr(self.provisioner, "process", None)
        code = process.poll() if process is not None else None
        signum = ending.get("signal") or (-code if code is not None and code < 0 else None)
        exit_code = ending.get("exit_code", code if code is not None and code >= 0 else None)
        used = float(ending.get("cpu_seconds") or 0.0)
        if signum == signal.SIGKILL and used >= self.cpu_seconds:
            return f"it used its {self.cpu_seconds} s of CPU time"
        if signum == signal.SIGKILL:
            return f"it was killed (the memory limit is {self.memory_mb} MB)"
        if signum:
            return f"it crashed ({signal.Signals(signum).name})"
        if exit_code == 0:
            return "the notebook ended it (exit() or quit())"
        if exit_code is not None:
            return f"the notebook ended it with exit code {exit_code} (os._exit or sys.exit in a thread?)"
        return "it stopped for an unknown reason"

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        report = self.sandbox_report()
        if int(report.get("uid") or 0) >= UID_BASE and not report.get("pid_namespace"):
            # Without a PID namespace, processes the notebook detached (setsid) outlive the
            # kernel's process group; they all run as the kernel's own uid.
            isolation.kill_all_of(int(report["uid"]))
        if not restart:
            shutil.rmtree(self.private_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class GuardedExecute(Execute):  # type: ignore[misc]
    output_limit_mb = Float(1.0, help="output kept per cell (MB)").tag(config=True)
    stuck_grace_seconds = Float(
        3.0, help="after a timeout, how long an interrupted kernel has to answer"
    ).tag(config=True)
    notebook_seconds = Float(600.0, help="wall-clock seconds for the whole notebook").tag(
        config=True
    )
    max_code_cells = Integer(400, help="code cells run; a notebook with more stops there").tag(
        config=True
    )
    notebook_output_limit_mb = Float(
        8.0, help="output kept for the whole notebook, errors included (MB)"
    ).tag(config=True)
    error_limit_kb = Float(16.0, help="text kept of one error's message and traceback (KB)").tag(
        config=True
    )
    # JSON costs the grader many times its size to parse: a small limit keeps a hostile reply
    # from costing a grading process more than a few hundred MB.
    transfer_limit_mb = Float(32.0, help="plain data one grader request may bring back (MB)").tag(
        config=True
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(**kwargs)
        self._stopped: str | None = None
        self._used: dict[int, int] = {}
        self._noted: set[int] = set()
        self._total = 0
        self._started = monotonic()
        self._code_cells = 0
        self._lab = ""
        # The lab's hidden tests, found by the assignment nbgrader is grading. A lab without
        # them has no grader for its test cells (course check says so): those score 0.
        self._hidden: registry.LabTests | None = None
        self._source: SubmittedSource | None = None
        self._student = ""
        self._transfer: list[NotebookNode] | None = None  # outputs of a grader request

    # -- the notebook ----------------------------------------------------------------------
    def preprocess(
        self, nb: NotebookNode, resources: Any = None, km: Any = None
    ) -> tuple[NotebookNode, Any]:
        self._stopped, self._used, self._noted = None, {}, set()
        self._total, self._started, self._code_cells = 0, monotonic(), 0
        info = (resources or {}).get("nbgrader", {})
        course = self.config.get("CourseDirectory", {}).get("root") or os.getcwd()
        self._lab = str(info.get("assignment", ""))
        self._hidden = registry.load(Path(course), self._lab)
        self._student = str(info.get("student", ""))
        self._source = SubmittedSource.of_notebook(nb)
        nb, resources = super().preprocess(nb, resources, km)
        return nb, resources

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, index: int
    ) -> tuple[NotebookNode, Any]:
        self._check_assign_resources(resources)
        code = cell.cell_type == "code" and bool(cell.source.strip())
        if self._stopped is None and code and self._notebook_time_left() <= 0:
            self._limit_reached(cell, self._budget_message())
            return cell, resources
        if self._stopped is None and code:
            self._code_cells += 1
            if self._code_cells > self.max_code_cells:
                self._limit_reached(
                    cell,
                    f"the notebook has more than {self.max_code_cells} code cells (the limit for "
                    "grading); remove the cells you added to explore",
                )
                return cell, resources
        if self._stopped is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [error_output("NotRun", self._stopped)]
            return cell, resources
        if is_test_cell(cell):
            self._grade_here(cell, index)
            self.nb.cells[index] = cell
            return cell, resources
        self._execute(cell, index, store_history=True)
        return cell, resources

    def _execute(self, cell: NotebookNode, index: int, *, store_history: bool) -> None:
        """Run one cell; on a dead or stuck kernel, note it in the cell and stop the notebook."""
        try:
            self.execute_cell(cell, index, store_history=store_history)
        except DeadKernelError:
            why = self._why_it_ended()
            cell.outputs.append(error_output("KernelDied", f"the kernel stopped here: {why}"))
            self._stopped = f"not run: the kernel had stopped at an earlier cell ({why})"
            return
        timed_out = any(
            o.get("output_type") == "error" and o.get("ename") == self.error_on_timeout["ename"]
            for o in cell.get("outputs", [])
        )
        if timed_out and self._notebook_time_left() <= 1:  # cut short by the notebook's budget
            cell.outputs.append(error_output(LIMIT_ERROR, self._budget_message()))
            self._stopped = f"not run: {self._budget_message()}"
        if timed_out and not run_sync(self._async_answers)(self.stuck_grace_seconds):
            run_sync(self._async_stop_kernel)()
            message = (
                "the code kept running after the time limit and an interrupt (it catches "
                "KeyboardInterrupt?), or sent an output too large to receive "
                f"(over {self._max_message_mb()} MB), so the kernel was stopped"
            )
            cell.outputs.append(error_output("KernelStuck", message))
            self._stopped = "not run: the kernel was stopped at an earlier cell that did not end"

    def create_kernel_manager(self) -> Any:
        manager = super().create_kernel_manager()
        if isinstance(manager, LimitedKernelManager):
            manager.student_id = self._student
        return manager

    def on_cell_executed(self, **kwargs: Any) -> None:
        # nbgrader copies an error from the execute reply into the cell when its output never
        # arrived (lost with an output channel, say): clip it as output() clips the others.
        content = kwargs.get("execute_reply", {}).get("content", {})
        if content.get("status") == "error":
            room = int(self.error_limit_kb * 1024)
            content["evalue"] = clip(str(content.get("evalue", "")), room)
            content["traceback"] = [clip(str(t), room) for t in content.get("traceback", [])[:20]]
        super().on_cell_executed(**kwargs)

    def _max_message_mb(self) -> int:
        return int(
            getattr(self.kc, "max_message_mb", LimitedKernelClient.max_message_mb.default_value)
        )

    def _budget_message(self) -> str:
        return f"the notebook used its {self.notebook_seconds:g} s of wall-clock time for the whole notebook"  # fmt: skip

    def _limit_reached(self, cell: NotebookNode, why: str) -> None:
        """A notebook-wide limit: this cell says which (the student's message), later ones
        say "not run"."""
        cell.outputs = [error_output(LIMIT_ERROR, why)]
        self._stopped = f"not run: {why}"

    def _notebook_time_left(self) -> float:
        return self.notebook_seconds - (monotonic() - self._started)

    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        """A cell's time limit, cut to what is left of the notebook's wall-clock budget."""
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._notebook_time_left()) + 1)
        return left if timeout is None else min(int(timeout), left)

    # -- grader-side hidden tests ----------------------------------------------------------
    def _grade_here(self, cell: NotebookNode, index: int) -> None:
        """The verdict of a test cell, computed here from what the kernel hands over."""
        assert self._source is not None
        grade_id = cell.metadata["nbgrader"].get("grade_id", "")
        test = self._hidden.tests.get(grade_id) if self._hidden else None
        cell.outputs = []
        cell.execution_count = None
        if test is None:
            message = (
                f"the course has no grader-side test for {grade_id!r} "
                f"(hidden/{self._lab}.py); instructor: run `course check`"
            )
            cell.outputs = [error_output("NotGraded", message)]
            return
        link = KernelLink(self, index)
        course = Path(self.config.get("CourseDirectory", {}).get("root") or os.getcwd())
        submission = Submission(
            lab=self._lab,
            student=self._student,
            kernel=link,
            source=self._source,
            lab_folder=course / "source" / self._lab,
        )
        cell.outputs = verdict.run(test, submission, self.log)
        if link.stopped:
            cell.outputs.append(error_output("KernelDied", link.stopped))

    def _why_it_ended(self) -> str:
        if isinstance(self.km, LimitedKernelManager):
            return self.km.why_it_ended()
        return "it died"

    async def _async_answers(self, grace: float) -> bool:
        """Whether the kernel answers a kernel_info request within `grace` seconds."""
        assert self.kc is not None
        msg_id = self.kc.kernel_info()
        deadline = monotonic() + grace
        while (left := deadline - monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return False
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    async def _async_stop_kernel(self) -> None:
        assert self.km is not None
        await ensure_async(self.km.shutdown_kernel(now=True))

    # -- outputs ---------------------------------------------------------------------------
    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        kind, content = msg["msg_type"], msg["content"]
        if self._transfer is not None:  # a grader request: only its answer is read, capped
            return self._transfer_output(outs, msg, display_id, cell_index)
        if kind == "error":  # an error decides the grade: always kept, its text capped
            room = int(self.error_limit_kb * 1024)
            content["evalue"] = clip(str(content.get("evalue", "")), room)
            lines, kept_size = [], 0
            for line in content.get("traceback", [])[:200]:
                line = clip(str(line), room - kept_size)
                kept_size += len(line)
                lines.append(line)
                if kept_size >= room:
                    break
            content["traceback"] = lines
            self._total += len(content["evalue"]) + kept_size
            return super().output(outs, msg, display_id, cell_index)  # type: ignore[no-any-return]
        limit = int(self.output_limit_mb * 1024 * 1024)
        whole = int(self.notebook_output_limit_mb * 1024 * 1024)
        limit = max(0, min(limit, whole - self._total + self._used.get(cell_index, 0)))
        if kind == "stream":
            size = len(content.get("text", ""))
        else:
            size = sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._used.get(cell_index, 0)
        self._used[cell_index] = used + size
        self._total += min(size, max(0, limit - used))
        if used + size <= limit:
            return super().output(outs, msg, display_id, cell_index)  # type: ignore[no-any-return]
        room = max(0, limit - used)
        kept = None
        if kind == "stream" and room:
            clipped = {**msg, "content": {**content, "text": content["text"][:room]}}
            kept = super().output(outs, clipped, display_id, cell_index)
        elif kind == "execute_result":  # its value can be partial credit: keep a short form
            text = str(content.get("data", {}).get("text/plain", ""))[: max(room, 200)]
            short = {**msg, "content": {**content, "data": {"text/plain": text}, "metadata": {}}}
            kept = super().output(outs, short, display_id, cell_index)
        if (
            kind == "stream"
            and content.get("name") == "stderr"
            and not any(o.get("name") == "stderr" for o in outs)
        ):  # anything on stderr fails a test cell: that must survive the cut
            outs.append(new_output("stream", name="stderr", text="[stderr truncated]\n"))
        if cell_index not in self._noted:
            self._noted.add(cell_index)
            note = (
                TRUNCATED.format(mb=self.output_limit_mb)
                if limit >= int(self.output_limit_mb * 1024 * 1024)
                else NOTEBOOK_TRUNCATED.format(mb=self.notebook_output_limit_mb)
            )
            outs.append(new_output("stream", name="stdout", text=f"\n{note}\n"))
        return kept

    def _transfer_output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, index: int
    ) -> NotebookNode | None:
        assert self._transfer is not None
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            self._transfer.append(
                error_output(
                    str(content.get("ename", "Error"))[:80],
                    clip(str(content.get("evalue", "")), 2000),
                )
            )
            return None
        if kind != "display_data":
            return None  # what the student's function prints is not the grader's business
        text = content.get("data", {}).get(kernel_side.MIME)
        if isinstance(text, str) and len(text) <= self.transfer_limit_mb * 1024 * 1024:
            self._transfer.append(new_output("display_data", data={kernel_side.MIME: text}))
        elif isinstance(text, str):
            self._transfer.append(error_output("TooLarge", "the answer was too large to grade"))
        return None


def clip(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    return text[: max(0, room)] + f"... [autograder: {len(text) - room} more characters cut]"


class KernelLink:
    """The grader's requests, run in the student's kernel as cells that are never kept."""

    def __init__(self, executor: GuardedExecute, index: int) -> None:
        self.executor, self.index = executor, index
        self.stopped: str | None = None

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.executor._stopped is not None:
            self.stopped = self.stopped or self.executor._stopped
            raise BoundaryError(self.executor._stopped.removeprefix("not run: "))
        nonce = secrets.token_hex(8)
        cell = new_code_cell(boundary_code(json.dumps(payload), nonce))
        self.executor._transfer = []
        try:
            self.executor._execute(cell, self.index, store_history=False)
            answers = self.executor._transfer
        finally:
            self.executor._transfer = None
        stuck = [o for o in cell.get("outputs", []) if o.get("ename") in STOPPED_ERRORS]
        if self.executor._stopped is not None or stuck:
            self.stopped = str(stuck[-1].get("evalue")) if stuck else self.executor._stopped
            raise BoundaryError(f"while the grader ran your code, {self.stopped}")
        for output in [*answers, *cell.get("outputs", [])]:
            if output.get("output_type") == "error":
                name, value = output.get("ename", "Error"), output.get("evalue", "")
                if name == self.executor.error_on_timeout["ename"]:
                    raise BoundaryError("your code did not finish within the time limit of a cell")
                raise BoundaryError(f"the grader's request could not run ({name}: {value})")
        replies = [reply_of(str(o.get("data", {}).get(kernel_side.MIME, ""))) for o in answers]
        mine = [r for r in replies if r.get("nonce") == nonce]
        if len(mine) > 1:  # something in the kernel answered besides the grader's code
            raise BoundaryError("the kernel answered the grader's request more than once")
        if not mine:
            raise BoundaryError(
                "the kernel did not answer the grader's request (its output channel was closed "
                "by an output too large to receive, or code took over the notebook's display)"
            )
        return mine[0]


KERNEL_SIDE = Path(kernel_side.__file__).read_text(encoding="utf-8")


def boundary_code(request: str, nonce: str) -> str:
    """One statement that serves `request` in a namespace of its own (no name is left behind)."""
    return (
        f"(lambda __ns: (exec({KERNEL_SIDE!r}, __ns), __ns['serve']({request!r}, {nonce!r}, "
        "globals())))({'__name__': 'autograder_boundary'})\npass\n"
    )


class RepairCells(NbGraderPreprocessor):  # type: ignore[misc]
    """Sanitize step before OverwriteCells: see autograder.integrity.repair."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        repair(nb, resources, self.config)
        return nb, resources
