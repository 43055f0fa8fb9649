"""Feedback preprocessors, and the sanitiser for what a student's notebook shows as HTML.

StripTracebacks: error outputs keep their message but lose their traceback. IPython tracebacks
quote the failing cell with lines of context around the failing line, and nbgrader's
ClearHiddenTests clears a test cell's source but not its outputs: a student whose visible test
failed would see the hidden tests that follow it in the traceback. The message of the error
(our checks say what was expected, what was found and a hint) is what teaches, so it stays.

SanitizeOutputs (autograde, last step, and feedback): HTML a student's code displayed, and
markdown the student wrote, reach the formgrader and the feedback page without scripts, event
handlers, javascript: links, frames, embedded objects, forms or style that can hide things:
bleach (nbconvert's own sanitiser) with an allowlist wide enough for tables and code. Output
types that are code (JavaScript, widget views, SVG) are dropped. The feedback template
(templates/course-feedback) sanitises rendered markdown and HTML outputs once more.

MarkUngraded (feedback, after GetGrades): parts that no person has graded yet say "to be
graded" instead of 0, and the total says how many points are still to come.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_NAME = "course-feedback"

TAGS = frozenset(
    ["a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
     "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
     "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
     "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
     "ul", "var"]
)  # fmt: skip
# Layout that can neither hide nor move anything: no display, visibility, opacity, position,
# size, margins, colours or fonts.
STYLES = frozenset(
    ["text-align", "font-weight", "font-style", "text-decoration", "vertical-align",
     "white-space", "border-collapse"]
)  # fmt: skip
# Classes pandas and pygments use; a page class (bootstrap's "hidden", "collapse") could hide.
CLASS = re.compile(
    r"(dataframe|highlight|hll|anchor-link|index_name|row_heading|col_heading|blank|data|level\d+|row\d+"
    r"|col\d+|language-[\w+-]+|[a-z][a-z0-9]?[a-z0-9]?)"
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
IMAGE_SRC = re.compile(r"(https?://|data:image/(png|jpeg|gif|webp);base64,)", re.I)
LINK = re.compile(r"(https?://|mailto:|#)", re.I)
# Elements whose whole content is code or style: removed before bleach, which would otherwise
# strip the tags and leave their text on the page. bleach alone decides what is safe.
CODE_ELEMENTS = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.I | re.S)
SAFE_OUTPUTS = {"text/plain", "text/latex", "image/png", "image/jpeg", "image/gif",
                "application/json"}  # fmt: skip
_CSS = CSSSanitizer(allowed_css_properties=STYLES)


def _attribute(tag: str, name: str, value: str) -> bool:
    if name in ("title", "alt", "style"):  # style: only the STYLES properties are kept
        return True
    if name == "class":
        return all(CLASS.fullmatch(token) for token in value.split())
    if tag == "a" and name == "href":
        return bool(LINK.match(value.strip())) or ":" not in value.split("/")[0]
    if tag == "img" and name in ("width", "height"):
        return value.strip().isdigit()
    if tag == "img" and name == "src":
        return bool(IMAGE_SRC.match(value.strip()))
    if tag in ("td", "th") and name in ("colspan", "rowspan", "align"):
        return True
    if tag in HEADINGS and name == "id":  # nbconvert's anchors for headings
        return True
    if tag == "table" and name == "border":
        return value.strip().isdigit()
    return tag == "ol" and name == "start"


def clean_html(html: str | bytes | object) -> str:
    """HTML safe to show on a page of ours (also registered as the templates' clean_html)."""
    text = html.decode() if isinstance(html, bytes) else str(html)
    return str(
        bleach.clean(
            CODE_ELEMENTS.sub("", text),
            tags=TAGS,
            attributes=_attribute,
            protocols={"http", "https", "mailto", "data"},  # data: only for images (_attribute)
            css_sanitizer=_CSS,
            strip=True,
            strip_comments=True,
        )
    )


class _Tags(HTMLParser):
    """Every start tag with its attributes, as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, sorted((name, _normal(name, value)) for name, value in attrs)))


def _normal(name: str, value: str | None) -> str:
    """An attribute's value as sanitising may rewrite it harmlessly (a style's spacing)."""
    if name == "style":
        return ";".join(
            sorted(p.split(":")[0].strip().lower() for p in (value or "").split(";") if p.strip())
        )
    return value or ""


def _tags(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.found


def is_safe_html(html: str) -> bool:
    """Whether sanitising would remove nothing (no tag, attribute or URL goes)."""
    return _tags(html) == _tags(clean_html(html))


def _render(markdown: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return str(markdown2html_mistune(markdown))


def sanitize_markdown(markdown: str) -> str:
    """Markdown as written when what it renders to is safe; else its sanitised rendering.

    Markdown links can carry javascript: URLs without any HTML, so the rendering is what is
    judged. A cleaned rendering stays one HTML block (a blank line would end it).
    """
    rendered = _render(markdown)
    if is_safe_html(rendered):
        return markdown
    cleaned = re.sub(r"\n\s*\n", "\n", clean_html(rendered)).strip()
    return f"<div>\n{cleaned}\n</div>"


def sanitize_outputs(outputs: list[NotebookNode]) -> None:
    """Outputs of a student's code cell, in place: HTML cleaned, code-carrying types dropped."""
    for output in outputs:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue  # streams and errors are text: the page escapes them
        data = output.get("data", {})
        for key in list(data):
            if key == "text/html":
                data[key] = clean_html(data[key])
            elif key == "text/markdown":
                data[key] = sanitize_markdown(str(data[key]))
            elif key not in SAFE_OUTPUTS:
                del data[key]  # JavaScript, widget views, SVG (can hold scripts), unknown types
        if not data:
            data["text/plain"] = "[output removed: its type cannot be shown safely]"
        # Only image sizes: "isolated" would put the HTML in a data: iframe of its own.
        metadata = output.get("metadata", {})
        output["metadata"] = {k: v for k, v in metadata.items() if k.startswith("image/")}


