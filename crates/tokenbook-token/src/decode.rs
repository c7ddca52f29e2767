//! Reading a JWT without trusting it: split it into its three parts, decode
//! the base64url, parse the JSON. Every way this can fail gets its own
//! plain-language [`TokenError`].
//!
//! Decoding is not validation: anyone can write a token that decodes. See
//! [`crate::validate`] for the checks an API must make.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::error::TokenError;
use crate::invisible::reveal;
use crate::member_names::{RepeatedName, repeated_names};

/// The longest input [`decode`] reads, in bytes. Longer input is refused
/// before any parsing, so pasting a huge log stays fast.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A JWT taken apart, readable but not yet trusted.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Decoded {
    /// The header (always a JSON object with an `alg`).
    pub header: Value,
    /// The payload, the claims (always a JSON object).
    pub payload: Value,
    /// The header as 2-space pretty-printed JSON.
    pub header_pretty: String,
    /// The payload as 2-space pretty-printed JSON, claims in token order.
    pub payload_pretty: String,
    /// The three base64url parts exactly as given (after trimming the input
    /// and removing a leading `Bearer `).
    pub segments: [String; 3],
    /// How many bytes the signature decodes to (0 for an unsecured token).
    pub signature_bytes: usize,
    /// The header's `alg`.
    pub algorithm: Option<String>,
    /// Header parameters named more than once (RFC 7515 section 4 forbids
    /// it); `header` holds the last value of each.
    pub repeated_header: Vec<RepeatedName>,
    /// Claims named more than once (RFC 7519 section 4 forbids it);
    /// `payload` holds the last value of each.
    pub repeated_claims: Vec<RepeatedName>,
}

/// Which of the three parts of a JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Header,
    Payload,
    Signature,
}

impl Part {
    const ALL: [Part; 3] = [Part::Header, Part::Payload, Part::Signature];

    fn name(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        }
    }
}

/// Takes a JWT apart: header and payload as JSON, the signature's size.
///
/// Accepts surrounding whitespace, a leading `Bearer ` (or `DPoP `, or a
/// whole `Authorization: Bearer …` line) and `=` padding. Verifies nothing.
pub fn decode(token: &str) -> Result<Decoded, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(too_long(token.len()));
    }
    let token = strip_scheme(token.trim());
    if token.is_empty() {
        return Err(TokenError::new(
            "There is no token to read: the input is empty.",
            "Paste a JWT: three base64url parts separated by dots, starting with eyJ.",
        ));
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        1 => return Err(single_part(token)),
        5 => return Err(encrypted_jwe()),
        count => return Err(wrong_part_count(count)),
    }
    check_characters(token)?;

    let header_text = decoded_text(Part::Header, parts[0])?;
    let payload_text = decoded_text(Part::Payload, parts[1])?;
    let signature_bytes = decoded_bytes(Part::Signature, parts[2])?.len();

    let header = json_object(Part::Header, &header_text)?;
    let payload = json_object(Part::Payload, &payload_text)?;
    let algorithm = header_algorithm(&header)?;

    Ok(Decoded {
        header_pretty: pretty(&header),
        payload_pretty: pretty(&payload),
        header,
        payload,
        segments: [
            parts[0].to_owned(),
            parts[1].to_owned(),
            parts[2].to_owned(),
        ],
        signature_bytes,
        algorithm: Some(algorithm),
        repeated_header: repeated_names(&header_text),
        repeated_claims: repeated_names(&payload_text),
    })
}

/// `serde_json`'s pretty printer indents by two spaces; invisible
/// characters are shown as JSON escapes.
pub(crate) fn pretty(value: &Value) -> String {
    reveal(&serde_json::to_string_pretty(value).unwrap_or_default())
}

/// Removes an `Authorization:` header name and a `Bearer`/`DPoP` scheme.
fn strip_scheme(input: &str) -> &str {
    let input = strip_prefix_ignoring_case(input, "authorization:").map_or(input, str::trim_start);
    for scheme in ["bearer", "dpop"] {
        if input.eq_ignore_ascii_case(scheme) {
            return "";
        }
        if let Some(rest) = strip_prefix_ignoring_case(input, scheme)
            && rest.starts_with(char::is_whitespace)
        {
            return rest.trim_start();
        }
    }
    input
}

