//! Every cache key of a build, derived in one place from one struct. A
//! value is reused while its key is unchanged, so **a page input missing
//! from its key means `serve` shows a stale page**: each key lists all it
//! covers, and a test changes each input and checks the key follows.
//!
//! | key | covers | keys what |
//! |---|---|---|
//! | link shape | lessons' paths, URLs and aliases; titles; each lesson's heading ids; parts' folders and URLs; assets; static files; whether there is a whole-course page | (part of the lesson key) |
//! | site shape | titles; lessons' paths, URLs and parts; parts' folders, titles, URLs, descriptions, parents and items; `site.toml`; whether there is a whole-course page | (part of most keys) |
//! | lesson | its source, path and URL; link shape; site shape; the build time | the finished lesson: page and problems |
//! | body | its source, path and URL; every link's resolved target; the build time | its rendered body |
//! | page | body; site shape; path | its page around the body |
//! | contents | the part; site shape; the descriptions of the lessons below it | a contents page |
//! | redirect | the alias's folder; `site.toml`; the lesson's title and URL | a redirect page |
//! | print | site shape; every lesson's body; whether the playground is used | the whole-course page |
//! | not found | site shape | `404.html` |
//! | sitemap | `site.toml`; every part's and lesson's URL | `sitemap.xml` |
//! | search | titles; lessons' URLs and sources | the search index |
//!
//! The build time is in the lesson and body keys because the playground's
//! samples are issued then. A page's description comes from its own source.

use std::collections::HashMap;

use crate::config::SiteConfig;
use crate::content::Course;
use crate::hash::key_of;
use crate::markdown::LinkTarget;

/// What the keys are made from: the course as assembled, its titles and
/// descriptions, the settings, and per lesson a hash of its source and of
/// its heading ids.
pub(crate) struct KeyInputs<'a> {
    pub(crate) course: &'a Course<'a>,
    pub(crate) titles: &'a [String],
    pub(crate) descriptions: &'a [String],
    pub(crate) config: &'a SiteConfig,
    pub(crate) print_page: bool,
    pub(crate) assets: &'a [String],
    pub(crate) static_files: &'a [String],
    /// Per lesson: a hash of its decoded source.
    pub(crate) sources: Vec<u64>,
    /// Per lesson: a hash of its heading ids.
    pub(crate) anchors: Vec<u64>,
    pub(crate) now: i64,
}

/// The keys of one build.
pub(crate) struct Keys<'a> {
    inputs: KeyInputs<'a>,
    link_shape: u64,
    site_shape: u64,
}

