"""How autograde runs a notebook: nbgrader's Execute, hardened against hostile notebooks.

The course config (labs/nbgrader_config.py) puts `GuardedExecute` in place of nbgrader's Execute
in autograde's pipeline only, so `nbgrader validate` and students' own kernels are unchanged.
On top of nbgrader's Execute it:
- starts kernels through `LimitedKernelManager`: the sandbox launcher of autograder.limits, and
  unix-socket transport (the kernel has no network, not even loopback);
- keeps at most `output_limit_mb` of output per cell (100 MB of prints must not reach the
  feedback or the memory of the grader) without ever dropping an error or the last stderr;
- when the kernel dies (os._exit, a crash, the CPU limit) or will not stop after a cell's time
  limit (a loop that swallows KeyboardInterrupt), stops it and marks every later code cell
  "not run": a test cell with no output would otherwise get full marks;
- after the last cell, runs a probe in the same kernel: a failing assertion must still reach
  the grader, the checks the tests imported must still be the library's own, and each known
  checking helper must still fail a wrong answer. A notebook that changed any of that (IPython
  event hooks, input transformers, monkeypatched numpy.testing...) scores 0 on every test cell.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Integer, List, Unicode

from autograder import isolation
from autograder.grader import kernel_side, registry, verdict
from autograder.grader.source import SubmittedSource
from autograder.grader.submission import BoundaryError, Submission, reply_of
from autograder.integrity import repair
from autograder.limits import EXIT, REPORT, UID_BASE, Limits
from autograder.screen import locked_imports

PROBE_MARK = "autograder-probe"
TRUNCATED = "[autograder: output truncated after {mb:g} MB]"
NOTEBOOK_TRUNCATED = "[autograder: output truncated: the notebook's output reached {mb:g} MB]"
STOPPED_ERRORS = {"KernelDied", "KernelStuck", "NotRun", "GradingIntegrityError"}


def error_output(name: str, message: str) -> NotebookNode:
    output: NotebookNode = new_output(
        "error", ename=name, evalue=message, traceback=[f"{name}: {message}"]
    )
    return output


class LimitedKernelManager(AsyncKernelManager):
    """A kernel started by the sandbox launcher, talking over unix sockets in a private folder."""

    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds per kernel").tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="address space per process (MB)").tag(config=True)
    file_size_mb = Integer(Limits.file_size_mb, help="largest file a kernel writes").tag(
        config=True
    )
    processes = Integer(Limits.processes, help="tasks (processes+threads)").tag(config=True)
    isolate = Bool(True, help="namespaces, private file view, own uid").tag(config=True)
    read_only_paths = List(Unicode(), help="more paths a kernel may read").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.private_dir = tempfile.mkdtemp(prefix="autograde-kernel-")
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
        launcher = [sys.executable, "-m", "autograder.limits", f"--private-dir={self.private_dir}"]
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


def probe_source(bindings: list[tuple[str, str, str | None]], nonce: str) -> str:
    """Code that must end in AssertionError('<nonce>|<problems>'), run after the last cell."""
    return PROBE_TEMPLATE.replace("NONCE", nonce).replace("BINDINGS", repr(bindings))


PROBE_TEMPLATE = """
def _probe_NONCE(bindings):
    import builtins, math, sys
    problems, space = [], globals()
    def must_fail(label, call):
        try:
            call()
        except AssertionError:
            return
        except Exception as error:
            problems.append(f"{label} raised {type(error).__name__} on a wrong answer")
            return
        problems.append(f"{label} accepted a wrong answer")
    def from_notebook(value):
        return getattr(value, "__module__", None) == "__main__"
    for name, module, attr in bindings:
        # Unbound is no gain: deleted, or never bound because its cell raised before the import
        # ran (a wrong answer checked above it). Only a name bound to something else is.
        if name not in space:
            continue
        mod = sys.modules.get(module)
        want = mod if attr is None else getattr(mod, attr, None)
        if mod is None or space[name] is not want:
            problems.append(f"{name} is no longer {module}{'.' + attr if attr else ''}")
    for module in ("builtins", "math", "labkit.checks", "numpy.testing", "pandas.testing"):
        found = sys.modules.get(module)
        for name, value in (list(vars(found).items()) if found else []):
            if from_notebook(value):
                problems.append(f"{module}.{name} was replaced by notebook code")
    checks = sys.modules.get("labkit.checks")
    if checks is not None:
        must_fail("check", lambda: checks.check(False, "p", expected="a", found="b", hint="c"))
        must_fail("check_close", lambda: checks.check_close(0.0, 1.0, "p", hint="c"))
        must_fail("check_all_close", lambda: checks.check_all_close([0.0], [1.0], "p", hint="c"))
        must_fail("check_type", lambda: checks.check_type(1, str, "p", "c"))
        must_fail("check_raises", lambda: checks.check_raises(lambda: None, ValueError, "p", "c"))
    nt = sys.modules.get("numpy.testing")
    if nt is not None:
        must_fail("numpy.testing.assert_allclose", lambda: nt.assert_allclose(0.0, 1.0))
        must_fail("numpy.testing.assert_array_equal", lambda: nt.assert_array_equal([0], [1]))
        must_fail("numpy.testing.assert_equal", lambda: nt.assert_equal(0, 1))
        must_fail("numpy.testing.assert_almost_equal", lambda: nt.assert_almost_equal(0.0, 1.0))
    pt, pd = sys.modules.get("pandas.testing"), sys.modules.get("pandas")
    if pt is not None and pd is not None:
        must_fail("pandas.testing.assert_frame_equal",
                  lambda: pt.assert_frame_equal(pd.DataFrame({"a": [0]}), pd.DataFrame({"a": [1]})))
        must_fail("pandas.testing.assert_series_equal",
                  lambda: pt.assert_series_equal(pd.Series([0]), pd.Series([1])))
    def bare():
        assert 0 == 1
    must_fail("assert", bare)
    if math.isclose(0.0, 1.0) or isinstance(1, str) or abs(-2) != 2 or len([1]) != 1:
        problems.append("built-in functions give wrong answers")
    return problems
