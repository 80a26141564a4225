//! The shapes PHP hands to the module and the module hands back, each
//! defined once, here, as a native class: PHP builds them with `new` (named
//! arguments) and declares them as types, and Rust reads them back typed.
//! A field missing or of the wrong type fails where the object is built,
//! not later where it is read.

// Constructor parameters are named as PHP names them (`new X( fieldName: … )`).
#![allow(non_snake_case)]

use ext_php_rs::prelude::*;

/// The current user, as CaptchaGuard's decisions see them (`Host::performer`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\PerformerFacts")]
#[derive(Debug, Clone)]
pub struct PerformerFacts {
    /// 0 for anonymous users.
    #[php(prop)]
    pub id: i64,
    #[php(prop)]
    pub name: String,
    #[php(prop)]
    pub registered: bool,
    #[php(prop)]
    pub skips_captcha: bool,
    #[php(prop)]
    pub exempt: bool,
    #[php(prop)]
    pub bot: bool,
    #[php(prop)]
    pub system: bool,
}

#[php_impl]
impl PerformerFacts {
    pub fn __construct(
        id: i64,
        name: String,
        registered: bool,
        skipsCaptcha: bool,
        exempt: bool,
        bot: bool,
        system: bool,
    ) -> Self {
        PerformerFacts {
            id,
            name,
            registered,
            skips_captcha: skipsCaptcha,
            exempt,
            bot,
            system,
        }
    }
}

/// The client of the current request (`Host::client`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\ClientFacts")]
#[derive(Debug, Clone)]
pub struct ClientFacts {
    #[php(prop)]
    pub ip: String,
    /// Empty when the request had no User-Agent header.
    #[php(prop)]
    pub user_agent: String,
}

#[php_impl]
impl ClientFacts {
    pub fn __construct(ip: String, userAgent: String) -> Self {
        ClientFacts {
            ip,
            user_agent: userAgent,
        }
    }
}

/// A saved edit, from PageSaveComplete's objects (`HookObjects::savedEdit`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SavedEdit")]
#[derive(Debug, Clone)]
pub struct SavedEdit {
    #[php(prop)]
    pub performer_id: i64,
    #[php(prop)]
    pub performer_name: String,
    #[php(prop)]
    pub page_id: i64,
    #[php(prop)]
    pub revision_id: i64,
}

#[php_impl]
impl SavedEdit {
    pub fn __construct(
        performerId: i64,
        performerName: String,
        pageId: i64,
        revisionId: i64,
    ) -> Self {
        SavedEdit {
            performer_id: performerId,
            performer_name: performerName,
            page_id: pageId,
            revision_id: revisionId,
        }
    }
}

/// A user a hook passed (`HookObjects::user`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\UserFacts")]
#[derive(Debug, Clone)]
pub struct UserFacts {
    #[php(prop)]
    pub id: i64,
    #[php(prop)]
    pub name: String,
}

#[php_impl]
impl UserFacts {
    pub fn __construct(id: i64, name: String) -> Self {
        UserFacts { id, name }
    }
}

/// What the viewer holds of the two levels (`SensitiveRequests::viewer`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\ViewerRights")]
#[derive(Debug, Clone)]
pub struct ViewerRights {
    /// `captchaguard-sensitive-filters`.
    #[php(prop)]
    pub sensitive_right: bool,
    /// AbuseFilter's own level for protected variables.
    #[php(prop)]
    pub protected_access: bool,
}

#[php_impl]
impl ViewerRights {
    pub fn __construct(sensitiveRight: bool, protectedAccess: bool) -> Self {
        ViewerRights {
            sensitive_right: sensitiveRight,
            protected_access: protectedAccess,
        }
    }
}

/// One look at a CheckUser-level filter that a page or module is about to
/// give (`SensitiveRequests::of*`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SensitiveTouch")]
#[derive(Debug, Clone)]
pub struct SensitiveTouch {
    /// A `SensitiveAccess` constant.
    #[php(prop)]
    pub access: String,
    /// The filter or AbuseLog entry.
    #[php(prop)]
    pub target: String,
    /// The page or API module actually used.
    #[php(prop)]
    pub via: String,
    /// The rules run, for a test; empty otherwise.
    #[php(prop)]
    pub tested: String,
}

#[php_impl]
impl SensitiveTouch {
    pub fn __construct(access: String, target: String, via: String, tested: String) -> Self {
        SensitiveTouch {
            access,
            target,
            via,
            tested,
        }
    }
}

