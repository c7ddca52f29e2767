//! Characters a reader cannot see: zero-width characters, bidirectional
//! controls, other format and control characters, and spaces that are not
//! the ASCII space. `s\u{200B}cope` looks exactly like `scope` on screen, so
//! wherever the playground shows a name or value from a token it shows these
//! characters as JSON escapes (`s\u200Bcope`), which are also how they may
//! legally be written inside the token's JSON.

/// Whether `c` is invisible, or easily mistaken for a plain space.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00A0}' | '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{1680}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{2000}'..='\u{200F}' | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{206F}'
            | '\u{3000}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether `text` holds any invisible character.
pub(crate) fn has_invisible(text: &str) -> bool {
    text.chars().any(is_invisible)
}

/// `text` with every invisible character written as a JSON escape
/// (`\u200B`; characters outside the Basic Multilingual Plane as their
/// UTF-16 surrogate pair, as JSON spells them). JSON text stays valid JSON
/// with the same meaning, since such characters can only occur inside its
/// strings (its own whitespace is ASCII).
pub(crate) fn reveal(text: &str) -> String {
    if !has_invisible(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The invisible characters of `text`, named by code point, each once:
/// `U+200B, U+202E`.
pub(crate) fn code_points(text: &str) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| is_invisible(*c)) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.iter()
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_written_as_json_escapes() {
        assert_eq!(reveal("s\u{200B}cope"), "s\\u200Bcope");
        assert_eq!(reveal("ledger:\u{202E}daer"), "ledger:\\u202Edaer");
        assert_eq!(reveal("tag\u{E0041}"), "tag\\uDB40\\uDC41");
        assert_eq!(reveal("a\u{00A0}b\u{FEFF}"), "a\\u00A0b\\uFEFF");
        assert_eq!(reveal("plain ledger:read"), "plain ledger:read");
        assert_eq!(
            reveal("{\n  \"a\": 1\n}"),
            "{\n  \"a\": 1\n}",
            "JSON layout stays"
        );
        assert_eq!(code_points("s\u{200B}c\u{200B}o\u{202E}"), "U+200B, U+202E");
    }

    #[test]
    fn revealed_json_means_the_same() {
        let text = "{\"s\u{200B}cope\":\"x\u{E0041}\u{2066}\"}";
        let revealed = reveal(text);
        assert!(revealed.is_ascii(), "{revealed}");
        let before: serde_json::Value = serde_json::from_str(text).expect("parses");
        let after: serde_json::Value = serde_json::from_str(&revealed).expect("still JSON");
        assert_eq!(before, after);
    }

    #[test]
    fn ordinary_text_is_visible() {
        for text in ["scope", "ledger:read ledger:write", "Zoë", "日本語", "🔑"] {
            assert!(!has_invisible(text), "{text}");
        }
    }
}
