//! The 90-day purge of CheckUser-level filter hits: page views ask for it at
//! most once per `$wgCaptchaGuardSensitivePurgeInterval` per worker, the
//! object stash lets one ask per interval through wiki-wide, and
//! `Sensitive\SensitivePurgeJob` deletes in batches, asking this module for
//! the cutoff and whether to go on.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::guard;
use super::php::host::{self, Level};
use super::php::sensitive_purge_job;
use crate::policy::sensitive::{self, DEFAULT_MAX_AGE, PURGE_BATCH};
use crate::state::{clock, process};

/// Called on every page view; costs a lock and a clock read unless a purge is due.
pub fn ask_if_due(interval: i64) {
    if !process::purge_ask_due(clock::unix_now(), interval) {
        return;
    }
    if let Err(error) = sensitive_purge_job::queue_once(interval) {
        host::log(
            Level::Warning,
            "Could not queue the purge of aged CheckUser-level filter hits: {error}",
            &[],
            Some(&error),
        );
    }
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\SensitivePurge")]
pub struct SensitivePurge;

#[php_impl]
impl SensitivePurge {
    /// Unix time at or before which hits are deleted; a bad `$maxAge` is
    /// logged and the default (90 days) applies.
    pub fn cutoff(now: i64, max_age: &Zval) -> i64 {
        guard::contained(
            "SensitivePurge::cutoff",
            || sensitive::cutoff(now, DEFAULT_MAX_AGE),
            || {
                let configured = max_age
                    .long()
                    .map(|l| l.to_string())
                    .or_else(|| max_age.string())
                    .unwrap_or_default();
                let seconds = sensitive::max_age(&configured).unwrap_or_else(|error| {
                    host::log(
                        Level::Warning,
                        "{problem}; using 90 days",
                        &[("problem", &error.to_string())],
                        None,
                    );
                    DEFAULT_MAX_AGE
                });
                sensitive::cutoff(now, seconds)
            },
        )
    }

    /// Rows one run deletes.
    #[php(name = "batchSize")]
    pub fn batch_size() -> i64 {
        PURGE_BATCH as i64
    }

    /// Whether a run that deleted `$deleted` rows leaves more for another.
    pub fn continues(deleted: i64) -> bool {
        sensitive::more_remain(usize::try_from(deleted).unwrap_or(0))
    }
}
