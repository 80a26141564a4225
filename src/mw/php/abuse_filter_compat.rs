//! `AbuseFilter\AbuseFilterCompat`, what CaptchaGuard copies of AbuseFilter's internals.

use ext_php_rs::types::Zval;

use super::{call_value, static_method, Method, Result};

const CLASS: &str = "AbuseFilter\\AbuseFilterCompat";

const DECLARE_SENSITIVE_VARIABLES: Method = static_method(
    CLASS,
    "declareSensitiveVariables",
    &[
        "MediaWiki\\Extension\\AbuseFilter\\Variables\\VariableHolder",
        "string",
        "array",
        "bool",
    ],
    "void",
);

pub(super) const METHODS: &[Method] = &[DECLARE_SENSITIVE_VARIABLES];

/// Declares `names` in `vars` as computed on demand: AbuseFilter hands
/// `lazy_method` back to AbuseFilter-interceptVariable when a filter reads one.
pub fn declare_sensitive_variables(
    vars: &Zval,
    lazy_method: &str,
    names: Vec<&str>,
    own_request: bool,
) -> Result<()> {
    call_value(
        &DECLARE_SENSITIVE_VARIABLES,
        vec![vars, &lazy_method, &names, &own_request],
    )
    .map(drop)
}
