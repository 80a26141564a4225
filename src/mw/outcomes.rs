//! CAPTCHA outcomes per filter, action and day (`policy::outcomes`): the
//! filter consequence and the emergency trigger report answers here, the
//! save hooks report that the action was saved, and the host writes the
//! request's counts once, at its end, or at once where that is cheap and
//! nothing waits for the action. Counting never stands in the way of a
//! CAPTCHA or a saved edit: a failure is logged and the count is lost.
//! `OutcomeReport` is what the filter page, the API and the emergency page
//! ask for: the settled figures and the chart.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::guard;
use super::php::host::{self, Level};
use super::php::values::{OutcomeCount, OutcomeDay, StoredOutcomes};
use super::php::Result;
use crate::policy::challenge::AnswerCheck;
use crate::policy::outcome_chart::{chart_svg, iso_date, ChartWords};
use crate::policy::outcomes::{
    last_days, oldest_kept_day, per_day, settle, solve_rate, Answer, Count, DayCounts,
    OpenChallenges, Outcome, SettledDay, EMERGENCY_SOURCE,
};
use crate::state::{clock, request};

/// Session key: this session's challenges not yet solved.
const OPEN_CHALLENGES: &str = "captchaguard-open-challenges";

impl From<AnswerCheck> for Answer {
    fn from(check: AnswerCheck) -> Answer {
        match check {
            AnswerCheck::NoAnswer => Answer::None,
            AnswerCheck::Wrong => Answer::Wrong,
            AnswerCheck::Right => Answer::Right,
        }
    }
}

fn log_lost(what: &str, source: &str, error: &super::php::BindingError) {
    host::log(
        Level::Error,
        "Could not count the CAPTCHA outcome ({what}) of {source}: {error}",
        &[("what", what), ("source", source)],
        Some(error),
    );
}

/// Applies `answer` to the session's open challenges; the counts it makes.
fn answer_in_session(source: &str, action: &str, answer: Answer) -> Result<Vec<Count>> {
    let stored = host::session_get(OPEN_CHALLENGES)?
        .string()
        .unwrap_or_default();
    let now = clock::unix_now();
    let lifetime = host::captcha_lifetime()?;
    let mut open = OpenChallenges::from_stored(&stored).without_lapsed(now, lifetime);
    let counts = open.answer(source, action, answer, now);
    if open.is_empty() {
        host::session_remove(OPEN_CHALLENGES)?;
    } else {
        host::session_set(OPEN_CHALLENGES, &open.to_stored())?;
    }
    Ok(counts)
}

/// Counts that no longer depend on how the request ends are written at once
/// where the host can do that cheaply: a flagged request then adds no
/// deferred update (make bench). Others wait for the request's end.
fn schedule_write() -> Result<()> {
    if request::with(|s| s.outcomes().all_firm()) && host::write_outcomes_now()? {
        return Ok(());
    }
    if request::with(|s| s.outcomes().needs_scheduling()) {
        host::write_outcomes_later()?;
    }
    Ok(())
}

/// A filter's CAPTCHA was answered with `answer` (none, wrong or right) on
/// `action`. A right answer counts as solved once the action is saved.
pub fn filter_answered(filter: &str, action: &str, answer: AnswerCheck) {
    let counted = (|| {
        if answer == AnswerCheck::Right {
            request::with(|s| s.outcomes().await_completion(filter, action));
            return schedule_write();
        }
        if !request::with(|s| s.outcomes().claim(filter)) {
            return Ok(());
        }
        let counts = answer_in_session(filter, action, answer.into())?;
        request::with(|s| s.outcomes().add(counts));
        schedule_write()
    })();
    if let Err(error) = counted {
        log_lost(answer.name(), filter, &error);
    }
}

