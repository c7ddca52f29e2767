//! Names a JSON object gives more than once. JSON parsers disagree on
//! `{"scope":"ledger:read","scope":"ledger:admin"}`: most keep the last
//! member, some the first, some refuse. RFC 7519 section 4 (claims) and
//! RFC 7515 section 4 (header parameters) require unique names, so the
//! playground finds every repeated name and shows each of its values.

use serde::de::{Deserializer as _, MapAccess, Visitor};
use serde_json::Value;

/// A name the object gives more than once, with every value in order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RepeatedName {
    /// The member's name.
    pub name: String,
    /// Its values, first to last; the last is the one the playground uses.
    pub values: Vec<Value>,
}

/// The repeated names of the JSON object `text`, in the order each first
/// appears; empty when `text` is not an object or repeats nothing.
pub(crate) fn repeated_names(text: &str) -> Vec<RepeatedName> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let Ok(members) = deserializer.deserialize_map(Members) else {
        return Vec::new();
    };
    let mut repeated: Vec<RepeatedName> = Vec::new();
    for (index, (name, _)) in members.iter().enumerate() {
        let first = members.iter().position(|(other, _)| other == name) == Some(index);
        let count = members.iter().filter(|(other, _)| other == name).count();
        if first && count > 1 {
            repeated.push(RepeatedName {
                name: name.clone(),
                values: members
                    .iter()
                    .filter(|(other, _)| other == name)
                    .map(|(_, value)| value.clone())
                    .collect(),
            });
        }
    }
    repeated
}

/// Reads an object's members as a list, duplicates included.
struct Members;

impl<'de> Visitor<'de> for Members {
    type Value = Vec<(String, Value)>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Value>()? {
            members.push(member);
        }
        Ok(members)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_value_of_a_repeated_name_in_order() {
        let text = r#"{"scope":"ledger:read","sub":"a","scope":"ledger:admin","sub":"b","scope":3,"exp":1}"#;
        assert_eq!(
            repeated_names(text),
            [
                RepeatedName {
                    name: "scope".into(),
                    values: vec![json!("ledger:read"), json!("ledger:admin"), json!(3)],
                },
                RepeatedName {
                    name: "sub".into(),
                    values: vec![json!("a"), json!("b")],
                },
            ]
        );
    }

    #[test]
    fn nothing_repeated_or_not_an_object() {
        assert!(
            repeated_names(r#"{"a":1,"b":{"a":2,"a":3}}"#).is_empty(),
            "only top-level names count"
        );
        assert!(repeated_names("[1,1]").is_empty());
        assert!(repeated_names("{").is_empty());
    }
}
