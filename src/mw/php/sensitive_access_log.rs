//! `Sensitive\SensitiveAccessLog`: the `captchaguard-sensitive` log.

use super::{call_value, static_method, Method, Result};

const CLASS: &str = "Sensitive\\SensitiveAccessLog";

const WRITE: Method = static_method(
    CLASS,
    "write",
    &["string", "string", "string", "string"],
    "void",
);

pub(super) const METHODS: &[Method] = &[WRITE];

/// One look: its kind (a `SensitiveAccess` name), what was looked at, the
/// page or module used, and the rules run for a test.
pub fn write(access: &str, target: &str, via: &str, tested: &str) -> Result<()> {
    call_value(&WRITE, vec![&access, &target, &via, &tested]).map(drop)
}
