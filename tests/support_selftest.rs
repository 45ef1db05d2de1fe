//! Tests of the shared test kit (`tests/support/`) itself: the schema validator, key sealing,
//! the output-file parser, the runner (on `/bin/sh`) and the GitHub mocks (with a real HTTP
//! client).

use crate::support;

use serde_json::{Value, json};
use support::gh;
use support::openapi::{
    self, assert_request_body, assert_response_matches, request_body_violations,
};
use support::{Action, Keys, config, file_commands, with};

const LIST: &str = "/orgs/{org}/private-registries";
const ONE: &str = "/orgs/{org}/private-registries/{secret_name}";

fn valid_create_body() -> Value {
    json!({
        "registry_type": "maven_repository",
        "url": "https://maven.pkg.github.com/acme/",
        "username": "monalisa",
        "replaces_base": true,
        "encrypted_value": "c2VjcmV0",
        "key_id": "012345678912345678",
        "visibility": "selected",
        "selected_repository_ids": [1296269, 1296280],
        "auth_type": "username_password"
    })
}

fn violations_of(body: Value) -> Vec<String> {
    request_body_violations("POST", LIST, &body)
}

#[track_caller]
fn assert_one_violation(body: Value, words: &[&str]) {
    let v = violations_of(body);
    assert_eq!(v.len(), 1, "expected one violation, got {v:#?}");
    for w in words {
        assert!(
            v[0].contains(w),
            "violation {:?} does not mention {w:?}",
            v[0]
        );
    }
}

// --- validator -----------------------------------------------------------------------------

#[test]
fn validator_covers_every_keyword_of_the_description() {
    let unsupported = openapi::unsupported_keywords();
    assert!(unsupported.is_empty(), "{unsupported:#?}");
}

#[test]
fn valid_bodies_pass() {
    assert_request_body("POST", LIST, &valid_create_body());
    assert_request_body(
        "post",
        LIST,
        &json!({"registry_type": "npm_registry", "url": "http://localhost:4873", "visibility": "all"}),
    );
    assert_request_body("PATCH", ONE, &json!({}));
    assert_request_body(
        "PATCH",
        ONE,
        &json!({"username": null, "visibility": "private"}),
    );
    // GitHub's own examples
    let examples = openapi::operation("POST", LIST)
        .pointer("/requestBody/content/application~1json/examples")
        .and_then(Value::as_object)
        .expect("examples");
    assert!(examples.len() >= 3);
    for (name, example) in examples {
        let v = request_body_violations("POST", LIST, &example["value"]);
        assert!(v.is_empty(), "example {name}: {v:#?}");
    }
}

#[test]
fn unknown_field_fails() {
    assert_one_violation(
        with(valid_create_body(), json!({"replace_base": true})),
        &["$.replace_base", "unknown property"],
    );
}

#[test]
fn wrong_enum_fails() {
    assert_one_violation(
        with(valid_create_body(), json!({"registry_type": "maven"})),
        &["$.registry_type", "maven_repository"],
    );
    assert_one_violation(
        with(valid_create_body(), json!({"auth_type": "oidc"})),
        &["$.auth_type"],
    );
    assert_one_violation(
        with(valid_create_body(), json!({"visibility": "internal"})),
        &["$.visibility"],
    );
}

#[test]
fn missing_required_fails() {
    let mut body = valid_create_body();
    body.as_object_mut().unwrap().remove("visibility");
    assert_one_violation(body, &["missing required property \"visibility\""]);
}

#[test]
fn bad_base64_fails() {
    for bad in ["c2VjcmV0=", "not base64!", "", "c2VjcmV0\n", "YWJj-_=="] {
        assert_one_violation(
            with(valid_create_body(), json!({"encrypted_value": bad})),
            &["$.encrypted_value", "pattern"],
        );
    }
    for good in ["YQ==", "YWI=", "YWJj", "c2VjcmV0"] {
        assert!(
            violations_of(with(valid_create_body(), json!({"encrypted_value": good}))).is_empty(),
            "{good}"
        );
    }
}

