"""course.toml: the course's own settings, refused whole with the file and setting at fault."""

from __future__ import annotations

import pytest

from autograder.settings import SettingsError, load_settings
from tests.autograder.conftest import LAB


def settings_file(course, text: str):
    (course.root / "course.toml").write_text(text)
    return course


def test_no_file_means_no_settings(course):
    assert load_settings(course).canvas_assignments == {}


def test_canvas_assignments_are_read(course):
    settings = load_settings(
        settings_file(course, f'[canvas.assignments]\n{LAB} = "Lab 0 (4410)"\n')
    )
    assert settings.canvas_column(LAB) == "Lab 0 (4410)" and settings.canvas_column("x") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[canvas.assignments]\nlab9 = "Lab 9 (1)"\n', "canvas.assignments.lab9: no such lab"),
        (f'[canvas.assignments]\n{LAB} = "Lab 0"\n', "the name and its Canvas id"),
        (f"[canvas.assignments]\n{LAB} = 4410\n", "the name and its Canvas id"),
        ("[canvas]\nassignment = {}\n", "unknown setting canvas.assignment"),
        ("[deadline]\n", "unknown setting 'deadline'"),
        ("[canvas.assignments\n", "not valid TOML"),
        ("canvas = 3\n", "[canvas] must be a table"),
    ],
)
def test_a_bad_setting_names_the_file_and_the_problem(course, text, problem):
    with pytest.raises(SettingsError) as refused:
        load_settings(settings_file(course, text))
    assert str(refused.value).startswith(str(course.root / "course.toml"))
    assert problem in str(refused.value)


def test_two_labs_cannot_fill_one_canvas_assignment(tmp_path):
    from autograder.quicklab import make_course

    course = make_course(tmp_path / "c")
    other = course.source / "lab9-other"
    other.mkdir()
    (other / "lab9-other.ipynb").write_text("{}")
    text = f'[canvas.assignments]\n{LAB} = "Lab 0 (4410)"\nlab9-other = "Other (4410)"\n'
    with pytest.raises(SettingsError, match="4410 is also given to"):
        load_settings(settings_file(course, text))


def test_the_shipped_settings_load_and_their_example_is_valid(tmp_path):
    """labs/course.toml ships commented out; uncommented, its example must be accepted."""
    from autograder.course import Course

    real = Course.locate()
    assert load_settings(real).canvas_assignments == {}
    text = (real.root / "course.toml").read_text()
    example = "\n".join(
        line.removeprefix("# ") for line in text.splitlines() if "=" in line or "[" in line
    )
    (tmp_path / "nbgrader_config.py").write_text("")
    for lab in real.labs():
        (tmp_path / "source" / lab).mkdir(parents=True)
        (tmp_path / "source" / lab / f"{lab}.ipynb").write_text("{}")
    (tmp_path / "course.toml").write_text(example)
    assert set(load_settings(Course.locate(tmp_path)).canvas_assignments) == set(real.labs())


def test_an_unknown_lab_in_the_mapping_names_its_line(course):
    text = f'# Canvas\n[canvas.assignments]\n{LAB} = "Lab 0 (4410)"\nlab9 = "Lab 9 (4419)"\n'
    with pytest.raises(SettingsError) as refused:
        load_settings(settings_file(course, text))
    assert str(refused.value) == (
        f"{course.root / 'course.toml'}, line 4: canvas.assignments.lab9: no such lab "
        f"(the labs are: {LAB})"
    )
