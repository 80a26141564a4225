//! `APIAfterExecute`: the CAPTCHA answer fields an API edit sent count as read.
//!
//! Editors built on the API (VisualEditor) send the form's field names, and
//! ConfirmEdit copies the edit API's names onto the main request under them;
//! the edit check reads them there, but ApiMain would report them as
//! unrecognised parameters in every answered edit.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::guard;
use super::php::confirm_edit_compat;
use super::php::host::{self, Level};
use crate::state::request;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\ApiHandler")]
pub struct ApiHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl ApiHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(ApiHandler)
    }

    /// Runs after the module, before ApiMain lists the parameters nobody read.
    #[php(name = "onAPIAfterExecute")]
    pub fn on_api_after_execute(&self, module: &Zval, extra: &[&Zval]) {
        // At worst a spurious warning stays in the answer.
        guard::contained(
            "APIAfterExecute",
            || (),
            || {
                if !request::with(|s| s.edit_was_filtered()) {
                    return;
                }
                if let Err(error) = confirm_edit_compat::mark_answer_fields_used(module) {
                    host::log(
                        Level::Warning,
                        "Could not mark the CAPTCHA fields as read: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }
}
