// Every page's enhancements (ARCHITECTURE.md, static/js): theme switch,
// narrow-screen navigation, ←/→, copy-link buttons, answers shown in print,
// the playground's and the lab's start. Its one global, window.tokenbook,
// is what the other scripts share: el, copy, pageAddress.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var root = document.documentElement;

  window.tokenbook = { el: el, copy: copy, pageAddress: pageAddress };
  document.addEventListener("DOMContentLoaded", function () {
    start("playground", "pg-data", "pg-problem", "The interactive playground needs the site served over HTTP (cargo xtask serve, or any static web server); opened from a file, you see the sample as it was rendered when the site was built.");
    start("exercise", "lab-data", "lab-note", "The lab needs the site served over HTTP (cargo xtask serve, or any static web server); opened from a file, you see the exercise and its worked solution as rendered when the site was built.");
  });
  themeSwitch();
  navigationToggle();
  lessonKeys();
  copyLinkButtons();
  printAnswers();

  // The site's one element builder: el(tag, attributes, ...children).
  // Strings become text, never HTML; on… takes only a function; srcdoc and
  // URLs that are not http(s), relative or file: from disk are refused.
  function el(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      var lower = name.toLowerCase();
      if (value === false || value === null || value === undefined) return;
      if (/^on/.test(lower)) {
        if (typeof value !== "function") throw new TypeError("el: " + name + " must be a function");
        node.addEventListener(lower.slice(2), value);
        return;
      }
      value = value === true ? "" : String(value);
      if (lower === "srcdoc" || (/^(href|src|action|formaction)$/.test(lower) && !safeUrl(value))) throw new TypeError("el: refused " + name);
      node.setAttribute(name, value);
    });
    (function append(children) {
      children.forEach(function (child) {
        if (Array.isArray(child)) append(child);
        else if (child !== null && child !== undefined && child !== false) {
          node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
        }
      });
    })(Array.prototype.slice.call(arguments, 2));
    return node;
  }

  // As the browser reads it (tabs and newlines dropped, leading controls
  // trimmed): no scheme, http(s), or file: on a page opened from disk.
  function safeUrl(url) {
    var scheme = /^([a-z][a-z\d+.-]*):/i.exec(url.replace(/[\t\n\r]/g, "").replace(/^[\0- ]+/, ""));
    scheme = scheme && scheme[1].toLowerCase();
    return !scheme || scheme === "http" || scheme === "https" || (scheme === "file" && location.protocol === "file:");
  }

  // Loads the script of section.<kind> (js/playground.js, js/lab.js) when
  // the page has one with its <template class="<data>">; without data (the
  // whole-course page) it stays as built. Browsers load no modules or
  // WebAssembly from file:// pages: each section says so instead.
  function start(kind, data, noteClass, note) {
    if (!document.querySelector("section." + kind + " template." + data)) return;
    var script = kind === "exercise" ? "lab.js" : "playground.js";
    if (location.protocol === "file:") {
      document.querySelectorAll("section." + kind).forEach(function (section) {
        section.appendChild(el("p", { class: noteClass, role: "note" }, note));
      });
      return;
    }
    document.head.appendChild(el("script", { type: "module", src: here ? here.replace(/site\.js(\?.*)?$/, script) : "js/" + script }));
  }

  function themeSwitch() {
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
      } catch {
        // Not remembered, but switched for this page.
      }
      label();
    });
    media.addEventListener("change", label);
    button.hidden = false;
    label();
  }

  // Narrow screens: the navigation opens as a panel under the header's
  // button (without this script it stays below the lesson).
  function navigationToggle() {
    var button = document.getElementById("nav-toggle");
    var nav = document.getElementById("course-nav");
    if (!button || !nav) return;

    var header = document.querySelector(".site-header");

    function setOpen(open, focus) {
      // Open: the header sticks to the top, the panel starts under it.
      root.classList.toggle("nav-open", open);
      if (open && header) {
        root.style.setProperty("--header-height", header.getBoundingClientRect().bottom + "px");
      }
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && focus) {
        var target = nav.querySelector('[aria-current="page"]') || nav.querySelector("a");
        if (target) target.focus();
      }
    }

    button.addEventListener("click", function () {
      setOpen(!root.classList.contains("nav-open"), true);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && root.classList.contains("nav-open")) {
        setOpen(false);
        button.focus();
      }
    });
    // Focus leaving the open panel closes it: nothing focused hides under it.
    nav.addEventListener("focusout", function (event) {
      var to = event.relatedTarget;
      if (to && !nav.contains(to) && to !== button) setOpen(false);
    });
    button.hidden = false;
    root.classList.add("nav-collapsible");
  }

  // ←/→: previous/next lesson, unless the key means something where it is.
  function lessonKeys() {
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
      if (!rel) return;
      var target = event.target;
      if (target && target.closest) {
        if (target.isContentEditable) return;
        if (target.closest("input, textarea, select, button, [role=tablist], [role=listbox], [role=combobox], [role=slider], .scroll, pre, .playground, .sidebar")) return;
      }
      var link = document.querySelector('link[rel="' + rel + '"]');
      if (!link) return;
      event.preventDefault();
      location.href = link.href;
    });
  }

  // A "Copy link" button after every heading's anchor: canonical address.
  function copyLinkButtons() {
    var anchors = document.querySelectorAll("main .heading > a.anchor");
    if (!anchors.length) return;
    var status = el("p", { class: "copy-status visually-hidden", role: "status" });
    document.body.appendChild(status);
    var base = pageAddress();

    anchors.forEach(function (anchor) {
      var id = decodeURIComponent(anchor.getAttribute("href").slice(1));
      var name = (anchor.getAttribute("aria-label") || "").replace(/^Link to /, "");
      var button = el("button", { type: "button", class: "copy-link", "aria-label": "Copy link to " + (name || "this section") }, "Copy link");
      button.addEventListener("click", function () {
        var url = base + "#" + encodeURIComponent(id);
        copy(url).then(
          function () {
            done(button, "Copied", "Link copied: " + url);
          },
          function () {
            history.replaceState(null, "", "#" + encodeURIComponent(id));
            done(button, "Copy failed", "Could not copy; the link is in the address bar: " + url);
          }
        );
      });
      anchor.after(button);
    });

    function done(button, shown, announced) {
      button.textContent = shown;
      status.textContent = announced;
      setTimeout(function () {
        button.textContent = "Copy link";
      }, 2000);
    }
  }

  // The page's canonical address (else the current one), no fragment.
  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    var base = canonical && /^https?:/.test(canonical.href) ? canonical.href : location.href;
    return base.split("#")[0];
  }

  // A promise: `text` on the clipboard, rejected when the browser refused.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyBySelection(text);
      });
    }
    return copyBySelection(text);
  }

  function copyBySelection(text) {
    return new Promise(function (resolve, reject) {
      var field = el("textarea", { readonly: true, class: "visually-hidden" });
      field.value = text;
      document.body.appendChild(field);
      field.select();
      var ok;
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      field.remove();
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  // Printing opens every closed answer, and closes them again after.
  function printAnswers() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = [];
      document.querySelectorAll("details:not([open])").forEach(function (details) {
        details.open = true;
        opened.push(details);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) {
        details.open = false;
      });
      opened = [];
    });
  }
})();
