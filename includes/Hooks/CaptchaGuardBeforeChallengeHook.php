<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

/**
 * For other extensions: runs when an AbuseFilter filter with showcaptcha or
 * forcecaptcha matched and CaptchaGuard is about to ask for a CAPTCHA (or
 * cannot, because ConfirmEdit cannot challenge the action). Not run for users
 * who are never asked (captchaguard-exempt, bots, system users, skipcaptcha
 * holders under showcaptcha) or when the action is switched off.
 *
 * @stable to implement
 */
interface CaptchaGuardBeforeChallengeHook {

	/**
	 * @param string $filter The filter's ID (`global-N` for a global filter)
	 * @param string $captchaAction `showcaptcha` or `forcecaptcha`
	 * @param string $filteredAction AbuseFilter's action: `edit`, `createaccount`, `move`, `upload`…
	 * @param string $page The page acted on, as its prefixed text
	 * @param bool &$challenge True when CaptchaGuard will ask for the CAPTCHA: set it
	 *   to false to let this action through without one (AbuseLog then does not
	 *   list the action as taken)
	 * @param bool &$claim Only when $challenge is false because CaptchaGuard cannot
	 *   challenge this action: set it to true to take the action over; your
	 *   extension then asks for and checks the CAPTCHA, and AbuseLog lists the
	 *   action as taken
	 * @return void Not abortable: every handler runs
	 */
	public function onCaptchaGuardBeforeChallenge(
		string $filter, string $captchaAction, string $filteredAction, string $page,
		bool &$challenge, bool &$claim
	);
}
