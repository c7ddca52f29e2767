//! One lesson's markdown. [`parse`] reads it once with pulldown-cmark and
//! collects what the rest of the site needs (title, headings with their ids,
//! links); [`render`] turns the same events into HTML once every link's
//! target is known: heading anchors, highlighted code, aligned diagrams,
//! Beginner Check answers, scrollable tables.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::beginner_check;
use crate::diagnostic::Diagnostic;
use crate::events::plain_text;
use crate::highlight::{COURSE_LANGUAGES, Highlighted};
use crate::html::{escape, escape_into};
use crate::slug::heading_id;

/// The markdown extensions every lesson gets. Smart punctuation stays off:
/// it would rewrite quotes in diagrams and code.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A heading of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The unique id on the page.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
    /// Byte offset in the file.
    pub offset: usize,
}

/// A link or image destination as written, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkSite {
    /// The destination as written.
    pub dest: String,
    /// Byte offset of the whole link in the file.
    pub offset: usize,
    /// Byte length of the whole link.
    pub len: usize,
    /// The link's text, when it is plain text.
    pub text: Option<String>,
}

/// Raw HTML written in a lesson (a block's consecutive lines joined), and
/// where it starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HtmlSite {
    /// The HTML as written.
    pub text: String,
    /// Byte offset of its first character in the file.
    pub offset: usize,
}

/// What a link resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LinkTarget {
    /// The URL to write in the page.
    pub href: String,
    /// The linked lesson's title, when the link is to a lesson: replaces a
    /// link text that is just the file name (`[03_The_Flow.md](…)`).
    pub title: Option<String>,
}

/// A lesson read once.
#[derive(Debug, Clone)]
pub(crate) struct Parsed<'a> {
    events: Vec<(Event<'a>, Range<usize>)>,
    /// Every heading, with unique ids, in order.
    pub headings: Vec<Heading>,
    /// Every link and image, in order.
    pub links: Vec<LinkSite>,
    /// Every piece of raw HTML, in order.
    pub html: Vec<HtmlSite>,
    /// The text of the first level-1 heading.
    pub title: Option<String>,
    /// The first paragraph's text, shortened, for descriptions.
    pub summary: Option<String>,
}

/// What the rest of the site needs to know about a lesson, without its
/// events: kept between builds, so an unchanged lesson is not parsed again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outline {
    /// Every heading, with unique ids, in order.
    pub headings: Vec<Heading>,
    /// Every link and image, in order.
    pub links: Vec<LinkSite>,
    /// Every piece of raw HTML, in order.
    pub html: Vec<HtmlSite>,
    /// The text of the first level-1 heading.
    pub title: Option<String>,
    /// The first paragraph's text, shortened, for descriptions.
    pub summary: Option<String>,
}

impl Parsed<'_> {
    /// The lesson's outline.
    pub(crate) fn outline(&self) -> Outline {
        Outline {
            headings: self.headings.clone(),
            links: self.links.clone(),
            html: self.html.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
        }
    }
}

