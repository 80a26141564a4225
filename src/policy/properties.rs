//! Property tests: every parser of outside input (siteverify answers, expiries,
//! action and wiki lists, bucket edges, session values) takes anything without
//! panicking, and says no with a typed error.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::challenge::FilteredAction;
use super::emergency::{self, ChangeRequest, ScopeRequest, SwitchError, Trigger, ALL_WIKIS};
use super::events::iso8601_utc;
use super::farm_switches::{FarmSwitches, SwitchRow, WikiKey};
use super::pending_warnings::{PendingWarnings, MAX_PENDING};
use super::rule_actions;
use super::score::{self, Buckets, InvalidBuckets, VerifyError, MAX_ANSWER_BYTES, NO_SCORE};

/// Mostly JSON that looks like siteverify's answer, some of it broken.
fn siteverify_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[a-z\"\\[\\],-]{0,12}",
        Just("[\"invalid-input-secret\"]".to_owned()),
        Just("[]".to_owned()),
    ];
    let object = proptest::collection::vec(
        (
            prop_oneof![
                Just("success"),
                Just("error-codes"),
                Just("score"),
                Just("x")
            ],
            value,
        ),
        0..5,
    )
    .prop_map(|fields| {
        let inner: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", inner.join(",")).into_bytes()
    });
    prop_oneof![
        object,
        proptest::collection::vec(any::<u8>(), 0..256),
        (0usize..3).prop_map(|extra| vec![b' '; MAX_ANSWER_BYTES + extra]),
    ]
}

