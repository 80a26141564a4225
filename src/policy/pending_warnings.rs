//! AbuseFilter's `warn` toggles a session key on every save. A CAPTCHA
//! demanded after a warning must keep that key set, or the save that carries
//! the answer is warned again (the upstream loop). The keys kept set for that
//! are "pending": each carries the time it was set and lapses with the CAPTCHA
//! it waits for, and only a few are kept, so an abandoned CAPTCHA never
//! silences a filter's warning for the rest of a session.

use serde::{Deserialize, Serialize};

/// More pending CAPTCHAs than anyone answers at once; the oldest go first.
pub const MAX_PENDING: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    key: String,
    set_at: i64,
}

/// The pending warn keys of one session, as kept in it (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingWarnings(Vec<Pending>);

impl PendingWarnings {
    /// Reads the stored form; anything unreadable (an older format, say) is none.
    pub fn from_stored(stored: &str) -> PendingWarnings {
        PendingWarnings(serde_json::from_str(stored).unwrap_or_default())
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// Drops the keys whose CAPTCHA has lapsed (`lifetime` seconds after it
    /// was set) and returns them, for the session to unset.
    pub fn take_lapsed(&mut self, now: i64, lifetime: i64) -> Vec<String> {
        let (live, lapsed): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|p| now.saturating_sub(p.set_at) < lifetime);
        self.0 = live;
        lapsed.into_iter().map(|p| p.key).collect()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|p| p.key.as_str())
    }

    /// Adds `key` (again); returns the oldest keys it pushed out, for the
    /// session to unset.
    pub fn add(&mut self, key: &str, now: i64) -> Vec<String> {
        self.remove(key);
        self.0.push(Pending {
            key: key.to_owned(),
            set_at: now,
        });
        let excess = self.0.len().saturating_sub(MAX_PENDING);
        self.0.drain(..excess).map(|p| p.key).collect()
    }

    pub fn remove(&mut self, key: &str) {
        self.0.retain(|p| p.key != key);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_lapse_with_their_captcha() {
        let mut pending = PendingWarnings::default();
        pending.add("a", 100);
        pending.add("b", 1_000);
        assert_eq!(pending.take_lapsed(1_900, 1_800), ["a"]);
        assert_eq!(pending.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(pending.take_lapsed(2_800, 1_800), ["b"]);
        assert!(pending.is_empty());
    }

    #[test]
    fn the_list_is_bounded_and_re_adding_refreshes() {
        let mut pending = PendingWarnings::default();
        let mut pushed_out = Vec::new();
        for i in 0..20 {
            pushed_out.extend(pending.add(&format!("k{i}"), i));
        }
        // Every key pushed out is handed back, oldest first.
        assert_eq!(
            pushed_out,
            (0..12).map(|i| format!("k{i}")).collect::<Vec<_>>()
        );
        assert_eq!(pending.keys().count(), MAX_PENDING);
        assert_eq!(pending.keys().next(), Some("k12"));
        pending.add("k12", 50);
        assert_eq!(pending.keys().last(), Some("k12"));
        pending.remove("k12");
        assert!(!pending.keys().any(|k| k == "k12"));
    }

    #[test]
    fn stored_form_round_trips_and_garbage_is_empty() {
        let mut pending = PendingWarnings::default();
        pending.add("abusefilter-warned-x-1-edit", 42);
        assert_eq!(PendingWarnings::from_stored(&pending.to_stored()), pending);
        assert!(PendingWarnings::from_stored("not json").is_empty());
        assert!(PendingWarnings::from_stored(r#"["old-format-key"]"#).is_empty());
    }
}
