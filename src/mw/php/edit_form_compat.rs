//! `Adapter\EditFormCompat`: what the edit form carries to the next request.

use ext_php_rs::types::Zval;

use super::{call_value, static_method, Method, Result};

const CLASS: &str = "Adapter\\EditFormCompat";

const KEEP_SKIN: Method = static_method(CLASS, "keepSkin", &["OutputPage", "string"], "void");

pub(super) const METHODS: &[Method] = &[KEEP_SKIN];

/// The skin a reader chose for this page only (`useskin`) stays chosen on the
/// page the edit form's save answers with (a CAPTCHA, say).
pub fn keep_skin(output: &Zval, skin: &str) -> Result<()> {
    call_value(&KEEP_SKIN, vec![output, &skin]).map(drop)
}
