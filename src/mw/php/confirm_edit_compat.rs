//! `Adapter\ConfirmEditCompat`, the one place that knows ConfirmEdit's
//! internals: checking an answer, failing an edit the way ConfirmEdit does,
//! and showing a CAPTCHA.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use super::{call, call_value, static_method, BindingError, Method, Result};
use crate::policy::challenge::AnswerCheck;

const CLASS: &str = "Adapter\\ConfirmEditCompat";

const CHECK_ANSWER: Method = static_method(CLASS, "checkAnswer", &[], "string");
const CAPTCHA_LIFETIME: Method = static_method(CLASS, "captchaLifetime", &[], "int");
const FAIL_EDIT: Method = static_method(CLASS, "failEdit", &["mixed", "string"], "void");
const ADD_FORM: Method = static_method(CLASS, "addForm", &["OutputPage", "?EditPage"], "bool");
const MARK_ANSWER_FIELDS_USED: Method =
    static_method(CLASS, "markAnswerFieldsUsed", &["ApiBase"], "void");
const ADD_REASON_SCRIPT: Method = static_method(CLASS, "addReasonScript", &["OutputPage"], "void");
const ADD_FORM_INSIDE: Method =
    static_method(CLASS, "addFormInside", &["SpecialPage", "string"], "bool");
const WITH_HELP_BEFORE_BUTTONS: Method = static_method(
    CLASS,
    "withHelpBeforeButtons",
    &["EditPage", "array"],
    "array",
);
const HELP_LINE: Method = static_method(CLASS, "helpLine", &[], "string");
const ANSWER_PARAMS: Method = static_method(CLASS, "answerParams", &["ApiBase", "array"], "array");

pub(super) const METHODS: &[Method] = &[
    CHECK_ANSWER,
    CAPTCHA_LIFETIME,
    FAIL_EDIT,
    ADD_FORM,
    MARK_ANSWER_FIELDS_USED,
    ADD_REASON_SCRIPT,
    ADD_FORM_INSIDE,
    ANSWER_PARAMS,
    HELP_LINE,
    WITH_HELP_BEFORE_BUTTONS,
];

/// The outcomes `checkAnswer` reports, named by the module.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Adapter\\AnswerOutcome")]
pub struct AnswerOutcome;

#[php_impl]
impl AnswerOutcome {
    pub const NONE: &'static str = AnswerCheck::NoAnswer.name();
    pub const RIGHT: &'static str = AnswerCheck::Right.name();
    pub const WRONG: &'static str = AnswerCheck::Wrong.name();
}

/// Checks the answer sent with this request, once per request: every
/// filter that matches the same action (a move and its talk page's, two
/// filters on one edit) gets the first check's outcome.
pub fn check_answer() -> Result<AnswerCheck> {
    let answer: String = call(&CHECK_ANSWER, vec![])?;
    AnswerCheck::from_name(&answer).ok_or(BindingError::Unexpected {
        call: &CHECK_ANSWER,
        expected: "an AnswerOutcome constant",
        found: answer,
    })
}

/// Seconds a CAPTCHA stays answerable.
pub fn captcha_lifetime() -> Result<i64> {
    call(&CAPTCHA_LIFETIME, vec![])
}

/// Writes the CAPTCHA demand into the edit's shared Status.
pub fn fail_edit(status: &Zval, message_key: &str) -> Result<()> {
    call_value(&FAIL_EDIT, vec![status, &message_key]).map(drop)
}

/// Adds the CAPTCHA and its input to an edit form's OutputPage, unless
/// ConfirmEdit shows its own there; returns whether it was added.
pub fn add_form(output: &Zval, edit_page: &Zval) -> Result<bool> {
    call(&ADD_FORM, vec![output, edit_page])
}

/// Tells ApiMain that the CAPTCHA fields of this request were read.
pub fn mark_answer_fields_used(module: &Zval) -> Result<()> {
    call_value(&MARK_ANSWER_FIELDS_USED, vec![module]).map(drop)
}

/// Adds the script showing why a filter asked for a CAPTCHA, where it can be needed.
pub fn add_reason_script(output: &Zval) -> Result<()> {
    call_value(&ADD_REASON_SCRIPT, vec![output]).map(drop)
}

/// Adds the CAPTCHA at the top of the form `form_id` of a drawn special
/// page; false when the page has no such form.
pub fn add_form_inside(special: &Zval, form_id: &str) -> Result<bool> {
    call(&ADD_FORM_INSIDE, vec![special, &form_id])
}

/// The answer's parameters `module` must declare, if it is one of `modules`
/// (by name): `(name, settings)` pairs, none for other modules.
pub fn answer_params(module: &Zval, modules: Vec<String>) -> Result<Vec<(String, Zval)>> {
    let value = call_value(&ANSWER_PARAMS, vec![module, &modules])?;
    let table = value.array().ok_or_else(|| BindingError::Unexpected {
        call: &ANSWER_PARAMS,
        expected: "an array",
        found: format!("{:?}", value.get_type()),
    })?;
    Ok(table
        .iter()
        .map(|(name, settings)| (name.to_string(), settings.shallow_clone()))
        .collect())
}

/// The line for people who cannot solve CAPTCHAs, as HTML; empty when the
/// wiki turned it off.
pub fn help_line() -> Result<String> {
    call(&HELP_LINE, vec![])
}

/// The edit form's buttons with the help line first when ConfirmEdit shows
/// its own CAPTCHA in the form; the same buttons otherwise.
pub fn with_help_before_buttons(edit_page: &Zval, buttons: &Zval) -> Result<ZBox<ZendHashTable>> {
    let value = call_value(&WITH_HELP_BEFORE_BUTTONS, vec![edit_page, buttons])?;
    value
        .array()
        .map(ToOwned::to_owned)
        .ok_or_else(|| BindingError::Unexpected {
            call: &WITH_HELP_BEFORE_BUTTONS,
            expected: "an array",
            found: format!("{:?}", value.get_type()),
        })
}
