//! tokenbook's site builder: lesson sources in memory in, a complete static
//! site in memory out, with every problem found along the way.
//!
//! [`build`] is the one entry point. It decodes and parses every lesson,
//! orders them into a [`content::Course`], checks and rewrites links,
//! renders pages in parallel and returns a [`Build`]: the output files and
//! the [`Diagnostic`]s. It does no I/O; `xtask` reads the content directory
//! and writes the output. [`build_with`] is the same build for `serve`: it
//! reuses what a [`Cache`] kept from earlier builds, returns only the files
//! that differ from those already written, and can leave the search index
//! to be built later.

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
mod page_links;
mod pages;
pub mod playground;
mod prepare;
pub mod print;
pub mod search;
pub mod slug;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

pub use cache::Cache;
pub use config::SiteConfig;
pub use diagnostic::{Diagnostic, Origin, Roots, Severity};

use cache::LessonOut;
use content::Course;
use links::LinkIndex;
use pages::SiteView;
use prepare::Prepared;

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
    /// The HTML files among the static files and assets, with their text:
    /// they are copied as they are, and their links checked like every
    /// page's.
    pub copied_pages: Vec<CopiedPage>,
    /// The time of the build (Unix seconds): the playground's sample tokens
    /// are issued at it. The same input and time give the same site.
    pub now: i64,
}

/// An HTML file of the static or content directory, copied into the site
/// as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedPage {
    /// Its site path (and its path in its directory), `/`-separated.
    pub path: String,
    /// [`Origin::Static`] or [`Origin::Content`].
    pub origin: Origin,
    /// Its bytes.
    pub bytes: Vec<u8>,
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
    /// Generated pages, sitemap, redirects and search index: from
    /// [`build`] and [`build_cached`] all of them; from [`build_with`] only
    /// those not already written (see [`Reuse::written`]), and no search
    /// index when it is deferred.
    pub files: Vec<OutputFile>,
    /// Every generated file's path and fingerprint (a deferred search index
    /// aside), in the order a full build lists the files: the same
    /// fingerprint from this version of tokenbook means the same bytes.
    pub outputs: Vec<(String, u64)>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many lessons the course has.
    pub lessons: usize,
    /// True when a page embeds the token playground, which needs its
    /// WebAssembly module in the output.
    pub uses_playground: bool,
    /// The search index, to be built with [`SearchJob::run`], when
    /// [`Reuse::defer_search`] asked for it to be left out.
    pub search: Option<SearchJob>,
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

    /// [`Build::outputs`] by path: what to pass as [`Reuse::written`] once
    /// they are written.
    pub fn written(&self) -> HashMap<String, u64> {
        self.outputs.iter().cloned().collect()
    }

    /// The files of `written` that this build no longer generates.
    pub fn gone(&self, written: &HashMap<String, u64>) -> Vec<String> {
        let current: HashSet<&str> = self.outputs.iter().map(|(p, _)| p.as_str()).collect();
        written
            .keys()
            .filter(|p| !current.contains(p.as_str()))
            .cloned()
            .collect()
    }
}

/// What [`build_with`] may reuse, and what it may leave out.
#[derive(Clone, Copy)]
pub struct Reuse<'a> {
    /// Results of earlier builds.
    pub cache: &'a Cache,
    /// Fingerprints (from [`Build::outputs`]) of the files already in the
    /// output: a file whose fingerprint is unchanged is left out of
    /// [`Build::files`], so it is neither copied nor compared.
    pub written: Option<&'a HashMap<String, u64>>,
    /// Leave the search index out of the files and return what builds it
    /// in [`Build::search`], to be built later.
    pub defer_search: bool,
}

/// The search index of a build with everything it is made from, owned, so
/// it can be built later or on another thread.
#[derive(Debug, Clone)]
pub struct SearchJob {
    key: u64,
    /// Per lesson: its title and its page's path.
    lessons: Vec<(String, String)>,
    /// Per lesson: its source, which holds its search sections.
    sources: Vec<Option<Arc<Prepared>>>,
}

