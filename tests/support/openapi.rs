//! A small, strict validator for the subset of OpenAPI 3.0 schema keywords that GitHub's
//! description (`tests/fixtures/github-openapi/private-registries.json`) uses.
//!
//! Supported keywords: `type` (`string`, `integer`, `number`, `boolean`, `object`, `array`;
//! `integer` rejects `1.0`), `nullable`, `enum`, `required`, `properties`,
//! `additionalProperties` (`true` or a schema), `items`, `pattern`, `format` (`uri`,
//! `date-time`, `int32`, `int64`) and `oneOf`. Annotations (`description`, `title`, `example`,
//! `examples`, `default`, `deprecated`, `readOnly`, `writeOnly`, `x-*`) are ignored.
//!
//! Strict: an object property the schema does not declare is a violation (GitHub's schemas
//! do not say `additionalProperties: false`, but a typo in a field name must fail a test), and
//! so is any schema keyword or format the validator does not implement, so nothing is
//! silently skipped.

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The copied OpenAPI description (see the README beside it for attribution).
pub const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/github-openapi/private-registries.json"
);

const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];
const KEYWORDS: &[&str] = &[
    "type",
    "nullable",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "pattern",
    "format",
    "oneOf",
];

/// The parsed OpenAPI description, loaded once per test binary.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH)
            .unwrap_or_else(|e| panic!("cannot read {SPEC_PATH}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {SPEC_PATH}: {e}"))
    })
}

/// The operation object `paths[path_template][method]` (method in any case).
/// Panics, listing what exists, when there is none.
pub fn operation(method: &str, path_template: &str) -> &'static Value {
    let paths = &spec()["paths"];
    let Some(item) = paths.get(path_template) else {
        let known: Vec<&String> = paths
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        panic!("OpenAPI: no path {path_template:?}; known paths: {known:?}");
    };
    let method = method.to_ascii_lowercase();
    item.get(&method).unwrap_or_else(|| {
        let known: Vec<&String> = item
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        panic!("OpenAPI: no {method} operation on {path_template}; known: {known:?}")
    })
}

/// `requestBody.content["application/json"].schema` of an operation (panics when absent).
pub fn request_schema(method: &str, path_template: &str) -> &'static Value {
    operation(method, path_template)
        .pointer("/requestBody/content/application~1json/schema")
        .unwrap_or_else(|| {
            panic!("OpenAPI: {method} {path_template} has no application/json request body")
        })
}

/// The JSON schema of the response `status` of an operation: `None` when that response has
/// no content (e.g. 204). Panics when the operation does not declare that status.
pub fn response_schema(method: &str, path_template: &str, status: u16) -> Option<&'static Value> {
    let op = operation(method, path_template);
    let Some(response) = op["responses"].get(status.to_string()) else {
        let known: Vec<&String> = op["responses"]
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        panic!("OpenAPI: {method} {path_template} declares no {status} response; known: {known:?}");
    };
    response.get("content")?;
    Some(
        response
            .pointer("/content/application~1json/schema")
            .unwrap_or_else(|| {
                panic!("OpenAPI: {method} {path_template} {status} has no application/json schema")
            }),
    )
}

/// Every violation of `schema` by `value`, each as `"$.json.path: reason"`. Empty = valid.
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(schema, value, "$", &mut out);
    out
}

/// Violations of the request body schema of `method path_template`.
pub fn request_body_violations(method: &str, path_template: &str, body: &Value) -> Vec<String> {
    validate(request_schema(method, path_template), body)
}

/// Panics, listing every violation (path + reason), unless `body` is a valid request body for
/// `method path_template` (e.g. `("POST", "/orgs/{org}/private-registries", &body)`).
#[track_caller]
pub fn assert_request_body(method: &str, path_template: &str, body: &Value) {
    let violations = request_body_violations(method, path_template, body);
    assert!(
        violations.is_empty(),
        "request body of {} {path_template} does not match GitHub's schema:\n  {}\nbody: {}",
        method.to_ascii_uppercase(),
        violations.join("\n  "),
        pretty(body)
    );
}

/// Violations of the response schema; a response without content must have a `null` body.
pub fn response_violations(
    method: &str,
    path_template: &str,
    status: u16,
    body: &Value,
) -> Vec<String> {
    match response_schema(method, path_template, status) {
        Some(schema) => validate(schema, body),
        None if body.is_null() => Vec::new(),
        None => vec![format!(
            "$: the {status} response has no content, got a body"
        )],
    }
}

/// Panics, listing every violation, unless `body` is what GitHub's description allows for
/// response `status` of `method path_template` (use `Value::Null` for responses without content).
#[track_caller]
pub fn assert_response_matches(method: &str, path_template: &str, status: u16, body: &Value) {
    let violations = response_violations(method, path_template, status, body);
    assert!(
        violations.is_empty(),
        "{status} response of {} {path_template} does not match GitHub's schema:\n  {}\nbody: {}",
        method.to_ascii_uppercase(),
        violations.join("\n  "),
        pretty(body)
    );
}

