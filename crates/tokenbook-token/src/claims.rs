//! Explanations of every claim and header parameter of a decoded token: what
//! it means in plain words, which standard or provider defines it, and what
//! it says about this particular token. Times get a calendar date and a
//! relative phrase ("expires in 59 min").

use serde_json::Value;

use crate::decode::Decoded;
use crate::invisible::{code_points, has_invisible, is_invisible, reveal};
use crate::meaning::{Meaning, RFC_7515, RFC_7519, TimeInfo};
use crate::member_names::RepeatedName;
use crate::payload::{claims_of, compact, numeric_date};
use crate::time::{iso_8601, relative_to};
use crate::{header_meanings, meanings};

/// One claim (or header parameter) explained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimExplanation {
    /// The claim's name as it appears in the token.
    pub name: String,
    /// The claim's value as compact JSON.
    pub value: String,
    /// What the claim means, and what it says about this token.
    pub meaning: String,
    /// Where it is defined: "RFC 7519", "RFC 9068", "RFC 8693", "RFC 7800",
    /// "RFC 7515", "OpenID Connect", "Auth0", "Microsoft Entra ID", "Okta",
    /// "Keycloak" or "not a standard claim".
    pub source: String,
    /// For NumericDate claims (`exp`, `nbf`, `iat`, `auth_time`).
    pub time: Option<TimeInfo>,
}

/// Explains every payload claim, in the order the token lists them. A
/// claim the token names more than once gets a row for each value, and
/// names or values with invisible characters show them as escapes.
/// `now` is the current time in Unix seconds.
pub fn explain(decoded: &Decoded, now: i64) -> Vec<ClaimExplanation> {
    let claims = claims_of(&decoded.payload);
    let repeated = Repeats {
        names: &decoded.repeated_claims,
        what: "claim",
        source: RFC_7519,
    };
    claims
        .iter()
        .flat_map(|(name, value)| {
            let time = time_info(name, value, now);
            let meaning = meanings::payload_meaning(name, value, claims, time.as_ref());
            repeated.rows(name, value, meaning, time)
        })
        .collect()
}

/// Explains every header parameter, in the order the token lists them,
/// with the same care for repeated names and invisible characters.
pub fn explain_header(decoded: &Decoded) -> Vec<ClaimExplanation> {
    let repeated = Repeats {
        names: &decoded.repeated_header,
        what: "header parameter",
        source: RFC_7515,
    };
    claims_of(&decoded.header)
        .iter()
        .flat_map(|(name, value)| {
            let meaning = header_meanings::header_meaning(name, value);
            repeated.rows(name, value, meaning, None)
        })
        .collect()
}

/// The names one part of the token repeats, and the rule that forbids it.
struct Repeats<'a> {
    names: &'a [RepeatedName],
    what: &'static str,
    source: &'static str,
}

impl Repeats<'_> {
    /// The rows for one member: one per earlier value of a repeated name,
    /// then the value the playground uses, explained.
    fn rows(
        &self,
        name: &str,
        value: &Value,
        meaning: Meaning,
        time: Option<TimeInfo>,
    ) -> Vec<ClaimExplanation> {
        let shown_name = reveal(name);
        let mut rows = Vec::new();
        let mut caution = invisible_caution(name, value);
        if let Some(repeated) = self.names.iter().find(|repeated| repeated.name == name) {
            let earlier = &repeated.values[..repeated.values.len().saturating_sub(1)];
            rows.extend(earlier.iter().map(|earlier| ClaimExplanation {
                name: shown_name.clone(),
                value: compact(earlier),
                meaning: format!(
                    "Ignored here: the token names {shown_name} again further on, and this playground, like most JSON parsers, uses the last value. A parser that keeps the first would use this one. An API must reject a token that repeats a {} name ({}).",
                    self.what,
                    self.section()
                ),
                source: self.source.to_owned(),
                time: None,
            }));
            let first = repeated.values.first().map(compact).unwrap_or_default();
            caution.push_str(&format!(
                "Repeated: this token names {shown_name} {} times. This playground uses the last value; a parser that keeps the first reads {first} instead. When two services read one token differently, a check passed by one can mean something else to the other, so an API must reject a token whose {} names are not unique ({}). ",
                repeated.values.len(),
                self.what,
                self.section()
            ));
        }
        rows.push(ClaimExplanation {
            name: shown_name,
            value: compact(value),
            meaning: caution + &reveal(&meaning.text),
            source: meaning.source.to_owned(),
            time,
        });
        rows
    }

    fn section(&self) -> &'static str {
        if self.source == RFC_7515 {
            "RFC 7515 section 4"
        } else {
            "RFC 7519 section 4"
        }
    }
}

