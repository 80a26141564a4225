<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\User\UserIdentity;
use RequestContext;

/**
 * What the module reads from, and keeps in, the request being served: the
 * performer, the session and request fields, as plain values.
 */
final class MainRequest {

	/**
	 * @return object{id: int, name: string, registered: bool, skips_captcha: bool, exempt: bool, bot: bool, system: bool}
	 */
	public static function performer(): object {
		$user = RequestContext::getMain()->getUser();
		return (object)[
			'id' => $user->getId(),
			'name' => $user->getName(),
			'registered' => $user->isRegistered(),
			'skips_captcha' => $user->isAllowed( 'skipcaptcha' ),
			'exempt' => self::isExempt(),
			'bot' => $user->isAllowed( 'bot' ),
			'system' => $user->isSystemUser(),
		];
	}

	/**
	 * Whether the performer holds captchaguard-exempt (people who cannot use CAPTCHAs).
	 */
	public static function isExempt(): bool {
		return RequestContext::getMain()->getUser()->isAllowed( 'captchaguard-exempt' );
	}

	/**
	 * @param string $key
	 * @return mixed Null when the session has no such key
	 */
	public static function sessionGet( string $key ) {
		return RequestContext::getMain()->getRequest()->getSession()->get( $key );
	}

	/**
	 * @param string $key
	 * @param mixed $value
	 */
	public static function sessionSet( string $key, $value ): void {
		RequestContext::getMain()->getRequest()->getSession()->set( $key, $value );
	}

	public static function sessionRemove( string $key ): void {
		RequestContext::getMain()->getRequest()->getSession()->remove( $key );
	}

	/**
	 * A request parameter as text, '' when absent.
	 */
	public static function value( string $name ): string {
		return (string)RequestContext::getMain()->getRequest()->getVal( $name, '' );
	}

	/**
	 * @return object{ip: string, user_agent: string}
	 */
	public static function client(): object {
		$request = RequestContext::getMain()->getRequest();
		return (object)[
			'ip' => (string)$request->getIP(),
			'user_agent' => (string)( $request->getHeader( 'User-Agent' ) ?: '' ),
		];
	}

	/**
	 * Whether $user is the one this request acts for (AbuseFilter may filter
	 * someone else's action here, in a job run after the response).
	 */
	public static function isRequester( UserIdentity $user ): bool {
		return $user->getName() === RequestContext::getMain()->getUser()->getName();
	}

	public static function isApi(): bool {
		return defined( 'MW_API' );
	}
}
