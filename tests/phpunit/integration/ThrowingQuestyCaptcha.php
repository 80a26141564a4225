<?php

use MediaWiki\Extension\ConfirmEdit\QuestyCaptcha\QuestyCaptcha;
use MediaWiki\User\User;

/** ConfirmEdit's CAPTCHA when it fails: its answer check throws. */
class ThrowingQuestyCaptcha extends QuestyCaptcha {
	public function passCaptchaLimitedFromRequest( WebRequest $request, User $user ) {
		throw new RuntimeException( 'confirmedit unavailable' );
	}
}
