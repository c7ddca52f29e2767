//! The synthetic course the benchmark builds, deterministic from a fixed
//! seed, written in tokenbook's, mdBook's and Zola's layouts.

use std::fmt::Write as _;
use std::path::Path;

use super::*;
use xtask::fail::AtPath as _;

// ---------------------------------------------------------------------------
// The synthetic corpus

/// xorshift64: small, fast and the same everywhere.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of the `|`-separated items of `list`.
    pub(super) fn pick(&mut self, list: &'static str) -> &'static str {
        let count = list.split('|').count();
        list.split('|').nth(self.below(count)).unwrap_or(list)
    }
}

// The words lessons are made of, `|`-separated.
pub(super) const ADJECTIVES: &str = "Rotating|Cached|Scoped|Signed|Expired|Trusted|Silent|Retried|Audited|Pinned|Sharded|Layered|Narrow|Shared|Hidden|Verified|Delayed|Mutual|Static|Rolling";
pub(super) const NOUNS: &str = "Tokens|Keys|Scopes|Clients|Secrets|Audiences|Claims|Gateways|Caches|Retries|Endpoints|Headers|Certificates|Rotations|Budgets|Queues|Workers|Ledgers|Timeouts|Issuers|Logs|Policies|Proxies|Signatures";
pub(super) const WORDS: &str = "service|token|request|server|client|scope|cache|header|answer|lifetime|signature|key|audience|claim|endpoint|retry|clock|network|deployment|secret store|rotation|gateway|queue|worker|policy|log line|metric|response|error|timeout";
pub(super) const VERBS: &str = "checks|sends|keeps|rejects|refreshes|signs|reads|caches|forwards|validates|logs|drops|renews|trusts|names|compares";
pub(super) const LINKERS: &str =
    "before|after|while|because|unless|until|so that|even when|and then|whenever";
pub(super) const CODE: &str =
    "`scope`|`aud`|`exp`|`client_id`|`expires_in`|`401`|`iss`|`kid`|`Cache-Control`|`grant_type`";
pub(super) const SERVICES: &str = "billing|auth-server|ledger-api|report-job|key-store|gateway|audit-log|mailer|scheduler|inventory";
pub(super) const EMOJI: &str = "🤖|🔐|📦|🚀|📨|🔑|🧾|🌐|💾|📡|🧪|📊";
pub(super) const SECTIONS: &str = "🔍 Looking Closer|💡 Why It Matters|🧪 Trying It Out|📈 At Scale|🧱 Building Blocks|🚦 When It Goes Wrong|🧰 In Practice|🗺️ Where It Leads";

/// One synthetic lesson.
pub(super) struct Lesson {
    pub(super) title: String,
    /// `0042_Some_Title.md`
    pub(super) file: String,
    /// The lesson in tokenbook's markdown, links as `./0042_Some_Title.md`.
    pub(super) body: String,
}

/// `n` lessons of about 12 KB each, the same for the same `n`.
pub(super) fn corpus(n: usize) -> Vec<Lesson> {
    let mut rng = Rng(SEED);
    let mut lessons: Vec<Lesson> = (1..=n)
        .map(|i| {
            let nouns: Vec<&str> = NOUNS.split('|').collect();
            let first = rng.below(nouns.len());
            let second = (first + 1 + rng.below(nouns.len() - 1)) % nouns.len();
            let title = format!(
                "{} {} and {}",
                rng.pick(ADJECTIVES),
                nouns[first],
                nouns[second]
            );
            let file = format!("{i:04}_{}.md", title.replace(' ', "_"));
            Lesson {
                title,
                file,
                body: String::new(),
            }
        })
        .collect();
    let titles: Vec<(String, String)> = lessons
        .iter()
        .map(|l| (l.title.clone(), l.file.clone()))
        .collect();
    for (i, lesson) in lessons.iter_mut().enumerate() {
        lesson.body = lesson_body(&mut rng, &titles, i);
    }
    lessons
}

