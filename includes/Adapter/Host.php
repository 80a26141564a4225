<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\Extension\CaptchaGuard\Value\ChallengeVerdict;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\User\UserIdentity;

/**
 * What the native module reads from, and keeps in, the wiki and the request
 * being served: configuration, the CaptchaGuard log channel, the object stash
 * (risk scores across requests), the emergency switch's store, the CAPTCHA
 * outcome counts, and the request's performer, session and fields. Every native hook handler is built
 * with one (MediaWikiHost on a wiki; tests inject their own), and the module
 * asks nothing of MediaWiki but through it and the adapters of src/mw/php.
 */
interface Host {

	/**
	 * @param string $name Without the wg prefix
	 * @return mixed
	 */
	public function config( string $name ): mixed;

	/**
	 * PSR-3: $message has {placeholders} filled from $context by the logger.
	 */
	public function log( string $level, string $message, array $context ): void;

	/**
	 * @return mixed The score stashed for $userName, false when there is none
	 */
	public function stashedScore( string $userName ): mixed;

	public function stashScore( string $userName, float $score, int $ttl ): void;

	public function unstashScore( string $userName ): void;

	/**
	 * The rows of the emergency switch table that may be in effect now, for
	 * the worker's snapshot when it is stale: one read for every wiki of the table.
	 *
	 * @return StoredSwitch[]
	 */
	public function storedSwitches(): array;

	/**
	 * The switches as a worker just read them, for the metrics.
	 *
	 * @param bool[] $states By wiki ID ("*": every wiki): whether its switch is on
	 * @param bool $here Whether this wiki's switch is on
	 */
	public function reportSwitches( array $states, bool $here ): void;

	public function performer(): PerformerFacts;

	/**
	 * Whether the performer holds captchaguard-exempt (people who cannot use CAPTCHAs).
	 */
	public function isExempt(): bool;

	/**
	 * @return mixed Null when the session has no such key
	 */
	public function sessionGet( string $key ): mixed;

	public function sessionSet( string $key, mixed $value ): void;

	public function sessionRemove( string $key ): void;

	/**
	 * A request parameter as text, '' when absent.
	 */
	public function value( string $name ): string;

	public function client(): ClientFacts;

	/**
	 * Whether $user is the one this request acts for (AbuseFilter may filter
	 * someone else's action in a job run after the response).
	 */
	public function isRequester( UserIdentity $user ): bool;

	public function isApi(): bool;

	/**
	 * Writes this request's CAPTCHA outcome counts at its end, after the
	 * response: takes them from OutcomeRecorder::takeCounts() then.
	 */
	public function writeOutcomesLater(): void;

	/**
	 * Writes this request's CAPTCHA outcome counts now (takes them from
	 * OutcomeRecorder::takeCounts()) if that is cheap: a buffer in a shared
	 * cache. False when it did not; the caller asks for writeOutcomesLater().
	 */
	public function writeOutcomesNow(): bool;

	/**
	 * Whether this request carries an answer to a CAPTCHA (left unchecked).
	 */
	public function captchaAnswerGiven(): bool;

	/**
	 * Seconds a CAPTCHA stays answerable.
	 */
	public function captchaLifetime(): int;

	/**
	 * Runs the CaptchaGuardBeforeChallenge hook: other extensions may skip a
	 * challenge of an action CaptchaGuard covers ($challenge true), or take
	 * over one it does not cover ($challenge false) and ask for the CAPTCHA
	 * themselves.
	 */
	public function beforeChallenge( FilterHit $hit, string $captchaAction, bool $challenge ): ChallengeVerdict;
}
