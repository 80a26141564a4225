//! ConfirmEdit's CAPTCHA instance: checking an answer and describing a fresh
//! CAPTCHA, whatever the configured type (QuestyCaptcha, FancyCaptcha, hCaptcha…).

use ext_php_rs::types::Zval;

use super::php::{self, Result};
use crate::policy::challenge::AnswerCheck;

/// The thin PHP class that reaches ConfirmEdit's protected, by-reference API.
const BRIDGE: &str = "MediaWiki\\Extension\\CaptchaGuard\\ConfirmEditBridge";

pub fn instance() -> Result<Zval> {
    php::call_named(
        "MediaWiki\\Extension\\ConfirmEdit\\Hooks::getInstance",
        vec![],
    )
}

/// Checks the answer sent with this request, if any. An empty request is not a
/// wrong answer: it is the first time the user is asked.
pub fn check_answer(captcha: &Zval, context: &Zval) -> Result<AnswerCheck> {
    let request = php::call(context, "getRequest", vec![])?;
    let user = php::call(context, "getUser", vec![])?;
    // The edit API names the fields captchaid/captchaword, the form wpCaptcha*.
    for (api, form) in [
        ("captchaid", "wpCaptchaId"),
        ("captchaword", "wpCaptchaWord"),
    ] {
        let value = php::call(&request, "getVal", vec![&api])?;
        if let Some(value) = value.string().filter(|v| !v.is_empty()) {
            php::call(&request, "setVal", vec![&form, &value])?;
        }
    }
    let params = php::call(captcha, "getCaptchaParamsFromRequest", vec![&request])?;
    let word_given = params
        .array()
        .and_then(|p| p.get_index(1))
        .and_then(|w| w.coerce_to_string())
        .is_some_and(|w| !w.is_empty());
    if !word_given {
        return Ok(AnswerCheck::NoAnswer);
    }
    // ConfirmEdit remembers a checked answer for the rest of the request, so
    // this agrees with its own check whichever ran first.
    let passed = php::call_bool(
        captcha,
        "passCaptchaLimitedFromRequest",
        vec![&request, &user],
    )?;
    Ok(if passed {
        AnswerCheck::Right
    } else {
        AnswerCheck::Wrong
    })
}

/// The `captcha` object ConfirmEdit puts in an API answer (type, id, question…).
pub fn api_data(captcha: &Zval) -> Result<Zval> {
    php::call_named(&format!("{BRIDGE}::apiData"), vec![captcha])
}
