//! `AbuseFilter\SensitiveRequests`: what an AbuseFilter page or API module is
//! about to show or run of CheckUser-level filters, read as AbuseFilter reads it.

use ext_php_rs::types::{ZendHashTable, Zval};

use super::values::{SensitiveTouch, ViewerRights};
use super::{call_object, call_value, read_object, static_method, BindingError, Method, Result};

const CLASS: &str = "AbuseFilter\\SensitiveRequests";

const VIEWER: Method = static_method(
    CLASS,
    "viewer",
    &[],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\ViewerRights",
);
const OF_SPECIAL_PAGE: Method =
    static_method(CLASS, "ofSpecialPage", &["SpecialPage", "?string"], "array");
const OF_API_MODULE: Method = static_method(CLASS, "ofApiModule", &["ApiBase"], "array");
const OF_API_QUERY_RESULT: Method = static_method(
    CLASS,
    "ofApiQueryResult",
    &["ApiQueryBase", "bool"],
    "array",
);
const REFUSE_PAGE: Method = static_method(CLASS, "refusePage", &["SpecialPage", "array"], "void");
const EXPLAIN_SYNTAX_CHECK: Method =
    static_method(CLASS, "explainSyntaxCheck", &["ApiBase"], "void");

pub(super) const METHODS: &[Method] = &[
    VIEWER,
    OF_SPECIAL_PAGE,
    OF_API_MODULE,
    OF_API_QUERY_RESULT,
    REFUSE_PAGE,
    EXPLAIN_SYNTAX_CHECK,
];

pub fn viewer() -> Result<ViewerRights> {
    call_object(&VIEWER, vec![])
}

/// The looks a list of `SensitiveTouch` objects describes.
fn touches(method: &'static Method, value: Zval) -> Result<Vec<SensitiveTouch>> {
    let listed: &ZendHashTable = value.array().ok_or_else(|| BindingError::Unexpected {
        call: method,
        expected: "a list of SensitiveTouch",
        found: format!("{:?}", value.get_type()),
    })?;
    listed
        .values()
        .map(|item| read_object(method, item))
        .collect()
}

/// Special:AbuseFilter and Special:AbuseLog (`sub_page` as the hook passed it).
pub fn of_special_page(special: &Zval, sub_page: &Zval) -> Result<Vec<SensitiveTouch>> {
    touches(
        &OF_SPECIAL_PAGE,
        call_value(&OF_SPECIAL_PAGE, vec![special, sub_page])?,
    )
}

pub fn of_api_module(module: &Zval) -> Result<Vec<SensitiveTouch>> {
    touches(&OF_API_MODULE, call_value(&OF_API_MODULE, vec![module])?)
}

/// `remove`: take the patterns the viewer may not see out of the result.
pub fn of_api_query_result(module: &Zval, remove: bool) -> Result<Vec<SensitiveTouch>> {
    touches(
        &OF_API_QUERY_RESULT,
        call_value(&OF_API_QUERY_RESULT, vec![module, &remove])?,
    )
}

/// Answers a refused page: naming `missing_rights`, or, with none, saying
/// the access could not be checked just now.
pub fn refuse_page(special: &Zval, missing_rights: Vec<&'static str>) -> Result<()> {
    call_value(&REFUSE_PAGE, vec![special, &missing_rights]).map(drop)
}

pub fn explain_syntax_check(module: &Zval) -> Result<()> {
    call_value(&EXPLAIN_SYNTAX_CHECK, vec![module]).map(drop)
}
