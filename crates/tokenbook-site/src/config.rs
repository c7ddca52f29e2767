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
        }
    }
}

/// The name of the settings file at the root of the content directory.
pub const CONFIG_FILE: &str = "site.toml";

const FIELDS: &str =
    "title, description, base_url, language, edit_url, image, image_alt, print_page";

impl SiteConfig {
    /// Parses `site.toml`; errors carry the position in the file.
    pub fn parse(source: &str) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig =
            toml::from_str(source).map_err(|e| toml_error(CONFIG_FILE, source, 0, &e, FIELDS))?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if !(config.base_url.starts_with('/')
            || config.base_url.starts_with("https://")
            || config.base_url.starts_with("http://"))
        {
            let offset = source.find("base_url").unwrap_or(0);
            return Err(Diagnostic::error(
                CONFIG_FILE,
                "`base_url` must be an absolute URL or path",
            )
            .at(source, offset, 8)
            .with_hint(
                "write e.g. `base_url = \"https://example.org/course/\"` or `\"/course/\"`",
            ));
        }
        if let Some(image) = &mut config.image {
            let trimmed = image.trim_start_matches('/');
            if trimmed.is_empty()
                || trimmed.contains("://")
                || trimmed.split('/').any(|s| s == "..")
            {
                let offset = source.find("image").unwrap_or(0);
                return Err(Diagnostic::error(
                    CONFIG_FILE,
                    format!("`image = \"{image}\"` is not a path inside the site"),
                )
                .at(source, offset, 5)
                .with_hint("name a file of `static/` or `content/`, e.g. `image = \"img/social-card.png\"`"));
            }
            *image = trimmed.to_string();
        }
        Ok(config)
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

/// A TOML error as a diagnostic at its position; `offset` is where the TOML
/// text starts in the file.
pub(crate) fn toml_error(
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
    let diagnostic = Diagnostic::error(path, format!("invalid TOML: {message}")).with_hint(hint);
    match error.span() {
        Some(span) => diagnostic.at(file, offset + span.start, span.len()),
        None => diagnostic.at(file, offset, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unknown_fields_are_errors_with_position() {
        let e = SiteConfig::parse("title = \"T\"\ntitel = \"x\"").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("titel"), "{}", e.message);
        assert!(e.hint.unwrap().contains("base_url"));
    }

    #[test]
    fn relative_base_urls_are_refused() {
        let e = SiteConfig::parse("base_url = \"course/\"").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