try:
    raise AssertionError("NONCE|" + "|".join(_probe_NONCE(BINDINGS)))
finally:
    del _probe_NONCE
"""


def probe_verdict(cell: NotebookNode, nonce: str) -> str | None:
    """None when the probe's failure reached the grader unchanged, else what was tampered with."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("ename") == "AssertionError":
            value = str(output.get("evalue", ""))
            if value.startswith(nonce + "|"):
                problems = [p for p in value.split("|")[1:] if p]
                return "; ".join(problems[:3]) or None
    return "a failing check no longer reaches the grader (an IPython hook, transformer or handler)"


class GuardedExecute(Execute):  # type: ignore[misc]
    output_limit_mb = Float(1.0, help="output kept per cell (MB)").tag(config=True)
    stuck_grace_seconds = Float(
        3.0, help="after a timeout, how long an interrupted kernel has to answer"
    ).tag(config=True)
    check_integrity = Bool(
        True, help="labs without grader-side tests: run the tampering probe after the last cell"
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
    transfer_limit_mb = Float(64.0, help="plain data one grader request may bring back (MB)").tag(
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
        self._hidden = registry.load(Path(course), str(info.get("assignment", "")))
        self._student = str(info.get("student", ""))
        self._source = SubmittedSource.of_notebook(nb) if self._hidden else None
        nonce = secrets.token_hex(8)
        probe: NotebookNode | None = None
        ran: list[NotebookNode] = []
        if self.check_integrity and self._hidden is None:
            source = probe_source(locked_imports(nb), nonce)
            probe = new_code_cell(source, metadata={PROBE_MARK: True})
            nb.cells.append(probe)
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            if probe is not None:
                ran = [c for c in nb.cells if c.get("metadata", {}).get(PROBE_MARK)]
                nb.cells = [c for c in nb.cells if not c.get("metadata", {}).get(PROBE_MARK)]
        ended_in_probe = bool(ran) and any(
            o.get("ename") in ("KernelDied", "KernelStuck") for o in ran[0].get("outputs", [])
        )
        if probe is not None and (self._stopped is None or ended_in_probe):
            # A kernel that dies or hangs just when the probe runs (a timer, say) hides nothing.
            verdict = (
                "the kernel stopped during the integrity check after the last cell"
                if ended_in_probe or not ran
                else probe_verdict(ran[0], nonce)
            )
            if verdict:
                self.log.warning("Tampering detected: %s", verdict)
                message = f"tampering detected: {verdict}; every test scores 0"
                for cell in nb.cells:
                    if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                        cell.outputs.append(error_output("GradingIntegrityError", message))
        return nb, resources

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, index: int
    ) -> tuple[NotebookNode, Any]:
        self._check_assign_resources(resources)
        if self._stopped is None and self._notebook_time_left() <= 0:
            self._stopped = (
                f"not run: the notebook used its {self.notebook_seconds:g} s of wall-clock time "
                "for the whole notebook"
            )
        if self._stopped is None and cell.cell_type == "code" and cell.source.strip():
            self._code_cells += 1
            if self._code_cells > self.max_code_cells:
                self._stopped = (
                    f"not run: the notebook has more than {self.max_code_cells} code cells "
                    "(the limit for grading); remove the cells you added to explore"
                )
        if self._stopped is not None:
            if (
                cell.cell_type == "code"
                and cell.source.strip()
                and not cell.metadata.get(PROBE_MARK)
            ):
                cell.outputs = [error_output("NotRun", self._stopped)]
            return cell, resources
        if self._hidden is not None and is_test_cell(cell):
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
        if timed_out and not run_sync(self._async_answers)(self.stuck_grace_seconds):
            run_sync(self._async_stop_kernel)()
            message = (
                "the code kept running after the time limit and an interrupt (it catches "
                "KeyboardInterrupt?), so the kernel was stopped"
            )
            cell.outputs.append(error_output("KernelStuck", message))
            self._stopped = "not run: the kernel was stopped at an earlier cell that did not end"

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
        assert self._hidden is not None and self._source is not None
        grade_id = cell.metadata["nbgrader"].get("grade_id", "")
        test = self._hidden.tests.get(grade_id)
        cell.outputs = []
        cell.execution_count = None
        if test is None:
            message = (
                f"the course has no grader-side test for {grade_id!r} "
                f"({self._hidden.path.name}); instructor: run `course check`"
            )
            cell.outputs = [error_output("NotGraded", message)]
            return
        link = KernelLink(self, index)
        course = Path(self.config.get("CourseDirectory", {}).get("root") or os.getcwd())
        submission = Submission(
            lab=self._hidden.lab,
            student=self._student,
            kernel=link,
            source=self._source,
            lab_folder=course / "source" / self._hidden.lab,
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


def is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"))


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
        for output in answers:
            reply = reply_of(str(output.get("data", {}).get(kernel_side.MIME, "")))
            if reply.get("nonce") == nonce:
                return reply
        raise BoundaryError("the kernel did not answer the grader's request")


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