/// A smallest value valid against `schema`: required properties only, first enum value,
/// first `oneOf` branch, placeholder strings that satisfy `uri`/`date-time`.
/// Used to build large GitHub objects (e.g. repositories) that tests then adjust.
pub fn minimal_instance(schema: &Value) -> Value {
    if let Some(first) = schema.get("oneOf").and_then(|b| b.get(0)) {
        return minimal_instance(first);
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("uri") => Value::from("https://example.com/placeholder"),
            Some("date-time") => Value::from("2024-01-01T00:00:00Z"),
            _ => Value::from("placeholder"),
        },
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::from(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => {
            let mut obj = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().expect("required names are strings");
                obj.insert(
                    name.to_string(),
                    minimal_instance(&schema["properties"][name]),
                );
            }
            Value::Object(obj)
        }
        _ => Value::Null,
    }
}

/// `minimal_instance` of the response `status` of an operation.
pub fn minimal_response(method: &str, path_template: &str, status: u16) -> Value {
    response_schema(method, path_template, status)
        .map(minimal_instance)
        .unwrap_or(Value::Null)
}

pub(crate) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(schema_obj) = schema.as_object() else {
        out.push(format!(
            "{path}: schema is not an object: {}",
            short(schema)
        ));
        return;
    };
    for key in schema_obj.keys() {
        if !KEYWORDS.contains(&key.as_str())
            && !ANNOTATIONS.contains(&key.as_str())
            && !key.starts_with("x-")
        {
            out.push(format!(
                "{path}: schema keyword {key:?} is not supported by the test validator"
            ));
        }
    }

    if let Some(branches) = schema.get("oneOf") {
        let Some(branches) = branches.as_array() else {
            out.push(format!("{path}: oneOf is not an array"));
            return;
        };
        let results: Vec<Vec<String>> = branches.iter().map(|b| validate(b, value)).collect();
        let matching = results.iter().filter(|r| r.is_empty()).count();
        // `null` may satisfy several `nullable` branches at once (GitHub's `errors[].value`);
        // any other value must match exactly one branch.
        if matching == 0 {
            let reasons: Vec<String> = results
                .iter()
                .enumerate()
                .map(|(i, r)| format!("branch {i}: {}", r.join("; ")))
                .collect();
            out.push(format!(
                "{path}: matches no oneOf branch ({}) for {}",
                reasons.join(" | "),
                short(value)
            ));
            return;
        }
        if matching > 1 && !value.is_null() {
            out.push(format!(
                "{path}: matches {matching} oneOf branches, exactly one required: {}",
                short(value)
            ));
            return;
        }
    }

    if value.is_null() {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        let untyped = schema.get("type").is_none() && schema.get("enum").is_none();
        if !nullable && !untyped && schema.get("oneOf").is_none() {
            out.push(format!(
                "{path}: null is not allowed (schema is not nullable)"
            ));
        }
        return;
    }

    if let Some(ty) = schema.get("type") {
        let Some(ty) = ty.as_str() else {
            out.push(format!(
                "{path}: schema type {ty} is not a string (unsupported)"
            ));
            return;
        };
        let actual = type_name(value);
        let ok = match ty {
            "number" => actual == "number" || actual == "integer",
            "string" | "integer" | "boolean" | "object" | "array" => actual == ty,
            other => {
                out.push(format!("{path}: schema type {other:?} is not supported"));
                return;
            }
        };
        if !ok {
            out.push(format!(
                "{path}: expected {ty}, got {actual} {}",
                short(value)
            ));
            return;
        }
    }

    if let Some(allowed) = schema.get("enum") {
        let allowed = allowed.as_array().map(Vec::as_slice).unwrap_or_default();
        if !allowed.contains(value) {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            out.push(format!(
                "{path}: {} is not one of [{}]",
                short(value),
                list.join(", ")
            ));
        }
    }

    if let Some(pattern) = schema.get("pattern") {
        match (pattern.as_str(), value.as_str()) {
            (Some(pattern), Some(s)) => match compiled(pattern) {
                Ok(re) if re.is_match(s) => {}
                Ok(_) => out.push(format!(
                    "{path}: {} does not match pattern {pattern}",
                    short(value)
                )),
                Err(e) => out.push(format!(
                    "{path}: schema pattern {pattern:?} is invalid: {e}"
                )),
            },
            (None, _) => out.push(format!("{path}: schema pattern is not a string")),
            (Some(_), None) => {} // pattern applies to strings only
        }
    }

    if let Some(format) = schema.get("format") {
        check_format(format, value, path, out);
    }

    if let Value::Object(obj) = value {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or_default();
            if !obj.contains_key(name) {
                out.push(format!("{path}: missing required property {name:?}"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for (name, item) in obj {
            let item_path = format!("{path}.{name}");
            if let Some(sub) = properties.and_then(|p| p.get(name)) {
                check(sub, item, &item_path, out);
            } else {
                match additional {
                    Some(Value::Bool(true)) => {}
                    Some(sub @ Value::Object(_)) => check(sub, item, &item_path, out),
                    _ => {
                        let mut known: Vec<&String> =
                            properties.map(|p| p.keys().collect()).unwrap_or_default();
                        known.sort();
                        out.push(format!(
                            "{item_path}: unknown property {name:?} (the schema declares {known:?})"
                        ));
                    }
                }
            }
        }
    }

    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &format!("{path}[{i}]"), out);
        }
    }
}

