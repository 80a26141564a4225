//! What became of the CAPTCHAs a filter (or the emergency switch) asked
//! for, counted per source, action and UTC day: challenged, solved (right
//! answer, then saved), failed (each wrong answer). Abandoned is not
//! written: a challenge not solved within the CAPTCHA's lifetime is
//! abandoned, so once a day and that lifetime are over it is what is left of
//! the day's challenges. Each count is attributed to the day its challenge
//! began, so a day's row tells the whole fate of that day's challenges.
//!
//! Counts only: no user, IP address, page or score is kept with them.

use serde::{Deserialize, Serialize};

/// The source of the emergency switch's CAPTCHAs (filters are their IDs).
pub const EMERGENCY_SOURCE: &str = "emergency";
/// How long counts are kept.
pub const RETENTION_DAYS: i64 = 90;
/// More open challenges than anyone answers at once; the oldest go first.
pub const MAX_OPEN: usize = 8;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Challenged,
    Solved,
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Challenged, Outcome::Solved, Outcome::Failed];

    /// Also the name of the column the store adds to.
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Challenged => "challenged",
            Outcome::Solved => "solved",
            Outcome::Failed => "failed",
        }
    }
}

/// One count to add to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub source: String,
    pub action: String,
    pub day: String,
    pub outcome: Outcome,
}

/// What the session tells of an answer to a CAPTCHA that a source asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    None,
    Wrong,
    Right,
}

/// Days since 1970-01-01 as a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The UTC day of `unix` as the store keeps it: `YYYYMMDD`.
pub fn utc_day(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(DAY));
    format!("{year:04}{month:02}{day:02}")
}

/// The Unix time a `YYYYMMDD` day begins; None for anything else.
pub fn day_start(day: &str) -> Option<i64> {
    if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i64 = day[..4].parse().ok()?;
    let month: u32 = day[4..6].parse().ok()?;
    let dom: u32 = day[6..].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&dom) {
        return None;
    }
    let days = days_from_civil(year, month, dom);
    // 20260231 is not a day.
    (civil_from_days(days) == (year, month, dom)).then_some(days * DAY)
}

/// The last `count` days up to the day of `now`, oldest first.
pub fn last_days(now: i64, count: u32) -> Vec<String> {
    (0..i64::from(count))
        .rev()
        .map(|back| utc_day(now - back * DAY))
        .collect()
}

/// The first day still kept; older rows are deleted.
pub fn oldest_kept_day(now: i64) -> String {
    utc_day(now - (RETENTION_DAYS - 1) * DAY)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct OpenChallenge {
    source: String,
    action: String,
    /// The day it began, which its counts go to.
    day: String,
    /// When its current CAPTCHA was shown.
    shown_at: i64,
}

/// The challenges of one session not yet solved, as kept in it (JSON), so
/// that the same challenge shown again is counted once and its answer is
/// counted against the day it began.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenChallenges(Vec<OpenChallenge>);

impl OpenChallenges {
    /// Reads the stored form; anything unreadable is none.
    pub fn from_stored(stored: &str) -> OpenChallenges {
        OpenChallenges(serde_json::from_str(stored).unwrap_or_default())
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Drops the challenges whose CAPTCHA lapsed: those are abandoned.
    pub fn without_lapsed(mut self, now: i64, lifetime: i64) -> OpenChallenges {
        self.0.retain(|c| now.saturating_sub(c.shown_at) < lifetime);
        self
    }

    fn position(&self, source: &str, action: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|c| c.source == source && c.action == action)
    }

    /// Counts `answer` to `source`'s CAPTCHA on `action` and updates the
    /// open challenges. A right answer's `Solved` is for the caller to add
    /// once the action is saved; a right answer nobody asked for counts nothing.
    pub fn answer(&mut self, source: &str, action: &str, answer: Answer, now: i64) -> Vec<Count> {
        let count = |day: &str, outcome| Count {
            source: source.to_owned(),
            action: action.to_owned(),
            day: day.to_owned(),
            outcome,
        };
        let open = self.position(source, action);
        match (answer, open) {
            (Answer::Right, Some(at)) => vec![count(&self.0.remove(at).day, Outcome::Solved)],
            (Answer::Right, None) => Vec::new(),
            // The same CAPTCHA shown again (a reload, an empty answer).
            (Answer::None, Some(_)) => Vec::new(),
            (Answer::Wrong, Some(at)) => {
                // A new CAPTCHA is shown: the challenge stays open as long as it.
                self.0[at].shown_at = now;
                vec![count(&self.0[at].day, Outcome::Failed)]
            }
            (first, None) => {
                let day = utc_day(now);
                self.0.push(OpenChallenge {
                    source: source.to_owned(),
                    action: action.to_owned(),
                    day: day.clone(),
                    shown_at: now,
                });
                let excess = self.0.len().saturating_sub(MAX_OPEN);
                self.0.drain(..excess);
                let mut counts = vec![count(&day, Outcome::Challenged)];
                // A wrong answer to a challenge this session was never shown
                // (a client that fetched its own CAPTCHA) begins one.
                if first == Answer::Wrong {
                    counts.push(count(&day, Outcome::Failed));
                }
                counts
            }
        }
    }
}

/// One stored row: a day's counts for one action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub day: String,
    pub action: String,
    pub challenged: u64,
    pub solved: u64,
    pub failed: u64,
}