impl<'a> Keys<'a> {
    /// Derives the two shapes every page key builds on.
    pub(crate) fn new(inputs: KeyInputs<'a>) -> Keys<'a> {
        let course = inputs.course;
        let link_shape = key_of(&(
            course
                .lessons
                .iter()
                .map(|l| (l.path, &l.url, &l.front_matter.aliases))
                .collect::<Vec<_>>(),
            inputs.titles,
            &inputs.anchors,
            course
                .parts
                .iter()
                .map(|p| (&p.dir, &p.url))
                .collect::<Vec<_>>(),
            inputs.assets,
            inputs.static_files,
            inputs.print_page,
        ));
        let site_shape = key_of(&(
            inputs.titles,
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
            inputs.config,
            inputs.print_page,
        ));
        Keys {
            inputs,
            link_shape,
            site_shape,
        }
    }

    /// Lesson `i`, finished: its page and problems.
    pub(crate) fn lesson(&self, i: usize) -> u64 {
        let lesson = &self.inputs.course.lessons[i];
        key_of(&(
            self.inputs.sources[i],
            lesson.path,
            &lesson.url,
            self.link_shape,
            self.site_shape,
            self.inputs.now,
        ))
    }

    /// Lesson `i`'s rendered body, with its links resolved to `targets`.
    pub(crate) fn body(&self, i: usize, targets: &HashMap<usize, LinkTarget>) -> u64 {
        let lesson = &self.inputs.course.lessons[i];
        let mut sorted: Vec<_> = targets.iter().collect();
        sorted.sort_by_key(|(offset, _)| **offset);
        key_of(&(
            lesson.path,
            self.inputs.sources[i],
            &lesson.url,
            &sorted,
            self.inputs.now,
        ))
    }

    /// Lesson `i`'s page around the body keyed `body`.
    pub(crate) fn page(&self, i: usize, body: u64) -> u64 {
        key_of(&(body, self.site_shape, self.inputs.course.lessons[i].path))
    }

    /// Part `p`'s contents page, which lists its lessons' descriptions.
    pub(crate) fn contents(&self, p: usize) -> u64 {
        let below: Vec<&String> = self
            .inputs
            .course
            .lessons_below(p)
            .into_iter()
            .map(|i| &self.inputs.descriptions[i])
            .collect();
        key_of(&("contents", p, self.site_shape, key_of(&below)))
    }

    /// The redirect page at `dir` to lesson `i`.
    pub(crate) fn redirect(&self, i: usize, dir: &str) -> u64 {
        key_of(&(
            "redirect",
            dir,
            self.inputs.config,
            &self.inputs.titles[i],
            &self.inputs.course.lessons[i].url,
        ))
    }

    /// The whole-course page, made of the bodies keyed `bodies`.
    pub(crate) fn print(&self, bodies: &[u64], uses_playground: bool) -> u64 {
        key_of(&("print", self.site_shape, bodies, uses_playground))
    }

    /// `404.html`.
    pub(crate) fn not_found(&self) -> u64 {
        key_of(&("404", self.site_shape))
    }

    /// `sitemap.xml`.
    pub(crate) fn sitemap(&self) -> u64 {
        let course = self.inputs.course;
        key_of(&(
            "sitemap",
            self.inputs.config,
            course.parts.iter().map(|p| &p.url).collect::<Vec<_>>(),
            course.lessons.iter().map(|l| &l.url).collect::<Vec<_>>(),
        ))
    }

    /// The search index.
    pub(crate) fn search(&self) -> u64 {
        key_of(&(
            "search",
            self.inputs.titles,
            self.inputs
                .course
                .lessons
                .iter()
                .map(|l| &l.url)
                .collect::<Vec<_>>(),
            &self.inputs.sources,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::plan::{Plan, prepare};
    use crate::{Cache, SiteInput, SourceFile};

    /// A small course: two lessons in the root, one in a part.
    fn course() -> Vec<(&'static str, String)> {
        vec![
            ("site.toml", "title = \"T\"\nbase_url = \"/c/\"\n".into()),
            (
                "01_A.md",
                "# A\n\nAbout a. See [b](./02_B.md#two).\n\n## One\n".into(),
            ),
            (
                "02_B.md",
                "+++\naliases = [\"old/b/\"]\n+++\n# B\n\n## Two\n".into(),
            ),
            ("part/03_C.md", "# C\n\nThe part's lesson.\n".into()),
        ]
    }

    /// Every key of the build of `files`, by name.
    fn keys_of(files: &[(&str, String)], assets: &[&str], now: i64) -> HashMap<&'static str, u64> {
        let input = SiteInput {
            sources: files
                .iter()
                .map(|(path, text)| SourceFile {
                    path: path.to_string(),
                    bytes: text.as_bytes().to_vec(),
                })
                .collect(),
            assets: assets.iter().map(|a| a.to_string()).collect(),
            now,
            ..SiteInput::default()
        };
        let cache = Cache::disabled();
        let prepared = prepare(&input, &cache);
        let mut diagnostics = Vec::new();
        let plan = Plan::new(&prepared, &mut diagnostics);
        let keys = plan.keys(&input);
        let targets = HashMap::from([(
            10,
            LinkTarget {
                href: "../02-b/index.html#two".into(),
                title: Some(plan.titles[1].clone()),
            },
        )]);
        let body = keys.body(0, &targets);
        HashMap::from([
            ("lesson", keys.lesson(0)),
            ("body", body),
            ("page", keys.page(0, body)),
            ("contents", keys.contents(0)),
            ("part contents", keys.contents(1)),
            ("redirect", keys.redirect(1, "old/b/")),
            ("print", keys.print(&[body], false)),
            ("not found", keys.not_found()),
            ("sitemap", keys.sitemap()),
            ("search", keys.search()),
        ])
    }

    /// The keys that differ between two builds.
    fn changed(
        a: &HashMap<&'static str, u64>,
        b: &HashMap<&'static str, u64>,
    ) -> Vec<&'static str> {
        let mut names: Vec<&str> = a.keys().filter(|k| a[*k] != b[*k]).copied().collect();
        names.sort_unstable();
        names
    }

    fn edited(path: &str, from: &str, to: &str) -> Vec<(&'static str, String)> {
        course()
            .into_iter()
            .map(|(p, text)| {
                (
                    p,
                    if p == path {
                        text.replace(from, to)
                    } else {
                        text
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_same_input_gives_the_same_keys() {
        assert!(changed(&keys_of(&course(), &[], 1), &keys_of(&course(), &[], 1)).is_empty());
    }

    #[test]
    fn a_lesson_s_own_source_changes_its_lesson_body_page_and_search_keys() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(&edited("01_A.md", "About a.", "About A."), &[], 1);
        // Its description is part of the root's contents page too.
        assert_eq!(
            changed(&before, &after),
            ["body", "contents", "lesson", "page", "print", "search"]
        );
    }

    #[test]
    fn another_lesson_s_title_changes_every_page_that_shows_titles() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(&edited("02_B.md", "# B", "# Bee"), &[], 1);
        // The body too: A's link to B carries B's title.
        assert_eq!(
            changed(&before, &after),
            [
                "body",
                "contents",
                "lesson",
                "not found",
                "page",
                "part contents",
                "print",
                "redirect",
                "search"
            ]
        );
    }

    #[test]
    fn another_lesson_s_heading_ids_change_what_links_resolve_against() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(&edited("02_B.md", "## Two", "## Deux"), &[], 1);
        assert!(changed(&before, &after).contains(&"lesson"));
    }

    #[test]
    fn an_asset_changes_what_links_resolve_against_only() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(&course(), &["img/a.png"], 1);
        assert_eq!(changed(&before, &after), ["lesson"]);
    }

    #[test]
    fn the_build_time_changes_lessons_and_bodies() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(&course(), &[], 2);
        assert_eq!(
            changed(&before, &after),
            ["body", "lesson", "page", "print"]
        );
    }

    #[test]
    fn site_toml_changes_every_page_around_the_bodies() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(
            &edited("site.toml", "title = \"T\"", "title = \"U\""),
            &[],
            1,
        );
        assert_eq!(
            changed(&before, &after),
            [
                "contents",
                "lesson",
                "not found",
                "page",
                "part contents",
                "print",
                "redirect",
                "sitemap"
            ]
        );
    }

    #[test]
    fn a_lesson_s_url_changes_its_keys_the_sitemap_and_the_search() {
        let before = keys_of(&course(), &[], 1);
        let after = keys_of(
            &edited("01_A.md", "# A\n", "+++\nslug = \"intro\"\n+++\n# A\n"),
            &[],
            1,
        );
        let changed = changed(&before, &after);
        for key in ["lesson", "body", "page", "sitemap", "search", "not found"] {
            assert!(changed.contains(&key), "{key}: {changed:?}");
        }
    }

    #[test]
    fn a_link_s_target_changes_the_body() {
        let input = course();
        let plain = keys_of(&input, &[], 1);
        let prepared_input = SiteInput {
            sources: input
                .iter()
                .map(|(path, text)| SourceFile {
                    path: path.to_string(),
                    bytes: text.as_bytes().to_vec(),
                })
                .collect(),
            now: 1,
            ..SiteInput::default()
        };
        let cache = Cache::disabled();
        let prepared = prepare(&prepared_input, &cache);
        let mut diagnostics = Vec::new();
        let plan = Plan::new(&prepared, &mut diagnostics);
        let keys = plan.keys(&prepared_input);
        let target = |href: &str| {
            HashMap::from([(
                10,
                LinkTarget {
                    href: href.into(),
                    title: None,
                },
            )])
        };
        assert_ne!(
            keys.body(0, &target("../02-b/index.html#two")),
            keys.body(0, &target("../02-b/index.html#three"))
        );
        assert_ne!(plain["body"], keys.body(0, &HashMap::new()));
    }
}
