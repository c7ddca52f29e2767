//! `site.toml`: the course's title, base URL and the few other settings that
//! apply to every page.

use serde::Deserialize;

use crate::diagnostic::Diagnostic;

/// The site settings, from `site.toml` at the root of the content directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The course's name, shown in the header and in every page title.
    pub title: String,
    /// One sentence for the index page and link previews.
    pub description: String,
    /// Where the site is published, e.g. `https://example.org/course/`.
    /// Used for canonical links, link previews, the sitemap and the 404 page.
    pub base_url: String,
    /// The language of the text (`lang` attribute).
    pub language: String,
    /// Prefix of "edit this page" links; the lesson's path is appended, e.g.
    /// `https://github.com/you/course/edit/main/content/`.
    pub edit_url: Option<String>,
    /// The picture link previews show (Open Graph, Twitter cards): a site
    /// path such as `img/social-card.png`, from `static/` or `content/`.
    /// A PNG or JPEG of 1200×630 pixels suits every platform.
    pub image: Option<String>,
    /// What the picture shows, for readers who cannot see it; defaults to
    /// the course's title.
    pub image_alt: Option<String>,
    /// Whether to make the whole-course page (`print/`), every lesson on
    /// one page for printing. Unset: made for courses of at most 300 lessons.
    pub print_page: Option<bool>,
    /// The `[playground]` table.
    pub playground: PlaygroundConfig,
}

/// What the token playground needs from the course: `[playground]` in
/// `site.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlaygroundConfig {
    /// The page of a deliberately leaky browser app of the course, which
    /// the playground's Leak step opens (a site path such as
    /// `naive-app/index.html`). Without it the playground has no Leak step.
    pub leaky_app: Option<String>,
    /// The script that app ships with a client secret in it, which the Leak
    /// step reads (e.g. `naive-app/app.js`).
    pub leaky_app_script: Option<String>,
}

impl PlaygroundConfig {
    /// The leaky app's page and script, when the course has one.
    pub fn leaky_app(&self) -> Option<(&str, &str)> {
        Some((
            self.leaky_app.as_deref()?,
            self.leaky_app_script.as_deref()?,
        ))
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Course".to_string(),
            description: String::new(),
            base_url: "/".to_string(),
            language: "en".to_string(),
            edit_url: None,
            image: None,
            image_alt: None,
            print_page: None,
            playground: PlaygroundConfig::default(),
        }
    }
}

/// The name of the settings file at the root of the content directory.
pub(crate) const CONFIG_FILE: &str = "site.toml";

const FIELDS: &str = "title, description, base_url, language, edit_url, image, image_alt, print_page, and in [playground]: leaky_app, leaky_app_script";

impl SiteConfig {
    /// Parses `site.toml`; errors carry the position in the file (every
    /// syntax error, or the first problem of a readable file).
    pub fn parse(source: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let config: SiteConfig = toml::from_str(source)
            .map_err(|e| toml_errors(CONFIG_FILE, source, 0, source, &e, FIELDS))?;
        config.checked(source).map_err(|problem| vec![problem])
    }

