"""JupyterHub settings for the course, the same file for both deployments.

Single machine (The Littlest JupyterHub): copy to /opt/tljh/config/jupyterhub_config.d/.
Kubernetes (Zero to JupyterHub): `--set-file hub.extraFiles.course-hub-config.stringData=` this
file; the chart loads it from /usr/local/etc/jupyterhub/jupyterhub_config.d/.
The hub group "instructors" is defined by each deployment (tljh/setup.sh, z2jh/values.yaml).
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (JupyterHub injects get_config)

# Students land in JupyterLab, where nbgrader's assignment list is.
c.Spawner.default_url = "/lab"

# Everyone is a student unless the hub says otherwise: nbgrader_config.py then submits under the
# hub name. Members of the "instructors" group get their role and, when the hub has one, the
# PostgreSQL gradebook URL (kept out of students' servers: it carries a password).
_instructor_env = {"COURSE_ROLE": "instructor"}
if os.environ.get("COURSE_DB_URL"):
    _instructor_env["COURSE_DB_URL"] = os.environ["COURSE_DB_URL"]
c.Spawner.environment.update({"COURSE_ROLE": "student"})
c.Spawner.group_overrides = {
    "10-course-instructors": {
        "groups": ["instructors"],
        "spawner_override": {"environment": _instructor_env},
    }
}
