<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\HookAborterConsequence;

/**
 * showcaptcha/forcecaptcha on account creation. There is no edit Status to
 * stop, so AbuseFilter itself fails the creation with getMessage() when a
 * CAPTCHA was demanded; ConfirmEdit then shows its CAPTCHA in the sign-up
 * form (CaptchaGuard's ConfirmEditTriggersCaptcha handler says it is needed)
 * and the next submission carries the answer.
 */
class AccountCreationCaptchaConsequence extends CaptchaConsequence implements HookAborterConsequence {

	public function getMessage(): array {
		// captchaguard-createaccount-flagged, or -wrong-answer when an answer came and was wrong
		return [ ConsequenceRunner::signUpMessage() ];
	}
}
