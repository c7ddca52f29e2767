//! `application/x-www-form-urlencoded`, read strictly (RFC 6749 Appendix
//! B): `+` is a space and `%XX` a byte, decoded by the `form_urlencoded`
//! crate, after a check that every `%` starts a valid escape and that the
//! bytes are UTF-8, which that crate would otherwise pass over silently.
//! Parameters with an empty value count as absent (RFC 6749 §3.2).

/// The parameters of a form body, in order, empty values left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Params {
    list: Vec<(String, String)>,
}

impl Params {
    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.list
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The value of `name`, if it is there (the first, if repeated).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }

    /// The first parameter sent more than once, other than those `allowed`
    /// to repeat.
    pub(crate) fn repeated(&self, allowed: &[&str]) -> Option<&str> {
        self.list.iter().enumerate().find_map(|(index, (key, _))| {
            let again = self.list[..index].iter().any(|(earlier, _)| earlier == key);
            (again && !allowed.contains(&key.as_str())).then_some(key.as_str())
        })
    }

    /// True when `name` was sent.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.list.iter().any(|(key, _)| key == name)
    }
}

/// Why a form could not be decoded, as a full sentence.
fn check_escapes(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices('%') {
        let valid = bytes
            .get(index + 1..index + 3)
            .is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit));
        if !valid {
            let shown: String = text[index..].chars().take(3).collect();
            return Err(format!(
                "\"{shown}\" is not a percent-escape: % must be followed by two hexadecimal digits, so a % in a value travels as %25 (RFC 6749 Appendix B)."
            ));
        }
    }
    Ok(())
}

fn check_utf8(decoded: &str, original: &str) -> Result<(), String> {
    if decoded.contains('\u{FFFD}') && !original.contains('\u{FFFD}') {
        return Err(
            "The percent-escapes decode to bytes that are not UTF-8; form values are UTF-8 (RFC 6749 Appendix B).".to_owned(),
        );
    }
    Ok(())
}

/// Decodes a form body.
pub(crate) fn decode_form(body: &str) -> Result<Params, String> {
    check_escapes(body)?;
    let mut list = Vec::new();
    for (key, value) in form_urlencoded::parse(body.as_bytes()) {
        check_utf8(&key, body)?;
        check_utf8(&value, body)?;
        if !value.is_empty() {
            list.push((key.into_owned(), value.into_owned()));
        }
    }
    Ok(Params { list })
}

/// Decodes one form-encoded value (a Basic header's client id or secret,
/// RFC 6749 §2.3.1).
pub(crate) fn decode_component(text: &str) -> Result<String, String> {
    check_escapes(text)?;
    let escaped = text.replace('&', "%26").replace('=', "%3D");
    let decoded = form_urlencoded::parse(escaped.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default();
    check_utf8(&decoded, text)?;
    Ok(decoded)
}

/// Form-encodes one value (RFC 6749 Appendix B).
pub(crate) fn encode_component(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6749_appendix_b_plus_is_space_and_percent_escapes_decode() {
        let params =
            decode_form("grant_type=client_credentials&scope=ledger%3Aread+ledger%3Awrite")
                .unwrap();
        assert_eq!(params.get("scope"), Some("ledger:read ledger:write"));
        assert_eq!(params.get("grant_type"), Some("client_credentials"));
        assert_eq!(params.get("resource"), None);
    }

    #[test]
    fn rfc6749_s3_2_empty_values_count_as_absent_and_repeats_are_found() {
        let params = decode_form("scope=&grant_type=a&grant_type=b&resource=x&resource=y").unwrap();
        assert!(!params.has("scope"));
        assert_eq!(params.repeated(&["resource"]), Some("grant_type"));
        assert_eq!(params.all("resource"), ["x", "y"]);
        assert_eq!(decode_form("a=1&b=2").unwrap().repeated(&[]), None);
    }

    #[test]
    fn rfc6749_appendix_b_broken_escapes_and_non_utf8_are_refused() {
        assert!(decode_form("client_secret=FAKE+secret/with:odd=chars%").is_err());
        assert!(decode_form("a=%zz").is_err());
        assert!(decode_form("a=%ff").is_err());
        assert!(decode_component("%").is_err());
    }

    #[test]
    fn rfc6749_s2_3_1_components_round_trip() {
        let secret = "FAKE+secret/with:odd=chars%";
        let encoded = encode_component(secret);
        assert_eq!(encoded, "FAKE%2Bsecret%2Fwith%3Aodd%3Dchars%25");
        assert_eq!(decode_component(&encoded).unwrap(), secret);
        assert_eq!(decode_component("a+b&c=d").unwrap(), "a b&c=d");
    }
}