/// A row as shown: `abandoned` once the day's challenges can no longer be
/// solved, `open` while some still can.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettledDay {
    pub day: String,
    pub action: String,
    pub challenged: u64,
    pub solved: u64,
    pub failed: u64,
    pub abandoned: u64,
    pub open: u64,
}

/// Settles `row` at `now`: a day is over for its challenges `lifetime`
/// seconds after it ends.
pub fn settle(row: &DayCounts, now: i64, lifetime: i64) -> SettledDay {
    let unsolved = row.challenged.saturating_sub(row.solved);
    let closed = day_start(&row.day).is_some_and(|start| start + DAY + lifetime.max(0) <= now);
    SettledDay {
        day: row.day.clone(),
        action: row.action.clone(),
        challenged: row.challenged,
        solved: row.solved.min(row.challenged),
        failed: row.failed,
        abandoned: if closed { unsolved } else { 0 },
        open: if closed { 0 } else { unsolved },
    }
}

/// The rows of each day of `days` summed over actions, in that order; a day
/// without rows is all zeros.
pub fn per_day(rows: &[SettledDay], days: &[String]) -> Vec<SettledDay> {
    days.iter()
        .map(|day| {
            rows.iter().filter(|r| &r.day == day).fold(
                SettledDay {
                    day: day.clone(),
                    ..SettledDay::default()
                },
                |mut sum, r| {
                    sum.challenged += r.challenged;
                    sum.solved += r.solved;
                    sum.failed += r.failed;
                    sum.abandoned += r.abandoned;
                    sum.open += r.open;
                    sum
                },
            )
        })
        .collect()
}

/// Solved out of the challenges whose fate is known (solved or abandoned);
/// None while there are none.
pub fn solve_rate(rows: &[SettledDay]) -> Option<f64> {
    let solved: u64 = rows.iter().map(|r| r.solved).sum();
    let abandoned: u64 = rows.iter().map(|r| r.abandoned).sum();
    let known = solved + abandoned;
    (known > 0).then(|| solved as f64 / known as f64)
}

/// The counts of one request, written once at its end. Each source counts
/// once per request (one CAPTCHA answers every filter of an action). An
/// answer that needs the action to be saved waits for it: solved if it is,
/// otherwise what it stood for until then (`provisional`).
#[derive(Debug, Default)]
pub struct RequestOutcomes {
    counted: Vec<String>,
    counts: Vec<Count>,
    provisional: Vec<Count>,
    awaiting: Vec<(String, String)>,
    scheduled: bool,
}

impl RequestOutcomes {
    /// Whether `source` may still count in this request (and claims it).
    pub fn claim(&mut self, source: &str) -> bool {
        if self.counted.iter().any(|s| s == source) {
            return false;
        }
        self.counted.push(source.to_owned());
        true
    }

    pub fn add(&mut self, counts: Vec<Count>) {
        self.counts.extend(counts);
    }

    /// Counts that stand unless the action they came with is saved.
    pub fn add_provisional(&mut self, counts: Vec<Count>) {
        self.provisional.extend(counts);
    }

    /// A right answer to `source`'s CAPTCHA: solved once the action is saved.
    pub fn await_completion(&mut self, source: &str, action: &str) {
        let key = (source.to_owned(), action.to_owned());
        if !self.awaiting.contains(&key) {
            self.awaiting.push(key);
        }
    }

    /// The action was saved: the answers waiting for it, whose provisional
    /// counts no longer stand.
    pub fn complete(&mut self) -> Vec<(String, String)> {
        let done = std::mem::take(&mut self.awaiting);
        self.provisional
            .retain(|c| !done.iter().any(|(source, _)| *source == c.source));
        done
    }

    /// Whether nothing counted so far waits for the action to be saved.
    pub fn all_firm(&self) -> bool {
        self.provisional.is_empty() && self.awaiting.is_empty()
    }

    /// True the first time there is something to write: the caller asks
    /// the host to write it at the request's end. A right answer alone waits
    /// for nothing there: if the action is saved, its count is made then.
    pub fn needs_scheduling(&mut self) -> bool {
        let pending = !self.counts.is_empty() || !self.provisional.is_empty();
        if pending && !self.scheduled {
            self.scheduled = true;
            return true;
        }
        false
    }

