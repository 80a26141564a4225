//! CAPTCHA filters on sign-ups. AbuseFilter checks a sign-up before ConfirmEdit
//! does, and there is no edit Status: a demand fails the sign-up through
//! AbuseFilter (the consequence is a hook aborter) and is kept in the session
//! until the CAPTCHA's lifetime ends, so ConfirmEdit's trigger hook puts its
//! CAPTCHA in the sign-up form (web and API) until it is answered.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, ZendHashTable, Zval};

use super::events;
use super::guard;
use super::php::host::{self, Level};
use super::php::{confirm_edit_compat, BindingError, Result};
use crate::policy::challenge::{AnswerCheck, CaptchaAction, FilteredAction};
use crate::policy::events::EventKind;
use crate::state::{clock, request};

/// Session key: the Unix time until which this session's sign-ups need a CAPTCHA.
const PENDING_UNTIL: &str = "captchaguard-createaccount-captcha-until";

/// A filter asked for a CAPTCHA on this sign-up and `answer` came with it:
/// returns whether the sign-up must be stopped.
pub fn challenge(filter: &str, action: CaptchaAction, answer: AnswerCheck) -> Result<bool> {
    if answer == AnswerCheck::Right {
        request::with(|s| s.mark_sign_up_answered());
        host::session_remove(PENDING_UNTIL)?;
        return Ok(false);
    }
    request::with(|s| s.refuse(FilteredAction::AccountCreation, answer));
    let until = clock::unix_now() + confirm_edit_compat::captcha_lifetime()?;
    host::session_set(PENDING_UNTIL, &until)?;
    let event = events::refused_event(EventKind::FailedAccountCreation, filter, action, answer);
    events::log_failure(EventKind::FailedAccountCreation, event);
    Ok(true)
}

/// Whether ConfirmEdit must show its CAPTCHA in this session's sign-up form.
/// Not once this request answered it: ConfirmEdit 1.39 cannot check an
/// answer twice. A session that cannot be read asks for one.
pub fn captcha_pending() -> bool {
    if request::with(|s| s.sign_up_was_answered()) {
        return false;
    }
    match host::session_get(PENDING_UNTIL) {
        Ok(value) => value.long().is_some_and(|until| until > clock::unix_now()),
        Err(error) => {
            host::log(
                Level::Error,
                "Could not read the sign-up CAPTCHA demand, asking for a CAPTCHA: {error}",
                &[],
                Some(&error),
            );
            true
        }
    }
}

/// `AuthChangeFormFields`: the sign-up form shown again after a wrong answer
/// to a filter's CAPTCHA has a new CAPTCHA and an empty answer field (not the
/// wrong word). Only that second form of the request: the one the answer is
/// read from still takes it from the request.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\SignUpFormHandler")]
pub struct SignUpFormHandler;

/// ConfirmEdit's answer field in the sign-up form (CaptchaAuthenticationRequest).
const ANSWER_FIELD: &str = "captchaWord";
/// Our field under it: the line for people who cannot solve CAPTCHAs.
const HELP_FIELD: &str = "captchaguard-help";

/// Under the CAPTCHA of a sign-up form (whoever asked for it), the line for
/// people who cannot solve CAPTCHAs, as HTMLForm's raw `info` field. Weighed
/// just after the answer field, whose place AuthManagerSpecialPage keeps.
fn add_help_line(form_descriptor: &mut PhpRef) {
    let Some(form) = form_descriptor.array_mut() else {
        return;
    };
    let Some(answer_weight) = form.get(ANSWER_FIELD).and_then(Zval::array).map(|field| {
        field
            .get("weight")
            .and_then(|weight| weight.double().or_else(|| weight.long().map(|w| w as f64)))
            .unwrap_or(0.0)
    }) else {
        return;
    };
    let added = confirm_edit_compat::help_line().and_then(|html| {
        if html.is_empty() {
            return Ok(());
        }
        let mut field = ZendHashTable::new();
        let built = field
            .insert("type", "info")
            .and_then(|()| field.insert("raw", true))
            .and_then(|()| field.insert("default", html))
            .and_then(|()| field.insert("weight", answer_weight + 0.5))
            .and_then(|()| form.insert(HELP_FIELD, field));
        built.map_err(|error| BindingError::Build {
            what: "the sign-up form's help line",
            reason: error.to_string(),
        })
    });
    if let Err(error) = added {
        host::log(
            Level::Warning,
            "Could not add the CAPTCHA help line to the sign-up form: {error}",
            &[],
            Some(&error),
        );
    }
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl SignUpFormHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(SignUpFormHandler)
    }

    #[php(name = "onAuthChangeFormFields")]
    pub fn on_auth_change_form_fields(
        &self,
        requests: &Zval,
        field_info: &Zval,
        mut form_descriptor: PhpRef,
        action: &Zval,
        extra: &[&Zval],
    ) {
        // At worst the wrong word stays in the field or the help line is
        // missing: nothing to fail safe for.
        guard::contained(
            "AuthChangeFormFields",
            || (),
            || {
                add_help_line(&mut form_descriptor);
                if request::with(|s| s.sign_up_refusal()) != Some(AnswerCheck::Wrong) {
                    return;
                }
                let field = form_descriptor
                    .array_mut()
                    .and_then(|form| form.get_mut(ANSWER_FIELD))
                    .and_then(Zval::array_mut);
                if let Some(field) = field {
                    // Shown with its default (empty), not the request's value.
                    if let Err(error) = field.insert("nodata", true) {
                        host::log(
                            Level::Warning,
                            "Could not empty the sign-up form's CAPTCHA answer: {error}",
                            &[("error", &error.to_string())],
                            None,
                        );
                    }
                }
            },
        );
    }
}
