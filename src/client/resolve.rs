//! Name resolution for the run's agent: each host is resolved once a run. ureq's default
//! resolver starts a thread for every request when a timeout is set, a pooled connection or
//! not (strace: one `clone3` a request); here only the first request to a host does.

use std::sync::Mutex;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// [`DefaultResolver`] (with its timeout), remembering each `scheme://host:port` it resolved.
#[derive(Debug, Default)]
pub struct Once {
    inner: DefaultResolver,
    known: Mutex<Vec<(String, ResolvedSocketAddrs)>>,
}

impl Once {
    /// How many hosts have been resolved.
    #[cfg(test)]
    fn resolved(&self) -> usize {
        self.known.lock().map_or(0, |k| k.len())
    }
}

fn key(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or_default();
    let authority = uri.authority().map_or("", |a| a.as_str());
    format!("{scheme}://{authority}")
}

impl Resolver for Once {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = key(uri);
        if let Ok(known) = self.known.lock()
            && let Some((_, addrs)) = known.iter().find(|(k, _)| *k == key)
        {
            return Ok(addrs.clone());
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Ok(mut known) = self.known.lock() {
            known.push((key, addrs.clone()));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_resolved_once_and_each_host_apart() {
        let once = Once::default();
        let config = Config::default();
        let at = |uri: &str| {
            let uri: Uri = uri.parse().unwrap();
            once.resolve(&uri, &config, NextTimeout::default()).unwrap()[0]
        };
        let first = at("https://127.0.0.1:9/orgs/acme/private-registries?page=1");
        assert_eq!(first, "127.0.0.1:9".parse().unwrap());
        assert_eq!(
            at("https://127.0.0.1:9/orgs/acme/private-registries?page=2"),
            first
        );
        assert_eq!(once.resolved(), 1);
        assert_eq!(at("http://127.0.0.1:10/x"), "127.0.0.1:10".parse().unwrap());
        assert_eq!(once.resolved(), 2);
    }
}
