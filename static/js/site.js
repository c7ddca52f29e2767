// Progressive enhancements for every page. The site works without them:
// this file adds the theme switch and starts the token playground where a
// page has one.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  document.addEventListener("DOMContentLoaded", function () {
    var sections = document.querySelectorAll("section.playground");
    if (!sections.length) return;
    if (location.protocol === "file:") {
      // Browsers load no modules or WebAssembly from file:// pages.
      sections.forEach(function (section) {
        var note = document.createElement("p");
        note.className = "pg-problem";
        note.setAttribute("role", "note");
        note.textContent =
          "The interactive playground needs the site served over HTTP (cargo xtask serve, or any static web server); opened from a file, you see the sample as it was rendered when the site was built.";
        section.appendChild(note);
      });
      return;
    }
    var module = document.createElement("script");
    module.type = "module";
    module.src = here ? here.replace(/site\.js(\?.*)?$/, "playground.js") : "js/playground.js";
    document.head.appendChild(module);
  });
  var root = document.documentElement;
  var button = document.getElementById("theme-toggle");
  if (!button) return;
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  function current() {
    var set = root.getAttribute("data-theme");
    if (set === "light" || set === "dark") return set;
    return media.matches ? "dark" : "light";
  }

  function label() {
    var next = current() === "dark" ? "light" : "dark";
    button.textContent = next === "dark" ? "Dark theme" : "Light theme";
    button.setAttribute("aria-label", "Switch to the " + next + " theme");
  }

  button.addEventListener("click", function () {
    var next = current() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try {
      localStorage.setItem("tokenbook-theme", next);
    } catch (e) {
      // Not remembered, but switched for this page.
    }
    label();
  });
  media.addEventListener("change", label);
  button.hidden = false;
  label();
})();
