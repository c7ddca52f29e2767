// The search box in the header, kept tiny because every page loads it: it
// builds the box (so a page without JavaScript shows none), makes "/"
// focus it, and loads the search itself (search-core.js, then
// search-engine.js) only when the box gets focus. The index is read from
// search/ beside js/.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var header = document.querySelector(".site-header");
  if (!here || !header || document.getElementById("search")) return;

  function make(tag, attributes, children) {
    var element = document.createElement(tag);
    for (var name in attributes) element.setAttribute(name, attributes[name]);
    (children || []).forEach(function (child) { element.appendChild(child); });
    return element;
  }
  var label = make("label", { class: "visually-hidden", for: "search-input" });
  label.textContent = "Search the course";
  var input = make("input", {
    type: "text", id: "search-input", class: "search-input", placeholder: "Search",
    enterkeyhint: "search", autocomplete: "off", spellcheck: "false", role: "combobox",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "search-results", "aria-keyshortcuts": "/",
  });
  var box = make("div", { class: "search", id: "search", role: "search" }, [
    label,
    input,
    make("p", { class: "visually-hidden", id: "search-live", role: "status" }),
    make("div", { class: "search-panel", id: "search-panel", tabindex: "0", hidden: "" }, [
      make("ul", { class: "search-results", id: "search-results", role: "listbox", "aria-label": "Search results", hidden: "" }),
      make("p", { class: "search-note", id: "search-note", hidden: "" }),
    ]),
  ]);
  var toggle = document.getElementById("theme-toggle");
  header.insertBefore(box, toggle && toggle.parentNode === header ? toggle : null);

  var loading = false;
  function load() {
    if (loading) return;
    loading = true;
    // Scripts added with async false run in the order they were added: the
    // engine after the core it uses.
    ["search-core.js", "search-engine.js"].forEach(function (name) {
      var script = document.createElement("script");
      script.src = here.replace(/search\.js(\?.*)?$/, name);
      script.async = false;
      script.onerror = function () {
        document.getElementById("search-live").textContent = "Search could not be loaded.";
      };
      document.head.appendChild(script);
    });
  }

  input.addEventListener("focus", load);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && target.closest && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