    /// Everything to write now; the request may go on counting.
    pub fn take(&mut self) -> Vec<Count> {
        self.scheduled = false;
        self.awaiting.clear();
        let mut counts = std::mem::take(&mut self.counts);
        counts.append(&mut self.provisional);
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON_3_DEC_2026: i64 = 1_796_299_200;

    #[test]
    fn days_are_utc_calendar_days() {
        assert_eq!(utc_day(0), "19700101");
        assert_eq!(utc_day(NOON_3_DEC_2026), "20261203");
        assert_eq!(utc_day(951_782_400), "20000229");
        assert_eq!(utc_day(-1), "19691231");
        assert_eq!(day_start("20261203"), Some(NOON_3_DEC_2026 - 43_200));
        assert_eq!(day_start("20000229"), Some(951_782_400));
        for bad in [
            "20260231", "2026123", "2026-12-", "20261301", "20261200", "x",
        ] {
            assert_eq!(day_start(bad), None, "{bad}");
        }
        for unix in (-400 * DAY..400 * 366 * DAY).step_by(7_777_777) {
            let day = utc_day(unix);
            assert_eq!(day_start(&day), Some(unix.div_euclid(DAY) * DAY), "{day}");
        }
    }

    #[test]
    fn last_days_end_today_and_retention_keeps_ninety() {
        let days = last_days(NOON_3_DEC_2026, 3);
        assert_eq!(days, ["20261201", "20261202", "20261203"]);
        assert_eq!(last_days(NOON_3_DEC_2026, 30).len(), 30);
        assert_eq!(oldest_kept_day(NOON_3_DEC_2026), "20260905");
        assert_eq!(last_days(NOON_3_DEC_2026, 90)[0], "20260905");
    }

    fn outcomes(counts: &[Count]) -> Vec<(&str, Outcome)> {
        counts.iter().map(|c| (c.day.as_str(), c.outcome)).collect()
    }

    #[test]
    fn a_challenge_is_counted_once_and_its_answers_go_to_its_day() {
        let mut open = OpenChallenges::default();
        let t = NOON_3_DEC_2026 + 40_000; // 23:06 on the 3rd
        let first = open.answer("7", "edit", Answer::None, t);
        assert_eq!(outcomes(&first), [("20261203", Outcome::Challenged)]);
        assert_eq!(first[0].source, "7");
        assert_eq!(first[0].action, "edit");
        // Shown again: the same challenge.
        assert!(open.answer("7", "edit", Answer::None, t + 10).is_empty());
        // Past midnight, wrong, then right: still the 3rd's.
        let wrong = open.answer("7", "edit", Answer::Wrong, t + 4_000);
        assert_eq!(outcomes(&wrong), [("20261203", Outcome::Failed)]);
        let right = open.answer("7", "edit", Answer::Right, t + 4_100);
        assert_eq!(outcomes(&right), [("20261203", Outcome::Solved)]);
        assert!(open.is_empty());
        // A right answer to nothing asked counts nothing.
        assert!(open.answer("7", "edit", Answer::Right, t).is_empty());
    }

    #[test]
    fn sources_and_actions_are_apart_and_a_stray_wrong_answer_begins_a_challenge() {
        let mut open = OpenChallenges::default();
        open.answer("7", "edit", Answer::None, NOON_3_DEC_2026);
        let other = open.answer("8", "edit", Answer::Wrong, NOON_3_DEC_2026);
        assert_eq!(
            outcomes(&other),
            [
                ("20261203", Outcome::Challenged),
                ("20261203", Outcome::Failed)
            ]
        );
        let signup = open.answer("7", "createaccount", Answer::None, NOON_3_DEC_2026);
        assert_eq!(outcomes(&signup), [("20261203", Outcome::Challenged)]);
    }

    #[test]
    fn lapsed_challenges_drop_out_and_are_bounded() {
        let mut open = OpenChallenges::default();
        open.answer("1", "edit", Answer::None, 1_000);
        open.answer("2", "edit", Answer::None, 2_000);
        let stored = open.to_stored();
        let kept = OpenChallenges::from_stored(&stored).without_lapsed(2_500, 1_000);
        let mut kept = kept;
        // Filter 1's CAPTCHA lapsed: answering it now begins a new challenge.
        let again = kept.answer("1", "edit", Answer::Right, 2_500);
        assert!(again.is_empty());
        let solved = kept.answer("2", "edit", Answer::Right, 2_500);
        assert_eq!(solved.len(), 1);
        for filter in 0..20 {
            kept.answer(&filter.to_string(), "edit", Answer::None, 3_000);
        }
        assert_eq!(kept.0.len(), MAX_OPEN);
        assert_eq!(
            OpenChallenges::from_stored("not json"),
            OpenChallenges::default()
        );
    }

    fn row(day: &str, challenged: u64, solved: u64, failed: u64) -> DayCounts {
        DayCounts {
            day: day.into(),
            action: "edit".into(),
            challenged,
            solved,
            failed,
        }
    }

    #[test]
    fn a_day_settles_once_it_and_the_captcha_lifetime_are_over() {
        let today = settle(&row("20261203", 10, 6, 9), NOON_3_DEC_2026, 1_800);
        assert_eq!((today.abandoned, today.open, today.failed), (0, 4, 9));
        let end = day_start("20261204").unwrap();
        let in_grace = settle(&row("20261203", 10, 6, 0), end + 1_799, 1_800);
        assert_eq!((in_grace.abandoned, in_grace.open), (0, 4));
        let over = settle(&row("20261203", 10, 6, 0), end + 1_800, 1_800);
        assert_eq!((over.abandoned, over.open), (4, 0));
        // Never more solved than challenged, never a negative remainder.
        let odd = settle(&row("20261101", 2, 5, 0), NOON_3_DEC_2026, 1_800);
        assert_eq!((odd.solved, odd.abandoned), (2, 0));
    }

    #[test]
    fn per_day_sums_actions_and_fills_empty_days() {
        let now = NOON_3_DEC_2026 + 2 * DAY;
        let mut signups = row("20261203", 4, 1, 2);
        signups.action = "createaccount".into();
        let rows: Vec<SettledDay> = [row("20261203", 10, 6, 1), signups, row("20261204", 1, 1, 0)]
            .iter()
            .map(|r| settle(r, now, 1_800))
            .collect();
        let days = last_days(now, 3);
        let summed = per_day(&rows, &days);
        assert_eq!(summed.len(), 3);
        assert_eq!(summed[0].day, "20261203");
        assert_eq!(
            (
                summed[0].challenged,
                summed[0].solved,
                summed[0].failed,
                summed[0].abandoned
            ),
            (14, 7, 3, 7)
        );
        assert_eq!(summed[2].challenged, 0);
        let rate = solve_rate(&summed).unwrap();
        assert!((rate - 8.0 / 15.0).abs() < 1e-9, "{rate}");
        assert_eq!(solve_rate(&[]), None);
    }

    fn count(source: &str, outcome: Outcome) -> Count {
        Count {
            source: source.into(),
            action: "edit".into(),
            day: "20261203".into(),
            outcome,
        }
    }

    #[test]
    fn a_request_counts_each_source_once_and_writes_once() {
        let mut request = RequestOutcomes::default();
        assert!(!request.needs_scheduling());
        assert!(request.claim("7"));
        assert!(!request.claim("7"));
        assert!(request.claim(EMERGENCY_SOURCE));
        request.add(vec![count("7", Outcome::Challenged)]);
        assert!(request.needs_scheduling());
        assert!(!request.needs_scheduling());
        assert_eq!(request.take(), [count("7", Outcome::Challenged)]);
        assert!(request.take().is_empty());
        // Counting again after the write schedules another.
        request.add(vec![count("7", Outcome::Failed)]);
        assert!(request.needs_scheduling());
    }

    #[test]
    fn a_right_answer_alone_needs_no_write_at_the_requests_end() {
        let mut request = RequestOutcomes::default();
        request.await_completion("7", "edit");
        assert!(!request.needs_scheduling());
        request.add_provisional(vec![count(EMERGENCY_SOURCE, Outcome::Failed)]);
        assert!(request.needs_scheduling());
    }

    #[test]
    fn counts_are_firm_until_something_waits_for_the_action() {
        let mut request = RequestOutcomes::default();
        request.add(vec![count("7", Outcome::Challenged)]);
        assert!(request.all_firm());
        request.await_completion("8", "edit");
        assert!(!request.all_firm());
        request.complete();
        assert!(request.all_firm());
        request.add_provisional(vec![count(EMERGENCY_SOURCE, Outcome::Failed)]);
        assert!(!request.all_firm());
        request.take();
        assert!(request.all_firm());
    }

    #[test]
    fn a_saved_action_replaces_the_provisional_counts_of_its_answers() {
        let mut request = RequestOutcomes::default();
        request.add_provisional(vec![count(EMERGENCY_SOURCE, Outcome::Failed)]);
        request.await_completion(EMERGENCY_SOURCE, "edit");
        request.await_completion(EMERGENCY_SOURCE, "edit");
        assert_eq!(
            request.complete(),
            [(EMERGENCY_SOURCE.to_owned(), "edit".to_owned())]
        );
        assert!(request.take().is_empty());
        // Not saved: the provisional count stands.
        request.add_provisional(vec![count(EMERGENCY_SOURCE, Outcome::Failed)]);
        request.await_completion(EMERGENCY_SOURCE, "edit");
        assert_eq!(request.take(), [count(EMERGENCY_SOURCE, Outcome::Failed)]);
        assert!(request.complete().is_empty());
    }
}