pub(super) fn lesson_body(rng: &mut Rng, titles: &[(String, String)], me: usize) -> String {
    let mut s = String::with_capacity(LESSON_BYTES + 2048);
    let _ = writeln!(s, "# {}\n", titles[me].0);
    paragraph(rng, titles, me, &mut s);
    paragraph(rng, titles, me, &mut s);
    s.push_str("## 🧭 The Picture\n\n");
    let _ = writeln!(
        s,
        "```text alt=\"Sequence diagram: three services exchange four messages\""
    );
    s.push_str(&diagram(rng));
    s.push_str("```\n\n");
    paragraph(rng, titles, me, &mut s);
    s.push_str("## 📋 Settings at a Glance\n\n");
    table(rng, &mut s);
    paragraph(rng, titles, me, &mut s);
    s.push_str("## 📨 On the Wire\n\n");
    bash_block(rng, &mut s);
    paragraph(rng, titles, me, &mut s);
    json_block(rng, me, &mut s);
    let mut check = String::new();
    beginner_check(rng, &mut check);
    let (next_title, next_file) = &titles[(me + 1) % titles.len()];
    let closing = format!("This is {EDIT_MARKER}.\n\n**Next:** [{next_title}](./{next_file})\n");
    let mut section = 0;
    while s.len() + check.len() + closing.len() < LESSON_BYTES - 400 {
        let sections: Vec<&str> = SECTIONS.split('|').collect();
        let title = sections[section % sections.len()];
        if section < sections.len() {
            let _ = writeln!(s, "## {title}\n");
        } else {
            let _ = writeln!(s, "## {title} {}\n", section / sections.len() + 1);
        }
        section += 1;
        paragraph(rng, titles, me, &mut s);
        paragraph(rng, titles, me, &mut s);
    }
    s.push_str(&check);
    s.push_str(&closing);
    s
}

/// A paragraph of five to seven sentences with inline code, emphasis and
/// one or two links to other lessons.
pub(super) fn paragraph(rng: &mut Rng, titles: &[(String, String)], me: usize, s: &mut String) {
    let sentences = 5 + rng.below(3);
    let links = 1 + rng.below(2);
    let mut line = String::new();
    for k in 0..sentences {
        let mut sentence = format!(
            "The {} {} the {}",
            rng.pick(WORDS),
            rng.pick(VERBS),
            rng.pick(WORDS)
        );
        match rng.below(4) {
            0 => {
                let _ = write!(sentence, " and its {}", rng.pick(CODE));
            }
            1 => {
                let _ = write!(sentence, " with **every {}**", rng.pick(WORDS));
            }
            _ => {}
        }
        let _ = write!(
            sentence,
            " {} the {} {} a {}",
            rng.pick(LINKERS),
            rng.pick(WORDS),
            rng.pick(VERBS),
            rng.pick(WORDS)
        );
        if k < links {
            let mut target = rng.below(titles.len());
            if target == me {
                target = (target + 1) % titles.len();
            }
            let (title, file) = &titles[target];
            let _ = write!(sentence, ", as [{title}](./{file}) shows");
        }
        sentence.push('.');
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&sentence);
    }
    // Wrapped like hand-written markdown.
    let mut width = 0;
    for word in line.split(' ') {
        if width > 0 && width + word.len() > 72 {
            s.push('\n');
            width = 0;
        } else if width > 0 {
            s.push(' ');
            width += 1;
        }
        s.push_str(word);
        width += word.len();
    }
    s.push_str("\n\n");
}

/// A grid of terminal cells: an emoji takes two, the second left empty.
pub(super) struct Grid {
    pub(super) rows: Vec<Vec<&'static str>>,
}

pub(super) const CONTINUED: &str = "";

impl Grid {
    pub(super) fn new(rows: usize, width: usize) -> Grid {
        Grid {
            rows: vec![vec![" "; width]; rows],
        }
    }

