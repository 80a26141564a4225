//! `Adapter\HookObjects`: plain facts from the MediaWiki objects a hook passes.

use ext_php_rs::types::Zval;

use super::values::{SavedEdit, UserFacts};
use super::{call_object, static_method, Method, Result};

const CLASS: &str = "Adapter\\HookObjects";

const SAVED_EDIT: Method = static_method(
    CLASS,
    "savedEdit",
    &[
        "WikiPage",
        "MediaWiki\\User\\UserIdentity",
        "MediaWiki\\Revision\\RevisionRecord",
    ],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\SavedEdit",
);
const USER: Method = static_method(
    CLASS,
    "user",
    &["MediaWiki\\User\\UserIdentity"],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\UserFacts",
);

pub(super) const METHODS: &[Method] = &[SAVED_EDIT, USER];

/// PageSaveComplete's page, user and revision.
pub fn saved_edit(wiki_page: &Zval, user: &Zval, revision: &Zval) -> Result<SavedEdit> {
    call_object(&SAVED_EDIT, vec![wiki_page, user, revision])
}

pub fn user(user: &Zval) -> Result<UserFacts> {
    call_object(&USER, vec![user])
}
