//! `Adapter\ConfirmEditCompat`, the one place that knows ConfirmEdit's
//! internals: checking an answer, failing an edit the way ConfirmEdit does,
//! and showing a CAPTCHA.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::{call, call_value, BindingError, Method, Result};
use crate::policy::challenge::AnswerCheck;

const CLASS: &str = "Adapter\\ConfirmEditCompat";

const CHECK_ANSWER: Method = Method {
    class: CLASS,
    name: "checkAnswer",
    params: &[],
    returns: "string",
    is_static: true,
};
const CAPTCHA_LIFETIME: Method = Method {
    class: CLASS,
    name: "captchaLifetime",
    params: &[],
    returns: "int",
    is_static: true,
};
const FAIL_EDIT: Method = Method {
    class: CLASS,
    name: "failEdit",
    params: &["mixed", "string"],
    returns: "void",
    is_static: true,
};
const ADD_FORM: Method = Method {
    class: CLASS,
    name: "addForm",
    params: &["OutputPage"],
    returns: "void",
    is_static: true,
};
const MARK_ANSWER_FIELDS_USED: Method = Method {
    class: CLASS,
    name: "markAnswerFieldsUsed",
    params: &["ApiBase"],
    returns: "void",
    is_static: true,
};
const ADD_REASON_SCRIPT: Method = Method {
    class: CLASS,
    name: "addReasonScript",
    params: &["OutputPage"],
    returns: "void",
    is_static: true,
};

pub(super) const METHODS: &[Method] = &[
    CHECK_ANSWER,
    CAPTCHA_LIFETIME,
    FAIL_EDIT,
    ADD_FORM,
    MARK_ANSWER_FIELDS_USED,
    ADD_REASON_SCRIPT,
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

/// Checks the answer sent with this request, once per request.
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

/// Adds the CAPTCHA and its input to an OutputPage.
pub fn add_form(output: &Zval) -> Result<()> {
    call_value(&ADD_FORM, vec![output]).map(drop)
}

/// Tells ApiMain that the CAPTCHA fields of this request were read.
pub fn mark_answer_fields_used(module: &Zval) -> Result<()> {
    call_value(&MARK_ANSWER_FIELDS_USED, vec![module]).map(drop)
}

/// Adds the script showing why a filter asked for a CAPTCHA, where it can be needed.
pub fn add_reason_script(output: &Zval) -> Result<()> {
    call_value(&ADD_REASON_SCRIPT, vec![output]).map(drop)
}
