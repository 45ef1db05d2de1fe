//! How a request ended when it did not succeed, as the caller must tell it apart: never sent
//! (the run was cancelled first), sent with an outcome that could not be settled (it may have
//! been applied), or refused. Typed, so that no caller has to look inside an error for it.

use std::fmt;

#[derive(Debug)]
pub enum WriteError {
    /// Never put on the wire: the run was cancelled before its turn.
    NotSent(String),
    /// Sent, but its outcome could not be settled: it may or may not have been applied. Its
    /// change is reported as `unknown`, never as not done.
    Unsettled(String),
    /// GitHub's answer or the connection said no (GitHub's error is inside, for advice).
    Failed(anyhow::Error),
}

impl WriteError {
    /// As the error the rest of a run carries: a refusal is the error it was (its chain keeps
    /// GitHub's answer), the others their message.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Failed(e) => e,
            other => anyhow::Error::new(other),
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotSent(m) | WriteError::Unsettled(m) => f.write_str(m),
            WriteError::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<anyhow::Error> for WriteError {
    fn from(e: anyhow::Error) -> Self {
        WriteError::Failed(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_chain_and_the_others_their_message() {
        let api = anyhow::anyhow!("GET /x answered 404").context("reading x");
        let e = WriteError::from(api);
        assert_eq!(e.to_string(), "reading x: GET /x answered 404");
        assert_eq!(e.into_anyhow().chain().count(), 2);
        let e = WriteError::Unsettled("may have been applied".into());
        assert_eq!(format!("{:#}", e.into_anyhow()), "may have been applied");
    }
}
