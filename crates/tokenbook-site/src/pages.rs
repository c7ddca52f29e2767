//! Whole pages from the askama templates in `templates/`: lessons, the
//! course index, part pages, the 404 page, redirects and the sitemap.

use askama::Template;

use crate::config::SiteConfig;
use crate::content::{Course, Item};
use crate::diagnostic::Diagnostic;
use crate::html::{escape, relative_url};
use crate::markdown::Heading;

/// The Content-Security-Policy of every page: only this site's own files,
/// no inline scripts or styles; WebAssembly may compile. The template puts
/// it in an attribute unescaped, so it holds no `"`, `&`, `<` or `>`.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// Above this many lessons the sidebar stops listing every lesson of the
/// course on every page (which would grow the site quadratically).
const FULL_NAV_LIMIT: usize = 150;
/// In a large course, how many lessons on either side of the current one
/// the sidebar lists.
const NAV_WINDOW: usize = 7;

/// What the base layout needs from every page.
pub(crate) struct Layout {
    pub(crate) lang: String,
    pub(crate) site_title: String,
    pub(crate) title: String,
    pub(crate) page_title: String,
    pub(crate) description: String,
    pub(crate) canonical: String,
    pub(crate) og_type: &'static str,
    /// The link-preview picture: its absolute URL and its description.
    pub(crate) image: Option<(String, String)>,
    pub(crate) csp: &'static str,
    /// The relative (or, on the 404 page, absolute) path to the site root.
    pub(crate) root: String,
    pub(crate) nav: Vec<NavItem>,
    pub(crate) prev: Option<Crumb>,
    pub(crate) next: Option<Crumb>,
    pub(crate) edit_href: Option<String>,
    /// The page embeds the token playground: load its stylesheet and script.
    pub(crate) playground: bool,
    /// The address of the whole-course page, when the site has one.
    pub(crate) print_href: Option<String>,
    /// Search engines should not list the page (the whole-course page
    /// repeats the lessons).
    pub(crate) noindex: bool,
}

/// An entry of the sidebar.
pub(crate) struct NavItem {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) depth: usize,
    pub(crate) is_part: bool,
    pub(crate) current: bool,
    pub(crate) ancestor: bool,
}

/// A titled link: breadcrumbs, previous and next.
pub(crate) struct Crumb {
    pub(crate) title: String,
    pub(crate) href: String,
}

/// An entry of the on-page table of contents.
pub(crate) struct TocEntry {
    pub(crate) id: String,
    pub(crate) text: String,
    pub(crate) level: u8,
}

/// An entry of the index or a part page.
pub(crate) struct ContentsEntry {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) description: String,
    pub(crate) depth: usize,
    pub(crate) is_part: bool,
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonPage<'a> {
    layout: Layout,
    crumbs: Vec<Crumb>,
    title_html: Option<&'a str>,
    toc: Vec<TocEntry>,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "contents.html")]
struct ContentsPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    intro: String,
    entries: Vec<ContentsEntry>,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage<'a> {
    layout: Layout,
    contents: Vec<ContentsEntry>,
    chapters: &'a [Chapter],
}

#[derive(Template)]
#[template(path = "redirect.html")]
struct RedirectPage<'a> {
    lang: &'a str,
    title: &'a str,
    target: String,
    canonical: String,
    csp: &'static str,
}

/// What the page builders know about the course once every lesson is parsed.
pub(crate) struct SiteView<'a> {
    pub(crate) config: &'a SiteConfig,
    pub(crate) course: &'a Course<'a>,
    /// Per lesson: title and description.
    pub(crate) titles: Vec<String>,
    pub(crate) descriptions: Vec<String>,
    /// The site has the whole-course page (`print/`).
    pub(crate) print_page: bool,
}

/// A lesson as a chapter of the whole-course page.
pub(crate) struct Chapter {
    /// The chapter's id, the prefix of every id inside.
    pub(crate) key: String,
    /// The lesson's `<h1>`, rewritten for the page.
    pub(crate) title_html: String,
    /// The lesson's body, rewritten for the page.
    pub(crate) body: String,
}

/// Where a page sits, for the sidebar and breadcrumbs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Lesson(usize),
    Part(usize),
    Nowhere,
}

