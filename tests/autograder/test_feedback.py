"""Feedback and autograded notebooks: student HTML sanitised, parts no person has graded yet
"to be graded", and grades.csv blank for a lab not handed in (autograder.feedback, .exporting)."""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import submissions
from autograder.course import Course, CourseError
from autograder.exporting import export
from autograder.feedback import clean_html, sanitize_markdown, sanitize_outputs
from autograder.grading import grade
from tests.autograder.conftest import LAB

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>',
    "<object data=x></object><embed src=x>",
    "<form action=https://example.org><input name=a><button>go</button></form>",
    '<span style="display:none">secret</span>',
    '<div style="position:fixed;top:0;opacity:0">over</div>',
    '<div class="hidden">x</div>',
    "<style>.score { display: none }</style>",
    "<scr<script></script>ipt>alert(1)</script>",
    "<svg onload=alert(1)></svg>",
    '<img src="data:image/svg+xml;base64,AAAA">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<base href=https://example.org><meta http-equiv=refresh content=0>",
]
DANGER = ("<script", "onerror", "onload", "javascript:", "<iframe", "<object", "<embed", "<form",
          "<input", "display", "position", "opacity", "hidden", "<style", "<svg", "data:text",
          "<base", "<meta")  # fmt: skip


@pytest.mark.parametrize("html", HOSTILE_HTML)
def test_hostile_html_is_cleaned(html: str) -> None:
    cleaned = clean_html(html).lower()
    assert not [d for d in DANGER if d in cleaned], cleaned


def test_honest_html_and_markdown_are_kept() -> None:
    table = (
        '<table border="1" class="dataframe"><tr style="text-align: right;"><th>a</th></tr></table>'
    )
    assert clean_html(table).startswith('<table border="1" class="dataframe">')
    markdown = (
        "# Result\n\nThe mean is *0.5* with a < b and `x <b>`\n\n> a quote\n\n"
        "```python\nx = 1 < 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "![plot](https://example.org/p.png) [docs](https://example.org) $x^2$"
    )
    assert sanitize_markdown(markdown) == markdown


@pytest.mark.parametrize(
    "markdown",
    ["[x](javascript:alert(1))", "<javascript:alert(1)>", "hi <img src=x onerror=alert(1)>",
     '<span style="display:none">secret</span>', "<script>alert(1)</script>"],
)  # fmt: skip
def test_hostile_markdown_becomes_its_clean_rendering(markdown: str) -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = str(markdown2html_mistune(sanitize_markdown(markdown))).lower()
    # An autolink's text may still read "javascript:..." as plain text; no attribute may.
    danger = [*(d for d in DANGER if d != "javascript:"), '="javascript', "=javascript"]
    assert not [d for d in danger if d in rendered], rendered


def test_outputs_that_carry_code_are_dropped() -> None:
    outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/javascript": "alert(1)",
                "image/svg+xml": "<svg onload=alert(1)/>",
                "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "text/html": "<b>bold</b><script>alert(1)</script>",
                "text/plain": "bold",
            },
            metadata={"text/html": {"isolated": True}},
        ),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
    ]
    sanitize_outputs(outputs)
    assert dict(outputs[0].data) == {"text/html": "<b>bold</b>", "text/plain": "bold"}
    assert outputs[0].metadata == {}
    assert list(outputs[1].data) == ["text/plain"]


SHOW = (
    "from IPython.display import HTML, Javascript, display\n"
    "bad = ['<scr' + 'ipt>alert(1)</scr' + 'ipt>', '<img src=x on' + 'error=alert(1)>',\n"
    "       '<a href=\"java' + 'script:alert(1)\">x</a>', '<ifr' + 'ame src=x></ifr' + 'ame>',\n"
    "       '<span style=\"dis' + 'play:none\">hid</span>', '<fo' + 'rm><button>go</button></fo' + 'rm>']\n"
    "display(HTML(''.join(bad) + '<b>kept</b>'))\n"
    "display(Javascript('ale' + 'rt(2)'))"
)


@pytest.mark.slow
def test_feedback_is_sanitised_marks_parts_to_grade_and_the_csv_leaves_gaps(
    course: Course,
) -> None:
    course.release_lab(LAB)
    hostile = submissions.full(course, LAB)
    hostile.cells.append(nbformat.v4.new_code_cell(SHOW))
    hostile.cells.append(
        nbformat.v4.new_markdown_cell(
            "My notes <img src=x onerror=alert(3)> [x](javascript:alert(4))"
        )
    )
    submissions.write(course, LAB, "hostile", hostile)
    submissions.write(course, LAB, "blank", submissions.blank(course, LAB))
    report = grade(course, LAB, progress=False, backup=False, workers=2)
    scores = {r.student: (r.graded, r.auto_score) for r in report.results}
    assert scores == {"hostile": (True, 80.0), "blank": (True, 0.0)}

    page = (course.feedback / "hostile" / LAB / f"{LAB}.html").read_text()
    notebook = page[page.index('id="notebook-container"') :]  # after the page's own CSS
    for danger in ("onerror", "javascript", "<iframe", "display:none", "<form", "alert(2)"):
        assert danger not in notebook, danger
    assert "<script>alert" not in notebook and "<b>kept</b>" in notebook
    assert "80.0 / 100.0; 20.0 points still to be graded" in page
    assert "Score: to be graded / 20.0" in page and "Score: 40.0 / 40.0" in page

    autograded = course.notebook(LAB, "autograded", "hostile").read_text()
    for danger in (
        "onerror",
        "javascript:",
        "<script>",
        "application/javascript",
    ):
        assert danger not in autograded, danger

    with Gradebook(course.gradebook_url) as gradebook:
        gradebook.add_student("absent")
    with export(course).path.open() as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert (rows["absent"]["score"], rows["absent"]["max_score"]) == ("", "100.0")
    assert rows["blank"]["score"] == "0.0" and rows["hostile"]["score"] == "80.0"
    # 20 points of the lab are graded by hand and nobody has graded them yet.
    assert rows["hostile"]["hand_grading_pending"] == "yes"
    assert rows["absent"]["hand_grading_pending"] == ""
    with pytest.raises(CourseError, match="hand grading is pending"):
        export(course, "canvas", new_assignments=True)
    result = export(course, "canvas", allow_pending=True, new_assignments=True)
    canvas = {r[3]: r[-1] for r in csv.reader(result.path.open())}
    assert (canvas["absent"], canvas["blank"], canvas["hostile"]) == ("", "", "")
    assert sorted(result.pending[LAB]) == ["blank", "hostile"]
