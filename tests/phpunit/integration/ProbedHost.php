<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Value\ChallengeVerdict;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\User\UserIdentity;

require_once __DIR__ . '/../RecordedLog.php';

/**
 * The wiki's own host (MediaWikiHost over the real services and request),
 * watched: what the module logs is kept here as well as logged, and a method
 * named in $failures throws instead of reaching the wiki, as a session store,
 * the configuration or the user's rights can in production.
 */
final class ProbedHost implements Host {
	use RecordedLog;

	/** @var Throwable[] By method name: what that method throws */
	public array $failures = [];

	public function __construct( private Host $wiki ) {
	}

	private function reach( string $method, array $arguments ): mixed {
		if ( isset( $this->failures[$method] ) ) {
			throw $this->failures[$method];
		}
		return $this->wiki->$method( ...$arguments );
	}

	public function config( string $name ): mixed {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function log( string $level, string $message, array $context ): void {
		$this->record( $level, $message, $context );
		$this->wiki->log( $level, $message, $context );
	}

	public function stashedScore( string $userName ): mixed {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function stashScore( string $userName, float $score, int $ttl ): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function unstashScore( string $userName ): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function storedSwitches(): array {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function reportSwitches( array $states, bool $here ): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function performer(): PerformerFacts {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function isExempt(): bool {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function sessionGet( string $key ): mixed {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function sessionSet( string $key, mixed $value ): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function sessionRemove( string $key ): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function value( string $name ): string {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function client(): ClientFacts {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function isRequester( UserIdentity $user ): bool {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function isApi(): bool {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function writeOutcomesLater(): void {
		$this->reach( __FUNCTION__, func_get_args() );
	}

	public function writeOutcomesNow(): bool {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function captchaAnswerGiven(): bool {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function captchaLifetime(): int {
		return $this->reach( __FUNCTION__, func_get_args() );
	}

	public function beforeChallenge( FilterHit $hit, string $captchaAction, bool $challenge ): ChallengeVerdict {
		return $this->reach( __FUNCTION__, func_get_args() );
	}
}