#[test]
fn wrong_types_fail() {
    assert_one_violation(
        with(valid_create_body(), json!({"replaces_base": "true"})),
        &["$.replaces_base", "expected boolean"],
    );
    assert_one_violation(
        with(
            valid_create_body(),
            json!({"selected_repository_ids": ["1"]}),
        ),
        &["$.selected_repository_ids[0]", "expected integer"],
    );
    assert_one_violation(
        with(
            valid_create_body(),
            json!({"selected_repository_ids": [1.0]}),
        ),
        &["expected integer, got number"],
    );
    assert_one_violation(
        with(valid_create_body(), json!({"selected_repository_ids": 1})),
        &["expected array"],
    );
    assert_one_violation(
        with(valid_create_body(), json!({"key_id": 12})),
        &["$.key_id", "expected string"],
    );
    let mut null_url = valid_create_body();
    null_url["url"] = Value::Null; // (`with` would remove the field)
    assert_one_violation(null_url, &["$.url", "null is not allowed"]);
    let v = request_body_violations("POST", LIST, &json!(["registry_type"]));
    assert_eq!(v, ["$: expected object, got array [\"registry_type\"]"]);
}

#[test]
fn url_must_be_absolute() {
    for bad in [
        "maven.pkg.github.com/acme",
        "/relative",
        "https://",
        "https:///path",
        "https://host:port/",
        "https://ho st/",
        "1http://host",
    ] {
        assert_one_violation(
            with(valid_create_body(), json!({"url": bad})),
            &["$.url", "absolute URL"],
        );
    }
    for good in [
        "https://host",
        "http://127.0.0.1:8080/x?y#z",
        "https://user@host/",
        "https://[::1]:443/",
    ] {
        assert!(
            violations_of(with(valid_create_body(), json!({"url": good}))).is_empty(),
            "{good}"
        );
    }
}

#[test]
fn every_violation_is_listed() {
    let v = violations_of(json!({"registry_type": "x", "urll": "https://a", "visibility": 1}));
    assert_eq!(v.len(), 4, "{v:#?}"); // enum, unknown urll, missing url, visibility type
}

#[test]
#[should_panic(expected = "$.replace_base: unknown property")]
fn assert_request_body_panics_with_the_path() {
    assert_request_body(
        "POST",
        LIST,
        &with(valid_create_body(), json!({"replace_base": true})),
    );
}

#[test]
#[should_panic(expected = "no path")]
fn unknown_path_template_panics() {
    assert_request_body(
        "POST",
        "/orgs/acme/private-registries",
        &valid_create_body(),
    );
}

#[test]
fn responses_validate() {
    let c = config(
        "MAVEN_REPOSITORY_SECRET",
        "maven_repository",
        "https://maven.example.com/",
    );
    assert_response_matches("GET", ONE, 200, &c);
    assert_response_matches(
        "GET",
        LIST,
        200,
        &json!({"total_count": 1, "configurations": [c.clone()]}),
    );
    assert_response_matches("DELETE", ONE, 204, &Value::Null);
    assert_response_matches(
        "GET",
        "/orgs/{org}/private-registries/public-key",
        200,
        &json!({"key_id": "1", "key": "x"}),
    );
    // GitHub's GET schema has no selected_repository_ids (only the POST 201 one has it).
    let selected = with(
        c.clone(),
        json!({"visibility": "selected", "selected_repository_ids": [1]}),
    );
    let v = openapi::response_violations("GET", ONE, 200, &selected);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_response_matches("POST", LIST, 201, &selected);
    let v = openapi::response_violations(
        "GET",
        ONE,
        200,
        &with(c, json!({"created_at": "yesterday"})),
    );
    assert!(v[0].contains("date-time"), "{v:#?}");
    // 422 with errors[].value oneOf
    assert_response_matches(
        "POST",
        LIST,
        422,
        &json!({"message": "Validation Failed", "documentation_url": "https://docs.github.com", "errors": [{"code": "invalid", "value": null}, {"code": "x", "value": 3}, {"code": "y", "value": ["a"]}]}),
    );
    let v = openapi::response_violations(
        "POST",
        LIST,
        422,
        &json!({"message": "m", "documentation_url": "d", "errors": [{"code": "x", "value": true}]}),
    );
    assert!(v.len() == 1 && v[0].contains("oneOf"), "{v:#?}");
}

#[test]
fn minimal_repository_responses_are_valid() {
    for (template, method) in [
        ("/repos/{owner}/{repo}", "GET"),
        ("/orgs/{org}/repos", "GET"),
    ] {
        let schema = openapi::response_schema(method, template, 200).unwrap();
        let schema = if schema["type"] == "array" {
            &schema["items"]
        } else {
            schema
        };
        let v = openapi::validate(schema, &openapi::minimal_instance(schema));
        assert!(v.is_empty(), "{template}: {v:#?}");
    }
}