/// Parses a lesson body that starts at `body_offset` of its file.
pub(crate) fn parse(body: &str, body_offset: usize) -> Parsed<'_> {
    // The course's lessons give one event per ~20 bytes: sized once, a
    // little above, instead of grown by doubling. The events live only
    // while the lesson is read.
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::with_capacity(body.len() / 16);
    events.extend(
        Parser::new_ext(body, options())
            .into_offset_iter()
            .map(|(e, r)| (e, r.start + body_offset..r.end + body_offset)),
    );
    let mut parsed = Parsed {
        events,
        headings: Vec::new(),
        links: Vec::new(),
        html: Vec::new(),
        title: None,
        summary: None,
    };
    let mut used = HashSet::new();
    let mut i = 0;
    while i < parsed.events.len() {
        match &parsed.events[i].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let (text, end) = plain_text(&parsed.events, i);
                let level = heading_level(*level);
                let base = id
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_else(|| heading_id(&text));
                let id = unique(&base, &mut used);
                if level == 1 && parsed.title.is_none() && !text.trim().is_empty() {
                    parsed.title = Some(text.trim().to_string());
                }
                parsed.headings.push(Heading {
                    level,
                    id,
                    text: text.trim().to_string(),
                    offset: parsed.events[i].1.start,
                });
                i = end;
            }
            Event::Start(Tag::Paragraph) if parsed.summary.is_none() => {
                let (text, _) = plain_text(&parsed.events, i);
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    parsed.summary = Some(shorten(&text, 200));
                }
                i += 1;
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let range = parsed.events[i].1.clone();
                let text = match (&parsed.events.get(i + 1), &parsed.events.get(i + 2)) {
                    (
                        Some((Event::Text(t), _)),
                        Some((Event::End(TagEnd::Link | TagEnd::Image), _)),
                    ) => Some(t.to_string()),
                    _ => None,
                };
                parsed.links.push(LinkSite {
                    dest: dest_url.to_string(),
                    offset: range.start,
                    len: range.len(),
                    text,
                });
                i += 1;
            }
            Event::Html(text) | Event::InlineHtml(text) => {
                let range = parsed.events[i].1.clone();
                match parsed.html.last_mut() {
                    // The next line of the same HTML block.
                    Some(last) if last.offset + last.text.len() == range.start => {
                        last.text.push_str(text);
                    }
                    _ => parsed.html.push(HtmlSite {
                        text: text.to_string(),
                        offset: range.start,
                    }),
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    parsed
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn unique(base: &str, used: &mut HashSet<String>) -> String {
    if used.insert(base.to_string()) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or_default()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// Highlights a code block: `(key, language, code)`, where the key is a
/// hash of the language and the code (the build keeps blocks by it).
pub(crate) type Highlighter<'a> = &'a (dyn Fn(u64, &str, &str) -> Highlighted + Sync);

/// What rendering needs to know about the page beyond its markdown.
pub(crate) struct RenderContext<'a> {
    /// The page's site path, e.g. `05-anatomy/`.
    pub page_url: &'a str,
    /// The token playground's samples, minted on first use.
    pub playground: &'a crate::playground::LazyKit,
    /// How code blocks are highlighted.
    pub highlight: Highlighter<'a>,
}

/// A lesson's HTML and what was found while rendering it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    /// How many token playgrounds the page embeds.
    pub playgrounds: usize,
    /// The body HTML, without the title heading.
    pub html: String,
    /// The first level-1 heading, which the page places above its table of
    /// contents.
    pub title_html: Option<String>,
    /// Problems found (unknown languages, diagram lints, malformed checks).
    pub diagnostics: Vec<Diagnostic>,
    /// The keys of the code blocks it highlighted.
    pub code_keys: Vec<u64>,
}

/// Renders a parsed lesson; `targets` maps link offsets to their resolved
/// targets (links absent from it are written as they are).
pub(crate) fn render(
    parsed: &Parsed<'_>,
    path: &str,
    source: &str,
    targets: &HashMap<usize, LinkTarget>,
    context: &RenderContext<'_>,
) -> Rendered {
    let mut diagnostics = Vec::new();
    let events = beginner_check::transform(&parsed.events, path, source, &mut diagnostics);
    let mut renderer = Renderer {
        events: &events,
        headings: parsed.headings.iter().map(|h| (h.offset, h)).collect(),
        targets,
        context,
        path,
        source,
        out: Vec::with_capacity(events.len()),
        open_headings: Vec::new(),
        section_level: 1,
        in_table_head: false,
        title_events: None,
        playgrounds: 0,
        diagnostics,
        code_keys: Vec::new(),
    };
    let mut i = 0;
    while i < events.len() {
        i = renderer.event(i);
    }
    let mut out = renderer.out;
    let title_html = renderer.title_events.map(|range| {
        let mut title = String::new();
        pulldown_cmark::html::push_html(&mut title, out.drain(range));
        title
    });
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered {
        playgrounds: renderer.playgrounds,
        html,
        title_html,
        diagnostics: renderer.diagnostics,
        code_keys: renderer.code_keys,
    }
}

/// One lesson's events on their way to HTML.
struct Renderer<'e, 'a> {
    events: &'e [(Event<'e>, Range<usize>)],
    /// The outline's headings by their offset in the file.
    headings: HashMap<usize, &'e Heading>,
    targets: &'a HashMap<usize, LinkTarget>,
    context: &'a RenderContext<'a>,
    path: &'a str,
    source: &'a str,
    out: Vec<Event<'e>>,
    /// Headings started and not ended: level, heading, where in `out`.
    open_headings: Vec<(u8, &'e Heading, usize)>,
    /// The level of the last heading: a playground's own title goes one
    /// below.
    section_level: u8,
    in_table_head: bool,
    /// Where the first level-1 heading is in `out`.
    title_events: Option<Range<usize>>,
    playgrounds: usize,
    diagnostics: Vec<Diagnostic>,
    code_keys: Vec<u64>,
}