impl SearchJob {
    /// Two jobs with the same key make the same files.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The index files, as [`search::build_index`] makes them for the
    /// course.
    pub fn run(&self) -> Vec<OutputFile> {
        let none = search::Sections::default();
        let lessons: Vec<search::IndexLesson<'_>> = self
            .lessons
            .iter()
            .zip(&self.sources)
            .map(|((title, page), source)| search::IndexLesson {
                title,
                page,
                sections: source
                    .as_ref()
                    .and_then(|s| s.lesson.as_ref())
                    .map_or(&none, |l| &l.sections),
            })
            .collect();
        search::build_index(&lessons)
    }

    /// The fingerprint of one of its files.
    fn fingerprint(&self, path: &str) -> u64 {
        cache::key_of(&(self.key, path))
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
    build_with(
        input,
        Reuse {
            cache,
            written: None,
            defer_search: false,
        },
    )
}

/// [`build_cached`], leaving out what `reuse` says is written already or
/// is to be built later. An edit costs about what it touched: unchanged
/// sources are not decoded or parsed again, an unchanged lesson is one
/// cache lookup, and an unchanged output file is not copied.
pub fn build_with(input: &SiteInput, reuse: Reuse<'_>) -> Build {
    let cache = reuse.cache;
    cache.begin();
    let mut diagnostics = Vec::new();
    let mut prepared: Vec<Arc<Prepared>> = input
        .sources
        .par_iter()
        .map(|file| cache.prepared(file))
        .collect();
    prepared.sort_by(|a, b| a.path.cmp(&b.path));
    let mut config = SiteConfig::default();
    for source in &prepared {
        diagnostics.extend(source.diagnostics.iter().cloned());
        if source.path == config::CONFIG_FILE
            && let Some(parsed) = &source.config
        {
            config = parsed.clone();
        }
    }

    let course = Course::assemble_entries(
        prepared
            .iter()
            .filter(|p| p.path != config::CONFIG_FILE)
            .map(|p| content::Entry {
                path: &p.path,
                text: &p.text,
                split: p
                    .lesson
                    .as_ref()
                    .map(|l| (l.front_matter.clone(), l.body_offset)),
            }),
        &mut diagnostics,
    );
    let by_path: HashMap<&str, &Arc<Prepared>> =
        prepared.iter().map(|p| (p.path.as_str(), p)).collect();
    // Per lesson, in reading order: its source and what it yielded (every
    // lesson is a prepared `.md` file, so the fallbacks are never used).
    let lesson_sources: Vec<Option<&Arc<Prepared>>> = course
        .lessons
        .iter()
        .map(|l| by_path.get(l.path).copied())
        .collect();
    let no_outline = markdown::Outline::default();
    let lesson_parts = |i: usize| lesson_sources[i].and_then(|s| s.lesson.as_ref());
    let outline = |i: usize| lesson_parts(i).map_or(&no_outline, |p| &p.outline);
    let source_hash = |i: usize| lesson_sources[i].map_or(0, |s| s.hash);

    let titles: Vec<String> = course
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.front_matter
                .title
                .clone()
                .or_else(|| outline(i).title.clone())
                .unwrap_or_else(|| slug::title_from_name(l.stem))
        })
        .collect();
    let descriptions: Vec<String> = course
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.front_matter
                .description
                .clone()
                .or_else(|| outline(i).summary.clone())
                .unwrap_or_default()
        })
        .collect();
    // A contents page lists the descriptions of the lessons below it.
    let contents_keys: Vec<u64> = (0..course.parts.len())
        .map(|p| {
            let mut below = Vec::new();
            lessons_below(&course, p, &mut below);
            cache::key_of(&below.iter().map(|&i| &descriptions[i]).collect::<Vec<_>>())
        })
        .collect();

    let print_page = !course.lessons.is_empty()
        && config
            .print_page
            .unwrap_or(course.lessons.len() <= print::AUTO_LIMIT);
    let outputs = claim_outputs(&course, input, print_page, &mut diagnostics);
    check_site_files(&config, input, &outputs, &mut diagnostics);
    let index = LinkIndex {
        lessons: course
            .lessons
            .iter()
            .enumerate()
            .map(|(i, l)| (l.path, i))
            .collect(),
        urls: course.lessons.iter().map(|l| l.url.as_str()).collect(),
        titles: titles.iter().map(String::as_str).collect(),
        anchors: (0..course.lessons.len())
            .into_par_iter()
            .map(|i| outline(i).headings.iter().map(|h| h.id.as_str()).collect())
            .collect(),
        parts: course
            .parts
            .iter()
            .map(|p| (p.dir.as_str(), p.url.as_str()))
            .collect(),
        assets: input.assets.iter().map(String::as_str).collect(),
        outputs,
    };
    // Everything a link may resolve against: lessons (paths, URLs, titles,
    // heading ids), parts, and every output path.
    let link_shape = cache::key_of(&(
        course
            .lessons
            .iter()
            .map(|l| (l.path, &l.url, &l.front_matter.aliases))
            .collect::<Vec<_>>(),
        &titles,
        (0..course.lessons.len())
            .map(|i| lesson_parts(i).map_or(0, |p| p.anchors))
            .collect::<Vec<_>>(),
        course
            .parts
            .iter()
            .map(|p| (&p.dir, &p.url))
            .collect::<Vec<_>>(),
        &input.assets,
        &input.static_files,
        print_page,
    ));
    // What every page shows of the course around it (sidebar, pager,
    // breadcrumbs, links to the whole-course page): titles, addresses, the
    // parts and the settings. A page's own description comes from its
    // source.
    let site_shape = cache::key_of(&(
        &titles,
        course
            .lessons
            .iter()
            .map(|l| (l.path, &l.url, l.part))
            .collect::<Vec<_>>(),
        course
            .parts
            .iter()
            .map(|p| (&p.dir, &p.title, &p.url, &p.description, p.parent, &p.items))
            .collect::<Vec<_>>(),
        &config,
        print_page,
    ));
    let view = SiteView {
        config: &config,
        course: &course,
        titles: titles.clone(),
        descriptions,
        print_page,
    };

    let kit = playground::LazyKit::new(
        input.now,
        config
            .playground
            .leaky_app()
            .map(|(page, script)| playground::LeakyApp {
                page: page.to_owned(),
                script: script.to_owned(),
            }),
    );
    let chapter_keys: HashMap<&str, String> = if print_page {
        course
            .lessons
            .iter()
            .map(|l| (l.url.as_str(), print::chapter_key(&l.url)))
            .collect()
    } else {
        HashMap::new()
    };
    // The search index: each lesson's sections come with its source; only
    // putting them together is done for the whole course.
    let job = SearchJob {
        key: cache::key_of(&(
            "search",
            &titles,
            course.lessons.iter().map(|l| &l.url).collect::<Vec<_>>(),
            (0..course.lessons.len())
                .map(source_hash)
                .collect::<Vec<_>>(),
        )),
        lessons: titles
            .iter()
            .zip(&course.lessons)
            .map(|(title, l)| (title.clone(), format!("{}index.html", l.url)))
            .collect(),
        sources: lesson_sources.iter().map(|s| s.cloned()).collect(),
    };
    let render_lessons = || -> Vec<Arc<LessonOut>> {
        course
            .lessons
            .par_iter()
            .enumerate()
            .map(|(i, lesson)| {
                // Equal keys, equal page: the page follows from the source, the
                // URL, what links resolve against and the course's shape.
                let key = cache::key_of(&(
                    source_hash(i),
                    lesson.path,
                    &lesson.url,
                    link_shape,
                    site_shape,
                    input.now,
                ));
                cache.lesson(key, || {
                    let mut found = Vec::new();
                    let targets = links::resolve_all(
                        &index,
                        i,
                        lesson.path,
                        lesson.source,
                        &outline(i).links,
                        &mut found,
                    );
                    let context = markdown::RenderContext {
                        page_url: &lesson.url,
                        playground: &kit,
                        cache: Some(cache),
                    };
                    let mut sorted_targets: Vec<_> = targets.iter().collect();
                    sorted_targets.sort_by_key(|(offset, _)| **offset);
                    let body_key = cache::key_of(&(
                        lesson.path,
                        source_hash(i),
                        &lesson.url,
                        &sorted_targets,
                        input.now,
                    ));
                    let rendered = cache.body(body_key, || {
                        let events = markdown::parse(lesson.body, lesson.body_offset);
                        markdown::render(&events, lesson.path, lesson.source, &targets, &context)
                    });
                    found.extend(rendered.diagnostics.iter().cloned());
                    let playground = rendered.playgrounds > 0;
                    // The page around the body: the same when the body and the
                    // course's shape are.
                    let page_key = cache::key_of(&(body_key, site_shape, lesson.path));
                    let page = cache.page(page_key, || {
                        view.lesson_page(
                            i,
                            rendered.title_html.as_deref(),
                            &rendered.html,
                            &outline(i).headings,
                            playground,
                        )
                        .unwrap_or_else(|e| template_failure(lesson.path, &e, &mut found))
                    });
                    // The lesson as a chapter of the whole-course page.
                    let chapter = print_page.then(|| {
                        let key = &chapter_keys[lesson.url.as_str()];
                        let title_html = match rendered.title_html.as_deref() {
                            Some(title) => title.to_string(),
                            None => format!("<h1>{}</h1>", html::escape(&view.titles[i])),
                        };
                        (
                            key.clone(),
                            print::chapter(&title_html, &lesson.url, key, &chapter_keys),
                            print::chapter(&rendered.html, &lesson.url, key, &chapter_keys),
                        )
                    });
                    LessonOut {
                        body_key,
                        page_key,
                        page,
                        diagnostics: found,
                        playground,
                        chapter,
                    }
                })
            })
            .collect()
    };
    // The index does not depend on the pages: it is made beside them.
    let (lesson_pages, search_files) = rayon::join(render_lessons, || {
        (!reuse.defer_search).then(|| cache.search(job.key, || job.run()))
    });

    let mut out = Emitter {
        written: reuse.written,
        entries: Vec::with_capacity(lesson_pages.len() + course.parts.len() + 4),
    };
    let mut uses_playground = false;
    for page in &lesson_pages {
        diagnostics.extend(page.diagnostics.iter().cloned());
        uses_playground |= page.playground;
    }
    let print_key = cache::key_of(&(
        "print",
        site_shape,
        lesson_pages.iter().map(|p| p.body_key).collect::<Vec<_>>(),
        uses_playground,
    ));
    let print_html = print_page.then(|| {
        cache.page(print_key, || {
            let chapters: Vec<pages::Chapter> = lesson_pages
                .iter()
                .filter_map(|p| p.chapter.clone())
                .map(|(key, title_html, body)| pages::Chapter {
                    key,
                    title_html,
                    body,
                })
                .collect();
            view.course_page(&chapters, uses_playground)
                .unwrap_or_else(|e| template_failure(print::PRINT_URL, &e, &mut diagnostics))
        })
    });
    for (lesson, page) in course.lessons.iter().zip(lesson_pages) {
        let path = format!("{}index.html", lesson.url);
        match Arc::try_unwrap(page) {
            Ok(page) => out.emit(path, page.page_key, page.page),
            Err(page) => out.emit(path, page.page_key, Arc::clone(&page.page)),
        }
    }
    if let Some(html) = print_html {
        out.emit(format!("{}index.html", print::PRINT_URL), print_key, html);
    }
    for (p, part) in course.parts.iter().enumerate() {
        let key = cache::key_of(&("contents", p, site_shape, contents_keys[p]));
        let html = cache.page(key, || {
            view.contents_page(p)
                .unwrap_or_else(|e| template_failure(&part.dir, &e, &mut diagnostics))
        });
        out.emit(format!("{}index.html", part.url), key, html);
    }
    for (i, lesson) in course.lessons.iter().enumerate() {
        for alias in &lesson.front_matter.aliases {
            let dir = alias_dir(alias);
            let key = cache::key_of(&("redirect", &dir, &config, &titles[i], &lesson.url));
            let html = cache.page(key, || {
                view.redirect_page(i, &dir)
                    .unwrap_or_else(|e| template_failure(lesson.path, &e, &mut diagnostics))
            });
            out.emit(format!("{dir}index.html"), key, html);
        }
    }
    let key = cache::key_of(&("404", site_shape));
    let not_found = cache.page(key, || {
        view.not_found_page()
            .unwrap_or_else(|e| template_failure("404", &e, &mut diagnostics))
    });
    out.emit("404.html".into(), key, not_found);
    let key = cache::key_of(&(
        "sitemap",
        &config,
        course.parts.iter().map(|p| &p.url).collect::<Vec<_>>(),
        course.lessons.iter().map(|l| &l.url).collect::<Vec<_>>(),
    ));
    out.emit(
        "sitemap.xml".into(),
        key,
        cache.page(key, || view.sitemap()),
    );

    let search = match search_files {
        None => Some(job),
        Some(files) => {
            let files = Arc::try_unwrap(files).unwrap_or_else(|kept| kept.as_ref().clone());
            for file in files {
                out.emit_bytes(job.fingerprint(&file.path), file);
            }
            None
        }
    };

    // A safety net over the finished pages, for what the checks of the
    // sources cannot see (pages copied as they are, templates). Its findings
    // would repeat theirs, so it runs once they pass.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let mut files = index.outputs;
        if uses_playground {
            files.extend(WASM_FILES.iter().map(|f| f.to_string()));
        }
        diagnostics.extend(check_page_links(
            &out,
            &input.copied_pages,
            &files,
            &config.base_path(),
            cache,
        ));
    }
    diagnostics.sort_by(|a, b| {
        (a.origin, &a.path, a.line, a.column, &a.message)
            .cmp(&(b.origin, &b.path, b.line, b.column, &b.message))
    });
    diagnostics.dedup();
    let (files, outputs) = out.finish();
    Build {
        files,
        outputs,
        diagnostics,
        lessons: course.lessons.len(),
        uses_playground,
        search,
    }
}