    pub(super) fn set(&mut self, row: usize, col: usize, cell: &'static str) {
        self.rows[row][col] = cell;
    }

    /// Writes `text` from `col`; emoji (U+1F000 and up, all with emoji
    /// presentation) take two columns.
    pub(super) fn text(&mut self, row: usize, mut col: usize, text: &str) {
        for (i, c) in text.char_indices() {
            let cell = leak_char(&text[i..i + c.len_utf8()]);
            self.rows[row][col] = cell;
            if u32::from(c) >= 0x1F000 {
                self.rows[row][col + 1] = CONTINUED;
                col += 2;
            } else {
                col += 1;
            }
        }
    }

    pub(super) fn render(&self) -> String {
        let mut s = String::new();
        for row in &self.rows {
            let line: String = row.concat();
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }
}

/// The few distinct characters a diagram uses, as `&'static str`.
pub(super) fn leak_char(c: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        " ", "─", "│", "┌", "┐", "└", "┘", "┬", "┴", "├", "┤", "┼", "►", "◄",
    ];
    if let Some(k) = KNOWN.iter().find(|k| **k == c) {
        return k;
    }
    if let Some(e) = EMOJI.split('|').find(|e| *e == c) {
        return e;
    }
    // Letters, digits and punctuation of labels: one static string per
    // ASCII character.
    const ASCII: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    match c.as_bytes() {
        [b] if (0x20..0x7f).contains(b) => {
            let i = usize::from(*b - 0x20);
            &ASCII[i..=i]
        }
        _ => "?",
    }
}

