"""The `labkit` command: bench, tasks and demo print what they promise; bad input exits 2."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labkit.cli import main
from labkit.tasks import default_suite_path


def test_bench_quick_prints_one_json_object():
    result = subprocess.run(
        [sys.executable, "-m", "labkit.cli", "bench", "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in ("sdk_messages_per_s", "server_messages_per_s", "suite_runs_per_s", "peak_rss_mb"):
        assert figures[key] > 0


def test_tasks_lists_the_suite(capsys):
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    assert "30 tasks, all valid" in out or "tasks, all valid" in out


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda d: (d / "test_task.py").write_text("def test_x(:\n    pass\n"),
            "test_task.py: SyntaxError",
        ),
        (lambda d: (d / "test_task.py").unlink(), "test_task.py"),
    ],
    ids=["syntax-error", "missing-test"],
)
def test_a_broken_task_is_reported_by_name(tmp_path, capsys, breakage, message):
    suite = tmp_path / "tasks"
    shutil.copytree(default_suite_path() / "clamp", suite / "clamp")
    breakage(suite / "clamp")
    assert main(["tasks", "--dir", str(suite)]) == 2
    err = capsys.readouterr().err
    assert "clamp" in err and message in err and "Traceback" not in err


def test_demo_prints_a_table_per_effort(capsys):
    assert main(["demo", "--epochs", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "medium" in out and "high" in out and "success_rate" in out


def test_readme_states_the_two_setup_commands():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    lines = [line.strip() for line in readme.splitlines()]
    assert "make demo" in lines and "make test" in lines
