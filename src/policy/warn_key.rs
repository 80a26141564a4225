//! AbuseFilter's `warn` remembers a shown warning in a session key and toggles
//! it on every save. A CAPTCHA demanded after a warning must keep that key set,
//! or the save that carries the answer is warned again (the upstream loop).

/// The session key AbuseFilter's `warn` uses for a filter on a page and action.
/// `title_md5` is `md5("<namespace>:<text>")`, computed by the caller.
pub fn warn_session_key(title_md5: &str, filter: &str, action: &str) -> String {
    format!("abusefilter-warned-{title_md5}-{filter}-{action}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_abusefilter_layout() {
        assert_eq!(
            warn_session_key("0123abcd", "7", "edit"),
            "abusefilter-warned-0123abcd-7-edit"
        );
        assert_eq!(
            warn_session_key("ff", "global-3", "move"),
            "abusefilter-warned-ff-global-3-move"
        );
    }
}
