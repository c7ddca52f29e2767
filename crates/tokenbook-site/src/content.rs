//! The course as a tree: parts (folders) holding lessons (markdown files)
//! and further parts, in reading order, each with its URL.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::config::toml_errors;
use crate::diagnostic::Diagnostic;
use crate::front_matter::{self, FrontMatter};
use crate::slug::{order_key, slugify, title_from_name};

/// The small per-folder file that names a part.
pub(crate) const PART_FILE: &str = "_part.toml";

/// A lesson source, decoded.
#[derive(Debug, Clone)]
#[cfg(test)]
pub(crate) struct Source {
    /// Relative to the content directory, `/`-separated.
    pub path: String,
    /// The text, without a byte-order mark.
    pub text: String,
}

/// `_part.toml`: everything optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartFile {
    title: Option<String>,
    description: Option<String>,
    order: Option<i64>,
    slug: Option<String>,
}

/// A part of the course: a folder of lessons. The root part is the course.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The folder, relative, ending in `/` (empty for the root).
    pub dir: String,
    /// The site path of the part's page, ending in `/` (empty for the root).
    pub url: String,
    /// From `_part.toml`, or the folder name.
    pub title: String,
    /// From `_part.toml`.
    pub description: String,
    /// The enclosing part; `None` for the root.
    pub parent: Option<usize>,
    /// Lessons and parts inside, in order.
    pub items: Vec<Item>,
}

/// Something a part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Item {
    /// An index into [`Course::lessons`].
    Lesson(usize),
    /// An index into [`Course::parts`].
    Part(usize),
}

/// One lesson, before its markdown is parsed.
#[derive(Debug, Clone)]
pub(crate) struct Lesson<'a> {
    /// The source file, relative to the content directory.
    pub path: &'a str,
    /// The whole file.
    pub source: &'a str,
    /// The markdown after the front matter.
    pub body: &'a str,
    /// Where `body` starts in `source`.
    pub body_offset: usize,
    /// The front matter (default when absent or invalid).
    pub front_matter: FrontMatter,
    /// The site path, ending in `/`.
    pub url: String,
    /// The part it belongs to.
    pub part: usize,
    /// The file name without `.md`, for fallback titles.
    pub stem: &'a str,
}

/// Parts and lessons, lessons in reading order.
#[derive(Debug, Clone)]
pub(crate) struct Course<'a> {
    /// All parts; index 0 is the root.
    pub parts: Vec<Part>,
    /// All lessons in reading order (depth first through the parts).
    pub lessons: Vec<Lesson<'a>>,
}

/// A source file as [`Course::assemble_entries`] takes it.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    /// Relative to the content directory, `/`-separated.
    pub path: &'a str,
    /// The decoded text.
    pub text: &'a str,
    /// For a lesson, its front matter and where its body starts when they
    /// were split off already (and any problem reported then); `None`
    /// splits them here.
    pub split: Option<(FrontMatter, usize)>,
}

enum Node<'a> {
    Lesson {
        path: &'a str,
        text: &'a str,
        stem: &'a str,
        front_matter: FrontMatter,
        body_offset: usize,
    },
    Dir {
        name: String,
    },
}