// --- keys ----------------------------------------------------------------------------------

#[test]
fn seal_unseal_round_trip() {
    let keys = Keys::generate();
    assert_eq!(keys.key_id.len(), 18);
    use base64::Engine as _;
    let public = base64::engine::general_purpose::STANDARD
        .decode(&keys.key)
        .unwrap();
    assert_eq!(public.len(), 32);
    let public = crypto_box::PublicKey::from_slice(&public).unwrap();
    let sealed = public
        .seal(&mut crypto_box::aead::OsRng, "s3cr3t\nline two".as_bytes())
        .unwrap();
    let sealed_b64 = base64::engine::general_purpose::STANDARD.encode(sealed);
    assert_eq!(keys.unseal(&sealed_b64), "s3cr3t\nline two");
    assert_eq!(keys.unseal(&keys.seal("other")), "other");
    // what the binary sends must also pass the schema's base64 pattern
    assert_request_body(
        "PATCH",
        ONE,
        &json!({"encrypted_value": sealed_b64, "key_id": keys.key_id}),
    );
}

#[test]
#[should_panic(expected = "does not unseal")]
fn unseal_with_another_key_panics() {
    let sealed = Keys::generate().seal("x");
    Keys::generate().unseal(&sealed);
}

#[test]
#[should_panic(expected = "not standard base64")]
fn unseal_non_base64_panics() {
    Keys::generate().unseal("%%%");
}

// --- GITHUB_OUTPUT parser ------------------------------------------------------------------

#[test]
fn parses_plain_and_heredoc_outputs() {
    let delim = "ghadelimiter_5b1c7a2e";
    let content = format!(
        "result=created\nname=MAVEN_SECRET\nempty=\nwith_equals=a=b\n\nregistry<<{delim}\n{{\n  \"a\": 1\n}}\n{delim}\nchanges<<{delim}\r\n[]\r\n{delim}\r\nlast=1"
    );
    let out = file_commands::parse(&content);
    assert_eq!(out["result"], "created");
    assert_eq!(out["name"], "MAVEN_SECRET");
    assert_eq!(out["empty"], "");
    assert_eq!(out["with_equals"], "a=b");
    assert_eq!(out["registry"], "{\n  \"a\": 1\n}");
    assert_eq!(out["changes"], "[]");
    assert_eq!(out["last"], "1");
    assert_eq!(out.len(), 7);
    // a heredoc holding an empty value and one holding `=` and `<<`
    let out = file_commands::parse("a<<EOF\nEOF\nb<<X_1\nk=v<<y\nX_1\n");
    assert_eq!(out["a"], "");
    assert_eq!(out["b"], "k=v<<y");
    assert!(file_commands::parse("").is_empty());
}

#[test]
#[should_panic(expected = "neither key=value nor key<<DELIMITER")]
fn malformed_line_panics() {
    file_commands::parse("result=created\njust some text\n");
}

#[test]
#[should_panic(expected = "never closed")]
fn unclosed_heredoc_panics() {
    file_commands::parse("registry<<EOF\n{}\n");
}

#[test]
#[should_panic(expected = "written twice")]
fn duplicate_output_panics() {
    file_commands::parse("result=created\nresult=updated\n");
}

#[test]
#[should_panic(expected = "empty key")]
fn empty_key_panics() {
    file_commands::parse("=value\n");
}

#[test]
#[should_panic(expected = "empty delimiter")]
fn empty_delimiter_panics() {
    file_commands::parse("registry<<\n{}\n\n");
}

#[test]
#[should_panic(expected = "appears inside its value")]
fn delimiter_inside_value_panics() {
    file_commands::parse("registry<<EOF\nsome EOF text\nEOF\n");
}

// --- action.yml inputs ---------------------------------------------------------------------

#[test]
fn reads_declared_inputs() {
    let yml = "name: x\ninputs:\n  token:\n    description: t\n    required: true\n  org:\n    default: ${{ github.repository_owner }}\n  operation:\n    default: set\n  dry_run:\n    default: \"false\"\n  timeout:\n    default: '30'\noutputs:\n  result:\n    description: r\n";
    let inputs = support::parse_action_inputs(yml);
    let expected: Vec<(&str, &str)> = vec![
        ("dry_run", "false"),
        ("operation", "set"),
        ("org", ""),
        ("timeout", "30"),
        ("token", ""),
    ];
    assert_eq!(
        inputs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        expected
    );
    // the real action.yml, if present, declares token
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).exists() {
        assert!(support::declared_inputs().contains_key("token"));
    }
}