proptest! {
    #[test]
    fn siteverify_answers_never_panic_and_fail_closed(
        body in siteverify_body(),
        http_error in proptest::option::of("[ -~]{0,20}"),
    ) {
        let verification = score::interpret(http_error.as_deref(), &body);
        if verification.passed {
            // Only a well-formed success without error codes passes, and its score is valid.
            prop_assert!(http_error.is_none());
            prop_assert!(body.len() <= MAX_ANSWER_BYTES);
            prop_assert!(!matches!(verification.problem, Some(VerifyError::ErrorCodes(_))));
            prop_assert!(verification.score.is_none_or(|s| (0.0..=1.0).contains(&s)));
        } else {
            prop_assert!(verification.problem.is_some());
            prop_assert_eq!(verification.score, None);
        }
        if body.len() > MAX_ANSWER_BYTES && http_error.is_none() {
            prop_assert_eq!(verification.problem, Some(VerifyError::TooLarge));
        }
    }

    #[test]
    fn bucket_edges_are_checked_and_every_score_lands_on_an_edge(
        edges in proptest::collection::vec(prop_oneof![any::<f64>(), 0.0f64..=1.0, Just(0.0)], 0..12),
        score in proptest::option::of(prop_oneof![any::<f64>(), 0.0f64..=1.0]),
    ) {
        match Buckets::from_edges(edges.clone()) {
            Ok(buckets) => {
                let bucket = buckets.bucket(score);
                match score.and_then(score::valid_score) {
                    None => prop_assert_eq!(bucket, NO_SCORE),
                    Some(s) => {
                        prop_assert!(edges.contains(&bucket));
                        prop_assert!(bucket <= s);
                        prop_assert!(!edges.iter().any(|e| *e > bucket && *e <= s));
                    }
                }
            }
            Err(InvalidBuckets) => prop_assert!(
                edges.is_empty()
                    || !edges.contains(&0.0)
                    || edges.iter().any(|e| !e.is_finite() || !(0.0..=1.0).contains(e))
            ),
        }
    }

    #[test]
    fn switch_changes_are_accepted_only_within_their_limits(
        on in any::<bool>(),
        actions in proptest::collection::vec("[a-z ]{0,14}", 0..5),
        expiry_given in any::<bool>(),
        expiry in proptest::option::of(any::<i64>()),
        reason in "\\PC{0,520}",
        now in any::<i64>(),
        max_seconds in any::<i64>(),
    ) {
        let request = ChangeRequest { on, actions: actions.clone(), expiry_given, expiry, reason: reason.clone() };
        match emergency::validate(&request, now, max_seconds) {
            Ok(change) => {
                prop_assert!(!change.reason.is_empty());
                prop_assert!(change.reason.chars().count() <= emergency::MAX_REASON_CHARS);
                if change.on {
                    prop_assert!(change.expiry > now);
                    prop_assert!(change.expiry.saturating_sub(now) <= max_seconds);
                    prop_assert!(!change.actions.is_empty());
                } else {
                    prop_assert!(change.actions.is_empty());
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in errors {
                    match error {
                        SwitchError::UnknownAction(name) => {
                            prop_assert!(on);
                            prop_assert!(name.parse::<Trigger>().is_err());
                            prop_assert!(actions.iter().any(|a| a.trim() == name));
                        }
                        SwitchError::MissingReason => prop_assert!(reason.trim().is_empty()),
                        SwitchError::ReasonTooLong { max } => prop_assert!(reason.trim().chars().count() > max),
                        SwitchError::MissingExpiry => prop_assert!(on && !expiry_given),
                        SwitchError::UnparseableExpiry => prop_assert!(on && expiry.is_none()),
                        SwitchError::ExpiryInPast => prop_assert!(expiry.is_some_and(|e| e <= now)),
                        SwitchError::ExpiryOverCap { .. } => prop_assert!(on),
                        other => prop_assert!(false, "validate() cannot refuse with {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn wiki_lists_name_only_the_farm_and_need_the_global_right_for_others(
        requested in proptest::collection::vec(prop_oneof![Just("*".to_owned()), "[a-z0-9 ]{0,6}"], 0..5),
        known in proptest::collection::vec("[a-z0-9]{1,6}", 0..4),
        current in "[a-z0-9]{1,6}",
        may_switch_others in any::<bool>(),
    ) {
        let scope = ScopeRequest { requested: &requested, current_wiki: &current, known_wikis: &known, may_switch_others };
        match emergency::validate_scope(&scope) {
            Ok(wikis) => {
                prop_assert!(!wikis.is_empty());
                for wiki in &wikis {
                    prop_assert!(wiki == &current || known.contains(wiki) || wiki == ALL_WIKIS);
                    prop_assert!(wiki == &current || may_switch_others);
                }
                let covered = emergency::covered_elsewhere(&wikis, &current, &known);
                prop_assert!(!covered.contains(&current));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in errors {
                    match error {
                        SwitchError::NeedsGlobalRight => prop_assert!(!may_switch_others),
                        SwitchError::UnknownWiki(wiki) => prop_assert!(!known.contains(&wiki) && wiki != current),
                        other => prop_assert!(false, "validate_scope() cannot refuse with {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn stored_action_lists_parse_leniently_and_round_trip(stored in "[a-z, ]{0,40}") {
        let actions = emergency::parse_stored_actions(&stored);
        let again = emergency::parse_stored_actions(&emergency::format_actions(&actions));
        prop_assert_eq!(actions, again);
    }

    #[test]
    fn any_rule_text_is_read_without_panicking(rules in "\\PC{0,80}") {
        let uncovered = rule_actions::uncovered_actions(&rules);
        prop_assert!(uncovered.iter().all(|name| rule_actions::ABUSEFILTER_ACTIONS.contains(&name.as_str())));
    }

    #[test]
    fn any_action_name_from_abusefilter_is_classified(action in "\\PC{0,20}") {
        let filtered = FilteredAction::from_abusefilter(&action);
        prop_assert_eq!(filtered == FilteredAction::Edit, action == "edit");
        prop_assert_eq!(filtered == FilteredAction::AccountCreation, action == "createaccount");
        prop_assert_eq!(filtered == FilteredAction::Move, action == "move");
        prop_assert_eq!(filtered == FilteredAction::Upload, action == "upload");
    }

    #[test]
    fn session_values_of_any_shape_read_as_a_bounded_list(
        stored in prop_oneof![
            "\\PC{0,60}",
            Just("{\"key\":1}".to_owned()),
            Just("[{\"key\":\"k\",\"set_at\":\"soon\"}]".to_owned()),
            Just("[{\"key\":7,\"set_at\":1}]".to_owned()),
            Just("[null, 1, \"x\"]".to_owned()),
        ],
        keys in proptest::collection::vec("[a-z]{1,4}", 0..20),
        now in any::<i64>(),
        lifetime in any::<i64>(),
    ) {
        let mut pending = PendingWarnings::from_stored(&stored);
        let before = pending.keys().count();
        let lapsed = pending.take_lapsed(now, lifetime);
        prop_assert_eq!(lapsed.len() + pending.keys().count(), before);
        for key in &keys {
            let pushed_out = pending.add(key, now);
            prop_assert!(!pushed_out.contains(key));
        }
        prop_assert!(pending.keys().count() <= MAX_PENDING);
        let distinct: BTreeSet<&str> = pending.keys().collect();
        prop_assert_eq!(distinct.len(), pending.keys().count());
        prop_assert_eq!(PendingWarnings::from_stored(&pending.to_stored()), pending);
    }

    #[test]
    fn any_unix_time_formats_as_iso8601(time in any::<i64>()) {
        let formatted = iso8601_utc(time);
        prop_assert!(formatted.ends_with('Z'));
        prop_assert_eq!(formatted.matches(':').count(), 2);
    }
}

/// Rows of a small farm's switch table: a few wikis and `*`, on and off,
/// some expired, in any order.
fn switch_rows() -> impl Strategy<Value = Vec<SwitchRow>> {
    let row = (
        prop_oneof![Just("*"), Just("enwiki"), Just("dewiki"), Just("frwiki")],
        any::<bool>(),
        -100i64..100,
    );
    proptest::collection::vec(row, 0..12).prop_map(|rows| {
        let mut rows: Vec<SwitchRow> = rows
            .into_iter()
            .enumerate()
            .map(|(id, (wiki, on, expires_in))| SwitchRow {
                id: id as i64,
                wiki: wiki.to_owned(),
                switch: emergency::Switch {
                    on,
                    actions: [Trigger::Edit].into_iter().collect(),
                    expiry: if on { FARM_NOW + expires_in } else { 0 },
                },
            })
            .collect();
        rows.reverse();
        rows
    })
}

const FARM_NOW: i64 = 1_800_000_000;

proptest! {
    /// The snapshot answers as reading each wiki's switch on its own would:
    /// the newest row of the wiki or of `*`.
    #[test]
    fn a_farm_snapshot_agrees_with_each_wikis_newest_row(rows in switch_rows(), later in 0i64..200) {
        let snapshot = FarmSwitches::from_rows(rows.clone(), FARM_NOW);
        for wiki in ["enwiki", "dewiki", "frwiki", "eswiki"] {
            let newest = rows
                .iter()
                .filter(|row| row.wiki == wiki || row.wiki == ALL_WIKIS)
                .max_by_key(|row| row.id);
            for now in [FARM_NOW, FARM_NOW + later] {
                let expected = newest.is_some_and(|row| row.switch.covers(Trigger::Edit, now));
                prop_assert_eq!(snapshot.covers(WikiKey::of(wiki), Trigger::Edit, now), expected, "{} at {}", wiki, now);
            }
        }
    }
}
