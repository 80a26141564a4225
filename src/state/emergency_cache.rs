//! The emergency switch as this PHP-FPM worker last read it. Shared by every
//! request the worker serves, so the per-request check costs no database query
//! and no cache round trip; refreshed once it is older than the configured
//! interval. One entry: the memory it uses is bounded.

use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use parking_lot::RwLock;

use crate::policy::emergency::{Switch, Trigger};

struct Cached {
    switch: Switch,
    fetched: Instant,
}

static CURRENT: Lazy<RwLock<Option<Cached>>> = Lazy::new(|| RwLock::new(None));

/// Whether the cached switch covers `trigger` at `now` (Unix seconds);
/// `None` when nothing is cached or it is older than `max_age`.
pub fn covers(trigger: Trigger, now: i64, max_age: Duration) -> Option<bool> {
    let current = CURRENT.read();
    let cached = current.as_ref()?;
    if cached.fetched.elapsed() > max_age {
        return None;
    }
    Some(cached.switch.covers(trigger, now))
}

/// The switch last stored, however old (used when a refresh fails).
pub fn last_known() -> Option<Switch> {
    CURRENT.read().as_ref().map(|c| c.switch.clone())
}

pub fn store(switch: Switch) {
    *CURRENT.write() = Some(Cached {
        switch,
        fetched: Instant::now(),
    });
}

/// Forces the next check to read the stored switch (after a change made here).
pub fn forget() {
    *CURRENT.write() = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::parse_stored_actions;

    #[test]
    fn fresh_entries_answer_and_stale_or_forgotten_ones_do_not() {
        forget();
        assert_eq!(covers(Trigger::Edit, 100, Duration::from_secs(5)), None);
        store(Switch {
            on: true,
            actions: parse_stored_actions("edit"),
            expiry: 200,
        });
        assert_eq!(
            covers(Trigger::Edit, 100, Duration::from_secs(5)),
            Some(true)
        );
        assert_eq!(
            covers(Trigger::Create, 100, Duration::from_secs(5)),
            Some(false)
        );
        assert_eq!(
            covers(Trigger::Edit, 200, Duration::from_secs(5)),
            Some(false)
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(covers(Trigger::Edit, 100, Duration::from_millis(10)), None);
        assert!(last_known().is_some());
        forget();
        assert!(last_known().is_none());
    }
}
