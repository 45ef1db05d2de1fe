//! `--jq EXPRESSION`: the JSON output filtered by jq's language, through the jaq crates (a
//! maintained jq implementation); checked when the arguments are read, run on the document.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

/// Compiles `code` (to check it before any request, or to run it). The error says what jq's
/// parser expected, and where.
fn compiled<R>(
    code: &str,
    then: impl FnOnce(&jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>) -> R,
) -> Result<R, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let arena = Arena::default();
    let modules = Loader::new(defs)
        .load(&arena, File { code, path: () })
        .map_err(|errors| {
            let said: Vec<String> = errors.into_iter().map(|(_, e)| load_error(&e)).collect();
            said.join("; ")
        })?;
    let filter = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errors| {
            let said: Vec<String> = errors
                .into_iter()
                .flat_map(|(_, e)| e)
                .map(|(name, kind)| format!("undefined {} `{name}`", kind.as_str()))
                .collect();
            said.join("; ")
        })?;
    Ok(then(&filter))
}

fn load_error(e: &jaq_core::load::Error<&str>) -> String {
    use jaq_core::load::Error;
    let at = |rest: &str| match rest.chars().take(12).collect::<String>() {
        s if s.is_empty() => "at the end".to_string(),
        s => format!("at `{s}`"),
    };
    let said: Vec<String> = match e {
        Error::Io(_) => vec!["modules cannot be loaded here".to_string()],
        Error::Lex(errors) => errors
            .iter()
            .map(|(expect, rest)| format!("expected {} {}", expect.as_str(), at(rest)))
            .collect(),
        Error::Parse(errors) => errors
            .iter()
            .map(|(expect, rest)| format!("expected {} {}", expect.as_str(), at(rest)))
            .collect(),
    };
    said.join("; ")
}

/// Whether `code` is a jq expression this tool can run.
pub fn check(code: &str) -> Result<(), String> {
    compiled(code, |_| ())
}

/// Runs `code` on `input`: one line per output value, a string as its text (as `gh --jq`
/// prints it), anything else as compact JSON. A runtime error stops it.
pub fn run(code: &str, input: &serde_json::Value) -> Result<Vec<String>, String> {
    let text = serde_json::to_vec(input).map_err(|e| e.to_string())?;
    let input = jaq_json::read::parse_single(&text).map_err(|e| e.to_string())?;
    compiled(code, |filter| {
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
        let mut lines = Vec::new();
        for value in filter.id.run((ctx, input)).map(unwrap_valr) {
            match value {
                Ok(Val::TStr(s)) => lines.push(String::from_utf8_lossy(&s).into_owned()),
                Ok(other) => lines.push(other.to_string()),
                Err(e) => return Err(format!("the jq expression failed: {e}")),
            }
        }
        Ok(lines)
    })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_filter_runs_strings_print_bare_and_the_rest_as_json() {
        let doc = json!({"registries": [{"name": "A", "n": [1, 2]}, {"name": "B"}]});
        assert_eq!(run(".registries[].name", &doc).unwrap(), ["A", "B"]);
        assert_eq!(
            run("[.registries[] | select(.name == \"A\") | .n]", &doc).unwrap(),
            ["[[1,2]]"]
        );
        assert_eq!(run(".registries | length", &doc).unwrap(), ["2"]);
        assert_eq!(
            run("map_values(.) | keys", &doc).unwrap(),
            ["[\"registries\"]"]
        );
        assert!(run("error(\"boom\")", &doc).unwrap_err().contains("boom"));
        // The whole standard library: regular expressions, the @ formats, dates.
        let code = ".registries[] | select(.name | test(\"^a\"; \"i\")) | .name | @base64";
        assert_eq!(run(code, &doc).unwrap(), ["QQ=="]);
        assert_eq!(run("0 | todate", &doc).unwrap(), ["1970-01-01T00:00:00Z"]);
    }

    #[test]
    fn a_bad_expression_is_refused_saying_what_was_expected() {
        assert_eq!(check(".a | .b"), Ok(()));
        let unclosed = check(".registries[").unwrap_err();
        assert!(unclosed.starts_with("expected"), "{unclosed}");
        assert_eq!(check("nosuch(1)").unwrap_err(), "undefined filter `nosuch`");
    }
}
