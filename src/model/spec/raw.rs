//! The raw key → value strings a front end read, before they are a
//! [`RegistrySpec`](super::RegistrySpec): cleared when dropped, shown by their keys only.

use std::collections::BTreeMap;

/// Raw key → value strings (empty values already dropped) to build a spec from.
///
/// The secret passes through here as text, so every value is cleared when the map is dropped,
/// whichever front end built it.
#[derive(Default)]
pub struct RawSpec(BTreeMap<String, String>);

impl RawSpec {
    pub fn new() -> Self {
        RawSpec::default()
    }
}

/// The keys only: a value may be the secret.
impl std::fmt::Debug for RawSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<'a> IntoIterator for &'a RawSpec {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl std::ops::Deref for RawSpec {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for RawSpec {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl FromIterator<(String, String)> for RawSpec {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        RawSpec(pairs.into_iter().collect())
    }
}

impl Drop for RawSpec {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            zeroize::Zeroize::zeroize(value);
        }
    }
}