impl<'e> Renderer<'e, '_> {
    /// Renders the event at `i`; returns the index of the next one.
    fn event(&mut self, i: usize) -> usize {
        let (event, range) = &self.events[i];
        match event {
            Event::Start(Tag::Heading { .. }) => self.heading_start(event, range.start),
            Event::End(TagEnd::Heading(_)) => self.heading_end(event),
            Event::Start(Tag::Link { .. }) => return self.link(i),
            Event::Start(Tag::Image {
                link_type,
                title,
                id,
                ..
            }) if self.targets.contains_key(&range.start) => {
                self.out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: self.targets[&range.start].href.clone().into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(i, kind),
            Event::Start(Tag::Table(_)) => {
                self.out.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"scroll table-scroll\" tabindex=\"0\">",
                )));
                self.out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                self.out.push(event.clone());
                self.out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            // An empty header cell (the corner of a comparison table) heads
            // nothing: a plain cell, so screen readers announce no blank header.
            Event::Start(Tag::TableCell)
                if self.in_table_head
                    && matches!(
                        self.events.get(i + 1),
                        Some((Event::End(TagEnd::TableCell), _))
                    ) =>
            {
                self.out.push(Event::Html(CowStr::Borrowed("<td></td>")));
                return i + 2;
            }
            Event::Start(Tag::TableHead) => {
                self.in_table_head = true;
                self.out.push(event.clone());
            }
            Event::End(TagEnd::TableHead) => {
                self.in_table_head = false;
                self.out.push(event.clone());
            }
            _ => self.out.push(event.clone()),
        }
        i + 1
    }

    /// The heading and its # link side by side in a wrapper, so the link
    /// stays out of the heading's accessible name.
    fn heading_start(&mut self, event: &Event<'e>, offset: usize) {
        match self.headings.get(&offset) {
            Some(heading) => {
                self.section_level = heading.level;
                self.open_headings
                    .push((heading.level, heading, self.out.len()));
                self.out.push(Event::Html(
                    format!(
                        "<div class=\"heading\"><h{} id=\"{}\">",
                        heading.level,
                        escape(&heading.id)
                    )
                    .into(),
                ));
            }
            None => self.out.push(event.clone()),
        }
    }

    fn heading_end(&mut self, event: &Event<'e>) {
        match self.open_headings.pop() {
            Some((level, heading, start)) => {
                self.out.push(Event::Html(
                    format!(
                        "</h{level}><a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to the section {text}\">#</a></div>\n",
                        id = escape(&heading.id),
                        text = escape(&heading.text),
                    )
                    .into(),
                ));
                if level == 1 && self.title_events.is_none() {
                    self.title_events = Some(start..self.out.len());
                }
            }
            None => self.out.push(event.clone()),
        }
    }

    /// A link, to its resolved target; returns the next event's index.
    fn link(&mut self, i: usize) -> usize {
        let (event, range) = &self.events[i];
        let Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) = event
        else {
            return i + 1;
        };
        let Some(target) = self.targets.get(&range.start) else {
            self.out.push(event.clone());
            return i + 1;
        };
        self.out.push(Event::Start(Tag::Link {
            link_type: *link_type,
            dest_url: target.href.clone().into(),
            title: title.clone(),
            id: id.clone(),
        }));
        // `[03_The_Flow.md](./03_The_Flow.md)` reads better as the title.
        if let (Some(title), Some((Event::Text(text), _))) = (&target.title, self.events.get(i + 1))
            && is_file_name_of(text, dest_url)
        {
            self.out.push(Event::Text(title.clone().into()));
            return i + 2;
        }
        i + 1
    }

    /// A code block, highlighted, drawn as a diagram or made a playground;
    /// returns the index after its end.
    fn code_block(&mut self, i: usize, kind: &CodeBlockKind<'_>) -> usize {
        let offset = self.events[i].1.start;
        let mut code = String::new();
        let mut content_offset = None;
        let mut j = i + 1;
        while let Some((e, r)) = self.events.get(j) {
            match e {
                Event::Text(t) => {
                    content_offset.get_or_insert(r.start);
                    code.push_str(t);
                }
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
            j += 1;
        }
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.as_ref(),
            CodeBlockKind::Indented => "",
        };
        let block = CodeBlock {
            info,
            code: &code,
            offset,
            content_offset: content_offset.unwrap_or(offset),
        };
        let (lang, attributes) = parse_info(info);
        let html = if lang == "exercise" {
            let fence = crate::exercise::Fence {
                id: attributes.get("id").map(String::as_str),
                body: &code,
                offset,
                body_offset: block.content_offset,
            };
            let page = crate::exercise::Page {
                path: self.path,
                source: self.source,
                highlight: self.context.highlight,
                heading_level: self.section_level + 1,
            };
            crate::exercise::render(&fence, &page, &mut self.diagnostics, &mut self.code_keys)
        } else if lang == "playground" {
            self.playgrounds += 1;
            block.render_playground(
                self.context,
                (self.playgrounds, self.section_level + 1),
                self.path,
                self.source,
                &mut self.diagnostics,
            )
        } else {
            block.render(
                self.context,
                self.path,
                self.source,
                &mut self.diagnostics,
                &mut self.code_keys,
            )
        };
        self.out.push(Event::Html(html.into()));
        j + 1
    }
}

fn is_file_name_of(text: &str, dest: &str) -> bool {
    let file = dest.split('#').next().unwrap_or(dest);
    let name = file.rsplit('/').next().unwrap_or(file);
    !text.is_empty() && (text == dest || text == file || text == name)
}

/// A fenced or indented code block.
struct CodeBlock<'a> {
    info: &'a str,
    code: &'a str,
    offset: usize,
    content_offset: usize,
}

impl CodeBlock<'_> {
    fn render(
        &self,
        context: &RenderContext<'_>,
        path: &str,
        source: &str,
        diagnostics: &mut Vec<Diagnostic>,
        code_keys: &mut Vec<u64>,
    ) -> String {
        let (lang, attributes) = parse_info(self.info);
        let lang = lang.to_lowercase();
        if tokenbook_diagram::is_diagram(&lang, self.code) {
            return self.render_diagram(
                attributes.get("alt").map(String::as_str),
                path,
                source,
                diagnostics,
            );
        }
        let mut html = String::with_capacity(self.code.len() * 2);
        let label = if lang.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{}\"", escape(&lang))
        };
        html.push_str(&format!("<pre class=\"code\" tabindex=\"0\"{label}><code>"));
        let key = crate::hash::key_of(&(&lang, self.code));
        code_keys.push(key);
        let highlighted = (context.highlight)(key, &lang, self.code);
        match highlighted {
            Highlighted::Html(code) => html.push_str(&code),
            Highlighted::Plain => escape_into(&mut html, self.code),
            Highlighted::Unknown => {
                escape_into(&mut html, self.code);
                let fence = source[self.offset..]
                    .find(lang.as_str())
                    .map_or(self.offset, |i| self.offset + i);
                diagnostics.push(
                    Diagnostic::warning("code/unknown-language", path, format!("unknown language `{lang}` in a code block; it is shown without highlighting"))
                        .at(source, fence, lang.len())
                        .with_hint(format!("the course's languages are {COURSE_LANGUAGES}; write `text` for plain text")),
                );
            }
        }
        html.push_str("</code></pre>\n");
        html
    }

    /// A ```` ```playground sample=… step=… ```` fence: the playground's
    /// section, or (with an error) the fence as plain text.
    fn render_playground(
        &self,
        context: &RenderContext<'_>,
        (n, heading_level): (usize, u8),
        path: &str,
        source: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        let (_, attributes) = parse_info(self.info);
        let sample = attributes.get("sample").map_or("app-token", String::as_str);
        let step = attributes.get("step").map_or("decode", String::as_str);
        let rendered = context
            .playground
            .get()
            .map_err(|e| {
                (
                    format!("the playground's samples could not be minted: {e}"),
                    String::new(),
                )
            })
            .and_then(|kit| {
                kit.render(sample, step, context.page_url, n, heading_level)
                    .map_err(|message| {
                        let hint = format!(
                            "samples: {}; steps: {}",
                            kit.sample_ids().join(", "),
                            crate::playground::STEPS.join(", ")
                        );
                        (message, hint)
                    })
            });
        match rendered {
            Ok(html) => html,
            Err((message, hint)) => {
                diagnostics.push(
                    Diagnostic::error("playground/fence", path, message)
                        .at(source, self.offset, 3)
                        .with_hint(hint),
                );
                String::new()
            }
        }
    }

    fn render_diagram(
        &self,
        alt: Option<&str>,
        path: &str,
        source: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        for lint in tokenbook_diagram::lint(self.code) {
            let offset = self.content_offset + lint.offset;
            diagnostics.push(
                Diagnostic::warning(lint.code(), path, lint.message())
                    .at(source, offset, lint.len)
                    .with_hint(lint.hint()),
            );
        }
        let alt = match alt {
            Some(alt) if !alt.trim().is_empty() => alt.trim().to_string(),
            _ => tokenbook_diagram::fallback_alt(self.code),
        };
        let body = self.code.strip_suffix('\n').unwrap_or(self.code);
        format!(
            "<figure class=\"diagram\"><div class=\"scroll\" tabindex=\"0\"><pre class=\"diagram\" role=\"img\" aria-label=\"{}\">{}</pre></div></figure>\n",
            escape(&alt),
            tokenbook_diagram::render_html(body)
        )
    }
}

/// Splits a fence info string into its language and `key=value` attributes:
/// `text alt="Service A asks for a token"` or `json,linenos`.
pub(crate) fn parse_info(info: &str) -> (&str, HashMap<String, String>) {
    let info = info.trim();
    let lang_end = info
        .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .unwrap_or(info.len());
    let lang = &info[..lang_end];
    let mut attributes = HashMap::new();
    let mut rest = info[lang_end..].trim_start_matches([',', ' ', '\t', '{']);
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_string();
        rest = &rest[key_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(end + 1..).unwrap_or("");
                quoted[..end].to_string()
            } else {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == ',')
                    .unwrap_or(after.len());
                rest = &after[end..];
                after[..end].to_string()
            }
        } else {
            String::new()
        };
        if !key.is_empty() {
            attributes.insert(key, value);
        }
        rest = rest.trim_start_matches([',', ' ', '\t', '}']);
    }
    (lang, attributes)
}

/// A context for tests: the root page, samples minted at a fixed time.
#[cfg(test)]
pub(crate) fn test_context() -> RenderContext<'static> {
    static KIT: std::sync::LazyLock<crate::playground::LazyKit> =
        std::sync::LazyLock::new(|| crate::playground::LazyKit::new(1_780_000_000, None));
    RenderContext {
        page_url: "",
        playground: &KIT,
        highlight: &|_, lang, code| crate::highlight::highlight(lang, code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `src` rendered as lesson `a.md` with no link targets.
    fn render_alone(src: &str) -> Rendered {
        render(
            &parse(src, 0),
            "a.md",
            src,
            &HashMap::new(),
            &test_context(),
        )
    }

    #[test]
    fn info_strings() {
        let (lang, attrs) = parse_info("text alt=\"Service A asks, politely\" sample=app-token");
        assert_eq!(lang, "text");
        assert_eq!(attrs["alt"], "Service A asks, politely");
        assert_eq!(attrs["sample"], "app-token");
        assert_eq!(parse_info("json").0, "json");
        assert_eq!(parse_info("").0, "");
        assert_eq!(
            parse_info("rust,ignore")
                .1
                .get("ignore")
                .map(String::as_str),
            Some("")
        );
        assert!(parse_info("text alt=\"unterminated").1.contains_key("alt"));
    }

    #[test]
    fn headings_get_unique_ids_and_the_title_is_the_first_h1() {
        let p = parse(
            "# 🏁 Title\n\n## Same\n\n## Same\n\n### Custom {#mine}\n",
            0,
        );
        let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["title", "same", "same-1", "mine"]);
        assert_eq!(p.title.as_deref(), Some("🏁 Title"));
    }

    #[test]
    fn an_empty_header_cell_is_a_plain_cell_and_playground_titles_follow_the_section() {
        let src = "## Compare\n\n|   | App | User |\n|---|-----|------|\n| sub | client | person |\n\n```playground\n```\n";
        let r = render_alone(src);
        assert!(
            r.html
                .contains("<thead><tr><td></td><th>App</th><th>User</th></tr></thead>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<td>sub</td>"), "{}", r.html);
        assert!(
            r.html
                .contains("<div class=\"heading\"><h3 id=\"playground-title\">"),
            "{}",
            r.html
        );
        let top = "```playground\n```\n";
        let r = render_alone(top);
        assert!(
            r.html.contains("<h2 id=\"playground-title\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn links_are_collected_with_file_offsets() {
        let p = parse("Go [on](./03_The_Flow.md#x).\n", 10);
        assert_eq!(
            p.links,
            vec![LinkSite {
                dest: "./03_The_Flow.md#x".into(),
                offset: 13,
                len: 24,
                text: Some("on".into())
            }]
        );
    }

    #[test]
    fn rendering_headings_code_tables_and_links() {
        let src = "## A *b*\n\n```json\n{\"a\": 1}\n```\n\n| x |\n|---|\n| y |\n\n[t](./t.md)\n";
        let p = parse(src, 0);
        let offset = p.links[0].offset;
        let targets = HashMap::from([(
            offset,
            LinkTarget {
                href: "../t/index.html".into(),
                title: None,
            },
        )]);
        let r = render(&p, "a.md", src, &targets, &test_context());
        assert!(
            r.html
                .contains("<div class=\"heading\"><h2 id=\"a-b\">A <em>b</em></h2><a class=\"anchor\" href=\"#a-b\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<pre class=\"code\" tabindex=\"0\" data-lang=\"json\"><code>{<span class=\"a\">"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<div class=\"scroll table-scroll\" tabindex=\"0\"><table>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"../t/index.html\""), "{}", r.html);
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn file_name_link_text_becomes_the_lesson_title() {
        let src = "**Next:** [03_The_Flow.md](./03_The_Flow.md)\n";
        let p = parse(src, 0);
        let targets = HashMap::from([(
            p.links[0].offset,
            LinkTarget {
                href: "x".into(),
                title: Some("The Flow".into()),
            },
        )]);
        let r = render(&p, "a.md", src, &targets, &test_context());
        assert!(r.html.contains("<a href=\"x\">The Flow</a>"), "{}", r.html);
    }

    #[test]
    fn unknown_languages_warn_at_the_fence() {
        let src = "text\n\n```klingon\nqapla'\n```\n";
        let r = render_alone(src);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!((r.diagnostics[0].line, r.diagnostics[0].column), (3, 4));
        assert!(r.html.contains("qapla&#39;"));
    }

    #[test]
    fn diagrams_are_figures_with_alt_text_and_lints_point_into_the_file() {
        let src = "```text alt=\"A box\"\n┌──┐\n│👤 │\n└──┘\n```\n";
        let r = render_alone(src);
        assert!(r.html.contains("<pre class=\"diagram\" role=\"img\" aria-label=\"A box\">┌──┐\n│<span class=\"w2\">👤</span> │\n└──┘</pre>"), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        assert_eq!((r.diagnostics[0].line, r.diagnostics[0].column), (3, 4));
    }
}
