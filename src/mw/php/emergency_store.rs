//! `Emergency\EmergencyStore`, as the emergency check reads it.

use super::values::StoredSwitch;
use super::{call_value, read_object, Method, Result};

const CLASS: &str = "Emergency\\EmergencyStore";

const CURRENT_FOR_HOOK: Method = Method {
    class: CLASS,
    name: "currentForHook",
    params: &[],
    returns: "?MediaWiki\\Extension\\CaptchaGuard\\Value\\StoredSwitch",
};

pub(super) const METHODS: &[Method] = &[CURRENT_FOR_HOOK];

/// The stored switch of this wiki (or of every wiki); None if never switched.
pub fn current_for_hook() -> Result<Option<StoredSwitch>> {
    let value = call_value(&CURRENT_FOR_HOOK, vec![])?;
    if value.is_null() {
        return Ok(None);
    }
    read_object(&CURRENT_FOR_HOOK, &value).map(Some)
}
