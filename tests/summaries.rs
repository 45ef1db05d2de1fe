//! Every kind of step summary the tool writes, rendered by a real GFM renderer (comrak, with
//! GitHub's table extension) and checked by what renders: how many tables, their header and
//! body cells, and the text a failure leaves. String matching on the Markdown would pass two
//! tables run together that GitHub shows as one.

use crate::support;

use support::faults::{FaultServer, Reply};
use support::{Action, config};

/// A rendered table: its header cells and its body rows.
#[derive(Debug)]
struct Rendered {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    comrak::markdown_to_html(markdown, &options)
}

fn cells(html: &str, tag: &str) -> Vec<String> {
    html.split(&format!("<{tag}"))
        .skip(1)
        .filter(|c| c.starts_with('>') || c.starts_with(' '))
        .filter_map(|c| c.split_once('>').map(|(_, rest)| rest))
        .filter_map(|c| c.split(&format!("</{tag}>")).next())
        .map(|c| {
            c.replace("<code>", "")
                .replace("</code>", "")
                .trim()
                .to_string()
        })
        .collect()
}

fn tables(markdown: &str) -> Vec<Rendered> {
    html(markdown)
        .split("<table>")
        .skip(1)
        .map(|t| {
            let t = t.split("</table>").next().unwrap_or("");
            let (head, body) = t.split_once("</thead>").unwrap_or(("", t));
            Rendered {
                head: cells(head, "th"),
                rows: body.split("<tr>").skip(1).map(|r| cells(r, "td")).collect(),
            }
        })
        .collect()
}

fn text(markdown: &str) -> String {
    let html = html(markdown);
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"").replace("&amp;", "&")
}

#[test]
fn a_create_renders_two_tables_not_one() {
    let server = FaultServer::start();
    let out = Action::new(server.url())
        .input("operation", "set")
        .input("registry_type", "npm_registry")
        .input("url", "https://npm.example.com/")
        .input("visibility", "all")
        .input("secret", "s3cr3t-value")
        .run();
    out.assert_success();
    let t = tables(&out.summary);
    assert_eq!(t.len(), 2, "{}\n{t:?}", out.summary);
    assert_eq!(
        t[0].head,
        ["action", "name", "type", "url", "fields", "outcome"]
    );
    assert_eq!(t[0].rows.len(), 1);
    assert_eq!(t[0].rows[0][0], "create");
    assert_eq!(t[1].head[0], "name");
    assert_eq!(t[1].rows[0][0], "NPM_REGISTRY", "{t:?}");
}

#[test]
fn an_empty_org_says_so_and_a_sync_table_has_its_cells() {
    let server = FaultServer::start();
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_success();
    assert!(tables(&out.summary).is_empty(), "{}", out.summary);
    assert!(
        text(&out.summary).contains("No configurations."),
        "{}",
        out.summary
    );

    server.seed(config("NPM_A", "npm_registry", "https://a.example.com/"));
    let out = Action::new(server.url())
        .input("operation", "sync")
        .input("dry_run", "true")
        .input("registries", "- name: NPM_A\n  visibility: all\n- registry_type: maven_repository\n  url: https://m.example.com\n  visibility: private\n  secret_env: M\n")
        .env("M", "maven-s3cret")
        .run();
    out.assert_success();
    let t = tables(&out.summary);
    assert_eq!(t.len(), 1, "{}", out.summary);
    assert_eq!(t[0].rows.len(), 2, "{t:?}");
    assert_eq!(t[0].rows[0][1], "update", "{t:?}");
    assert_eq!(t[0].rows[1][1], "create", "{t:?}");
}

#[test]
fn a_failure_says_what_failed_and_what_was_not_done() {
    let server = FaultServer::start();
    server.script(
        "GET",
        "/orgs/acme/private-registries",
        [Reply::status(401, "Bad credentials")],
    );
    let out = Action::new(server.url()).input("operation", "list").run();
    out.assert_failure();
    let shown = text(&out.summary);
    assert!(
        shown.contains("private-registries failed"),
        "{}",
        out.summary
    );
    assert!(
        shown.contains("401 Unauthorized: Bad credentials"),
        "{shown}"
    );
    assert!(shown.contains("Nothing was written."), "{shown}");

    let server = FaultServer::start();
    let out = Action::new(server.url())
        .input("org", "acme,ghost")
        .input("operation", "list")
        .run();
    out.assert_failure();
    let shown = text(&out.summary);
    let ghost = shown.find("ghost").unwrap_or_else(|| panic!("{shown}"));
    assert!(shown[ghost..].contains("Failed:"), "{shown}");
    assert!(shown[ghost..].contains("404"), "{shown}");
}