def sanitize_cell(cell: NotebookNode) -> None:
    """One cell, in place. Locked cells are the lab's own (nbgrader's OverwriteCells puts their
    source back from the gradebook): only their outputs are the student's."""
    locked = bool(cell.get("metadata", {}).get("nbgrader", {}).get("locked"))
    if cell.cell_type == "code":
        sanitize_outputs(cell.get("outputs", []))
    elif cell.cell_type == "markdown" and not locked:
        cell.source = sanitize_markdown(cell.source)
    elif cell.cell_type == "raw" and not locked:
        cell.source = clean_html(cell.source)


class SanitizeOutputs(Preprocessor):
    """Sanitise what a student's notebook shows as HTML (see the module's docstring)."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        sanitize_cell(cell)
        return cell, resources


class StripTracebacks(Preprocessor):
    # nbgrader registers feedback preprocessors without enabling them; nbconvert's default is off.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [
                        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ]
        return cell, resources


class MarkUngraded(Preprocessor):
    """After GetGrades: which graded parts no person has graded yet, and their points.

    A part is to be graded when it has neither an autograded nor a manual score (written
    answers, tasks, answers the autograder could not score); nbgrader counts it as 0 and its
    template prints 0. Sets metadata.nbgrader.to_be_graded on those cells and
    resources.nbgrader.to_be_graded (points) for the course's feedback template.
    """

    enabled = Bool(True).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        from nbgrader.api import Gradebook, MissingEntry

        info = resources["nbgrader"]
        pending = 0.0
        with Gradebook(info["db_url"]) as gradebook:
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if not (meta.get("grade") or meta.get("task")) or "grade_id" not in meta:
                    continue
                try:
                    grade = gradebook.find_grade(
                        meta["grade_id"], info["notebook"], info["assignment"], info["student"]
                    )
                except MissingEntry:
                    continue
                waiting = grade.auto_score is None and grade.manual_score is None
                meta["to_be_graded"] = waiting
                if waiting:
                    pending += float(grade.max_score or 0.0)
        info["to_be_graded"] = pending
        return nb, resources


class FeedbackExporter(HTMLExporter):
    """The feedback page's exporter: its own class, so that the course config can give it the
    course's template and sanitiser without changing the formgrader's HTMLExporter."""


def template_dirs() -> list[str]:
    """Where the course's feedback template and nbgrader's own (which it extends) are."""
    import nbgrader

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    return [str(TEMPLATES), str(formgrader)]