// --- runner --------------------------------------------------------------------------------

fn sh(script: &str) -> Action {
    Action::new("http://127.0.0.1:9")
        .program("/bin/sh")
        .arg("-c")
        .arg(script)
}

#[test]
fn runner_sets_environment_and_parses_outputs() {
    let script = r#"
        echo "::add-mask::hunter2"
        echo "org=$INPUT_ORG url=$INPUT_API_URL token=$INPUT_TOKEN op=[$INPUT_OPERATION] name=[$INPUT_NAME] bt=$RUST_BACKTRACE gha=$GITHUB_ACTIONS home=[${HOME-unset}] custom=$CUSTOM"
        echo "warning" >&2
        echo "result=created" >> "$GITHUB_OUTPUT"
        printf 'registry<<EOF_abc\n{"name": "X",\n "n": 1}\nEOF_abc\n' >> "$GITHUB_OUTPUT"
        echo "| a | b |" >> "$GITHUB_STEP_SUMMARY"
    "#;
    let out = sh(script)
        .input("name", "X")
        .input("Secret Name", "y")
        .env("CUSTOM", "c")
        .run();
    out.assert_success();
    assert!(
        out.stdout.contains(&format!(
            "org=acme url=http://127.0.0.1:9 token={} op=[{}] name=[X] bt=1 gha=true home=[unset] custom=c",
            support::TOKEN,
            support::declared_inputs().get("operation").map_or("", String::as_str)
        )),
        "{}",
        out.dump()
    );
    assert_eq!(out.stderr, "warning\n");
    assert_eq!(out.output("result"), "created");
    assert_eq!(out.json("registry"), json!({"name": "X", "n": 1}));
    assert_eq!(out.summary, "| a | b |\n");
    out.assert_no_leak(&["hunter2"]).assert_masked("hunter2");
}

