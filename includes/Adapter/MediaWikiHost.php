<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use BagOStuff;
use Closure;
use Config;
use DeferredUpdates;
use MediaWiki\Extension\CaptchaGuard\Emergency\SwitchSource;
use MediaWiki\Extension\CaptchaGuard\Metrics\Metrics;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeRecorder;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeStore;
use MediaWiki\Extension\CaptchaGuard\Value\ChallengeVerdict;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use MediaWiki\HookContainer\HookContainer;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserNameUtils;
use MediaWiki\Session\Session;
use MediaWiki\Session\SessionId;
use Psr\Log\LoggerInterface;
use RequestContext;
use WebRequest;
use Wikimedia\ScopedCallback;

/**
 * The Host of a wiki: built from injected services (CaptchaGuardServices::HOST)
 * and handed to each native hook handler by extension.json and HandlerFactory.
 */
final class MediaWikiHost implements Host {

	private const SCORE_KEY = 'captchaguard-hcaptcha-score';

	/** Holds the session's saving back until the response (sessionToWrite) */
	private ?ScopedCallback $heldSave = null;

	/** The request's session handle, and what it was looked up for (session()) */
	private ?Session $session = null;
	private ?WebRequest $sessionRequest = null;
	private ?SessionId $sessionId = null;

	private ?SwitchSource $switches = null;
	private ?OutcomeStore $outcomes = null;
	private ?Metrics $metrics = null;

	/**
	 * The switch store, the outcome counts and the metrics are built when
	 * first used: most requests need none of them, and every request builds
	 * the Host (make bench, the instruction count of bench/RESULTS.md).
	 *
	 * @param Config $config
	 * @param LoggerInterface $logger
	 * @param BagOStuff $stash
	 * @param UserNameUtils $userNameUtils
	 * @param Closure(): SwitchSource $newSwitches
	 * @param Closure(): OutcomeStore $newOutcomes
	 * @param HookContainer $hooks
	 * @param Closure(): Metrics $newMetrics
	 */
	public function __construct(
		private Config $config,
		private LoggerInterface $logger,
		private BagOStuff $stash,
		private UserNameUtils $userNameUtils,
		private Closure $newSwitches,
		private Closure $newOutcomes,
		private HookContainer $hooks,
		private Closure $newMetrics
	) {
	}

	private function switches(): SwitchSource {
		return $this->switches ??= ( $this->newSwitches )();
	}

	private function outcomes(): OutcomeStore {
		return $this->outcomes ??= ( $this->newOutcomes )();
	}

	private function metrics(): Metrics {
		return $this->metrics ??= ( $this->newMetrics )();
	}

	/**
	 * The request being served. Hooks run inside it, so it is read when asked,
	 * not kept: a service must not hold a request's state.
	 */
	private function context(): RequestContext {
		return RequestContext::getMain();
	}

	public function config( string $name ): mixed {
		return $this->config->get( $name );
	}

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
			? 'session:' . $this->session()->getId()
			: 'user:' . $userName;
		$secret = (string)$this->config->get( 'SecretKey' );
		return $this->stash->makeKey( self::SCORE_KEY, hash_hmac( 'sha256', $owner, $secret ) );
	}

	public function stashedScore( string $userName ): mixed {
		// An anonymous score is kept under the session's ID: a session nobody
		// kept (no cookie) is new in this request and has nothing stashed yet.
		if ( $this->userNameUtils->isIP( $userName )
			&& !$this->session()->isPersistent()
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

	public function storedSwitches(): array {
		return $this->switches()->switchesInEffect();
	}

	public function reportSwitches( array $states, bool $here ): void {
		$this->metrics()->emergencySwitches( $states, $here );
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

	public function isExempt(): bool {
		return $this->context()->getUser()->isAllowed( 'captchaguard-exempt' );
	}

	/**
	 * The request's session. WebRequest::getSession() looks the session up
	 * and builds a new handle on every call (a flagged edit reads and writes
	 * several keys); the handle is kept while the request and its session
	 * stay the ones it was looked up for.
	 */
	private function session(): Session {
		$request = $this->context()->getRequest();
		if ( $this->session === null || $this->sessionRequest !== $request
			|| $this->sessionId === null || $this->sessionId !== $request->getSessionId()
		) {
			$this->session = $request->getSession();
			$this->sessionRequest = $request;
			$this->sessionId = $request->getSessionId();
		}
		return $this->session;
	}

	public function sessionGet( string $key ): mixed {
		return $this->session()->get( $key );
	}

	public function sessionSet( string $key, mixed $value ): void {
		$this->sessionToWrite()->set( $key, $value );
	}

	public function sessionRemove( string $key ): void {
		$this->sessionToWrite()->remove( $key );
	}

	/**
	 * The session, its saving held back for the rest of the request: a
	 * flagged action changes several keys (the open challenge, the pending
	 * warning, ConfirmEdit's CAPTCHA), and MediaWiki would otherwise write
	 * the whole session to its store after each (make bench). MediaWiki
	 * saves the session itself before the response (T214471: every entry
	 * point, 1.39 and 1.43, calls Session::save(), which no delay holds) and
	 * again when it shuts the session down, so no update of ours is needed.
	 */
	private function sessionToWrite(): Session {
		$session = $this->session();
		$this->heldSave ??= $session->delaySave();
		return $session;
	}

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

	public function isRequester( UserIdentity $user ): bool {
		return $user->getName() === $this->context()->getUser()->getName();
	}

	public function isApi(): bool {
		return defined( 'MW_API' );
	}

	public function captchaAnswerGiven(): bool {
		return ConfirmEditCompat::answerGiven();
	}

	public function captchaLifetime(): int {
		return ConfirmEditCompat::captchaLifetime();
	}

	public function beforeChallenge( FilterHit $hit, string $captchaAction, bool $challenge ): ChallengeVerdict {
		$claim = false;
		$this->hooks->run( 'CaptchaGuardBeforeChallenge',
			[ $hit->filter, $captchaAction, $hit->filteredAction, $hit->page, &$challenge, &$claim ],
			[ 'abortable' => false ]
		);
		return new ChallengeVerdict( challenge: (bool)$challenge, claimed: !$challenge && (bool)$claim );
	}

	public function writeOutcomesLater(): void {
		// After the response; a failure there is logged by DeferredUpdates, never shown.
		DeferredUpdates::addCallableUpdate( function () {
			$counts = OutcomeRecorder::takeCounts();
			// Metrics first: a database failure must not lose them.
			$this->metrics()->outcomes( $counts );
			$this->outcomes()->add( $counts );
		} );
	}

	public function writeOutcomesNow(): bool {
		$outcomes = $this->outcomes();
		if ( !$outcomes->buffers() ) {
			return false;
		}
		$counts = OutcomeRecorder::takeCounts();
		$this->metrics()->outcomes( $counts );
		if ( $outcomes->addToBuffer( $counts ) ) {
			// The database write, once per interval, waits for the response.
			DeferredUpdates::addCallableUpdate( static fn () => $outcomes->flush() );
		}
		return true;
	}
}
