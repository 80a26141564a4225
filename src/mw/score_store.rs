//! Where hCaptcha's risk score is kept: the user's session (`hCaptcha-score`,
//! the key Campaigns reads, with its owner) and MediaWiki's object stash for
//! 300 s (deferred updates and jobs run after the session is gone). Raw scores
//! never leave here but through `RiskScore::get()`; events and filters get
//! them bucketed.

use ext_php_rs::types::Zval;

use super::php::host::{self, Level};
use super::php::Result;
use crate::policy::score::{interpret, valid_score, Buckets};
use crate::policy::site_keys::SiteKeys;
use crate::state::{process, request};

const SESSION_KEY: &str = "hCaptcha-score";
/// Whose score the session holds: a session can outlive a login or logout.
const SESSION_OWNER_KEY: &str = "captchaguard-hcaptcha-score-owner";
const CACHE_SECONDS: i64 = 300;

fn remember(score: Option<f64>, user_name: &str) -> Result<()> {
    match score {
        Some(score) => {
            host::session_set(SESSION_KEY, &score)?;
            host::session_set(SESSION_OWNER_KEY, &user_name)?;
            host::stash_score(user_name, score, CACHE_SECONDS)?;
        }
        None => {
            host::session_remove(SESSION_KEY)?;
            host::session_remove(SESSION_OWNER_KEY)?;
            host::unstash_score(user_name)?;
        }
    }
    Ok(())
}

/// A score read back from the session or the stash, if it is still a valid one.
fn valid(value: &Zval) -> Option<f64> {
    value
        .double()
        .or_else(|| value.long().map(|l| l as f64))
        .and_then(valid_score)
}

/// The session first (the request that solved the CAPTCHA), but only if it
/// holds this user's score; then the stash (deferred updates and jobs, after
/// the session is gone).
pub fn score_of(user_name: &str) -> Result<Option<f64>> {
    let owner = host::session_get(SESSION_OWNER_KEY)?.string();
    if owner.as_deref() == Some(user_name) {
        if let Some(score) = valid(&host::session_get(SESSION_KEY)?) {
            return Ok(Some(score));
        }
    }
    Ok(valid(&host::stashed_score(user_name)?))
}

pub fn buckets() -> Buckets {
    let configured = host::config("CaptchaGuardRiskScoreBuckets")
        .ok()
        .and_then(|value| {
            value.array().map(|edges| {
                edges
                    .values()
                    .filter_map(Zval::coerce_to_double)
                    .collect::<Vec<_>>()
            })
        });
    match configured {
        None => Buckets::deciles(),
        Some(edges) => Buckets::from_edges(edges).unwrap_or_else(|error| {
            if process::first_warning("buckets") {
                host::log(
                    Level::Warning,
                    "{problem}; using tenths",
                    &[("problem", &error.to_string())],
                    None,
                );
            }
            Buckets::deciles()
        }),
    }
}

pub fn record_verification(
    token: &[u8],
    http_error: Option<&str>,
    body: &[u8],
    keys: SiteKeys,
) -> bool {
    let verification = interpret(http_error, body);
    let with_usual_key = !keys.satisfies_demand(verification.site_key.as_deref());
    // The switch asked before this check; a filter asks after it, and its
    // consequence sends a user who passed with the usual key back (passed_with_usual_key).
    let refused = verification.passed && with_usual_key && request::with(|s| s.captcha_demanded());
    let passed = verification.passed && !refused;
    request::with(|s| s.remember_verification(token, passed, with_usual_key));
    if refused {
        host::log(
            Level::Info,
            "hCaptcha: solved with the usual site key where the always-challenge key was asked for; asking again",
            &[],
            None,
        );
    }
    if let Some(problem) = &verification.problem {
        host::log(
            Level::Warning,
            "hCaptcha verification: {problem}",
            &[("problem", &problem.to_string())],
            None,
        );
    }
    let stored =
        host::performer().and_then(|performer| remember(verification.score, &performer.name));
    if let Err(error) = stored {
        host::log(
            Level::Error,
            "Could not store the hCaptcha risk score: {error}",
            &[],
            Some(&error),
        );
    }
    passed
}

/// `user_name`'s score as events and filters see it: bucketed, -1 when there is none.
pub fn bucket_of(user_name: &str) -> Result<f64> {
    Ok(buckets().bucket(score_of(user_name)?))
}

pub fn score_or_none(user_name: &str) -> Option<f64> {
    score_of(user_name).unwrap_or_else(|error| {
        host::log(
            Level::Error,
            "Could not read the hCaptcha risk score: {error}",
            &[],
            Some(&error),
        );
        None
    })
}

/// Keeps `score` in the stash for `user_name` too: a sign-up was scored while
/// its creator was still anonymous.
pub fn keep_for(user_name: &str, score: Option<f64>) -> Result<()> {
    if let Some(score) = score {
        host::stash_score(user_name, score, CACHE_SECONDS)?;
    }
    Ok(())
}
