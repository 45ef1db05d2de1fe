//! The validated types every layer shares: enums and names of the API, the desired shape of a
//! configuration, GitHub's answers, and the one error type. Imports nothing else of the crate.

pub mod answers;
pub mod auth;
pub mod cancel;
pub mod credential;
pub mod discovery;
pub mod error;
pub mod plural;
pub mod spec;
pub mod text;
pub mod types;

pub use answers::{Configuration, Page, PublicKey};
pub use cancel::Cancel;
pub use error::{ApiError, Error};
pub use spec::{Body, Entry, Fields, Refusal, RegistrySpec};
pub use types::*;

/// Something a run wants said while it works: a retry, a wait, an adopted create, progress.
/// Lower layers hand these to a callback; only the report prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Notice(String),
    Warning(String),
    /// A step that failed while others go on (the run's error sums them up).
    Error(String),
    /// A credential made during the run (an App's JWT, an installation token): to be masked
    /// before anything else is said.
    Mask(Secret),
}

/// The callback events go out through, handed down by the caller.
pub type Notify = std::rc::Rc<dyn Fn(Event)>;
