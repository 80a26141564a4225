<?php

namespace MediaWiki\Extension\CaptchaGuard;

use MediaWiki\Extension\ConfirmEdit\SimpleCaptcha\SimpleCaptcha;

/**
 * ConfirmEdit describes a fresh CAPTCHA for API clients only through a
 * protected method with a by-reference argument, which only PHP can call.
 */
final class ConfirmEditBridge {

	/**
	 * @param SimpleCaptcha $captcha
	 * @return array The API answer's fields, with the `captcha` object
	 */
	public static function apiData( SimpleCaptcha $captcha ): array {
		$data = [];
		( function () use ( &$data ) {
			$this->addCaptchaAPI( $data );
		} )->call( $captcha );
		return $data;
	}
}
