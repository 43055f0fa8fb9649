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
c.CourseDirectory.db_url = os.environ.get(
    "COURSE_DB_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db")
)
# A lab's text source (<lab>.lab.md, solutions and mark schemes included) is never released or
# collected: nbgrader copies a lab folder minus these names (autograder/labsource.py).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.lab.md"]

# Feedback must never show hidden tests (nbgrader shows them by default: jupyter/nbgrader#917),
# not even inside the context lines of a traceback, nor the mark schemes of written answers.
# HTML a student's notebook displays or writes is sanitised (SanitizeOutputs, and the course's
# feedback template again after rendering), and parts no person has graded yet read "to be
# graded" rather than 0 (MarkUngraded, after GetGrades; the template prints it).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback.MarkUngraded",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "autograder.feedback.StripTracebacks",
    "autograder.feedback.SanitizeOutputs",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# The feedback page's own exporter class, so that none of this reaches the formgrader's pages.
from autograder.feedback import TEMPLATE_NAME, template_dirs  # noqa: E402

c.GenerateFeedback.exporter_class = "autograder.feedback.FeedbackExporter"
c.FeedbackExporter.template_name = TEMPLATE_NAME
c.FeedbackExporter.extra_template_basedirs = template_dirs()
c.FeedbackExporter.sanitize_html = True  # the classic base: outputs cleaned, no scripts, no widgets
c.FeedbackExporter.filters = {"clean_html": "autograder.feedback.clean_html"}

# One cell may take at most this long; a lab's whole budget is 60 s on one core.
c.ExecutePreprocessor.timeout = 60
# A loop that swallows KeyboardInterrupt must fail that student, not the whole batch.
c.Execute.raise_on_iopub_timeout = False
c.Execute.interrupt_on_timeout = True

# Grading untrusted notebooks, in autograde only (`nbgrader validate` and students' own kernels
# are unchanged). Same steps as nbgrader's defaults, with two replaced or added:
# RepairCells puts back deleted tests and turns renamed or duplicated ids into ordinary cells;
# GuardedExecute runs each notebook in a sandboxed, resource-limited kernel (autograder/limits.py)
# and grades each test cell with the lab's grader-side hidden tests (labs/hidden/<lab>.py), which
# receive plain data from the kernel. The book's instructor guide says what is enforced.
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
    "autograder.feedback.SanitizeOutputs",  # what autograded/ keeps: HTML sanitised, no scripts
]
# Late submissions: the due dates, extensions and penalty rule are in course.toml (the instructor
# guide, "Deadlines and late work"); nbgrader's late-penalty step asks the course's rule.
c.AssignLatePenalties.plugin_class = "autograder.lateness.CourseLatePenalty"
# Per kernel: CPU seconds, address space and largest file (MB), processes + threads.
c.LimitedKernelManager.cpu_seconds = 600
c.LimitedKernelManager.memory_mb = 2048
c.LimitedKernelManager.file_size_mb = 64
c.LimitedKernelManager.processes = 128
c.GuardedExecute.output_limit_mb = 1.0
# Per notebook: wall-clock seconds, code cells run, output kept (errors included), the text kept
# of one error; and the largest message a grading process accepts from a kernel.
c.GuardedExecute.notebook_seconds = 600
c.GuardedExecute.max_code_cells = 400
c.GuardedExecute.notebook_output_limit_mb = 8.0
c.GuardedExecute.error_limit_kb = 16.0
c.LimitedKernelClient.max_message_mb = 96

# Students must not be able to edit the tests.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution"]
