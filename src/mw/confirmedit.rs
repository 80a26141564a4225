//! ConfirmEdit, through its compatibility adapter (includes/Adapter/ConfirmEditCompat.php,
//! the one place that knows ConfirmEdit's internals): checking an answer,
//! failing an edit the way ConfirmEdit does, and showing a CAPTCHA.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::host::{self, Adapter, BindingError, Result};
use crate::policy::challenge::AnswerCheck;

/// The outcomes `ConfirmEditCompat::checkAnswer` reports, named by the module.
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
    let answer: String = host::call(Adapter::CheckAnswer, vec![])?;
    AnswerCheck::from_name(&answer).ok_or(BindingError::Unexpected {
        call: Adapter::CheckAnswer,
        expected: "none, right or wrong",
        found: answer,
    })
}

/// Seconds a CAPTCHA stays answerable.
pub fn captcha_lifetime() -> Result<i64> {
    host::call(Adapter::CaptchaLifetime, vec![])
}

/// Writes the CAPTCHA demand into the edit's shared Status.
pub fn fail_edit(status: &Zval, message_key: &str) -> Result<()> {
    host::call_value(Adapter::FailEdit, vec![status, &message_key]).map(drop)
}

/// Adds the CAPTCHA and its input to an OutputPage.
pub fn add_form(output: &Zval) -> Result<()> {
    host::call_value(Adapter::AddForm, vec![output]).map(drop)
}

/// Tells ApiMain that the CAPTCHA fields of this request were read.
pub fn mark_answer_fields_used(module: &Zval) -> Result<()> {
    host::call_value(Adapter::MarkAnswerFieldsUsed, vec![module]).map(drop)
}

/// Adds the script showing why a filter asked for a CAPTCHA, where it can be needed.
pub fn add_reason_script(output: &Zval) -> Result<()> {
    host::call_value(Adapter::AddReasonScript, vec![output]).map(drop)
}
