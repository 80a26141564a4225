//! `EditFilterMergedContent`: where a demanded CAPTCHA stops the edit.
//!
//! AbuseFilter's filters run inside this same hook, and whether our handler
//! runs before or after AbuseFilter's depends on the MediaWiki version and the
//! extension load order. So whichever comes second does the work: if our
//! handler is first it keeps the edit's Status for the consequence; if the
//! consequence is first it records the demand for our handler.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::demand::{self, apply};
use super::guard;
use super::php::host;
use crate::state::request;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EditFilterHandler")]
pub struct EditFilterHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl EditFilterHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(EditFilterHandler)
    }

    /// Returns false (stop the edit) when a CAPTCHA was demanded and is now in the Status.
    #[php(name = "onEditFilterMergedContent")]
    #[allow(clippy::too_many_arguments)]
    pub fn on_edit_filter_merged_content(
        &self,
        context: &Zval,
        content: &Zval,
        status: &Zval,
        summary: &Zval,
        user: &Zval,
        minor_edit: &Zval,
        extra: &[&Zval],
    ) -> bool {
        guard::contained(
            "EditFilterMergedContent",
            || {
                // Whether a filter asked for a CAPTCHA is unknown: ask for one.
                demand::demand_fail_safe();
                apply(status);
                false
            },
            || {
                request::with(|s| s.mark_edit_filtered());
                if request::with(|s| s.unapplied().is_some()) {
                    apply(status);
                    // Stop the edit even if writing the Status failed: a CAPTCHA was demanded.
                    return false;
                }
                request::with(|s| s.keep_edit_status(status.shallow_clone()));
                true
            },
        )
    }
}
