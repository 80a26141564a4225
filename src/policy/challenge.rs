//! Who must solve a CAPTCHA when an AbuseFilter filter asks for one.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// The two AbuseFilter actions CaptchaGuard provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptchaAction {
    /// `showcaptcha`: users with `skipcaptcha` are left alone.
    Show,
    /// `forcecaptcha`: users with `skipcaptcha` are challenged too.
    Force,
}

impl CaptchaAction {
    pub const ALL: [CaptchaAction; 2] = [CaptchaAction::Show, CaptchaAction::Force];

    pub const fn name(self) -> &'static str {
        match self {
            CaptchaAction::Show => "showcaptcha",
            CaptchaAction::Force => "forcecaptcha",
        }
    }
}

impl fmt::Display for CaptchaAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("unknown CaptchaGuard action '{0}' (expected showcaptcha or forcecaptcha)")]
pub struct UnknownAction(pub String);

impl FromStr for CaptchaAction {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaptchaAction::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownAction(s.to_owned()))
    }
}

/// What the user did, as AbuseFilter names it (its `action` variable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilteredAction {
    /// Edits and page creations: ConfirmEdit can challenge these.
    Edit,
    /// Sign-ups (not automatic account creation on login): ConfirmEdit's
    /// CAPTCHA in the sign-up form, asked for by our trigger hook.
    AccountCreation,
    /// Anything ConfirmEdit cannot put a CAPTCHA in front of from a filter:
    /// moves, uploads, deletions (see README).
    Uncovered,
}

impl FilteredAction {
    pub fn from_abusefilter(action: &str) -> Self {
        match action {
            "edit" => FilteredAction::Edit,
            "createaccount" => FilteredAction::AccountCreation,
            _ => FilteredAction::Uncovered,
        }
    }
}

/// The facts about the performer that the decision depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Performer {
    pub skips_captcha: bool,
    pub exempt: bool,
    pub bot: bool,
    pub system: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    ActionDisabled,
    Exempt,
    Bot,
    SystemUser,
    SkipCaptchaRight,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The performer must solve a CAPTCHA before the action goes through.
    Challenge,
    /// The filter matched, but this performer is not challenged.
    Skip(SkipReason),
    /// ConfirmEdit cannot challenge this kind of action.
    Uncovered,
}

/// Decides whether `performer` must solve a CAPTCHA for `filtered` because a
/// filter with `action` matched.
pub fn decide(
    action: CaptchaAction,
    enabled: bool,
    filtered: FilteredAction,
    performer: Performer,
) -> Decision {
    if !enabled {
        return Decision::Skip(SkipReason::ActionDisabled);
    }
    // People who cannot use CAPTCHAs, bots and system users are never challenged.
    if performer.exempt {
        return Decision::Skip(SkipReason::Exempt);
    }
    if performer.system {
        return Decision::Skip(SkipReason::SystemUser);
    }
    if performer.bot {
        return Decision::Skip(SkipReason::Bot);
    }
    if action == CaptchaAction::Show && performer.skips_captcha {
        return Decision::Skip(SkipReason::SkipCaptchaRight);
    }
    match filtered {
        FilteredAction::Edit | FilteredAction::AccountCreation => Decision::Challenge,
        FilteredAction::Uncovered => Decision::Uncovered,
    }
}

/// The outcome of checking the answer that came with a challenged request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerCheck {
    /// No answer was sent: the user has not been asked yet.
    NoAnswer,
    Wrong,
    Right,
}

impl AnswerCheck {
    pub const ALL: [AnswerCheck; 3] = [
        AnswerCheck::NoAnswer,
        AnswerCheck::Wrong,
        AnswerCheck::Right,
    ];

