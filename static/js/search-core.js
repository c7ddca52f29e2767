// The site's search without the page: text folded and cut into terms as
// the index sees it, the index's number and Rice codes decoded, which
// chunks a query needs, the words that answer it (prefixes, one typo) and
// BM25 ranking. No DOM, no requests: search-engine.js loads the index and
// draws the results with it, and the JavaScript unit tests (tests/unit)
// check it against the vectors the Rust side writes (tests/golden).
//
// A classic script (the site must work from file://, where modules do not
// load) that exposes one global, tokenbookSearchCore; search.js loads it
// just before search-engine.js.
(function () {
  "use strict";

  var MAX_QUERY_TERMS = 8;
  var MAX_EXPANSIONS = 40;
  var MAX_TYPOS = 10;
  var TYPO_MIN = 5;
  var LETTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var VALUE = new Int8Array(128).fill(-1);
  for (var l = 0; l < LETTERS.length; l++) VALUE[LETTERS.charCodeAt(l)] = l;
  // The same characters search.rs indexes as pairs (`is_cjk`).
  var CJK = /[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;

  // -------------------------------------------------------------------------
  // Text as the index sees it (search/text.rs: fold_char, Tokenizer)

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

  // Whether a token is a term the index keeps, by the manifest's
  // `maxTerm` and `stopWords`: every CJK pair, and words of 2 to maxTerm
  // characters that are no stop word (a `prefix` still being typed may
  // be one: "the" finds "then").
  function isTerm(token, m, prefix) {
    if (token.cjk) return true;
    var length = Array.from(token.text).length;
    if (length < 2 || length > m.maxTerm) return false;
    return prefix || m.stopWords.indexOf(token.text) < 0;
  }

  // The terms of `text` the index holds, in order (search/text.rs:
  // for_each_token).
  function terms(text, m) {
    return tokenize(fold(text))
      .filter(function (token) { return isTerm(token, m, false); })
      .map(function (token) { return token.text; });
  }

  // The query's terms; the last is a prefix while it is being typed.
  function parseQuery(raw, m) {
    var tokens = tokenize(fold(raw));
    var open = /[\p{Alphabetic}\p{N}\p{M}]$/u.test(raw);
    var seen = Object.create(null);
    var out = [];
    tokens.forEach(function (token, i) {
      var prefix = open && i === tokens.length - 1;
      if (!isTerm(token, m, prefix)) return;
      var key = token.text + (prefix ? "*" : "");
      if (seen[key]) return;
      seen[key] = true;
      out.push({ text: token.text, prefix: prefix, cjk: token.cjk });
    });
    return out.slice(0, MAX_QUERY_TERMS);
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

  // -------------------------------------------------------------------------
  // The index's codes (search/rice.rs)

  // The value of the letter at `i` of `text` (0 to 63).
  function letter(text, i) {
    return VALUE[text.charCodeAt(i) & 127];
  }

  // The number written from `at` of `text` in 5-bit groups, least
  // significant first, 32 added to every letter but the last (rice.rs:
  // push_number): [number, where the next code starts]. A text cut short
  // ends the number (a damaged index gives wrong results, never a hang).
  function readNumber(text, at) {
    var n = 0;
    var scale = 1;
    var v;
    do {
      v = letter(text, at++);
      n += (v & 31) * scale;
      scale *= 32;
    } while (v & 32 && at < text.length);
    return [n, at];
  }

  // A term's postings (rice.rs: encode_postings): their number, the Rice
  // parameters k and j, then bits, six to a letter: per posting the gap to
  // the previous section (Rice, k) and the count minus one (Rice, j).
  // Returns { docs, counts }, sections ascending.
  function decodePostings(text) {
    var start = readNumber(text, 0);
    var n = start[0];
    var i = start[1];
    var k = letter(text, i++);
    var j = letter(text, i++);
    var bits = 0;
    var left = 0;
    function bit() {
      if (!left) {
        // Past the end (a damaged index): zeros, so every loop ends.
        if (i >= text.length) return 0;
        bits = letter(text, i++);
        left = 6;
      }
      left--;
      return (bits >> left) & 1;
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
    return { docs: docs, counts: counts };
  }

  // Per section, BM25's length normalisation: K1 * (1 - B + B * length /
  // average), the length read from lengths.js (a letter per section,
  // lengthSteps * log2(length / average) + 32; 0 for none).
  function lengthNorms(letters, m) {
    var byLetter = [];
    for (var q = 0; q < 64; q++) {
      var ratio = q ? Math.pow(2, (q - 32) / m.lengthSteps) : 0;
      byLetter.push(m.k1 * (1 - m.b + m.b * ratio));
    }
    var norms = new Float64Array(letters.length);
    for (var i = 0; i < letters.length; i++) norms[i] = byLetter[letter(letters, i)];
    return norms;
  }

  // A term chunk ({terms: [...], postings: [...]}) as term -> postings.
  function termTable(data) {
    var map = Object.create(null);
    data.terms.forEach(function (term, k) { map[term] = data.postings[k]; });
    return map;
  }

  // A document chunk's sections, in order: {title, page, anchor, heading}
  // (search/chunks.rs). A section is 0 for the lesson's opening, a heading
  // whose anchor is derived, the number of such a heading met before in
  // the chunk, or [anchor, heading].
  function docSections(data) {
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
    return out;
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

  function isTypo(term, t) {
    var q = term.text;
    if (!term.prefix) return withinOne(q, t);
    return withinOne(q, t.slice(0, q.length)) || withinOne(q, t.slice(0, q.length - 1)) || withinOne(q, t.slice(0, q.length + 1));
  }

  // Index terms that answer one query term, each with how much it counts
  // and its table: the word itself and (while it is typed) longer words it
  // starts; or, with `typos`, words one typo away.
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

  // Sections matching every term (or, when none does, any), best first.
  // `perTerm` holds each query term's candidates, `postingsOf` decodes a
  // candidate's postings, `docs` is the number of sections.
  function rank(perTerm, postingsOf, docs, norms) {
    var scores = perTerm.map(function (cands) {
      var best = new Map();
      cands.forEach(function (c) {
        var p = postingsOf(c);
        var df = p.docs.length;
        var idf = Math.log(1 + (docs - df + 0.5) / (df + 0.5));
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

  // -------------------------------------------------------------------------
  // Matched words in the original text, and the snippet around them

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

  // The part of `text`, at most `size` characters, around most of its
  // matched `ranges`: { from, to }.
  function snippetRange(text, ranges, size) {
    var best = 0;
    var bestCount = 0;
    for (var i = 0; i < ranges.length; i++) {
      var count = 0;
      for (var j = i; j < ranges.length && ranges[j][1] <= ranges[i][0] + size; j++) count++;
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
    var to = Math.min(text.length, from + size);
    if (to < text.length) {
      var cut = text.lastIndexOf(" ", to);
      if (cut > from + size / 2) to = cut;
    }
    return { from: from, to: to };
  }

  globalThis.tokenbookSearchCore = {
    fold: fold,
    tokenize: tokenize,
    terms: terms,
    parseQuery: parseQuery,
    headingId: headingId,
    readNumber: readNumber,
    decodePostings: decodePostings,
    lengthNorms: lengthNorms,
    termTable: termTable,
    docSections: docSections,
    chunkOf: chunkOf,
    plan: plan,
    typoAllowed: typoAllowed,
    typoChunks: typoChunks,
    withinOne: withinOne,
    candidates: candidates,
    rank: rank,
    matches: matches,
    snippetRange: snippetRange,
  };
})();
