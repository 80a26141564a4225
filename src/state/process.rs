//! Per-process memory shared by the requests one PHP-FPM worker serves.

use std::collections::HashSet;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

/// Distinct warnings remembered per process; beyond this, warnings repeat
/// rather than memory growing.
const MAX_REMEMBERED_WARNINGS: usize = 64;

static WARNED: Lazy<Mutex<HashSet<String>>> = Lazy::new(|| Mutex::new(HashSet::new()));

/// True the first time `key` is seen in this process: warnings about
/// configuration (a CAPTCHA action on a filter for page moves, say) are
/// logged once rather than on every matching request.
pub fn first_warning(key: &str) -> bool {
    let mut warned = WARNED.lock();
    if warned.contains(key) {
        return false;
    }
    if warned.len() >= MAX_REMEMBERED_WARNINGS {
        warned.clear();
    }
    warned.insert(key.to_owned());
    true
}

static LAST_PURGE_ASK: Mutex<Option<i64>> = Mutex::new(None);

/// True when this worker should ask for a purge of aged sensitive hits now
/// (see `policy::sensitive::purge_due`); records the ask.
pub fn purge_ask_due(now: i64, interval: i64) -> bool {
    let mut last = LAST_PURGE_ASK.lock();
    let due = crate::policy::sensitive::purge_due(*last, now, interval);
    if due {
        *last = Some(now);
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_once_per_key_and_stays_bounded() {
        assert!(first_warning("move:1"));
        assert!(!first_warning("move:1"));
        for i in 0..(MAX_REMEMBERED_WARNINGS * 2) {
            first_warning(&format!("bulk:{i}"));
        }
        assert!(WARNED.lock().len() <= MAX_REMEMBERED_WARNINGS);
    }
}
