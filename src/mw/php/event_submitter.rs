//! `Adapter\EventSubmitter`: EventLogging, when it is loaded.

use super::{call, call_value, Method, Result};

const CLASS: &str = "Adapter\\EventSubmitter";

const IS_AVAILABLE: Method = Method {
    class: CLASS,
    name: "isAvailable",
    params: &[],
    returns: "bool",
    is_static: true,
};
const SUBMIT: Method = Method {
    class: CLASS,
    name: "submit",
    params: &["string", "string"],
    returns: "void",
    is_static: true,
};

pub(super) const METHODS: &[Method] = &[IS_AVAILABLE, SUBMIT];

pub fn is_available() -> Result<bool> {
    call(&IS_AVAILABLE, vec![])
}

/// `json` is one event with its `$schema`, as one JSON object.
pub fn submit(stream: &str, json: &str) -> Result<()> {
    call_value(&SUBMIT, vec![&stream, &json]).map(drop)
}
