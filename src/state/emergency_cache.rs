//! The emergency switch as this PHP-FPM worker last read it. Shared by every
//! request the worker serves, so the per-request check costs no database query
//! and no cache round trip; refreshed once it is older than the configured
//! interval. One entry per worker thread (PHP-FPM: per process), so the memory
//! is bounded and the hot path takes no lock.
//!
//! Time is read once per request (at request start), not per check: the check
//! runs many times per request, and a clock read costs as much as the rest of
//! it. "Now" for a request is when it started.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::policy::emergency::{CompactSwitch, Switch, Trigger};

#[derive(Clone, Copy)]
struct Clock {
    instant: Instant,
    unix: i64,
}

impl Clock {
    fn read() -> Clock {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Clock {
            instant: Instant::now(),
            unix,
        }
    }
}

/// What every check reads: plain `Copy` data in a `Cell`, so the hot path is a
/// thread-local load with no borrow flag and no destructor bookkeeping.
#[derive(Clone, Copy)]
struct Hot {
    request_clock: Option<Clock>,
    cached: Option<(CompactSwitch, Instant)>,
}

thread_local! {
    static HOT: Cell<Hot> = const { Cell::new(Hot { request_clock: None, cached: None }) };
    /// The full switch, kept for when a refresh fails.
    static LAST_KNOWN: RefCell<Option<Switch>> = const { RefCell::new(None) };
}

fn update(f: impl FnOnce(&mut Hot)) {
    HOT.with(|hot| {
        let mut value = hot.get();
        f(&mut value);
        hot.set(value);
    });
}

/// Called at request start: the time every check of this request uses.
pub fn start_request_clock() {
    update(|hot| hot.request_clock = Some(Clock::read()));
}

fn request_clock() -> Clock {
    HOT.with(Cell::get)
        .request_clock
        .unwrap_or_else(Clock::read)
}

pub fn unix_now() -> i64 {
    request_clock().unix
}

/// Whether the cached switch covers `trigger` now; `None` when nothing is
/// cached or it is older than `max_age`.
pub fn covers(trigger: Trigger, max_age: Duration) -> Option<bool> {
    let hot = HOT.with(Cell::get);
    let (switch, fetched) = hot.cached?;
    let now = hot.request_clock.unwrap_or_else(Clock::read);
    if now.instant.saturating_duration_since(fetched) > max_age {
        return None;
    }
    Some(switch.covers(trigger, now.unix))
}

/// The switch last stored, however old (used when a refresh fails).
pub fn last_known() -> Option<Switch> {
    LAST_KNOWN.with(|s| s.borrow().clone())
}

pub fn store(switch: Switch) {
    let fetched = request_clock().instant;
    update(|hot| hot.cached = Some((switch.compact(), fetched)));
    LAST_KNOWN.with(|s| *s.borrow_mut() = Some(switch));
}

/// Forces the next check to read the stored switch (after a change made here).
pub fn forget() {
    update(|hot| hot.cached = None);
    LAST_KNOWN.with(|s| *s.borrow_mut() = None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::parse_stored_actions;

    #[test]
    fn fresh_entries_answer_and_stale_or_forgotten_ones_do_not() {
        start_request_clock();
        forget();
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(5)), None);
        store(Switch {
            on: true,
            actions: parse_stored_actions("edit"),
            expiry: unix_now() + 100,
        });
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(5)), Some(true));
        assert_eq!(covers(Trigger::Create, Duration::from_secs(5)), Some(false));
        std::thread::sleep(Duration::from_millis(20));
        // Same request: same "now", so still fresh.
        assert_eq!(covers(Trigger::Edit, Duration::from_millis(10)), Some(true));
        start_request_clock();
        assert_eq!(covers(Trigger::Edit, Duration::from_millis(10)), None);
        assert!(last_known().is_some());
        forget();
        assert!(last_known().is_none());
    }

    #[test]
    fn an_expired_switch_is_off_without_a_refresh() {
        start_request_clock();
        store(Switch {
            on: true,
            actions: parse_stored_actions("edit"),
            expiry: unix_now() - 1,
        });
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(60)), Some(false));
    }
}
