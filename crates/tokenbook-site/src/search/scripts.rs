//! The index's files are scripts, not JSON, so a page opened from
//! `file://` can load them: each calls `tokenbookSearch.load(name, data)`.

use crate::OutputFile;

/// The folder of the output that holds the index.
pub const DIR: &str = "search/";

/// Appends `s` as a JSON string literal (also a JavaScript one: U+2028
/// and U+2029 are escaped too).
pub(super) fn push_json(out: &mut String, s: &str) {
    out.push('"');
    let mut from = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escaped.is_empty() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(escaped);
        }
        from = i + c.len_utf8();
    }
    out.push_str(&s[from..]);
    out.push('"');
}

/// Orders terms as JavaScript compares strings (by UTF-16 code units), so
/// the browser's binary search over chunk keys agrees with this order.
pub(super) fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

pub(super) fn script(name: &str, data: &str) -> OutputFile {
    let mut text = String::with_capacity(data.len() + 40);
    text.push_str("tokenbookSearch.load(");
    push_json(&mut text, name);
    text.push(',');
    text.push_str(data);
    text.push_str(");\n");
    OutputFile {
        path: format!("{DIR}{name}.js"),
        contents: text.into_bytes(),
    }
}
