//! The current request's session and performer, as the adapter hands them over.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::host::{self, Adapter, Result};

/// The facts about the current user that CaptchaGuard's decisions use.
#[derive(Debug, Clone, ZvalConvert)]
pub struct PerformerFacts {
    /// 0 for anonymous users.
    pub id: i64,
    pub name: String,
    pub registered: bool,
    pub skips_captcha: bool,
    pub exempt: bool,
    pub bot: bool,
    pub system: bool,
}

pub fn performer() -> Result<PerformerFacts> {
    host::call(Adapter::Performer, vec![])
}

/// Only the exemption, for the emergency check (one rights lookup, not four).
pub fn is_exempt() -> Result<bool> {
    host::call(Adapter::IsExempt, vec![])
}

pub fn get(key: &str) -> Result<Zval> {
    host::call_value(Adapter::SessionGet, vec![&key])
}

pub fn set(key: &str, value: &dyn ext_php_rs::convert::IntoZvalDyn) -> Result<()> {
    host::call_value(Adapter::SessionSet, vec![&key, value]).map(drop)
}

pub fn remove(key: &str) -> Result<()> {
    host::call_value(Adapter::SessionRemove, vec![&key]).map(drop)
}