/// The lessons in part `p` and the parts below it.
fn lessons_below(course: &Course<'_>, p: usize, out: &mut Vec<usize>) {
    for item in &course.parts[p].items {
        match *item {
            content::Item::Lesson(i) => out.push(i),
            content::Item::Part(sub) => lessons_below(course, sub, out),
        }
    }
}

/// Collects the generated files in order, then hands out those not
/// already written.
struct Emitter<'a> {
    written: Option<&'a HashMap<String, u64>>,
    /// Path, fingerprint and contents of every generated file.
    entries: Vec<(String, u64, Contents)>,
}

enum Contents {
    /// A page, shared with the cache until it is written.
    Page(Arc<String>),
    Bytes(Vec<u8>),
}

impl Emitter<'_> {
    /// A page.
    fn emit(&mut self, path: String, fingerprint: u64, contents: Arc<String>) {
        self.entries
            .push((path, fingerprint, Contents::Page(contents)));
    }

    fn emit_bytes(&mut self, fingerprint: u64, file: OutputFile) {
        self.entries
            .push((file.path, fingerprint, Contents::Bytes(file.contents)));
    }

    /// The generated HTML pages: path, fingerprint, text.
    fn pages(&self) -> impl Iterator<Item = (&str, u64, &str)> {
        self.entries
            .iter()
            .filter_map(|(path, fingerprint, contents)| match contents {
                Contents::Page(html) if path.ends_with(".html") => {
                    Some((path.as_str(), *fingerprint, html.as_str()))
                }
                _ => None,
            })
    }

    /// The files to write (a page copied out of the cache only when it is
    /// to be written) and every file's fingerprint.
    fn finish(self) -> (Vec<OutputFile>, Vec<(String, u64)>) {
        let mut files = Vec::new();
        let mut outputs = Vec::with_capacity(self.entries.len());
        for (path, fingerprint, contents) in self.entries {
            let written = self
                .written
                .is_some_and(|w| w.get(&path) == Some(&fingerprint));
            if !written {
                files.push(OutputFile {
                    path: path.clone(),
                    contents: match contents {
                        Contents::Page(page) => Arc::unwrap_or_clone(page).into_bytes(),
                        Contents::Bytes(bytes) => bytes,
                    },
                });
            }
            outputs.push((path, fingerprint));
        }
        (files, outputs)
    }
}

