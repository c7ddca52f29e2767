// The site's search in the page, loaded by search.js (after
// search-core.js, which folds, decodes and ranks) the first time the search
// box gets focus. It reads the index the build wrote under search/ (see
// crates/tokenbook-site/src/search/): a manifest and the section lengths,
// then only the term chunks a query's words fall in and the document
// chunks (lesson, heading, anchor) of the results it shows. Index files are
// scripts that call tokenbookSearch.load(), so they load from file:// too,
// where fetch() would fail.
//
// Results appear at once with their lesson and heading; each snippet is
// then taken from the result's own lesson page, fetched (same origin, once
// per page and session) and parsed with DOMParser, never inserted: the
// section's text runs from its heading to the next. Opened from file://,
// pages cannot be fetched: results show no snippet, and the panel says why.
//
// The box is an ARIA combobox with a listbox popup: ↑/↓ move through the
// results, Enter opens one, Escape closes the list (and a second Escape
// clears the box); Tab reaches the list's panel, to scroll it. Text from the
// index and the pages is untrusted: results are built with site.js's
// element builder (elements and text nodes), never as HTML.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var core = window.tokenbookSearchCore;
  var el = window.tokenbook && window.tokenbook.el;
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var note = document.getElementById("search-note");
  var live = document.getElementById("search-live");
  if (!here || !core || !el || !input || !panel || !list || !note || !live) return;
  var root = here.replace(/js\/search-engine\.js(\?.*)?$/, "");
  // Opened from file://, a one-line note says why results have no snippet.
  var offline = el("p", { class: "search-note", id: "search-offline", hidden: true }, "Snippets need the site served over HTTP.");
  panel.appendChild(offline);

  var MAX_RESULTS = 8;
  var MAX_PAGES = 40;
  var MAX_TEXT = 20000;
  var SNIPPET = 170;
  var DEBOUNCE = 60;
  var IDLE = 200;
  // Pages cannot be fetched from file://, so no snippets there.
  var OFFLINE = location.protocol === "file:";

  // -------------------------------------------------------------------------
  // Index files, loaded as scripts

  var parts = {};
  window.tokenbookSearch = {
    load: function (name, data) {
      var part = parts[name];
      if (part && !part.done) {
        part.done = true;
        part.resolve(data);
      }
    },
  };

  function part(name, query) {
    if (parts[name]) return parts[name].promise;
    var entry = { done: false };
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    parts[name] = entry;
    var script = el("script", { src: root + "search/" + name + ".js" + query, async: true, onload: settle, onerror: settle });
    function settle() {
      script.remove();
      if (entry.done) return;
      entry.done = true;
      delete parts[name];
      entry.reject(new Error("search/" + name + ".js did not load"));
    }
    document.head.appendChild(script);
    return entry.promise;
  }

  // The manifest is tiny and asked for afresh once per page, so it always
  // names the chunks of the site being served; chunks are cached by version.
  var manifest = null;
  function loadManifest() {
    manifest = manifest || part("manifest", "?t=" + Date.now()).catch(function (error) {
      manifest = null;
      throw error;
    });
    return manifest;
  }

  function chunk(m, name) {
    return part(name, "?v=" + m.version);
  }

  // Waits until the reader has stopped typing for a moment; false when a
  // newer query has started meanwhile.
  function idle(ticket) {
    var wait = lastInput + IDLE - Date.now();
    if (wait <= 0) return Promise.resolve(ticket === latest);
    return new Promise(function (resolve) {
      setTimeout(function () { resolve(ticket === latest); }, wait);
    });
  }

  // Per section, BM25's length normalisation, from lengths.js.
  var normsCache = null;
  function loadNorms(m) {
    normsCache = normsCache || chunk(m, "lengths").then(function (letters) {
      return core.lengthNorms(letters, m);
    }).catch(function (error) {
      normsCache = null;
      throw error;
    });
    return normsCache;
  }

  // Term chunks as term -> postings, by chunk number.
  var tableCache = {};
  function table(i, data) {
    if (!tableCache[i]) tableCache[i] = core.termTable(data);
    return tableCache[i];
  }

  // A term's postings, decoded once.
  var decoded = new Map();
  function postings(candidate) {
    if (!decoded.has(candidate.term)) decoded.set(candidate.term, core.decodePostings(candidate.table[candidate.term]));
    return decoded.get(candidate.term);
  }

  // A document chunk's sections, by chunk number.
  var sectionCache = {};
  function sections(c, data) {
    if (!sectionCache[c]) sectionCache[c] = core.docSections(data);
    return sectionCache[c];
  }

  async function run(raw, ticket) {
    var m = await loadManifest();
    var terms = core.parseQuery(raw, m);
    if (!terms.length || !m.terms.length) return { terms: terms, hits: [], total: 0 };
    var needed = {};
    var plans = terms.map(function (t) {
      var p = core.plan(t, m.terms);
      p.forEach(function (i) { needed[i] = true; });
      return p;
    });
    var tables = {};
    function load(indexes) {
      return Promise.all(indexes.map(function (i) {
        return chunk(m, "t" + i).then(function (data) { tables[i] = table(i, data); });
      }));
    }
    function from(indexes) {
      return indexes.map(function (c) { return tables[c]; });
    }
    var norms = loadNorms(m);
    await load(Object.keys(needed));
    var perTerm = terms.map(function (t, i) {
      return core.candidates(t, from(plans[i]), false);
    });
    // Words in no lesson: look for words one typo away.
    var typoPlans = terms.map(function (t, i) {
      return perTerm[i].length === 0 && core.typoAllowed(t) ? core.typoChunks(m.terms, t.text) : [];
    });
    var extra = [].concat.apply([], typoPlans);
    if (extra.length) {
      await load(extra);
      typoPlans.forEach(function (p, i) {
        if (p.length) perTerm[i] = core.candidates(terms[i], from(p), true);
      });
    }
    var matched = new Set();
    perTerm.forEach(function (cands) {
      cands.forEach(function (c) { matched.add(c.term); });
    });
    var ranked = core.rank(perTerm, postings, m.docs, await norms);
    var top = ranked.docs.slice(0, MAX_RESULTS);
    // A section's chunk: the last whose first section is not after it.
    var chunkOf = top.map(function (id) {
      var c = 0;
      while (c + 1 < m.docChunks.length && m.docChunks[c + 1] <= id) c++;
      return c;
    });
    // Document chunks are loaded only for the results of a query the
    // reader paused on, not for every prefix typed.
    var missing = chunkOf.some(function (c) { return !sectionCache[c]; });
    if (missing && !(await idle(ticket))) return null;
    var lists = {};
    await Promise.all(chunkOf.map(function (c) {
      return chunk(m, "d" + c).then(function (data) { lists[c] = sections(c, data); });
    }));
    var hits = top.map(function (id, i) {
      var section = lists[chunkOf[i]][id - m.docChunks[chunkOf[i]]];
      return {
        title: section.title,
        page: root + section.page,
        anchor: section.anchor,
        href: root + section.page + (section.anchor ? "#" + section.anchor : ""),
        heading: section.heading,
        opening: !section.anchor,
      };
    });
    return { terms: terms, hits: hits, total: ranked.docs.length, partial: ranked.partial, matched: matched };
  }

  // -------------------------------------------------------------------------
  // Snippets from the lesson pages

  // Page URL -> { promise of its parsed Document, signal }: each page is
  // fetched once (again only when a fetch was aborted or failed).
  var pages = new Map();
  var fetches = null; // the AbortController of the shown results' fetches

  function page(url, signal) {
    var kept = pages.get(url);
    if (kept && (kept.done || !kept.signal.aborted)) return kept.promise;
    var entry = { signal: signal, done: false };
    entry.promise = fetch(url, { signal: signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        entry.done = true;
        return new DOMParser().parseFromString(html, "text/html");
      });
    entry.promise.catch(function () {
      if (pages.get(url) === entry) pages.delete(url);
    });
    pages.set(url, entry);
    if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value);
    return entry.promise;
  }

  // What a section's text leaves out: permalinks, copy buttons, the
  // contents and the pager (nav), "Show answer" (summary), text for screen
  // readers only, the playground, anything not shown as text.
  var SKIP = "script, style, template, noscript, button, nav, summary, .anchor, .copy-link, .visually-hidden, .playground";
  var INLINE = /^(A|ABBR|B|BDI|BDO|CITE|CODE|DATA|DEL|DFN|EM|I|INS|KBD|MARK|Q|S|SAMP|SMALL|SPAN|STRONG|SUB|SUP|TIME|U|VAR|WBR)$/;
  var HEADING = /^H[1-6]$/;

  // A section's text in a lesson page: { own, whole }. `own` runs from the
  // heading with the id `anchor` (the page's h1 for the opening) to the next
  // heading, as the index counted it; `whole` on to the next heading of the
  // same or a higher level, its subsections included.
  function sectionText(doc, anchor) {
    var start = anchor ? doc.getElementById(anchor) : doc.querySelector("main h1");
    if (start && !HEADING.test(start.tagName)) start = null;
    if (anchor && !start) return { own: "", whole: "" };
    var container = (start && start.closest("article")) || doc.querySelector("main article") || doc.querySelector("main") || doc.body;
    var level = start && anchor ? +start.tagName[1] : 0;
    var walker = doc.createTreeWalker(container, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.nodeType === 1 && node.matches(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    if (start) walker.currentNode = start;
    var parts = [];
    var own = null;
    var length = 0;
    var node;
    while ((node = walker.nextNode()) && length < MAX_TEXT) {
      if (start && start.contains(node)) continue;
      if (node.nodeType === 1) {
        if (HEADING.test(node.tagName)) {
          if (own === null) own = parts.join("");
          if (!level || +node.tagName[1] <= level) break;
        }
        if (!INLINE.test(node.tagName)) parts.push(" ");
        continue;
      }
      var text = node.data;
      // Diagrams without their lines and arrows, as the index reads them.
      if (node.parentNode.closest("pre.diagram")) text = text.replace(/[\u2190-\u21ff\u2500-\u25ff]/g, " ");
      parts.push(text);
      length += text.length;
    }
    function tidy(text) {
      return text.replace(/\s+/g, " ").trim();
    }
    var whole = parts.join("");
    return { own: tidy(own === null ? whole : own), whole: tidy(whole) };
  }

  // Fills in the snippets of the results shown, as their pages arrive.
  // The list's data-snippets says "loading", then "done" ("none" when
  // there are none to load).
  function fillSnippets(result, ticket) {
    if (fetches) fetches.abort();
    fetches = null;
    if (OFFLINE || !result.hits.length || typeof fetch !== "function") {
      list.dataset.snippets = "none";
      return;
    }
    list.dataset.snippets = "loading";
    var controller = new AbortController();
    fetches = controller;
    idle(ticket).then(function (current) {
      if (!current || controller.signal.aborted) return;
      var filled = result.hits.map(function (hit, i) {
        return page(hit.page, controller.signal).then(
          function (doc) {
            if (ticket !== latest || hits !== result.hits) return;
            var option = list.children[i];
            if (!option || option.querySelector(".search-snippet")) return;
            var texts = sectionText(doc, hit.anchor);
            var text = texts.own;
            if (!core.matches(text, result.matched).length && core.matches(texts.whole, result.matched).length) text = texts.whole;
            if (!text) return;
            var span = el("span", { class: "search-snippet" });
            snippet(span, text, result.matched);
            option.appendChild(span);
          },
          function () {},
        );
      });
      Promise.all(filled).then(function () {
        if (ticket === latest && hits === result.hits) list.dataset.snippets = "done";
      });
    });
  }

  // -------------------------------------------------------------------------
  // Marking matched words in the original text

  // Appends `text` (from..to) to `parent`, matched ranges in <mark>.
  function appendMarked(parent, text, ranges, from, to) {
    var at = from;
    ranges.forEach(function (r) {
      var start = Math.max(r[0], from);
      var end = Math.min(r[1], to);
      if (end <= start) return;
      if (start > at) parent.appendChild(document.createTextNode(text.slice(at, start)));
      parent.appendChild(el("mark", null, text.slice(start, end)));
      at = end;
    });
    if (at < to) parent.appendChild(document.createTextNode(text.slice(at, to)));
  }

  // The part of a section's text around most of its matches.
  function snippet(parent, text, matched) {
    var ranges = core.matches(text, matched);
    var range = core.snippetRange(text, ranges, SNIPPET);
    if (range.from > 0) parent.appendChild(document.createTextNode("… "));
    appendMarked(parent, text, ranges, range.from, range.to);
    if (range.to < text.length) parent.appendChild(document.createTextNode(" …"));
  }

  // -------------------------------------------------------------------------
  // The combobox

  var hits = [];
  var active = -1;
  var latest = 0;
  var timer = 0;
  var lastInput = 0;

  function setOpen(open) {
    panel.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function setActive(i) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function say(text, visible) {
    note.textContent = visible ? text : "";
    note.hidden = !visible;
    live.textContent = text;
  }

  function show(result, raw) {
    hits = result.hits;
    list.dataset.query = raw;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.textContent = "";
    hits.forEach(function (hit, i) {
      // A lesson without a title heading opens with its title from the file name.
      var title = hit.heading || hit.title;
      var heading = el("span", { class: "search-heading" });
      appendMarked(heading, title, core.matches(title, result.matched), 0, title.length);
      list.appendChild(
        el("li", { id: "search-option-" + i, class: "search-result", role: "option", "aria-selected": "false", "data-page": hit.page },
          hit.opening ? null : el("span", { class: "search-lesson" }, hit.title),
          heading),
      );
    });
    list.hidden = hits.length === 0;
    offline.hidden = !OFFLINE || hits.length === 0;
    if (!hits.length) {
      say(result.terms.length ? "No results for “" + raw.trim() + "”." : "Type at least two letters.", true);
    } else {
      var count = result.total === 1 ? "1 result" : result.total + " results";
      var shown = result.total > hits.length ? count + ", the best " + hits.length + " shown" : count;
      say(result.partial ? shown + " (no section has every word)." : shown + ".", result.partial || result.total > hits.length);
    }
    setOpen(true);
    fillSnippets(result, latest);
  }

  function search() {
    var raw = input.value;
    var ticket = ++latest;
    if (fetches) fetches.abort();
    if (!raw.trim()) {
      hits = [];
      list.textContent = "";
      offline.hidden = true;
      say("", false);
      setOpen(false);
      return;
    }
    var slow = setTimeout(function () {
      if (ticket === latest) say("Searching…", true);
    }, 400);
    run(raw, ticket).then(
      function (result) {
        clearTimeout(slow);
        if (result && ticket === latest) show(result, raw);
      },
      function () {
        clearTimeout(slow);
        if (ticket !== latest) return;
        hits = [];
        list.textContent = "";
        list.hidden = true;
        offline.hidden = true;
        say("The search index could not be loaded.", true);
        setOpen(true);
      },
    );
  }

  function open(i) {
    var hit = hits[i];
    if (!hit) return;
    setOpen(false);
    var target = new URL(hit.href, location.href);
    if (target.href.split("#")[0] === location.href.split("#")[0]) input.blur();
    location.href = target.href;
  }

  input.addEventListener("input", function () {
    lastInput = Date.now();
    if (fetches) fetches.abort();
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE);
  });
  input.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var count = list.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault();
      if (panel.hidden) setOpen(true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
    } else if (event.key === "Enter") {
      if (!count || panel.hidden) return;
      event.preventDefault();
      open(active >= 0 ? active : 0);
    } else if (event.key === "Escape") {
      if (!panel.hidden) {
        event.preventDefault();
        setOpen(false);
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        search();
      }
    }
  });
  input.addEventListener("focus", function () {
    if (input.value.trim() && (list.children.length || !note.hidden)) setOpen(true);
  });
  // The list stays open while the focus is in the box or in the list's
  // panel (Tab reaches the panel, so a long list scrolls by keyboard too).
  function leaving(event) {
    var to = event.relatedTarget;
    if (!to || (to !== input && !panel.contains(to))) setOpen(false);
  }
  input.addEventListener("blur", leaving);
  panel.addEventListener("focusout", leaving);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      input.focus();
      setOpen(false);
    }
  });
  // Clicking a result must not take the focus from the box first.
  panel.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) open(Array.prototype.indexOf.call(list.children, option));
  });
  list.addEventListener("mousemove", function (event) {
    var option = event.target.closest("[role=option]");
    var i = option ? Array.prototype.indexOf.call(list.children, option) : -1;
    if (i >= 0 && i !== active) setActive(i);
  });

  loadManifest().catch(function () {});
  // Text typed while this script loaded: the reader is still typing.
  if (input.value.trim()) {
    lastInput = Date.now();
    search();
  }
})();
