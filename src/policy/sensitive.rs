//! CheckUser-level filter variables: which there are, what a request gives
//! each of them, and who may see the values a filter hit kept.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::score::NO_SCORE;

/// The variables only holders of `captchaguard-sensitive-filters` may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveVariable {
    UserAgent,
    UserIp,
    HCaptchaRiskBucket,
}

/// A User-Agent longer than this is cut: the value is kept with the hit, and
/// no real browser sends more.
pub const USER_AGENT_MAX_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SensitiveError {
    #[error("'{0}' is not a CaptchaGuard sensitive variable")]
    UnknownVariable(String),
    #[error("'{0}' is not a kind of access to sensitive filters")]
    UnknownAccess(String),
    #[error("$wgCaptchaGuardSensitiveMaxAge must be a whole number of seconds of at least one day, not {0}")]
    BadMaxAge(String),
}

impl SensitiveVariable {
    pub const ALL: [SensitiveVariable; 3] = [
        SensitiveVariable::UserAgent,
        SensitiveVariable::UserIp,
        SensitiveVariable::HCaptchaRiskBucket,
    ];

    /// The name filters use.
    pub fn name(self) -> &'static str {
        match self {
            SensitiveVariable::UserAgent => "user_agent",
            SensitiveVariable::UserIp => "user_ip",
            SensitiveVariable::HCaptchaRiskBucket => "hcaptcha_risk_bucket",
        }
    }

    /// The filter editor labels a variable with `abusefilter-edit-builder-vars-<suffix>`.
    pub fn label_suffix(self) -> &'static str {
        match self {
            SensitiveVariable::UserAgent => "captchaguard-user-agent",
            SensitiveVariable::UserIp => "captchaguard-user-ip",
            SensitiveVariable::HCaptchaRiskBucket => "captchaguard-hcaptcha-risk-bucket",
        }
    }

    pub fn from_name(name: &str) -> Result<SensitiveVariable, SensitiveError> {
        SensitiveVariable::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .ok_or_else(|| SensitiveError::UnknownVariable(name.to_owned()))
    }
}

/// What the request being filtered says about the person acting in it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRequest {
    pub ip: String,
    pub user_agent: String,
    /// Bucketed as events carry it; [`NO_SCORE`] when there is none.
    pub risk_bucket: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SensitiveValue {
    Text(String),
    Number(f64),
}

/// Where a filter is run: only a web request filtering its own performer's
/// action has values; a replay of a past change (/test), a job working for
/// someone else or a maintenance script gets empty ones, never the values of
/// whoever happens to be in the main request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilteredIn {
    OwnRequest,
    Elsewhere,
}

impl FilteredIn {
    pub fn of(from_web: bool, replaying_change: bool, performer_is_requester: bool) -> FilteredIn {
        if from_web && !replaying_change && performer_is_requester {
            FilteredIn::OwnRequest
        } else {
            FilteredIn::Elsewhere
        }
    }
}

/// The value `variable` has; `request` is `None` outside the performer's own request.
pub fn value_of(variable: SensitiveVariable, request: Option<&LiveRequest>) -> SensitiveValue {
    match (variable, request) {
        (SensitiveVariable::UserAgent, Some(r)) => {
            SensitiveValue::Text(cut_to(&r.user_agent, USER_AGENT_MAX_BYTES).to_owned())
        }
        (SensitiveVariable::UserIp, Some(r)) => SensitiveValue::Text(r.ip.clone()),
        (SensitiveVariable::HCaptchaRiskBucket, Some(r)) => SensitiveValue::Number(r.risk_bucket),
        (SensitiveVariable::HCaptchaRiskBucket, None) => SensitiveValue::Number(NO_SCORE),
        (_, None) => SensitiveValue::Text(String::new()),
    }
}

fn cut_to(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The rights of someone looking at a filter or a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// `captchaguard-sensitive-filters`.
    pub sensitive_right: bool,
    /// AbuseFilter's own level: `abusefilter-access-protected-vars`, not blocked sitewide.
    pub protected_access: bool,
}

/// CaptchaGuard's own right to the CheckUser level.
pub const SENSITIVE_RIGHT: &str = "captchaguard-sensitive-filters";
/// AbuseFilter's right to protected variables; its level also needs no sitewide block.
pub const PROTECTED_RIGHT: &str = "abusefilter-access-protected-vars";

