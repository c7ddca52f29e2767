//! Property tests: whatever the input (random text, tokens made of random
//! base64url parts, random JSON, random keys), decoding, explaining,
//! classifying and validating return an answer and never panic.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;

use crate::{KeyInput, ValidationOptions, classify, decode, explain, explain_header, validate};

/// Random JSON text, mostly objects with claim-like names.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            f.to_string()
        } else {
            "1e400".to_owned()
        }),
        "[a-z@:. -]{0,12}".prop_map(|s| format!("\"{s}\"")),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((claim_name(), inner), 0..5).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(name, value)| format!("\"{name}\":{value}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    });
    prop::collection::vec((claim_name(), value), 0..10).prop_map(|members| {
        let members: Vec<String> = members
            .into_iter()
            .map(|(name, value)| format!("\"{name}\":{value}"))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

fn claim_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "alg",
            "typ",
            "kid",
            "jku",
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
            "cid",
            "roles",
            "gty",
            "idtyp",
            "email",
            "name",
            "preferred_username",
            "auth_time",
            "acr",
            "cnf",
            "act",
            "clientId",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn key_input() -> impl Strategy<Value = KeyInput> {
    prop_oneof![
        Just(KeyInput::None),
        ".{0,40}".prop_map(KeyInput::HmacSecret),
        ".{0,40}".prop_map(|body| KeyInput::RsaPublicPem(format!(
            "-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----"
        ))),
        "[A-Za-z0-9+/]{0,120}".prop_map(|body| KeyInput::RsaPublicPem(format!(
            "-----BEGIN RSA PUBLIC KEY-----\n{body}\n-----END RSA PUBLIC KEY-----"
        ))),
        json_text().prop_map(KeyInput::Jwk),
        json_text().prop_map(|jwk| KeyInput::Jwk(format!("{{\"keys\":[{jwk}]}}"))),
    ]
}

fn exercise(token: &str, key: KeyInput, now: i64) {
    if let Ok(decoded) = decode(token) {
        let _ = explain(&decoded, now);
        let _ = explain_header(&decoded);
        let _ = classify(&decoded);
    }
    let report = validate(
        token,
        &ValidationOptions {
            key,
            ..ValidationOptions::at(now)
        },
    );
    assert_eq!(report.checks.len(), crate::CHECK_NAMES.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text(text in ".{0,200}", now in any::<i64>()) {
        exercise(&text, KeyInput::None, now);
    }

    #[test]
    fn any_token_shape(parts in prop::collection::vec("[A-Za-z0-9_=-]{0,30}", 0..6)) {
        exercise(&parts.join("."), KeyInput::HmacSecret("k".into()), 0);
    }

    #[test]
    fn any_json_and_key(header in json_text(), payload in json_text(), key in key_input(), now in any::<i64>()) {
        // Every generated object starts with '{': give it an alg first.
        let members = header.get(1..).unwrap_or("}");
        let separator = if members == "}" { "" } else { "," };
        let header = URL_SAFE_NO_PAD.encode(format!("{{\"alg\":\"RS256\"{separator}{members}"));
        let token = format!("{header}.{}.c2lnbmF0dXJl", URL_SAFE_NO_PAD.encode(payload));
        exercise(&token, key, now);
    }
}
