//! The hostile-token table (`tests/hostile/tokens.json` at the top of the
//! repository): tokens an attacker or a confused developer pastes, each
//! with what the playground must say about it. Every row names one
//! expectation: a decode error, a failed format check, a named check's
//! detail, a warning, or a claim shown with its hidden characters revealed.

use serde_json::Value;
use tokenbook_token::{CheckStatus, ValidationOptions, decode, explain, validate};

const NOW: i64 = 1_795_687_200;

fn text<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

#[test]
fn every_hostile_token_gets_its_answer() {
    let table: Vec<Value> =
        serde_json::from_str(include_str!("../../../tests/hostile/tokens.json"))
            .expect("the table is JSON");
    assert!(table.len() >= 15, "the table shrank: {} rows", table.len());
    for case in &table {
        let name = text(case, "name").expect("every row has a name");
        let token = match case.get("repeat").and_then(Value::as_array) {
            Some(repeat) => repeat[0]
                .as_str()
                .unwrap_or_default()
                .repeat(usize::try_from(repeat[1].as_u64().unwrap_or(0)).unwrap_or(0)),
            None => text(case, "token").expect("a token or a repeat").to_owned(),
        };
        let report = validate(&token, &ValidationOptions::at(NOW));
        let mut checked = 0;
        if let Some(expected) = text(case, "decode") {
            let error = decode(&token).expect_err(name);
            assert!(
                error.message.contains(expected),
                "{name}: {}",
                error.message
            );
            checked += 1;
        }
        if let Some(expected) = text(case, "format") {
            let format = &report.checks[0];
            assert_eq!(
                format.status,
                CheckStatus::Failed,
                "{name}: {}",
                format.detail
            );
            assert!(
                format.detail.contains(expected),
                "{name}: {}",
                format.detail
            );
            assert!(!report.valid, "{name}");
            checked += 1;
        }
        if let Some(pair) = case.get("check").and_then(Value::as_array) {
            let (check, expected) = (
                pair[0].as_str().unwrap_or(""),
                pair[1].as_str().unwrap_or(""),
            );
            let found = report.checks.iter().find(|c| c.name == check).expect(check);
            assert_eq!(
                found.status,
                CheckStatus::Failed,
                "{name}: {}",
                found.detail
            );
            assert!(found.detail.contains(expected), "{name}: {}", found.detail);
            checked += 1;
        }
        if let Some(expected) = text(case, "warning") {
            assert!(
                report.warnings.iter().any(|w| w.contains(expected)),
                "{name}: {:#?}",
                report.warnings
            );
            checked += 1;
        }
        for (key, pick) in [("claim_name", 0), ("claim_value", 1)] {
            if let Some(expected) = text(case, key) {
                let rows = explain(&decode(&token).expect(name), NOW);
                let shown = rows
                    .iter()
                    .any(|row| [&row.name, &row.value][pick] == expected);
                assert!(shown, "{name}: {expected} not among {rows:#?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 1, "{name}: a row names exactly one expectation");
    }
}
