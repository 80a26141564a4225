//! The emergency switches as this PHP-FPM worker last read them: one
//! snapshot per switch table (a farm shares one), shared by every request
//! and every wiki the worker serves, so a check costs no database query and
//! no cache round trip, and a table is read once per refresh interval however
//! many wikis use it. One copy per worker thread (PHP-FPM: per process), so
//! the hot path takes no lock. "Now" for a check is [`clock::check_now`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::clock::check_now;
use crate::policy::emergency::Trigger;
use crate::policy::farm_switches::{FarmSwitches, WikiKey};

/// Switch tables one worker keeps a snapshot of: one on a farm with a shared
/// table; one per wiki where each wiki has its own. Past this, the snapshot
/// read longest ago makes room. An empty snapshot is a few dozen bytes.
pub const MAX_SOURCES: usize = 1024;

/// A switch table (its database) as the cache knows it.
pub type SourceKey = WikiKey;

/// The keys are SipHash values already: hashing them again is wasted time on
/// the hot path.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

struct Cached {
    snapshot: Rc<FarmSwitches>,
    /// When it was read (ms).
    fetched: i64,
}

thread_local! {
    static SNAPSHOTS: RefCell<HashMap<SourceKey, Cached, BuildHasherDefault<AlreadyHashed>>> =
        RefCell::new(HashMap::default());
}

/// Whether `wiki`'s switch in `source`'s snapshot covers `trigger` now;
/// `None` when there is no snapshot or it is older than `max_age_ms` (or the
/// clock went back).
#[inline]
pub fn covers(source: SourceKey, wiki: WikiKey, trigger: Trigger, max_age_ms: i64) -> Option<bool> {
    SNAPSHOTS.with(|snapshots| {
        let snapshots = snapshots.borrow();
        let cached = snapshots.get(&source)?;
        let now = check_now();
        let age = now.wrapping_sub(cached.fetched);
        if !(0..=max_age_ms).contains(&age) {
            return None;
        }
        Some(cached.snapshot.covers(wiki, trigger, now / 1000))
    })
}

/// `source`'s snapshot last stored, however old (used when a refresh fails).
pub fn last_known(source: SourceKey) -> Option<Rc<FarmSwitches>> {
    SNAPSHOTS.with(|snapshots| {
        snapshots
            .borrow()
            .get(&source)
            .map(|cached| Rc::clone(&cached.snapshot))
    })
}

pub fn store(source: SourceKey, snapshot: Rc<FarmSwitches>) {
    SNAPSHOTS.with(|snapshots| {
        let mut snapshots = snapshots.borrow_mut();
        if snapshots.len() >= MAX_SOURCES && !snapshots.contains_key(&source) {
            let oldest = snapshots
                .iter()
                .min_by_key(|(_, cached)| cached.fetched)
                .map(|(key, _)| *key);
            if let Some(oldest) = oldest {
                snapshots.remove(&oldest);
            }
        }
        snapshots.insert(
            source,
            Cached {
                snapshot,
                fetched: check_now(),
            },
        );
    });
}

/// Forces the next check of every wiki to read the stored switches (after a
/// change made here, which may cover several wikis).
pub fn forget() {
    SNAPSHOTS.with(|snapshots| snapshots.borrow_mut().clear());
}

#[cfg(test)]
fn cached_sources() -> usize {
    SNAPSHOTS.with(|snapshots| snapshots.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::{parse_stored_actions, Switch};
    use crate::policy::farm_switches::SwitchRow;
    use crate::state::clock::{
        end_request, set_clock_mode, start_request, unix_now, ClockMode, TEST_LOCK as CLOCK,
    };

    fn farm(on: &[(&str, &str, i64)]) -> Rc<FarmSwitches> {
        let rows = on
            .iter()
            .enumerate()
            .map(|(id, (wiki, actions, expires_in))| SwitchRow {
                id: id as i64,
                wiki: (*wiki).into(),
                switch: Switch {
                    on: true,
                    actions: parse_stored_actions(actions),
                    expiry: unix_now() + expires_in,
                },
            });
        Rc::new(FarmSwitches::from_rows(rows, unix_now()))
    }

    fn key(name: &str) -> WikiKey {
        WikiKey::of(name)
    }

    #[test]
    fn fresh_snapshots_answer_and_stale_or_forgotten_ones_do_not() {
        let _clock = CLOCK.lock();
        let (source, wiki) = (key("farm"), key("enwiki"));
        forget();
        assert_eq!(covers(source, wiki, Trigger::Edit, 5_000), None);
        store(source, farm(&[("enwiki", "edit", 100)]));
        assert_eq!(covers(source, wiki, Trigger::Edit, 5_000), Some(true));
        assert_eq!(covers(source, wiki, Trigger::Create, 5_000), Some(false));
        assert_eq!(
            covers(source, key("dewiki"), Trigger::Edit, 5_000),
            Some(false)
        );
        std::thread::sleep(std::time::Duration::from_millis(30));
        // The clock is read per check: a long-lived process sees the snapshot age.
        assert_eq!(covers(source, wiki, Trigger::Edit, 10), None);
        assert!(last_known(source).is_some());
        forget();
        assert!(last_known(source).is_none());
    }

    #[test]
    fn one_snapshot_answers_for_every_wiki_of_its_table() {
        let _clock = CLOCK.lock();
        forget();
        let source = key("farm");
        store(source, farm(&[("wiki7", "edit", 100)]));
        let on: Vec<usize> = (0..1000)
            .filter(|i| {
                covers(source, key(&format!("wiki{i}")), Trigger::Edit, 60_000) == Some(true)
            })
            .collect();
        assert_eq!(on, vec![7]);
        assert_eq!(cached_sources(), 1);
        // Another table (a wiki with its own) has a snapshot of its own.
        assert_eq!(
            covers(key("otherdb"), key("wiki7"), Trigger::Edit, 60_000),
            None
        );
    }

    #[test]
    fn many_tables_stay_bounded() {
        let _clock = CLOCK.lock();
        forget();
        for i in 0..(MAX_SOURCES + 10) {
            store(key(&format!("db{i}")), farm(&[]));
        }
        assert_eq!(cached_sources(), MAX_SOURCES);
        forget();
    }

    #[test]
    fn a_request_clock_holds_still_until_the_next_request() {
        let _clock = CLOCK.lock();
        let (source, wiki) = (key("clockfarm"), key("clockwiki"));
        set_clock_mode(ClockMode::PerRequest);
        start_request();
        store(source, farm(&[("clockwiki", "edit", 100)]));
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert_eq!(covers(source, wiki, Trigger::Edit, 10), Some(true));
        start_request();
        assert_eq!(covers(source, wiki, Trigger::Edit, 10), None);
        end_request();
        set_clock_mode(ClockMode::PerCall);
    }

    #[test]
    fn an_expired_switch_is_off_without_a_refresh() {
        let _clock = CLOCK.lock();
        let source = key("expiringfarm");
        store(source, farm(&[("enwiki", "edit", 1)]));
        assert_eq!(
            covers(source, key("enwiki"), Trigger::Edit, 60_000),
            Some(true)
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(
            covers(source, key("enwiki"), Trigger::Edit, 60_000),
            Some(false)
        );
    }
}
