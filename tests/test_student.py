import subprocess
import sys

from labkit.student import SELF_LEARNER, student_id, student_seed


def test_explicit_id_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("LABKIT_STUDENT_ID", "ada")
    monkeypatch.setenv("JUPYTERHUB_USER", "someone-else")
    assert student_id(tmp_path) == "ada"


def test_autograde_folder_layout_names_the_student(monkeypatch, tmp_path):
    monkeypatch.delenv("LABKIT_STUDENT_ID", raising=False)
    folder = tmp_path / "autograded" / "grace" / "lab2-agent-variance"
    folder.mkdir(parents=True)
    assert student_id(folder) == "grace"


def test_hub_user_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv("LABKIT_STUDENT_ID", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "linus")
    assert student_id(tmp_path) == "linus"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert student_id(tmp_path) == SELF_LEARNER


def test_seeds_differ_by_student_and_experiment_and_are_stable_across_processes():
    seeds = {student_seed(e, s) for s in ("ada", "grace") for e in ("lab1", "lab2")}
    assert len(seeds) == 4
    script = "from labkit.student import student_seed; print(student_seed('lab1', 'ada'))"
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert int(other.stdout) == student_seed("lab1", "ada")