    /// The outcome's name where it crosses into PHP (`ConfirmEditCompat::checkAnswer`).
    pub const fn name(self) -> &'static str {
        match self {
            AnswerCheck::NoAnswer => "none",
            AnswerCheck::Wrong => "wrong",
            AnswerCheck::Right => "right",
        }
    }

    pub fn from_name(name: &str) -> Option<AnswerCheck> {
        AnswerCheck::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The message key shown above the CAPTCHA, or `None` when the action may proceed.
    pub fn prompt_message(self) -> Option<&'static str> {
        match self {
            AnswerCheck::NoAnswer => Some("captchaguard-flagged"),
            AnswerCheck::Wrong => Some("captchaguard-wrong-answer"),
            AnswerCheck::Right => None,
        }
    }

    /// The message a sign-up a filter stopped is refused with: a wrong
    /// answer says so; `None` when the sign-up may proceed.
    pub fn sign_up_message(self) -> Option<&'static str> {
        match self {
            AnswerCheck::NoAnswer => Some("captchaguard-createaccount-flagged"),
            AnswerCheck::Wrong => Some("captchaguard-createaccount-wrong-answer"),
            AnswerCheck::Right => None,
        }
    }

    /// Why an edit was refused, as the failed-edit event names it.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            AnswerCheck::NoAnswer => Some("missing"),
            AnswerCheck::Wrong => Some("wrong"),
            AnswerCheck::Right => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon() -> Performer {
        Performer::default()
    }

    #[test]
    fn parses_both_action_names_and_rejects_others() {
        assert_eq!("showcaptcha".parse(), Ok(CaptchaAction::Show));
        assert_eq!("forcecaptcha".parse(), Ok(CaptchaAction::Force));
        assert_eq!(
            "captcha".parse::<CaptchaAction>(),
            Err(UnknownAction("captcha".into()))
        );
    }

    #[test]
    fn anonymous_edit_is_challenged_by_both_actions() {
        for action in CaptchaAction::ALL {
            assert_eq!(
                decide(action, true, FilteredAction::Edit, anon()),
                Decision::Challenge
            );
        }
    }

    #[test]
    fn skipcaptcha_only_skips_showcaptcha() {
        let sysop = Performer {
            skips_captcha: true,
            ..anon()
        };
        assert_eq!(
            decide(CaptchaAction::Show, true, FilteredAction::Edit, sysop),
            Decision::Skip(SkipReason::SkipCaptchaRight)
        );
        assert_eq!(
            decide(CaptchaAction::Force, true, FilteredAction::Edit, sysop),
            Decision::Challenge
        );
    }

    #[test]
    fn exempt_bot_and_system_users_are_never_challenged() {
        let cases = [
            (
                Performer {
                    exempt: true,
                    ..anon()
                },
                SkipReason::Exempt,
            ),
            (
                Performer {
                    bot: true,
                    skips_captcha: true,
                    ..anon()
                },
                SkipReason::Bot,
            ),
            (
                Performer {
                    system: true,
                    ..anon()
                },
                SkipReason::SystemUser,
            ),
        ];
        for (performer, reason) in cases {
            for action in CaptchaAction::ALL {
                assert_eq!(
                    decide(action, true, FilteredAction::Edit, performer),
                    Decision::Skip(reason)
                );
            }
        }
    }

    #[test]
    fn disabled_action_does_nothing() {
        assert_eq!(
            decide(CaptchaAction::Force, false, FilteredAction::Edit, anon()),
            Decision::Skip(SkipReason::ActionDisabled)
        );
    }

    #[test]
    fn uncovered_actions_are_reported_not_challenged() {
        for name in [
            "move",
            "upload",
            "delete",
            "autocreateaccount",
            "stashupload",
        ] {
            assert_eq!(
                decide(
                    CaptchaAction::Show,
                    true,
                    FilteredAction::from_abusefilter(name),
                    anon()
                ),
                Decision::Uncovered
            );
        }
        assert_eq!(
            FilteredAction::from_abusefilter("edit"),
            FilteredAction::Edit
        );
        assert_eq!(
            decide(
                CaptchaAction::Show,
                true,
                FilteredAction::from_abusefilter("createaccount"),
                anon()
            ),
            Decision::Challenge
        );
    }

    #[test]
    fn incorrect_answer_message_only_after_an_answer() {
        assert_eq!(
            AnswerCheck::NoAnswer.prompt_message(),
            Some("captchaguard-flagged")
        );
        assert_eq!(
            AnswerCheck::Wrong.prompt_message(),
            Some("captchaguard-wrong-answer")
        );
        assert_eq!(AnswerCheck::Right.prompt_message(), None);
        assert_eq!(AnswerCheck::NoAnswer.refusal(), Some("missing"));
        assert_eq!(AnswerCheck::Wrong.refusal(), Some("wrong"));
        for answer in AnswerCheck::ALL {
            assert_eq!(AnswerCheck::from_name(answer.name()), Some(answer));
        }
        assert_eq!(AnswerCheck::from_name("maybe"), None);
        assert_eq!(AnswerCheck::Right.refusal(), None);
        assert_eq!(
            AnswerCheck::NoAnswer.sign_up_message(),
            Some("captchaguard-createaccount-flagged")
        );
        assert_eq!(
            AnswerCheck::Wrong.sign_up_message(),
            Some("captchaguard-createaccount-wrong-answer")
        );
        assert_eq!(AnswerCheck::Right.sign_up_message(), None);
    }
}
