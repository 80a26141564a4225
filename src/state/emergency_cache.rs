//! The emergency switch as this PHP-FPM worker last read it. Shared by every
//! request the worker serves, so the check costs no database query and no
//! cache round trip; read again once it is older than the configured interval.
//! One entry per worker thread (PHP-FPM: per process), so the memory is
//! bounded and the hot path takes no lock. "Now" for a check is
//! [`clock::check_now`].

use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::clock::check_now;
use crate::policy::emergency::{CompactSwitch, Switch, Trigger};

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
    use crate::state::clock::{
        end_request, set_clock_mode, start_request, unix_now, ClockMode, TEST_LOCK as CLOCK,
    };

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
    }

    #[test]
    fn an_expired_switch_is_off_without_a_refresh() {
        let _clock = CLOCK.lock();
        let wiki = WikiKey::of("enwiki");
        store(wiki, on("edit", -1));
        assert_eq!(covers(wiki, Trigger::Edit, 60_000), Some(false));
    }
}
