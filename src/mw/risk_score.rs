//! hCaptcha's risk score as PHP sees it: `RiskScore`, the in-process API
//! that `HCaptcha.php` and other extensions call (the score is kept by
//! `score_store.rs`), and `RiskScoreEventsHandler`, the hooks that send the
//! account-creation and edit events (`events.rs`).

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::events::{account_creation_event, edit_event, log_failure};
use super::guard;
use super::php::host;
use super::score_store::{buckets, record_verification, score_or_none};
use crate::policy::events::EventKind;
use crate::policy::score::{MAX_ANSWER_BYTES, NO_SCORE};
use crate::policy::site_keys::SiteKeys;
use crate::state::request;

/// Other extensions' in-process API (docs/risk-score.md).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\RiskScore")]
pub struct RiskScore;

#[php_impl]
impl RiskScore {
    /// Reads siteverify's answer to `$token` for the current user: stores a
    /// valid score (or forgets an old one), logs what went wrong once, and
    /// returns whether the CAPTCHA passed (only `success: true` without
    /// `error-codes`). `$httpError` is null when an answer came back; `$body`
    /// is taken as bytes. A score that cannot be stored is logged; the
    /// CAPTCHA's outcome stands. The outcome is kept for the rest of the
    /// request (see `verifiedInRequest`). With `$challengeSiteKey` set, a
    /// CAPTCHA a filter or the emergency switch demanded passes only if it
    /// was solved with that key (siteverify's `sitekey`).
    #[php(name = "recordVerification", defaults(usual_site_key = None, challenge_site_key = None))]
    pub fn record_verification(
        token: BinarySlice<u8>,
        http_error: Option<String>,
        body: BinarySlice<u8>,
        usual_site_key: Option<String>,
        challenge_site_key: Option<String>,
    ) -> bool {
        let keys = SiteKeys {
            usual: usual_site_key.as_deref().unwrap_or_default(),
            challenge: challenge_site_key.as_deref().unwrap_or_default(),
        };
        // Failing, the CAPTCHA fails: the user solves a new one.
        guard::contained(
            "RiskScore::recordVerification",
            || false,
            || record_verification(&token, http_error.as_deref(), &body, keys),
        )
    }

    /// The site key hCaptcha's widget is shown with in this request: the
    /// always-challenge one when a filter or the emergency switch asked for
    /// the CAPTCHA and the wiki has one, the usual one otherwise.
    #[php(name = "siteKeyToShow")]
    pub fn site_key_to_show(usual_site_key: String, challenge_site_key: String) -> String {
        let keys = SiteKeys {
            usual: &usual_site_key,
            challenge: &challenge_site_key,
        };
        // Failing, the challenge: a demanded CAPTCHA must never be a passive one.
        let demanded = guard::contained(
            "RiskScore::siteKeyToShow",
            || true,
            || request::with(|s| s.captcha_demanded()),
        );
        keys.shown(demanded).to_owned()
    }

    /// The most bytes of a siteverify answer that are read: `HCaptcha.php`
    /// stops the download past this, so a huge answer cannot exhaust PHP's
    /// memory, and hands over one byte more, which is refused as too large.
    #[php(name = "maxAnswerBytes")]
    pub fn max_answer_bytes() -> i64 {
        MAX_ANSWER_BYTES as i64
    }

    /// Whether `$token` already passed (true) or failed (false) siteverify in
    /// this request; null if it was not checked. Tokens are single-use.
    #[php(name = "verifiedInRequest")]
    pub fn verified_in_request(token: BinarySlice<u8>) -> Option<bool> {
        guard::contained(
            "RiskScore::verifiedInRequest",
            || None,
            || request::with(|s| s.verification_of(&token)),
        )
    }

    /// The raw score of `$userName`'s latest successful verification, or
    /// null (also when it cannot be read: that is logged). Raw scores are for
    /// in-process decisions only: never log or send them.
    pub fn get(user_name: String) -> Option<f64> {
        guard::contained("RiskScore::get", || None, || score_or_none(&user_name))
    }

    /// The score as events carry it: bucketed, -1 when there is none.
    pub fn bucketed(user_name: String) -> f64 {
        guard::contained(
            "RiskScore::bucketed",
            || NO_SCORE,
            || buckets().bucket(score_or_none(&user_name)),
        )
    }
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\RiskScoreEventsHandler")]
pub struct RiskScoreEventsHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl RiskScoreEventsHandler {
    pub fn __construct(host: &Zval) -> PhpResult<Self> {
        host::install(host)?;
        Ok(RiskScoreEventsHandler)
    }

    #[php(name = "onPageSaveComplete")]
    #[allow(clippy::too_many_arguments)]
    pub fn on_page_save_complete(
        &self,
        wiki_page: &Zval,
        user: &Zval,
        summary: &Zval,
        flags: &Zval,
        revision_record: &Zval,
        edit_result: &Zval,
        extra: &[&Zval],
    ) {
        // The edit is saved: nothing here may break it.
        guard::contained(
            "PageSaveComplete",
            || (),
            || {
                log_failure(
                    EventKind::Edit,
                    edit_event(wiki_page, user, revision_record),
                )
            },
        );
    }

    #[php(name = "onLocalUserCreated")]
    pub fn on_local_user_created(&self, user: &Zval, autocreated: &Zval, extra: &[&Zval]) {
        guard::contained(
            "LocalUserCreated",
            || (),
            || {
                if !autocreated.coerce_to_bool() {
                    log_failure(EventKind::AccountCreation, account_creation_event(user));
                }
            },
        );
    }
}
