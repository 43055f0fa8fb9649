"""The book builds offline with zero warnings, every page executed, and no lab solution in it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.book.conftest import ROOT

# The first test using book_html pays for the cold build of the whole book.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
# Function names whose implementation the labs grade: the book explains them, never defines them.
LAB_ANSWERS = [
    "softmax", "top_k_filter", "top_p_filter", "sample_tokens", "entropy_bits", "success_rate_se",
    "clustered_se", "pass_at_k", "pass_hat_k", "paired_difference", "runs_needed", "tasks_needed",
]  # fmt: skip
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]-*.md"))
# Files the pages load instead of CDN copies (book/_vendor, see its README).
SHIPPED_ASSETS = [
    "_static/mathjax/tex-mml-chtml.js",
    "_static/requirejs/require.js",
    "_static/jupyter-widgets-glue.js",
    "_static/jupyter-widgets/embed-amd.js",
]


def test_every_chapter_is_built_with_outputs(book_html):
    assert len(CHAPTERS) >= 10
    for chapter in CHAPTERS:
        page = (book_html / chapter.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "cell_output" in page, f"{chapter.name}: no executed output"
        assert "Check your understanding" in page and "Further reading" in page, chapter.name


def test_every_figure_has_alt_text(book_html):
    for page in book_html.glob("*.html"):
        for tag in re.findall(r"<img[^>]*>", page.read_text(encoding="utf-8")):
            assert re.search(r'alt="[^"]+"', tag), f"{page.name}: {tag[:120]}"


def test_the_book_defines_no_lab_answer():
    for source in (ROOT / "book").glob("*.md"):
        text = source.read_text(encoding="utf-8")
        for name in LAB_ANSWERS:
            assert f"def {name}(" not in text, f"{source.name} defines {name}, a graded lab answer"


def test_search_index_and_bibliography(book_html):
    assert (book_html / "searchindex.js").exists()
    assert "post-mortem" in (book_html / "searchindex.js").read_text(encoding="utf-8").lower()
    bibliography = (book_html / "bibliography.html").read_text(encoding="utf-8")
    assert "A postmortem of three recent issues" in bibliography


def test_pages_load_scripts_and_styles_only_from_the_book(book_html):
    # Links to sources and launch buttons may point outside; what a page *loads* may not.
    loaded = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"')
    for page in sorted(book_html.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not loaded.findall(text), f"{page.name} loads {loaded.findall(text)}"
        for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
            assert cdn not in text, f"{page.name} names {cdn}"
    for asset in SHIPPED_ASSETS:
        assert (book_html / asset).stat().st_size > 0, f"{asset} missing from the built site"


def test_shipped_third_party_files_match_their_checksums():
    result = subprocess.run(
        [sys.executable, str(ROOT / "book" / "_vendor" / "update.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for licence in ("mathjax/LICENSE", "requirejs/LICENSE", "jupyter-widgets/LICENSE"):
        assert (ROOT / "book" / "_vendor" / "static" / licence).exists(), licence


def test_every_chapter_offers_notebook_and_source_downloads(book_html):
    for chapter in CHAPTERS:
        page = (book_html / chapter.with_suffix(".html").name).read_text(encoding="utf-8")
        for suffix in (".ipynb", ".md"):
            link = f"_sources/{chapter.stem}{suffix}"
            assert f'href="{link}"' in page, f"{chapter.name}: no {suffix} download button"
            assert (book_html / link).exists(), f"{link} is linked but missing"
        notebook = json.loads((book_html / f"_sources/{chapter.stem}.ipynb").read_text("utf-8"))
        assert any(cell.get("outputs") for cell in notebook["cells"]), f"{chapter.stem}.ipynb"


def test_binder_button_opens_the_chapter_from_the_repository(book_html):
    page = (book_html / CHAPTERS[1].with_suffix(".html").name).read_text(encoding="utf-8")
    links = re.findall(r'href="(https://mybinder\.org/v2/[^"]+)"', page)
    assert links, "no Binder launch button"
    assert "executablebooks/jupyter-book" not in links[0], "repository.url is not set"
    assert links[0].endswith(f"/main?urlpath=lab/tree/book/{CHAPTERS[1].name}"), links[0]


def test_book_folder_has_no_underscore_static(book_html):
    # jupyter-book injects every .js under every static path into every page once book/_static
    # exists: the shipped MathJax and widget bundles would then load (and fail) everywhere.
    assert not (ROOT / "book" / "_static").exists()
    page = (book_html / "intro.html").read_text(encoding="utf-8")
    assert "embed-amd.js" not in page and "require.js" not in page
