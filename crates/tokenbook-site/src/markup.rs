//! Reading HTML as the build needs it, without a DOM: start tags and their
//! attribute values with their offsets, and the character references
//! attribute values may use. Shared by the link check of finished pages
//! (`page_links`) and the raw-HTML policy for lessons (`raw_html`).

use memchr::{memchr, memchr2};

/// Calls `visit(tag, attribute, value, value_offset)` for every attribute
/// of every start tag, names as written (compare them ignoring case). Comments, doctypes and the text
/// of `script`, `style`, `textarea` and `title` are skipped.
pub(crate) fn for_each_attribute(html: &str, mut visit: impl FnMut(&str, &str, &str, usize)) {
    for_each_markup(html, |markup| {
        if let Markup::Attribute {
            tag,
            name,
            value,
            value_offset,
        } = markup
        {
            visit(tag, name, value, value_offset);
        }
    });
}

/// What [`for_each_markup`] reports, in document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup<'a> {
    /// A start tag: its name as written, and the offset of its `<`.
    Tag { name: &'a str, offset: usize },
    /// An attribute with a value, of the start tag reported before it.
    Attribute {
        tag: &'a str,
        name: &'a str,
        value: &'a str,
        value_offset: usize,
    },
}

/// Calls `visit` for every start tag and each of its attributes that has a
/// value. Comments, doctypes, end tags and the text of `script`, `style`,
/// `textarea` and `title` are skipped.
pub(crate) fn for_each_markup<'a>(html: &'a str, mut visit: impl FnMut(Markup<'a>)) {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(bytes.len(), |end| start + end + 3);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") || rest.starts_with("<?") {
            at = memchr(b'>', &bytes[start..]).map_or(bytes.len(), |end| start + end + 1);
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if name_len == 0 {
            at = start + 1;
            continue;
        }
        let tag = &rest[1..=name_len];
        visit(Markup::Tag {
            name: tag,
            offset: start,
        });
        let mut i = start + 1 + name_len;
        // Attribute by attribute up to `>`: jump to the next `=`, the name
        // is the word before it, the value what follows.
        loop {
            let Some(found) = memchr2(b'=', b'>', &bytes[i..]) else {
                i = bytes.len();
                break;
            };
            let equals = i + found;
            if bytes[equals] == b'>' {
                i = equals + 1;
                break;
            }
            let mut name_end = equals;
            while name_end > i && bytes[name_end - 1].is_ascii_whitespace() {
                name_end -= 1;
            }
            let mut name_start = name_end;
            while name_start > i
                && !bytes[name_start - 1].is_ascii_whitespace()
                && !matches!(bytes[name_start - 1], b'/' | b'"' | b'\'')
            {
                name_start -= 1;
            }
            let mut v = equals + 1;
            while v < bytes.len() && bytes[v].is_ascii_whitespace() {
                v += 1;
            }
            let (value_start, value_end, next) = match bytes.get(v) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = memchr(quote, &bytes[v + 1..]).map_or(bytes.len(), |e| v + 1 + e);
                    (v + 1, end, end + 1)
                }
                _ => {
                    let mut end = v;
                    while end < bytes.len()
                        && !bytes[end].is_ascii_whitespace()
                        && bytes[end] != b'>'
                    {
                        end += 1;
                    }
                    (v, end, end)
                }
            };
            if let (Some(name), Some(value)) = (
                html.get(name_start..name_end),
                html.get(value_start..value_end),
            ) {
                visit(Markup::Attribute {
                    tag,
                    name,
                    value,
                    value_offset: value_start,
                });
            }
            i = next.min(bytes.len());
        }
        at = i.min(bytes.len());
        if ["script", "style", "textarea", "title"]
            .iter()
            .any(|raw| tag.eq_ignore_ascii_case(raw))
        {
            let close = format!("</{tag}");
            at = find_ignoring_case(&html[at..], &close).map_or(bytes.len(), |end| at + end);
        }
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Attribute text with the character references HTML writers use.
pub(crate) fn decode_entities(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('&') {
        return value.into();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}
