//! Who reads the messages: a workflow's author (inputs, the step's `env:`) or a person at a
//! terminal (flags, the shell). The advice a message ends with is worded for that reader.

/// The reader of the messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Audience {
    /// A GitHub Actions step: inputs and the step's `env:`.
    #[default]
    Action,
    /// The command line: flags and the shell's environment.
    Cli,
}

impl Audience {
    /// How the overlay is named.
    pub fn overlay(self) -> &'static str {
        match self {
            Audience::Action => "input `overlay`",
            Audience::Cli => "`--overlay`",
        }
    }

    /// What to do about a `${{ secrets.NAME }}` with no value, when secrets come from the
    /// environment.
    pub fn unset_secret(self, name: &str) -> String {
        match self {
            Audience::Action => format!(
                "secret {name} is not set: pass the secrets input (secrets: {{\"{name}\": ${{{{ toJSON(secrets.{name}) }}}}}}) or set the environment variable {name} in the step's env:"
            ),
            Audience::Cli => format!(
                "secret {name} is not set: pass --secrets-file FILE (a JSON object or NAME=value lines), or export {name}=… in the shell"
            ),
        }
    }

    /// What to do about a `secret_env` variable that is unset.
    pub fn unset_variable(self, var: &str) -> String {
        match self {
            Audience::Action => format!(
                "the environment variable {var} is unset or empty; set it in the step's env: ({var}: ${{{{ secrets.{var} }}}}) and check the secret exists and is available to this workflow"
            ),
            Audience::Cli => format!(
                "the environment variable {var} is unset or empty; export {var}=… in the shell, or use --secrets-file with a ${{{{ secrets.{var} }}}} reference"
            ),
        }
    }
}
