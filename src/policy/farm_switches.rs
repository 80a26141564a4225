//! Every wiki's emergency switch from one read of the switch table: the
//! snapshot a worker keeps for all the wikis it serves (a farm's shared table,
//! or one wiki's own). It holds only what can be on: switches still on, and a
//! wiki's own "off" that overrides a farm-wide switch still on.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::emergency::{CompactSwitch, Switch, Trigger, ALL_WIKIS};

/// A wiki as the snapshot knows it: a 64-bit SipHash of its ID, computed once
/// per handler, so a check compares integers, not strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WikiKey(u64);

impl WikiKey {
    pub fn of(wiki_id: &str) -> WikiKey {
        let mut hasher = DefaultHasher::new();
        wiki_id.hash(&mut hasher);
        WikiKey(hasher.finish())
    }
}

/// One row of the switch table: a change, for one wiki or for all (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchRow {
    /// The row's ID: a later change has a greater one.
    pub id: i64,
    pub wiki: String,
    pub switch: Switch,
}

#[derive(Debug, Clone)]
struct WikiSwitch {
    key: WikiKey,
    id: i64,
    switch: CompactSwitch,
    /// Kept for the metrics, which name the wikis that are on.
    name: String,
    on: bool,
}

#[derive(Debug, Clone, Default)]
pub struct FarmSwitches {
    /// The newest farm-wide change, on or off: an "off" for every wiki
    /// ends each wiki's own older switch too.
    everywhere: Option<(i64, CompactSwitch)>,
    /// Sorted by key.
    wikis: Vec<WikiSwitch>,
    /// When it was read (Unix seconds).
    read_at: i64,
}

impl FarmSwitches {
    /// The snapshot of `rows` at `now` (Unix seconds). The rows may be any
    /// superset of each wiki's newest row that can be on: older ones are
    /// ignored, so a read need not pick the newest per wiki itself.
    pub fn from_rows(rows: impl IntoIterator<Item = SwitchRow>, now: i64) -> FarmSwitches {
        let mut newest: HashMap<String, SwitchRow> = HashMap::new();
        for row in rows {
            match newest.get_mut(&row.wiki) {
                Some(kept) if kept.id < row.id => *kept = row,
                Some(_) => {}
                None => {
                    newest.insert(row.wiki.clone(), row);
                }
            }
        }
        let everywhere = newest
            .get(ALL_WIKIS)
            .map(|row| (row.id, row.switch.compact()));
        let everywhere_on = everywhere.filter(|(_, switch)| switch.is_active(now));
        let mut wikis: Vec<WikiSwitch> = newest
            .into_values()
            .filter(|row| row.wiki != ALL_WIKIS)
            .filter(|row| {
                // A wiki's own change newer than a farm-wide one still on wins, even "off".
                row.switch.is_active(now) || everywhere_on.is_some_and(|(id, _)| row.id > id)
            })
            .map(|row| WikiSwitch {
                key: WikiKey::of(&row.wiki),
                id: row.id,
                switch: row.switch.compact(),
                on: row.switch.is_active(now),
                name: row.wiki,
            })
            .collect();
        wikis.sort_by_key(|entry| entry.key);
        FarmSwitches {
            everywhere,
            wikis,
            read_at: now,
        }
    }

    /// `wiki`'s switch: its own newest change or the farm-wide one, whichever
    /// is newer; off when neither is on.
    #[inline]
    pub fn switch_for(&self, wiki: WikiKey) -> CompactSwitch {
        let own = self
            .wikis
            .binary_search_by_key(&wiki, |entry| entry.key)
            .ok()
            .map(|index| &self.wikis[index]);
        match (own, self.everywhere) {
            (Some(own), Some((id, everywhere))) if id > own.id => everywhere,
            (Some(own), _) => own.switch,
            (None, Some((_, everywhere))) => everywhere,
            (None, None) => CompactSwitch::default(),
        }
    }

    pub fn covers(&self, wiki: WikiKey, trigger: Trigger, now: i64) -> bool {
        self.switch_for(wiki).covers(trigger, now)
    }

    /// The wikis named in the snapshot and whether each was on when it was
    /// read (`*`: the farm-wide switch, when on), for the metrics.
    pub fn named_states(&self) -> impl Iterator<Item = (&str, bool)> {
        self.everywhere
            .filter(|(_, switch)| switch.is_active(self.read_at))
            .map(|_| (ALL_WIKIS, true))
            .into_iter()
            .chain(
                self.wikis
                    .iter()
                    .map(|entry| (entry.name.as_str(), entry.on)),
            )
    }