/// The emergency switch asks ConfirmEdit for a CAPTCHA on `trigger`.
/// ConfirmEdit checks the answer itself, after this: an answer counts as
/// failed unless the action is then saved.
pub fn emergency_challenged(trigger: &str) {
    let counted = (|| {
        if !request::with(|s| s.outcomes().claim(EMERGENCY_SOURCE)) {
            return Ok(());
        }
        if !host::captcha_answer_given()? {
            let counts = answer_in_session(EMERGENCY_SOURCE, trigger, Answer::None)?;
            request::with(|s| s.outcomes().add(counts));
            return schedule_write();
        }
        let counts = answer_in_session(EMERGENCY_SOURCE, trigger, Answer::Wrong)?;
        // Only the failure depends on the save; a challenge this began stands.
        let (failed, firm) = counts
            .into_iter()
            .partition(|c| c.outcome == Outcome::Failed);
        request::with(|s| {
            s.outcomes().add(firm);
            s.outcomes().add_provisional(failed);
            s.outcomes().await_completion(EMERGENCY_SOURCE, trigger);
        });
        schedule_write()
    })();
    if let Err(error) = counted {
        log_lost("challenge", EMERGENCY_SOURCE, &error);
    }
}

/// The action of this request was saved (an edit, a sign-up): the answers
/// waiting for it are solved.
pub fn action_saved() {
    for (source, action) in request::with(|s| s.outcomes().complete()) {
        let counted = answer_in_session(&source, &action, Answer::Right).and_then(|counts| {
            request::with(|s| s.outcomes().add(counts));
            schedule_write()
        });
        if let Err(error) = counted {
            log_lost("solved", &source, &error);
        }
    }
}

impl From<Count> for OutcomeCount {
    fn from(count: Count) -> OutcomeCount {
        OutcomeCount {
            source: count.source,
            action: count.action,
            day: count.day,
            outcome: count.outcome.name().to_owned(),
        }
    }
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl From<&StoredOutcomes> for DayCounts {
    fn from(stored: &StoredOutcomes) -> DayCounts {
        DayCounts {
            day: stored.day.clone(),
            action: stored.action.clone(),
            challenged: to_u64(stored.challenged),
            solved: to_u64(stored.solved),
            failed: to_u64(stored.failed),
        }
    }
}

impl From<SettledDay> for OutcomeDay {
    fn from(day: SettledDay) -> OutcomeDay {
        OutcomeDay {
            date: iso_date(&day.day),
            day: day.day,
            action: day.action,
            challenged: to_i64(day.challenged),
            solved: to_i64(day.solved),
            failed: to_i64(day.failed),
            abandoned: to_i64(day.abandoned),
            open: to_i64(day.open),
        }
    }
}

impl From<&OutcomeDay> for SettledDay {
    fn from(day: &OutcomeDay) -> SettledDay {
        SettledDay {
            day: day.day.clone(),
            action: day.action.clone(),
            challenged: to_u64(day.challenged),
            solved: to_u64(day.solved),
            failed: to_u64(day.failed),
            abandoned: to_u64(day.abandoned),
            open: to_u64(day.open),
        }
    }
}

/// What the host's end-of-request writer takes.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Outcomes\\OutcomeRecorder")]
pub struct OutcomeRecorder;

#[php_impl]
impl OutcomeRecorder {
    /// This request's counts so far, handed over once.
    #[php(name = "takeCounts")]
    pub fn take_counts() -> Vec<OutcomeCount> {
        guard::contained("OutcomeRecorder::takeCounts", Vec::new, || {
            request::with(|s| s.outcomes().take())
                .into_iter()
                .map(OutcomeCount::from)
                .collect()
        })
    }

    /// The oldest day kept (90 days up to today); older rows are deleted.
    #[php(name = "oldestKeptDay")]
    pub fn oldest_kept_day() -> String {
        guard::trip("OutcomeRecorder::oldestKeptDay");
        oldest_kept_day(clock::unix_now())
    }
}

/// The figures pages and API modules show. A panic here becomes a PHP Error.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Outcomes\\OutcomeReport")]
pub struct OutcomeReport;

#[php_impl]
impl OutcomeReport {
    /// The source of the emergency switch's CAPTCHAs.
    pub const EMERGENCY: &'static str = EMERGENCY_SOURCE;