/// A 22-line sequence diagram: three boxed services with emoji, four
/// messages between their lifelines, a boxed summary. Every right border
/// sits exactly under its corner, counting emoji as two columns.
pub(super) fn diagram(rng: &mut Rng) -> String {
    const WIDTH: usize = 76;
    const LANES: [usize; 3] = [11, 37, 63];
    let mut grid = Grid::new(22, WIDTH);
    let mut services: Vec<&str> = Vec::new();
    while services.len() < 3 {
        let s = rng.pick(SERVICES);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    for (lane, &x) in LANES.iter().enumerate() {
        let (left, right) = (x - 9, x + 9);
        grid.set(0, left, "┌");
        grid.set(1, left, "│");
        grid.set(2, left, "└");
        for col in left + 1..right {
            grid.set(0, col, "─");
            grid.set(2, col, "─");
        }
        grid.set(0, right, "┐");
        grid.set(1, right, "│");
        grid.set(2, right, "┘");
        grid.set(2, x, "┬");
        let label = format!("{} {}", rng.pick(EMOJI), services[lane]);
        grid.text(1, left + 2, &label);
    }
    for row in 3..19 {
        for &x in &LANES {
            grid.set(row, x, "│");
        }
    }
    let messages = [(0, 1), (1, 0), (0, 2), (2, 0)];
    let first_lines = ["POST /token", "200 OK", "GET /entries", "201 Created"];
    let second_lines = ["scope", "expires_in", "Bearer token", "entry id"];
    for (m, &(from, to)) in messages.iter().enumerate() {
        let top = 3 + m * 4;
        let (a, b) = (LANES[from.min(to)], LANES[from.max(to)]);
        grid.text(top, a + 2, &format!("{}. {}", m + 1, first_lines[m]));
        grid.text(
            top + 1,
            a + 2,
            &format!("{} {}", rng.pick(EMOJI), second_lines[m]),
        );
        let arrow = top + 2;
        for col in a + 1..b {
            grid.set(arrow, col, if LANES.contains(&col) { "┼" } else { "─" });
        }
        if from < to {
            grid.set(arrow, a, "├");
            grid.set(arrow, b - 1, "►");
        } else {
            grid.set(arrow, b, "┤");
            grid.set(arrow, a + 1, "◄");
        }
    }
    let (left, right) = (LANES[0] - 9, LANES[2] + 9);
    for col in left + 1..right {
        grid.set(19, col, if LANES.contains(&col) { "┴" } else { "─" });
        grid.set(21, col, "─");
    }
    grid.set(19, left, "┌");
    grid.set(19, right, "┐");
    grid.set(20, left, "│");
    grid.set(20, right, "│");
    grid.set(21, left, "└");
    grid.set(21, right, "┘");
    let summary = format!(
        "{} {} keeps the token until it expires",
        rng.pick(EMOJI),
        services[0]
    );
    grid.text(20, left + 2, &summary);
    grid.render()
}

pub(super) fn table(rng: &mut Rng, s: &mut String) {
    s.push_str("| Setting | Where | Default | Why it matters |\n");
    s.push_str("| --- | --- | --- | --- |\n");
    for _ in 0..7 {
        let _ = writeln!(
            s,
            "| `{}_{}` | {} | {} | the {} {} the {} |",
            rng.pick(WORDS).replace(' ', "_"),
            rng.below(90) + 10,
            rng.pick(SERVICES),
            rng.below(900) + 100,
            rng.pick(WORDS),
            rng.pick(VERBS),
            rng.pick(WORDS)
        );
    }
    s.push('\n');
}

pub(super) fn bash_block(rng: &mut Rng, s: &mut String) {
    let service = rng.pick(SERVICES);
    let _ = write!(
        s,
        r#"```bash
#!/usr/bin/env bash
set -euo pipefail
# Fetch a token for {service} and call the API with it.
TOKEN_URL="https://auth.example.com/oauth2/token"
SCOPE="{service}:write"
response=$(curl -s -X POST "$TOKEN_URL" \
  -d grant_type=client_credentials \
  -d scope="$SCOPE")
token=$(echo "$response" | jq -r .access_token)
for attempt in 1 2 {attempts}; do
  if curl -sf -H "Authorization: Bearer $token" https://api.example.com/{service}; then
    break
  fi
  sleep "$attempt"
done
echo "done after $attempt attempt(s), waited {wait} ms at most"
```

"#,
        attempts = 3 + rng.below(4),
        wait = 100 * (rng.below(20) + 1),
    );
}

pub(super) fn json_block(rng: &mut Rng, me: usize, s: &mut String) {
    let service = rng.pick(SERVICES);
    let _ = write!(
        s,
        r#"```json
{{
  "service": "{service}",
  "endpoint": "https://auth.example.com/oauth2/token",
  "scopes": ["{service}:read", "{service}:write"],
  "retry": {{
    "attempts": {attempts},
    "backoff_ms": {backoff}
  }},
  "cache": {{
    "enabled": {enabled},
    "ttl_seconds": {ttl}
  }},
  "audience": "https://{service}.example.com",
  "timeout_ms": {timeout},
  "lesson": {lesson}
}}
```

"#,
        attempts = 2 + rng.below(5),
        backoff = 50 * (rng.below(10) + 1),
        enabled = rng.below(2) == 0,
        ttl = 60 * (rng.below(15) + 1),
        timeout = 500 * (rng.below(8) + 1),
        lesson = me + 1,
    );
}

/// The course's Beginner Check: numbered questions, `Answers:`, numbered
/// answers, one per question.
pub(super) fn beginner_check(rng: &mut Rng, s: &mut String) {
    s.push_str("## 🤔 Beginner Check\n\n");
    for q in 1..=4 {
        let _ = writeln!(
            s,
            "{q}. Which {} {} the {} {} the {} {}?",
            rng.pick(WORDS),
            rng.pick(VERBS),
            rng.pick(WORDS),
            rng.pick(LINKERS),
            rng.pick(WORDS),
            rng.pick(VERBS).trim_end_matches('s')
        );
    }
    s.push_str("\nAnswers:\n\n");
    for a in 1..=4 {
        let _ = writeln!(
            s,
            "{a}. The {} does, {} the {} {} its {}.",
            rng.pick(WORDS),
            rng.pick(LINKERS),
            rng.pick(WORDS),
            rng.pick(VERBS),
            rng.pick(CODE)
        );
    }
    s.push('\n');
}

/// tokenbook's layout: the lessons and `site.toml` in one folder.
pub(super) fn write_tokenbook(dir: &Path, lessons: &[Lesson]) -> Result<(), String> {
    fresh_dir(dir)?;
    write(
        &dir.join("site.toml"),
        &format!(
            "title = \"Benchmark Course of {} Lessons\"\nbase_url = \"https://example.org/bench/\"\n",
            lessons.len()
        ),
    )?;
    for lesson in lessons {
        write(&dir.join(&lesson.file), &lesson.body)?;
    }
    Ok(())
}

/// mdBook's layout: `book.toml`, `src/SUMMARY.md` listing every chapter,
/// the chapters in `src/`.
pub(super) fn write_mdbook(dir: &Path, lessons: &[Lesson]) -> Result<(), String> {
    fresh_dir(dir)?;
    write(
        &dir.join("book.toml"),
        &format!(
            "[book]\ntitle = \"Benchmark Course of {} Lessons\"\nlanguage = \"en\"\n",
            lessons.len()
        ),
    )?;
    let src = dir.join("src");
    let mut summary = String::from("# Summary\n\n");
    for lesson in lessons {
        let _ = writeln!(summary, "- [{}]({})", lesson.title, lesson.file);
        write(&src.join(&lesson.file), &lesson.body)?;
    }
    write(&src.join("SUMMARY.md"), &summary)
}

/// Zola's layout: `config.toml` with highlighting on (Zola 0.22 moved it to
/// `[markdown.highlighting]`), `content/_index.md`, one page per lesson
/// with TOML front matter, links as `@/file.md` (Zola's internal links,
/// which it checks as we do), and three minimal templates: Zola renders a
/// placeholder without them.
pub(super) fn write_zola(dir: &Path, lessons: &[Lesson]) -> Result<(), String> {
    fresh_dir(dir)?;
    write(
        &dir.join("config.toml"),
        &format!(
            "base_url = \"https://example.org/bench/\"\ntitle = \"Benchmark Course of {} Lessons\"\ncompile_sass = false\nbuild_search_index = false\n\n[markdown]\n\n[markdown.highlighting]\ntheme = \"github-dark\"\n",
            lessons.len()
        ),
    )?;
    let content = dir.join("content");
    write(
        &content.join("_index.md"),
        "+++\ntitle = \"Lessons\"\nsort_by = \"weight\"\n+++\n",
    )?;
    for (i, lesson) in lessons.iter().enumerate() {
        let body = lesson.body.replace("](./", "](@/");
        let page = format!(
            "+++\ntitle = \"{}\"\nweight = {}\n+++\n\n{body}",
            lesson.title,
            i + 1
        );
        write(&content.join(&lesson.file), &page)?;
    }
    let templates = dir.join("templates");
    let list = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ config.title }}</title></head>\n<body>\n<h1>{{ section.title }}</h1>\n<ol>\n{% for page in section.pages %}<li><a href=\"{{ page.permalink | safe }}\">{{ page.title }}</a></li>\n{% endfor %}</ol>\n</body>\n</html>\n";
    write(&templates.join("index.html"), list)?;
    write(&templates.join("section.html"), list)?;
    write(
        &templates.join("page.html"),
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ page.title }} · {{ config.title }}</title></head>\n<body>\n<main>{{ page.content | safe }}</main>\n</body>\n</html>\n",
    )
}

/// Empties `dir` (only ever one of the benchmark's own folders).
pub(super) fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).at_path(dir)?;
    }
    std::fs::create_dir_all(dir).at_path(dir)
}

pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).at_path(parent)?;
    }
    std::fs::write(path, text).at_path(path)
}
