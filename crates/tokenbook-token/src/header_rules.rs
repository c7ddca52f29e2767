//! The rules a resource server applies to a token's JOSE header before it
//! trusts anything else: what makes it reject the token (`crit` parameters
//! it does not understand, a `typ` naming another kind of JWT) and what only
//! deserves a warning (keys or key URLs the token brings along, an old or
//! missing `typ`, nested tokens).

use serde_json::{Map, Value};

use crate::payload::plain;

/// Header parameters JWS itself defines (RFC 7515 section 4.1). They may
/// never be listed in `crit`, which is for extensions only.
const JWS_PARAMETERS: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// Why the header alone makes the API reject the token, if it does.
pub(crate) fn header_problem(header: &Map<String, Value>) -> Option<String> {
    if let Some(crit) = header.get("crit") {
        return Some(crit_problem(crit, header));
    }
    let typ = header.get("typ").and_then(Value::as_str)?;
    let kind = typ.to_ascii_lowercase();
    let kind = kind.strip_prefix("application/").unwrap_or(&kind);
    if kind.ends_with("+jwt") && kind != "at+jwt" {
        return Some(format!(
            "The header's typ is \"{typ}\": this JWT says it is another kind of token, not an access token, and an API must not accept it as one, whoever signed it (RFC 8725 section 3.11, RFC 9068 section 4)."
        ));
    }
    None
}

/// The reason a `crit` header parameter makes the token unacceptable: this
/// API understands no extension, so every well-formed `crit` is a rejection
/// too (RFC 7515 section 4.1.11).
fn crit_problem(crit: &Value, header: &Map<String, Value>) -> String {
    let names: Option<Vec<&str>> = crit
        .as_array()
        .and_then(|names| names.iter().map(Value::as_str).collect());
    let Some(names) = names.filter(|names| !names.is_empty()) else {
        return format!(
            "The header's crit is {}, but it must be a non-empty list of header parameter names; a token with a malformed crit is rejected (RFC 7515 section 4.1.11).",
            plain(crit)
        );
    };
    if let Some(standard) = names.iter().find(|name| JWS_PARAMETERS.contains(name)) {
        return format!(
            "The header's crit lists \"{standard}\", a parameter JWS itself defines; crit may only name extensions, so the token is rejected (RFC 7515 section 4.1.11)."
        );
    }
    if let Some(absent) = names.iter().find(|name| !header.contains_key(**name)) {
        return format!(
            "The header's crit lists \"{absent}\", which the header does not contain; such a token is rejected (RFC 7515 section 4.1.11)."
        );
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
    format!(
        "The header's crit says the API must understand {} to accept this token; this API knows no such extension, so it must reject the token even though it may be well signed (RFC 7515 section 4.1.11).",
        quoted.join(", ")
    )
}

/// Risks in the header that do not reject the token on their own.
pub(crate) fn header_warnings(header: &Map<String, Value>, warnings: &mut Vec<String>) {
    let typ = header.get("typ").and_then(Value::as_str);
    let is_access_token_type = typ.is_some_and(|typ| {
        typ.eq_ignore_ascii_case("at+jwt") || typ.eq_ignore_ascii_case("application/at+jwt")
    });
    if !is_access_token_type {
        warnings.push(format!(
            "For information: the header's typ is {}, not at+jwt. RFC 9068 asks issuers to mark access tokens with typ at+jwt so that an ID token cannot pass for one (RFC 8725 section 3.11); many providers do not do it yet.",
            typ.map_or_else(|| "missing".to_owned(), |typ| format!("\"{typ}\""))
        ));
    }
    for parameter in ["jku", "x5u"] {
        if let Some(url) = header.get(parameter) {
            warnings.push(format!(
                "The header has {parameter} ({}): never fetch keys from a URL named in the token, or an attacker will point it at their own key; the API uses only the keys it knows for the issuer (RFC 8725 section 3.10).",
                plain(url)
            ));
        }
    }
    for parameter in ["jwk", "x5c"] {
        if header.contains_key(parameter) {
            warnings.push(format!(
                "The header carries its own key ({parameter}): the playground ignored it, as an API must; a token that brings the key to check it with proves nothing, since anyone can sign with their own key (RFC 7515 section 4.1)."
            ));
        }
    }
    if let Some(cty) = header.get("cty") {
        warnings.push(format!(
            "The header has cty {}: a nested token, whose payload would be another JWT. Access tokens are not nested; an API checks only the outer token here and should refuse nesting it does not expect (RFC 7519 section 5.2, RFC 8725 section 3.2).",
            plain(cty)
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn header(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("a test header is an object"),
        }
    }

    #[test]
    fn crit_rejects_every_form() {
        let cases = [
            (json!({"alg": "RS256", "crit": []}), "non-empty list"),
            (json!({"alg": "RS256", "crit": "b64"}), "non-empty list"),
            (json!({"alg": "RS256", "crit": [1]}), "non-empty list"),
            (
                json!({"alg": "RS256", "crit": ["alg"]}),
                "\"alg\", a parameter JWS itself defines",
            ),
            (
                json!({"alg": "RS256", "crit": ["b64"]}),
                "\"b64\", which the header does not contain",
            ),
            (
                json!({"alg": "RS256", "crit": ["b64", "exp-check"], "b64": false, "exp-check": 1}),
                "understand \"b64\", \"exp-check\"",
            ),
        ];
        for (value, phrase) in cases {
            let problem = header_problem(&header(value.clone())).unwrap_or_default();
            assert!(problem.contains(phrase), "{value}: {problem}");
            assert!(problem.contains("RFC 7515 section 4.1.11"), "{problem}");
        }
    }

    #[test]
    fn typ_of_another_kind_of_token_is_rejected_and_access_token_types_pass() {
        for typ in [
            "dpop+jwt",
            "client-authentication+jwt",
            "application/secevent+jwt",
            "Logout+JWT",
        ] {
            let problem = header_problem(&header(json!({"alg": "RS256", "typ": typ})));
            assert!(
                problem
                    .as_deref()
                    .is_some_and(|p| p.contains("RFC 8725 section 3.11")),
                "{typ}: {problem:?}"
            );
        }
        for typ in ["at+jwt", "application/at+JWT", "JWT", "jwt"] {
            assert_eq!(
                header_problem(&header(json!({"alg": "RS256", "typ": typ}))),
                None,
                "{typ}"
            );
        }
        assert_eq!(header_problem(&header(json!({"alg": "RS256"}))), None);
    }

    #[test]
    fn carried_keys_and_nesting_are_warned_about() {
        let mut warnings = Vec::new();
        header_warnings(
            &header(
                json!({"alg": "RS256", "typ": "at+jwt", "jwk": {"kty": "RSA"}, "x5c": ["MII"], "cty": "JWT"}),
            ),
            &mut warnings,
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        assert!(warnings[0].contains("(jwk)"));
        assert!(warnings[1].contains("(x5c)"));
        assert!(warnings[2].contains("nested token"));

        let mut warnings = Vec::new();
        header_warnings(
            &header(json!({"alg": "RS256", "typ": "at+jwt"})),
            &mut warnings,
        );
        assert!(warnings.is_empty(), "{warnings:#?}");
    }
}