/// Sensitive values and filters are CheckUser-level: AbuseFilter's protected
/// level and CaptchaGuard's right, both.
pub fn may_see_sensitive(viewer: Viewer) -> bool {
    viewer.sensitive_right && viewer.protected_access
}

/// The rights a refused viewer lacks, so a refusal names them and not the ones they hold.
pub fn missing_rights(viewer: Viewer) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !viewer.protected_access {
        missing.push(PROTECTED_RIGHT);
    }
    if !viewer.sensitive_right {
        missing.push(SENSITIVE_RIGHT);
    }
    missing
}

/// What a request does with a sensitive filter; each is a log action of the
/// `captchaguard-sensitive` log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SensitiveAccess {
    /// Its text: the filter editor, its history, a diff, list=abusefilters.
    ViewFilter,
    /// Its hits: their details, Special:AbuseLog searched for it, list=abuselog.
    ViewHits,
    /// Rules using a sensitive variable run or checked: /test, /examine, /tools and their API modules.
    Test,
}

impl SensitiveAccess {
    pub const ALL: [SensitiveAccess; 3] = [
        SensitiveAccess::ViewFilter,
        SensitiveAccess::ViewHits,
        SensitiveAccess::Test,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            SensitiveAccess::ViewFilter => "view-filter",
            SensitiveAccess::ViewHits => "view-hits",
            SensitiveAccess::Test => "test",
        }
    }

    pub fn from_name(name: &str) -> Result<SensitiveAccess, SensitiveError> {
        SensitiveAccess::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| SensitiveError::UnknownAccess(name.to_owned()))
    }
}

/// One sensitive thing a request touches: what it does, and to which page
/// (`Special:AbuseFilter/5`, `Special:AbuseLog/12`, `Special:AbuseFilter/test`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub access: SensitiveAccess,
    pub target: String,
    /// The page or API module actually used (`Special:AbuseFilter/history/5x/item/9`,
    /// `api.php?action=query&list=abuselog`).
    #[serde(default)]
    pub via: String,
    /// For a test: the rules run or checked, cut to [`TESTED_MAX_CHARS`].
    #[serde(default)]
    pub tested: String,
}

/// Rules longer than this are logged cut: the session remembers what it logged.
pub const TESTED_MAX_CHARS: usize = 500;