    /// The last `$count` UTC days up to today, oldest first (`YYYYMMDD`).
    #[php(name = "lastDays")]
    pub fn last_days(count: i64) -> Vec<String> {
        guard::trip("OutcomeReport::lastDays");
        last_days(
            clock::unix_now(),
            u32::try_from(count.clamp(1, 90)).unwrap_or(30),
        )
    }

    /// The stored rows as shown now; `$lifetime` is the CAPTCHA's, in seconds.
    pub fn settle(rows: Vec<&StoredOutcomes>, lifetime: i64) -> Vec<OutcomeDay> {
        guard::trip("OutcomeReport::settle");
        let now = clock::unix_now();
        rows.into_iter()
            .map(|row| settle(&DayCounts::from(row), now, lifetime).into())
            .collect()
    }

    /// One row per day of `$days` (oldest first), summed over actions.
    #[php(name = "perDay")]
    pub fn per_day(rows: Vec<&OutcomeDay>, days: Vec<String>) -> Vec<OutcomeDay> {
        guard::trip("OutcomeReport::perDay");
        let settled: Vec<SettledDay> = rows.into_iter().map(SettledDay::from).collect();
        per_day(&settled, &days)
            .into_iter()
            .map(OutcomeDay::from)
            .collect()
    }

    /// Solved out of the challenges whose fate is known, 0 to 1; null while none is.
    #[php(name = "solveRate")]
    pub fn solve_rate(rows: Vec<&OutcomeDay>) -> Option<f64> {
        guard::trip("OutcomeReport::solveRate");
        let settled: Vec<SettledDay> = rows.into_iter().map(SettledDay::from).collect();
        solve_rate(&settled)
    }

    /// The chart of `$days` (per-day rows, oldest first) as SVG; the words are localised by the caller.
    pub fn chart(
        days: Vec<&OutcomeDay>,
        title: String,
        description: String,
        solved: String,
        abandoned: String,
        open: String,
    ) -> String {
        guard::trip("OutcomeReport::chart");
        let settled: Vec<SettledDay> = days.into_iter().map(SettledDay::from).collect();
        chart_svg(
            &settled,
            &ChartWords {
                title,
                description,
                solved,
                abandoned,
                open,
            },
        )
    }
}

/// The hooks that say an action was saved, for the answers waiting for it.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\OutcomesHandler")]
pub struct OutcomesHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl OutcomesHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(OutcomesHandler)
    }

    #[php(name = "onPageSaveComplete")]
    #[allow(clippy::too_many_arguments)]
    pub fn on_page_save_complete(
        &self,
        wiki_page: &Zval,
        user: &Zval,
        summary: &Zval,
        flags: &Zval,
        revision_record: &Zval,
        edit_result: &Zval,
        extra: &[&Zval],
    ) {
        // The edit is saved: nothing here may break it.
        guard::contained("OutcomesHandler::PageSaveComplete", || (), action_saved);
    }

    /// A move a filter's CAPTCHA held up went through.
    #[php(name = "onPageMoveComplete")]
    #[allow(clippy::too_many_arguments)]
    pub fn on_page_move_complete(
        &self,
        old: &Zval,
        new: &Zval,
        user: &Zval,
        page_id: &Zval,
        redirect_id: &Zval,
        reason: &Zval,
        revision: &Zval,
        extra: &[&Zval],
    ) {
        // The page is moved: nothing here may break it.
        guard::contained("OutcomesHandler::PageMoveComplete", || (), action_saved);
    }

    #[php(name = "onLocalUserCreated")]
    pub fn on_local_user_created(&self, user: &Zval, autocreated: &Zval, extra: &[&Zval]) {
        guard::contained(
            "OutcomesHandler::LocalUserCreated",
            || (),
            || {
                if !autocreated.coerce_to_bool() {
                    action_saved();
                }
            },
        );
    }
}