fn check_format(format: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(format) = format.as_str() else {
        out.push(format!("{path}: schema format is not a string"));
        return;
    };
    match (format, value) {
        ("uri", Value::String(s)) => {
            if let Err(reason) = check_absolute_url(s) {
                out.push(format!(
                    "{path}: {} is not an absolute URL: {reason}",
                    short(value)
                ));
            }
        }
        ("date-time", Value::String(s)) => {
            if !is_rfc3339(s) {
                out.push(format!(
                    "{path}: {} is not an RFC 3339 date-time",
                    short(value)
                ));
            }
        }
        ("int64", Value::Number(n)) => {
            if !n.is_i64() {
                out.push(format!("{path}: {n} does not fit int64"));
            }
        }
        ("int32", Value::Number(n)) => {
            if n.as_i64().and_then(|v| i32::try_from(v).ok()).is_none() {
                out.push(format!("{path}: {n} does not fit int32"));
            }
        }
        ("uri" | "date-time" | "int64" | "int32", _) => {} // the type check reports mismatches
        (other, _) => out.push(format!(
            "{path}: schema format {other:?} is not supported by the test validator"
        )),
    }
}

/// `scheme://host[:port][/path][?query][#fragment]`, no whitespace or control characters.
pub fn check_absolute_url(s: &str) -> Result<(), String> {
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("contains {c:?}"));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err("no scheme:// prefix".into());
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(format!("invalid scheme {scheme:?}"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if host_port.starts_with('[') {
        match host_port.split_once(']') {
            Some((h, p)) => (&h[1..], p.strip_prefix(':')),
            None => return Err("unterminated IPv6 host".into()),
        }
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("no host".into());
    }
    if let Some(port) = port
        && !port.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!("invalid port {port:?}"));
    }
    Ok(())
}

fn is_rfc3339(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$",
        )
        .expect("date-time regex")
    })
    .is_match(s)
}

fn compiled(pattern: &str) -> Result<Regex, regex::Error> {
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(re) = cache.get(pattern) {
        return Ok(re.clone());
    }
    let re = Regex::new(pattern)?;
    cache.insert(pattern.to_string(), re.clone());
    Ok(re)
}

/// Every schema keyword or format anywhere in the description's request and response
/// schemas that this validator does not implement (empty = the validator covers the file).
pub fn unsupported_keywords() -> Vec<String> {
    fn walk(schema: &Value, path: &str, out: &mut Vec<String>) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        for (key, sub) in obj {
            if !KEYWORDS.contains(&key.as_str())
                && !ANNOTATIONS.contains(&key.as_str())
                && !key.starts_with("x-")
            {
                out.push(format!("{path}: keyword {key}"));
            }
            match key.as_str() {
                "properties" => {
                    for (name, prop) in sub.as_object().into_iter().flatten() {
                        walk(prop, &format!("{path}.{name}"), out);
                    }
                }
                "items" | "additionalProperties" => walk(sub, &format!("{path}[{key}]"), out),
                "oneOf" => {
                    for (i, branch) in sub.as_array().into_iter().flatten().enumerate() {
                        walk(branch, &format!("{path}(oneOf {i})"), out);
                    }
                }
                "format" => {
                    let f = sub.as_str().unwrap_or_default();
                    if !["uri", "date-time", "int32", "int64"].contains(&f) {
                        out.push(format!("{path}: format {f}"));
                    }
                }
                "type" => {
                    let t = sub.as_str().unwrap_or_default();
                    if !["string", "integer", "number", "boolean", "object", "array"].contains(&t) {
                        out.push(format!("{path}: type {sub}"));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (path, item) in spec()["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let label = format!("{method} {path}");
            if let Some(content) = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            {
                for (ct, media) in content {
                    walk(&media["schema"], &format!("{label} request {ct}"), &mut out);
                }
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                for (ct, media) in response["content"].as_object().into_iter().flatten() {
                    walk(
                        &media["schema"],
                        &format!("{label} {status} {ct}"),
                        &mut out,
                    );
                }
            }
        }
    }
    out
}
