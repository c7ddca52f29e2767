// The header's search box; the search loads on focus (ARCHITECTURE.md).
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var header = document.querySelector(".site-header");
  // The element builder of site.js, which runs first.
  var el = window.tokenbook && window.tokenbook.el;
  if (!here || !header || !el || document.getElementById("search")) return;

  var input = el("input", {
    type: "text", id: "search-input", class: "search-input", placeholder: "Search", maxlength: 256,
    enterkeyhint: "search", autocomplete: "off", spellcheck: "false", role: "combobox",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "search-results", "aria-keyshortcuts": "/",
  });
  var box = el("div", { class: "search", id: "search", role: "search" },
    el("label", { class: "visually-hidden", for: "search-input" }, "Search the course"),
    input,
    el("p", { class: "visually-hidden", id: "search-live", role: "status" }),
    el("div", { class: "search-panel", id: "search-panel", tabindex: "0", hidden: true },
      el("ul", { class: "search-results", id: "search-results", role: "listbox", "aria-label": "Search results", hidden: true }),
      el("p", { class: "search-note", id: "search-note", hidden: true }),
    ),
  );
  var toggle = document.getElementById("theme-toggle");
  header.insertBefore(box, toggle && toggle.parentNode === header ? toggle : null);

  var loading = false;
  function load() {
    if (loading) return;
    loading = true;
    // Scripts added with async false run in the order they were added: the
    // engine after the core it uses.
    ["search-core.js", "search-engine.js"].forEach(function (name) {
      var script = el("script", {
        src: here.replace(/search\.js(\?.*)?$/, name),
        onerror: function () {
          document.getElementById("search-live").textContent = "Search could not be loaded.";
        },
      });
      // A property, not an attribute: added scripts are async by default.
      script.async = false;
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
