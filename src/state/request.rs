//! What CaptchaGuard learned during the current request, in one place. PHP-FPM
//! workers serve many requests, so this is cleared at request start and end.

use std::cell::RefCell;

use ext_php_rs::types::Zval;

use crate::policy::challenge::{AnswerCheck, CaptchaAction, FilteredAction};
use crate::policy::outcomes::RequestOutcomes;

/// A CAPTCHA demanded by a filter in this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub filter: String,
    pub action: CaptchaAction,
    pub answer: AnswerCheck,
}

impl Demand {
    pub fn message_key(&self) -> &'static str {
        // A demand is only recorded for a missing or wrong answer.
        self.answer
            .prompt_message()
            .unwrap_or("captchaguard-flagged")
    }
}

/// A token checked with siteverify in this request.
#[derive(Debug)]
struct Verified {
    token: Vec<u8>,
    passed: bool,
    /// Solved with a key that cannot satisfy a demanded CAPTCHA (the usual,
    /// passive one where an always-challenge key is configured).
    with_usual_key: bool,
}

/// `S` is the kept edit Status: a PHP value in the module, anything in tests
/// (which run without PHP).
#[derive(Debug)]
pub struct RequestState<S> {
    demand: Option<Demand>,
    /// Set once the demand was written into the edit's Status.
    applied: bool,
    /// The Status of the edit being filtered, kept when our
    /// EditFilterMergedContent handler ran before AbuseFilter's filters.
    edit_status: Option<S>,
    /// The CAPTCHA token verified in this request and the outcome: a token
    /// is single-use, so a second check (another filter, another trigger)
    /// must get this answer instead of asking siteverify again.
    verification: Option<Verified>,
    /// Set when the emergency switch (or a filter, for a sign-up) made
    /// ConfirmEdit ask for its CAPTCHA in this request.
    trigger_demanded: bool,
    /// Set when the edit form got our CAPTCHA prompt (with its help line).
    prompt_in_form: bool,
    /// Set when an edit went through the edit filter hook in this request.
    edit_filtered: bool,
    /// Set when this request's sign-up answered the CAPTCHA a filter asked for.
    sign_up_answered: bool,
    /// The action AbuseFilter refused for a filter's CAPTCHA in this request
    /// (a sign-up, a move) and what came with it: its message says.
    refusal: Option<(FilteredAction, AnswerCheck)>,

    /// The actions AbuseFilterHandler registered with AbuseFilter in this
    /// request (its settings, read once by HandlerFactory).
    registered_actions: Option<Vec<CaptchaAction>>,
    /// The CAPTCHA outcomes counted in this request, written at its end.
    outcomes: RequestOutcomes,
}

impl<S> Default for RequestState<S> {
    fn default() -> Self {
        RequestState {
            demand: None,
            applied: false,
            edit_status: None,
            verification: None,
            trigger_demanded: false,
            prompt_in_form: false,
            edit_filtered: false,
            sign_up_answered: false,
            refusal: None,
            registered_actions: None,
            outcomes: RequestOutcomes::default(),
        }
    }
}

impl<S> RequestState<S> {
    /// Keeps the first demand: one CAPTCHA answers every filter of the edit.
    pub fn record(&mut self, demand: Demand) {
        if self.demand.is_none() {
            self.demand = Some(demand);
        }
    }

    pub fn demand(&self) -> Option<&Demand> {
        self.demand.as_ref()
    }

    /// The demand, if it still has to be written into the edit's Status.
    pub fn unapplied(&self) -> Option<&Demand> {
        self.demand.as_ref().filter(|_| !self.applied)
    }

    pub fn mark_applied(&mut self) {
        self.applied = true;
    }

    pub fn was_applied(&self) -> bool {
        self.applied
    }

    pub fn mark_edit_filtered(&mut self) {
        self.edit_filtered = true;
    }

    pub fn edit_was_filtered(&self) -> bool {
        self.edit_filtered
    }

    pub fn register_actions(&mut self, actions: &[CaptchaAction]) {
        self.registered_actions = Some(actions.to_vec());
    }

    /// None when AbuseFilter did not ask for the actions in this request.
    pub fn registered_actions(&self) -> Option<&[CaptchaAction]> {
        self.registered_actions.as_deref()
    }

    pub fn mark_sign_up_answered(&mut self) {
        self.sign_up_answered = true;
    }

    pub fn sign_up_was_answered(&self) -> bool {
        self.sign_up_answered
    }

    /// Keeps the first refusal: a wrong answer is wrong for every filter.
    pub fn refuse(&mut self, action: FilteredAction, answer: AnswerCheck) {
        self.refusal.get_or_insert((action, answer));
    }

    pub fn refusal(&self) -> Option<(FilteredAction, AnswerCheck)> {
        self.refusal
    }

    /// What came with a sign-up a filter stopped in this request.
    pub fn sign_up_refusal(&self) -> Option<AnswerCheck> {
        self.refusal
            .filter(|(action, _)| *action == FilteredAction::AccountCreation)
            .map(|(_, answer)| answer)
    }

