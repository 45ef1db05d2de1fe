//! What a command needs of the token, so an App asks for no more: the private registries at
//! `write` only for operations that write (never for a dry run), `read` otherwise, and
//! repository metadata only when repository names must be resolved.

use super::Command;
use crate::model::auth::Permissions;

impl Command {
    /// The permissions an installation token for this command asks for.
    pub fn permissions(&self, dry_run: bool) -> Permissions {
        let writes = matches!(
            self,
            Command::Create { .. }
                | Command::Update { .. }
                | Command::Set { .. }
                | Command::Delete { .. }
                | Command::Sync { .. }
        );
        let names = |spec: &crate::model::RegistrySpec| !spec.repository_names.is_empty();
        let metadata = match self {
            Command::Create { spec } | Command::Update { spec, .. } | Command::Set { spec, .. } => {
                names(spec)
            }
            Command::Sync { entries, .. } | Command::Diff { entries } => {
                entries.iter().any(|e| names(&e.spec))
            }
            // Repository ids become names: the org's repositories are listed.
            Command::Export { .. } | Command::Discover { .. } => true,
            _ => false,
        };
        Permissions {
            write: writes && !dry_run,
            metadata,
            contents: matches!(self, Command::Discover { .. }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConfigName, RegistrySpec};

    #[test]
    fn reads_ask_for_read_and_names_for_metadata() {
        let name: ConfigName = "NPM".parse().unwrap();
        let read = Permissions {
            write: false,
            metadata: false,
            contents: false,
        };
        assert_eq!(
            Command::List {
                per_page: 100,
                page: None
            }
            .permissions(false),
            read
        );
        assert_eq!(Command::Get { name: name.clone() }.permissions(false), read);
        assert_eq!(Command::PublicKey.permissions(false), read);
        let delete = Command::Delete { name };
        assert!(delete.permissions(false).write);
        assert_eq!(delete.permissions(true), read);
        let mut spec = RegistrySpec::default();
        assert!(
            !Command::Create { spec: spec.clone() }
                .permissions(false)
                .metadata
        );
        spec.repository_names = vec!["web".parse().unwrap()];
        let discover = Command::Discover {
            scope: crate::core::discover::Scope {
                include_archived: false,
                include_forks: false,
                parse: |_, _| Ok(Vec::new()),
            },
            format: crate::model::ExportFormat::Manifest,
            path: None,
        };
        assert_eq!(
            discover.permissions(false),
            Permissions {
                write: false,
                metadata: true,
                contents: true,
            }
        );
        let create = Command::Create { spec };
        assert_eq!(
            create.permissions(false),
            Permissions {
                write: true,
                metadata: true,
                contents: false,
            }
        );
    }
}
