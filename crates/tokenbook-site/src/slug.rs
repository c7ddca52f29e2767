//! Names made from text: URL slugs from file names, heading ids from
//! heading text, and the order a number prefix gives.

/// The order key of a file or folder name: numbered names (`02_Flow.md`)
/// first by number, then the others by name.
pub(crate) fn order_key(stem: &str, order: Option<i64>) -> (u8, i64, String) {
    match order.or_else(|| number_prefix(stem)) {
        Some(n) => (0, n, stem.to_lowercase()),
        None => (1, 0, stem.to_lowercase()),
    }
}

/// The number a name starts with, when digits are followed by `_`, `-`,
/// `.`, a space or the end: `02_No_User` gives 2, `2fa` gives none.
pub(crate) fn number_prefix(stem: &str) -> Option<i64> {
    let digits = stem.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    match stem[digits..].chars().next() {
        None | Some('_' | '-' | '.' | ' ') => stem[..digits].parse().ok(),
        _ => None,
    }
}

/// A URL segment from a file or folder name: `02_No_User_Involved` gives
/// `02-no-user-involved`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            slug.extend(ch.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// A heading id, close to GitHub's: lowercase, letters, digits, `_` and
/// `-` kept, spaces to `-`, everything else (emoji, punctuation) dropped;
/// runs of `-` collapsed. `🏁 What's Missing?` gives `whats-missing`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for ch in text.trim().chars() {
        if ch.is_alphanumeric() || ch == '_' {
            id.extend(ch.to_lowercase());
        } else if (ch == ' ' || ch == '-') && !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// A title from a file or folder name without front matter or heading:
/// `01_Getting_Started` gives `Getting Started`.
pub(crate) fn title_from_name(stem: &str) -> String {
    let rest = match number_prefix(stem) {
        Some(_) => stem
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['_', '-', '.', ' ']),
        None => stem,
    };
    let words: Vec<&str> = rest
        .split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        stem.to_string()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes() {
        assert_eq!(number_prefix("02_No_User_Involved"), Some(2));
        assert_eq!(number_prefix("10-production"), Some(10));
        assert_eq!(number_prefix("7"), Some(7));
        assert_eq!(number_prefix("2fa"), None);
        assert_eq!(number_prefix("glossary"), None);
        assert_eq!(number_prefix("lesson-0001"), None);
    }

    #[test]
    fn numbered_names_come_first_in_number_order() {
        let mut names = vec!["glossary", "10_Ten", "lesson-0001", "02_Two", "1_One"];
        names.sort_by_key(|n| order_key(n, None));
        assert_eq!(
            names,
            vec!["1_One", "02_Two", "10_Ten", "glossary", "lesson-0001"]
        );
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slugify("02_No_User_Involved"), "02-no-user-involved");
        assert_eq!(slugify("lesson-0001"), "lesson-0001");
        assert_eq!(slugify("Ünïcode  Names!"), "ünïcode-names");
        assert_eq!(
            heading_id("🏁 The Fundamental Difference"),
            "the-fundamental-difference"
        );
        assert_eq!(
            heading_id("What's Missing in Client Credentials?"),
            "whats-missing-in-client-credentials"
        );
        assert_eq!(heading_id("The id_token - gone"), "the-id_token-gone");
        assert_eq!(heading_id("🤔"), "section");
    }

    #[test]
    fn titles_from_names() {
        assert_eq!(title_from_name("01_Getting_Started"), "Getting Started");
        assert_eq!(title_from_name("glossary"), "glossary");
    }
}
