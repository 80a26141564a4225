//! The emergency switch as this PHP-FPM worker last read it. Shared by every
//! request the worker serves, so the check costs no database query and no
//! cache round trip; read again once it is older than the configured interval.
//! One entry per worker thread (PHP-FPM: per process), so the memory is
//! bounded and the hot path takes no lock.
//!
//! "Now" for a check: where every request starts afresh (PHP-FPM, CGI,
//! Apache), the time the request started, read once at request start; in
//! every other process (the CLI, runJobs, worker-mode servers, which may run
//! for hours) the clock is read on every check, so a switch refreshes and
//! expires there too. See [`ClockMode`].

use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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
fn check_now() -> i64 {
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

/// Wikis one worker keeps a switch for: a farm often serves many wikis from
/// one PHP-FPM pool. Past this, the entry read longest ago makes room.
pub const MAX_WIKIS: usize = 16;

/// A wiki as the cache knows it: a 64-bit SipHash of its ID, computed once
/// per handler, so the hot path compares one integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WikiKey(u64);

impl WikiKey {
    pub fn of(wiki_id: &str) -> WikiKey {
        let mut hasher = DefaultHasher::new();
        wiki_id.hash(&mut hasher);
        WikiKey(hasher.finish())
    }
}

/// What the hot path reads: plain `Copy` data in `Cell`s, no borrow flag.
#[derive(Clone, Copy)]
struct Hot {
    wiki: WikiKey,
    switch: CompactSwitch,
    /// When it was read (ms).
    fetched: i64,
}

thread_local! {
    static HOT: [Cell<Option<Hot>>; MAX_WIKIS] = const { [const { Cell::new(None) }; MAX_WIKIS] };
    /// The full switch of each wiki, kept for when a refresh fails.
    static LAST_KNOWN: RefCell<Vec<(WikiKey, Switch)>> = const { RefCell::new(Vec::new()) };
}

/// Whether `wiki`'s cached switch covers `trigger` now; `None` when nothing
/// is cached for it or it is older than `max_age_ms` (or the clock went back).
#[inline]
pub fn covers(wiki: WikiKey, trigger: Trigger, max_age_ms: i64) -> Option<bool> {
    let hot = HOT.with(|slots| {
        slots
            .iter()
            .find_map(|slot| slot.get().filter(|hot| hot.wiki == wiki))
    })?;
    let now = check_now();
    let age = now.wrapping_sub(hot.fetched);
    if !(0..=max_age_ms).contains(&age) {
        return None;
    }
    Some(hot.switch.covers(trigger, now / 1000))
}

/// `wiki`'s switch last stored, however old (used when a refresh fails).
pub fn last_known(wiki: WikiKey) -> Option<Switch> {
    LAST_KNOWN.with(|known| {
        known
            .borrow()
            .iter()
            .find(|(key, _)| *key == wiki)
            .map(|(_, switch)| switch.clone())
    })
}

pub fn store(wiki: WikiKey, switch: Switch) {
    let entry = Hot {
        wiki,
        switch: switch.compact(),
        fetched: check_now(),
    };
    HOT.with(|slots| {
        let slot = slots
            .iter()
            .find(|slot| slot.get().is_none_or(|hot| hot.wiki == wiki))
            .or_else(|| {
                slots
                    .iter()
                    .min_by_key(|slot| slot.get().map_or(i64::MIN, |hot| hot.fetched))
            });
        if let Some(slot) = slot {
            slot.set(Some(entry));
        }
    });
    LAST_KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        known.retain(|(key, _)| *key != wiki);
        known.push((wiki, switch));
        let excess = known.len().saturating_sub(MAX_WIKIS);
        known.drain(..excess);
    });
}

/// Forces the next check of every wiki to read the stored switch (after a
/// change made here, which may cover several wikis).
pub fn forget() {
    HOT.with(|slots| slots.iter().for_each(|slot| slot.set(None)));
    LAST_KNOWN.with(|known| known.borrow_mut().clear());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::parse_stored_actions;

    /// The clock mode is per process: tests that check the clock take turns.
    static CLOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

    fn on(actions: &str, expires_in: i64) -> Switch {
        Switch {
            on: true,
            actions: parse_stored_actions(actions),
            expiry: unix_now() + expires_in,
        }
    }

    #[test]
    fn fresh_entries_answer_and_stale_or_forgotten_ones_do_not() {
        let _clock = CLOCK.lock();
        let wiki = WikiKey::of("enwiki");
        forget();
        assert_eq!(covers(wiki, Trigger::Edit, 5_000), None);
        store(wiki, on("edit", 100));
        assert_eq!(covers(wiki, Trigger::Edit, 5_000), Some(true));
        assert_eq!(covers(wiki, Trigger::Create, 5_000), Some(false));
        std::thread::sleep(std::time::Duration::from_millis(30));
        // The clock is read per check: a long-lived process sees the entry age.
        assert_eq!(covers(wiki, Trigger::Edit, 10), None);
        assert!(last_known(wiki).is_some());
        forget();
        assert!(last_known(wiki).is_none());
    }

    #[test]
    fn each_wiki_answers_with_its_own_switch() {
        let _clock = CLOCK.lock();
        forget();
        let (a, b) = (WikiKey::of("enwiki"), WikiKey::of("dewiki"));
        store(a, on("edit", 100));
        assert_eq!(covers(b, Trigger::Edit, 5_000), None);
        store(b, Switch::default());
        assert_eq!(covers(a, Trigger::Edit, 5_000), Some(true));
        assert_eq!(covers(b, Trigger::Edit, 5_000), Some(false));
        assert_eq!(last_known(b), Some(Switch::default()));
    }

    #[test]
    fn a_farm_of_many_wikis_stays_bounded() {
        let _clock = CLOCK.lock();
        forget();
        for i in 0..(MAX_WIKIS * 3) {
            store(WikiKey::of(&format!("wiki{i}")), on("edit", 100));
        }
        let cached = (0..(MAX_WIKIS * 3))
            .filter(|i| covers(WikiKey::of(&format!("wiki{i}")), Trigger::Edit, 60_000).is_some())
            .count();
        assert_eq!(cached, MAX_WIKIS);
        LAST_KNOWN.with(|known| assert_eq!(known.borrow().len(), MAX_WIKIS));
    }

    #[test]
    fn the_clock_is_per_request_only_where_requests_start_afresh() {
        let _clock = CLOCK.lock();
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
    fn a_request_clock_holds_still_until_the_next_request() {
        let _clock = CLOCK.lock();
        let wiki = WikiKey::of("clockwiki");
        set_clock_mode(ClockMode::PerRequest);
        start_request();
        store(wiki, on("edit", 100));
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert_eq!(covers(wiki, Trigger::Edit, 10), Some(true));
        start_request();
        assert_eq!(covers(wiki, Trigger::Edit, 10), None);
        end_request();
        set_clock_mode(ClockMode::PerCall);
        start_request();
        let _ = check_now();
        assert!(
            REQUEST_NOW.with(Cell::get).is_none(),
            "per call: nothing kept"
        );
    }

    #[test]
    fn the_coarse_clock_agrees_with_the_precise_one() {
        let _clock = CLOCK.lock();
        let (coarse, precise) = (now_millis(), precise_now_millis());
        assert!((coarse - precise).abs() < 100, "{coarse} vs {precise}");
    }

    #[test]
    fn an_expired_switch_is_off_without_a_refresh() {
        let _clock = CLOCK.lock();
        let wiki = WikiKey::of("enwiki");
        store(wiki, on("edit", -1));
        assert_eq!(covers(wiki, Trigger::Edit, 60_000), Some(false));
    }
}
