"""nbgrader settings for every user of the hub: install as /etc/jupyter/nbgrader_config.py.

Students have no course folder; this file is all their nbgrader (the assignment list, validate,
fetch, submit) knows. The instructor's own settings live in the course folder's
nbgrader_config.py (labs/nbgrader_config.py of the repository), loaded on top of this one.
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (nbgrader injects get_config)

# Where released labs, submissions and feedback meet. Every user must be able to write here:
# the folder is created mode 1777 (world-writable, sticky) by the deployment, and nbgrader itself
# makes <course>/inbound write-only for students (0733) and <course>/feedback unlistable (0711).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "ai-literacy")

# nbgrader names a student by their unix account, while the roster, Canvas and the labs' seeds
# (labkit.student) know the hub user. They are the same on a plain JupyterHub, but not on The
# Littlest JupyterHub (unix account "jupyter-<user>") or Kubernetes (every account is "jovyan").
# Students therefore submit and fetch feedback under their hub name. Instructors are marked by
# the hub (COURSE_ROLE, see course_hub_config.py) and keep nbgrader's default, every student.
_hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
if _hub_user and os.environ.get("COURSE_ROLE", "student") != "instructor":
    c.CourseDirectory.student_id = _hub_user
