//! `EditPage::showEditForm:fields`: the CAPTCHA prompt above the edit box,
//! and the reader's one-page skin carried to the save's answer.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::guard;
use super::php::host::{self, Level};
use super::php::{confirm_edit_compat, edit_form_compat};
use crate::state::request;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EditFormHandler")]
pub struct EditFormHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl EditFormHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(EditFormHandler)
    }

    /// The error box with our message is already above the form (EditPage
    /// shows the Status); the CAPTCHA itself goes at the top of the form.
    #[php(name = "onEditPage__showEditForm_fields")]
    pub fn on_edit_page_show_edit_form_fields(
        &self,
        edit_page: &Zval,
        output: &Zval,
        extra: &[&Zval],
    ) {
        // Without the CAPTCHA in the form, the next save is refused again: closed.
        guard::contained(
            "EditPage::showEditForm:fields",
            || (),
            || {
                let kept = host::value("useskin").and_then(|skin| {
                    if skin.is_empty() {
                        return Ok(());
                    }
                    edit_form_compat::keep_skin(output, &skin)
                });
                if let Err(error) = kept {
                    host::log(
                        Level::Warning,
                        "Could not keep the reader's skin in the edit form: {error}",
                        &[],
                        Some(&error),
                    );
                }
                if !request::with(|s| s.was_applied()) {
                    return;
                }
                if let Err(error) = confirm_edit_compat::add_form(output) {
                    host::log(
                        Level::Error,
                        "Could not add the CAPTCHA to the edit form: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }
}
