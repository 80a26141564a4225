<?php

use MediaWiki\MediaWikiServices;

/**
 * Another extension on CaptchaGuard's CaptchaGuardBeforeChallenge hook: it
 * lets pages titled "CG hook skip …" through without a CAPTCHA, and takes over
 * the CAPTCHA of deletions of pages titled "CG delete hook claim …" (writing down what
 * it claimed, where the test reads it).
 */
class CaptchaGuardHookTest {

	public static function onCaptchaGuardBeforeChallenge(
		string $filter, string $captchaAction, string $filteredAction, string $page,
		bool &$challenge, bool &$claim
	) {
		if ( str_starts_with( $page, 'CG hook skip' ) ) {
			$challenge = false;
		}
		if ( !$challenge && $filteredAction === 'delete' && str_starts_with( $page, 'CG delete hook claim' ) ) {
			$claim = true;
			$file = MediaWikiServices::getInstance()->getMainConfig()->get( 'CaptchaGuardHookTestFile' );
			file_put_contents( $file, json_encode( [
				'filter' => $filter, 'captchaAction' => $captchaAction,
				'filteredAction' => $filteredAction, 'page' => $page,
			] ) . "\n", FILE_APPEND | LOCK_EX );
		}
	}
}
