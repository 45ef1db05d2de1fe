//! Reading GitHub's answers: success bodies into typed models, error bodies into [`ApiError`]
//! (`message`, `errors`, `documentation_url`), JSON or not.

use anyhow::{Result, anyhow};
use serde::Deserialize;
use serde_json::Value;

use super::transport::Response;
pub use super::transport::strip_query;
use crate::model::ApiError;
use crate::model::error::reason;
use crate::model::types::shorten;

/// A success body decoded as `T`: truncated or mistyped JSON is a clear error, never a panic.
pub fn decode<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    response: &Response,
) -> Result<T> {
    serde_json::from_str(&response.body).map_err(|e| {
        anyhow!(
            "{method} {} answered {} but the body is not the JSON the API describes ({e}; {} bytes)",
            strip_query(path),
            response.status,
            response.body.len()
        )
    })
}

/// `GET /x answered 502 Bad Gateway`, for retry notices.
pub fn status_line(method: &str, path: &str, status: u16) -> String {
    match reason(status) {
        Some(r) => format!("{method} {} answered {status} {r}", strip_query(path)),
        None => format!("{method} {} answered {status}", strip_query(path)),
    }
}

const HINT_401: &str =
    "the token was refused; check that it is valid, not expired, and passed as `token`";
const HINT_403: &str = "the token lacks permission: a classic PAT needs the admin:org scope; a GitHub App or fine-grained token needs the organization permission \"Organization private registries\" (read and write) and must be allowed by the org";

/// What a permission 403 lacked: "Resource not accessible by integration" (an App or its
/// installation token) or "… by personal access token" (a fine-grained token) names the
/// permission and the level the request needed.
fn hint_403(method: &str, path: &str, body: &str) -> String {
    let level = if method == "GET" { "read" } else { "write" };
    let permission = if path.starts_with("/repos/") || path.ends_with("/repos") {
        "\"Metadata\" (read)".to_string()
    } else {
        format!("\"Organization private registries\" ({level})")
    };
    if body.contains("not accessible by integration") {
        format!(
            "the token lacks the permission {permission} that {method} {} needs: a GitHub App needs it in the App's settings, accepted by the org it is installed on; the workflow's own GITHUB_TOKEN never has it; a classic PAT needs admin:org",
            strip_query(path)
        )
    } else if body.contains("not accessible by personal access token") {
        format!(
            "the fine-grained token lacks the organization permission {permission} that {method} {} needs, or the org does not allow fine-grained tokens",
            strip_query(path)
        )
    } else {
        HINT_403.to_string()
    }
}

/// Decodes GitHub's error body (`message`, `errors`, `documentation_url`), JSON or not.
pub fn api_error(
    method: &'static str,
    path: &str,
    response: &Response,
    hint_404: &str,
) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        message: Option<String>,
        documentation_url: Option<String>,
        #[serde(default)]
        errors: Vec<Value>,
    }
    let parsed: Option<Body> = serde_json::from_str(&response.body).ok();
    let (message, documentation_url, errors) = match parsed {
        Some(b) => (
            b.message,
            b.documentation_url,
            b.errors.iter().map(field_error).collect(),
        ),
        None => (Some(plain_message(&response.body)), None, Vec::new()),
    };
    let hint = match response.status {
        401 => Some(HINT_401.to_string()),
        403 => Some(hint_403(method, path, &response.body)),
        404 => Some(hint_404.to_string()),
        _ => None,
    };
    ApiError {
        method,
        path: strip_query(path).to_string(),
        status: response.status,
        message,
        documentation_url,
        errors,
        hint,
        scopes: response.scopes.clone(),
    }
}

/// A non-JSON error body, described without trusting it.
fn plain_message(body: &str) -> String {
    let text = body.trim();
    if text.is_empty() {
        "(empty body)".to_string()
    } else if text.starts_with('<') {
        "(an HTML page, not the API's JSON; a proxy or GitHub's front end answered)".to_string()
    } else {
        shorten(&text.replace(['\r', '\n'], " "))
    }
}

fn field_error(e: &Value) -> String {
    match e {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let get = |k: &str| o.get(k).and_then(Value::as_str);
            let mut s = get("field")
                .or(get("resource"))
                .unwrap_or("request")
                .to_string();
            if let Some(code) = get("code") {
                s.push_str(&format!(": {code}"));
            }
            if let Some(m) = get("message") {
                s.push_str(&format!(" ({m})"));
            }
            s
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::retry::RateHeaders;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            rate: RateHeaders::default(),
            body: body.to_string(),
            scopes: None,
            last_page: None,
            next_page: None,
        }
    }

    #[test]
    fn github_error_bodies_are_decoded() {
        let r = response(
            422,
            r#"{"message":"Validation Failed","errors":[{"resource":"PrivateRegistry","field":"url","code":"invalid","message":"is not a URL"}],"documentation_url":"https://docs.github.com/rest"}"#,
        );
        let e = api_error("POST", "/orgs/acme/private-registries", &r, "").to_string();
        assert_eq!(
            e,
            "POST /orgs/acme/private-registries answered 422 Unprocessable Entity: Validation Failed [url: invalid (is not a URL)] (see https://docs.github.com/rest)"
        );
    }

    #[test]
    fn html_and_empty_bodies_still_say_the_status() {
        let e = api_error(
            "GET",
            "/x?page=2",
            &response(502, "<html>Bad gateway</html>"),
            "",
        )
        .to_string();
        assert!(
            e.starts_with("GET /x answered 502 Bad Gateway: (an HTML page"),
            "{e}"
        );
        let e = api_error("GET", "/x", &response(500, ""), "").to_string();
        assert!(e.contains("500 Internal Server Error: (empty body)"), "{e}");
    }

    #[test]
    fn permission_failures_carry_hints() {
        let e = api_error(
            "GET",
            "/x",
            &response(
                403,
                r#"{"message":"Resource not accessible by integration"}"#,
            ),
            "",
        )
        .to_string();
        assert!(
            e.contains("the token lacks the permission \"Organization private registries\" (read) that GET /x needs: a GitHub App needs it"),
            "{e}"
        );
        let e = api_error(
            "PATCH",
            "/x",
            &response(
                403,
                r#"{"message":"Resource not accessible by personal access token"}"#,
            ),
            "",
        )
        .to_string();
        assert!(e.contains("fine-grained token lacks the organization permission \"Organization private registries\" (write)"), "{e}");
        let e = api_error(
            "GET",
            "/x",
            &response(403, r#"{"message":"Must have admin rights"}"#),
            "",
        )
        .to_string();
        assert!(
            e.contains("admin:org") && e.contains("Organization private registries"),
            "{e}"
        );
        let e = api_error(
            "GET",
            "/x",
            &response(404, r#"{"message":"Not Found"}"#),
            "no such name",
        )
        .to_string();
        assert!(e.ends_with("hint: no such name"), "{e}");
    }
}
