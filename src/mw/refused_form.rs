//! Actions AbuseFilter refuses for a filter's CAPTCHA whose special page has
//! no hook for a form field (Special:MovePage): the CAPTCHA goes into the
//! form once it is drawn, and the action's API module takes the answer.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::guard;
use super::php::host::{self, Level};
use super::php::{confirm_edit_compat, BindingError};
use crate::policy::challenge::FilteredAction;
use crate::state::request;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\RefusedFormHandler")]
pub struct RefusedFormHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl RefusedFormHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(RefusedFormHandler)
    }

    /// The refused action's page was drawn: its form gets the CAPTCHA.
    #[php(name = "onSpecialPageAfterExecute")]
    pub fn on_special_page_after_execute(&self, special: &Zval, sub_page: &Zval, extra: &[&Zval]) {
        // Without the CAPTCHA the action is refused again: closed.
        guard::contained(
            "RefusedFormHandler::SpecialPageAfterExecute",
            || (),
            || {
                let Some(form_id) =
                    request::with(|s| s.refusal()).and_then(|(action, _)| action.form_id())
                else {
                    return;
                };
                match confirm_edit_compat::add_form_inside(special, form_id) {
                    Ok(true) => {}
                    Ok(false) => host::log(
                        Level::Error,
                        "The refused action's form {form} was not on the page: no CAPTCHA shown",
                        &[("form", form_id)],
                        None,
                    ),
                    Err(error) => host::log(
                        Level::Error,
                        "Could not add the CAPTCHA to the form {form}: {error}",
                        &[("form", form_id)],
                        Some(&error),
                    ),
                }
            },
        );
    }

    /// The API modules of the actions a filter's CAPTCHA can refuse declare
    /// `captchaid` and `captchaword` (ConfirmEdit declares the edit's).
    #[php(name = "onAPIGetAllowedParams")]
    pub fn on_api_get_allowed_params(
        &self,
        module: &Zval,
        mut params: PhpRef,
        flags: &Zval,
        extra: &[&Zval],
    ) {
        // Without them the answer is reported as unrecognised and the action
        // asked again: closed.
        guard::contained(
            "RefusedFormHandler::APIGetAllowedParams",
            || (),
            || {
                let modules: Vec<String> = FilteredAction::WITH_API_ANSWER
                    .iter()
                    .filter_map(|action| action.api_module())
                    .map(str::to_owned)
                    .collect();
                let added = confirm_edit_compat::answer_params(module, modules).and_then(|added| {
                    let Some(params) = params.array_mut() else {
                        return Ok(());
                    };
                    for (name, spec) in added {
                        params.insert(name.as_str(), spec).map_err(|error| {
                            BindingError::Build {
                                what: "the API module's parameters",
                                reason: error.to_string(),
                            }
                        })?;
                    }
                    Ok(())
                });
                if let Err(error) = added {
                    host::log(
                        Level::Error,
                        "Could not declare the CAPTCHA answer's API parameters: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }
}
