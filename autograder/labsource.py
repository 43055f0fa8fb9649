"""A lab's source as text: `<lab>.lab.md` (MyST), paired through jupytext with `<lab>.ipynb`.

The text file is what diffs cleanly and what an instructor edits as text; the notebook is what
nbgrader reads and what the Create Assignment toolbar edits in JupyterLab. Both are committed
and must say the same thing: `course sync LAB` makes them agree (the newer one wins unless told
otherwise) and `course check` fails while they disagree, so no edit is lost silently.

Cell ids are stable: a cell's id is its nbgrader grade id, or else its `name` (written into the
cell's metadata the first time it is synced, from the cell before it), never its position, so
inserting a cell changes no other cell's id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jupytext
import nbformat
from nbformat import NotebookNode

TEXT_SUFFIX = ".lab.md"
TEXT_FORMAT = "md:myst"
FORMATS = "ipynb,.lab.md:myst"
VALID_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# What jupytext would otherwise write into the text file and change with every jupytext release.
METADATA_FILTER = "-jupytext.text_representation.jupytext_version"

Side = Literal["text", "notebook"]


class LabSourceError(Exception):
    """One line naming the file and what is wrong with it."""


@dataclass(frozen=True)
class LabFiles:
    folder: Path
    lab: str

    @property
    def text(self) -> Path:
        return self.folder / f"{self.lab}{TEXT_SUFFIX}"

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.lab}.ipynb"


def read(path: Path) -> NotebookNode:
    try:
        if path.name.endswith(TEXT_SUFFIX):
            nb: NotebookNode = jupytext.read(path, fmt=TEXT_FORMAT)
        else:
            nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError, KeyError) as error:
        raise LabSourceError(f"{path}: cannot be read as a notebook ({error})") from None
    return nb


def cell_name(cell: NotebookNode) -> str | None:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    name = grade_id or cell.get("metadata", {}).get("name")
    return str(name) if name else None


def normalise(nb: NotebookNode, where: Path) -> NotebookNode:
    """The canonical form both files are written from: stable ids, no outputs, pairing metadata."""
    seen: set[str] = set()
    previous, after_task = "cell", False
    for cell in nb.cells:
        name = cell_name(cell)
        if name is None:  # a cell with no grade id: named after the cell before it, once
            kind = "code" if cell.cell_type == "code" else "answer" if after_task else "text"
            base, n = f"{previous}-{kind}", 1
            name = base
            while name in seen:
                n += 1
                name = f"{base}-{n}"
            cell.metadata["name"] = name
        if not VALID_ID.match(name):
            raise LabSourceError(
                f"{where}: cell {name!r}: a grade id or name may only hold letters, digits, "
                "- and _ (at most 64)"
            )
        if name in seen:
            raise LabSourceError(
                f"{where}: two cells are named {name!r} (grade ids must be unique)"
            )
        seen.add(name)
        cell["id"] = name
        previous = name
        after_task = bool(cell.metadata.get("nbgrader", {}).get("task"))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["jupytext"] = {"formats": FORMATS, "notebook_metadata_filter": METADATA_FILTER}
    nb.metadata.pop("language_info", None)
    nb.nbformat, nb.nbformat_minor = 4, max(5, int(nb.get("nbformat_minor", 5)))
    return nb


def text_of(nb: NotebookNode) -> str:
    text: str = jupytext.writes(nb, fmt=TEXT_FORMAT)
    return text


def notebook_of(nb: NotebookNode) -> str:
    text: str = nbformat.writes(nb)
    return text + "\n"


def comparable(nb: NotebookNode) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (str(c.get("id")), c.cell_type, c.source.rstrip(), dict(c.metadata.get("nbgrader", {})))
        for c in nb.cells
    ]


def differences(files: LabFiles) -> list[str]:
    """How the text source and the notebook disagree (empty: they agree)."""
    missing = [p.name for p in (files.text, files.notebook) if not p.exists()]
    if missing:
        return [f"{files.folder}: missing {' and '.join(missing)}; run `course sync {files.lab}`"]
    text = comparable(normalise(read(files.text), files.text))
    book = comparable(normalise(read(files.notebook), files.notebook))
    found: list[str] = []
    ids_text, ids_book = [c[0] for c in text], [c[0] for c in book]
    if ids_text != ids_book:
        only_text = [i for i in ids_text if i not in ids_book]
        only_book = [i for i in ids_book if i not in ids_text]
        what = []
        if only_text:
            what.append(f"only in {files.text.name}: {', '.join(only_text[:5])}")
        if only_book:
            what.append(f"only in {files.notebook.name}: {', '.join(only_book[:5])}")
        found.append("cells differ (" + ("; ".join(what) or "order differs") + ")")
    for a, b in zip(text, book, strict=False):
        if a[0] == b[0] and a != b:
            part = "source" if a[2] != b[2] else "type" if a[1] != b[1] else "nbgrader settings"
            found.append(f"cell {a[0]!r}: the {part} differs")
    return found


def newer(files: LabFiles) -> Side:
    if not files.notebook.exists():
        return "text"
    if not files.text.exists():
        return "notebook"
    return "text" if files.text.stat().st_mtime >= files.notebook.stat().st_mtime else "notebook"


def sync(files: LabFiles, prefer: Side | None = None) -> Side:
    """Write both files from one side (the newer file by default); return the side used."""
    side = prefer or newer(files)
    origin = files.text if side == "text" else files.notebook
    if not origin.exists():
        raise LabSourceError(f"{origin}: not found; nothing to sync {files.lab} from")
    nb = normalise(read(origin), origin)
    text, book = text_of(nb), notebook_of(nb)
    for path, content in ((files.text, text), (files.notebook, book)):
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    return side


def in_sync(files: LabFiles) -> bool:
    return not differences(files)
