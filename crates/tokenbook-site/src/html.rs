//! Small HTML helpers shared by the renderers: escaping and relative URLs.

/// Appends `text` with `& < > " '` escaped, safe in text and in quoted
/// attribute values.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// `text` escaped for HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// The relative URL from a page in directory `from_dir` (e.g. `a/b/`, or
/// empty for the root) to the site path `to` (e.g. `c/` or `css/site.css`).
/// Directories are linked as `dir/index.html` so the site also works from
/// `file://`.
pub(crate) fn relative_url(from_dir: &str, to: &str) -> String {
    let depth = from_dir.split('/').filter(|s| !s.is_empty()).count();
    let mut url = "../".repeat(depth);
    url.push_str(to);
    if to.is_empty() || to.ends_with('/') {
        url.push_str("index.html");
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("plain é"), "plain é");
    }

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("", "a/"), "a/index.html");
        assert_eq!(relative_url("a/", ""), "../index.html");
        assert_eq!(relative_url("a/b/", "c/"), "../../c/index.html");
        assert_eq!(relative_url("a/", "css/site.css"), "../css/site.css");
    }
}