impl Touch {
    pub fn new(access: SensitiveAccess, target: String, via: String, tested: &str) -> Touch {
        Touch {
            access,
            target,
            via,
            tested: tested.chars().take(TESTED_MAX_CHARS).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Allow,
    Deny,
}

/// A request that touches nothing sensitive passes; one that does needs the CheckUser level.
pub fn gate(viewer: Viewer, touches: &[Touch]) -> Gate {
    if touches.is_empty() || may_see_sensitive(viewer) {
        Gate::Allow
    } else {
        Gate::Deny
    }
}

/// More distinct things than a checkuser looks at in one session; the oldest are logged again.
pub const MAX_SEEN: usize = 64;

/// What this session already logged: looking at the same thing again within
/// one session is not logged again (AbuseFilter debounces its own log too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenTouches(Vec<Touch>);

impl SeenTouches {
    /// Reads the stored form (JSON); anything unreadable is nothing seen, so it is logged.
    pub fn from_stored(stored: &str) -> SeenTouches {
        SeenTouches(serde_json::from_str(stored).unwrap_or_default())
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// Records `touch`; true if it is new to this session (so it is to be logged).
    pub fn first_time(&mut self, touch: &Touch) -> bool {
        if self.0.contains(touch) {
            return false;
        }
        self.0.push(touch.clone());
        let excess = self.0.len().saturating_sub(MAX_SEEN);
        self.0.drain(..excess);
        true
    }
}

/// The retention rule: 90 days, unless the wiki keeps less.
pub const DEFAULT_MAX_AGE: i64 = 90 * 86_400;
/// Rows one purge run deletes; a run that fills its batch queues the next.
pub const PURGE_BATCH: usize = 100;

/// `$wgCaptchaGuardSensitiveMaxAge` as configured (a number, or digits in a string).
pub fn max_age(configured: &str) -> Result<i64, SensitiveError> {
    match configured.trim().parse::<i64>() {
        Ok(seconds) if seconds >= 86_400 => Ok(seconds),
        _ => Err(SensitiveError::BadMaxAge(configured.to_owned())),
    }
}

/// Hits at or before this Unix time are deleted.
pub fn cutoff(now: i64, max_age: i64) -> i64 {
    now.saturating_sub(max_age)
}

/// Whether a purge run that deleted `deleted` rows leaves more for the next one.
pub fn more_remain(deleted: usize) -> bool {
    deleted >= PURGE_BATCH
}

/// Whether this worker should ask for a purge now: at most once per
/// `interval` seconds per worker (the wiki-wide limit is the object stash's).
pub fn purge_due(last_asked: Option<i64>, now: i64, interval: i64) -> bool {
    interval > 0 && last_asked.is_none_or(|last| now.saturating_sub(last) >= interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> LiveRequest {
        LiveRequest {
            ip: "2001:DB8::1".into(),
            user_agent: "evilbot/1.0".into(),
            risk_bucket: 0.7,
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_typed_errors() {
        for variable in SensitiveVariable::ALL {
            assert_eq!(SensitiveVariable::from_name(variable.name()), Ok(variable));
        }
        assert_eq!(
            SensitiveVariable::from_name("user_unnamed_ip"),
            Err(SensitiveError::UnknownVariable("user_unnamed_ip".into()))
        );
    }

    #[test]
    fn own_request_gives_its_values() {
        let r = request();
        assert_eq!(
            value_of(SensitiveVariable::UserAgent, Some(&r)),
            SensitiveValue::Text("evilbot/1.0".into())
        );
        assert_eq!(
            value_of(SensitiveVariable::UserIp, Some(&r)),
            SensitiveValue::Text("2001:DB8::1".into())
        );
        assert_eq!(
            value_of(SensitiveVariable::HCaptchaRiskBucket, Some(&r)),
            SensitiveValue::Number(0.7)
        );
    }

    #[test]
    fn elsewhere_gives_empty_values_and_no_score() {
        assert_eq!(
            value_of(SensitiveVariable::UserAgent, None),
            SensitiveValue::Text(String::new())
        );
        assert_eq!(
            value_of(SensitiveVariable::UserIp, None),
            SensitiveValue::Text(String::new())
        );
        assert_eq!(
            value_of(SensitiveVariable::HCaptchaRiskBucket, None),
            SensitiveValue::Number(NO_SCORE)
        );
    }

    #[test]
    fn only_a_web_request_filtering_its_own_performer_has_values() {
        assert_eq!(FilteredIn::of(true, false, true), FilteredIn::OwnRequest);
        assert_eq!(FilteredIn::of(false, false, true), FilteredIn::Elsewhere);
        assert_eq!(FilteredIn::of(true, true, true), FilteredIn::Elsewhere);
        assert_eq!(FilteredIn::of(true, false, false), FilteredIn::Elsewhere);
    }

    #[test]
    fn a_long_user_agent_is_cut_on_a_character_boundary() {
        let mut r = request();
        r.user_agent = "é".repeat(USER_AGENT_MAX_BYTES);
        let SensitiveValue::Text(cut) = value_of(SensitiveVariable::UserAgent, Some(&r)) else {
            panic!("user_agent is text");
        };
        assert!(cut.len() <= USER_AGENT_MAX_BYTES);
        assert_eq!(cut.len(), USER_AGENT_MAX_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn seeing_needs_both_levels() {
        let both = Viewer {
            sensitive_right: true,
            protected_access: true,
        };
        assert!(may_see_sensitive(both));
        assert!(!may_see_sensitive(Viewer {
            sensitive_right: false,
            ..both
        }));
        assert!(!may_see_sensitive(Viewer {
            protected_access: false,
            ..both
        }));
    }

    fn touch(access: SensitiveAccess, target: &str) -> Touch {
        Touch::new(access, target.into(), target.into(), "")
    }

    #[test]
    fn a_look_through_another_page_or_with_other_rules_is_logged_again() {
        let mut seen = SeenTouches::default();
        let via = |page: &str, rules: &str| {
            Touch::new(
                SensitiveAccess::Test,
                "Special:AbuseFilter/test".into(),
                page.into(),
                rules,
            )
        };
        assert!(seen.first_time(&via("Special:AbuseFilter/test", "user_agent")));
        assert!(!seen.first_time(&via("Special:AbuseFilter/test", "user_agent")));
        assert!(seen.first_time(&via(
            "api.php?action=abusefilterevalexpression",
            "user_agent"
        )));
        assert!(seen.first_time(&via("Special:AbuseFilter/test", "user_ip")));
        let long = "x".repeat(TESTED_MAX_CHARS * 2);
        assert_eq!(via("p", &long).tested.chars().count(), TESTED_MAX_CHARS);
        // What an older session stored (no `via`, no `tested`) still reads.
        let old = SeenTouches::from_stored(
            r#"[{"access":"ViewFilter","target":"Special:AbuseFilter/1"}]"#,
        );
        assert_eq!(old.0.len(), 1);
    }

    #[test]
    fn a_refusal_names_only_the_rights_missing() {
        let viewer = |sensitive_right, protected_access| Viewer {
            sensitive_right,
            protected_access,
        };
        assert_eq!(missing_rights(viewer(true, true)), Vec::<&str>::new());
        assert_eq!(missing_rights(viewer(true, false)), vec![PROTECTED_RIGHT]);
        assert_eq!(missing_rights(viewer(false, true)), vec![SENSITIVE_RIGHT]);
        assert_eq!(
            missing_rights(viewer(false, false)),
            vec![PROTECTED_RIGHT, SENSITIVE_RIGHT]
        );
    }

    #[test]
    fn access_names_round_trip_and_unknown_ones_are_typed_errors() {
        for access in SensitiveAccess::ALL {
            assert_eq!(SensitiveAccess::from_name(access.name()), Ok(access));
        }
        assert_eq!(
            SensitiveAccess::from_name("delete"),
            Err(SensitiveError::UnknownAccess("delete".into()))
        );
    }

    #[test]
    fn only_touching_something_sensitive_needs_the_level() {
        let sysop = Viewer {
            sensitive_right: false,
            protected_access: true,
        };
        let checkuser = Viewer {
            sensitive_right: true,
            protected_access: true,
        };
        let touches = [touch(SensitiveAccess::ViewFilter, "Special:AbuseFilter/5")];
        assert_eq!(gate(sysop, &[]), Gate::Allow);
        assert_eq!(gate(sysop, &touches), Gate::Deny);
        assert_eq!(gate(checkuser, &touches), Gate::Allow);
    }

    #[test]
    fn the_same_look_is_logged_once_per_session_and_the_record_is_bounded() {
        let mut seen = SeenTouches::from_stored("not json");
        let filter = touch(SensitiveAccess::ViewFilter, "Special:AbuseFilter/5");
        assert!(seen.first_time(&filter));
        let mut seen = SeenTouches::from_stored(&seen.to_stored());
        assert!(!seen.first_time(&filter));
        assert!(seen.first_time(&touch(SensitiveAccess::ViewHits, "Special:AbuseFilter/5")));
        for n in 0..MAX_SEEN {
            seen.first_time(&touch(
                SensitiveAccess::ViewHits,
                &format!("Special:AbuseLog/{n}"),
            ));
        }
        assert_eq!(seen.0.len(), MAX_SEEN);
        assert!(
            seen.first_time(&filter),
            "the oldest look is forgotten first"
        );
    }

    #[test]
    fn max_age_is_at_least_a_day_and_bad_values_are_typed_errors() {
        assert_eq!(max_age("7776000"), Ok(DEFAULT_MAX_AGE));
        assert_eq!(max_age(" 86400 "), Ok(86_400));
        for bad in ["", "-1", "3600", "90 days", "1e9", "99999999999999999999"] {
            assert_eq!(
                max_age(bad),
                Err(SensitiveError::BadMaxAge(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn cutoff_and_batches() {
        assert_eq!(cutoff(100 * 86_400, DEFAULT_MAX_AGE), 10 * 86_400);
        assert_eq!(cutoff(i64::MIN, DEFAULT_MAX_AGE), i64::MIN);
        assert!(!more_remain(PURGE_BATCH - 1));
        assert!(more_remain(PURGE_BATCH));
    }

    #[test]
    fn a_worker_asks_for_a_purge_once_per_interval() {
        assert!(purge_due(None, 1_000, 3_600));
        assert!(!purge_due(Some(1_000), 4_599, 3_600));
        assert!(purge_due(Some(1_000), 4_600, 3_600));
        assert!(!purge_due(None, 1_000, 0), "0 turns the purge off");
        assert!(purge_due(Some(i64::MIN), i64::MAX, 1));
    }
}
