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
    /// Page moves: AbuseFilter refuses the move with our message, and
    /// CaptchaGuard puts ConfirmEdit's CAPTCHA in the move form.
    Move,
    /// Uploads, also a stashed or chunked upload's final step (not the
    /// stashing itself, `stashupload`): refused as moves are; MediaWiki
    /// stashes the file so the answer can publish it.
    Upload,
    /// Anything else: deletions, automatic account creation and the other
    /// actions no form of which can take a CAPTCHA (docs/filter-captchas.md).
    Uncovered,
}

impl FilteredAction {
    pub fn from_abusefilter(action: &str) -> Self {
        match action {
            "edit" => FilteredAction::Edit,
            "createaccount" => FilteredAction::AccountCreation,
            "move" => FilteredAction::Move,
            "upload" => FilteredAction::Upload,
            _ => FilteredAction::Uncovered,
        }
    }

    /// Whether AbuseFilter itself must refuse the action with our message
    /// (the consequence is a hook aborter): every covered action but edits,
    /// whose refusal goes into the edit's own Status as ConfirmEdit's does.
    pub fn is_refused_by_abusefilter(self) -> bool {
        matches!(
            self,
            FilteredAction::AccountCreation | FilteredAction::Move | FilteredAction::Upload
        )
    }

    /// The `id` of the form the action's CAPTCHA goes into, for the actions
    /// whose special page has no hook for it.
    pub fn form_id(self) -> Option<&'static str> {
        match self {
            FilteredAction::Move => Some("movepage"),
            FilteredAction::Upload => Some("mw-upload-form"),
            _ => None,
        }
    }

    /// The API module that performs the action and must accept the answer's
    /// fields (`captchaid`, `captchaword`); ConfirmEdit declares the edit's.
    pub fn api_module(self) -> Option<&'static str> {
        match self {
            FilteredAction::Move => Some("move"),
            FilteredAction::Upload => Some("upload"),
            _ => None,
        }
    }

    /// The actions whose API module takes an answer, for the API hook.
    pub const WITH_API_ANSWER: [FilteredAction; 2] = [FilteredAction::Move, FilteredAction::Upload];
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
    // A sign-up's CAPTCHA is ConfirmEdit's own, which it never shows to a
    // creator with skipcaptcha: refused, such a creator could not answer.
    if filtered == FilteredAction::AccountCreation && performer.skips_captcha {
        return Decision::Skip(SkipReason::SkipCaptchaRight);
    }
    match filtered {
        FilteredAction::Edit
        | FilteredAction::AccountCreation
        | FilteredAction::Move
        | FilteredAction::Upload => Decision::Challenge,
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

    /// The message an action AbuseFilter refuses for us (a sign-up, a move)
    /// is refused with: a wrong answer says so; `None` when it may proceed.
    pub fn refusal_message(self, action: FilteredAction) -> Option<&'static str> {
        match (action, self) {
            (_, AnswerCheck::Right) => None,
            (FilteredAction::AccountCreation, AnswerCheck::NoAnswer) => {
                Some("captchaguard-createaccount-flagged")
            }
            (FilteredAction::AccountCreation, AnswerCheck::Wrong) => {
                Some("captchaguard-createaccount-wrong-answer")
            }
            (FilteredAction::Move, AnswerCheck::NoAnswer) => Some("captchaguard-move-flagged"),
            (FilteredAction::Move, AnswerCheck::Wrong) => Some("captchaguard-move-wrong-answer"),
            (FilteredAction::Upload, AnswerCheck::NoAnswer) => Some("captchaguard-upload-flagged"),
            (FilteredAction::Upload, AnswerCheck::Wrong) => {
                Some("captchaguard-upload-wrong-answer")
            }
            (_, answer) => answer.prompt_message(),
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
        for name in ["delete", "autocreateaccount", "stashupload"] {
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
    fn sign_ups_by_skipcaptcha_holders_are_never_refused_for_a_captcha_they_cannot_see() {
        let admin = Performer {
            skips_captcha: true,
            ..anon()
        };
        for action in CaptchaAction::ALL {
            assert_eq!(
                decide(action, true, FilteredAction::AccountCreation, admin),
                Decision::Skip(SkipReason::SkipCaptchaRight)
            );
        }
    }

    #[test]
    fn moves_are_challenged_like_edits_and_refused_by_abusefilter() {
        let moved = FilteredAction::from_abusefilter("move");
        assert_eq!(moved, FilteredAction::Move);
        assert_eq!(
            decide(CaptchaAction::Show, true, moved, anon()),
            Decision::Challenge
        );
        let autoconfirmed = Performer {
            skips_captcha: true,
            ..anon()
        };
        assert_eq!(
            decide(CaptchaAction::Show, true, moved, autoconfirmed),
            Decision::Skip(SkipReason::SkipCaptchaRight)
        );
        assert_eq!(
            decide(CaptchaAction::Force, true, moved, autoconfirmed),
            Decision::Challenge
        );
        assert!(moved.is_refused_by_abusefilter());
        assert!(FilteredAction::AccountCreation.is_refused_by_abusefilter());
        assert!(!FilteredAction::Edit.is_refused_by_abusefilter());
        assert_eq!(moved.form_id(), Some("movepage"));
        assert_eq!(moved.api_module(), Some("move"));
        for action in FilteredAction::WITH_API_ANSWER {
            assert!(action.api_module().is_some());
        }
        assert_eq!(FilteredAction::Edit.api_module(), None);
    }

    #[test]
    fn uploads_are_challenged_at_their_final_step_not_when_stashed() {
        let upload = FilteredAction::from_abusefilter("upload");
        assert_eq!(upload, FilteredAction::Upload);
        assert_eq!(
            decide(CaptchaAction::Show, true, upload, anon()),
            Decision::Challenge
        );
        assert_eq!(
            decide(
                CaptchaAction::Force,
                true,
                FilteredAction::from_abusefilter("stashupload"),
                anon()
            ),
            Decision::Uncovered
        );
        assert!(upload.is_refused_by_abusefilter());
        assert_eq!(upload.form_id(), Some("mw-upload-form"));
        assert_eq!(upload.api_module(), Some("upload"));
        assert_eq!(
            AnswerCheck::NoAnswer.refusal_message(upload),
            Some("captchaguard-upload-flagged")
        );
        assert_eq!(
            AnswerCheck::Wrong.refusal_message(upload),
            Some("captchaguard-upload-wrong-answer")
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
        let sign_up = FilteredAction::AccountCreation;
        assert_eq!(
            AnswerCheck::NoAnswer.refusal_message(sign_up),
            Some("captchaguard-createaccount-flagged")
        );
        assert_eq!(
            AnswerCheck::Wrong.refusal_message(sign_up),
            Some("captchaguard-createaccount-wrong-answer")
        );
        assert_eq!(
            AnswerCheck::Wrong.refusal_message(FilteredAction::Move),
            Some("captchaguard-move-wrong-answer")
        );
        for action in [sign_up, FilteredAction::Move, FilteredAction::Edit] {
            assert_eq!(AnswerCheck::Right.refusal_message(action), None);
        }
    }
}
