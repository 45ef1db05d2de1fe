//! The read-only operations: `list`, `get`, `public-key`.

use anyhow::Result;
use serde_json::Value;

use super::{Ctx, registries_table};
use crate::outputs::{Reporter, table};
use crate::types::ConfigName;

/// `list`: only `page` (of `per_page`) when given, else every page, 100 a request (⌈n/100⌉).
pub fn list(ctx: &Ctx, per_page: u32, page: Option<u32>, report: &mut Reporter) -> Result<()> {
    let listing = match page {
        Some(page) => ctx.client.list_page(per_page, page)?,
        None => ctx.client.list_all()?,
    };
    let shown = listing.configurations.len();
    report.text("result", "listed");
    report.json("total_count", listing.total_count.into());
    report.summary(&format!(
        "### Private registries of {} ({} of {})\n\n",
        ctx.client.org(),
        shown,
        listing.total_count
    ));
    report.summary(&registries_table(&listing.configurations));
    report.json("registries", Value::Array(listing.configurations));
    Ok(())
}

/// `get`: one configuration by name (1 request).
pub fn get(ctx: &Ctx, name: &ConfigName, report: &mut Reporter) -> Result<()> {
    let config = ctx.client.get(name)?;
    report.text("result", "fetched");
    report.text("name", name.as_str());
    report.summary(&format!(
        "### Private registry {name} of {}\n\n",
        ctx.client.org()
    ));
    report.summary(&registries_table(std::slice::from_ref(&config)));
    report.json("registry", config);
    Ok(())
}

/// `public-key`: the org key secrets are sealed with (1 request).
pub fn public_key(ctx: &Ctx, report: &mut Reporter) -> Result<()> {
    let key = ctx.public_key()?;
    report.text("result", "fetched");
    report.text("key_id", key.key_id.clone());
    report.text("key", key.key.clone());
    report.summary(&format!(
        "### Private registries public key of {}\n\n",
        ctx.client.org()
    ));
    report.summary(&table(
        &["key_id", "key"],
        &[vec![key.key_id.clone(), key.key.clone()]],
    ));
    Ok(())
}