fn strip_prefix_ignoring_case<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    let head = input.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &input[prefix.len()..])
}

fn too_long(len: usize) -> TokenError {
    TokenError::new(
        format!(
            "This input is {} bytes long, but the playground reads tokens of at most {} bytes.",
            with_thousands(len),
            with_thousands(MAX_TOKEN_LEN)
        ),
        "Access tokens are usually well under 2,000 bytes: check that you copied only the token, not a whole response or log.",
    )
}

fn with_thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Input without any dot: a lone JWT part, an opaque token, or neither.
fn single_part(token: &str) -> TokenError {
    if token.starts_with("eyJ") {
        return TokenError::new(
            "This looks like a single part of a JWT (eyJ is base64url for {\"), but a JWT has three parts separated by dots; this has 1.",
            "Copy the whole token: header, payload and signature, with the two dots between them.",
        );
    }
    let opaque_characters = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    if token.chars().all(opaque_characters) {
        return TokenError::new(
            "This looks like an opaque token: only the authorization server can tell what it means (token introspection, RFC 7662).",
            "Not every access token is a JWT. An opaque token is a random reference: an API sends it to the authorization server's introspection endpoint to learn whether it is active and what it allows.",
        );
    }
    wrong_part_count(1)
}

fn encrypted_jwe() -> TokenError {
    TokenError::new(
        "A JWT has three parts separated by dots; this has 5. Five parts is the shape of an encrypted JWT (JWE, RFC 7516), which the playground cannot read.",
        "Its payload is encrypted for one recipient: only the holder of the decryption key can read it. Signed access tokens (JWS) have three parts.",
    )
}

fn wrong_part_count(count: usize) -> TokenError {
    let hint = match count {
        2 => "One part is missing: check that the token was not cut off while copying.",
        _ => "Check that you copied exactly one token, without anything before or after it.",
    };
    TokenError::new(
        format!("A JWT has three parts separated by dots; this has {count}."),
        hint,
    )
}

/// Finds the first character that base64url does not allow. `=` is
/// accepted as padding at the end of a part.
fn check_characters(token: &str) -> Result<(), TokenError> {
    let mut part_index = 0;
    // Where the current part's `=` padding began (1-based), if it has.
    let mut padding_at = None;
    for (position, character) in token.chars().enumerate() {
        let part = Part::ALL
            .get(part_index)
            .copied()
            .unwrap_or(Part::Signature);
        match character {
            '.' => {
                part_index += 1;
                padding_at = None;
            }
            '=' => {
                padding_at.get_or_insert(position + 1);
            }
            _ if character.is_ascii_alphanumeric() || character == '-' || character == '_' => {
                if let Some(equals) = padding_at {
                    return Err(TokenError::new(
                        format!(
                            "The {} has = in the middle (character {equals} of the token), but = may only be padding at the end of a part.",
                            part.name()
                        ),
                        "Remove the =, or check that the token was not pasted together from pieces.",
                    ));
                }
            }
            _ => return Err(bad_character(part, character, position + 1)),
        }
    }
    Ok(())
}

fn bad_character(part: Part, character: char, position: usize) -> TokenError {
    let hint = match character {
        c if c.is_whitespace() => {
            "A token contains no spaces or line breaks: remove them (copying from a terminal or an email often wraps long lines)."
        }
        '+' | '/' => {
            "JWTs use base64url, which writes - and _ where plain base64 writes + and /: this part was encoded with the wrong alphabet."
        }
        '"' | '\'' => "Remove the quotes around the token.",
        '=' => "= may only appear as padding at the end of a part.",
        _ => "Each part of a JWT uses only letters, digits, - and _, with a dot between the parts.",
    };
    TokenError::new(
        format!(
            "The {} contains {}, which is not a base64url character (character {position} of the token).",
            part.name(),
            describe_character(character)
        ),
        hint,
    )
}

