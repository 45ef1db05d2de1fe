//! Answers rendered without a server: the values, the table's rows and the summary a sync, a
//! declined prune, an unchanged `set` and a failed run give.

use super::*;
use crate::core::Changes;
use crate::core::change::{Action, Change, Outcome};

fn change(action: Action, name: &str, outcome: Outcome, entry: Option<usize>) -> Change {
    Change {
        action,
        name: Some(name.to_string()),
        registry_type: Some("npm_registry".into()),
        url: Some(format!(
            "https://{}.example.com/",
            name.to_ascii_lowercase()
        )),
        fields: match action {
            Action::Update => vec!["visibility".into()],
            _ => Vec::new(),
        },
        outcome,
        error: None,
        entry,
        label: None,
    }
}

fn changes(sync: bool, list: Vec<Change>) -> Changes {
    Changes {
        org: "acme".parse().expect("org"),
        sync,
        dry_run: false,
        prune: true,
        result: "changed",
        name: None,
        changes: list,
        registry: None,
        registries: None,
        kept: Vec::new(),
        declined: false,
    }
}

fn rows(o: &Outputs) -> Vec<Vec<String>> {
    o.table.as_ref().expect("a table").rows.clone()
}

#[test]
fn a_sync_names_each_entry_and_says_each_outcome() {
    let answer = Answer::Changed(changes(
        true,
        vec![
            change(Action::Unchanged, "A", Outcome::Nothing, Some(0)),
            change(Action::Update, "B", Outcome::Applied, Some(1)),
            change(Action::Delete, "OLD", Outcome::Applied, None),
        ],
    ));
    let o = render(Some(&answer), false, true);
    assert_eq!(o.values["result"].text(), "changed");
    let rows = rows(&o);
    let firsts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        firsts,
        [
            ("registries[0]", "up to date"),
            ("registries[1]", "updated"),
            ("prune", "deleted")
        ]
    );
    let notes = &o.table.as_ref().expect("table").notes;
    assert_eq!(
        notes[0],
        "0 created, 1 updated, 1 unchanged, 1 deleted, 0 failed"
    );
    assert!(
        o.summary
            .contains("**0 created, 1 updated, 1 unchanged, 1 deleted, 0 failed**")
    );
    let json: serde_json::Value =
        serde_json::from_str(&o.values["changes"].text()).expect("changes is JSON");
    assert_eq!(
        json[0]["outcome"], "none",
        "an unchanged row is not `applied`"
    );
}

#[test]
fn a_declined_prune_says_nothing_was_written_on_every_row() {
    let mut c = changes(
        true,
        vec![
            change(Action::Update, "B", Outcome::Planned, Some(0)),
            change(Action::Delete, "OLD", Outcome::Planned, None),
        ],
    );
    c.declined = true;
    c.result = "planned";
    let o = render(Some(&Answer::Changed(c)), true, true);
    let table = o.table.as_ref().expect("table");
    assert!(
        table.title.contains("declined: nothing was written"),
        "{}",
        table.title
    );
    assert!(table.rows.iter().all(|r| r[6] == "not written (declined)"));
    assert_eq!(o.values["result"].text(), "failed");
}

#[test]
fn an_unchanged_set_is_up_to_date_not_applied() {
    let mut c = changes(
        false,
        vec![change(Action::Unchanged, "A", Outcome::Nothing, None)],
    );
    c.result = "unchanged";
    c.name = Some("A".into());
    let o = render(Some(&Answer::Changed(c)), false, true);
    let table = o.table.as_ref().expect("table");
    assert!(
        table
            .title
            .starts_with("Private registry already up to date"),
        "{}",
        table.title
    );
    assert_eq!(table.rows[0][5], "up to date");
    assert_eq!(o.values["name"].text(), "A");
}

#[test]
fn a_failure_sets_the_result_except_for_a_cancelled_run_and_a_drift() {
    let mut cancelled = changes(true, Vec::new());
    cancelled.result = "cancelled";
    let o = render(Some(&Answer::Changed(cancelled)), true, false);
    assert_eq!(o.values["result"].text(), "cancelled");
    let drift = Answer::Diff {
        org: "acme".parse().expect("org"),
        drifts: Vec::new(),
    };
    assert_eq!(
        render(Some(&drift), true, false).values["result"].text(),
        "in_sync"
    );
    let o = render(
        Some(&Answer::Changed(changes(true, Vec::new()))),
        true,
        false,
    );
    assert_eq!(o.values["result"].text(), "failed");
    assert!(render(None, true, false).values["result"].text() == "failed");
}
