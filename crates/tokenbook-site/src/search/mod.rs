//! The offline full-text search index, built with the site and read by
//! `static/js/search-engine.js` (with `search-core.js`) in the browser,
//! without a server.
//!
//! Every lesson is cut into sections at its headings ([`sections`]); a
//! section is one search document, opened at its heading's id (the ids
//! `markdown::parse` gave, taken from the lesson's outline). Its words are
//! read from the markdown source in one pass, without parsing it again:
//! text, inline code, code blocks and diagrams count; link targets, raw
//! HTML, entities and playground fences do not. Text is folded and split
//! by [`for_each_token`]: compatibility decomposition (NFKD), combining
//! marks dropped (`é` is `e`), lowercase; words are runs of letters and
//! digits, and Chinese and Japanese text, which has no spaces, becomes
//! overlapping pairs of characters. The browser script folds queries with
//! the same rules. [`sections`] runs once per source (and `serve` keeps
//! its result while the file is unchanged), so [`build_index`] only puts
//! the lessons together.
//!
//! [`build_index`] writes the index as small JavaScript files under
//! `search/` (scripts, not JSON, so that a page opened from `file://` can
//! load them too), so a query downloads only what it needs:
//!
//! - `manifest.js`: the number of sections, BM25's parameters, the first
//!   term of every term chunk and the first section of every document
//!   chunk;
//! - `lengths.js`: every section's length in terms relative to the
//!   average, one letter each (BM25 weighs every candidate by it);
//! - `t<N>.js`: terms in sorted runs, each with its postings: how many,
//!   then the sections it is in (gaps) and how often (a heading's words
//!   count [`HEADING_BOOST`] times), Rice-coded into a string of bits, six
//!   to a letter; about 16 KB each;
//! - `d<N>.js`: consecutive sections grouped by lesson: the lesson's page
//!   and title, and each section's heading and anchor, about 4 KB each.
//!   No text: the browser takes a result's snippet from its lesson page.
//!
//! Sections are numbered in reading order, so postings' gaps are small.
//! At 1000 lessons of the benchmark course (8932 sections) the index is
//! 0.53 MB in 53 files (the previous one, with every section's text, was
//! 10.7 MB in 1299): 425 KB of postings, 92 KB of headings, 9 KB of
//! lengths. A query loads the manifest, the lengths, one to three term
//! chunks and the document chunks of its (at most 8) results: 9 or 10
//! files, 50–65 KB (20–30 KB gzipped); then the results' lesson pages.
//! Smaller chunks would load less per query but make more files, which
//! costs every build more than it saves a reader.
//!
//! Pure: no I/O; it returns [`OutputFile`]s.

mod chunks;
mod index;
mod reader;
mod rice;
mod scripts;
mod sections;
mod text;

