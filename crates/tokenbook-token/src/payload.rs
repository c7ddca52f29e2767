//! Reading individual claims out of a decoded payload: strings, NumericDate
//! times, scopes and the claims that name the client. Shared by the
//! explanations, the classification and the validation.

use crate::invisible::reveal;
use serde_json::{Map, Value};

/// The claims of a payload, or an empty map when it is not an object.
pub(crate) fn claims_of(payload: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    payload
        .as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// The claim `name` when it is a string.
pub(crate) fn string_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// A NumericDate (seconds since 1970, RFC 7519 section 2) as whole
/// seconds; fractions are rounded down. `None` for anything else.
pub(crate) fn numeric_date(value: &Value) -> Option<i64> {
    let number = value.as_number()?;
    if let Some(whole) = number.as_i64() {
        return Some(whole);
    }
    let float = number.as_f64()?;
    // i64::MAX as f64 rounds up to 2^63, which no i64 can hold.
    let in_range = float.is_finite() && float >= i64::MIN as f64 && float < i64::MAX as f64;
    in_range.then(|| float.floor() as i64)
}

/// The scopes in one claim value: a space-separated string or an array
/// of strings.
pub(crate) fn scope_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => text.split_whitespace().map(str::to_owned).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(str::split_whitespace)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Every scope granted by `scope` and `scp` together, in order.
pub(crate) fn granted_scopes(claims: &Map<String, Value>) -> Vec<String> {
    let mut scopes = Vec::new();
    for name in ["scope", "scp"] {
        for scope in claims.get(name).map(scope_list).unwrap_or_default() {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
    }
    scopes
}

/// Claims that carry the id of the OAuth client, by provider:
/// `client_id` (RFC 9068), `azp` (OpenID Connect, Entra ID v2, Keycloak),
/// `cid` (Okta), `appid` (Entra ID v1).
pub(crate) const CLIENT_CLAIMS: [&str; 4] = ["client_id", "azp", "cid", "appid"];

/// The first claim naming the client, with its value.
pub(crate) fn client_claim(claims: &Map<String, Value>) -> Option<(&'static str, &str)> {
    CLIENT_CLAIMS
        .iter()
        .find_map(|name| string_claim(claims, name).map(|value| (*name, value)))
}

/// The client claim whose value equals `sub`, if any.
pub(crate) fn client_claim_equal_to_subject(
    claims: &Map<String, Value>,
) -> Option<(&'static str, &str)> {
    let subject = string_claim(claims, "sub")?;
    CLIENT_CLAIMS
        .iter()
        .find_map(|name| (string_claim(claims, name) == Some(subject)).then_some((*name, subject)))
}

/// Claims that only a token issued for a signed-in person carries.
pub(crate) const USER_CLAIMS: [&str; 10] = [
    "email",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "auth_time",
    "amr",
    "acr",
    "sid",
    "nonce",
];

/// Keycloak names the user behind a client's service account
/// `service-account-<client id>`.
pub(crate) const KEYCLOAK_SERVICE_ACCOUNT_PREFIX: &str = "service-account-";

/// Google service accounts have e-mail addresses in this domain.
pub(crate) const GOOGLE_SERVICE_ACCOUNT_DOMAIN: &str = ".gserviceaccount.com";

/// Compact JSON of a value, as shown next to a claim's name.
pub(crate) fn compact(value: &Value) -> String {
    reveal(&serde_json::to_string(value).unwrap_or_default())
}

/// A claim value in words: a string without quotes, a list joined with
/// commas, anything else as compact JSON.
pub(crate) fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => reveal(text),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => compact(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numeric_dates() {
        let cases = [
            (json!(1_795_687_200), Some(1_795_687_200)),
            (json!(1_795_687_200.9), Some(1_795_687_200)),
            (json!(-1.5), Some(-2)),
            (json!(1e300), None),
            (json!(u64::MAX), None),
            (json!("1795687200"), None),
            (json!(null), None),
        ];
        for (value, expected) in cases {
            assert_eq!(numeric_date(&value), expected, "{value}");
        }
    }

    #[test]
    fn scopes_from_strings_and_arrays() {
        let claims = json!({"scope": "a b  c", "scp": ["c", "d e", 5]});
        assert_eq!(
            granted_scopes(claims_of(&claims)),
            ["a", "b", "c", "d", "e"]
        );
        assert!(granted_scopes(claims_of(&json!({"scope": 3}))).is_empty());
    }

    #[test]
    fn client_claims_in_priority_order() {
        let claims = json!({"sub": "x", "azp": "x", "client_id": "y"});
        assert_eq!(client_claim(claims_of(&claims)), Some(("client_id", "y")));
        assert_eq!(
            client_claim_equal_to_subject(claims_of(&claims)),
            Some(("azp", "x"))
        );
        assert_eq!(
            client_claim_equal_to_subject(claims_of(&json!({"azp": "x"}))),
            None
        );
    }

    #[test]
    fn plain_values() {
        assert_eq!(plain(&json!("a")), "a");
        assert_eq!(plain(&json!(["a", "b"])), "a, b");
        assert_eq!(plain(&json!({"jkt": "x"})), "{\"jkt\":\"x\"}");
    }
}
