//! A CAPTCHA demanded by a filter (or by our own failure) in this request:
//! recorded, and put into the edit's Status so the edit fails the way
//! ConfirmEdit makes it fail. The consequence (`abusefilter.rs`) records;
//! the edit hook (`edit_filter.rs`) applies; whichever runs second does the
//! work, so neither needs the other.

use ext_php_rs::types::Zval;

use super::events;
use super::php::confirm_edit_compat;
use super::php::host::{self, Level};
use crate::policy::challenge::{AnswerCheck, CaptchaAction};
use crate::policy::events::EventKind;
use crate::state::request;

/// Records the demand and, if our edit hook already ran, stops the edit now.
pub fn demand(filter: String, action: CaptchaAction, answer: AnswerCheck) {
    request::with(|s| {
        s.record(request::Demand {
            filter,
            action,
            answer,
        })
    });
    apply_to_kept_status();
}

/// When our own edit hook failed and cannot tell whether a filter asked for a
/// CAPTCHA: one is asked for, from everyone.
pub fn demand_fail_safe() {
    demand(
        "unknown".into(),
        CaptchaAction::Force,
        AnswerCheck::NoAnswer,
    );
}

/// If our edit hook already ran, the demand goes into the Status it kept.
fn apply_to_kept_status() {
    if let Some(status) = request::with(|s| s.edit_status().map(Zval::shallow_clone)) {
        apply(&status);
    }
}

/// Makes the edit fail the way ConfirmEdit does, so EditPage shows the form
/// again and the API answers `result: Failure` with a `captcha` object.
pub fn apply(status: &Zval) {
    let Some(demand) = request::with(|s| s.unapplied().cloned()) else {
        return;
    };
    // Marked first: even if what follows fails, the edit is stopped by our hook's answer.
    request::with(|s| s.mark_applied());
    if let Err(error) = confirm_edit_compat::fail_edit(status, demand.message_key()) {
        host::log(
            Level::Error,
            "Could not show the CAPTCHA demanded by filter {filter} ({action}): {error}",
            &[("filter", &demand.filter), ("action", demand.action.name())],
            Some(&error),
        );
    }
    // Counted after the edit is stopped: an event never stands in its way.
    let event = events::refused_event(
        EventKind::FailedEdit,
        &demand.filter,
        demand.action,
        demand.answer,
    );
    events::log_failure(EventKind::FailedEdit, event);
}
