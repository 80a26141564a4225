//! `EditPage::showEditForm:fields`: the CAPTCHA prompt above the edit box,
//! and the reader's one-page skin carried to the save's answer.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

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
                match confirm_edit_compat::add_form(output, edit_page) {
                    Ok(added) => request::with(|s| s.set_prompt_in_form(added)),
                    Err(error) => host::log(
                        Level::Error,
                        "Could not add the CAPTCHA to the edit form: {error}",
                        &[],
                        Some(&error),
                    ),
                }
            },
        );
    }

    /// The emergency switch's CAPTCHA is ConfirmEdit's own, which it adds
    /// while the buttons are built: the line for people who cannot solve
    /// CAPTCHAs goes first among the buttons, so right under it.
    #[php(name = "onEditPageBeforeEditButtons")]
    pub fn on_edit_page_before_edit_buttons(
        &self,
        edit_page: &Zval,
        mut buttons: PhpRef,
        tabindex: &Zval,
        extra: &[&Zval],
    ) {
        // At worst the line is missing: nothing to fail safe for.
        guard::contained(
            "EditPageBeforeEditButtons",
            || (),
            || {
                // A filter's CAPTCHA, ours, has the line already.
                if request::with(|s| s.prompt_in_form()) {
                    return;
                }
                match confirm_edit_compat::with_help_before_buttons(edit_page, &buttons) {
                    Ok(with_help) => buttons.set_hashtable(with_help),
                    Err(error) => host::log(
                        Level::Warning,
                        "Could not add the CAPTCHA help line to the edit form: {error}",
                        &[],
                        Some(&error),
                    ),
                }
            },
        );
    }
}
