// The site's search, loaded by search.js the first time the search box
// gets focus. It reads the index the build wrote under search/ (see
// crates/tokenbook-site/src/search.rs): a manifest and the section lengths,
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
// index and the pages is untrusted: results are built with createElement
// and textContent only, never as HTML.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var note = document.getElementById("search-note");
  var live = document.getElementById("search-live");
  if (!here || !input || !panel || !list || !note || !live) return;
  var root = here.replace(/js\/search-engine\.js(\?.*)?$/, "");
  // Opened from file://, a one-line note says why results have no snippet.
  var offline = document.createElement("p");
  offline.className = "search-note";
  offline.id = "search-offline";
  offline.textContent = "Snippets need the site served over HTTP.";
  offline.hidden = true;
  panel.appendChild(offline);

  var MAX_RESULTS = 8;
  var MAX_PAGES = 40;
  var MAX_TEXT = 20000;
  var MAX_QUERY_TERMS = 8;
  var MAX_EXPANSIONS = 40;
  var MAX_TYPOS = 10;
  var TYPO_MIN = 5;
  var SNIPPET = 170;
  var DEBOUNCE = 60;
  var IDLE = 200;
  // Pages cannot be fetched from file://, so no snippets there.
  var OFFLINE = location.protocol === "file:";
  var LETTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var VALUE = new Int8Array(128).fill(-1);
  for (var l = 0; l < LETTERS.length; l++) VALUE[LETTERS.charCodeAt(l)] = l;
  // The same characters search.rs indexes as pairs (`is_cjk`).
  var CJK = /[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;

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
    var script = document.createElement("script");
    script.src = root + "search/" + name + ".js" + query;
    script.async = true;
    function settle() {
      script.remove();
      if (entry.done) return;
      entry.done = true;
      delete parts[name];
      entry.reject(new Error("search/" + name + ".js did not load"));
    }
    script.onload = settle;
    script.onerror = settle;
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

  // -------------------------------------------------------------------------
  // Text as the index sees it (search.rs: fold_char, for_each_token)

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/ς/g, "σ");
  }

  // Every word and CJK pair of folded text, unfiltered: { text, cjk }.
  function tokenize(folded) {
    var out = [];
    var word = "";
    var previous = null;
    var run = 0;
    function endWord() {
      if (word) out.push({ text: word, cjk: false });
      word = "";
    }
    function endCjk() {
      if (run === 1) out.push({ text: previous, cjk: true });
      previous = null;
      run = 0;
    }
    for (var c of folded) {
      if (!ALNUM.test(c)) {
        endWord();
        endCjk();
      } else if (CJK.test(c)) {
        endWord();
        if (previous !== null) out.push({ text: previous + c, cjk: true });
        previous = c;
        run += 1;
      } else {
        endCjk();
        word += c;
      }
    }
    endWord();
    endCjk();
    return out;
  }

  // The query's terms; the last is a prefix while it is being typed.
  function parseQuery(raw, m) {
    var tokens = tokenize(fold(raw));
    var open = /[\p{Alphabetic}\p{N}\p{M}]$/u.test(raw);
    var seen = Object.create(null);
    var terms = [];
    tokens.forEach(function (token, i) {
      var prefix = open && i === tokens.length - 1;
      var length = Array.from(token.text).length;
      if (!token.cjk && (length < 2 || length > m.maxTerm)) return;
      if (!token.cjk && !prefix && m.stopWords.indexOf(token.text) >= 0) return;
      var key = token.text + (prefix ? "*" : "");
      if (seen[key]) return;
      seen[key] = true;
      terms.push({ text: token.text, prefix: prefix });
    });
    return terms.slice(0, MAX_QUERY_TERMS);
  }

  // -------------------------------------------------------------------------
  // Looking terms up

  // The last chunk whose first term is <= term.
  function chunkOf(keys, term) {
    var low = 0;
    var high = keys.length - 1;
    while (low < high) {
      var mid = (low + high + 1) >> 1;
      if (keys[mid] <= term) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  // The chunks that can hold terms starting with `prefix`.
  function chunksFor(keys, prefix) {
    var first = chunkOf(keys, prefix);
    var last = first;
    while (last + 1 < keys.length && keys[last + 1].startsWith(prefix)) last++;
    var out = [];
    for (var i = first; i <= last; i++) out.push(i);
    return out;
  }

  // The chunks one query term needs: its own and its prefix's (at most 3).
  function plan(term, keys) {
    var needed = {};
    needed[chunkOf(keys, term.text)] = true;
    if (term.prefix) chunksFor(keys, term.text).slice(0, 3).forEach(function (i) { needed[i] = true; });
    return Object.keys(needed).map(Number);
  }

  // Long words without digits may have a typo; only looked for when the
  // word itself is in no lesson.
  function typoAllowed(term) {
    return !term.cjk && term.text.length >= TYPO_MIN && !/\d/.test(term.text);
  }

  // Where words one typo away (after their first letters) sort.
  function typoChunks(keys, text) {
    for (var k = 2; k < text.length; k++) {
      var chunks = chunksFor(keys, text.slice(0, k));
      if (chunks.length <= 2) return chunks;
    }
    return [];
  }

  // Edit distance at most 1, a swap of neighbours counting as one.
  function withinOne(a, b) {
    if (a === b) return true;
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // A term chunk ({terms: [...], postings: [...]}) as term -> postings.
  var tableCache = {};
  function table(i, data) {
    if (!tableCache[i]) {
      var map = Object.create(null);
      data.terms.forEach(function (term, k) { map[term] = data.postings[k]; });
      tableCache[i] = map;
    }
    return tableCache[i];
  }

  // A term's postings (search.rs: encode_postings): their number, the Rice
  // parameters k and j, then bits, six to a letter: per posting the gap to
  // the previous section (Rice, k) and the count minus one (Rice, j).
  var decoded = new Map();
  function postings(table, term) {
    if (decoded.has(term)) return decoded.get(term);
    var text = table[term];
    var i = 0;
    var n = 0;
    var scale = 1;
    var v;
    do {
      v = VALUE[text.charCodeAt(i++) & 127];
      n += (v & 31) * scale;
      scale *= 32;
    } while (v & 32);
    var k = VALUE[text.charCodeAt(i++) & 127];
    var j = VALUE[text.charCodeAt(i++) & 127];
    var letter = 0;
    var left = 0;
    function bit() {
      if (!left) {
        letter = VALUE[text.charCodeAt(i++) & 127];
        left = 6;
      }
      left--;
      return (letter >> left) & 1;
    }
    var docs = new Int32Array(n);
    var counts = new Uint8Array(n);
    var doc = -1;
    for (var p = 0; p < n && i <= text.length; p++) {
      var q = 0;
      while (bit()) q++;
      var low = 0;
      for (var b = 0; b < k; b++) low = low * 2 + bit();
      doc += q * Math.pow(2, k) + low + 1;
      q = 0;
      while (bit()) q++;
      low = 0;
      for (b = 0; b < j; b++) low = low * 2 + bit();
      docs[p] = doc;
      counts[p] = q * Math.pow(2, j) + low + 1;
    }
    decoded.set(term, { docs: docs, counts: counts });
    return decoded.get(term);
  }

  // Index terms that answer one query term, each with how much it counts:
  // the word itself and (while it is typed) longer words it starts; or,
  // with `typos`, words one typo away.
  function candidates(term, tables, typos) {
    // Null prototypes: a term may be "constructor" or "tostring".
    var found = Object.create(null);
    var more = [];
    tables.forEach(function (table) {
      for (var t in table) {
        if (typos) {
          if (isTypo(term, t)) more.push({ term: t, weight: t.length === term.text.length ? 0.5 : 0.4, table: table });
        } else if (t === term.text) {
          found[t] = { term: t, weight: 1, table: table };
        } else if (term.prefix && t.startsWith(term.text)) {
          more.push({ term: t, weight: 0.55 + 0.35 * (term.text.length / t.length), table: table });
        }
      }
    });
    more.sort(function (a, b) {
      return b.weight - a.weight || b.table[b.term].length - a.table[a.term].length;
    });
    more.slice(0, typos ? MAX_TYPOS : MAX_EXPANSIONS).forEach(function (c) {
      if (!found[c.term]) found[c.term] = c;
    });
    return Object.keys(found).map(function (t) { return found[t]; });
  }

  function isTypo(term, t) {
    var q = term.text;
    if (!term.prefix) return withinOne(q, t);
    return withinOne(q, t.slice(0, q.length)) || withinOne(q, t.slice(0, q.length - 1)) || withinOne(q, t.slice(0, q.length + 1));
  }

  // Sections matching every term (or, when none does, any), best first.
  function rank(terms, perTerm, m, norms) {
    var scores = perTerm.map(function (cands) {
      var best = new Map();
      cands.forEach(function (c) {
        var p = postings(c.table, c.term);
        var df = p.docs.length;
        var idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
        for (var i = 0; i < df; i++) {
          var tf = p.counts[i];
          var s = (c.weight * idf * tf) / (tf + norms[p.docs[i]]);
          var old = best.get(p.docs[i]);
          if (old === undefined || old < s) best.set(p.docs[i], s);
        }
      });
      return best;
    });
    function combine(all) {
      var total = new Map();
      scores.forEach(function (best, i) {
        best.forEach(function (s, doc) {
          if (i === 0 || total.has(doc) || !all) total.set(doc, (total.get(doc) || 0) + s);
        });
        if (all && i > 0) {
          total.forEach(function (_, doc) {
            if (!best.has(doc)) total.delete(doc);
          });
        }
      });
      return total;
    }
    var total = combine(true);
    var partial = false;
    if (total.size === 0 && scores.length > 1) {
      total = combine(false);
      partial = total.size > 0;
    }
    var ranked = Array.from(total.entries()).sort(function (a, b) {
      return b[1] - a[1] || a[0] - b[0];
    });
    return { docs: ranked.map(function (e) { return e[0]; }), partial: partial };
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

  // Per section, BM25's length normalisation: K1 * (1 - B + B * length /
  // average), the length read from lengths.js (search.rs: a letter per
  // section, lengthSteps * log2(length / average) + 32; 0 for none).
  var normsCache = null;
  function loadNorms(m) {
    normsCache = normsCache || chunk(m, "lengths").then(function (letters) {
      var byLetter = [];
      for (var q = 0; q < 64; q++) {
        var ratio = q ? Math.pow(2, (q - 32) / m.lengthSteps) : 0;
        byLetter.push(m.k1 * (1 - m.b + m.b * ratio));
      }
      var norms = new Float64Array(letters.length);
      for (var i = 0; i < letters.length; i++) norms[i] = byLetter[VALUE[letters.charCodeAt(i) & 127]];
      return norms;
    }).catch(function (error) {
      normsCache = null;
      throw error;
    });
    return normsCache;
  }

  // The anchor search.rs leaves out when this derives it from the heading
  // (slug.rs: heading_id, for headings whose letters and digits are ASCII).
  function headingId(text) {
    var id = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (/[A-Za-z0-9_]/.test(c)) id += c.toLowerCase();
      else if ((c === " " || c === "-") && id && id[id.length - 1] !== "-") id += "-";
    }
    id = id.replace(/-+$/, "");
    return id || "section";
  }

  // A document chunk's sections, in order: {title, page, anchor, heading}
  // (search.rs: doc_chunks). A section is 0 for the lesson's opening, a
  // heading whose anchor is derived, the number of such a heading met
  // before in the chunk, or [anchor, heading].
  var sectionCache = {};
  function sections(c, data) {
    if (sectionCache[c]) return sectionCache[c];
    var out = [];
    var seen = [];
    data.lessons.forEach(function (lesson) {
      var page = lesson[0] === "" || /\/$/.test(lesson[0]) ? lesson[0] + "index.html" : lesson[0];
      for (var i = 2; i < lesson.length; i++) {
        var s = lesson[i];
        var section = { title: lesson[1], page: page, anchor: "", heading: "" };
        if (typeof s === "string" || s > 0) {
          if (typeof s === "string") seen.push(s);
          section.heading = typeof s === "string" ? s : seen[s - 1] || "";
          section.anchor = headingId(section.heading);
        } else if (Array.isArray(s)) {
          section.anchor = s[0];
          section.heading = s[1];
        }
        out.push(section);
      }
    });
    sectionCache[c] = out;
    return out;
  }

  async function run(raw, ticket) {
    var m = await loadManifest();
    var terms = parseQuery(raw, m);
    if (!terms.length || !m.terms.length) return { terms: terms, hits: [], total: 0 };
    terms.forEach(function (t) { t.cjk = CJK.test(t.text); });
    var needed = {};
    var plans = terms.map(function (t) {
      var p = plan(t, m.terms);
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
      return candidates(t, from(plans[i]), false);
    });
    // Words in no lesson: look for words one typo away.
    var typoPlans = terms.map(function (t, i) {
      return perTerm[i].length === 0 && typoAllowed(t) ? typoChunks(m.terms, t.text) : [];
    });
    var extra = [].concat.apply([], typoPlans);
    if (extra.length) {
      await load(extra);
      typoPlans.forEach(function (p, i) {
        if (p.length) perTerm[i] = candidates(terms[i], from(p), true);
      });
    }
    var matched = new Set();
    perTerm.forEach(function (cands) {
      cands.forEach(function (c) { matched.add(c.term); });
    });
    var ranked = rank(terms, perTerm, m, await norms);
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
            if (!matches(text, result.matched).length && matches(texts.whole, result.matched).length) text = texts.whole;
            if (!text) return;
            var span = document.createElement("span");
            span.className = "search-snippet";
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

  // [start, end) ranges of `text` whose folded words are `matched` terms.
  function matches(text, matched) {
    var ranges = [];
    RUN.lastIndex = 0;
    var m;
    while ((m = RUN.exec(text))) {
      var offset = m.index;
      var word = "";
      var wordStart = offset;
      var cjk = [];
      var flushWord = function (end) {
        if (!word) return;
        var hit = tokenize(fold(word)).some(function (t) { return matched.has(t.text); });
        if (hit) ranges.push([wordStart, end]);
        word = "";
      };
      var flushCjk = function () {
        if (cjk.length === 1 && matched.has(cjk[0].folded)) ranges.push([cjk[0].start, cjk[0].end]);
        for (var i = 0; i + 1 < cjk.length; i++) {
          if (matched.has(cjk[i].folded + cjk[i + 1].folded)) ranges.push([cjk[i].start, cjk[i + 1].end]);
        }
        cjk = [];
      };
      for (var c of m[0]) {
        var end = offset + c.length;
        if (CJK.test(c)) {
          flushWord(offset);
          cjk.push({ folded: fold(c), start: offset, end: end });
        } else {
          if (cjk.length) flushCjk();
          if (!word) wordStart = offset;
          word += c;
        }
        offset = end;
      }
      flushWord(offset);
      flushCjk();
    }
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    // Overlapping CJK pairs become one range.
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }

  // Appends `text` (from..to) to `parent`, matched ranges in <mark>.
  function appendMarked(parent, text, ranges, from, to) {
    var at = from;
    ranges.forEach(function (r) {
      var start = Math.max(r[0], from);
      var end = Math.min(r[1], to);
      if (end <= start) return;
      if (start > at) parent.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      parent.appendChild(mark);
      at = end;
    });
    if (at < to) parent.appendChild(document.createTextNode(text.slice(at, to)));
  }

  // The part of a section's text around most of its matches.
  function snippet(parent, text, matched) {
    var ranges = matches(text, matched);
    var best = 0;
    var bestCount = 0;
    for (var i = 0; i < ranges.length; i++) {
      var count = 0;
      for (var j = i; j < ranges.length && ranges[j][1] <= ranges[i][0] + SNIPPET; j++) count++;
      if (count > bestCount) {
        best = i;
        bestCount = count;
      }
    }
    var from = 0;
    if (ranges.length && ranges[best][0] > 40) {
      from = ranges[best][0] - 30;
      var space = text.indexOf(" ", from);
      from = space >= 0 && space < ranges[best][0] ? space + 1 : ranges[best][0];
    }
    var to = Math.min(text.length, from + SNIPPET);
    if (to < text.length) {
      var cut = text.lastIndexOf(" ", to);
      if (cut > from + SNIPPET / 2) to = cut;
    }
    if (from > 0) parent.appendChild(document.createTextNode("… "));
    appendMarked(parent, text, ranges, from, to);
    if (to < text.length) parent.appendChild(document.createTextNode(" …"));
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
      var option = document.createElement("li");
      option.id = "search-option-" + i;
      option.className = "search-result";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.page = hit.page;
      var heading = document.createElement("span");
      heading.className = "search-heading";
      // A lesson without a title heading opens with its title from the file name.
      var title = hit.heading || hit.title;
      appendMarked(heading, title, matches(title, result.matched), 0, title.length);
      if (!hit.opening) {
        var lesson = document.createElement("span");
        lesson.className = "search-lesson";
        lesson.textContent = hit.title;
        option.appendChild(lesson);
      }
      option.appendChild(heading);
      list.appendChild(option);
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
