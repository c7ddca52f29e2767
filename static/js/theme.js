// The saved theme, before the first paint (ARCHITECTURE.md, static/js).
(function () {
  try {
    var saved = localStorage.getItem("tokenbook-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch {
    // No storage: the system preference decides.
  }
})();
