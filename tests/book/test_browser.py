"""The built book in a real browser (Debian's headless Chromium driven by Playwright), offline.

Every page of the site is opened once from a loopback HTTP server. Any request for another host
is recorded and refused: a page that needs one is not offline-readable. Screenshots of every page
and of every widget explorer are saved in ARTIFACTS for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from tests.book.conftest import ROOT
from tests.browser import VIEWPORT, chromium_options

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ARTIFACTS = ROOT / "_build" / "test-artifacts" / "book-browser"
WIDGET_CHAPTERS = {
    "02-deterministic-and-probabilistic.html",
    "04-agents-compound-uncertainty.html",
    "05-measuring-with-error-bars.html",
}
# The browser asks every new site for /favicon.ico by itself; the book has none, and that 404
# is no page's doing.
BROWSER_OWN_REQUESTS = ("/favicon.ico",)

SETTLE = """async () => {
    // MathJax typesets after load; wait until it has finished (pages without math lack it).
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
        await window.MathJax.startup.promise;
    }
    // The embed manager renders widgets on load; give it a few frames to attach them.
    for (let i = 0; i < 20; i++) await new Promise((done) => requestAnimationFrame(done));
}"""

INSPECT = r"""() => {
    const outside = (node) => !node.parentElement.closest("pre, code, script, style, mjx-container, textarea");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const rawTex = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        if (outside(node) && (text.includes("$$") || text.includes("\\(") || text.includes("\\["))) {
            rawTex.push(text.trim().slice(0, 80));
        }
    }
    const maths = [...document.querySelectorAll("span.math, div.math")];
    return {
        brokenImages: [...document.images]
            .filter((img) => !img.complete || img.naturalWidth === 0)
            .map((img) => img.currentSrc.slice(0, 120) || img.outerHTML.slice(0, 120)),
        images: document.images.length,
        maths: maths.length,
        unrenderedMath: maths.filter((m) => !m.querySelector("mjx-container")).map((m) => m.textContent.slice(0, 80)),
        mathjaxOutputs: document.querySelectorAll("mjx-container").length,
        rawTex: rawTex,
        widgetViews: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
        renderedWidgets: document.querySelectorAll(".widget-interact").length,
        sliders: document.querySelectorAll(".widget-slider").length,
        staticFigures: [...document.querySelectorAll(".cell_output img")].filter(
            (img) => !img.closest(".jupyter-widgets") && img.naturalWidth > 0).length,
    };
}"""


@dataclass
class PageVisit:
    """What one page did in the browser."""

    name: str
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    inspection: dict[str, Any] = field(default_factory=dict)


def _fail(problems: list[str], what: str) -> None:
    """Fail with every problem found and where the screenshots are."""
    if problems:
        pytest.fail(f"{what}:\n  " + "\n  ".join(problems) + f"\nscreenshots: {ARTIFACTS}")


@dataclass
class Browser:
    """A fresh Chromium whose every request for a host other than the book's is refused."""

    context: BrowserContext
    external_requests: list[str]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, book_url: str) -> Iterator[Browser]:
    options = chromium_options()
    book_host = urlsplit(book_url).netloc
    external: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc == book_host:
            route.continue_()
        else:  # refused, so that a test run never reaches the network either
            external.append(url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh profile every session
            **options,
            viewport=VIEWPORT,
        )
        try:
            context.route("**/*", route)
            yield Browser(context, external)
        finally:
            context.close()


