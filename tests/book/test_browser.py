"""The built book in a real browser (Debian's headless Chromium driven by Playwright), offline.

Every page of the site is opened once from a loopback HTTP server. Any request for another host
is recorded and refused: a page that needs one is not offline-readable. Screenshots of every page
and of every widget explorer are saved in ARTIFACTS for a person to look at.

Every page is also checked with axe-core (WCAG 2.1 A and AA rules, the theme and the extensions
included) in light mode; its report for each page is saved in ARTIFACTS as <page>-axe.json.
axe-core comes from tests/book/package-lock.json (`make install` runs `npm ci --prefix tests/book`).
"""

from __future__ import annotations

import json
import os
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
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Violations of these impacts fail the test; minor and moderate ones are in the reports.
AXE_FAILING_IMPACTS = ("serious", "critical")
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
        // Formulas are read, not operated: none may be a stop of the keyboard's tab order, but
        // one wider than its column scrolls, and a keyboard can only scroll what it can focus.
        focusableMath: [...document.querySelectorAll("mjx-container, mjx-container *")].filter(
            (node) => node.hasAttribute("tabindex") && node.tabIndex >= 0 && !(
                ["auto", "scroll"].includes(getComputedStyle(node).overflowX)
                && node.scrollWidth > node.clientWidth + 1)).length,
    };
}"""

AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    const nodes = (rule) => rule.nodes.map((node) => ({
        target: node.target, impact: node.impact, html: node.html.slice(0, 300),
        summary: node.failureSummary || "",
    }));
    return {
        version: axe.version,
        url: result.url,
        violations: result.violations.map((rule) => ({
            id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl,
            tags: rule.tags, nodes: nodes(rule),
        })),
        incomplete: result.incomplete.map((rule) => ({
            id: rule.id, impact: rule.impact, help: rule.help, nodes: rule.nodes.length,
        })),
        passes: result.passes.map((rule) => rule.id),
    };
}"""


def axe_report(page: Any) -> dict[str, Any]:
    """axe-core's WCAG 2.1 A/AA verdict on the page open in `page` (axe is injected into it)."""
    page.add_script_tag(path=str(AXE))
    report: dict[str, Any] = page.evaluate(AXE_RUN, AXE_TAGS)
    return report


def axe_problems(name: str, report: dict[str, Any]) -> list[str]:
    """One line per element that breaks a serious or critical rule: page, rule, impact, target."""
    return [
        f"{name}: {rule['id']} ({node['impact'] or rule['impact']}): "
        f"{' '.join(map(str, node['target']))}: {rule['help']}"
        for rule in report["violations"]
        for node in rule["nodes"]
        if (node["impact"] or rule["impact"]) in AXE_FAILING_IMPACTS
    ]


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
    axe: dict[str, Any] | None = None  # axe-core's report, when axe-core is installed


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
    page.emulate_media(color_scheme="light")  # the theme's default mode follows the reader's
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
        if AXE.exists():
            visit.axe = axe_report(page)
            report = ARTIFACTS / f"{html.stem}-axe.json"
            report.write_text(json.dumps(visit.axe, indent=1), encoding="utf-8")
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


def test_no_serious_accessibility_violations(visits):
    if not AXE.exists():
        command = "make install (it runs `npm ci --prefix tests/book`; node and npm are needed)"
        if os.environ.get("CI"):
            pytest.fail(f"{AXE.relative_to(ROOT)} is missing in CI: {command}")
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: {command}")
    problems = []
    for visit in visits.values():
        assert visit.axe is not None and visit.axe["passes"], f"{visit.name}: axe did not run"
        problems += axe_problems(visit.name, visit.axe)
    _fail(problems, f"WCAG 2.1 A/AA violations (axe-core; reports *-axe.json in {ARTIFACTS})")


def test_formulas_are_not_in_the_tab_order(visits):
    problems = [
        f"{v.name}: {v.inspection['focusableMath']} focusable elements in formulas"
        for v in visits.values()
        if v.inspection["focusableMath"]
    ]
    _fail(problems, "formulas are tab stops (the keyboard should go from link to control)")


SLIDERS = """() => [...document.querySelectorAll('.widget-slider [role="slider"]')].map((handle) => {
    const label = document.getElementById(handle.getAttribute("aria-labelledby") || "");
    const readout = handle.closest(".widget-slider").querySelector(".widget-readout");
    return {
        name: label ? label.textContent.trim() : (handle.getAttribute("aria-label") || "").trim(),
        valuetext: handle.getAttribute("aria-valuetext"),
        readout: readout ? readout.textContent.trim() : null,
    };
})"""


def test_explorer_sliders_are_named_and_move_by_keyboard(browser, book_url):
    """Every slider is named by its label, moves with the arrow keys, and announces the value
    its readout shows (not the float arithmetic behind it, such as 2.9999999999999996)."""
    problems = []
    page = browser.context.new_page()
    try:
        for name in sorted(WIDGET_CHAPTERS):
            page.goto(book_url + name, wait_until="networkidle")
            page.evaluate(SETTLE)
            handles = page.locator('.widget-slider [role="slider"]')
            if not handles.count():
                problems.append(f"{name}: no slider")
            for index in range(handles.count()):
                start = page.evaluate(SLIDERS)[index]
                handles.nth(index).focus()
                for key in ("ArrowRight", "ArrowLeft"):  # left when it starts at its maximum
                    for _ in range(3):
                        page.keyboard.press(key)
                    page.evaluate(SETTLE)
                    moved = page.evaluate(SLIDERS)[index]
                    if moved["readout"] != start["readout"]:
                        break
                what = f"{name}: slider {moved['name'] or index + 1}"
                if not moved["name"]:
                    problems.append(f"{what}: no accessible name")
                if moved["readout"] == start["readout"]:
                    problems.append(f"{what}: does not move with the arrow keys")
                if moved["valuetext"] != moved["readout"]:
                    problems.append(
                        f"{what}: announces {moved['valuetext']!r}, shows {moved['readout']!r}"
                    )
    finally:
        page.close()
    _fail(problems, "widget sliders")


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