/// The emergency switch as stored (`EmergencyStore::current`, and
/// `switchesInEffect`, which reads the first three fields, the row's ID and
/// its wiki); `EmergencyPolicy::state()` says what it means now.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\StoredSwitch")]
#[derive(Debug, Clone)]
pub struct StoredSwitch {
    #[php(prop)]
    pub active: bool,
    /// As stored: comma-separated trigger names.
    #[php(prop)]
    pub actions: String,
    /// Unix time; 0 when switched off.
    #[php(prop)]
    pub expiry: i64,
    #[php(prop)]
    pub reason: String,
    /// As this wiki names them: `origin>Name` for a change made on another wiki.
    #[php(prop)]
    pub user: String,
    /// Unix time of the change.
    #[php(prop)]
    pub timestamp: i64,
    /// The wiki it was made for, `*` for every wiki.
    #[php(prop)]
    pub wiki: String,
    /// The row's ID: a later change has a greater one.
    #[php(prop)]
    pub id: i64,
}

#[php_impl]
impl StoredSwitch {
    /// PHP builds it with named arguments, each optional one only where read.
    #[allow(clippy::too_many_arguments)]
    pub fn __construct(
        active: bool,
        actions: String,
        expiry: i64,
        reason: Option<String>,
        user: Option<String>,
        timestamp: Option<i64>,
        wiki: Option<String>,
        id: Option<i64>,
    ) -> Self {
        StoredSwitch {
            active,
            actions,
            expiry,
            reason: reason.unwrap_or_default(),
            user: user.unwrap_or_default(),
            timestamp: timestamp.unwrap_or_default(),
            wiki: wiki.unwrap_or_default(),
            id: id.unwrap_or_default(),
        }
    }
}

/// The switch as people and the API see it (`EmergencyPolicy::state`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SwitchState")]
#[derive(Debug, Clone)]
pub struct SwitchState {
    #[php(prop)]
    pub active: bool,
    /// Covered triggers, in display order; empty when not active.
    #[php(prop)]
    pub actions: Vec<String>,
    /// Unix time; null when not active.
    #[php(prop)]
    pub expiry: Option<i64>,
}

/// A matching filter, as `AbuseFilterCompat::hit` reads it from AbuseFilter's Parameters.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\FilterHit")]
#[derive(Debug, Clone)]
pub struct FilterHit {
    /// The filter's ID, `global-N` for a global filter.
    #[php(prop)]
    pub filter: String,
    /// What the user did, as AbuseFilter names it (`edit`, `move`…).
    #[php(prop)]
    pub filtered_action: String,
    /// The session key AbuseFilter's `warn` uses for this filter, page and action.
    #[php(prop)]
    pub warn_key: String,
    /// The page acted on, as its prefixed text (for the CaptchaGuardBeforeChallenge hook).
    #[php(prop)]
    pub page: String,
}

#[php_impl]
impl FilterHit {
    pub fn __construct(
        filter: String,
        filteredAction: String,
        warnKey: String,
        page: String,
    ) -> Self {
        FilterHit {
            filter,
            filtered_action: filteredAction,
            warn_key: warnKey,
            page,
        }
    }
}

/// What other extensions said of a challenge (`Host::beforeChallenge`, the
/// CaptchaGuardBeforeChallenge hook).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\ChallengeVerdict")]
#[derive(Debug, Clone)]
pub struct ChallengeVerdict {
    /// Whether to ask for the CAPTCHA (an action CaptchaGuard covers).
    #[php(prop)]
    pub challenge: bool,
    /// Whether an extension took over an action CaptchaGuard does not cover.
    #[php(prop)]
    pub claimed: bool,
}

#[php_impl]
impl ChallengeVerdict {
    pub fn __construct(challenge: bool, claimed: bool) -> Self {
        ChallengeVerdict { challenge, claimed }
    }
}

/// A change as Special:EmergencyCaptcha or the API received it, with what
/// the farm and the performer's rights allow (`EmergencyPolicy::validate`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SwitchChange")]
#[derive(Debug, Clone)]
pub struct SwitchChange {
    pub on: bool,
    pub actions: Vec<String>,
    /// Whether an expiry was typed at all.
    pub expiry_given: bool,
    /// Unix time MediaWiki read from the expiry; None if it could not.
    pub expiry: Option<i64>,
    pub reason: String,
    /// `$wgCaptchaGuardEmergencyMaxExpiry`.
    pub max_seconds: i64,
    /// As typed; empty for this wiki.
    pub wikis: Vec<String>,
    pub current_wiki: String,
    pub known_wikis: Vec<String>,
    /// Holds `emergencycaptcha-global`.
    pub may_switch_others: bool,
}