/// Checks the links and anchors of every HTML page of the output: the
/// generated ones and those copied from the static and content
/// directories. `files` is every other file of the output.
fn check_page_links(
    out: &Emitter<'_>,
    copied: &[CopiedPage],
    files: &HashSet<String>,
    base_path: &str,
    cache: &Cache,
) -> Vec<Diagnostic> {
    let copied_text: Vec<std::borrow::Cow<'_, str>> = copied
        .iter()
        .map(|p| String::from_utf8_lossy(&p.bytes))
        .collect();
    let mut pages: Vec<(page_links::Page<'_>, u64)> = out
        .pages()
        .map(|(path, fingerprint, html)| {
            (
                page_links::Page {
                    path,
                    html,
                    origin: Origin::Generated,
                    source_path: path,
                },
                fingerprint,
            )
        })
        .collect();
    for (page, text) in copied.iter().zip(&copied_text) {
        pages.push((
            page_links::Page {
                path: &page.path,
                html: text,
                origin: page.origin,
                source_path: &page.path,
            },
            cache::hash_bytes(&page.bytes),
        ));
    }
    let scanned: Vec<Arc<page_links::Scanned>> = pages
        .par_iter()
        .map(|(page, fingerprint)| {
            let key = cache::key_of(&("links", fingerprint, page.path, base_path));
            cache.scan(key, || match page.origin {
                Origin::Generated => page_links::scan_generated(page.html, page.path, base_path),
                _ => page_links::scan(page.html, page.path, base_path),
            })
        })
        .collect();
    let mut outputs: HashSet<&str> = files.iter().map(String::as_str).collect();
    outputs.extend(out.entries.iter().map(|(path, _, _)| path.as_str()));
    let pages: Vec<page_links::Page<'_>> = pages.into_iter().map(|(page, _)| page).collect();
    let scanned: Vec<&page_links::Scanned> = scanned.iter().map(Arc::as_ref).collect();
    page_links::check(&pages, &scanned, &outputs)
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
/// Output folders that belong to tokenbook: the search index and the
/// playground's WebAssembly module.
const RESERVED_DIRS: [&str; 2] = [search::DIR, "wasm/"];

/// The playground's module and its glue, which `xtask` adds to the output
/// when a page uses the playground.
pub const WASM_FILES: [&str; 2] = ["wasm/tokenbook_wasm_bg.wasm", "wasm/tokenbook_wasm.js"];

fn claim_outputs(
    course: &Course<'_>,
    input: &SiteInput,
    print_page: bool,
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
    // Folders tokenbook fills itself: the search index and the playground's
    // WebAssembly.
    let reserved = |path: &str| RESERVED_DIRS.iter().find(|dir| path.starts_with(*dir));
    for asset in &input.assets {
        if let Some(dir) = reserved(asset) {
            diagnostics.push(
                Diagnostic::error(
                    asset,
                    format!("`{dir}` is where tokenbook writes its own files; this file would be mixed into them"),
                )
                .with_hint("move the file to another folder"),
            );
        }
    }
    for (path, url, hint) in course
        .lessons
        .iter()
        .map(|l| {
            (
                l.path,
                &l.url,
                "give the lesson another `slug` in its front matter",
            )
        })
        .chain(course.parts.iter().skip(1).map(|p| {
            (
                p.dir.as_str(),
                &p.url,
                "rename the folder or set `slug` in its `_part.toml`",
            )
        }))
    {
        if let Some(dir) = reserved(url) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "the URL `{url}` is inside `{dir}`, where tokenbook writes its own files"
                    ),
                )
                .with_hint(hint),
            );
        }
    }
    let print_path = format!("{}index.html", print::PRINT_URL);
    let fixed_paths = ["index.html", "404.html", "sitemap.xml"]
        .into_iter()
        .chain(print_page.then_some(print_path.as_str()));
    for fixed in fixed_paths {
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

/// The settings of `site.toml` that name a file must name one the site
/// publishes: `image`, and the playground's leaky app.
fn check_site_files(
    config: &SiteConfig,
    input: &SiteInput,
    outputs: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let settings = [
        (
            "image",
            &config.image,
            "add the picture (1200×630 PNG or JPEG suits link previews) or fix the path",
        ),
        (
            "leaky_app",
            &config.playground.leaky_app,
            "add the app's page to the content directory or fix the path",
        ),
        (
            "leaky_app_script",
            &config.playground.leaky_app_script,
            "add the app's script to the content directory or fix the path",
        ),
    ];
    for (key, value, hint) in settings {
        let Some(value) = value else { continue };
        if outputs.contains(value) {
            continue;
        }
        let toml = input
            .sources
            .iter()
            .find(|f| f.path == config::CONFIG_FILE)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        let key_at = config::key_offset(&toml, key);
        let (at, len) = toml[key_at..]
            .find(value.as_str())
            .map_or((key_at, key.len()), |i| (key_at + i, value.len()));
        diagnostics.push(
            Diagnostic::error(
                config::CONFIG_FILE,
                format!("`{key}` names `{value}`, which is neither in the static directory nor in the content directory"),
            )
            .at(&toml, at, len)
            .with_hint(hint),
        );
    }
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