    /// How many switches it holds (its memory grows with this, not with the farm).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.wikis.len() + usize::from(self.everywhere.is_some())
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::emergency::parse_stored_actions;

    const NOW: i64 = 1_800_000_000;

    fn row(id: i64, wiki: &str, actions: Option<&str>, expires_in: i64) -> SwitchRow {
        SwitchRow {
            id,
            wiki: wiki.into(),
            switch: Switch {
                on: actions.is_some(),
                actions: parse_stored_actions(actions.unwrap_or("")),
                expiry: if actions.is_some() {
                    NOW + expires_in
                } else {
                    0
                },
            },
        }
    }

    fn covered(snapshot: &FarmSwitches, wiki: &str) -> bool {
        snapshot.covers(WikiKey::of(wiki), Trigger::Edit, NOW)
    }

    #[test]
    fn a_wiki_is_on_only_by_its_newest_row() {
        let snapshot = FarmSwitches::from_rows(
            [
                row(1, "enwiki", Some("edit"), 3600),
                row(2, "enwiki", None, 0),
                row(3, "dewiki", None, 0),
                row(4, "dewiki", Some("edit"), 3600),
            ],
            NOW,
        );
        assert!(!covered(&snapshot, "enwiki"));
        assert!(covered(&snapshot, "dewiki"));
        assert!(!covered(&snapshot, "frwiki"));
        // Only what is on is kept.
        assert_eq!(snapshot.len(), 1);
    }

    #[test]
    fn rows_in_any_order_give_the_same_snapshot() {
        let rows = [
            row(4, "dewiki", Some("edit"), 3600),
            row(3, "dewiki", None, 0),
        ];
        assert!(covered(&FarmSwitches::from_rows(rows, NOW), "dewiki"));
    }

    #[test]
    fn the_newer_of_a_wikis_own_change_and_the_farm_wide_one_wins() {
        let snapshot = FarmSwitches::from_rows(
            [
                row(1, "enwiki", Some("create"), 3600),
                row(2, "*", Some("edit"), 3600),
                row(3, "dewiki", None, 0),
            ],
            NOW,
        );
        assert!(
            covered(&snapshot, "enwiki"),
            "the farm-wide switch is newer"
        );
        assert!(
            covered(&snapshot, "frwiki"),
            "a wiki with no row of its own"
        );
        assert!(
            !covered(&snapshot, "dewiki"),
            "switched off after the farm-wide one"
        );
        let names: Vec<_> = snapshot.named_states().collect();
        assert!(names.contains(&("*", true)));
        assert!(names.contains(&("dewiki", false)));
    }

    #[test]
    fn switching_every_wiki_off_ends_each_wikis_own_switch() {
        let snapshot = FarmSwitches::from_rows(
            [
                row(1, "enwiki", Some("edit"), 3600),
                row(2, "*", None, 0),
                row(3, "dewiki", Some("edit"), 3600),
            ],
            NOW,
        );
        assert!(
            !covered(&snapshot, "enwiki"),
            "switched off everywhere after"
        );
        assert!(covered(&snapshot, "dewiki"), "switched on again after");
        assert!(!snapshot.named_states().any(|(name, _)| name == "*"));
    }

    #[test]
    fn expired_switches_are_off_and_not_kept() {
        let snapshot = FarmSwitches::from_rows(
            [
                row(1, "*", Some("edit"), -1),
                row(2, "enwiki", Some("edit"), -5),
            ],
            NOW,
        );
        assert!(!covered(&snapshot, "enwiki"));
        assert_eq!(snapshot.wikis.len(), 0);
        // And one that expires after the read is off from that second.
        let later = FarmSwitches::from_rows([row(1, "enwiki", Some("edit"), 10)], NOW);
        assert!(later.covers(WikiKey::of("enwiki"), Trigger::Edit, NOW + 9));
        assert!(!later.covers(WikiKey::of("enwiki"), Trigger::Edit, NOW + 10));
    }

    #[test]
    fn a_thousand_wikis_with_two_on_hold_two() {
        let mut rows: Vec<SwitchRow> = (0..1000)
            .map(|i| row(i, &format!("wiki{i}"), None, 0))
            .collect();
        rows.push(row(2000, "wiki7", Some("edit"), 60));
        rows.push(row(2001, "wiki993", Some("edit"), 60));
        let snapshot = FarmSwitches::from_rows(rows, NOW);
        assert_eq!(snapshot.len(), 2);
        let on: Vec<_> = (0..1000)
            .filter(|i| covered(&snapshot, &format!("wiki{i}")))
            .collect();
        assert_eq!(on, vec![7, 993]);
    }
}
