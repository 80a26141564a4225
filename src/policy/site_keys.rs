//! hCaptcha's two site keys: the site's usual one (often passive, so most
//! people never see a puzzle) and an always-challenge one for the CAPTCHAs a
//! filter or the emergency switch demands, where a passive pass proves little.

/// The keys as configured; `challenge` is empty when the wiki has none.
#[derive(Debug, Clone, Copy)]
pub struct SiteKeys<'a> {
    pub usual: &'a str,
    pub challenge: &'a str,
}

impl<'a> SiteKeys<'a> {
    /// The key the widget is shown with.
    pub fn shown(&self, demanded: bool) -> &'a str {
        if demanded && !self.challenge.is_empty() {
            self.challenge
        } else {
            self.usual
        }
    }

    /// Whether an answer solved with `solved_with` (siteverify's `sitekey`)
    /// can satisfy a demanded CAPTCHA: only the challenge key's, if there is one.
    pub fn satisfies_demand(&self, solved_with: Option<&str>) -> bool {
        self.challenge.is_empty() || solved_with == Some(self.challenge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: SiteKeys = SiteKeys {
        usual: "passive",
        challenge: "always",
    };
    const USUAL_ONLY: SiteKeys = SiteKeys {
        usual: "passive",
        challenge: "",
    };

    #[test]
    fn a_demand_shows_the_challenge_key() {
        assert_eq!(BOTH.shown(true), "always");
        assert_eq!(BOTH.shown(false), "passive");
        assert_eq!(USUAL_ONLY.shown(true), "passive");
    }

    #[test]
    fn only_the_challenge_key_satisfies_a_demand() {
        assert!(BOTH.satisfies_demand(Some("always")));
        assert!(!BOTH.satisfies_demand(Some("passive")));
        // An answer that does not say which key it was solved with proves nothing.
        assert!(!BOTH.satisfies_demand(None));
        assert!(USUAL_ONLY.satisfies_demand(Some("passive")));
        assert!(USUAL_ONLY.satisfies_demand(None));
    }
}
