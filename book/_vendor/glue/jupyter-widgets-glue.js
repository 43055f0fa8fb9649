// Glue between the book's pages and the shipped ipywidgets embed manager (BSD-3-Clause, ours).
// Loaded before jupyter-widgets/embed-amd.js on pages that embed widget state.
(function () {
  "use strict";
  // 1. Each module in embed-amd.js finds its Font Awesome files beside its own RequireJS module
  //    URL, which RequireJS derives from the module's name ("@jupyter-widgets/...") relative to
  //    the page: a 404 for every font. Map the names into the folder that holds the files.
  //    (Loaded after require.js, before embed-amd.js defines the modules.)
  var assets = new URL("jupyter-widgets/", document.currentScript.src).href;
  window.require.config({
    paths: {
      "@jupyter-widgets/base": assets + "base",
      "@jupyter-widgets/controls": assets + "controls",
      "@jupyter-widgets/html-manager": assets + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": assets + "libembed-amd",
    },
  });
  window.__jupyter_widgets_assets_path__ = assets;  // read by the embed manager itself

  // 2. The controls typeset their labels with MathJax 2's API (MathJax.Hub.Queue) whenever a
  //    global MathJax exists; the book runs MathJax 3, which has no Hub, so every widget threw
  //    a TypeError. Give them a Hub that forwards to MathJax 3. It is put on the configuration
  //    object (in use until MathJax loads) and on the real MathJax object once it is ready.
  function typeset(element) {
    var mathjax = window.MathJax;
    if (element && mathjax && typeof mathjax.typesetPromise === "function") {
      mathjax.typesetPromise([element]).catch(function (error) {
        console.warn("MathJax could not typeset a widget label:", error);
      });
    }
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var call = arguments[i]; // ["Typeset", MathJax.Hub, element]
        if (Array.isArray(call) && call[0] === "Typeset") typeset(call[2]);
      }
    },
  };
  var config = (window.MathJax = window.MathJax || {});
  if (config.version) {  // MathJax is already running
    config.Hub = config.Hub || hub;
    return;
  }
  config.Hub = hub;
  var startup = (config.startup = config.startup || {});
  var ready = startup.ready;
  startup.ready = function () {
    if (ready) ready();
    else window.MathJax.startup.defaultReady();
    window.MathJax.Hub = window.MathJax.Hub || hub;
  };
})();
