//! Where `${{ secrets.NAME }}` references of a manifest are resolved: the `secrets` input
//! (`${{ toJSON(secrets) }}`, a JSON object of name → value) or a `--secrets-file` (JSON or
//! `.env`), else the environment variable of the same name. Nothing here quotes a value: the
//! errors name the input and the secret.

use std::collections::BTreeMap;

use super::audience::Audience;
use super::env::Env;
use crate::model::Secret;

/// The secrets a manifest's references resolve from.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    /// From the `secrets` input or a secrets file; `None`: from the environment.
    given: Option<BTreeMap<String, Secret>>,
    /// How messages name where they come from (`input \`secrets\``, `--secrets-file`).
    origin: String,
    /// What a reference whose value is missing means.
    mode: Need,
    /// The references left unresolved (a dry run's), in order, each once.
    missing: std::cell::RefCell<Vec<String>>,
    /// Who reads the messages.
    audience: Audience,
}

/// What the operation needs of secret values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every value (an apply: a missing one is an error before any request).
    #[default]
    All,
    /// Whatever is at hand (a dry run: it plans the rotation all the same); a missing one is
    /// named, not an error.
    AtHand,
    /// None (`diff`: secrets are never compared, GitHub never returns them).
    None,
}

/// What stands for a secret whose value is not looked up or not at hand. Only plans that are
/// never applied hold it (a dry run, a diff): nothing is sealed from it.
fn stand_in(name: &str) -> Secret {
    Secret::new(format!("{STAND_IN}{name})"))
}

const STAND_IN: &str = "(unresolved ";

/// The name a stand-in stands for (`discover` reports which secret each registry uses).
pub fn stand_in_name(secret: &Secret) -> Option<&str> {
    secret.expose().strip_prefix(STAND_IN)?.strip_suffix(')')
}

impl Secrets {
    /// From the environment only.
    pub fn from_env() -> Self {
        Secrets {
            given: None,
            origin: "the environment".into(),
            ..Secrets::default()
        }
    }

    /// A JSON object of name → string value (what `toJSON(secrets)` gives); the error names
    /// `origin` and never quotes the text.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, String> {
        let map: BTreeMap<String, Box<serde_json::value::RawValue>> = serde_json::from_str(text)
            .map_err(|e| {
                format!(
                    "{origin}: not a JSON object of secret names to values (line {}, column {}); pass ${{{{ toJSON(secrets) }}}}",
                    e.line(),
                    e.column()
                )
            })?;
        let mut given = BTreeMap::new();
        let mut not_text = Vec::new();
        for (name, raw) in map {
            match serde_json::from_str::<String>(raw.get()) {
                Ok(value) => {
                    given.insert(name.to_ascii_uppercase(), Secret::new(value));
                }
                Err(_) => not_text.push(name),
            }
        }
        if !not_text.is_empty() {
            return Err(format!(
                "{origin}: the values of {} are not strings; every secret is a string",
                not_text.join(", ")
            ));
        }
        Ok(Secrets {
            given: Some(given),
            origin: origin.into(),
            ..Secrets::default()
        })
    }

    /// `NAME=value` lines (a `.env` file): `#` comments and blank lines skipped, `export `
    /// allowed, one pair of surrounding quotes removed.
    pub fn from_dotenv(text: &str, origin: &str) -> Result<Self, String> {
        let mut given = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                return Err(format!(
                    "{origin}: line {} is not NAME=value (the line is not shown)",
                    n + 1
                ));
            };
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            given.insert(
                name.trim().to_ascii_uppercase(),
                Secret::new(unquoted.to_string()),
            );
        }
        Ok(Secrets {
            given: Some(given),
            origin: origin.into(),
            ..Secrets::default()
        })
    }

    /// A secrets file: JSON when it starts with `{`, else `.env`.
    pub fn from_file_text(text: &str, origin: &str) -> Result<Self, String> {
        if text.trim_start().starts_with('{') {
            Self::from_json(text, origin)
        } else {
            Self::from_dotenv(text, origin)
        }
    }

    /// Words the messages for `audience`.
    pub fn speaking_to(mut self, audience: Audience) -> Self {
        self.audience = audience;
        self
    }

    /// Who reads the messages.
    pub fn audience(&self) -> Audience {
        self.audience
    }

    /// Sets what the operation needs of secret values.
    pub fn needing(mut self, need: Need) -> Self {
        self.mode = need;
        self
    }

    /// The references a dry run could not resolve, each once.
    pub fn unresolved(&self) -> Vec<String> {
        self.missing.borrow().clone()
    }

    /// A value that is missing: an error when every value is needed, else a stand-in (and, in
    /// a dry run, the name noted).
    fn missing(&self, name: &str, why: String) -> Result<Secret, String> {
        match self.mode {
            Need::All => Err(why),
            Need::None => Ok(stand_in(name)),
            Need::AtHand => {
                let mut missing = self.missing.borrow_mut();
                if !missing.iter().any(|m| m.eq_ignore_ascii_case(name)) {
                    missing.push(name.to_string());
                }
                Ok(stand_in(name))
            }
        }
    }

    /// The value of the environment variable `var` that `secret_env` names, as [`Self::get`].
    pub fn of_variable(
        &self,
        var: &str,
        env: &Env,
        why: impl FnOnce() -> String,
    ) -> Result<Secret, String> {
        if self.mode == Need::None {
            return Ok(stand_in(var));
        }
        match env.get(var) {
            Some(v) => Ok(Secret::new(v.to_string())),
            None => self.missing(var, why()),
        }
    }

    /// The secret `name`, or why not (naming where it was looked for). Names compare without
    /// case, as GitHub's secret names do (`secrets.npm_token` is `NPM_TOKEN`); from the
    /// environment, the name as written first, then upper-cased.
    pub fn get(&self, name: &str, env: &Env) -> Result<Secret, String> {
        if self.mode == Need::None {
            return Ok(stand_in(name));
        }
        let upper = name.to_ascii_uppercase();
        let found = match &self.given {
            Some(given) => given.get(&upper).cloned(),
            None => env
                .get(name)
                .or_else(|| env.get(&upper))
                .map(|v| Secret::new(v.to_string())),
        };
        if let Some(found) = found.filter(|s| !s.expose().is_empty()) {
            return Ok(found);
        }
        self.missing(name, {
            match &self.given {
                Some(_) if self.audience == Audience::Cli => {
                    format!("secret {name} is not in {}; add it there", self.origin)
                }
                Some(_) => format!(
                    "secret {name} is not in {}; create it as an org or repository secret available to this workflow",
                    self.origin
                ),
                None => self.audience.unset_secret(name),
            }
        })
    }

    /// Every value given, to mask before anything is printed.
    pub fn values(&self) -> Vec<Secret> {
        self.given
            .iter()
            .flat_map(|g| g.values().cloned())
            .filter(|s| !s.expose().trim().is_empty())
            .collect()
    }
}

