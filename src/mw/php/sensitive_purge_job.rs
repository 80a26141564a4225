//! `Sensitive\SensitivePurgeJob`, queued from page views.

use super::{call_value, static_method, Method, Result};

const CLASS: &str = "Sensitive\\SensitivePurgeJob";

const QUEUE_ONCE: Method = static_method(CLASS, "queueOnce", &["int"], "void");

pub(super) const METHODS: &[Method] = &[QUEUE_ONCE];

/// Queues a purge unless a worker of the wiki did in the last `interval` seconds.
pub fn queue_once(interval: i64) -> Result<()> {
    call_value(&QUEUE_ONCE, vec![&interval]).map(drop)
}
