//! CheckUser-level filter variables: which there are, what a request gives
//! each of them, and who may see the values a filter hit kept.

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

/// Sensitive values and filters are CheckUser-level: AbuseFilter's protected
/// level and CaptchaGuard's right, both.
pub fn may_see_sensitive(viewer: Viewer) -> bool {
    viewer.sensitive_right && viewer.protected_access
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
}
