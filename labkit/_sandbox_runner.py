"""The child side of labkit.sandbox: runs one candidate's tests in a fresh interpreter.

Started by labkit.sandbox as

    python -s -S -P -B _sandbox_runner.py REPORT_FD MEMORY_MB CPU_S TEST_NAME...

with the working directory set to a fresh temporary folder holding solution.py and
test_task.py (the test file already has its asserts rewritten to explain failures).

It imports only built-in modules (no json, no ast: each would add ~6 ms to a ~15 ms run).
Events go to REPORT_FD, an anonymous file opened by the parent, one Python literal per line:

    ("start", test_name)
    ("result", test_name, passed, message)
    ("error", message)          the solution or the test module could not be imported
    ("done",)

The candidate's prints go to stdout/stderr, which the parent only keeps as captured output,
so printing a fake report cannot forge a pass. Code that deliberately writes to the report
descriptor could; this sandbox guards against mistakes, not against an adversary.
"""

import os
import resource
import sys

_MAX_MESSAGE = 300
_MAX_REPR = 120


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _repr(value: object) -> str:
    try:
        return _short(repr(value), _MAX_REPR)
    except BaseException:  # a candidate's __repr__ may raise anything
        return f"<unrepresentable {type(value).__name__}>"


def _explain(op: str, left: object, right: object = None) -> str:
    """The message of a failed assert, in pytest's style: 'assert [] == ()'."""
    if op == "":
        return "assert " + _repr(left)
    if op == "not":
        return "assert not " + _repr(left)
    return f"assert {_repr(left)} {op} {_repr(right)}"


def _describe(exc: BaseException) -> str:
    """'ValueError: bad input (solution.py, line 4)': type, message and where in the solution."""
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable message>"
    if isinstance(exc, SyntaxError):
        return _short(f"{type(exc).__name__}: {text}", _MAX_MESSAGE)
    message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    location = ""
    tb = exc.__traceback__
    innermost_in_test = False
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith("solution.py"):
            location = f" (solution.py, line {tb.tb_lineno})"
        innermost_in_test = filename.endswith("test_task.py")
        tb = tb.tb_next
    if innermost_in_test:
        location = ""
    return _short(message, _MAX_MESSAGE - len(location)) + location


def _limit(which: int, soft: int, hard: int | None = None) -> None:
    # try/except rather than contextlib.suppress: importing contextlib costs start-up time
    try:  # noqa: SIM105
        resource.setrlimit(which, (soft, soft if hard is None else hard))
    except (ValueError, OSError):  # not permitted here (e.g. in some containers)
        pass


def _set_limits(memory_mb: int, cpu_s: int) -> None:
    mb = 1024 * 1024
    _limit(resource.RLIMIT_AS, memory_mb * mb)
    _limit(resource.RLIMIT_CPU, cpu_s, cpu_s + 1)
    _limit(resource.RLIMIT_FSIZE, 10 * mb)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NOFILE, 64)
    # No new processes or threads. Ignored for root, which is why the parent also kills the
    # whole process group.
    _limit(resource.RLIMIT_NPROC, 0)


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105
            stream.flush()
        except BaseException:  # the candidate may have closed or replaced the stream
            pass


def main() -> None:
    report_fd = int(sys.argv[1])
    memory_mb = int(sys.argv[2])
    cpu_s = int(sys.argv[3])
    test_names = sys.argv[4:]
    del sys.argv[1:]

    def report(*event: object) -> None:
        line = repr(event).encode("utf-8", "backslashreplace") + b"\n"
        os.write(report_fd, line)

    sys.path.insert(0, os.getcwd())
    with open("test_task.py", encoding="utf-8") as handle:
        test_source = handle.read()
    _set_limits(memory_mb, cpu_s)

    try:
        __import__("solution")
    except BaseException as exc:
        _flush_output()
        report("error", _describe(exc))
        return

    namespace: dict[str, object] = {"__name__": "test_task", "_sandbox_explain": _explain}
    try:
        exec(compile(test_source, "test_task.py", "exec"), namespace)
    except BaseException as exc:
        _flush_output()
        report("error", "while importing the tests: " + _describe(exc))
        return

    for name in test_names:
        report("start", name)
        test = namespace.get(name)
        try:
            if not callable(test):
                raise LookupError(f"test function {name} not found")
            test()
        except BaseException as exc:
            _flush_output()
            report("result", name, False, _describe(exc))
        else:
            _flush_output()
            report("result", name, True, "")
    report("done")


if __name__ == "__main__":
    main()
