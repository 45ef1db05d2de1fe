//! A secret: zeroized when dropped, `***` in `Debug` and `Display`.

use std::fmt;

use zeroize::Zeroize;

/// A value that must never be shown: a registry secret or the API token.
///
/// `Debug` and `Display` print `***`; the memory is zeroized when the value is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The plain value, for sealing, masking and the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // zeroize writes through volatile stores behind a compiler fence and clears the whole
        // capacity, which a plain loop over the bytes does not promise.
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
