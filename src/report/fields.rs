//! `--json FIELDS`, as `gh` has it: which output holds a command's records, the fields a
//! record has, and the records cut down to the fields asked for (one array over several orgs,
//! each record with its `org`).

use serde_json::{Map, Value};

use crate::model::{OidcField, Operation};

/// Where a command's records are in its JSON document, and what each has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Records {
    /// The output that holds them; `None`: the document itself is the one record.
    pub key: Option<&'static str>,
    /// An array of records (else one object).
    pub many: bool,
    pub fields: &'static [&'static str],
}

/// A configuration, as GitHub reports it (the OIDC fields follow).
const CONFIGURATION: &[&str] = &[
    "name",
    "registry_type",
    "url",
    "auth_type",
    "username",
    "replaces_base",
    "visibility",
    "selected_repository_ids",
    "created_at",
    "updated_at",
];
const CHANGE: &[&str] = &[
    "action",
    "name",
    "registry_type",
    "url",
    "fields",
    "outcome",
    "error",
    "entry",
    "label",
];
const DRIFT: &[&str] = &[
    "state",
    "entry",
    "name",
    "registry_type",
    "url",
    "fields",
    "note",
];
const DISCOVERED: &[&str] = &[
    "registry_type",
    "url",
    "repositories",
    "secrets",
    "in_org",
    "conflicts",
];
const PUBLIC_KEY: &[&str] = &["key_id", "key"];
const EXPORT: &[&str] = &["result", "manifest", "overlay"];

/// The records of each command: a listing's configurations, a write's changes, a diff's
/// drift, what discover found; the key and an export are one record each.
pub fn records_of(operation: Operation) -> Records {
    let (key, many, fields) = match operation {
        Operation::List => (Some("registries"), true, CONFIGURATION),
        Operation::Get => (Some("registry"), false, CONFIGURATION),
        Operation::PublicKey => (None, false, PUBLIC_KEY),
        Operation::Create
        | Operation::Update
        | Operation::Set
        | Operation::Delete
        | Operation::Sync => (Some("changes"), true, CHANGE),
        Operation::Diff => (Some("drift"), true, DRIFT),
        Operation::Export => (None, false, EXPORT),
        Operation::Discover => (Some("discovered"), true, DISCOVERED),
    };
    Records { key, many, fields }
}

impl Records {
    fn has(&self, field: &str) -> bool {
        self.fields.contains(&field)
            || (self.fields == CONFIGURATION && OidcField::NAMES.contains(&field))
            || field == "org"
    }

    /// Every field, for the error that lists them.
    fn all(&self) -> Vec<&'static str> {
        let mut all = self.fields.to_vec();
        if self.fields == CONFIGURATION {
            all.extend(OidcField::NAMES);
        }
        all.push("org");
        all
    }

    /// The fields of `--json a,b,c`, each one the records have; the error lists those there
    /// are (`--json` alone is the whole document: `Ok(None)`).
    pub fn parse(&self, given: &str) -> Result<Option<Vec<String>>, String> {
        let given = given.trim();
        if given.is_empty() {
            return Ok(None);
        }
        let fields: Vec<String> = given
            .split(',')
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        let unknown: Vec<&String> = fields.iter().filter(|f| !self.has(f)).collect();
        if unknown.is_empty() && !fields.is_empty() {
            return Ok(Some(fields));
        }
        let named = unknown
            .iter()
            .map(|f| format!("{:?}", crate::model::shorten(f)))
            .collect::<Vec<_>>()
            .join(", ");
        let all = self.all();
        let near = unknown.iter().find_map(|f| {
            all.iter()
                .copied()
                .filter(|a| strsim::osa_distance(f, a) <= 2)
                .min_by_key(|a| strsim::osa_distance(f, a))
        });
        let hint = near
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        Err(format!(
            "unknown JSON field {named}{hint}; this command's fields are: {}",
            all.join(", ")
        ))
    }

    /// The document's records, each cut to `fields` (absent ones `null`): an array, or one
    /// object; over several orgs, one array of every org's records, each with its `org`.
    /// `org` names the one org of a single-org run (its document does not say it).
    pub fn select(&self, doc: &Value, fields: &[String], org: Option<&str>) -> Value {
        if let Some(Value::Object(orgs)) = doc.get("orgs") {
            let mut all = Vec::new();
            for (org, entry) in orgs {
                for record in self.of(entry) {
                    all.push(cut(record, fields, Some(org.as_str())));
                }
            }
            return Value::Array(all);
        }
        let cut_all: Vec<Value> = self
            .of(doc)
            .into_iter()
            .map(|r| cut(r, fields, org))
            .collect();
        match self.many {
            true => Value::Array(cut_all),
            false => cut_all.into_iter().next().unwrap_or(Value::Null),
        }
    }

    fn of<'a>(&self, doc: &'a Value) -> Vec<&'a Value> {
        match self.key {
            None => vec![doc],
            Some(key) => match doc.get(key) {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(one @ Value::Object(_)) => vec![one],
                _ => Vec::new(),
            },
        }
    }
}

