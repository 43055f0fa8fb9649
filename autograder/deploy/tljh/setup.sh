#!/usr/bin/env bash
# The course on one machine with The Littlest JupyterHub (TLJH), run once as root after TLJH's
# own installer:
#
#   git clone <this repository> /srv/course
#   sudo bash /srv/course/autograder/deploy/tljh/setup.sh INSTRUCTOR [MEMORY] [CPUS]
#
# INSTRUCTOR is the instructor's hub user name. MEMORY (default 2G) and CPUS (default 1) are each
# student's limits. What it does, step by step, is explained in the book's instructor guide
# ("Deploying on JupyterHub"); every step can be run again.
set -euo pipefail

instructor=${1:?usage: setup.sh INSTRUCTOR [MEMORY] [CPUS]}
memory=${2:-2G}
cpus=${3:-1}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
user_env=/opt/tljh/user          # the Python every user's server runs (TLJH's layout)
exchange=/srv/nbgrader/exchange  # where nbgrader_config.py expects it
course_id=ai-literacy

# 1. The course package into the users' environment, editable: labkit reads datasets/ from the
#    clone. The hub extra brings nbgitpuller (the book's JupyterHub launch buttons).
"$user_env/bin/python" -m pip install --quiet -e "$repo[hub]"

# 2. Students may read the library and data, never the labs' sources (the solutions), the
#    course's history or the tests: those stay with root, and the instructor gets a copy.
chmod -R go-rwx "$repo/labs" "$repo/.git" "$repo/tests"
home=$(getent passwd "jupyter-$instructor" | cut -d: -f6 || true)
if [ -z "$home" ]; then
  # TLJH creates the unix account "jupyter-<name>" at first login; create it now the same way.
  useradd --create-home --shell /bin/bash "jupyter-$instructor"
  home=/home/jupyter-$instructor
fi
if [ ! -d "$home/course" ]; then
  cp -r "$repo/labs" "$home/course"
  chown -R "jupyter-$instructor:" "$home/course"
fi
chmod 700 "$home"
install -d -m 700 -o "jupyter-$instructor" "$home/.jupyter"
install -m 644 -o "jupyter-$instructor" "$repo/autograder/deploy/instructor_nbgrader_config.py" \
  "$home/.jupyter/nbgrader_config.py"

# 3. The exchange: world-writable and sticky, with the course's folder made for the instructor
#    before any student could take its name.
install -d -m 1777 "$exchange"
install -d -m 755 -o "jupyter-$instructor" "$exchange/$course_id"

# 4. nbgrader settings for everyone, and the course's hub settings.
install -d -m 755 /etc/jupyter
install -m 644 "$repo/autograder/deploy/nbgrader_config.py" /etc/jupyter/nbgrader_config.py
install -m 644 "$repo/autograder/deploy/course_hub_config.py" \
  /opt/tljh/config/jupyterhub_config.d/course_hub_config.py
cat > /opt/tljh/config/jupyterhub_config.d/course_instructors.py <<PY
c.JupyterHub.load_groups = {"instructors": {"users": ["$instructor"]}}
PY

# 5. Per-student limits, the instructor as hub admin, and a reload.
tljh-config set limits.memory "$memory"
tljh-config set limits.cpu "$cpus"
tljh-config add-item users.admin "$instructor"
tljh-config reload
echo "done: the course is in $home/course; the exchange is $exchange"