    /// The settings read from `source`, checked and normalised.
    fn checked(mut self, source: &str) -> Result<SiteConfig, Diagnostic> {
        let config = &mut self;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if !(config.base_url.starts_with('/')
            || config.base_url.starts_with("https://")
            || config.base_url.starts_with("http://"))
        {
            let offset = source.find("base_url").unwrap_or(0);
            return Err(Diagnostic::error(
                "config/base-url",
                CONFIG_FILE,
                "`base_url` must be an absolute URL or path",
            )
            .at(source, offset, 8)
            .with_hint(
                "write e.g. `base_url = \"https://example.org/course/\"` or `\"/course/\"`",
            ));
        }
        if let Some(edit_url) = &config.edit_url {
            let lower = edit_url.trim_start().to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                return Err(Diagnostic::error(
                    "config/edit-url",
                    CONFIG_FILE,
                    "`edit_url` must be an http(s) URL: every page links to it",
                )
                .at(source, key_offset(source, "edit_url"), "edit_url".len())
                .with_hint(
                    "write e.g. `edit_url = \"https://github.com/you/course/edit/main/content/\"`",
                ));
            }
        }
        for (key, value) in [
            ("image", &mut config.image),
            ("leaky_app", &mut config.playground.leaky_app),
            ("leaky_app_script", &mut config.playground.leaky_app_script),
        ] {
            if let Some(value) = value {
                *value = site_path(source, key, value)?;
            }
        }
        let playground = &config.playground;
        if playground.leaky_app.is_some() != playground.leaky_app_script.is_some() {
            let (given, missing) = if playground.leaky_app.is_some() {
                ("leaky_app", "leaky_app_script")
            } else {
                ("leaky_app_script", "leaky_app")
            };
            return Err(Diagnostic::error(
                "config/leaky-app",
                CONFIG_FILE,
                format!("`{given}` is set but `{missing}` is not: the Leak step needs both the app's page and its script"),
            )
            .at(source, key_offset(source, given), given.len())
            .with_hint(format!("add `{missing} = \"…\"` under `[playground]`, or remove `{given}`")));
        }
        Ok(self)
    }

    /// The path part of the base URL, always starting and ending with `/`:
    /// `/course/` for `https://example.org/course/`.
    pub fn base_path(&self) -> String {
        let url = &self.base_url;
        let path = match url.find("://") {
            Some(i) => url[i + 3..].find('/').map_or("/", |j| &url[i + 3 + j..]),
            None => url.as_str(),
        };
        if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        }
    }

    /// An absolute URL for a site path such as `02-no-user-involved/`.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Where `key` is set in `source`: the first line that starts with it.
pub(crate) fn key_offset(source: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    source.find(key).unwrap_or(0)
}

/// A setting that names a file of the site, as a site path (no leading
/// `/`); an error when it points outside the site.
fn site_path(source: &str, key: &str, value: &str) -> Result<String, Diagnostic> {
    let trimmed = value.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.contains("://") || trimmed.split('/').any(|s| s == "..") {
        return Err(Diagnostic::error(
            "config/site-path",
            CONFIG_FILE,
            format!("`{key} = \"{value}\"` is not a path inside the site"),
        )
        .at(source, key_offset(source, key), key.len())
        .with_hint(format!(
            "name a file of `static/` or `content/` by its path in the site, e.g. `{key} = \"{}\"`",
            match key {
                "image" => "img/social-card.png",
                "leaky_app" => "naive-app/index.html",
                _ => "naive-app/app.js",
            }
        )));
    }
    Ok(trimmed.to_string())
}

/// Every error of a TOML text that `toml` could not read (`error`, the
/// first), as diagnostics at their positions: the syntax errors, each
/// at its line (`toml` stops at the first, its recovering parser goes on),
/// or, when the syntax is fine, `error` itself (a wrong type or an
/// unknown field). `offset` is where `text` starts in `file`.
pub(crate) fn toml_errors(
    path: &str,
    file: &str,
    offset: usize,
    text: &str,
    error: &toml::de::Error,
    fields: &str,
) -> Vec<Diagnostic> {
    let (_, syntax) = toml::de::DeTable::parse_recoverable(text);
    if syntax.is_empty() {
        return vec![toml_error(path, file, offset, error, fields)];
    }
    let mut problems: Vec<Diagnostic> = syntax
        .iter()
        .map(|error| toml_error(path, file, offset, error, fields))
        .collect();
    // The parser goes on after an error and may complain several times
    // about what follows it: one problem per line, in the file's order.
    problems.sort_by_key(|problem| (problem.line, problem.column));
    problems.dedup_by_key(|problem| problem.line);
    problems
}

