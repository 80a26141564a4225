//! What CaptchaGuard learned during the current request. PHP-FPM workers serve
//! many requests, so this is cleared at request start and end.

use std::cell::RefCell;

use crate::policy::challenge::{AnswerCheck, CaptchaAction};

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

#[derive(Debug, Default)]
pub struct RequestState {
    demand: Option<Demand>,
    /// Set once the demand was written into the edit's Status.
    applied: bool,
}

impl RequestState {
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
}

thread_local! {
    static CURRENT: RefCell<RequestState> = RefCell::new(RequestState::default());
}

pub fn with<R>(f: impl FnOnce(&mut RequestState) -> R) -> R {
    CURRENT.with(|s| f(&mut s.borrow_mut()))
}

pub fn reset() {
    CURRENT.with(|s| *s.borrow_mut() = RequestState::default());
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
        reset();
        with(|s| {
            assert!(s.unapplied().is_none());
            s.record(demand("1", AnswerCheck::NoAnswer));
            s.record(demand("2", AnswerCheck::Wrong));
            assert_eq!(s.unapplied().map(|d| d.filter.as_str()), Some("1"));
            s.mark_applied();
            assert!(s.unapplied().is_none());
            assert!(s.was_applied());
        });
    }

    #[test]
    fn reset_forgets_everything() {
        with(|s| s.record(demand("3", AnswerCheck::Wrong)));
        reset();
        with(|s| {
            assert!(s.demand().is_none());
            assert!(!s.was_applied());
        });
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