fn describe_character(character: char) -> String {
    match character {
        ' ' => "a space".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        '\t' => "a tab".to_owned(),
        '"' => "a quotation mark".to_owned(),
        '\'' => "an apostrophe".to_owned(),
        c if c.is_whitespace() => format!("an invisible space (U+{:04X})", u32::from(c)),
        c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
        c => format!("\"{c}\""),
    }
}

fn decoded_bytes(part: Part, segment: &str) -> Result<Vec<u8>, TokenError> {
    let unpadded = segment.trim_end_matches('=');
    if part != Part::Signature && unpadded.is_empty() {
        return Err(TokenError::new(
            format!("The {} part is empty.", part.name()),
            "A JWT's header and payload are never empty: check that nothing was lost while copying.",
        ));
    }
    if unpadded.len() % 4 == 1 {
        return Err(TokenError::new(
            format!(
                "The {} is {} characters long, a length base64url can never have.",
                part.name(),
                unpadded.len()
            ),
            "A character was probably lost or added while copying.",
        ));
    }
    URL_SAFE_NO_PAD.decode(unpadded).map_err(|_| {
        TokenError::new(
            format!(
                "The last character of the {} is not one base64url can end with.",
                part.name()
            ),
            "The part was probably cut short or changed by hand.",
        )
    })
}

fn decoded_text(part: Part, segment: &str) -> Result<String, TokenError> {
    let bytes = decoded_bytes(part, segment)?;
    String::from_utf8(bytes).map_err(|error| {
        TokenError::new(
            format!(
                "The {} decodes to bytes that are not UTF-8 text (byte {} of the decoded {} is the first bad one).",
                part.name(),
                error.utf8_error().valid_up_to() + 1,
                part.name()
            ),
            "A JWT's header and payload are JSON text: this part may be binary, encrypted or damaged.",
        )
    })
}

fn json_object(part: Part, text: &str) -> Result<Value, TokenError> {
    let example = match part {
        Part::Header => "{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}",
        _ => "{\"sub\":\"billing-service\"}",
    };
    let value: Value = serde_json::from_str(text).map_err(|error| {
        TokenError::new(
            format!("The {} is not valid JSON: {error}.", part.name()),
            format!(
                "It decodes to {}, but a JWT's {} must be a JSON object such as {example}.",
                quoted_excerpt(text),
                part.name()
            ),
        )
    })?;
    if value.is_object() {
        return Ok(value);
    }
    Err(TokenError::new(
        format!(
            "The {} is JSON, but {}, not an object.",
            part.name(),
            json_kind(&value)
        ),
        format!(
            "A JWT's {} must be a JSON object such as {example}.",
            part.name()
        ),
    ))
}

