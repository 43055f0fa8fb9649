"""nbgrader settings for the course. The `course` command runs nbgrader from this folder.

Everything nbgrader needs lives here, in one file, on purpose: nbgrader reads the course folder's
nbgrader_config.py reliably, while a --config file on the command line was measured not to take
effect for the feedback preprocessors (see the project's TOOLCHAIN notes).
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (nbgrader injects get_config)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "ai-literacy")
c.CourseDirectory.db_url = os.environ.get("COURSE_DB_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db"))
# A lab's text source (<lab>.lab.md, solutions and mark schemes included) is never released or
# collected: nbgrader copies a lab folder minus these names (autograder/labsource.py).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.lab.md"]

# Feedback must never show hidden tests (nbgrader shows them by default: jupyter/nbgrader#917),
# not even inside the context lines of a traceback, nor the mark schemes of written answers.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "autograder.feedback.StripTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# One cell may take at most this long; a lab's whole budget is 60 s on one core.
c.ExecutePreprocessor.timeout = 60
# A loop that swallows KeyboardInterrupt must fail that student, not the whole batch.
c.Execute.raise_on_iopub_timeout = False
c.Execute.interrupt_on_timeout = True

# Grading untrusted notebooks, in autograde only (`nbgrader validate` and students' own kernels
# are unchanged). Same steps as nbgrader's defaults, with two replaced or added:
# RepairCells puts back deleted tests and turns renamed or duplicated ids into ordinary cells;
# GuardedExecute runs each notebook in a sandboxed, resource-limited kernel (autograder/limits.py)
# with capped output and a tampering probe. The book's instructor guide says what is enforced.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "autograder.execution.RepairCells",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "autograder.execution.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Per kernel: CPU seconds, address space and largest file (MB), processes + threads.
c.LimitedKernelManager.cpu_seconds = 600
c.LimitedKernelManager.memory_mb = 2048
c.LimitedKernelManager.file_size_mb = 64
c.LimitedKernelManager.processes = 128
c.GuardedExecute.output_limit_mb = 1.0

# Students must not be able to edit the tests.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution"]
