//! The one error type of a run, whose variants are the exit codes, and GitHub's error answer.

use std::fmt;

use super::text::escape;

/// Why a run did not do everything it was asked.
#[derive(Debug)]
pub enum Error {
    /// Bad input, found before any request: one message per problem (exit 2).
    Invalid(Vec<String>),
    /// The operation failed, part-way or at once; the chain says what was and was not done
    /// (exit 1).
    Failed(anyhow::Error),
    /// A signal stopped the run; the message says what was and was not applied (exit 128 +
    /// the signal: 130 for SIGINT, 143 for SIGTERM).
    Cancelled { status: u8, message: String },
    /// `diff` found this many configurations not as the manifest says (exit 3).
    Drifted(usize),
}

impl Error {
    /// The process exit status for this error: 2 invalid input, 1 failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 2,
            Error::Failed(_) => 1,
            Error::Cancelled { status, .. } => *status,
            Error::Drifted(_) => 3,
        }
    }

    /// One invalid-input problem.
    pub fn invalid(problem: impl Into<String>) -> Self {
        Error::Invalid(vec![problem.into()])
    }

    /// Adds what the failure means for the operation (`nothing was created`), outermost first.
    pub fn context(self, context: impl fmt::Display + Send + Sync + 'static) -> Self {
        match self {
            Error::Failed(e) => Error::Failed(e.context(context)),
            other => other,
        }
    }

    /// GitHub's answer behind a failure, if there is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Failed(e) => e.chain().find_map(|c| c.downcast_ref::<ApiError>()),
            Error::Invalid(_) | Error::Cancelled { .. } | Error::Drifted(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(problems) => f.write_str(&problems.join("\n")),
            Error::Failed(e) => write!(f, "{e:#}"),
            Error::Cancelled { message, .. } => f.write_str(message),
            Error::Drifted(n) => write!(
                f,
                "drift: {} from the manifest; the drift output (and a workflow's step summary) lists them",
                super::plural::count(*n, "configuration differs", "configurations differ")
            ),
        }
    }
}

impl std::error::Error for Error {}

/// A failure from below: what refuses input returns an `Error` itself, so an `anyhow::Error`
/// is never one in disguise.
impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Failed(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Failed(anyhow::Error::new(e))
    }
}

/// A non-success answer from GitHub, with what its body said.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub message: Option<String>,
    pub documentation_url: Option<String>,
    /// Field errors, already rendered (`field: code (message)`).
    pub errors: Vec<String>,
    pub hint: Option<String>,
    /// The OAuth scopes the token has and the endpoint accepts (`x-oauth-scopes`,
    /// `x-accepted-oauth-scopes`), when GitHub sent them.
    pub scopes: Option<(String, String)>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} answered {}", self.method, self.path, self.status)?;
        if let Some(reason) = reason(self.status) {
            write!(f, " {reason}")?;
        }
        // What the server wrote is shown with its controls escaped: it cannot break a line,
        // colour the log or pass one name off as another.
        if let Some(m) = &self.message {
            write!(f, ": {}", escape(m))?;
        }
        if !self.errors.is_empty() {
            write!(f, " [{}]", escape(&self.errors.join("; ")))?;
        }
        if let Some(d) = &self.documentation_url {
            write!(f, " (see {})", escape(d))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The reason phrase of the statuses GitHub answers with.
pub fn reason(status: u16) -> Option<&'static str> {
    const REASONS: &[(u16, &str)] = &[
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (409, "Conflict"),
        (422, "Unprocessable Entity"),
        (429, "Too Many Requests"),
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ];
    REASONS.iter().find(|(s, _)| *s == status).map(|(_, r)| *r)
}
