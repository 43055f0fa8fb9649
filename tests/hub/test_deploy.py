"""What cannot run here (containers, Kubernetes, TLJH) is kept consistent with what can.

- The course image installs from pyproject.toml, the file the tests install from, and carries
  nothing a student must not read (the labs' sources are the solutions).
- The Helm values name only settings the Zero to JupyterHub chart defines (checked against the
  chart's schema for those sections, transcribed in z2jh_values_subset.schema.yaml).
- The hub settings (course_hub_config.py), the machine-wide nbgrader settings and the Helm
  values' Python snippet do what the guide says, run here against stand-ins for the hub's
  objects; the end-to-end test (test_hub_e2e.py) runs the first two in a real hub.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from traitlets.config import Config

from tests.hub.hubctl import DEPLOY, REPO

Z2JH = DEPLOY / "z2jh"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
STUDENTS_MUST_NOT_READ = {"labs", "tests", ".git", "."}


def _instructions(kind: str) -> list[str]:
    parser = DockerfileParser(path=str(Z2JH / "Dockerfile"))
    return [item["value"] for item in parser.structure if item["instruction"] == kind]


def _copies() -> list[tuple[list[str], str]]:
    copies = []
    for value in _instructions("COPY"):
        *sources, destination = shlex.split(value)
        assert not any(s.startswith("--from") for s in sources), "no copies from other stages"
        copies.append(([s for s in sources if not s.startswith("--")], destination))
    return copies


def test_the_image_runs_the_python_the_tests_run_on():
    base = DockerfileParser(path=str(Z2JH / "Dockerfile")).baseimage
    match = re.fullmatch(r"python:(\d+)\.(\d+)-slim-bookworm", base or "")
    assert match, f"unexpected base image {base!r}"
    assert tuple(map(int, match.groups())) == sys.version_info[:2]
    assert PYPROJECT["project"]["requires-python"] == f">={match[1]}.{match[2]}"


def test_the_image_installs_from_pyproject_and_nothing_else():
    copied_to = {}
    for sources, destination in _copies():
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: no such file in the repository"
            assert source.rstrip("/") not in STUDENTS_MUST_NOT_READ, f"the image copies {source}"
            copied_to[source] = destination
    project = copied_to["pyproject.toml"].rstrip("/")
    installs = []
    for command in _instructions("RUN"):
        for step in re.split(r"&&|;", command):
            words = shlex.split(step)
            if "pip" in " ".join(words[:4]) and "install" in words:
                installs.append(words[words.index("install") + 1 :])
    assert installs, "the image installs nothing with pip"
    extras_defined = set(PYPROJECT["project"]["optional-dependencies"])
    for arguments in installs:
        targets = [a for a in arguments if not a.startswith("-")]
        assert targets, arguments
        for target in targets:
            match = re.fullmatch(rf"{re.escape(project)}(?:\[([\w,]+)\])?", target)
            assert match, f"pip installs {target!r}: only the project itself, from pyproject.toml"
            assert set((match[1] or "").split(",")) - {""} <= extras_defined, target
    hub_extra = " ".join(PYPROJECT["project"]["optional-dependencies"]["hub"])
    assert "jupyterhub" in hub_extra and "nbgitpuller" in hub_extra
    assert _instructions("CMD") == ['["jupyterhub-singleuser"]']


def test_the_image_has_the_nbgrader_settings_the_hub_test_uses():
    assert (
        ["autograder/deploy/nbgrader_config.py"],
        "/etc/jupyter/nbgrader_config.py",
    ) in _copies()


def test_every_file_the_tljh_script_installs_exists():
    script = DEPLOY / "tljh" / "setup.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    paths = re.findall(r'"\$repo/([^"$]+)"', script.read_text(encoding="utf-8"))
    assert "autograder/deploy/nbgrader_config.py" in paths
    for path in paths:
        assert (REPO / path).exists(), f"setup.sh installs {path}, which does not exist"


# -- the Helm values ----------------------------------------------------------------------------
def _values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))
    return values


def _as_helm_installs_them() -> dict[str, Any]:
    """values.yaml plus the file the documented `--set-file` adds."""
    values = _values()
    hub_config = (DEPLOY / "course_hub_config.py").read_text(encoding="utf-8")
    values["hub"]["extraFiles"]["course-hub-config"]["stringData"] = hub_config
    return values


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = yaml.safe_load(
        (Path(__file__).parent / "z2jh_values_subset.schema.yaml").read_text(encoding="utf-8")
    )
    return schema


def test_the_helm_values_name_only_settings_the_chart_defines():
    jsonschema.validate(_as_helm_installs_them(), _schema())


@pytest.mark.parametrize(
    "path",
    [("singleuser", "memoryLimit"), ("hub", "extraConfigs"), ("cull", "idleTimeout")],
)
def test_a_misspelt_setting_is_refused(path):
    values = _as_helm_installs_them()
    values[path[0]][path[1]] = 1
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate(values, _schema())


def test_the_helm_values_mount_one_exchange_for_everyone():
    storage = _values()["singleuser"]["storage"]
    mounts = {m["name"]: m["mountPath"] for m in storage["extraVolumeMounts"]}
    volumes = {v["name"] for v in storage["extraVolumes"]}
    exchange = _values()["singleuser"]["extraEnv"]["NBGRADER_EXCHANGE_ROOT"]
    assert mounts["nbgrader-exchange"] == exchange and "nbgrader-exchange" in volumes
    limits = _values()["singleuser"]
    assert limits["cpu"]["limit"] and limits["memory"]["limit"]


def test_each_hub_user_gets_a_unix_id_of_their_own():
    c = Config()
    for snippet in _values()["hub"]["extraConfig"].values():
        exec(compile(snippet, "values.yaml:hub.extraConfig", "exec"), {"c": c})
    uid = c.KubeSpawner.uid
    users = [SimpleNamespace(user=SimpleNamespace(id=n, name=f"s{n}")) for n in (1, 2, 3)]
    assert len({uid(spawner) for spawner in users}) == 3
    assert all(uid(spawner) >= 100000 for spawner in users)  # never the image's uid 1000


# -- the hub's and nbgrader's settings ----------------------------------------------------------
def _load_config(path: Path, env: dict[str, str]) -> Config:
    c = Config()
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        namespace = {"get_config": lambda: c, "__file__": str(path)}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return c


def test_instructors_get_their_role_and_the_gradebook_students_do_not():
    secret = "postgresql+psycopg2://course:pw@db/course"
    c = _load_config(DEPLOY / "course_hub_config.py", {"COURSE_DB_URL": secret})
    assert c.Spawner.default_url == "/lab"
    everyone = dict(c.Spawner.environment.to_dict()["update"])
    assert everyone == {"COURSE_ROLE": "student"}
    (override,) = c.Spawner.group_overrides.values()
    assert override["groups"] == ["instructors"]
    assert override["spawner_override"]["environment"] == {
        "COURSE_ROLE": "instructor",
        "COURSE_DB_URL": secret,
    }
    without = _load_config(DEPLOY / "course_hub_config.py", {})
    (override,) = without.Spawner.group_overrides.values()
    assert "COURSE_DB_URL" not in override["spawner_override"]["environment"]


@pytest.mark.parametrize(
    ("env", "student_id"),
    [
        ({"JUPYTERHUB_USER": "alice", "COURSE_ROLE": "student"}, "alice"),
        ({"JUPYTERHUB_USER": "alice"}, "alice"),  # no role given: a student
        ({"JUPYTERHUB_USER": "teacher", "COURSE_ROLE": "instructor"}, None),
        ({}, None),  # not on a hub
    ],
)
def test_students_submit_under_their_hub_name(env, student_id):
    c = _load_config(DEPLOY / "nbgrader_config.py", {**env, "NBGRADER_EXCHANGE_ROOT": "/x"})
    assert c.Exchange.root == "/x"
    assert c.CourseDirectory.course_id == "ai-literacy"
    if student_id is None:
        assert "student_id" not in c.CourseDirectory
    else:
        assert c.CourseDirectory.student_id == student_id


def test_the_proxy_is_pinned_by_a_lockfile():
    import json

    folder = Path(__file__).parent
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    wanted = package["dependencies"]["configurable-http-proxy"]
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted
