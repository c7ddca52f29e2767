//! tokenbook's site builder: lesson sources in memory in, a complete static
//! site in memory out, with every problem found along the way.
//!
//! [`build`] is the one entry point. It decodes and parses every lesson,
//! orders them into a [`content::Course`], checks and rewrites links,
//! renders pages in parallel and returns a [`Build`]: the output files and
//! the [`Diagnostic`]s. It does no I/O; `xtask` reads the content directory
//! and writes the output.

pub mod beginner_check;
pub mod cache;
pub mod config;
pub mod content;
pub mod credentials;
pub mod diagnostic;
pub mod encoding;
pub mod front_matter;
pub mod highlight;
pub mod html;
pub mod links;
pub mod markdown;
mod pages;
pub mod playground;
pub mod slug;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

pub use cache::Cache;
pub use config::SiteConfig;
pub use diagnostic::{Diagnostic, Severity};

use content::{Course, Source};
use links::LinkIndex;
use pages::SiteView;

/// A file of the content directory that the builder reads: a lesson
/// (`.md`), `site.toml` or a `_part.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the content directory, `/`-separated.
    pub path: String,
    /// The raw bytes; they are checked to be UTF-8 here.
    pub bytes: Vec<u8>,
}

/// Everything [`build`] needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteInput {
    /// Lessons, `site.toml` and `_part.toml` files.
    pub sources: Vec<SourceFile>,
    /// Other files of the content directory (images…), relative paths;
    /// they are copied to the same path in the output.
    pub assets: Vec<String>,
    /// Site paths of the files the static directory provides.
    pub static_files: Vec<String>,
    /// The time of the build (Unix seconds): the playground's sample tokens
    /// are issued at it. The same input and time give the same site.
    pub now: i64,
}

/// A generated file, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `/`-separated path in the output.
    pub path: String,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// The result of a build: files to write and problems to report.
#[derive(Debug, Clone, Default)]
pub struct Build {
    /// Generated pages, sitemap and redirects.
    pub files: Vec<OutputFile>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many lessons the course has.
    pub lessons: usize,
    /// True when a page embeds the token playground, which needs its
    /// WebAssembly module in the output.
    pub uses_playground: bool,
}

impl Build {
    /// True when the output must not be written.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// How many HTML pages were generated.
    pub fn pages(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count()
    }
}

/// Builds the site. Never panics on content: every problem becomes a
/// [`Diagnostic`], and the files are only meant to be written when
/// [`Build::has_errors`] is false.
pub fn build(input: &SiteInput) -> Build {
    build_cached(input, &Cache::disabled())
}

/// [`build`], reusing what `cache` kept from earlier builds of the same
/// content; the result is the same as without it.
pub fn build_cached(input: &SiteInput, cache: &Cache) -> Build {
    cache.begin();
    let mut diagnostics = Vec::new();
    let mut config = SiteConfig::default();
    let mut sources = Vec::with_capacity(input.sources.len());
    for file in &input.sources {
        let text = decode(file, &mut diagnostics);
        if file.path == config::CONFIG_FILE {
            match SiteConfig::parse(&text) {
                Ok(parsed) => config = parsed,
                Err(d) => diagnostics.push(d),
            }
        } else {
            sources.push(Source {
                path: file.path.clone(),
                text,
            });
        }
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    // Each source is hashed once; every cache key that depends on its text
    // uses this hash.
    let source_hashes: HashMap<&str, u64> = sources
        .par_iter()
        .map(|s| (s.path.as_str(), cache::key_of(&s.text)))
        .collect();

    let mojibake: Vec<Vec<Diagnostic>> = sources
        .par_iter()
        .filter(|s| s.path.ends_with(".md"))
        .map(|s| {
            cache.scan(
                cache::key_of(&(&s.path, source_hashes[s.path.as_str()])),
                || {
                    let mut found = encoding::check(&s.path, &s.text);
                    found.extend(credentials::check(&s.path, &s.text));
                    found
                },
            )
        })
        .collect();
    diagnostics.extend(mojibake.into_iter().flatten());

    let course = Course::assemble(&sources, &mut diagnostics);
    let parsed: Vec<markdown::Outline> = course
        .lessons
        .par_iter()
        .map(|l| {
            cache.outline(
                cache::key_of(&(source_hashes[l.path], l.body_offset)),
                || markdown::parse(l.body, l.body_offset).outline(),
            )
        })
        .collect();
    let titles: Vec<String> = course
        .lessons
        .iter()
        .zip(&parsed)
        .map(|(l, p)| {
            l.front_matter
                .title
                .clone()
                .or_else(|| p.title.clone())
                .unwrap_or_else(|| slug::title_from_name(l.stem))
        })
        .collect();
    let descriptions: Vec<String> = course
        .lessons
        .iter()
        .zip(&parsed)
        .map(|(l, p)| {
            l.front_matter
                .description
                .clone()
                .or_else(|| p.summary.clone())
                .unwrap_or_default()
        })
        .collect();

    let outputs = claim_outputs(&course, input, &mut diagnostics);
    let index = LinkIndex {
        lessons: course
            .lessons
            .iter()
            .enumerate()
            .map(|(i, l)| (l.path, i))
            .collect(),
        urls: course.lessons.iter().map(|l| l.url.as_str()).collect(),
        titles: titles.iter().map(String::as_str).collect(),
        anchors: parsed
            .iter()
            .map(|p| p.headings.iter().map(|h| h.id.as_str()).collect())
            .collect(),
        parts: course
            .parts
            .iter()
            .map(|p| (p.dir.as_str(), p.url.as_str()))
            .collect(),
        assets: input.assets.iter().map(String::as_str).collect(),
        outputs,
    };
    let view = SiteView {
        config: &config,
        course: &course,
        titles: titles.clone(),
        descriptions,
    };

    let kit = playground::LazyKit::new(input.now);
    // What every lesson page shows of the others (sidebar, pager): their
    // titles and addresses. A page's own description comes from its source.
    let site_shape = cache::key_of(&(
        &titles,
        course.lessons.iter().map(|l| &l.url).collect::<Vec<_>>(),
        course
            .parts
            .iter()
            .map(|p| (&p.title, &p.url, &p.description))
            .collect::<Vec<_>>(),
        &config,
    ));
    let lesson_pages: Vec<(OutputFile, Vec<Diagnostic>, bool)> = course
        .lessons
        .par_iter()
        .enumerate()
        .map(|(i, lesson)| {
            let mut found = Vec::new();
            let targets = links::resolve_all(
                &index,
                i,
                lesson.path,
                lesson.source,
                &parsed[i].links,
                &mut found,
            );
            let context = markdown::RenderContext {
                page_url: &lesson.url,
                playground: &kit,
                cache: Some(cache),
            };
            let mut sorted_targets: Vec<_> = targets.iter().collect();
            sorted_targets.sort_by_key(|(offset, _)| **offset);
            let key = cache::key_of(&(
                lesson.path,
                source_hashes[lesson.path],
                &lesson.url,
                &sorted_targets,
                input.now,
            ));
            let rendered = cache.body(key, || {
                let events = markdown::parse(lesson.body, lesson.body_offset);
                markdown::render(&events, lesson.path, lesson.source, &targets, &context)
            });
            found.extend(rendered.diagnostics);
            let has_playground = rendered.playgrounds > 0;
            // The page around the body: the same when the body and the
            // course's shape are.
            let html = cache.page(cache::key_of(&(key, site_shape, lesson.path)), || {
                view.lesson_page(
                    i,
                    rendered.title_html.as_deref(),
                    &rendered.html,
                    &parsed[i].headings,
                    has_playground,
                )
                .unwrap_or_else(|e| template_failure(lesson.path, &e, &mut found))
            });
            (
                OutputFile {
                    path: format!("{}index.html", lesson.url),
                    contents: html.into_bytes(),
                },
                found,
                has_playground,
            )
        })
        .collect();

    let mut files = Vec::with_capacity(lesson_pages.len() + course.parts.len() + 3);
    let mut uses_playground = false;
    for (file, found, has_playground) in lesson_pages {
        files.push(file);
        diagnostics.extend(found);
        uses_playground |= has_playground;
    }
    for (p, part) in course.parts.iter().enumerate() {
        let html = view
            .contents_page(p)
            .unwrap_or_else(|e| template_failure(&part.dir, &e, &mut diagnostics));
        files.push(OutputFile {
            path: format!("{}index.html", part.url),
            contents: html.into_bytes(),
        });
    }
    for (i, lesson) in course.lessons.iter().enumerate() {
        for alias in &lesson.front_matter.aliases {
            let dir = alias_dir(alias);
            let html = view
                .redirect_page(i, &dir)
                .unwrap_or_else(|e| template_failure(lesson.path, &e, &mut diagnostics));
            files.push(OutputFile {
                path: format!("{dir}index.html"),
                contents: html.into_bytes(),
            });
        }
    }
    let not_found = view
        .not_found_page()
        .unwrap_or_else(|e| template_failure("404", &e, &mut diagnostics));
    files.push(OutputFile {
        path: "404.html".into(),
        contents: not_found.into_bytes(),
    });
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: view.sitemap().into_bytes(),
    });

    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
    diagnostics.dedup();
    Build {
        files,
        diagnostics,
        lessons: course.lessons.len(),
        uses_playground,
    }
}

/// UTF-8 text of a source without its byte-order mark; invalid bytes are
/// reported at their position and replaced, so the rest still builds.
fn decode(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> String {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let bad = &bytes[e.valid_up_to()..bytes.len().min(e.valid_up_to() + 4)];
            let shown: Vec<String> = bad
                .iter()
                .take(e.error_len().unwrap_or(bad.len()).max(1))
                .map(|b| format!("0x{b:02X}"))
                .collect();
            diagnostics.push(
                Diagnostic::error(&file.path, format!("the file is not valid UTF-8: byte {} cannot start or continue a character", shown.join(" ")))
                    .at(&lossy, e.valid_up_to(), 1)
                    .with_hint("save the file as UTF-8 in your editor; text pasted from a Windows program is often Windows-1252"),
            );
            lossy
        }
    }
}

/// The site path of an alias's redirect page: `old/flow` -> `old/flow/`.
fn alias_dir(alias: &str) -> String {
    let trimmed = alias.trim_matches('/');
    let trimmed = trimmed
        .strip_suffix("/index.html")
        .or_else(|| trimmed.strip_suffix(".html"))
        .unwrap_or(trimmed);
    format!("{trimmed}/")
}

/// Registers every output path with its owner and reports clashes: two
/// lessons with one URL, an alias on top of a page, a page over a static
/// file. Returns the set of all output paths.
fn claim_outputs(
    course: &Course<'_>,
    input: &SiteInput,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashSet<String> {
    let mut owners: HashMap<String, String> = HashMap::new();
    let mut claim = |path: String, owner: &str, report: &mut dyn FnMut(&str)| {
        if let Some(first) = owners.get(&path) {
            report(first);
        } else {
            owners.insert(path, owner.to_string());
        }
    };
    for file in input.static_files.iter().chain(&input.assets) {
        claim(file.clone(), &format!("the file `{file}`"), &mut |_| {});
    }
    for fixed in ["index.html", "404.html", "sitemap.xml"] {
        claim(fixed.to_string(), "the site itself", &mut |first| {
            diagnostics.push(
                Diagnostic::error(
                    config::CONFIG_FILE,
                    format!("`{fixed}` is generated by tokenbook, but {first} is in the way"),
                )
                .with_hint("rename or remove that file"),
            );
        });
    }
    for part in course.parts.iter().skip(1) {
        claim(
            format!("{}index.html", part.url),
            &format!("the part `{}`", part.dir),
            &mut |first| {
                diagnostics.push(
                    Diagnostic::error(
                        &part.dir,
                        format!("the part's URL `{}` is already used by {first}", part.url),
                    )
                    .with_hint("rename the folder or set `slug` in its `_part.toml`"),
                );
            },
        );
    }
    for lesson in &course.lessons {
        claim(
            format!("{}index.html", lesson.url),
            &format!("`{}`", lesson.path),
            &mut |first| {
                let at = lesson
                    .source
                    .find("slug")
                    .filter(|_| lesson.front_matter.slug.is_some())
                    .unwrap_or(0);
                diagnostics.push(
                Diagnostic::error(lesson.path, format!("duplicate URL `{}`: {first} has it too", lesson.url))
                    .at(lesson.source, at, 1)
                    .with_hint("rename one of the files, or give one a different `slug` in its front matter"),
            );
            },
        );
    }
    for lesson in &course.lessons {
        for alias in &lesson.front_matter.aliases {
            let dir = alias_dir(alias);
            claim(
                format!("{dir}index.html"),
                &format!("an alias of `{}`", lesson.path),
                &mut |first| {
                    let at = lesson.source.find(alias.as_str()).unwrap_or(0);
                    diagnostics.push(
                        Diagnostic::error(
                            lesson.path,
                            format!("alias `{alias}` would replace {first}"),
                        )
                        .at(lesson.source, at, alias.len())
                        .with_hint("an alias must be an address no page uses any more; remove it"),
                    );
                },
            );
        }
    }
    owners.into_keys().collect()
}

fn template_failure(
    path: &str,
    error: &askama::Error,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    diagnostics.push(
        Diagnostic::error(path, format!("a template failed to render: {error}"))
            .with_hint("this is a bug in tokenbook's templates, not in the content"),
    );
    String::new()
}
