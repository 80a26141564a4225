<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\HookAborterConsequence;
use MediaWiki\Extension\CaptchaGuard\Adapter\ConfirmEditCompat;

/**
 * showcaptcha/forcecaptcha on an action with no edit Status to stop: a
 * sign-up or a page move. AbuseFilter itself refuses the action with
 * getMessage() when a CAPTCHA was demanded.
 * - Sign-ups: ConfirmEdit then shows its CAPTCHA in the sign-up form
 *   (CaptchaGuard's ConfirmEditTriggersCaptcha handler says it is needed).
 * - Moves: RefusedFormHandler puts the CAPTCHA in the move form, and the API's
 *   error carries a `captcha` object as an edit's answer does.
 * The next submission carries the answer.
 */
class RefusedActionCaptchaConsequence extends CaptchaConsequence implements HookAborterConsequence {

	public function getMessage(): array {
		$filteredAction = $this->parameters->getAction();
		// e.g. captchaguard-move-flagged, or -wrong-answer when an answer came and was wrong
		$key = ConsequenceRunner::refusalMessage( $filteredAction );
		return [ ConsequenceRunner::refusalCarriesCaptcha( $filteredAction )
			? ConfirmEditCompat::refusalWithCaptcha( $key ) : $key ];
	}
}