#[test]
fn runner_input_names_and_unset() {
    let out = sh(r#"echo "[$INPUT_SECRET_NAME] [${INPUT_TOKEN-unset}] [${INPUT_ORG}]""#)
        .input("secret name", "s")
        .input("org", "other")
        .unset("INPUT_TOKEN")
        .run();
    out.assert_success();
    assert_eq!(out.stdout, "[s] [unset] [other]\n");
}

#[test]
fn terminal_mode_has_no_output_files() {
    let out = sh(r#"echo "[${GITHUB_OUTPUT-none}] [${GITHUB_ACTIONS-none}]" >&2; echo '{"result": "listed"}'"#)
        .no_output_file()
        .run();
    out.assert_success();
    assert_eq!(out.stderr, "[none] [none]\n");
    assert!(out.outputs.is_empty() && out.output_file.is_none());
    assert_eq!(out.terminal_json(), json!({"result": "listed"}));
}

#[test]
#[should_panic(expected = "a workflow command on stdout outside GitHub Actions")]
fn terminal_mode_refuses_workflow_commands() {
    sh(r#"echo "::add-mask::x"; echo '{"result": "listed"}'"#)
        .no_output_file()
        .run()
        .terminal_json();
}

#[test]
fn failure_and_mentions() {
    let out = sh("echo 'error: unknown registry_type \"mvn\"' >&2; exit 1").run();
    out.assert_failure()
        .assert_mentions(&["registry_type", "mvn"]);
}

#[test]
#[should_panic(expected = "panicking instead of with an error")]
fn a_panic_is_not_a_clean_failure() {
    sh("echo \"thread 'main' panicked at src/main.rs:1:1\" >&2; exit 101")
        .run()
        .assert_failure();
}

#[test]
#[should_panic(expected = "expected success")]
fn assert_success_fails_on_error_exit() {
    sh("exit 3").run().assert_success();
}

#[test]
#[should_panic(expected = "a secret leaked")]
fn leak_in_output_is_caught() {
    sh(r#"echo "::add-mask::hunter2"; echo "token=hunter2" >> "$GITHUB_OUTPUT""#)
        .run()
        .assert_no_leak(&["hunter2"]);
}

#[test]
#[should_panic(expected = "a secret leaked")]
fn leak_in_stderr_is_caught() {
    sh(r#"echo "::add-mask::hunter2"; echo "sending hunter2" >&2"#)
        .run()
        .assert_no_leak(&["hunter2"]);
}

#[test]
#[should_panic(expected = "no leading ::add-mask::")]
fn mask_after_other_output_is_caught() {
    sh(r#"echo "hello"; echo "::add-mask::hunter2""#)
        .run()
        .assert_masked("hunter2");
}

#[test]
fn multi_line_secret_masks() {
    sh(r#"printf '::add-mask::line1\n::add-mask::50%%25 off\nrest\n'"#)
        .run()
        .assert_masked("line1\r\n50% off\n");
}

#[test]
#[should_panic(expected = "malformed GITHUB_OUTPUT")]
fn malformed_output_file_fails_the_run() {
    sh(r#"echo "registry<<EOF" >> "$GITHUB_OUTPUT""#).run();
}

#[test]
#[should_panic(expected = "did not finish")]
fn runner_kills_after_timeout() {
    sh("exec sleep 20")
        .timeout(std::time::Duration::from_millis(300))
        .run();
}

// --- GitHub mocks --------------------------------------------------------------------------

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn github<B>(req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
    req.header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", gh::API_VERSION)
        .header("Authorization", format!("Bearer {}", support::TOKEN))
        .header("User-Agent", "private-registries/0.1.0")
}

fn read(mut resp: ureq::http::Response<ureq::Body>) -> (u16, Option<String>, String) {
    let link = resp
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_string());
    (
        resp.status().as_u16(),
        link,
        resp.body_mut().read_to_string().unwrap(),
    )
}

#[test]
fn mocks_serve_public_key_get_and_paged_list() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let keys = Keys::generate();
    let key_mock = gh::public_key(&mut server, "acme", &keys);
    let configs: Vec<Value> = (0..5)
        .map(|i| {
            config(
                &format!("NPM_{i}"),
                "npm_registry",
                &format!("https://npm{i}.example.com"),
            )
        })
        .collect();
    let get_mock = gh::get(&mut server, "acme", &configs[0]);
    let pages = gh::list(&mut server, "acme", &configs, 2);
    assert_eq!(pages.len(), 3);
    let a = agent();

    let (status, _, body) = read(
        github(a.get(format!("{url}/orgs/acme/private-registries/public-key")))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), keys.json());

    let (status, _, body) = read(
        github(a.get(format!("{url}/orgs/acme/private-registries/NPM_0")))
            .call()
            .unwrap(),
    );
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()),
        (200, configs[0].clone())
    );

    let mut names = Vec::new();
    let mut next = Some(format!("{url}/orgs/acme/private-registries?per_page=2"));
    while let Some(u) = next.take() {
        let (status, link, body) = read(github(a.get(&u)).call().unwrap());
        assert_eq!(status, 200, "{u}: {body}");
        let page: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["total_count"], 5);
        names.extend(
            page["configurations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string()),
        );
        next = link.and_then(|l| {
            l.split(", ")
                .find(|p| p.ends_with("rel=\"next\""))
                .map(|p| p[1..p.find('>').unwrap()].to_string())
        });
    }
    assert_eq!(names, ["NPM_0", "NPM_1", "NPM_2", "NPM_3", "NPM_4"]);
    let (_, link, _) = read(
        github(a.get(format!(
            "{url}/orgs/acme/private-registries?page=3&per_page=2"
        )))
        .call()
        .unwrap(),
    );
    assert_eq!(
        link.unwrap(),
        format!(
            "<{url}/orgs/acme/private-registries?per_page=2&page=2>; rel=\"prev\", <{url}/orgs/acme/private-registries?per_page=2&page=1>; rel=\"first\""
        )
    );

    key_mock.assert();
    get_mock.assert();
    pages[0].assert();
    pages[1].assert();
    // the last page was fetched twice above (loop + link check): its default expect(1) fails
    assert!(!pages[2].matched());
}

#[test]
fn mocks_require_github_headers() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let keys = Keys::generate();
    let m = gh::public_key(&mut server, "acme", &keys).expect(0);
    let a = agent();
    let resp = a
        .get(format!("{url}/orgs/acme/private-registries/public-key"))
        .header("Authorization", format!("Bearer {}", support::TOKEN))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 501);
    let resp = github(a.get(format!("{url}/orgs/acme/private-registries/public-key")))
        .header("Authorization", "Bearer wrong")
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 501);
    m.assert();
}