@pytest.fixture(scope="module")
def visits(browser: Browser, book_url: str, book_html: Path) -> dict[str, PageVisit]:
    """Open every page of the site once and record what happened."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    current: list[PageVisit] = []  # the page being visited, for the event handlers

    def on_console(message: Any) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            if not location.endswith(BROWSER_OWN_REQUESTS):
                current[-1].console_errors.append(f"{message.text} ({location})")

    def on_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith(BROWSER_OWN_REQUESTS):
            current[-1].failed_responses.append(f"{response.status} {response.url}")

    def on_request_failed(request: Any) -> None:
        if request.url not in browser.external_requests:  # those are reported as external
            current[-1].failed_responses.append(f"{request.failure} {request.url}")

    page = browser.context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: current[-1].page_errors.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    results = {}
    for html in sorted(book_html.glob("*.html")):
        visit = PageVisit(html.name, ARTIFACTS / f"{html.stem}.png")
        current.append(visit)
        before = len(browser.external_requests)
        page.goto(book_url + html.name, wait_until="networkidle")
        page.evaluate(SETTLE)
        page.wait_for_load_state("networkidle")  # fonts that typesetting asked for
        visit.inspection = page.evaluate(INSPECT)
        page.screenshot(path=visit.screenshot)
        for index, widget in enumerate(page.locator(".widget-interact").all()):
            widget.screenshot(path=ARTIFACTS / f"{html.stem}-widget{index + 1}.png")
        visit.external_requests = browser.external_requests[before:]
        results[html.name] = visit
    page.close()
    return results


def test_every_page_of_the_site_was_visited(visits):
    assert len(visits) >= 15
    assert {"intro.html", "search.html", "genindex.html"} <= visits.keys()
    assert all(visit.screenshot.stat().st_size > 0 for visit in visits.values())


def test_no_page_requests_anything_but_the_book(visits):
    _fail(
        [f"{v.name}: {url}" for v in visits.values() for url in v.external_requests],
        "pages requested other hosts (the book must read offline)",
    )


def test_every_page_loads_without_errors(visits):
    problems = []
    for visit in visits.values():
        problems += [f"{visit.name}: console: {error}" for error in visit.console_errors]
        problems += [f"{visit.name}: exception: {error}" for error in visit.page_errors]
        problems += [f"{visit.name}: {failure}" for failure in visit.failed_responses]
    _fail(problems, "pages logged errors")


def test_every_image_loads(visits):
    problems = [f"{v.name}: {src}" for v in visits.values() for src in v.inspection["brokenImages"]]
    _fail(problems, "images did not load")
    assert sum(v.inspection["images"] for v in visits.values()) >= 20  # the figures are there


def test_math_is_rendered_by_mathjax(visits):
    with_math = [v for v in visits.values() if v.inspection["maths"]]
    assert len(with_math) >= 5, "expected math on most chapters"
    problems = []
    for visit in with_math:
        found = visit.inspection
        if found["mathjaxOutputs"] < found["maths"]:
            problems.append(f"{visit.name}: {found['mathjaxOutputs']} of {found['maths']} typeset")
        problems += [f"{visit.name}: not typeset: {tex}" for tex in found["unrenderedMath"]]
    for visit in visits.values():
        problems += [
            f"{visit.name}: raw TeX on the page: {tex}" for tex in visit.inspection["rawTex"]
        ]
    _fail(problems, "math was not rendered")


def test_widget_explorers_render_with_a_static_figure_beside_them(visits):
    with_widgets = {name for name, v in visits.items() if v.inspection["widgetViews"]}
    assert with_widgets >= WIDGET_CHAPTERS, (
        f"widget state missing from {WIDGET_CHAPTERS - with_widgets}"
    )
    problems = []
    for name in sorted(with_widgets):
        found = visits[name].inspection
        if not (found["renderedWidgets"] and found["sliders"]):
            problems.append(f"{name}: the explorer's sliders were not rendered")
        if not found["staticFigures"]:
            problems.append(f"{name}: no static figure for readers without a kernel")
    _fail(problems, "widget explorers")


def test_search_page_finds_post_mortem(browser, book_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = len(browser.external_requests)
    page = browser.context.new_page()
    try:
        page.goto(book_url + "search.html?q=post-mortem", wait_until="networkidle")
        page.wait_for_selector("#search-results .search-summary", timeout=30_000)
        results = page.locator("#search-results ul.search li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        page.screenshot(path=ARTIFACTS / "search-post-mortem.png")
    finally:
        page.close()
    assert browser.external_requests[before:] == [], "the search page requested other hosts"
    assert results, f"search for post-mortem found nothing (screenshot in {ARTIFACTS})"
    assert any(href.startswith("09-post-mortem-practice.html") for href in results), results
