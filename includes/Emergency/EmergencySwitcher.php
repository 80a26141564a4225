<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use ApiMessage;
use Config;
use InvalidArgumentException;
use ManualLogEntry;
use Message;
use MediaWiki\Permissions\Authority;
use SpecialPage;
use Status;
use Wikimedia\ParamValidator\TypeDef\ExpiryDef;

/**
 * One change of the emergency switch, from the special page or the API:
 * checked by the module's EmergencyPolicy, stored, logged.
 */
class EmergencySwitcher {

	public function __construct(
		private EmergencyStore $store,
		private Config $config
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
		$check = EmergencyPolicy::validate(
			$on,
			$actions,
			trim( $expiry ) !== '',
			self::parseExpiry( $expiry ),
			$reason,
			(int)$this->config->get( 'CaptchaGuardEmergencyMaxExpiry' )
		);
		if ( !$check['ok'] ) {
			$params = $check['message'] === 'captchaguard-emergency-error-expiry-cap'
				? [ Message::durationParam( (int)$check['params'][0] ) ]
				: $check['params'];
			return Status::newFatal( ApiMessage::create(
				[ $check['message'], ...$params ],
				str_replace( 'captchaguard-emergency-error-', 'emergencycaptcha-', $check['message'] )
			) );
		}
		$wikis = array_values( array_unique( array_filter( array_map( 'trim', $wikis ) ) ) );
		if ( !$wikis ) {
			$wikis = [ $this->store->getWikiId() ];
		} elseif ( in_array( EmergencyStore::ALL_WIKIS, $wikis, true ) ) {
			$wikis = [ EmergencyStore::ALL_WIKIS ];
		}

		$wasActive = EmergencyPolicy::state( $this->store->current( true ) )->active;
		$this->store->insert( $check, $wikis, $performer->getUser()->getName() );
		EmergencyPolicy::forgetCachedSwitch();

		$logAction = !$check['active'] ? 'off' : ( $wasActive ? 'change' : 'on' );
		$entry = new ManualLogEntry( 'emergencycaptcha', $logAction );
		$entry->setPerformer( $performer->getUser() );
		$entry->setTarget( SpecialPage::getTitleFor( 'EmergencyCaptcha' ) );
		$entry->setComment( $check['reason'] );
		// Typed, so the log shows them localised and the API as data (EmergencyLogFormatter).
		// Switching off has no expiry: an empty timestamp would read as "now".
		$entry->setParameters( [
			'4:array:actions' => $check['actions'],
			'6:array:wikis' => $wikis,
		] + ( $check['active'] ? [ '5:timestamp:expiry' => wfTimestamp( TS_MW, $check['expiry'] ) ] : [] ) );
		$entry->publish( $entry->insert() );
		return Status::newGood( $check );
	}

	/**
	 * @return int|null Unix time, PHP_INT_MAX for "infinite", null if not understood
	 */
	private static function parseExpiry( string $expiry ): ?int {
		try {
			$parsed = ExpiryDef::normalizeExpiry( trim( $expiry ) );
		} catch ( InvalidArgumentException $e ) {
			return null;
		}
		if ( $parsed === 'infinity' ) {
			return PHP_INT_MAX;
		}
		return $parsed ? (int)$parsed->getTimestamp( TS_UNIX ) : null;
	}
}
