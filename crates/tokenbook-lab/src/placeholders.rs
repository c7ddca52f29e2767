//! Placeholders in request text, filled by the lab before sending:
//! `{{access_token}}` (the last token issued), `{{private_key_jwt}}` and
//! `{{client_secret_jwt}}` (a fresh client assertion for
//! `billing-service`; `{{client_secret_jwt:report-job}}` names another
//! client), `{{k8s_token}}` (the simulated cluster's token for
//! billing-service's pod, addressed to `auth.example.com`;
//! `{{k8s_token:AUDIENCE}}` asks for another audience, lesson 10), and
//! `{{dpop_proof}}` (a DPoP proof signed with billing-service's FAKE
//! key for the request's method and URL, with `ath` when the request sends
//! a token under the DPoP scheme, lesson 11). Worked
//! solutions use them where a value depends on the lab's clock, so they
//! stay correct whenever they run.

/// The placeholder names, for messages.
pub const PLACEHOLDERS: [&str; 5] = [
    "access_token",
    "private_key_jwt",
    "client_secret_jwt",
    "k8s_token",
    "dpop_proof",
];

/// One placeholder found in a text: its byte range, name and argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placeholder<'a> {
    pub(crate) range: std::ops::Range<usize>,
    pub(crate) name: &'a str,
    pub(crate) argument: Option<&'a str>,
}

/// Every `{{…}}` in `text`, in order, or the offset of one left open.
pub(crate) fn find(text: &str) -> Result<Vec<Placeholder<'_>>, (usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{{").map(|i| i + from) {
        let Some(end) = text[start..].find("}}").map(|i| i + start) else {
            return Err((
                start,
                "a placeholder opened with {{ is never closed with }}".to_owned(),
            ));
        };
        let inner = text[start + 2..end].trim();
        let (name, argument) = match inner.split_once(':') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (inner, None),
        };
        if !PLACEHOLDERS.contains(&name) {
            return Err((
                start,
                format!(
                    "unknown placeholder {{{{{inner}}}}}; the lab fills {}",
                    PLACEHOLDERS.map(|p| format!("{{{{{p}}}}}")).join(", ")
                ),
            ));
        }
        found.push(Placeholder {
            range: start..end + 2,
            name,
            argument,
        });
        from = end + 2;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_with_their_arguments() {
        let text = "Bearer {{access_token}} and {{ client_secret_jwt : report-job }}";
        let found = find(text).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].range.clone()], "{{access_token}}");
        assert_eq!(found[1].name, "client_secret_jwt");
        assert_eq!(found[1].argument, Some("report-job"));
        assert!(
            find("{{nope}}")
                .unwrap_err()
                .1
                .contains("unknown placeholder")
        );
        assert_eq!(find("x {{access_token").unwrap_err().0, 2);
        assert!(find("no placeholders").unwrap().is_empty());
    }
}
