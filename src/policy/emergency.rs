//! The emergency CAPTCHA switch: what a change may contain, and whether the
//! current switch covers an action on this wiki at a given moment.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// ConfirmEdit's triggers an emergency can cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trigger {
    Edit,
    Create,
    AddUrl,
    CreateAccount,
}

impl Trigger {
    pub const ALL: [Trigger; 4] = [
        Trigger::Edit,
        Trigger::Create,
        Trigger::AddUrl,
        Trigger::CreateAccount,
    ];
    /// Switched on without naming actions: every edit and page creation.
    pub const DEFAULT: [Trigger; 2] = [Trigger::Edit, Trigger::Create];

    /// One bit per trigger, for the per-request check.
    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub fn name(self) -> &'static str {
        match self {
            Trigger::Edit => "edit",
            Trigger::Create => "create",
            Trigger::AddUrl => "addurl",
            Trigger::CreateAccount => "createaccount",
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Trigger {
    type Err = SwitchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Trigger::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| SwitchError::UnknownAction(s.to_owned()))
    }
}

/// Why a requested change is refused. Each maps to a localised message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SwitchError {
    #[error("unknown action '{0}'")]
    UnknownAction(String),
    #[error("a reason is required")]
    MissingReason,
    #[error("the reason is longer than {max} characters")]
    ReasonTooLong { max: usize },
    #[error("an expiry is required")]
    MissingExpiry,
    #[error("the expiry could not be understood")]
    UnparseableExpiry,
    #[error("the expiry is in the past")]
    ExpiryInPast,
    #[error("the expiry is more than {max_seconds} seconds away")]
    ExpiryOverCap { max_seconds: i64 },
    #[error("switching other wikis needs the emergencycaptcha-global right")]
    NeedsGlobalRight,
    #[error("unknown wiki '{0}'")]
    UnknownWiki(String),
}

impl SwitchError {
    /// The i18n key (see i18n/en.json) and its parameters.
    pub fn message(&self) -> (&'static str, Vec<String>) {
        match self {
            SwitchError::UnknownAction(name) => {
                ("captchaguard-emergency-error-action", vec![name.clone()])
            }
            SwitchError::MissingReason => ("captchaguard-emergency-error-reason", vec![]),
            SwitchError::ReasonTooLong { max } => (
                "captchaguard-emergency-error-reason-long",
                vec![max.to_string()],
            ),
            SwitchError::MissingExpiry => ("captchaguard-emergency-error-expiry-missing", vec![]),
            SwitchError::UnparseableExpiry => ("captchaguard-emergency-error-expiry", vec![]),
            SwitchError::ExpiryInPast => ("captchaguard-emergency-error-expiry-past", vec![]),
            SwitchError::NeedsGlobalRight => ("captchaguard-emergency-error-global-right", vec![]),
            SwitchError::UnknownWiki(wiki) => {
                ("captchaguard-emergency-error-wiki", vec![wiki.clone()])
            }
            SwitchError::ExpiryOverCap { max_seconds } => (
                "captchaguard-emergency-error-expiry-cap",
                vec![max_seconds.to_string()],
            ),
        }
    }
}

impl SwitchError {
    /// The API error code (`action=emergencycaptcha`).
    pub fn api_code(&self) -> &'static str {
        match self {
            SwitchError::UnknownAction(_) => "emergencycaptcha-action",
            SwitchError::MissingReason => "emergencycaptcha-reason",
            SwitchError::ReasonTooLong { .. } => "emergencycaptcha-reason-long",
            SwitchError::MissingExpiry => "emergencycaptcha-expiry-missing",
            SwitchError::UnparseableExpiry => "emergencycaptcha-expiry",
            SwitchError::ExpiryInPast => "emergencycaptcha-expiry-past",
            SwitchError::NeedsGlobalRight => "emergencycaptcha-global-right",
            SwitchError::UnknownWiki(_) => "emergencycaptcha-wiki",
            SwitchError::ExpiryOverCap { .. } => "emergencycaptcha-expiry-cap",
        }
    }

    /// Whether the message's parameter is a number of seconds, shown as a duration.
    pub fn param_is_duration(&self) -> bool {
        matches!(self, SwitchError::ExpiryOverCap { .. })
    }
}