/// A TOML error as a diagnostic at its position; `offset` is where the TOML
/// text starts in the file.
fn toml_error(
    path: &str,
    file: &str,
    offset: usize,
    error: &toml::de::Error,
    fields: &str,
) -> Diagnostic {
    let message = error.message().trim().to_string();
    let hint = if message.contains("unknown field") {
        format!("the known fields are: {fields}")
    } else {
        "check the TOML syntax: `key = \"text\"`, numbers bare, lists in `[...]`".to_string()
    };
    let diagnostic =
        Diagnostic::error("toml/invalid", path, format!("invalid TOML: {message}")).with_hint(hint);
    match error.span() {
        Some(span) => diagnostic.at(file, offset + span.start, span.len()),
        None => diagnostic.at(file, offset, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one problem `SiteConfig::parse` finds in `source`.
    fn problem(source: &str) -> Diagnostic {
        let mut problems = SiteConfig::parse(source).expect_err(source);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        problems.remove(0)
    }

    #[test]
    fn edit_url_must_be_http() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            " JAVASCRIPT:x",
            "/edit/",
        ] {
            let error = problem(&format!("edit_url = {bad:?}\n"));
            assert_eq!(error.code, "config/edit-url", "{bad}");
            assert_eq!((error.line, error.column), (1, 1), "{bad}");
        }
        for good in [
            "https://github.com/x/y/edit/main/content/",
            "http://git.example/edit/",
        ] {
            assert!(
                SiteConfig::parse(&format!("edit_url = {good:?}\n")).is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn defaults_and_trailing_slash() {
        let c =
            SiteConfig::parse("title = \"T\"\nbase_url = \"https://example.org/course\"").unwrap();
        assert_eq!(c.title, "T");
        assert_eq!(c.base_url, "https://example.org/course/");
        assert_eq!(c.base_path(), "/course/");
        assert_eq!(SiteConfig::parse("").unwrap().base_path(), "/");
        assert_eq!(
            SiteConfig::parse("base_url = \"https://example.org\"")
                .unwrap()
                .base_path(),
            "/"
        );
    }

    /// Every syntax error of `site.toml` is reported, each at its line.
    #[test]
    fn every_syntax_error_is_reported() {
        let problems =
            SiteConfig::parse("title = \nbase_url = \"/\"\nlanguage = en\nx = 1\n").unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 3], "{problems:#?}");
        // An array left open swallows the lines after it: one problem per
        // line, in the file's order, not the parser's every complaint.
        let problems = SiteConfig::parse("title = \nlanguage = [\"en\"\nx = 1\n").unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 3], "{problems:#?}");
    }

    #[test]
    fn unknown_fields_are_errors_with_position() {
        let e = problem("title = \"T\"\ntitel = \"x\"");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("titel"), "{}", e.message);
        assert!(e.hint.unwrap().contains("base_url"));
    }

    #[test]
    fn the_leaky_app_is_two_site_paths_given_together() {
        let c = SiteConfig::parse(
            "title = \"T\"\n[playground]\nleaky_app = \"/naive-app/index.html\"\nleaky_app_script = \"naive-app/app.js\"\n",
        )
        .unwrap();
        assert_eq!(
            c.playground.leaky_app(),
            Some(("naive-app/index.html", "naive-app/app.js"))
        );
        let e = problem("[playground]\nleaky_app = \"naive-app/index.html\"\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.contains("`leaky_app_script` is not"),
            "{}",
            e.message
        );
        let e = problem("[playground]\nleaky_app = \"x.html\"\nleaky_app_script = \"../app.js\"\n");
        assert_eq!(e.line, 3);
        assert!(
            e.message.contains("not a path inside the site"),
            "{}",
            e.message
        );
        let e = problem("[playground]\nleaky = 1\n");
        assert!(e.hint.unwrap().contains("leaky_app_script"));
    }

    #[test]
    fn relative_base_urls_are_refused() {
        let e = problem("base_url = \"course/\"");
        assert_eq!(e.line, 1);
    }
}
