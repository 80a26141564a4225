//! `EditFilterMergedContent`: where a demanded CAPTCHA stops the edit.
//!
//! AbuseFilter's filters run inside this same hook, and whether our handler
//! runs before or after AbuseFilter's depends on the MediaWiki version and the
//! extension load order. So whichever comes second does the work: if our
//! handler is first it keeps the edit's Status for the consequence; if the
//! consequence is first it records the demand for our handler.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::host::{self, Level};
use super::{abusefilter, confirmedit, guard, risk_score};
use crate::state::request;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EditFilterHandler")]
pub struct EditFilterHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl EditFilterHandler {
    pub fn __construct() -> Self {
        EditFilterHandler
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
                abusefilter::demand_fail_safe();
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

/// Called by the consequence after recording a demand: if our hook already ran,
/// the demand goes into the kept Status now.
pub fn apply_to_kept_status() {
    if let Some(status) = request::with(|s| s.edit_status().map(Zval::shallow_clone)) {
        apply(&status);
    }
}

/// Makes the edit fail the way ConfirmEdit does, so EditPage shows the form
/// again and the API answers `result: Failure` with a `captcha` object.
fn apply(status: &Zval) {
    let Some(demand) = request::with(|s| s.unapplied().cloned()) else {
        return;
    };
    // Marked first: even if what follows fails, the edit is stopped by our hook's answer.
    request::with(|s| s.mark_applied());
    if let Err(error) = confirmedit::fail_edit(status, demand.message_key()) {
        host::log(
            Level::Error,
            "Could not show the CAPTCHA demanded by filter {filter} ({action}): {error}",
            &[("filter", &demand.filter), ("action", demand.action.name())],
            Some(&error),
        );
    }
    // Counted after the edit is stopped: an event never stands in its way.
    let event =
        risk_score::refused_event("failed_edit", &demand.filter, demand.action, demand.answer);
    risk_score::log_failure("failed_edit", event);
}
