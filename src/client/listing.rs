//! A listing checked page by page: every page reports the same `total_count`, what is seen adds
//! up to it exactly, and `Link: rel="next"` names the next page (the last none); otherwise the
//! error says what was seen, and nothing listed so far is trusted.

use super::*;

use anyhow::{Result, bail};

use crate::model::Page;

/// Where a listing stands after one page: what it saw, what the server says there is.
pub(super) struct Listed {
    pub(super) page: u32,
    pub(super) got: usize,
    pub(super) listed: u64,
    pub(super) total: u64,
    pub(super) page_total: u64,
    pub(super) next: Option<u32>,
}

impl Listed {
    /// Whether this page ends the listing; an error when the pages disagree with each other
    /// or with the `total_count`, saying what was seen (nothing listed so far is trusted).
    pub(super) fn is_last(&self) -> Result<bool> {
        let Listed {
            page,
            got,
            listed,
            total,
            page_total,
            next,
        } = *self;
        let at = format!(
            "listing the configurations is inconsistent: page {page} (after {listed} configurations, {total} reported)"
        );
        let check = "the listing cannot be trusted, so nothing was planned or written; run again, and if it persists check the org's configurations in its settings";
        if page_total != total {
            bail!(
                "{at} reports {page_total} configurations where page 1 reported {total}; {check}"
            );
        }
        if next.is_some_and(|n| n != page + 1) {
            bail!(
                "{at} links to page {} as the next one, not to page {}; {check}",
                next.unwrap_or_default(),
                page + 1
            );
        }
        if listed > total {
            bail!("{at} has more configurations than reported; {check}");
        }
        let end = got < PER_PAGE as usize || listed == total;
        if end && listed < total {
            bail!("{at} ends the listing short of the count reported; {check}");
        }
        if end && next.is_some() {
            bail!("{at} ends the listing but links to a next page; {check}");
        }
        Ok(end)
    }
}

/// Refuses a page that cannot be a true page of the listing, or a listing past its bounds.
pub(super) fn check_page(page: u32, p: &Page, bytes: usize) -> Result<()> {
    let at = format!("listing the configurations: page {page}");
    if p.total_count > MAX_CONFIGURATIONS {
        bail!(
            "{at} reports {} configurations; this tool reads at most {MAX_CONFIGURATIONS}",
            p.total_count
        );
    }
    if p.configurations.len() > PER_PAGE as usize {
        bail!(
            "{at} holds {} configurations, more than the {PER_PAGE} asked for",
            p.configurations.len()
        );
    }
    if p.configurations.iter().any(|c| c.name.is_empty()) {
        bail!("{at} holds a configuration without a name");
    }
    if bytes > MAX_LISTING_BYTES {
        bail!(
            "{at} takes the listing past {} MiB; this tool reads at most that",
            MAX_LISTING_BYTES >> 20
        );
    }
    Ok(())
}
