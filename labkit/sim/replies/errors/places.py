"""How a reply names where an error happened: "line 14 of app.py, in `total()`", "`pandas`".

A traceback prints absolute paths and Python's own names for frames (`<module>`,
`<listcomp>`); a person gives the file's name and says "at module level". The library a frame
belongs to is named by its package, or as the standard library's module.
"""

from __future__ import annotations

import re

from labkit.sim.replies.errors.pasted import Frame

_COMPREHENSIONS = {
    "<listcomp>": "in a list comprehension",
    "<dictcomp>": "in a dict comprehension",
    "<setcomp>": "in a set comprehension",
    "<genexpr>": "in a generator expression",
    "<lambda>": "in a lambda",
}


def place(frame: Frame) -> str:
    """Where a frame is, as a reader says it: "line 14 of app.py, in `total()`"."""
    file = shown_file(frame.file)
    if frame.line is None:
        return f"the test `{frame.function}` in {file}" if frame.function else file
    where = f"line {frame.line} of {file}"
    function = (frame.function or "").split("(")[0].strip()
    if not function:
        return where
    if function == "<module>":
        return f"{where}, at module level"
    if function in _COMPREHENSIONS:
        return f"{where}, {_COMPREHENSIONS[function]}"
    return f"{where}, in `{function}()`"


def shown_file(path: str) -> str:
    """A relative path as given; an absolute one by its file name (with its folder when the name
    alone says nothing, as `__init__.py` does)."""
    parts = [p for p in re.split(r"[/\\]", path) if p]
    absolute = path.startswith(("/", "~", "\\")) or bool(re.match(r"[A-Za-z]:", path))
    if not parts:
        return path
    if not absolute and len(parts) <= 3:
        return "/".join(parts)
    if parts[-1] in ("__init__.py", "__main__.py") and len(parts) > 1:
        return "/".join(parts[-2:])
    return parts[-1]


def library_name(path: str) -> str:
    """The library a frame belongs to: "`pandas`", "the standard library's `asyncio`"."""
    found = re.search(r"(?:site|dist)-packages[/\\]([^/\\]+)", path)
    if found:
        return f"`{found.group(1).removesuffix('.py').lstrip('_')}`"
    found = re.search(
        r"[/\\]lib(?:64)?[/\\]python\d[\d.]*[/\\]([^/\\]+)|[/\\]Lib[/\\]([^/\\]+)", path
    )
    if found:
        return f"the standard library's `{(found.group(1) or found.group(2)).removesuffix('.py')}`"
    frozen = re.match(r"<frozen ([\w.]+)>", path)
    if frozen:
        return f"the standard library's `{frozen.group(1).split('.')[0]}`"
    if path.startswith("<"):
        return f"code generated at run time (`{path}`)"
    return f"`{shown_file(path)}`"