#[test]
fn create_and_update_capture_and_validate_bodies() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let keys = Keys::generate();
    let (create, created) = gh::create(&mut server, "acme", "MAVEN_REPOSITORY_SECRET");
    let (update, updated) = gh::update(&mut server, "acme", "MAVEN_REPOSITORY_SECRET");
    let delete = gh::delete(&mut server, "acme", "MAVEN_REPOSITORY_SECRET");
    let a = agent();

    let body = with(
        valid_create_body(),
        json!({"encrypted_value": keys.seal("pw"), "key_id": keys.key_id, "username": null}),
    );
    let (status, _, resp) = read(
        github(a.post(format!("{url}/orgs/acme/private-registries")))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap(),
    );
    assert_eq!(status, 201, "{resp}");
    let resp: Value = serde_json::from_str(&resp).unwrap();
    assert_response_matches("POST", LIST, 201, &resp);
    assert_eq!(resp["name"], "MAVEN_REPOSITORY_SECRET");
    assert_eq!(resp["selected_repository_ids"], json!([1296269, 1296280]));
    assert!(resp.get("encrypted_value").is_none() && resp.get("username").is_none());
    let sent = created.single();
    assert_eq!(keys.unseal(sent["encrypted_value"].as_str().unwrap()), "pw");

    let (status, _, resp) = read(
        github(a.patch(format!(
            "{url}/orgs/acme/private-registries/MAVEN_REPOSITORY_SECRET"
        )))
        .header("Content-Type", "application/json")
        .send(r#"{"visibility":"all"}"#)
        .unwrap(),
    );
    assert_eq!((status, resp.as_str()), (204, ""));
    assert_eq!(updated.single(), json!({"visibility": "all"}));

    let resp = github(a.delete(format!(
        "{url}/orgs/acme/private-registries/MAVEN_REPOSITORY_SECRET"
    )))
    .call()
    .unwrap();
    assert_eq!(resp.status().as_u16(), 204);

    create.assert();
    update.assert();
    delete.assert();
}

#[test]
fn invalid_body_gets_422_and_fails_the_capture() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let (update, updated) = gh::update(&mut server, "acme", "X");
    let (status, _, resp) = read(
        github(agent().patch(format!("{url}/orgs/acme/private-registries/X")))
            .header("Content-Type", "application/json")
            .send(r#"{"visiblity":"all"}"#)
            .unwrap(),
    );
    assert_eq!(status, 422);
    assert!(resp.contains("unknown property"), "{resp}");
    update.assert();
    let violations = updated.violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| updated.bodies()));
    assert!(result.is_err(), "bodies() must panic on an invalid body");
    // dropping `updated` now would panic again: forget it deliberately
    std::mem::forget(updated);
}

#[test]
fn unexpected_requests_are_caught() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let get = gh::get(
        &mut server,
        "acme",
        &config("A", "npm_registry", "https://npm.example.com"),
    );
    let none = gh::unexpected(&mut server);
    let a = agent();
    let (status, _, _) = read(
        github(a.get(format!("{url}/orgs/acme/private-registries/A")))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 200);
    get.assert();
    none.assert();
    let (status, _, _) = read(
        github(a.get(format!("{url}/orgs/acme/private-registries/A")))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 418);
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| none.assert())).is_err());
}

#[test]
fn repo_lookups() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let repo = gh::repo(&mut server, "acme", "widgets", 42);
    let pages = gh::org_repos(&mut server, "acme", &[(1, "a"), (2, "b"), (3, "c")], 100);
    let a = agent();
    let (status, _, body) = read(
        github(a.get(format!("{url}/repos/acme/widgets")))
            .call()
            .unwrap(),
    );
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, body["id"].clone(), body["full_name"].clone()),
        (200, json!(42), json!("acme/widgets"))
    );
    let (status, link, body) = read(
        github(a.get(format!("{url}/orgs/acme/repos?type=all&per_page=100")))
            .call()
            .unwrap(),
    );
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, link), (200, None));
    assert_eq!(
        body.as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].clone())
            .collect::<Vec<_>>(),
        [json!("a"), json!("b"), json!("c")]
    );
    repo.assert();
    pages.assert();
}

#[test]
fn error_mocks() {
    let mut server = mockito::Server::new();
    let url = server.url();
    let m = gh::error(
        &mut server,
        "GET",
        "/orgs/acme/private-registries",
        403,
        "Resource not accessible by integration",
    );
    let (status, _, body) = read(
        github(agent().get(format!("{url}/orgs/acme/private-registries?per_page=100")))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 403);
    assert_response_matches("GET", ONE, 404, &serde_json::from_str(&body).unwrap());
    m.assert();
}