impl SiteView<'_> {
    fn layout(&self, place: Place, url: &str, title: &str, description: &str) -> Layout {
        let site_title = &self.config.title;
        let page_title = if title == site_title || title.is_empty() {
            site_title.clone()
        } else {
            format!("{title} · {site_title}")
        };
        let root = relative_url(url, "")
            .trim_end_matches("index.html")
            .to_string();
        Layout {
            lang: self.config.language.clone(),
            site_title: site_title.clone(),
            title: if title.is_empty() {
                site_title.clone()
            } else {
                title.to_string()
            },
            page_title,
            description: description.to_string(),
            canonical: self.config.absolute_url(url),
            og_type: if matches!(place, Place::Lesson(_)) {
                "article"
            } else {
                "website"
            },
            image: self.config.image.as_ref().map(|path| {
                let alt = self.config.image_alt.as_ref().unwrap_or(&self.config.title);
                (self.config.absolute_url(path), alt.clone())
            }),
            csp: CSP,
            root,
            nav: self.nav(place, url),
            prev: None,
            next: None,
            edit_href: None,
            playground: false,
            print_href: self
                .print_page
                .then(|| relative_url(url, crate::print::PRINT_URL)),
            noindex: false,
        }
    }

    /// The whole-course page: every lesson as a chapter, in course order.
    pub(crate) fn course_page(
        &self,
        chapters: &[Chapter],
        playground: bool,
    ) -> Result<String, askama::Error> {
        let url = crate::print::PRINT_URL;
        let title = format!("{}: the whole course", self.config.title);
        let mut layout = self.layout(
            Place::Nowhere,
            url,
            &title,
            "Every lesson of the course on one page, for printing.",
        );
        layout.noindex = true;
        layout.playground = playground;
        let contents = self
            .course
            .lessons
            .iter()
            .zip(chapters)
            .enumerate()
            .map(|(i, (_, chapter))| ContentsEntry {
                title: self.titles[i].clone(),
                href: format!("#{}", chapter.key),
                description: String::new(),
                depth: 0,
                is_part: false,
            })
            .collect();
        CoursePage {
            layout,
            contents,
            chapters,
        }
        .render()
    }

    /// The page of lesson `i`, around its rendered `body`.
    pub(crate) fn lesson_page(
        &self,
        i: usize,
        title_html: Option<&str>,
        body: &str,
        headings: &[Heading],
        playground: bool,
    ) -> Result<String, askama::Error> {
        let lesson = &self.course.lessons[i];
        let url = &lesson.url;
        let mut layout = self.layout(
            Place::Lesson(i),
            url,
            &self.titles[i],
            &self.descriptions[i],
        );
        let crumb = |j: usize| Crumb {
            title: self.titles[j].clone(),
            href: relative_url(url, &self.course.lessons[j].url),
        };
        layout.prev = i.checked_sub(1).map(crumb);
        layout.next = (i + 1 < self.course.lessons.len()).then(|| crumb(i + 1));
        layout.edit_href = self
            .config
            .edit_url
            .as_ref()
            .map(|prefix| format!("{prefix}{}", lesson.path));
        layout.playground = playground;
        let mut crumbs = self.part_crumbs(lesson.part, url);
        crumbs.push(Crumb {
            title: self.titles[i].clone(),
            href: String::new(),
        });
        let toc = headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| TocEntry {
                id: h.id.clone(),
                text: h.text.clone(),
                level: h.level,
            })
            .collect();
        LessonPage {
            layout,
            crumbs,
            title_html,
            toc,
            body,
        }
        .render()
    }

    /// The index (part 0) or a part's page.
    pub(crate) fn contents_page(&self, part: usize) -> Result<String, askama::Error> {
        let p = &self.course.parts[part];
        let (title, intro) = if part == 0 {
            (
                self.config.title.clone(),
                if p.description.is_empty() {
                    self.config.description.clone()
                } else {
                    p.description.clone()
                },
            )
        } else {
            (p.title.clone(), p.description.clone())
        };
        let layout = self.layout(Place::Part(part), &p.url, &title, &intro);
        let mut entries = Vec::new();
        self.contents_entries(part, &p.url, 0, &mut entries);
        let mut crumbs = self.part_crumbs(part, &p.url);
        if let Some(last) = crumbs.last_mut() {
            last.href.clear();
        }
        ContentsPage {
            layout,
            crumbs,
            intro,
            entries,
        }
        .render()
    }

    fn contents_entries(
        &self,
        part: usize,
        from: &str,
        depth: usize,
        out: &mut Vec<ContentsEntry>,
    ) {
        for item in &self.course.parts[part].items {
            match *item {
                Item::Lesson(i) => out.push(ContentsEntry {
                    title: self.titles[i].clone(),
                    href: relative_url(from, &self.course.lessons[i].url),
                    description: self.descriptions[i].clone(),
                    depth,
                    is_part: false,
                }),
                Item::Part(p) => {
                    let sub = &self.course.parts[p];
                    out.push(ContentsEntry {
                        title: sub.title.clone(),
                        href: relative_url(from, &sub.url),
                        description: sub.description.clone(),
                        depth,
                        is_part: true,
                    });
                    self.contents_entries(p, from, depth + 1, out);
                }
            }
        }
    }

    /// The 404 page, linked absolutely from the base URL's path.
    pub(crate) fn not_found_page(&self) -> Result<String, askama::Error> {
        let mut layout = self.layout(Place::Nowhere, "", "Page not found", "");
        let base = self.config.base_path();
        layout.root = base.clone();
        if let Some(print) = &mut layout.print_href {
            *print = format!("{base}{}index.html", crate::print::PRINT_URL);
        }
        layout.canonical = self.config.absolute_url("404.html");
        for item in &mut layout.nav {
            item.href = format!("{base}{}", item.href);
        }
        NotFoundPage { layout }.render()
    }

    /// The page left at an old address of lesson `i`.
    pub(crate) fn redirect_page(&self, i: usize, alias_dir: &str) -> Result<String, askama::Error> {
        let lesson = &self.course.lessons[i];
        RedirectPage {
            lang: &self.config.language,
            title: &self.titles[i],
            target: relative_url(alias_dir, &lesson.url),
            canonical: self.config.absolute_url(&lesson.url),
            csp: CSP,
        }
        .render()
    }

    /// `sitemap.xml` listing the index, parts and lessons.
    pub(crate) fn sitemap(&self) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let urls = self
            .course
            .parts
            .iter()
            .map(|p| p.url.as_str())
            .chain(self.course.lessons.iter().map(|l| l.url.as_str()));
        for url in urls {
            xml.push_str("  <url><loc>");
            xml.push_str(&escape(&self.config.absolute_url(url)));
            xml.push_str("</loc></url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    }

    fn part_crumbs(&self, part: usize, from: &str) -> Vec<Crumb> {
        self.course
            .ancestry(part)
            .into_iter()
            .map(|p| Crumb {
                title: if p == 0 {
                    "Home".to_string()
                } else {
                    self.course.parts[p].title.clone()
                },
                href: relative_url(from, &self.course.parts[p].url),
            })
            .collect()
    }

    /// The sidebar: the whole tree for a course of up to
    /// [`FULL_NAV_LIMIT`] lessons; beyond that, the parts, and the lessons
    /// of the parts the page is in, windowed around the current one.
    fn nav(&self, place: Place, from: &str) -> Vec<NavItem> {
        let current_part = match place {
            Place::Lesson(i) => self.course.lessons[i].part,
            Place::Part(p) => p,
            Place::Nowhere => 0,
        };
        let open = self.course.ancestry(current_part);
        let full = self.course.lessons.len() <= FULL_NAV_LIMIT;
        let mut out = Vec::new();
        self.nav_items(0, place, from, 0, &open, full, &mut out);
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn nav_items(
        &self,
        part: usize,
        place: Place,
        from: &str,
        depth: usize,
        open: &[usize],
        full: bool,
        out: &mut Vec<NavItem>,
    ) {
        let items = &self.course.parts[part].items;
        let window = if full || !open.contains(&part) {
            0..items.len()
        } else {
            let here = items.iter().position(|item| match (item, place) {
                (Item::Lesson(i), Place::Lesson(j)) => *i == j,
                (Item::Part(p), _) => open.contains(p),
                _ => false,
            });
            let centre = here.unwrap_or(0);
            centre.saturating_sub(NAV_WINDOW)..(centre + NAV_WINDOW + 1).min(items.len())
        };
        let shown_all = window.len() == items.len();
        for (k, item) in items.iter().enumerate() {
            match *item {
                Item::Lesson(i) if full || window.contains(&k) => out.push(NavItem {
                    title: self.titles[i].clone(),
                    href: relative_url(from, &self.course.lessons[i].url),
                    depth,
                    is_part: false,
                    current: place == Place::Lesson(i),
                    ancestor: false,
                }),
                Item::Lesson(_) => {}
                Item::Part(p) => {
                    let is_open = open.contains(&p);
                    out.push(NavItem {
                        title: self.course.parts[p].title.clone(),
                        href: relative_url(from, &self.course.parts[p].url),
                        depth,
                        is_part: true,
                        current: place == Place::Part(p),
                        ancestor: is_open,
                    });
                    if full || is_open {
                        self.nav_items(p, place, from, depth + 1, open, full, out);
                    }
                }
            }
        }
        if !shown_all && open.contains(&part) {
            let part_ref = &self.course.parts[part];
            out.push(NavItem {
                title: format!(
                    "All {} entries of {}",
                    items.len(),
                    if part == 0 {
                        "the course"
                    } else {
                        &part_ref.title
                    }
                ),
                href: relative_url(from, &part_ref.url),
                depth,
                is_part: false,
                current: false,
                ancestor: false,
            });
        }
    }
}

/// The diagnostic for a template that failed: a bug of tokenbook's, not of
/// the content. Returns the empty page that stands in for it.
pub(crate) fn template_failure(
    path: &str,
    error: &askama::Error,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    diagnostics.push(
        Diagnostic::error(
            "template/failed",
            path,
            format!("a template failed to render: {error}"),
        )
        .with_hint("this is a bug in tokenbook's templates, not in the content"),
    );
    String::new()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_csp_needs_no_escaping_in_an_attribute() {
        assert!(!super::CSP.contains(['"', '&', '<', '>']));
    }
}