impl<'a> Course<'a> {
    #[cfg(test)]
    /// Builds the tree from the decoded sources (markdown lessons and
    /// `_part.toml` files); problems are added to `diagnostics`.
    pub(crate) fn assemble(sources: &'a [Source], diagnostics: &mut Vec<Diagnostic>) -> Course<'a> {
        let entries = sources.iter().map(|s| Entry {
            path: &s.path,
            text: &s.text,
            split: None,
        });
        Course::assemble_entries(entries, diagnostics)
    }

    /// [`Course::assemble`] from borrowed sources, some of whose front
    /// matter may be split off already.
    pub(crate) fn assemble_entries(
        sources: impl IntoIterator<Item = Entry<'a>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Course<'a> {
        // Folder -> its direct entries; part files by folder.
        let mut entries: BTreeMap<String, Vec<Node<'a>>> = BTreeMap::new();
        let mut part_files: HashMap<String, PartFile> = HashMap::new();
        entries.entry(String::new()).or_default();
        for source in sources {
            let (dir, name) = match source.path.rfind('/') {
                Some(i) => (&source.path[..=i], &source.path[i + 1..]),
                None => ("", source.path),
            };
            if name == PART_FILE {
                match toml::from_str::<PartFile>(source.text) {
                    Ok(part) => {
                        part_files.insert(dir.to_string(), part);
                    }
                    Err(e) => diagnostics.extend(toml_errors(
                        source.path,
                        source.text,
                        0,
                        source.text,
                        &e,
                        "title, description, order, slug",
                    )),
                }
                continue;
            }
            let Some(stem) = crate::files::lesson_stem(name) else {
                continue;
            };
            let (front_matter, body_offset) = match source.split {
                Some(split) => split,
                None => split_front_matter(source.path, source.text, diagnostics),
            };
            add_dirs(&mut entries, dir);
            entries
                .entry(dir.to_string())
                .or_default()
                .push(Node::Lesson {
                    path: source.path,
                    text: source.text,
                    stem,
                    front_matter,
                    body_offset,
                });
        }

        let mut course = Course {
            parts: Vec::new(),
            lessons: Vec::new(),
        };
        let root_file = part_files.remove("").unwrap_or_default();
        course.parts.push(Part {
            dir: String::new(),
            url: String::new(),
            title: root_file.title.unwrap_or_default(),
            description: root_file.description.unwrap_or_default(),
            parent: None,
            items: Vec::new(),
        });
        course.fill(0, &mut entries, &mut part_files);
        course
    }

    fn fill(
        &mut self,
        part: usize,
        entries: &mut BTreeMap<String, Vec<Node<'a>>>,
        part_files: &mut HashMap<String, PartFile>,
    ) {
        let dir = self.parts[part].dir.clone();
        let mut nodes = entries.remove(&dir).unwrap_or_default();
        nodes.sort_by_cached_key(|node| match node {
            Node::Lesson {
                stem, front_matter, ..
            } => order_key(stem, front_matter.order),
            Node::Dir { name } => {
                let order = part_files
                    .get(&format!("{dir}{name}/"))
                    .and_then(|p| p.order);
                order_key(name, order)
            }
        });
        for node in nodes {
            match node {
                Node::Lesson {
                    path,
                    text,
                    stem,
                    front_matter,
                    body_offset,
                } => {
                    let slug = front_matter.slug.clone().unwrap_or_else(|| slugify(stem));
                    let slug = if slug.is_empty() {
                        "lesson".to_string()
                    } else {
                        slug
                    };
                    let url = format!("{}{slug}/", self.parts[part].url);
                    self.parts[part]
                        .items
                        .push(Item::Lesson(self.lessons.len()));
                    self.lessons.push(Lesson {
                        path,
                        source: text,
                        body: &text[body_offset..],
                        body_offset,
                        front_matter,
                        url,
                        part,
                        stem,
                    });
                }
                Node::Dir { name } => {
                    let sub_dir = format!("{dir}{name}/");
                    let file = part_files.remove(&sub_dir).unwrap_or_default();
                    let slug = file.slug.unwrap_or_else(|| slugify(&name));
                    let slug = if slug.is_empty() {
                        "part".to_string()
                    } else {
                        slug
                    };
                    let index = self.parts.len();
                    self.parts.push(Part {
                        dir: sub_dir,
                        url: format!("{}{slug}/", self.parts[part].url),
                        title: file.title.unwrap_or_else(|| title_from_name(&name)),
                        description: file.description.unwrap_or_default(),
                        parent: Some(part),
                        items: Vec::new(),
                    });
                    self.parts[part].items.push(Item::Part(index));
                    self.fill(index, entries, part_files);
                }
            }
        }
    }

    /// The lessons in part `part` and the parts below it, in reading
    /// order.
    pub(crate) fn lessons_below(&self, part: usize) -> Vec<usize> {
        let mut below = Vec::new();
        self.collect_lessons(part, &mut below);
        below
    }

    fn collect_lessons(&self, part: usize, out: &mut Vec<usize>) {
        for item in &self.parts[part].items {
            match *item {
                Item::Lesson(i) => out.push(i),
                Item::Part(sub) => self.collect_lessons(sub, out),
            }
        }
    }

    /// The chain of parts from the root down to `part`, root first.
    pub(crate) fn ancestry(&self, part: usize) -> Vec<usize> {
        let mut chain = vec![part];
        while let Some(parent) = self.parts[*chain.last().unwrap_or(&0)].parent {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }
}

/// A lesson's front matter and where its body starts; on a problem (which
/// is reported) no front matter and the whole file as the body.
pub(crate) fn split_front_matter(
    path: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (FrontMatter, usize) {
    match front_matter::split(path, text) {
        Ok(split) => (split.front_matter, split.body_offset),
        Err(problems) => {
            diagnostics.extend(problems);
            (FrontMatter::default(), 0)
        }
    }
}

/// Registers `dir` and every folder above it as entries of their parents.
fn add_dirs<'a>(entries: &mut BTreeMap<String, Vec<Node<'a>>>, dir: &str) {
    if dir.is_empty() || entries.contains_key(dir) {
        return;
    }
    entries.insert(dir.to_string(), Vec::new());
    let trimmed = &dir[..dir.len() - 1];
    let (parent, name) = match trimmed.rfind('/') {
        Some(i) => (&dir[..=i], &trimmed[i + 1..]),
        None => ("", trimmed),
    };
    add_dirs(entries, parent);
    entries
        .entry(parent.to_string())
        .or_default()
        .push(Node::Dir {
            name: name.to_string(),
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Vec<Source> {
        files
            .iter()
            .map(|(p, t)| Source {
                path: p.to_string(),
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn lessons_are_ordered_by_number_then_name_and_parts_nest() {
        let src = sources(&[
            ("glossary.md", "# G"),
            ("10_Ten.md", "# T"),
            ("02_Two.md", "# 2"),
            ("05_Deep/_part.toml", "title = \"Deep dive\""),
            ("05_Deep/02_B.md", "# B"),
            ("05_Deep/01_A.md", "# A"),
            ("lesson-0001.md", "# L"),
        ]);
        let mut diags = Vec::new();
        let course = Course::assemble(&src, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let urls: Vec<_> = course.lessons.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "02-two/",
                "05-deep/01-a/",
                "05-deep/02-b/",
                "10-ten/",
                "glossary/",
                "lesson-0001/"
            ]
        );
        assert_eq!(course.parts[1].title, "Deep dive");
        assert_eq!(course.parts[1].url, "05-deep/");
        assert_eq!(course.ancestry(1), vec![0, 1]);
    }

    #[test]
    fn front_matter_overrides_order_and_slug() {
        let src = sources(&[
            ("01_A.md", "+++\norder = 9\n+++\n# A"),
            ("02_B.md", "+++\nslug = \"bee\"\n+++\n# B"),
        ]);
        let mut diags = Vec::new();
        let course = Course::assemble(&src, &mut diags);
        let urls: Vec<_> = course.lessons.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["bee/", "01-a/"]);
    }

    #[test]
    fn a_bad_part_file_is_reported_and_the_folder_still_used() {
        let src = sources(&[("p/_part.toml", "title = "), ("p/a.md", "# A")]);
        let mut diags = Vec::new();
        let course = Course::assemble(&src, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].path, "p/_part.toml");
        assert_eq!(course.lessons[0].url, "p/a/");
    }
}
