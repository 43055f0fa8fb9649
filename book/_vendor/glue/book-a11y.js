// Accessibility fixes for the theme, its extensions and the widget explorers (BSD-3-Clause, ours).
// Loaded on every page (_config.yml: html_js_files). tests/book/test_browser.py checks every page
// with axe-core (WCAG 2.1 A and AA); each fix below answers one of its findings.
(function () {
  "use strict";

  // The theme's controls, whose accessible names must contain their visible text.
  function fixTheme() {
    // The search field is named "Search" but shows "Search Ctrl+K": named by what it shows
    // instead, with the shortcut also given the way assistive technology expects it.
    document.querySelectorAll(".search-button-field").forEach(function (button) {
      button.removeAttribute("aria-label");
      button.setAttribute("aria-keyshortcuts", "Control+K");
    });
    // The colour-mode button ("Color mode") holds three icons whose titles ("Light", "Dark",
    // "System Settings") count as its text. Font Awesome turns each <i> into an <svg> with a
    // <title> when it gets to it, so the titles are removed from both, now and whenever it does.
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      function untitle() {
        button.querySelectorAll("i[title]").forEach(function (icon) {
          icon.removeAttribute("title");
        });
        button.querySelectorAll("svg").forEach(function (icon) {
          icon.querySelectorAll("title").forEach(function (title) {
            title.remove();
          });
          icon.removeAttribute("aria-labelledby");
          icon.setAttribute("aria-hidden", "true");
        });
      }
      untitle();
      new MutationObserver(untitle).observe(button, { childList: true });
    });
    // A hidden code cell's toggle is named "Toggle hidden content" but reads "Show code cell
    // source": without the label its name is what it shows.
    document
      .querySelectorAll('summary[aria-label="Toggle hidden content"]')
      .forEach(function (summary) {
        summary.removeAttribute("aria-label");
      });
    // The bibliography: a list whose items carry the deprecated role doc-biblioentry, which
    // leaves the list without list items.
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }

  // Formulas are not tab stops (the MathJax menu, which made every one of them focusable, is off:
  // _config.yml, mathjax3_config). A displayed formula wider than its column scrolls sideways,
  // though, and a keyboard can only scroll what it can focus: such a formula, and only it, is
  // made focusable, again whenever the window's width changes.
  function fixFormulas() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (formula) {
      var scrolls = formula.scrollWidth > formula.clientWidth + 1;
      if (scrolls && !formula.hasAttribute("tabindex")) {
        formula.setAttribute("tabindex", "0");
        formula.setAttribute("data-book-scrolls", "");
      } else if (!scrolls && formula.hasAttribute("data-book-scrolls")) {
        formula.removeAttribute("tabindex");
        formula.removeAttribute("data-book-scrolls");
      }
    });
  }
  function whenTypeset(then) {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) mathjax.startup.promise.then(then);
    else window.addEventListener("load", then);
  }

  // The widget explorers, which the embed manager draws after the page has loaded.
  var labels = 0;
  function describe(interact) {
    var settings = [];
    interact.querySelectorAll(".widget-inline-hbox").forEach(function (control) {
      var label = control.querySelector(".widget-label");
      var value = control.querySelector(".widget-readout, select");
      if (label && value) {
        var text = value.tagName === "SELECT" ? value.options[value.selectedIndex].text : value.textContent;
        settings.push(label.textContent.trim() + " " + text.trim());
      }
    });
    return (
      "Plot drawn by this explorer for " + (settings.join(", ") || "its starting settings") +
      ". Without a running kernel it does not redraw when the controls move."
    );
  }
  function fixWidgets() {
    document.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      var readout = slider.querySelector(".widget-readout");
      if (label && label.getAttribute("title") === "null") label.removeAttribute("title");
      slider.querySelectorAll('[role="slider"]').forEach(function (handle) {
        // The slider's handle is named by the label beside it, as a <label for> would do.
        if (label && label.textContent.trim() && !handle.hasAttribute("aria-labelledby")) {
          if (!label.id) label.id = "book-widget-label-" + ++labels;
          handle.setAttribute("aria-labelledby", label.id);
        }
        // Its value is announced as the readout shows it ("3.00", not "2.9999999999999996").
        var shown = readout && readout.textContent.trim();
        if (shown && handle.getAttribute("aria-valuetext") !== shown) {
          handle.setAttribute("aria-valuetext", shown);
        }
      });
      if (readout && label && label.id && !readout.hasAttribute("aria-labelledby")) {
        readout.setAttribute("role", "textbox");
        readout.setAttribute("aria-labelledby", label.id);
      }
    });
    document.querySelectorAll(".widget-interact").forEach(function (interact) {
      interact.querySelectorAll("img:not([alt])").forEach(function (image) {
        image.setAttribute("alt", describe(interact));
      });
    });
  }

  function start() {
    fixTheme();
    if (document.querySelector(".math")) {
      whenTypeset(fixFormulas);
      var resized = null;
      window.addEventListener("resize", function () {
        window.clearTimeout(resized);
        resized = window.setTimeout(fixFormulas, 200);
      });
    }
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) return;
    var pending = false;
    var observer = new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fixWidgets();
      });
    });
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["aria-valuetext"],
    });
    fixWidgets();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
