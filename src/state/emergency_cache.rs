//! The emergency switch as this PHP-FPM worker last read it. Shared by every
//! request the worker serves, so the check costs no database query and no
//! cache round trip; read again once it is older than the configured interval.
//! One entry per worker thread (PHP-FPM: per process), so the memory is
//! bounded and the hot path takes no lock.
//!
//! The clock is read on every check (one coarse vDSO call), not once per
//! request: a long-running process (runJobs, a worker-mode server) must see a
//! switch refresh and expire.

use std::cell::{Cell, RefCell};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::policy::emergency::{CompactSwitch, Switch, Trigger};

/// Now, in milliseconds since the Unix epoch, from the kernel's coarse
/// real-time clock: a few nanoseconds through the vDSO, precise to a timer
/// tick (a few ms), plenty for a refresh interval in seconds and an expiry in
/// seconds. std only offers the precise clock, which costs several times more
/// on the hot path.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn now_millis() -> i64 {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    const CLOCK_REALTIME_COARSE: i32 = 5;
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one Timespec (64-bit Linux layout) and nothing else.
    if unsafe { clock_gettime(CLOCK_REALTIME_COARSE, &mut time) } != 0 {
        return precise_now_millis();
    }
    time.tv_sec
        .saturating_mul(1000)
        .saturating_add(time.tv_nsec / 1_000_000)
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn now_millis() -> i64 {
    precise_now_millis()
}

fn precise_now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Now, in seconds since the Unix epoch: the module's clock for every
/// emergency decision, PHP's included.
pub fn unix_now() -> i64 {
    now_millis() / 1000
}

thread_local! {
    /// Plain `Copy` data in a `Cell`: the hot path is a thread-local load
    /// with no borrow flag. The second field is when it was read (ms).
    static HOT: Cell<Option<(CompactSwitch, i64)>> = const { Cell::new(None) };
    /// The full switch, kept for when a refresh fails.
    static LAST_KNOWN: RefCell<Option<Switch>> = const { RefCell::new(None) };
}

/// Whether the cached switch covers `trigger` now; `None` when nothing is
/// cached or it is older than `max_age` (or the clock went back).
pub fn covers(trigger: Trigger, max_age: Duration) -> Option<bool> {
    let (switch, fetched) = HOT.with(Cell::get)?;
    let now = now_millis();
    let age = now.checked_sub(fetched).filter(|age| *age >= 0)?;
    if u128::try_from(age).ok()? > max_age.as_millis() {
        return None;
    }
    Some(switch.covers(trigger, now / 1000))
}

/// The switch last stored, however old (used when a refresh fails).
pub fn last_known() -> Option<Switch> {
    LAST_KNOWN.with(|s| s.borrow().clone())
}

pub fn store(switch: Switch) {
    HOT.with(|hot| hot.set(Some((switch.compact(), now_millis()))));
    LAST_KNOWN.with(|s| *s.borrow_mut() = Some(switch));
}

/// Forces the next check to read the stored switch (after a change made here).
pub fn forget() {
    HOT.with(|hot| hot.set(None));
    LAST_KNOWN.with(|s| *s.borrow_mut() = None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::parse_stored_actions;

    #[test]
    fn fresh_entries_answer_and_stale_or_forgotten_ones_do_not() {
        forget();
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(5)), None);
        store(Switch {
            on: true,
            actions: parse_stored_actions("edit"),
            expiry: unix_now() + 100,
        });
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(5)), Some(true));
        assert_eq!(covers(Trigger::Create, Duration::from_secs(5)), Some(false));
        std::thread::sleep(Duration::from_millis(30));
        // The clock is read per check: a long-lived process sees the entry age.
        assert_eq!(covers(Trigger::Edit, Duration::from_millis(10)), None);
        assert!(last_known().is_some());
        forget();
        assert!(last_known().is_none());
    }

    #[test]
    fn the_coarse_clock_agrees_with_the_precise_one() {
        let (coarse, precise) = (now_millis(), precise_now_millis());
        assert!((coarse - precise).abs() < 100, "{coarse} vs {precise}");
    }

    #[test]
    fn an_expired_switch_is_off_without_a_refresh() {
        store(Switch {
            on: true,
            actions: parse_stored_actions("edit"),
            expiry: unix_now() - 1,
        });
        assert_eq!(covers(Trigger::Edit, Duration::from_secs(60)), Some(false));
    }
}
