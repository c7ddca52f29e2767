// The search box in the header, kept tiny because every page loads it: it
// shows the box (hidden without JavaScript, so nothing looks broken), makes
// "/" focus it, and loads the search itself (search-engine.js) only when
// the box gets focus. The index is read from search/ beside js/.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var box = document.getElementById("search");
  var input = document.getElementById("search-input");
  if (!here || !box || !input) return;
  var loading = false;

  function load() {
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = here.replace(/search\.js(\?.*)?$/, "search-engine.js");
    script.onerror = function () {
      var note = document.getElementById("search-live");
      if (note) note.textContent = "Search could not be loaded.";
    };
    document.head.appendChild(script);
  }

  function typing(target) {
    return target && target.closest && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
  }

  input.addEventListener("focus", load);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
  box.hidden = false;
})();