    pub fn outcomes(&mut self) -> &mut RequestOutcomes {
        &mut self.outcomes
    }

    pub fn keep_edit_status(&mut self, status: S) {
        self.edit_status = Some(status);
    }

    pub fn edit_status(&self) -> Option<&S> {
        self.edit_status.as_ref()
    }

    pub fn remember_verification(&mut self, token: &[u8], passed: bool, with_usual_key: bool) {
        self.verification = Some(Verified {
            token: token.to_vec(),
            passed,
            with_usual_key,
        });
    }

    /// The outcome of this request's verification of `token`, if it had one.
    pub fn verification_of(&self, token: &[u8]) -> Option<bool> {
        self.verification
            .as_ref()
            .filter(|verified| verified.token == token)
            .map(|verified| verified.passed)
    }

    /// Whether this request's CAPTCHA passed, but with a key that cannot
    /// satisfy a demand: the demand then asks again, with the challenge key.
    pub fn passed_with_usual_key(&self) -> bool {
        self.verification
            .as_ref()
            .is_some_and(|verified| verified.passed && verified.with_usual_key)
    }

    pub fn set_prompt_in_form(&mut self, added: bool) {
        self.prompt_in_form = added;
    }

    pub fn prompt_in_form(&self) -> bool {
        self.prompt_in_form
    }

    pub fn mark_trigger_demanded(&mut self) {
        self.trigger_demanded = true;
    }

    /// Whether a filter or the emergency switch asked for this request's
    /// CAPTCHA (rather than one of ConfirmEdit's own triggers).
    pub fn captcha_demanded(&self) -> bool {
        self.trigger_demanded || self.demand.is_some() || self.refusal.is_some()
    }
}

thread_local! {
    static CURRENT: RefCell<RequestState<Zval>> = RefCell::new(RequestState::default());
}

pub fn with<R>(f: impl FnOnce(&mut RequestState<Zval>) -> R) -> R {
    CURRENT.with(|s| f(&mut s.borrow_mut()))
}

pub fn reset() {
    // Taken out first: dropping a kept PHP object must not happen while borrowed.
    let old = CURRENT.with(|s| std::mem::take(&mut *s.borrow_mut()));
    drop(old);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(filter: &str, answer: AnswerCheck) -> Demand {
        Demand {
            filter: filter.into(),
            action: CaptchaAction::Show,
            answer,
        }
    }

    #[test]
    fn first_demand_wins_and_is_applied_once() {
        let mut s = RequestState::<&str>::default();
        assert!(s.unapplied().is_none());
        s.record(demand("1", AnswerCheck::NoAnswer));
        s.record(demand("2", AnswerCheck::Wrong));
        assert_eq!(s.unapplied().map(|d| d.filter.as_str()), Some("1"));
        s.mark_applied();
        assert!(s.unapplied().is_none());
        assert!(s.was_applied());
    }

    #[test]
    fn a_fresh_state_holds_nothing() {
        let mut s = RequestState::default();
        s.record(demand("3", AnswerCheck::Wrong));
        s.keep_edit_status("status");
        assert_eq!(s.edit_status(), Some(&"status"));
        let fresh = RequestState::<&str>::default();
        assert!(fresh.demand().is_none());
        assert!(!fresh.was_applied());
        assert!(fresh.edit_status().is_none());
    }

    #[test]
    fn a_token_is_remembered_with_its_outcome() {
        let mut s = RequestState::<()>::default();
        assert_eq!(s.verification_of(b"t1"), None);
        s.remember_verification(b"t1", true, false);
        assert_eq!(s.verification_of(b"t1"), Some(true));
        assert!(!s.passed_with_usual_key());
        assert_eq!(s.verification_of(b"t2"), None);
        s.remember_verification(b"t2", false, true);
        assert_eq!(s.verification_of(b"t2"), Some(false));
        // A failed answer is a wrong one, whatever its key.
        assert!(!s.passed_with_usual_key());
        s.remember_verification(b"t3", true, true);
        assert!(s.passed_with_usual_key());
    }

    #[test]
    fn a_filter_or_a_trigger_demands_the_captcha() {
        let mut s = RequestState::<()>::default();
        assert!(!s.captcha_demanded());
        s.mark_trigger_demanded();
        assert!(s.captcha_demanded());
        let mut s = RequestState::<()>::default();
        s.record(demand("1", AnswerCheck::NoAnswer));
        assert!(s.captcha_demanded());
        let mut s = RequestState::<()>::default();
        s.refuse(FilteredAction::Move, AnswerCheck::Wrong);
        assert!(s.captcha_demanded());
    }

    #[test]
    fn message_tells_wrong_answer_apart() {
        assert_eq!(
            demand("1", AnswerCheck::NoAnswer).message_key(),
            "captchaguard-flagged"
        );
        assert_eq!(
            demand("1", AnswerCheck::Wrong).message_key(),
            "captchaguard-wrong-answer"
        );
    }
}
