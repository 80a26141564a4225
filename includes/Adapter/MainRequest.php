<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\User\UserIdentity;
use RequestContext;

/**
 * What the module reads from, and keeps in, the request being served: the
 * performer, the session and request fields, as plain values.
 */
final class MainRequest {

	public static function performer(): PerformerFacts {
		$user = RequestContext::getMain()->getUser();
		return new PerformerFacts(
			id: $user->getId(),
			name: $user->getName(),
			registered: $user->isRegistered(),
			skipsCaptcha: $user->isAllowed( 'skipcaptcha' ),
			exempt: self::isExempt(),
			bot: $user->isAllowed( 'bot' ),
			system: $user->isSystemUser()
		);
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
	public static function sessionGet( string $key ): mixed {
		return RequestContext::getMain()->getRequest()->getSession()->get( $key );
	}

	/**
	 * @param string $key
	 * @param mixed $value
	 */
	public static function sessionSet( string $key, mixed $value ): void {
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

	public static function client(): ClientFacts {
		$request = RequestContext::getMain()->getRequest();
		return new ClientFacts(
			ip: (string)$request->getIP(),
			userAgent: (string)( $request->getHeader( 'User-Agent' ) ?: '' )
		);
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