/// A change as a user asked for it; the expiry was already read by MediaWiki
/// (`None`: given but not understood).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub on: bool,
    pub actions: Vec<String>,
    pub expiry_given: bool,
    pub expiry: Option<i64>,
    pub reason: String,
}

/// A validated change, ready to be stored and logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub on: bool,
    pub actions: BTreeSet<Trigger>,
    /// Unix time; 0 when switching off.
    pub expiry: i64,
    pub reason: String,
}

/// A reason longer than this is refused rather than cut: the log keeps 500
/// characters (CommentStore's limit for comments, in characters), and the
/// switch must say the same as its log.
pub const MAX_REASON_CHARS: usize = 500;

pub fn validate(
    request: &ChangeRequest,
    now: i64,
    max_seconds: i64,
) -> Result<Change, Vec<SwitchError>> {
    // Every problem at once: a person in a hurry fixes the form in one go.
    let mut errors = Vec::new();
    let reason = request.reason.trim();
    if reason.is_empty() {
        errors.push(SwitchError::MissingReason);
    } else if reason.chars().count() > MAX_REASON_CHARS {
        errors.push(SwitchError::ReasonTooLong {
            max: MAX_REASON_CHARS,
        });
    }
    if !request.on {
        return if errors.is_empty() {
            Ok(Change {
                on: false,
                actions: BTreeSet::new(),
                expiry: 0,
                reason: reason.to_owned(),
            })
        } else {
            Err(errors)
        };
    }
    let mut actions = BTreeSet::new();
    for name in request
        .actions
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
    {
        match name.parse::<Trigger>() {
            Ok(trigger) => {
                actions.insert(trigger);
            }
            Err(error) => errors.push(error),
        }
    }
    if actions.is_empty() {
        actions = Trigger::DEFAULT.into_iter().collect();
    }
    let expiry = checked_expiry(request, now, max_seconds)
        .map_err(|error| errors.push(error))
        .ok();
    match expiry {
        Some(expiry) if errors.is_empty() => Ok(Change {
            on: true,
            actions,
            expiry,
            reason: reason.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// A switch-on's expiry, if it is given, understood, ahead and within the cap.
fn checked_expiry(request: &ChangeRequest, now: i64, max_seconds: i64) -> Result<i64, SwitchError> {
    if !request.expiry_given {
        return Err(SwitchError::MissingExpiry);
    }
    let expiry = request.expiry.ok_or(SwitchError::UnparseableExpiry)?;
    if expiry <= now {
        Err(SwitchError::ExpiryInPast)
    } else if expiry.saturating_sub(now) > max_seconds {
        Err(SwitchError::ExpiryOverCap { max_seconds })
    } else {
        Ok(expiry)
    }
}

/// Every wiki sharing the switch table, in a stored list of covered wikis.
pub const ALL_WIKIS: &str = "*";

/// Which wikis a change may cover, as the performer and the farm allow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRequest<'a> {
    /// As typed: wiki IDs or `*`; none means this wiki.
    pub requested: &'a [String],
    pub current_wiki: &'a str,
    /// The farm's wikis that share the switch (the current one included).
    pub known_wikis: &'a [String],
    /// Holds `emergencycaptcha-global`: may switch other wikis, or all.
    pub may_switch_others: bool,
}

/// The wikis a change covers: this wiki by default; others (or `*`) only with
/// the global right, and only wikis of the farm, so a typo protects nothing
/// silently.
pub fn validate_scope(scope: &ScopeRequest<'_>) -> Result<Vec<String>, Vec<SwitchError>> {
    let mut wikis: Vec<String> = Vec::new();
    for wiki in scope
        .requested
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
    {
        if !wikis.iter().any(|w| w == wiki) {
            wikis.push(wiki.to_owned());
        }
    }
    if wikis.is_empty() {
        return Ok(vec![scope.current_wiki.to_owned()]);
    }
    let others = wikis.iter().any(|w| w != scope.current_wiki);
    if others && !scope.may_switch_others {
        return Err(vec![SwitchError::NeedsGlobalRight]);
    }
    if wikis.iter().any(|w| w == ALL_WIKIS) {
        return Ok(vec![ALL_WIKIS.to_owned()]);
    }
    let unknown: Vec<SwitchError> = wikis
        .iter()
        .filter(|w| *w != scope.current_wiki && !scope.known_wikis.contains(w))
        .map(|w| SwitchError::UnknownWiki(w.clone()))
        .collect();
    if unknown.is_empty() {
        Ok(wikis)
    } else {
        Err(unknown)
    }
}

/// The wikis other than this one that a change to `wikis` (as validated)
/// covers, and so must log it: `*` means every wiki of the farm.
pub fn covered_elsewhere(
    wikis: &[String],
    current_wiki: &str,
    known_wikis: &[String],
) -> Vec<String> {
    let covered = if wikis.iter().any(|w| w == ALL_WIKIS) {
        known_wikis
    } else {
        wikis
    };
    covered
        .iter()
        .filter(|w| *w != current_wiki)
        .cloned()
        .collect()
}

/// The latest switch that applies to this wiki, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Switch {
    pub on: bool,
    pub actions: BTreeSet<Trigger>,
    pub expiry: i64,
}

impl Switch {
    /// Whether ConfirmEdit must ask for a CAPTCHA for `action` at `now`.
    /// An expired switch is off at that second, with nothing run to end it.
    pub fn covers(&self, action: Trigger, now: i64) -> bool {
        self.on && now < self.expiry && self.actions.contains(&action)
    }

    /// The same answer from a compact copy (see [`CompactSwitch`]).
    pub fn compact(&self) -> CompactSwitch {
        CompactSwitch {
            actions: if self.on {
                self.actions.iter().fold(0, |bits, t| bits | t.bit())
            } else {
                0
            },
            expiry: self.expiry,
        }
    }

    pub fn is_active(&self, now: i64) -> bool {
        self.on && now < self.expiry
    }
}

/// What the hot path needs of a switch: covered actions as bits (none when
/// off) and the expiry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompactSwitch {
    actions: u8,
    expiry: i64,
}

impl CompactSwitch {
    pub fn covers(self, action: Trigger, now: i64) -> bool {
        self.actions & action.bit() != 0 && now < self.expiry
    }

    pub fn is_active(self, now: i64) -> bool {
        self.actions != 0 && now < self.expiry
    }
}

/// Parses the stored comma-separated action list, skipping unknown names
/// (written by a newer version) rather than failing every request.
pub fn parse_stored_actions(stored: &str) -> BTreeSet<Trigger> {
    stored
        .split(',')
        .filter_map(|name| name.trim().parse().ok())
        .collect()
}

pub fn format_actions(actions: &BTreeSet<Trigger>) -> String {
    actions
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const WEEK: i64 = 7 * 86_400;

    fn on(actions: &[&str], expiry: Option<i64>, reason: &str) -> ChangeRequest {
        ChangeRequest {
            on: true,
            actions: actions.iter().map(|s| s.to_string()).collect(),
            expiry_given: true,
            expiry,
            reason: reason.into(),
        }
    }

    #[test]
    fn switching_on_defaults_to_edit_and_create() {
        let change = validate(&on(&[], Some(NOW + 3600), "botnet"), NOW, WEEK).unwrap();
        assert!(change.on);
        assert_eq!(format_actions(&change.actions), "edit,create");
        assert_eq!(change.expiry, NOW + 3600);
    }

    #[test]
    fn every_trigger_name_round_trips() {
        let all = ["edit", "create", "addurl", "createaccount"];
        let change = validate(&on(&all, Some(NOW + 60), "x"), NOW, WEEK).unwrap();
        assert_eq!(change.actions.len(), 4);
        assert_eq!(
            parse_stored_actions(&format_actions(&change.actions)),
            change.actions
        );
    }

    #[test]
    fn bad_input_is_refused_with_its_reason() {
        let cases = [
            (
                on(&["edit", "move"], Some(NOW + 60), "r"),
                SwitchError::UnknownAction("move".into()),
            ),
            (
                on(&["edit"], Some(NOW + 60), "  "),
                SwitchError::MissingReason,
            ),
            (on(&["edit"], None, "r"), SwitchError::UnparseableExpiry),
            (on(&["edit"], Some(NOW - 1), "r"), SwitchError::ExpiryInPast),
            (on(&["edit"], Some(NOW), "r"), SwitchError::ExpiryInPast),
            (
                on(&["edit"], Some(NOW + WEEK + 1), "r"),
                SwitchError::ExpiryOverCap { max_seconds: WEEK },
            ),
            (
                ChangeRequest {
                    expiry_given: false,
                    ..on(&["edit"], None, "r")
                },
                SwitchError::MissingExpiry,
            ),
        ];
        for (request, error) in cases {
            assert_eq!(validate(&request, NOW, WEEK), Err(vec![error]));
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let request = ChangeRequest {
            expiry_given: false,
            ..on(&["teleport", "edit", "fly"], None, " ")
        };
        assert_eq!(
            validate(&request, NOW, WEEK),
            Err(vec![
                SwitchError::MissingReason,
                SwitchError::UnknownAction("teleport".into()),
                SwitchError::UnknownAction("fly".into()),
                SwitchError::MissingExpiry,
            ])
        );
        // Beyond any date MediaWiki can hold, PHP passes i64::MAX: refused as too far away.
        assert_eq!(
            validate(&on(&["edit"], Some(i64::MAX), ""), NOW, WEEK),
            Err(vec![
                SwitchError::MissingReason,
                SwitchError::ExpiryOverCap { max_seconds: WEEK }
            ])
        );
    }

    #[test]
    fn switching_off_needs_only_a_reason() {
        let off = ChangeRequest {
            on: false,
            actions: vec!["nonsense".into()],
            expiry_given: false,
            expiry: None,
            reason: "over".into(),
        };
        let change = validate(&off, NOW, WEEK).unwrap();
        assert!(!change.on);
        assert!(change.actions.is_empty());
        assert_eq!(
            validate(
                &ChangeRequest {
                    reason: String::new(),
                    ..off
                },
                NOW,
                WEEK
            ),
            Err(vec![SwitchError::MissingReason])
        );
    }

    #[test]
    fn a_switch_covers_its_actions_until_the_expiry_second() {
        let switch = Switch {
            on: true,
            actions: parse_stored_actions("edit,createaccount"),
            expiry: NOW + 10,
        };
        assert!(switch.covers(Trigger::Edit, NOW));
        assert!(switch.covers(Trigger::CreateAccount, NOW + 9));
        assert!(!switch.covers(Trigger::Create, NOW));
        assert!(!switch.covers(Trigger::Edit, NOW + 10));
        assert!(!switch.is_active(NOW + 10));
        assert!(!Switch {
            on: false,
            ..switch
        }
        .covers(Trigger::Edit, NOW));
    }

    #[test]
    fn unknown_stored_actions_are_skipped() {
        assert_eq!(
            parse_stored_actions("edit,teleport, create"),
            [Trigger::Edit, Trigger::Create].into_iter().collect()
        );
    }

    fn scope<'a>(requested: &'a [String], known: &'a [String], global: bool) -> ScopeRequest<'a> {
        ScopeRequest {
            requested,
            current_wiki: "farm1",
            known_wikis: known,
            may_switch_others: global,
        }
    }

    #[test]
    fn scope_defaults_to_this_wiki_and_needs_the_global_right_for_others() {
        let known: Vec<String> = vec!["farm1".into(), "farm2".into()];
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            validate_scope(&scope(&[], &known, false)),
            Ok(list(&["farm1"]))
        );
        assert_eq!(
            validate_scope(&scope(&list(&[" farm1 ", "farm1"]), &known, false)),
            Ok(list(&["farm1"]))
        );
        for requested in [list(&["farm2"]), list(&["*"]), list(&["farm1", "farm2"])] {
            assert_eq!(
                validate_scope(&scope(&requested, &known, false)),
                Err(vec![SwitchError::NeedsGlobalRight]),
                "{requested:?}"
            );
        }
        assert_eq!(
            validate_scope(&scope(&list(&["farm1", "farm2"]), &known, true)),
            Ok(list(&["farm1", "farm2"]))
        );
        assert_eq!(
            validate_scope(&scope(&list(&["farm2", "*"]), &known, true)),
            Ok(list(&["*"]))
        );
        assert_eq!(
            validate_scope(&scope(&list(&["farm3", "farm2", "farm4"]), &known, true)),
            Err(vec![
                SwitchError::UnknownWiki("farm3".into()),
                SwitchError::UnknownWiki("farm4".into())
            ])
        );
    }

    #[test]
    fn reasons_are_limited_in_characters_not_bytes() {
        let long = "é".repeat(MAX_REASON_CHARS);
        assert!(validate(&on(&[], Some(NOW + 60), &long), NOW, WEEK).is_ok());
        assert_eq!(
            validate(&on(&[], Some(NOW + 60), &format!("{long}x")), NOW, WEEK),
            Err(vec![SwitchError::ReasonTooLong {
                max: MAX_REASON_CHARS
            }])
        );
    }

    #[test]
    fn other_covered_wikis_log_the_change() {
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let known = list(&["farm1", "farm2", "farm3"]);
        assert_eq!(
            covered_elsewhere(&list(&["farm1"]), "farm1", &known),
            list(&[])
        );
        assert_eq!(
            covered_elsewhere(&list(&["farm1", "farm3"]), "farm1", &known),
            list(&["farm3"])
        );
        assert_eq!(
            covered_elsewhere(&list(&["*"]), "farm1", &known),
            list(&["farm2", "farm3"])
        );
    }

    #[test]
    fn every_refusal_has_an_api_code_named_after_its_message() {
        let all = [
            SwitchError::UnknownAction("x".into()),
            SwitchError::MissingReason,
            SwitchError::ReasonTooLong { max: 1 },
            SwitchError::MissingExpiry,
            SwitchError::UnparseableExpiry,
            SwitchError::ExpiryInPast,
            SwitchError::ExpiryOverCap { max_seconds: 1 },
            SwitchError::NeedsGlobalRight,
            SwitchError::UnknownWiki("x".into()),
        ];
        for error in &all {
            let (message, _) = error.message();
            let suffix = message
                .strip_prefix("captchaguard-emergency-error-")
                .unwrap();
            assert_eq!(
                error.api_code(),
                format!("emergencycaptcha-{suffix}"),
                "{error:?}"
            );
            assert_eq!(error.param_is_duration(), suffix == "expiry-cap");
        }
    }

    #[test]
    fn errors_name_their_messages() {
        assert_eq!(
            SwitchError::ExpiryOverCap { max_seconds: 60 }.message(),
            (
                "captchaguard-emergency-error-expiry-cap",
                vec!["60".to_string()]
            )
        );
        assert_eq!(
            SwitchError::UnknownAction("move".into()).message().1,
            vec!["move".to_string()]
        );
    }
}
