<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use BagOStuff;
use Config;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\SwitchSource;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use RequestContext;

/**
 * What the native module reads from, and keeps in, the wiki and the request
 * being served: configuration, the CaptchaGuard log channel, the object stash
 * (risk scores across requests), the emergency switch's store, and the
 * request's performer, session and fields. Built from injected services
 * (CaptchaGuardServices::HOST) and handed to each native hook handler by
 * HandlerFactory; tests build one from their own parts.
 */
final class Host {

	private const SCORE_KEY = 'captchaguard-hcaptcha-score';

	public function __construct(
		private Config $config,
		private LoggerInterface $logger,
		private BagOStuff $stash,
		private UserNameUtils $userNameUtils,
		private SwitchSource $switches
	) {
	}

	/**
	 * For native code called where nothing injects (the RiskScore API that
	 * other extensions call, before any handler was built in the request).
	 */
	public static function fromServices(): self {
		return CaptchaGuardServices::getHost();
	}

	/**
	 * The request being served. Hooks run inside it, so it is read when asked,
	 * not kept: a service must not hold a request's state.
	 */
	private function context(): RequestContext {
		return RequestContext::getMain();
	}

	/**
	 * @param string $name Without the wg prefix
	 * @return mixed
	 */
	public function config( string $name ): mixed {
		return $this->config->get( $name );
	}

	/**
	 * PSR-3: $message has {placeholders} filled from $context by the logger.
	 */
	public function log( string $level, string $message, array $context ): void {
		$this->logger->log( $level, $message, $context );
	}

	/**
	 * Whose score a stash key holds: an anonymous user's is their session's
	 * (people behind one IP address, a NAT or a proxy, keep their own), a
	 * registered user's is their name. The key holds only an HMAC of that,
	 * under $wgSecretKey, so it cannot be turned back into an IP address or
	 * a name.
	 */
	private function scoreKey( string $userName ): string {
		$owner = $this->userNameUtils->isIP( $userName )
			? 'session:' . $this->context()->getRequest()->getSession()->getId()
			: 'user:' . $userName;
		$secret = (string)$this->config->get( 'SecretKey' );
		return $this->stash->makeKey( self::SCORE_KEY, hash_hmac( 'sha256', $owner, $secret ) );
	}

	/**
	 * @return mixed The stored score, false when there is none
	 */
	public function stashedScore( string $userName ): mixed {
		// An anonymous score is kept under the session's ID: a session nobody
		// kept (no cookie) is new in this request and has nothing stashed yet.
		if ( $this->userNameUtils->isIP( $userName )
			&& !$this->context()->getRequest()->getSession()->isPersistent()
		) {
			return false;
		}
		return $this->stash->get( $this->scoreKey( $userName ) );
	}

	public function stashScore( string $userName, float $score, int $ttl ): void {
		$this->stash->set( $this->scoreKey( $userName ), $score, $ttl );
	}

	public function unstashScore( string $userName ): void {
		$this->stash->delete( $this->scoreKey( $userName ) );
	}

	/**
	 * The emergency switch as stored, for the check's copy when it is stale.
	 */
	public function storedSwitch(): ?StoredSwitch {
		return $this->switches->currentSwitch();
	}

	public function performer(): PerformerFacts {
		$user = $this->context()->getUser();
		return new PerformerFacts(
			id: $user->getId(),
			name: $user->getName(),
			registered: $user->isRegistered(),
			skipsCaptcha: $user->isAllowed( 'skipcaptcha' ),
			exempt: $this->isExempt(),
			bot: $user->isAllowed( 'bot' ),
			system: $user->isSystemUser()
		);
	}

	/**
	 * Whether the performer holds captchaguard-exempt (people who cannot use CAPTCHAs).
	 */
	public function isExempt(): bool {
		return $this->context()->getUser()->isAllowed( 'captchaguard-exempt' );
	}

	/**
	 * @param string $key
	 * @return mixed Null when the session has no such key
	 */
	public function sessionGet( string $key ): mixed {
		return $this->context()->getRequest()->getSession()->get( $key );
	}

	public function sessionSet( string $key, mixed $value ): void {
		$this->context()->getRequest()->getSession()->set( $key, $value );
	}

	public function sessionRemove( string $key ): void {
		$this->context()->getRequest()->getSession()->remove( $key );
	}

	/**
	 * A request parameter as text, '' when absent.
	 */
	public function value( string $name ): string {
		return (string)$this->context()->getRequest()->getVal( $name, '' );
	}

	public function client(): ClientFacts {
		$request = $this->context()->getRequest();
		return new ClientFacts(
			ip: (string)$request->getIP(),
			userAgent: (string)( $request->getHeader( 'User-Agent' ) ?: '' )
		);
	}

	/**
	 * Whether $user is the one this request acts for (AbuseFilter may filter
	 * someone else's action here, in a job run after the response).
	 */
	public function isRequester( UserIdentity $user ): bool {
		return $user->getName() === $this->context()->getUser()->getName();
	}

	public function isApi(): bool {
		return defined( 'MW_API' );
	}
}
