"""A feedback preprocessor: error outputs keep their message but lose their traceback.

IPython tracebacks quote the failing cell with lines of context around the failing line, and
nbgrader's ClearHiddenTests clears a test cell's source but not its outputs: a student whose
visible test failed would see the hidden tests that follow it in the traceback. The message of
the error (our checks say what was expected, what was found and a hint) is what teaches, so it
stays.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool


class StripTracebacks(Preprocessor):
    # nbgrader registers feedback preprocessors without enabling them; nbconvert's default is off.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [
                        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ]
        return cell, resources