pub(crate) use index::build_index;
pub use scripts::DIR;
pub(crate) use sections::{IndexLesson, Sections, sections};

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::chunks::{DOC_CHUNK_BYTES, TERM_CHUNK_BYTES};
    use super::reader::scan;
    use super::rice::LETTERS;
    use super::rice::encode_postings;
    use super::scripts::push_json;
    use super::sections::MAX_COUNT;
    use super::text::is_stop_word;
    use super::text::{MAX_TERM_CHARS, STOP_WORDS, Tokenizer, fold, tokens};
    use super::*;
    use crate::markdown::{self, Heading};
    use crate::slug::heading_id;

    fn outline(body: &str) -> Vec<Heading> {
        markdown::parse(body, 0).outline().headings
    }

    /// A section as (anchor, heading, its terms with counts, sorted).
    type Cut = (String, String, Vec<(String, u32)>);

    fn cut(body: &str) -> Vec<Cut> {
        let sections = sections(body, 0, &outline(body));
        sections
            .list
            .iter()
            .map(|s| {
                let mut terms: Vec<(String, u32)> =
                    sections.terms(s).map(|(t, n)| (t.to_string(), n)).collect();
                terms.sort();
                (s.anchor.clone(), s.heading.clone(), terms)
            })
            .collect()
    }

    /// The words of one stretch of markdown, as [`scan`] reads them.
    fn scanned(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(src, &mut Tokenizer::default(), &mut |t| {
            out.push(t.to_string())
        });
        out
    }

    fn counted(terms: &[(&str, u32)]) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = terms.iter().map(|(t, n)| (t.to_string(), *n)).collect();
        out.sort();
        out
    }

    /// Decodes postings as the browser does: (section, count) pairs.
    fn decode(text: &str) -> Vec<(u32, u32)> {
        let value = |b: u8| LETTERS.iter().position(|&l| l == b).unwrap() as u32;
        let bytes = text.as_bytes();
        let (mut n, mut shift, mut i) = (0u32, 0, 0);
        loop {
            let v = value(bytes[i]);
            i += 1;
            n |= (v & 31) << shift;
            shift += 5;
            if v < 32 {
                break;
            }
        }
        let (k, j) = (value(bytes[i]), value(bytes[i + 1]));
        i += 2;
        let mut bits = bytes[i..]
            .iter()
            .flat_map(|&b| (0..6).rev().map(move |s| (value(b) >> s) & 1));
        let mut read = |width: u32| (0..width).fold(0, |v, _| v * 2 + bits.next().unwrap());
        let mut out = Vec::new();
        let mut doc = -1i64;
        for _ in 0..n {
            let mut q = 0;
            while read(1) == 1 {
                q += 1;
            }
            doc += i64::from((q << k) + read(k)) + 1;
            let mut q = 0;
            while read(1) == 1 {
                q += 1;
            }
            out.push((doc as u32, (q << j) + read(j) + 1));
        }
        out
    }

    /// The files of an index of lessons `(title, markdown)`, as text by
    /// name (`manifest`, `t0`, `d0`…), the `load()` call taken off.
    fn files(lessons: &[(&str, &str)]) -> HashMap<String, String> {
        let pages: Vec<String> = (0..lessons.len())
            .map(|i| format!("l{i}/index.html"))
            .collect();
        let made: Vec<Sections> = lessons
            .iter()
            .map(|(_, body)| sections(body, 0, &outline(body)))
            .collect();
        let listed: Vec<IndexLesson<'_>> = lessons
            .iter()
            .zip(&pages)
            .zip(&made)
            .map(|(((title, _), page), sections)| IndexLesson {
                title,
                page,
                sections,
            })
            .collect();
        build_index(&listed)
            .into_iter()
            .map(|f| {
                let name = f.path[DIR.len()..f.path.len() - 3].to_string();
                let text = String::from_utf8(f.contents).unwrap();
                let prefix = format!("tokenbookSearch.load(\"{name}\",");
                assert!(
                    text.starts_with(&prefix) && text.ends_with(");\n"),
                    "{text}"
                );
                (name, text[prefix.len()..text.len() - 3].to_string())
            })
            .collect()
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    /// The postings of `term` in an index's files.
    fn postings(files: &HashMap<String, String>, term: &str) -> Option<Vec<(u32, u32)>> {
        files
            .iter()
            .filter(|(name, _)| name.starts_with('t'))
            .find_map(|(_, text)| {
                let chunk = json(text);
                let at = chunk["terms"].as_array()?.iter().position(|t| t == term)?;
                Some(decode(chunk["postings"][at].as_str()?))
            })
    }

    #[test]
    fn folding_drops_accents_and_case_and_keeps_cjk() {
        assert_eq!(fold("Café ÉLAN naïve"), "cafe elan naive");
        assert_eq!(fold("ﬁne Ⅻ ＡＢＣ"), "fine xii abc");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("認証"), "認証");
    }

    #[test]
    fn words_are_folded_and_short_words_and_stop_words_dropped() {
        assert_eq!(
            tokens("The Client's `client_id`, a Résumé of OAuth2 — 401!"),
            ["client", "client", "id", "resume", "oauth2", "401"]
        );
        let long = "x".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(tokens(&format!("eyJ{long} ok")), ["ok"]);
    }

    #[test]
    fn the_stop_word_match_is_the_list() {
        for word in STOP_WORDS {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["a", "then", "tokens", "thes", "ths", "with_"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn cjk_text_becomes_overlapping_pairs() {
        // Kana lose their voicing marks with the other combining marks.
        assert_eq!(
            tokens("認証サーバー"),
            ["認証", "証サ", "サー", "ーハ", "ハー"]
        );
        assert_eq!(tokens("鍵 token"), ["鍵", "token"]);
        assert_eq!(tokens("JWTの署名"), ["jwt", "の署", "署名"]);
        // Hangul is written with spaces: words, decomposed like any letter.
        assert_eq!(tokens("토큰 발급").len(), 2);
    }

    #[test]
    fn sections_follow_headings_with_their_ids_and_count_their_terms() {
        let body = "# 03 · The Flow\n\nIntro *text* text.\n\n## 🔄 The Whole Flow\n\nStep one.\n\n```text\n┌──┐\n│ab│\n└──┘\n```\n\n### Custom {#mine}\n\n```playground sample=app-token\nhidden words\n```\n\nLast.\n";
        assert_eq!(
            cut(body),
            vec![
                (
                    String::new(),
                    "03 · The Flow".into(),
                    counted(&[("03", 4), ("flow", 4), ("intro", 1), ("text", 2)])
                ),
                (
                    "the-whole-flow".into(),
                    "🔄 The Whole Flow".into(),
                    counted(&[
                        ("ab", 1),
                        ("flow", 4),
                        ("one", 1),
                        ("step", 1),
                        ("whole", 4)
                    ])
                ),
                (
                    "mine".into(),
                    "Custom".into(),
                    counted(&[("custom", 4), ("last", 1)])
                ),
            ]
        );
        let made = sections(body, 0, &outline(body));
        assert_eq!(
            made.list.iter().map(|s| s.length).collect::<Vec<_>>(),
            [5, 5, 2],
            "lengths count every term once, the heading's too"
        );
    }

    #[test]
    fn text_before_the_title_and_setext_headings_and_a_second_title() {
        let body = "Before the title.\n\nTitle Line\n==========\n\nUnder it.\n\nSub Part\n--------\n\nDeep text.\n\n# Second Title\n\nEnd.\n";
        let found: Vec<(String, String, Vec<String>)> = cut(body)
            .into_iter()
            .map(|(a, h, t)| (a, h, t.into_iter().map(|(t, _)| t).collect()))
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            found,
            vec![
                (String::new(), String::new(), strings(&["before", "title"])),
                (
                    String::new(),
                    "Title Line".into(),
                    strings(&["line", "title", "under"])
                ),
                (
                    "sub-part".into(),
                    "Sub Part".into(),
                    strings(&["deep", "part", "sub", "text"])
                ),
                (
                    "second-title".into(),
                    "Second Title".into(),
                    strings(&["end", "second", "title"])
                ),
            ]
        );
    }

    #[test]
    fn markdown_is_read_as_a_reader_sees_it() {
        assert_eq!(
            scanned(
                "See [the flow](./03_The_Flow.md#step-two \"Title here\") and ![a diagram](img/pic.png)."
            ),
            ["see", "flow", "diagram"]
        );
        assert_eq!(
            scanned(
                "Use `client_id` and ``a `tick` here`` &amp; &#39;quoted&#39; <b>bold</b> text <https://example.com/path>."
            ),
            [
                "use", "client", "id", "tick", "here", "quoted", "bold", "text"
            ]
        );
        assert_eq!(
            scanned(
                "Before.\n\n<div class=\"note\">\nhidden html\n</div>\n\nAfter.\n<!-- a\ncomment -->\nvisible\n\n[ref]: https://example.com/secret-path\n[^1]: Footnote words.\n"
            ),
            ["before", "after", "visible", "footnote", "words"]
        );
        assert_eq!(
            scanned(
                "> ```bash\n> curl -d grant_type=client_credentials\n> ```\n~~~playground\nnothing\n~~~\n````md\n```\ninner words\n````\nout"
            ),
            [
                "curl",
                "grant",
                "type",
                "client",
                "credentials",
                "inner",
                "words",
                "out"
            ]
        );
        // Unclosed markup is text.
        assert_eq!(scanned("a `bee and cee < dee e"), ["bee", "cee", "dee"]);
        assert_eq!(scanned("x [link](unclosed words"), ["link"]);
    }

    #[test]
    fn sections_line_up_with_file_offsets() {
        // A body after front matter: outline offsets are file offsets.
        let body = "## A\n\nx y\n\n## A\n\nz w\n";
        let headings = markdown::parse(body, 40).outline().headings;
        let ids: Vec<_> = sections(body, 40, &headings)
            .list
            .into_iter()
            .map(|s| s.anchor)
            .collect();
        assert_eq!(ids, ["a", "a-1"]);
    }

    #[test]
    fn postings_hold_sections_and_counts_and_headings_count_more() {
        let index = files(&[
            (
                "One",
                "# One\n\nTokens expire. Tokens expire again.\n\n## Caching\n\nKeep tokens.\n",
            ),
            ("Two", "# Two\n\nA client asks.\n"),
        ]);
        assert_eq!(postings(&index, "tokens"), Some(vec![(0, 2), (1, 1)]));
        assert_eq!(postings(&index, "caching"), Some(vec![(1, 4)]));
        assert_eq!(postings(&index, "client"), Some(vec![(2, 1)]));
        assert_eq!(postings(&index, "two"), Some(vec![(2, 4)]));
        assert!(postings(&index, "the").is_none());
        let lengths = json(&index["lengths"]);
        // "One": one, tokens, expire, tokens, expire, again = 6; "Caching":
        // caching, keep, tokens = 3; "Two": two, client, asks = 3.
        // Average 4: 8 * log2(6 / 4) + 32 = 36.7, 8 * log2(3 / 4) + 32 = 28.7.
        assert_eq!(lengths, "bTT");
    }

    #[test]
    fn numbers_round_trip_through_the_bits() {
        let mut rng = 0x2545_f491_u32;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            rng
        };
        for spread in [1, 3, 40, 5000, 1 << 20] {
            let mut doc = 0;
            let list: Vec<(u32, u32)> = (0..300)
                .map(|i| {
                    doc += if i == 0 {
                        next() % spread
                    } else {
                        1 + next() % spread
                    };
                    (doc, 1 + next() % MAX_COUNT)
                })
                .collect();
            assert_eq!(decode(&encode_postings(&list)), list, "spread {spread}");
        }
        assert_eq!(decode(&encode_postings(&[(0, 1)])), [(0, 1)]);
        assert_eq!(
            decode(&encode_postings(&[(7, 63), (200_000, 2)])),
            [(7, 63), (200_000, 2)]
        );
    }

    #[test]
    fn documents_and_terms_are_chunked_and_the_manifest_names_the_chunks() {
        let body: String = (0..1500)
            .map(|i| {
                format!(
                    "## Section {i}\n\nword{i} alpha{} shared text here\n\n",
                    i % 7
                )
            })
            .collect();
        let lessons: Vec<(&str, &str)> =
            vec![("Big", body.as_str()), ("Small", "# Small\n\nshared\n")];
        let index = files(&lessons);
        let docs = index.keys().filter(|n| n.starts_with('d')).count();
        let term_chunks = index.keys().filter(|n| n.starts_with('t')).count();
        assert!(docs > 1, "{docs} document chunks");
        assert!(term_chunks > 1, "{term_chunks} term chunks");
        for (name, text) in &index {
            assert!(
                text.len() < DOC_CHUNK_BYTES.max(TERM_CHUNK_BYTES) + 200,
                "{name}: {} bytes",
                text.len()
            );
        }
        let manifest = json(&index["manifest"]);
        assert_eq!(manifest["docs"], 1501);
        assert_eq!(manifest["terms"].as_array().unwrap().len(), term_chunks);
        let firsts: Vec<u64> = manifest["docChunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_u64().unwrap())
            .collect();
        assert_eq!(firsts.len(), docs);
        assert_eq!(firsts[0], 0);
        assert_eq!(
            json(&index["lengths"]).as_str().unwrap().chars().count(),
            1501
        );

        // Each chunk holds the sections from its first up to the next's;
        // the big lesson goes on from chunk to chunk, named again in each.
        let mut seen = 0;
        for (c, first) in firsts.iter().enumerate() {
            assert_eq!(*first, seen, "d{c}");
            let chunk = json(&index[&format!("d{c}")]);
            for lesson in chunk["lessons"].as_array().unwrap() {
                let lesson = lesson.as_array().unwrap();
                assert!(lesson[0] == "l0/" || lesson[0] == "l1/", "{lesson:?}");
                seen += lesson.len() as u64 - 2;
            }
        }
        assert_eq!(seen, 1501);
        let last = json(&index[&format!("d{}", docs - 1)]);
        assert_eq!(
            last["lessons"].as_array().unwrap().last().unwrap(),
            &json(r#"["l1/","Small",0]"#)
        );
        let shared = postings(&index, "shared").unwrap();
        assert_eq!(shared.len(), 1501);
        assert_eq!(shared.last().unwrap().0, 1500);
    }

    #[test]
    fn anchors_are_left_out_where_the_browser_derives_them_and_headings_repeat_by_number() {
        let index = files(&[
            (
                "Q \"x\"",
                "# Q \"x\"\n\n## 🧭 Where It Fits\n\n## Where It Fits\n\n## Ça Marche\n\n## Own {#custom}\n\n## snake_case and-dash  x\n\ntext\n",
            ),
            (
                "Two",
                "# Other Title\n\n## Ça Marche\n\n## 🧭 Where It Fits\n\n## snake_case and-dash  x\n\n## 🧭 Where It Fits\n",
            ),
        ]);
        let chunk = json(&index["d0"]);
        assert_eq!(
            chunk["lessons"],
            json(
                r#"[
                    ["l0/","Q \"x\"",0,"🧭 Where It Fits",["where-it-fits-1","Where It Fits"],["ça-marche","Ça Marche"],["custom","Own"],"snake_case and-dash  x"],
                    ["l1/","Two",["","Other Title"],["ça-marche","Ça Marche"],1,2,["where-it-fits-1","🧭 Where It Fits"]]
                ]"#
            )
        );
        assert_eq!(
            heading_id("snake_case and-dash  x"),
            "snake_case-and-dash-x"
        );
        let mut json = String::new();
        push_json(&mut json, "a\u{2028}\u{1}\n");
        assert_eq!(json, r#""a\u2028\u0001\n""#);
    }

    #[test]
    fn an_empty_course_has_an_empty_index() {
        let index = files(&[]);
        assert_eq!(index.len(), 2, "{:?}", index.keys());
        assert_eq!(json(&index["manifest"])["docs"], 0);
        assert_eq!(json(&index["lengths"]), "");
    }

    /// The rules `search-core.js` repeats, as vectors for its tests.
    #[test]
    fn golden_vectors_of_folding_terms_heading_ids_and_codes() {
        let texts = [
            "Café ÉLAN naïve",
            "Straße and STRASSE",
            "ΣΊΣΥΦΟΣ ὀδυσσεύς",
            "ﬁle ﬂow Ⅻ ①",
            "Ｆｕｌｌ ｗｉｄｔｈ ＡＢＣ",
            "İstanbul ÅNGSTRÖM Øre",
            "認証サーバーがアクセストークンを発行します",
            "日本 a 語",
            "x\u{301}y \u{1F600} emoji, ⚠\u{fe0f} warning",
            "the client_id and client-secret: e2e t-shirt",
            "A an the of to and-or it's",
            "tooooooooooooooooooooooooooooooooooooolong word",
            "한국어 텍스트",
            "",
        ];
        let headings = [
            "Where It Fits",
            "🧭 Where It Fits",
            "What's Missing?",
            "snake_case and-dash  x",
            "03 · The Flow",
            "  Leading and trailing  ",
            "Step 1: get a token (RFC 6749 §4.4)",
            "---",
            "",
        ];
        let numbers = [0u32, 1, 31, 32, 33, 1023, 1024, 65_535, 123_456, u32::MAX];
        let postings: [&[(u32, u32)]; 5] = [
            &[(0, 1)],
            &[(3, 2), (4, 1), (10, 63)],
            &[(0, 5), (1, 5), (2, 5), (3, 5)],
            &[(7, 63), (200_000, 2)],
            &[(100, 1), (5_000, 1), (5_001, 40), (1_000_000, 3)],
        ];
        let vectors = serde_json::json!({
            "note": "Written by crates/tokenbook-site (search::tests, TOKENBOOK_UPDATE_GOLDEN=1); read by the JavaScript unit tests. Do not edit by hand.",
            "max_term": MAX_TERM_CHARS,
            "stop_words": STOP_WORDS,
            "fold": texts.iter().map(|t| serde_json::json!({"input": t, "folded": fold(t)})).collect::<Vec<_>>(),
            "terms": texts.iter().map(|t| serde_json::json!({"input": t, "terms": tokens(t)})).collect::<Vec<_>>(),
            "heading_ids": headings.iter().map(|h| serde_json::json!({"heading": h, "id": heading_id(h)})).collect::<Vec<_>>(),
            "numbers": numbers.iter().map(|&n| {
                let mut encoded = String::new();
                super::rice::push_number(&mut encoded, n);
                serde_json::json!({"n": n, "encoded": encoded})
            }).collect::<Vec<_>>(),
            "postings": postings.iter().map(|p| serde_json::json!({"postings": p, "encoded": encode_postings(p)})).collect::<Vec<_>>(),
        });
        crate::golden::check("search.json", &vectors);
    }
}
