<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeRecorder;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\Extension\CaptchaGuard\Value\ChallengeVerdict;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\User\UserIdentity;

/**
 * A Host in memory, the whole of MediaWiki the unit tests give the module:
 * what it logs, stashes and keeps in the session is here to look at, and any
 * method throws when told to ($failures), as a wiki's services can.
 */
class FakeHost implements Host {
	public array $config = [];
	use RecordedLog;

	/** Stashed scores by user name, and their lifetimes */
	public array $stash = [];
	public array $stashTtl = [];
	public array $session = [];
	/** The request's parameters */
	public array $values = [];
	/** The switch of every wiki ("*"), or null if never switched */
	public ?StoredSwitch $switch = null;
	/** @var StoredSwitch[] More rows of the switch table, each with its wiki and ID */
	public array $switchRows = [];
	public int $switchReads = 0;
	/** @var array[] What the module reported after each read: [ states, here ] */
	public array $switchReports = [];
	/** The performer */
	public string $name = 'Alice';
	public int $id = 5;
	public array $rights = [];
	public bool $system = false;
	public string $ip = '198.51.100.9';
	public string $userAgent = 'FakeHost/1.0';
	/** @var Throwable[] By method name: what that method throws */
	public array $failures = [];
	/** Times the module asked for its outcome counts to be written */
	public int $outcomeWrites = 0;
	/** Whether writeOutcomesNow() writes (a buffer in a shared cache) */
	public bool $writesOutcomesAtOnce = false;
	/** @var OutcomeCount[] What writeOutcomesNow() took */
	public array $outcomesWrittenAtOnce = [];
	/** Whether the request carries an answer to a CAPTCHA */
	public bool $answerGiven = false;

	/** The settings as a wiki has them by default: extension.json's. */
	public function __construct() {
		$extension = json_decode( file_get_contents( __DIR__ . '/../../../extension.json' ), true );
		$this->config = array_map( static fn ( $setting ) => $setting['value'], $extension['config'] );
	}

	private function mayFail( string $method ): void {
		if ( isset( $this->failures[$method] ) ) {
			throw $this->failures[$method];
		}
	}

	/** An anonymous visitor, named by their address as MediaWiki names them. */
	public static function anonymous( array $rights = [] ): self {
		$host = new self();
		$host->name = $host->ip;
		$host->id = 0;
		$host->rights = $rights;
		return $host;
	}

	public function config( string $name ): mixed {
		$this->mayFail( __FUNCTION__ );
		if ( !array_key_exists( $name, $this->config ) ) {
			// As MediaWiki's Config: an unknown setting is an error, not a null.
			throw new RuntimeException( "No such setting: $name" );
		}
		return $this->config[$name];
	}

	public function log( string $level, string $message, array $context ): void {
		$this->record( $level, $message, $context );
	}

	public function stashedScore( string $userName ): mixed {
		$this->mayFail( __FUNCTION__ );
		return $this->stash[$userName] ?? false;
	}

	public function stashScore( string $userName, float $score, int $ttl ): void {
		$this->mayFail( __FUNCTION__ );
		$this->stash[$userName] = $score;
		$this->stashTtl[$userName] = $ttl;
	}

	public function unstashScore( string $userName ): void {
		$this->mayFail( __FUNCTION__ );
		unset( $this->stash[$userName], $this->stashTtl[$userName] );
	}

	public function storedSwitches(): array {
		$this->switchReads++;
		$this->mayFail( __FUNCTION__ );
		$rows = $this->switchRows;
		if ( $this->switch ) {
			$rows[] = new StoredSwitch(
				active: $this->switch->active,
				actions: $this->switch->actions,
				expiry: $this->switch->expiry,
				wiki: '*',
				id: count( $rows ) + 1
			);
		}
		return $rows;
	}

	public function reportSwitches( array $states, bool $here ): void {
		$this->mayFail( __FUNCTION__ );
		$this->switchReports[] = [ $states, $here ];
	}

	public function performer(): PerformerFacts {
		$this->mayFail( __FUNCTION__ );
		return new PerformerFacts(
			id: $this->id, name: $this->name, registered: $this->id > 0,
			skipsCaptcha: in_array( 'skipcaptcha', $this->rights, true ),
			exempt: $this->isExempt(), bot: in_array( 'bot', $this->rights, true ), system: $this->system
		);
	}

	public function isExempt(): bool {
		$this->mayFail( __FUNCTION__ );
		return in_array( 'captchaguard-exempt', $this->rights, true );
	}

	public function sessionGet( string $key ): mixed {
		$this->mayFail( __FUNCTION__ );
		return $this->session[$key] ?? null;
	}

	public function sessionSet( string $key, mixed $value ): void {
		$this->mayFail( __FUNCTION__ );
		$this->session[$key] = $value;
	}

	public function sessionRemove( string $key ): void {
		$this->mayFail( __FUNCTION__ );
		unset( $this->session[$key] );
	}

	public function value( string $name ): string {
		$this->mayFail( __FUNCTION__ );
		return (string)( $this->values[$name] ?? '' );
	}

	public function client(): ClientFacts {
		$this->mayFail( __FUNCTION__ );
		return new ClientFacts( ip: $this->ip, userAgent: $this->userAgent );
	}

	public function isRequester( UserIdentity $user ): bool {
		return $user->getName() === $this->name;
	}

	public function isApi(): bool {
		return false;
	}

	public function captchaAnswerGiven(): bool {
		$this->mayFail( __FUNCTION__ );
		return $this->answerGiven;
	}

	public function captchaLifetime(): int {
		return 1800;
	}

	public function beforeChallenge( FilterHit $hit, string $captchaAction, bool $challenge ): ChallengeVerdict {
		$this->mayFail( __FUNCTION__ );
		return new ChallengeVerdict( challenge: $challenge, claimed: false );
	}

	public function writeOutcomesLater(): void {
		$this->mayFail( __FUNCTION__ );
		$this->outcomeWrites++;
	}

	public function writeOutcomesNow(): bool {
		$this->mayFail( __FUNCTION__ );
		if ( !$this->writesOutcomesAtOnce ) {
			return false;
		}
		array_push( $this->outcomesWrittenAtOnce, ...OutcomeRecorder::takeCounts() );
		return true;
	}
}
