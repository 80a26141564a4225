//! The module's clock: "now" for every decision that expires (the emergency
//! switch, pending warnings and sign-up CAPTCHAs, events, the purge), PHP's
//! included.
//!
//! "Now" for a check: where every request starts afresh (PHP-FPM, CGI,
//! Apache), the time the request started, read once at request start; in
//! every other process (the CLI, runJobs, worker-mode servers, which may run
//! for hours) the clock is read on every check, so a switch refreshes and
//! expires there too. See [`ClockMode`].

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// How a check reads "now" (INI `captchaguard.clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Once per request, at its start: a clock read costs as much as the
    /// rest of a check, and a request lasts seconds.
    PerRequest,
    /// On every check: for processes that live on without new requests.
    PerCall,
}

impl ClockMode {
    /// `setting` is `captchaguard.clock` (`auto`, `request` or `call`);
    /// `auto` (or anything else) picks by the SAPI: per request only where
    /// each request is a fresh start.
    pub fn choose(setting: Option<&str>, sapi: Option<&str>) -> ClockMode {
        match (setting.map(str::trim), sapi) {
            (Some("request"), _) => ClockMode::PerRequest,
            (Some("call"), _) => ClockMode::PerCall,
            (_, Some("fpm-fcgi" | "cgi-fcgi" | "cgi" | "apache2handler" | "litespeed")) => {
                ClockMode::PerRequest
            }
            _ => ClockMode::PerCall,
        }
    }
}

static PER_REQUEST_CLOCK: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// When the current request started (ms), in per-request mode.
    static REQUEST_NOW: Cell<Option<i64>> = const { Cell::new(None) };
}

/// Set once, at module startup.
pub fn set_clock_mode(mode: ClockMode) {
    PER_REQUEST_CLOCK.store(mode == ClockMode::PerRequest, Ordering::Relaxed);
}

/// Request start: forget the last request's "now".
pub fn start_request() {
    REQUEST_NOW.with(|n| n.set(None));
}

pub fn end_request() {
    REQUEST_NOW.with(|n| n.set(None));
}

/// "Now" for a check (ms). In per-request mode the clock is read at the
/// request's first check only, so requests that never check never read it.
#[inline]
pub fn check_now() -> i64 {
    REQUEST_NOW.with(|kept| {
        kept.get().unwrap_or_else(|| {
            let now = now_millis();
            if PER_REQUEST_CLOCK.load(Ordering::Relaxed) {
                kept.set(Some(now));
            }
            now
        })
    })
}

/// The clock mode is per process: tests that set or depend on it take turns.
#[cfg(test)]
pub static TEST_LOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_per_request_only_where_requests_start_afresh() {
        assert_eq!(
            ClockMode::choose(None, Some("fpm-fcgi")),
            ClockMode::PerRequest
        );
        assert_eq!(
            ClockMode::choose(Some("auto"), Some("apache2handler")),
            ClockMode::PerRequest
        );
        for sapi in [Some("cli"), Some("frankenphp"), Some("phpdbg"), None] {
            assert_eq!(
                ClockMode::choose(Some("auto"), sapi),
                ClockMode::PerCall,
                "{sapi:?}"
            );
        }
        assert_eq!(
            ClockMode::choose(Some("request"), Some("cli")),
            ClockMode::PerRequest
        );
        assert_eq!(
            ClockMode::choose(Some("call"), Some("fpm-fcgi")),
            ClockMode::PerCall
        );
    }

    #[test]
    fn per_call_keeps_nothing_and_per_request_keeps_the_first_read() {
        let _clock = TEST_LOCK.lock();
        set_clock_mode(ClockMode::PerCall);
        start_request();
        let _ = check_now();
        assert!(
            REQUEST_NOW.with(Cell::get).is_none(),
            "per call: nothing kept"
        );
        set_clock_mode(ClockMode::PerRequest);
        start_request();
        let first = check_now();
        assert_eq!(REQUEST_NOW.with(Cell::get), Some(first));
        end_request();
        assert!(REQUEST_NOW.with(Cell::get).is_none());
        set_clock_mode(ClockMode::PerCall);
    }

    #[test]
    fn the_coarse_clock_agrees_with_the_precise_one() {
        let (coarse, precise) = (now_millis(), precise_now_millis());
        assert!((coarse - precise).abs() < 100, "{coarse} vs {precise}");
        assert_eq!(unix_now(), now_millis() / 1000);
    }
}