#[php_impl]
impl SwitchChange {
    #[allow(clippy::too_many_arguments)]
    pub fn __construct(
        on: bool,
        actions: Vec<String>,
        expiryGiven: bool,
        reason: String,
        maxSeconds: i64,
        wikis: Vec<String>,
        currentWiki: String,
        knownWikis: Vec<String>,
        maySwitchOthers: bool,
        // Last: PHP takes a nullable parameter before required ones as required.
        expiry: Option<i64>,
    ) -> Self {
        SwitchChange {
            on,
            actions,
            expiry_given: expiryGiven,
            expiry,
            reason,
            max_seconds: maxSeconds,
            wikis,
            current_wiki: currentWiki,
            known_wikis: knownWikis,
            may_switch_others: maySwitchOthers,
        }
    }
}

/// A change `EmergencyPolicy::validate` accepted, as the store keeps it.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\AcceptedChange")]
#[derive(Debug, Clone)]
pub struct AcceptedChange {
    #[php(prop)]
    pub active: bool,
    /// Trigger names, in display order.
    #[php(prop)]
    pub actions: Vec<String>,
    /// The same, as the table stores them.
    #[php(prop)]
    pub stored_actions: String,
    /// Unix time; 0 when switching off.
    #[php(prop)]
    pub expiry: i64,
    #[php(prop)]
    pub reason: String,
    /// Wiki IDs, or `*` alone for every wiki.
    #[php(prop)]
    pub wikis: Vec<String>,
}

/// Why `EmergencyPolicy::validate` refused a change.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SwitchRefusal")]
#[derive(Debug, Clone)]
pub struct SwitchRefusal {
    /// The message key.
    #[php(prop)]
    pub message: String,
    #[php(prop)]
    pub params: Vec<String>,
    /// The API error code.
    #[php(prop)]
    pub code: String,
    /// The first parameter is seconds, shown as a duration.
    #[php(prop)]
    pub duration_param: bool,
}

/// One CAPTCHA outcome to count (`OutcomeRecorder::takeCounts`, written by
/// `OutcomeStore`): counts only, with nothing of the user.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\OutcomeCount")]
#[derive(Debug, Clone)]
pub struct OutcomeCount {
    /// A filter's ID, or `emergency`.
    #[php(prop)]
    pub source: String,
    /// What was filtered (`edit`, `createaccount`) or the switch's trigger.
    #[php(prop)]
    pub action: String,
    /// The UTC day its challenge began, `YYYYMMDD`.
    #[php(prop)]
    pub day: String,
    /// `challenged`, `solved` or `failed`: also the column it adds to.
    #[php(prop)]
    pub outcome: String,
}

#[php_impl]
impl OutcomeCount {
    pub fn __construct(source: String, action: String, day: String, outcome: String) -> Self {
        OutcomeCount {
            source,
            action,
            day,
            outcome,
        }
    }
}

/// A day's stored counts for one action (`OutcomeStore::daily`).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\StoredOutcomes")]
#[derive(Debug, Clone)]
pub struct StoredOutcomes {
    #[php(prop)]
    pub day: String,
    #[php(prop)]
    pub action: String,
    #[php(prop)]
    pub challenged: i64,
    #[php(prop)]
    pub solved: i64,
    #[php(prop)]
    pub failed: i64,
}

#[php_impl]
impl StoredOutcomes {
    pub fn __construct(
        day: String,
        action: String,
        challenged: i64,
        solved: i64,
        failed: i64,
    ) -> Self {
        StoredOutcomes {
            day,
            action,
            challenged,
            solved,
            failed,
        }
    }
}

/// A day's outcomes as shown (`OutcomeReport::settle`): `abandoned` once
/// the day's CAPTCHAs can no longer be answered, `open` until then.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\OutcomeDay")]
#[derive(Debug, Clone)]
pub struct OutcomeDay {
    /// `YYYYMMDD`, as stored.
    #[php(prop)]
    pub day: String,
    /// The same day as ISO 8601 (`YYYY-MM-DD`), as pages and the API show it.
    #[php(prop)]
    pub date: String,
    /// Empty in the per-day sums of `OutcomeReport::perDay`.
    #[php(prop)]
    pub action: String,
    #[php(prop)]
    pub challenged: i64,
    #[php(prop)]
    pub solved: i64,
    #[php(prop)]
    pub failed: i64,
    #[php(prop)]
    pub abandoned: i64,
    #[php(prop)]
    pub open: i64,
}

#[php_impl]
impl OutcomeDay {}

/// hCaptcha's breaker after one verification (`SiteverifyHealth::afterVerification`):
/// what the server stores, and what changed.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Value\\SiteverifyState")]
#[derive(Debug, Clone)]
pub struct SiteverifyState {
    #[php(prop)]
    pub failures_in_a_row: i64,
    /// Unix time until which the fallback CAPTCHA is asked (0: not since siteverify answered).
    #[php(prop)]
    pub fallback_until: i64,
    /// `fell-back` when the fallback starts with this verification,
    /// `recovered` when siteverify answered after a fallback, else empty.
    #[php(prop)]
    pub transition: String,
}
