//! Entries that would write the same configuration: the same name, or the same registry type and
//! URL without a name.

use crate::model::Entry;

/// Two entries may not aim at the same configuration: the same name, or the same registry type
/// and URL when one of them has no name to tell it apart. Linear: each entry is checked against
/// the first earlier one with its name, and with its type and URL.
pub(super) fn check_duplicates(entries: &[Entry], errors: &mut Vec<String>) {
    use std::collections::HashMap;
    let mut names: HashMap<&crate::model::ConfigName, usize> =
        HashMap::with_capacity(entries.len());
    // Per type and URL: the first entry, and the first one without a name.
    let mut keys: HashMap<(crate::model::RegistryType, String), (usize, Option<usize>)> =
        HashMap::with_capacity(entries.len());
    for (i, a) in entries.iter().enumerate() {
        if let Some(name) = &a.name {
            match names.get(name) {
                Some(&j) => {
                    errors.push(format!(
                        "{}: `name`: {} is also the name of {}; list each configuration once",
                        a.label(),
                        name.as_str(),
                        entries[j].label()
                    ));
                    continue;
                }
                None => {
                    names.insert(name, i);
                }
            }
        }
        let Some(key) = a.spec.match_key() else {
            continue;
        };
        let unnamed = a.name.is_none();
        match keys.get_mut(&key) {
            Some((first, first_unnamed)) => {
                let clash = if unnamed {
                    Some(*first)
                } else {
                    *first_unnamed
                };
                if let Some(j) = clash {
                    errors.push(format!(
                        "{}: `url`: same registry_type and url as {}, and one of them has no name to tell them apart; list each configuration once (or give both a name)",
                        a.label(),
                        entries[j].label()
                    ));
                }
                if unnamed && first_unnamed.is_none() {
                    *first_unnamed = Some(i);
                }
            }
            None => {
                keys.insert(key, (i, unnamed.then_some(i)));
            }
        }
    }
}
