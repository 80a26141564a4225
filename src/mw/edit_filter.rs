//! `EditFilterMergedContent`: where a demanded CAPTCHA stops the edit.
//!
//! AbuseFilter's filters run inside this same hook, and whether our handler
//! runs before or after AbuseFilter's depends on the MediaWiki version and the
//! extension load order. So whichever comes second does the work: if our
//! handler is first it keeps the edit's Status for the consequence; if the
//! consequence is first it records the demand for our handler.

use std::cell::RefCell;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::confirmedit;
use super::php::{self, BindingError, Result};
use crate::state::request;

thread_local! {
    /// The Status of the edit being filtered in this request, if our handler ran first.
    static EDIT_STATUS: RefCell<Option<Zval>> = const { RefCell::new(None) };
}

/// Forgets the kept Status (request end).
pub fn reset() {
    EDIT_STATUS.with(|s| s.borrow_mut().take());
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EditFilterHandler")]
pub struct EditFilterHandler;

#[php_impl]
// MediaWiki passes every hook argument; names stay for the stubs.
#[allow(unused_variables)]
impl EditFilterHandler {
    pub fn __construct() -> Self {
        EditFilterHandler
    }

    /// Returns false (stop the edit) when a CAPTCHA was demanded and is now in the Status.
    #[php(name = "onEditFilterMergedContent")]
    pub fn on_edit_filter_merged_content(
        &self,
        context: &Zval,
        content: &Zval,
        status: &Zval,
        summary: &Zval,
        user: &Zval,
        minor_edit: &Zval,
    ) -> bool {
        if request::with(|s| s.unapplied().is_some()) {
            apply_or_log(status);
            // Stop the edit even if writing the Status failed: a CAPTCHA was demanded.
            return false;
        }
        EDIT_STATUS.with(|s| *s.borrow_mut() = Some(status.shallow_clone()));
        true
    }
}

/// Called by the consequence after recording a demand: if our hook already ran,
/// the demand goes into the kept Status now.
pub fn apply_to_kept_status() {
    let status = EDIT_STATUS.with(|s| s.borrow().as_ref().map(Zval::shallow_clone));
    if let Some(status) = status {
        apply_or_log(&status);
    }
}

fn apply_or_log(status: &Zval) {
    let demand = request::with(|s| s.demand().cloned());
    if let (Err(error), Some(demand)) = (apply(status), demand) {
        php::log(
            "error",
            &format!(
                "Could not show the CAPTCHA demanded by filter {} ({}): {error}",
                demand.filter, demand.action
            ),
        );
    }
}

/// Makes the edit fail the way ConfirmEdit does, so EditPage shows the form
/// again and the API answers `result: Failure` with a `captcha` object.
fn apply(status: &Zval) -> Result<()> {
    let Some(message) = request::with(|s| s.unapplied().map(|d| d.message_key())) else {
        return Ok(());
    };
    // Marked first: even if what follows fails, the edit is stopped below.
    request::with(|s| s.mark_applied());
    let mut status = status.shallow_clone();
    php::call(&status, "fatal", vec![&message])?;
    let hook_error_expected =
        php::call_named("constant", vec![&"EditPage::AS_HOOK_ERROR_EXPECTED"])?;
    let captcha = confirmedit::instance()?;
    let api_data = confirmedit::api_data(&captcha)?;
    let object = status.object_mut().ok_or_else(|| {
        BindingError::Unexpected(
            "EditFilterMergedContent".into(),
            "a non-object Status".into(),
        )
    })?;
    object
        .set_property("value", hook_error_expected)
        .and_then(|()| object.set_property("statusData", api_data))
        .map_err(|e| BindingError::Call("Status properties".into(), e.to_string()))
}