fn cut(record: &Value, fields: &[String], org: Option<&str>) -> Value {
    let mut out = Map::new();
    for f in fields {
        let value = match (f.as_str(), org) {
            ("org", Some(org)) => Value::String(org.to_string()),
            _ => record.get(f).cloned().unwrap_or(Value::Null),
        };
        out.insert(f.clone(), value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_checked_and_unknown_ones_list_the_fields_there_are() {
        let list = records_of(Operation::List);
        assert_eq!(list.parse(""), Ok(None));
        assert_eq!(
            list.parse("name, url,aws_region"),
            Ok(Some(vec!["name".into(), "url".into(), "aws_region".into()]))
        );
        let err = list.parse("name,nmae,secret").unwrap_err();
        assert!(
            err.starts_with("unknown JSON field \"nmae\", \"secret\" (did you mean `name`?);"),
            "{err}"
        );
        assert!(err.contains("name, registry_type, url"), "{err}");
        assert!(records_of(Operation::Sync).parse("outcome").is_ok());
        let near = list.parse("nmae").unwrap_err();
        assert!(near.contains("(did you mean `name`?)"), "{near}");
        assert!(records_of(Operation::Sync).parse("visibility").is_err());
        assert!(list.parse(",").is_err());
    }

    #[test]
    fn records_are_cut_to_the_fields_asked_for() {
        let doc = json!({"result": "listed", "registries": [
            {"name": "A", "url": "https://a", "visibility": "all"},
            {"name": "B", "visibility": "private"}]});
        let fields = vec!["name".to_string(), "url".to_string()];
        assert_eq!(
            records_of(Operation::List).select(&doc, &fields, None),
            json!([{"name": "A", "url": "https://a"}, {"name": "B", "url": null}])
        );
        let get = json!({"registry": {"name": "A", "url": "https://a"}});
        assert_eq!(
            records_of(Operation::Get).select(&get, &fields, Some("acme")),
            json!({"name": "A", "url": "https://a"})
        );
        let key = json!({"key_id": "1", "key": "k", "result": "fetched"});
        assert_eq!(
            records_of(Operation::PublicKey).select(
                &key,
                &["key_id".to_string(), "org".to_string()],
                Some("acme")
            ),
            json!({"key_id": "1", "org": "acme"})
        );
    }

    #[test]
    fn several_orgs_are_one_array_and_each_record_names_its_org() {
        let doc = json!({"result": "listed", "orgs": {
            "acme": {"registries": [{"name": "A"}]},
            "beta": {"registries": [{"name": "B"}, {"name": "C"}]},
            "gone": {"result": "failed", "error": "x"}}});
        let fields = vec!["org".to_string(), "name".to_string()];
        assert_eq!(
            records_of(Operation::List).select(&doc, &fields, None),
            json!([{"org": "acme", "name": "A"}, {"org": "beta", "name": "B"},
                   {"org": "beta", "name": "C"}])
        );
    }
}