fn quoted_excerpt(text: &str) -> String {
    const LIMIT: usize = 60;
    let mut excerpt: String = text.chars().take(LIMIT).collect();
    if text.chars().nth(LIMIT).is_some() {
        excerpt.push('…');
    }
    format!("\"{excerpt}\"")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn header_algorithm(header: &Value) -> Result<String, TokenError> {
    match header.get("alg") {
        Some(Value::String(alg)) => Ok(alg.clone()),
        None => Err(TokenError::new(
            "The header has no \"alg\": every JWT header must name its signature algorithm (RFC 7515 section 4.1.1).",
            "Even an unsecured token says \"alg\": \"none\". Without alg this is not a JWT an API could check.",
        )),
        Some(other) => Err(TokenError::new(
            format!(
                "The header's \"alg\" is {}, but it must be a string such as \"RS256\".",
                json_kind(other)
            ),
            "The algorithm is named by a string: RS256, HS256, ES256…",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str, payload: &str, signature: &str) -> String {
        format!("{}.{}.{signature}", b64(header), b64(payload))
    }

    const HEADER: &str = r#"{"alg":"RS256","typ":"at+jwt"}"#;
    const PAYLOAD: &str = r#"{"sub":"billing-service","exp":1795690800}"#;

    fn good() -> String {
        token(HEADER, PAYLOAD, "c2lnbmF0dXJl")
    }

    fn error_of(input: &str) -> TokenError {
        match decode(input) {
            Err(error) => error,
            Ok(decoded) => panic!("expected an error for {input:?}, got {decoded:?}"),
        }
    }

    #[test]
    fn decodes_header_payload_and_signature() {
        let decoded = decode(&good()).expect("decodes");
        assert_eq!(decoded.header["typ"], "at+jwt");
        assert_eq!(decoded.payload["sub"], "billing-service");
        assert_eq!(decoded.algorithm.as_deref(), Some("RS256"));
        assert_eq!(decoded.signature_bytes, "signature".len());
        assert_eq!(decoded.segments[2], "c2lnbmF0dXJl");
        assert_eq!(
            decoded.payload_pretty,
            "{\n  \"sub\": \"billing-service\",\n  \"exp\": 1795690800\n}"
        );
        assert_eq!(
            decoded.header_pretty,
            "{\n  \"alg\": \"RS256\",\n  \"typ\": \"at+jwt\"\n}"
        );
    }

    #[test]
    fn accepts_bearer_prefix_whitespace_and_padding() {
        let plain = decode(&good()).expect("decodes");
        // 43 bytes of JSON: 58 base64url characters, padded to 60 with "==".
        let spaced_payload = format!("{PAYLOAD} ");
        let padded_payload = base64::engine::general_purpose::URL_SAFE.encode(&spaced_payload);
        assert!(padded_payload.ends_with("=="));
        let padded = format!("{}.{padded_payload}.c2lnbmF0dXJl=", b64(HEADER));
        let accepted = [
            format!("Bearer {}", good()),
            format!("  bearer\t{}\n", good()),
            format!("Authorization: Bearer {}", good()),
            format!("DPoP {}", good()),
        ];
        for input in &accepted {
            let decoded = decode(input).expect(input);
            assert_eq!(decoded.segments, plain.segments, "{input:?}");
        }
        let decoded = decode(&padded).expect("padding is tolerated");
        assert_eq!(decoded.payload, plain.payload);
        assert_eq!(
            decoded.segments[1], padded_payload,
            "segments are kept as given"
        );
    }

    #[test]
    fn unsecured_token_has_an_empty_signature() {
        let decoded = decode(&token(r#"{"alg":"none"}"#, PAYLOAD, "")).expect("decodes");
        assert_eq!(decoded.signature_bytes, 0);
        assert_eq!(decoded.algorithm.as_deref(), Some("none"));
    }

    #[test]
    fn every_error_is_specific() {
        let cases: Vec<(String, &str)> = vec![
            (
                String::new(),
                "There is no token to read: the input is empty.",
            ),
            (
                "  \n ".into(),
                "There is no token to read: the input is empty.",
            ),
            (
                "Bearer ".into(),
                "There is no token to read: the input is empty.",
            ),
            (
                "3q2-7wAAAAB8YWJjZGVmZ2hpams0NTY3".into(),
                "This looks like an opaque token: only the authorization server can tell what it means (token introspection, RFC 7662).",
            ),
            (
                b64(HEADER),
                "This looks like a single part of a JWT (eyJ is base64url for {\"), but a JWT has three parts separated by dots; this has 1.",
            ),
            (
                "hello world!".into(),
                "A JWT has three parts separated by dots; this has 1.",
            ),
            (
                format!("{}.{}", b64(HEADER), b64(PAYLOAD)),
                "A JWT has three parts separated by dots; this has 2.",
            ),
            (
                format!("{}.e.f", good()),
                "A JWT has three parts separated by dots; this has 5. Five parts is the shape of an encrypted JWT (JWE, RFC 7516), which the playground cannot read.",
            ),
            (
                format!("{}.x", good()),
                "A JWT has three parts separated by dots; this has 4.",
            ),
            (
                format!("{}.{}!x.sig", b64(HEADER), b64(PAYLOAD)),
                "The payload contains \"!\", which is not a base64url character (character 98 of the token).",
            ),
            (
                format!("{}.{} .sig", b64(HEADER), b64(PAYLOAD)),
                "The payload contains a space, which is not a base64url character (character 98 of the token).",
            ),
            (
                format!("\"{}\"", good()),
                "The header contains a quotation mark, which is not a base64url character (character 1 of the token).",
            ),
            (
                format!("{}.{}.ab+c", b64(HEADER), b64(PAYLOAD)),
                "The signature contains \"+\", which is not a base64url character (character 101 of the token).",
            ),
            (
                format!("{}.{}.a=b", b64(HEADER), b64(PAYLOAD)),
                "The signature has = in the middle (character 100 of the token), but = may only be padding at the end of a part.",
            ),
            (
                format!(".{}.sig", b64(PAYLOAD)),
                "The header part is empty.",
            ),
            (
                format!("{}.{}x.sig", b64(HEADER), b64(PAYLOAD)),
                "The payload is 57 characters long, a length base64url can never have.",
            ),
            (
                format!(
                    "{}.{}.sig",
                    b64(HEADER),
                    URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x00])
                ),
                "The payload decodes to bytes that are not UTF-8 text (byte 1 of the decoded payload is the first bad one).",
            ),
            (
                token(HEADER, "hello", "sig"),
                "The payload is not valid JSON: expected value at line 1 column 1.",
            ),
            (
                token(HEADER, "{\"sub\": }", "sig"),
                "The payload is not valid JSON: expected value at line 1 column 9.",
            ),
            (
                token("[1,2]", PAYLOAD, "sig"),
                "The header is JSON, but an array, not an object.",
            ),
            (
                token(HEADER, "\"sub\"", "sig"),
                "The payload is JSON, but a string, not an object.",
            ),
            (
                token(r#"{"typ":"JWT"}"#, PAYLOAD, "sig"),
                "The header has no \"alg\": every JWT header must name its signature algorithm (RFC 7515 section 4.1.1).",
            ),
            (
                token(r#"{"alg":256}"#, PAYLOAD, "sig"),
                "The header's \"alg\" is a number, but it must be a string such as \"RS256\".",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(error_of(&input).message, message, "input {input:?}");
        }
    }

    #[test]
    fn errors_carry_hints() {
        assert!(error_of("").hint.contains("three base64url parts"));
        assert!(
            error_of(&format!("{}.{}.a b", b64(HEADER), b64(PAYLOAD)))
                .hint
                .contains("no spaces or line breaks")
        );
        assert!(
            error_of(&token(HEADER, "hello", "sig"))
                .hint
                .contains("It decodes to \"hello\"")
        );
        assert!(
            error_of("abcdefghijklmnopqrstuvwxyz012345")
                .hint
                .contains("introspection")
        );
    }

    #[test]
    fn one_megabyte_is_refused_quickly_by_length() {
        let huge = "a".repeat(1024 * 1024);
        let started = Instant::now();
        let error = error_of(&huge);
        assert!(
            started.elapsed() < Duration::from_millis(50),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(
            error.message,
            "This input is 1,048,576 bytes long, but the playground reads tokens of at most 16,384 bytes."
        );
        let just_over = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(error_of(&just_over).message.contains("16,385 bytes"));
        let at_limit = "a".repeat(MAX_TOKEN_LEN);
        assert!(error_of(&at_limit).message.contains("opaque token"));
    }

    #[test]
    fn thousands_separators() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (16_384, "16,384"),
            (1_048_576, "1,048,576"),
        ];
        for (number, text) in cases {
            assert_eq!(with_thousands(number), text);
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let inputs = [
            "é.é.é",
            "..",
            "...",
            "Bearerx",
            "authorization:",
            "Authorization: é",
            "€",
            "a\u{0}b.c.d",
            "=.=.=",
            "eyJ.eyJ.",
        ];
        for input in inputs {
            let _ = decode(input);
        }
    }
}
