//! `Adapter\EventSubmitter`: EventLogging, when it is loaded.

use super::{call, call_value, static_method, Method, Result};

const CLASS: &str = "Adapter\\EventSubmitter";

const IS_AVAILABLE: Method = static_method(CLASS, "isAvailable", &[], "bool");
const SUBMIT: Method = static_method(CLASS, "submit", &["string", "string"], "void");

pub(super) const METHODS: &[Method] = &[IS_AVAILABLE, SUBMIT];

pub fn is_available() -> Result<bool> {
    call(&IS_AVAILABLE, vec![])
}

/// `json` is one event with its `$schema`, as one JSON object.
pub fn submit(stream: &str, json: &str) -> Result<()> {
    call_value(&SUBMIT, vec![&stream, &json]).map(drop)
}
