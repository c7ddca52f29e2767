// Live reload for `cargo xtask serve` (injected into every page it serves,
// never part of a built site): reloads the page when the site is rebuilt,
// keeping the scroll position, and shows content errors in an overlay.
(function () {
  "use strict";
  var key = "tokenbook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () {
      window.scrollTo(0, Number(saved));
    });
  }
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "tokenbook-problems";
      overlay.setAttribute("role", "alert");
      var s = overlay.style;
      s.position = "fixed";
      s.inset = "0";
      s.zIndex = "2147483647";
      s.overflow = "auto";
      s.padding = "2rem";
      s.background = "rgba(20, 20, 24, 0.94)";
      s.color = "#ffdddd";
      s.font = "14px/1.5 'DejaVu Sans Mono', monospace";
      var title = document.createElement("p");
      title.textContent = "The content has errors. The last good version of the site is still served; fix the file and save.";
      title.style.color = "#ffffff";
      title.style.fontWeight = "bold";
      overlay.appendChild(title);
      overlay.appendChild(document.createElement("pre"));
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }
  var events = new EventSource("/__tokenbook/events");
  events.addEventListener("problem", function (event) {
    show(event.data);
  });
  events.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
})();
