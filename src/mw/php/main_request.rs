//! `Adapter\MainRequest`: the request being served, its performer, session
//! and fields.

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::types::Zval;

use super::values::{ClientFacts, PerformerFacts};
use super::{call, call_object, call_value, Method, Result};

const CLASS: &str = "Adapter\\MainRequest";

const PERFORMER: Method = Method {
    class: CLASS,
    name: "performer",
    params: &[],
    returns: "MediaWiki\\Extension\\CaptchaGuard\\Value\\PerformerFacts",
};
const IS_EXEMPT: Method = Method {
    class: CLASS,
    name: "isExempt",
    params: &[],
    returns: "bool",
};
const SESSION_GET: Method = Method {
    class: CLASS,
    name: "sessionGet",
    params: &["string"],
    returns: "mixed",
};
const SESSION_SET: Method = Method {
    class: CLASS,
    name: "sessionSet",
    params: &["string", "mixed"],
    returns: "void",
};
const SESSION_REMOVE: Method = Method {
    class: CLASS,
    name: "sessionRemove",
    params: &["string"],
    returns: "void",
};
const VALUE: Method = Method {
    class: CLASS,
    name: "value",
    params: &["string"],
    returns: "string",
};
const CLIENT: Method = Method {
    class: CLASS,
    name: "client",
    params: &[],
    returns: "MediaWiki\\Extension\\CaptchaGuard\\Value\\ClientFacts",
};
const IS_REQUESTER: Method = Method {
    class: CLASS,
    name: "isRequester",
    params: &["MediaWiki\\User\\UserIdentity"],
    returns: "bool",
};
const IS_API: Method = Method {
    class: CLASS,
    name: "isApi",
    params: &[],
    returns: "bool",
};

pub(super) const METHODS: &[Method] = &[
    PERFORMER,
    IS_EXEMPT,
    SESSION_GET,
    SESSION_SET,
    SESSION_REMOVE,
    VALUE,
    CLIENT,
    IS_REQUESTER,
    IS_API,
];

pub fn performer() -> Result<PerformerFacts> {
    call_object(&PERFORMER, vec![])
}

/// Only the exemption, for the emergency check (one rights lookup, not four).
pub fn is_exempt() -> Result<bool> {
    call(&IS_EXEMPT, vec![])
}

/// Null when the session has no such key.
pub fn session_get(key: &str) -> Result<Zval> {
    call_value(&SESSION_GET, vec![&key])
}

pub fn session_set(key: &str, value: &dyn IntoZvalDyn) -> Result<()> {
    call_value(&SESSION_SET, vec![&key, value]).map(drop)
}

pub fn session_remove(key: &str) -> Result<()> {
    call_value(&SESSION_REMOVE, vec![&key]).map(drop)
}

/// A request parameter as text, empty when absent.
pub fn value(name: &str) -> Result<String> {
    call(&VALUE, vec![&name])
}

pub fn client() -> Result<ClientFacts> {
    call_object(&CLIENT, vec![])
}

/// Whether `user` (a hook's UserIdentity) is the one this request acts for.
pub fn is_requester(user: &Zval) -> Result<bool> {
    call(&IS_REQUESTER, vec![user])
}

pub fn is_api() -> Result<bool> {
    call(&IS_API, vec![])
}
