//! Keeps README.md's input and output tables in step with action.yml, both ways.

use std::collections::BTreeSet;

const ACTION: &str = include_str!("../action.yml");
const README: &str = include_str!("../README.md");

/// Names declared under a top-level `section:` of action.yml, read by the test kit's one
/// reader of it.
fn declared(section: &str) -> BTreeSet<String> {
    crate::support::parse_action_section(ACTION, section)
        .into_keys()
        .collect()
}

/// Names in the first column of the table under README's `## heading`.
fn documented(heading: &str) -> BTreeSet<String> {
    let start = README
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    let section = &README[start + heading.len() + 5..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn every_input_is_documented_and_every_documented_input_exists() {
    let declared = declared("inputs");
    assert!(
        declared.len() > 30,
        "parsed too few inputs from action.yml: {declared:?}"
    );
    assert_eq!(
        declared,
        documented("Inputs"),
        "action.yml inputs vs README `## Inputs` table"
    );
}

#[test]
fn every_output_is_documented_and_every_documented_output_exists() {
    let declared = declared("outputs");
    assert_eq!(declared.len(), 15, "{declared:?}");
    assert_eq!(
        declared,
        documented("Outputs"),
        "action.yml outputs vs README `## Outputs` table"
    );
}

#[test]
fn inputs_are_snake_case_as_docker_actions_need() {
    for name in declared("inputs") {
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "input {name:?}: hyphens and capitals break INPUT_* variables in Docker actions"
        );
    }
}

#[test]
fn the_registries_as_code_workflows_in_the_readme_are_the_examples_word_for_word() {
    for (name, text) in [
        (
            "registries-apply.yml",
            include_str!("../examples/registries-apply.yml"),
        ),
        (
            "registries-plan.yml",
            include_str!("../examples/registries-plan.yml"),
        ),
        (
            "registries-drift.yml",
            include_str!("../examples/registries-drift.yml"),
        ),
        (
            "registries-orgs.yml",
            include_str!("../examples/registries-orgs.yml"),
        ),
    ] {
        assert!(
            README.contains(&format!("```yaml\n{text}```")),
            "README's copy of examples/{name} differs from the file"
        );
        // The header names the file it is to be copied to, and its paths: trigger names it.
        let target = format!(".github/workflows/{name}");
        assert!(
            text.contains(&format!("Copy to {target}")),
            "{name}: header"
        );
        if text.contains("paths:") {
            assert!(
                text.contains(&format!("- {target}")),
                "{name}: paths: do not name {target}"
            );
        }
    }
}

/// GitHub names the permission "Organization private registries" (its REST reference, for
/// fine-grained tokens and Apps alike): every text a user reads says it the same way.
#[test]
fn the_permission_is_named_as_github_names_it_everywhere() {
    let texts = [
        ("README.md", README),
        ("action.yml", ACTION),
        (
            "src/front/cli/args/mod.rs",
            include_str!("../src/front/cli/args/mod.rs"),
        ),
        (
            "src/front/cli/auth.rs",
            include_str!("../src/front/cli/auth.rs"),
        ),
        (
            "src/front/action/mod.rs",
            include_str!("../src/front/action/mod.rs"),
        ),
        ("src/client/app.rs", include_str!("../src/client/app.rs")),
        (
            "src/client/decode.rs",
            include_str!("../src/client/decode.rs"),
        ),
    ];
    for (file, text) in texts {
        for wrong in ["\"Private registries\"", "\\\"Private registries\\\""] {
            assert!(!text.contains(wrong), "{file} says {wrong}");
        }
    }
    assert!(README.contains("\"Organization private registries\""));
    assert!(ACTION.contains("\"Organization private registries\""));
}

/// action.yml's descriptions say what README says of the inputs and outputs that changed
/// meaning: several orgs in `org`, `mixed` among the results.
#[test]
fn action_yml_describes_several_orgs() {
    let described = |section: &str, key: &str| {
        let at = ACTION.find(&format!("\n{section}:\n")).expect("section");
        let rest = &ACTION[at..];
        let entry = rest
            .find(&format!("\n  {key}:\n"))
            .unwrap_or_else(|| panic!("{section}.{key}"));
        rest[entry..].lines().nth(2).unwrap_or_default().to_string()
    };
    assert!(described("inputs", "org").contains("several"));
    assert!(described("outputs", "result").contains("mixed"));
}
