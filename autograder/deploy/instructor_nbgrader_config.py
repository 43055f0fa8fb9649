"""The instructor's nbgrader settings: install as ~/.jupyter/nbgrader_config.py of each instructor.

nbgrader's formgrader (in the instructor's JupyterLab) reads its settings from the server's
folders, not from the course folder, so it would grade and write feedback without the course's
settings (feedback would then show hidden tests). This file points nbgrader at the course folder
and loads the course's own nbgrader_config.py, the one file every `course` command also uses.
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (nbgrader injects get_config)

_course = os.path.abspath(os.path.expanduser(os.environ.get("COURSE_ROOT", "~/course")))
c.CourseDirectory.root = _course
load_subconfig(os.path.join(_course, "nbgrader_config.py"))  # type: ignore[name-defined]  # noqa: F821
