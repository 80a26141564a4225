<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use ApiMessage;
use Config;
use InvalidArgumentException;
use ManualLogEntry;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchChange;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchRefusal;
use MediaWiki\JobQueue\JobQueueGroupFactory;
use Message;
use MediaWiki\Permissions\Authority;
use Psr\Log\LoggerInterface;
use SpecialPage;
use Status;
use Throwable;
use Wikimedia\ParamValidator\TypeDef\ExpiryDef;
use Wikimedia\Timestamp\TimestampException;

/**
 * One change of the emergency switch, from the special page or the API:
 * checked by the module's EmergencyPolicy, stored, logged.
 */
class EmergencySwitcher {

	public function __construct(
		private EmergencyStore $store,
		private Config $config,
		private JobQueueGroupFactory $jobs,
		private LoggerInterface $logger
	) {
	}

	/**
	 * @param Authority $performer
	 * @param bool $on
	 * @param string[] $actions
	 * @param string $expiry As typed: "2 hours", an ISO time…
	 * @param string $reason
	 * @param string[] $wikis Wiki IDs or [ '*' ]; empty for this wiki
	 * @return Status Fatal with a localised message when nothing was changed
	 */
	public function change(
		Authority $performer, bool $on, array $actions, string $expiry, string $reason, array $wikis
	): Status {
		if ( !$performer->isAllowed( 'emergencycaptcha' ) ) {
			return Status::newFatal( ApiMessage::create( 'captchaguard-emergency-error-right', 'permissiondenied' ) );
		}
		$check = EmergencyPolicy::validate( new SwitchChange(
			on: $on,
			actions: array_values( array_map( 'strval', $actions ) ),
			expiryGiven: trim( $expiry ) !== '',
			expiry: self::parseExpiry( $expiry ),
			reason: $reason,
			maxSeconds: $this->maxExpirySeconds(),
			wikis: array_values( array_map( 'strval', $wikis ) ),
			currentWiki: $this->store->getWikiId(),
			knownWikis: $this->knownWikis(),
			maySwitchOthers: $performer->isAllowed( 'emergencycaptcha-global' )
		) );
		if ( is_array( $check ) ) {
			// Every problem at once: the form and the API list them all.
			$status = Status::newGood();
			foreach ( $check as $refusal ) {
				$status->fatal( self::refusalMessage( $refusal ) );
			}
			return $status;
		}
		$wikis = $check->wikis;

		$wasActive = EmergencyPolicy::state( $this->store->current( true ) )->active;
		$this->store->insert( $check, $wikis, $performer->getUser() );
		EmergencyPolicy::forgetCachedSwitch();

		$logAction = !$check->active ? 'off' : ( $wasActive ? 'change' : 'on' );
		$entry = new ManualLogEntry( 'emergencycaptcha', $logAction );
		$entry->setPerformer( $performer->getUser() );
		$entry->setTarget( SpecialPage::getTitleFor( 'EmergencyCaptcha' ) );
		$entry->setComment( $check->reason );
		// Typed, so the log shows them localised and the API as data (EmergencyLogFormatter).
		// Switching off has no expiry: an empty timestamp would read as "now".
		$entry->setParameters( [
			'4:array:actions' => $check->actions,
			'6:array:wikis' => $wikis,
		] + ( $check->active ? [ '5:timestamp:expiry' => wfTimestamp( TS_MW, $check->expiry ) ] : [] ) );
		$entry->publish( $entry->insert() );
		$this->logOnOtherWikis(
			$entry,
			EmergencyPolicy::coveredElsewhere( $wikis, $this->store->getWikiId(), $this->knownWikis() )
		);
		return Status::newGood( $check );
	}

	/**
	 * The longest expiry a switch may have, in seconds from now.
	 */
	public function maxExpirySeconds(): int {
		return (int)$this->config->get( 'CaptchaGuardEmergencyMaxExpiry' );
	}

	/**
	 * Whether the performer could name wikis other than this one: the wiki
	 * shares its switch with others, and the performer may switch them.
	 */
	public function mayNameOtherWikis( Authority $performer ): bool {
		return $performer->isAllowed( 'emergencycaptcha-global' )
			&& array_diff( $this->knownWikis(), [ $this->store->getWikiId() ] ) !== [];
	}

	private static function refusalMessage( SwitchRefusal $refusal ): ApiMessage {
		$params = $refusal->durationParam
			? [ Message::durationParam( (int)$refusal->params[0] ) ]
			: $refusal->params;
		return ApiMessage::create( [ $refusal->message, ...$params ], $refusal->code );
	}

	/**
	 * The farm's wikis that share the switch: $wgCaptchaGuardEmergencyWikis,
	 * or $wgLocalDatabases.
	 *
	 * @return string[]
	 */
	private function knownWikis(): array {
		$wikis = $this->config->get( 'CaptchaGuardEmergencyWikis' )
			?? $this->config->get( 'LocalDatabases' );
		return array_values( array_map( 'strval', (array)$wikis ) );
	}

	/**
	 * Each other wiki a change covers gets the same log entry, written there
	 * by a job (its log and its users are its own), with the performer named
	 * as an external user ("origin>Name").
	 *
	 * @param ManualLogEntry $entry As logged here
	 * @param string[] $otherWikis From EmergencyPolicy::coveredElsewhere()
	 */
	private function logOnOtherWikis( ManualLogEntry $entry, array $otherWikis ): void {
		$here = $this->store->getWikiId();
		foreach ( $otherWikis as $wiki ) {
			// The switch is stored and logged here: a wiki that cannot be reached
			// must not undo it.
			try {
				$this->jobs->makeJobQueueGroup( $wiki )->push( EmergencyLogJob::newSpec( $entry, $here ) );
			} catch ( Throwable $e ) {
				$this->logger->error(
					'Could not log the emergency CAPTCHA switch on {wiki}: {error}',
					[ 'wiki' => $wiki, 'error' => $e->getMessage(), 'exception' => $e ]
				);
			}
		}
	}

	/**
	 * @return int|null Unix time; PHP_INT_MAX for "infinite" and for a time
	 *  too far away for MediaWiki to hold ("99999999999 years", the year
	 *  99999), which the policy refuses as over the cap; null if not understood
	 */
	private static function parseExpiry( string $expiry ): ?int {
		// PHP reads a year of five digits or more as something else
		// (99999-12-31 as a day in 2009, "in the past").
		if ( preg_match( '/^\s*\+?\d{5,}-/', $expiry ) ) {
			return PHP_INT_MAX;
		}
		try {
			$parsed = ExpiryDef::normalizeExpiry( trim( $expiry ) );
			if ( $parsed === 'infinity' ) {
				return PHP_INT_MAX;
			}
			return $parsed ? (int)$parsed->getTimestamp( TS_UNIX ) : null;
		} catch ( InvalidArgumentException $e ) {
			return null;
		} catch ( TimestampException $e ) {
			return PHP_INT_MAX;
		}
	}
}
