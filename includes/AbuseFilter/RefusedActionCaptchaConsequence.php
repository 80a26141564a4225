<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Consequences\Consequence\HookAborterConsequence;
use MediaWiki\Extension\CaptchaGuard\Adapter\ConfirmEditCompat;

/**
 * showcaptcha/forcecaptcha on an action with no edit Status to stop: a
 * sign-up, a page move or an upload. AbuseFilter itself refuses the action with
 * getMessage() when a CAPTCHA was demanded.
 * - Sign-ups: ConfirmEdit then shows its CAPTCHA in the sign-up form
 *   (CaptchaGuard's ConfirmEditTriggersCaptcha handler says it is needed).
 * - Moves and uploads: RefusedFormHandler puts the CAPTCHA in the form (MediaWiki
 *   stashes a refused upload's file, so it is not chosen again), and the API's
 *   error carries a `captcha` object as an edit's answer does.
 * The next submission carries the answer.
 */
class RefusedActionCaptchaConsequence extends CaptchaConsequence implements HookAborterConsequence {

	public function getMessage(): array {
		$filteredAction = $this->parameters->getAction();
		// e.g. captchaguard-move-flagged, or -wrong-answer when an answer came and was wrong
		$key = ConsequenceRunner::refusalMessage( $filteredAction );
		$message = ConsequenceRunner::refusalCarriesCaptcha( $filteredAction )
			? ConfirmEditCompat::refusalWithCaptcha( $key ) : $key;
		return AbuseFilterCompat::aborterMessage( $message, $this->parameters );
	}
}