/// A warning that opens a meaning whose name or value hides characters.
fn invisible_caution(name: &str, value: &Value) -> String {
    let mut caution = String::new();
    if has_invisible(name) {
        let looks_like: String = name.chars().filter(|c| !is_invisible(*c)).collect();
        caution.push_str(&format!(
            "Careful: this name contains invisible characters ({}), shown here as escapes. It looks like {looks_like} but is a different name, one an API looking for {looks_like} does not read. ",
            code_points(name)
        ));
    }
    let value_text = value.to_string();
    if has_invisible(&value_text) {
        caution.push_str(&format!(
            "Careful: the value contains invisible characters ({}), shown here as escapes; it is not equal to the text it looks like. ",
            code_points(&value_text)
        ));
    }
    caution
}

/// The claims whose value is a NumericDate.
const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

fn time_info(name: &str, value: &Value, now: i64) -> Option<TimeInfo> {
    if !TIME_CLAIMS.contains(&name) {
        return None;
    }
    let unix = numeric_date(value)?;
    let relative = relative_to(unix, now);
    let summary = time_summary(name, unix, now, &relative);
    Some(TimeInfo {
        unix,
        iso: iso_8601(unix),
        relative,
        summary,
    })
}

/// "expires in 59 min", "expired 3 days ago", "valid in 5 min"…
pub(crate) fn time_summary(name: &str, unix: i64, now: i64, relative: &str) -> String {
    let future = unix > now;
    match (name, future) {
        ("exp", true) => format!("expires {relative}"),
        ("exp", false) => format!("expired {relative}"),
        ("nbf", true) => format!("valid {relative}"),
        ("nbf", false) => format!("became valid {relative}"),
        ("iat", true) => format!("issued {relative}, which is in the future: a clock is wrong"),
        ("iat", false) => format!("issued {relative}"),
        ("auth_time", true) => {
            format!("user signs in {relative}, which is in the future: a clock is wrong")
        }
        ("auth_time", false) => format!("user signed in {relative}"),
        _ => relative.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::decode::decode;

    const NOW: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z

    fn decoded(header: Value, payload: Value) -> Decoded {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        decode(&format!("{}.{}.c2ln", encode(&header), encode(&payload))).expect("decodes")
    }

    fn explained(payload: Value) -> Vec<ClaimExplanation> {
        explain(&decoded(json!({"alg": "RS256"}), payload), NOW)
    }

    fn find<'a>(explanations: &'a [ClaimExplanation], name: &str) -> &'a ClaimExplanation {
        explanations
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    /// RFC 7519 section 4: a repeated claim gets a row per value, so the
    /// reader sees what a first-wins parser would read.
    #[test]
    fn repeated_claims_show_every_value() {
        let payload = r#"{"sub":"a","scope":"ledger:read","exp":1,"scope":"ledger:admin"}"#;
        let token = format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let rows = explain(&decode(&token).expect("decodes"), NOW);
        let shown: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("sub", "\"a\""),
                ("scope", "\"ledger:read\""),
                ("scope", "\"ledger:admin\""),
                ("exp", "1")
            ]
        );
        assert!(
            rows[1].meaning.starts_with("Ignored here"),
            "{}",
            rows[1].meaning
        );
        assert!(
            rows[2]
                .meaning
                .starts_with("Repeated: this token names scope 2 times"),
            "{}",
            rows[2].meaning
        );
        assert!(
            rows[2].meaning.contains("reads \"ledger:read\" instead"),
            "{}",
            rows[2].meaning
        );
    }

    #[test]
    fn invisible_characters_in_names_and_values_are_revealed() {
        let rows =
            explained(json!({"s\u{200B}cope": "ledger:read", "sub": "billing\u{202E}ecivres"}));
        assert_eq!(rows[0].name, "s\\u200Bcope");
        assert!(
            rows[0]
                .meaning
                .starts_with("Careful: this name contains invisible characters (U+200B)"),
            "{}",
            rows[0].meaning
        );
        assert!(
            rows[0].meaning.contains("looks like scope"),
            "{}",
            rows[0].meaning
        );
        assert_eq!(rows[1].value, "\"billing\\u202Eecivres\"");
        assert!(
            rows[1]
                .meaning
                .starts_with("Careful: the value contains invisible characters (U+202E)"),
            "{}",
            rows[1].meaning
        );
        let decoded = decoded(json!({"alg": "RS256"}), json!({"s\u{200B}cope": 1}));
        assert!(
            decoded.payload_pretty.contains("s\\u200Bcope"),
            "{}",
            decoded.payload_pretty
        );
    }

    #[test]
    fn claims_keep_token_order() {
        let names: Vec<String> =
            explained(json!({"sub": "a", "iss": "b", "aud": "c", "exp": NOW, "zz": 1, "aa": 2}))
                .into_iter()
                .map(|e| e.name)
                .collect();
        assert_eq!(names, ["sub", "iss", "aud", "exp", "zz", "aa"]);
    }

    #[test]
    fn times_get_dates_and_exact_relative_words() {
        let cases = [
            ("exp", NOW + 3540, "in 59 min", "expires in 59 min"),
            ("exp", NOW - 3 * 86_400, "3 days ago", "expired 3 days ago"),
            ("exp", NOW, "just now", "expired just now"),
            ("nbf", NOW + 300, "in 5 min", "valid in 5 min"),
            ("nbf", NOW - 120, "2 min ago", "became valid 2 min ago"),
            ("iat", NOW - 3600, "1 hour ago", "issued 1 hour ago"),
            ("iat", NOW - 1, "1 sec ago", "issued 1 sec ago"),
            (
                "iat",
                NOW + 600,
                "in 10 min",
                "issued in 10 min, which is in the future: a clock is wrong",
            ),
            (
                "auth_time",
                NOW - 7200,
                "2 hours ago",
                "user signed in 2 hours ago",
            ),
        ];
        for (claim, unix, relative, summary) in cases {
            let explanations = explained(json!({ claim: unix }));
            let time = find(&explanations, claim).time.clone().expect("has time");
            assert_eq!(time.unix, unix);
            assert_eq!(time.relative, relative, "{claim} {unix}");
            assert_eq!(time.summary, summary, "{claim} {unix}");
            assert!(
                find(&explanations, claim).meaning.contains(summary),
                "{claim}"
            );
        }
        let explanations = explained(json!({"exp": NOW + 3540}));
        let exp = find(&explanations, "exp");
        assert_eq!(
            exp.time.as_ref().map(|t| t.iso.as_str()),
            Some("2026-11-26T10:59:00Z")
        );
        assert_eq!(exp.value, "1795690740");
        assert_eq!(exp.source, "RFC 7519");
    }

    #[test]
    fn non_numeric_times_have_no_time_and_say_why() {
        let explanations = explained(json!({"exp": "tomorrow", "sub": NOW}));
        let exp = find(&explanations, "exp");
        assert_eq!(exp.time, None);
        assert!(exp.meaning.contains("not a number"), "{}", exp.meaning);
        assert_eq!(
            find(&explanations, "sub").time,
            None,
            "only time claims get a time"
        );
    }

    #[test]
    fn sources_of_claims() {
        let explanations = explained(json!({
            "iss": "https://auth.example.com/", "sub": "billing-service", "aud": "x",
            "jti": "1", "scope": "a b", "client_id": "billing-service", "azp": "x",
            "roles": ["r"], "gty": "client-credentials", "idtyp": "app", "appid": "x",
            "cid": "x", "tid": "t", "oid": "o", "email": "ada@example.com",
            "auth_time": NOW, "act": {"sub": "svc"}, "may_act": {"sub": "svc"},
            "cnf": {"jkt": "abc"}, "custom_thing": true
        }));
        let cases = [
            ("iss", "RFC 7519"),
            ("jti", "RFC 7519"),
            ("scope", "RFC 9068"),
            ("client_id", "RFC 9068"),
            ("azp", "OpenID Connect"),
            ("roles", "RFC 9068"),
            ("gty", "Auth0"),
            ("idtyp", "Microsoft Entra ID"),
            ("appid", "Microsoft Entra ID"),
            ("cid", "Okta"),
            ("tid", "Microsoft Entra ID"),
            ("oid", "Microsoft Entra ID"),
            ("email", "OpenID Connect"),
            ("auth_time", "OpenID Connect"),
            ("act", "RFC 8693"),
            ("may_act", "RFC 8693"),
            ("cnf", "RFC 7800"),
            ("custom_thing", "not a standard claim"),
        ];
        for (name, source) in cases {
            assert_eq!(find(&explanations, name).source, source, "{name}");
        }
    }

    #[test]
    fn meanings_speak_about_this_token() {
        let app = explained(json!({
            "sub": "billing-service", "client_id": "billing-service",
            "scope": "ledger:read ledger:write", "gty": "client-credentials",
            "cnf": {"x5t#S256": "abc"}
        }));
        let cases = [
            ("sub", "the subject is the client itself"),
            ("client_id", "It equals `sub`"),
            ("scope", "ledger:read, ledger:write (2 scopes)"),
            ("gty", "no user was involved"),
            ("cnf", "mutual TLS"),
        ];
        for (name, phrase) in cases {
            let meaning = &find(&app, name).meaning;
            assert!(meaning.contains(phrase), "{name}: {meaning}");
        }

        let user = explained(json!({
            "sub": "user-8d2f41", "client_id": "expense-dashboard", "name": "Ada Example",
            "cnf": {"jkt": "abc"}, "preferred_username": "ada"
        }));
        let cases = [
            (
                "sub",
                "differs from the client (`client_id` expense-dashboard)",
            ),
            ("client_id", "acts on their behalf"),
            ("name", "Ada Example"),
            ("cnf", "DPoP"),
            ("preferred_username", "never use it to identify"),
        ];
        for (name, phrase) in cases {
            let meaning = &find(&user, name).meaning;
            assert!(meaning.contains(phrase), "{name}: {meaning}");
        }

        let keycloak = explained(json!({"preferred_username": "service-account-billing-service"}));
        let meaning = &find(&keycloak, "preferred_username").meaning;
        assert!(
            meaning.contains("the client billing-service itself"),
            "{meaning}"
        );

        let okta = explained(json!({"cid": "0oa1", "scp": ["ledger:read"]}));
        assert_eq!(find(&okta, "scp").source, "Okta");
        let entra = explained(json!({"tid": "t", "scp": "Ledger.Read"}));
        assert_eq!(find(&entra, "scp").source, "Microsoft Entra ID");
        assert!(find(&entra, "scp").meaning.contains("on their behalf"));
    }

    #[test]
    fn every_named_claim_has_a_known_meaning() {
        let names = [
            "iss",
            "sub",
            "aud",
            "exp",
            "nbf",
            "iat",
            "jti",
            "scope",
            "scp",
            "client_id",
            "azp",
            "roles",
            "gty",
            "idtyp",
            "appid",
            "cid",
            "tid",
            "oid",
            "email",
            "email_verified",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "auth_time",
            "acr",
            "amr",
            "nonce",
            "sid",
            "act",
            "cnf",
            "may_act",
        ];
        let mut payload = serde_json::Map::new();
        for name in names {
            payload.insert(name.to_owned(), json!("x"));
        }
        for explanation in explained(Value::Object(payload)) {
            assert_ne!(
                explanation.source, "not a standard claim",
                "{}",
                explanation.name
            );
            assert!(
                explanation.meaning.ends_with('.'),
                "{}",
                explanation.meaning
            );
            assert!(explanation.meaning.len() > 40, "{}", explanation.meaning);
        }
    }

    #[test]
    fn header_parameters_are_explained() {
        let full = decoded(
            json!({"alg": "RS256", "typ": "at+jwt", "kid": "FAKE-course-key-1",
                   "jku": "https://evil.example/jwks", "x5u": "https://evil.example/c", "cty": "JWT"}),
            json!({}),
        );
        let explanations = explain_header(&full);
        let names: Vec<&str> = explanations.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["alg", "typ", "kid", "jku", "x5u", "cty"]);
        let cases = [
            ("alg", "RSA signature with SHA-256", "RFC 7515"),
            ("typ", "OAuth 2.0 access token", "RFC 9068"),
            ("kid", "FAKE-course-key-1", "RFC 7515"),
            ("jku", "never fetch keys from a URL", "RFC 7515"),
            ("x5u", "never fetch", "RFC 7515"),
            ("cty", "nested", "RFC 7519"),
        ];
        for (name, phrase, source) in cases {
            let explanation = find(&explanations, name);
            assert!(
                explanation.meaning.contains(phrase),
                "{name}: {}",
                explanation.meaning
            );
            assert_eq!(explanation.source, source, "{name}");
        }
        let plain_jwt = decoded(json!({"alg": "HS256", "typ": "JWT"}), json!({}));
        let explanations = explain_header(&plain_jwt);
        assert!(find(&explanations, "typ").meaning.contains("at+jwt"));
        assert!(find(&explanations, "alg").meaning.contains("shared secret"));
        let none = decoded(json!({"alg": "none"}), json!({}));
        assert!(
            find(&explain_header(&none), "alg")
                .meaning
                .contains("must always reject")
        );
    }
}
