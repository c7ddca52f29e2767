// Applies the reader's saved theme before the first paint, so a page never
// flashes the other theme. Loaded as a small blocking file because the
// Content-Security-Policy forbids inline scripts.
(function () {
  try {
    var saved = localStorage.getItem("tokenbook-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch {
    // Storage can be disabled; the system preference then decides.
  }
})();