/// The secret named by a whole `${{ secrets.NAME }}` reference (spaces inside the braces
/// allowed); `Ok(None)` when the text holds no reference; `Err` when a reference is only part
/// of the text or malformed.
pub fn reference(text: &str) -> Result<Option<&str>, &'static str> {
    let t = text.trim();
    if !t.contains("${{") {
        return Ok(None);
    }
    let inner = t
        .strip_prefix("${{")
        .and_then(|r| r.strip_suffix("}}"))
        .ok_or("a ${{ secrets.NAME }} reference must be the whole value")?
        .trim();
    let name = inner
        .strip_prefix("secrets.")
        .ok_or("only ${{ secrets.NAME }} references are resolved")?;
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if valid {
        Ok(Some(name))
    } else {
        Err("the secret name in ${{ secrets.NAME }} may hold only letters, digits and _")
    }
}

/// Every secret name referenced anywhere in `text`, found leniently (for masking).
pub fn references_in(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        if let Some(name) = after[..end].trim().strip_prefix("secrets.") {
            names.push(name.trim());
        }
        rest = &after[end..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_whole_values_with_optional_spaces() {
        assert_eq!(reference("${{secrets.NPM_TOKEN}}"), Ok(Some("NPM_TOKEN")));
        assert_eq!(reference("  ${{  secrets.A_1 }} "), Ok(Some("A_1")));
        assert_eq!(reference("plain"), Ok(None));
        assert!(reference("x-${{ secrets.A }}").is_err());
        assert!(reference("${{ vars.A }}").is_err());
        assert!(reference("${{ secrets.a-b }}").is_err());
        assert_eq!(
            references_in("a: ${{secrets.X}}\nb: ${{ secrets.Y }}"),
            ["X", "Y"]
        );
    }

    #[test]
    fn secrets_come_from_json_or_dotenv_and_errors_quote_nothing() {
        let env = Env::from_iter([("FROM_ENV", "e")]);
        let s = Secrets::from_json(r#"{"A": "a-value", "B": "b\nc"}"#, "input `secrets`").unwrap();
        assert_eq!(s.get("A", &env).unwrap().expose(), "a-value");
        assert_eq!(s.get("a", &env).unwrap().expose(), "a-value");
        assert!(
            s.get("FROM_ENV", &env)
                .unwrap_err()
                .contains("not in input `secrets`")
        );
        assert_eq!(s.values().len(), 2);
        let bad = Secrets::from_json(r#"{"A": 1, "B": "hunter2"}"#, "x").unwrap_err();
        assert!(bad.contains("A") && !bad.contains("hunter2"), "{bad}");
        let bad = Secrets::from_json("hunter2", "x").unwrap_err();
        assert!(!bad.contains("hunter2"), "{bad}");
        let d = Secrets::from_file_text("# c\nexport A='q v'\nB=\"w\"\n", "f").unwrap();
        assert_eq!(d.get("A", &env).unwrap().expose(), "q v");
        assert_eq!(d.get("B", &env).unwrap().expose(), "w");
        assert!(
            Secrets::from_dotenv("hunter2", "f")
                .unwrap_err()
                .contains("line 1")
        );
        assert_eq!(
            Secrets::from_env().get("FROM_ENV", &env).unwrap().expose(),
            "e"
        );
    }
}
